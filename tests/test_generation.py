"""Text generation: corpora, the char and word recipes, the stateful sampler, `rnn-cookbook generate`."""

from __future__ import annotations

import hashlib
import json
import math

import keras
import numpy as np
import pytest

from conftest import cli, cli_here
from rnn_cookbook.core import scores
from rnn_cookbook.core.pipeline import next_token_dataset
from rnn_cookbook.generation.corpora import load_corpus
from rnn_cookbook.core.vocabulary import CharVocabulary, Vocabulary, vocabulary_from_dict
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.generation.sampling import GeneratorRun, Sampler, generate
from rnn_cookbook.decoding import one_step_model

# SYNTHETIC: a small text written by the tests, regular enough to learn in seconds.
SUBJECTS = ("the cat", "a dog", "the old man", "my sister", "a bird")
VERBS = ("sees", "likes", "follows", "hears")
OBJECTS = ("the river.", "a red ball.", "the garden.", "the moon.")


def synthetic_text(lines: int = 300) -> str:
    rng = np.random.RandomState(0)
    return "\n".join(
        f"{SUBJECTS[rng.randint(5)]} {VERBS[rng.randint(4)]} {OBJECTS[rng.randint(4)]}" for _ in range(lines)
    )


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "synthetic.txt"
    path.write_text(synthetic_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def char_recipe():
    from rnn_cookbook.recipes import char_lstm_generator

    return char_lstm_generator


@pytest.fixture(scope="module")
def word_recipe():
    from rnn_cookbook.recipes import word_generator

    return word_generator


@pytest.fixture(scope="module")
def char_run(char_recipe, text_file, tmp_path_factory):
    cfg = char_recipe.Config.quick().replace(
        data=str(text_file), sequence_length=40, batch_size=16, epochs=5, learning_rate=0.01
    )
    return char_recipe.train(cfg, output=tmp_path_factory.mktemp("char") / "run", verbose=0)


@pytest.fixture(scope="module")
def word_run(word_recipe, tmp_path_factory):
    return word_recipe.train(word_recipe.Config.quick(), output=tmp_path_factory.mktemp("word") / "run", verbose=0)


@pytest.fixture(scope="module")
def char_vocabulary(char_run):
    return vocabulary_from_dict(char_run.run.read_json("vocabulary.json"))


# --- corpora -------------------------------------------------------------------------------------
def test_corpus_from_a_file_is_split_by_position(text_file):
    corpus = load_corpus(str(text_file))
    text = text_file.read_text(encoding="utf-8")
    assert corpus.text == text and corpus.train_text + corpus.validation_text == text
    assert len(corpus.validation_text) == round(len(text) * 0.1)
    assert text.endswith(corpus.validation_text)  # the last 10%, not a random sample
    assert not corpus.synthetic and corpus.name == "synthetic"


def test_corpus_from_a_folder_joins_its_files_in_name_order(tmp_path):
    (tmp_path / "b.txt").write_text("second", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert load_corpus(str(tmp_path)).text == "first\n\nsecond"


def test_fox_corpus_is_a_named_toy():
    corpus = load_corpus("fox")
    assert corpus.synthetic and corpus.label == "fox_sentence (toy)"
    assert corpus.text == "The quick brown fox jumps over the lazy dog."
    assert any("toy" in note for note in corpus.notes)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "no text at"),
        (lambda p: (p / "blank.txt").write_text("  \n") and p / "blank.txt", "holds no text"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "holds no \\*.txt files"),
    ],
)
def test_bad_corpora_are_clear_errors(tmp_path, make, message):
    with pytest.raises(DataError, match=message):
        load_corpus(str(make(tmp_path)))


def test_a_latin_1_corpus_is_read_as_such_with_a_note(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("un caf\u00e9 cr\u00e8me, s'il vous pla\u00eet\n".encode("latin-1") * 5)
    corpus = load_corpus(str(path))
    assert "caf\u00e9 cr\u00e8me" in corpus.text
    assert any("latin1.txt: not UTF-8, read as cp1252" in note for note in corpus.notes)


def test_shakespeare_download_from_a_local_file_url_is_cached_and_checked(tmp_path):
    served = tmp_path / "shakespeare.txt"
    served.write_text("First Citizen:\nBefore we proceed any further, hear me speak.\n", encoding="utf-8")
    digest = hashlib.sha256(served.read_bytes()).hexdigest()
    corpus = load_corpus("shakespeare", origin=served.as_uri(), file_hash=digest, cache_dir=tmp_path / "cache")
    assert corpus.text.startswith("First Citizen:") and corpus.name == "shakespeare"
    assert (tmp_path / "cache" / "datasets" / "shakespeare.txt").is_file()
    with pytest.raises(DataError, match="Shakespeare: download of shakespeare.txt failed"):
        load_corpus("shakespeare", origin=served.as_uri(), file_hash="0" * 64, cache_dir=tmp_path / "other")


def test_shakespeare_without_network_is_one_clear_error(tmp_path):
    with pytest.raises(DataError) as failure:
        load_corpus("shakespeare", origin="http://127.0.0.1:9/shakespeare.txt", cache_dir=tmp_path)
    message = str(failure.value)
    assert message.startswith("Shakespeare: download of shakespeare.txt failed")
    assert "--set data=path/to/text.txt" in message and "\n" not in message


# --- vocabularies, pipelines, baselines ----------------------------------------------------------
def test_char_vocabulary_round_trip_and_unknown_characters():
    vocabulary = CharVocabulary.from_text("hello world")
    assert vocabulary.decode(vocabulary.encode_text("low old")) == "low old"
    assert vocabulary_from_dict(json.loads(json.dumps(vocabulary.to_dict()))) == vocabulary
    with pytest.raises(DataError, match=r"2 character\(s\) not in the model's vocabulary of 8: 'X', '!'"):
        vocabulary.encode_text("hello X!")
    with pytest.raises(DataError, match="distinct single characters"):
        CharVocabulary.from_dict({"level": "char", "tokens": ["ab", "c"]})


def test_word_vocabulary_reads_unknown_words_as_unk():
    vocabulary = Vocabulary.adapt(["the cat sat", "the dog"], max_tokens=100)
    assert vocabulary.unknown("The bird sat, the bird!") == ["bird"]
    assert vocabulary.encode_text("the bird") == [vocabulary.tokens.index("the"), vocabulary.oov_id]


def test_next_token_dataset_targets_are_the_inputs_shifted_by_one():
    ids = np.arange(23)
    batches = list(next_token_dataset(ids, sequence_length=5, batch_size=2))
    inputs = np.concatenate([x.numpy() for x, _ in batches])
    targets = np.concatenate([y.numpy() for _, y in batches])
    assert inputs.shape == (3, 5)  # 23 ids -> three whole chunks of 6, the rest dropped
    assert inputs[1].tolist() == [6, 7, 8, 9, 10] and targets[1].tolist() == [7, 8, 9, 10, 11]


def test_shuffled_next_token_dataset_cuts_at_a_new_offset_each_epoch():
    dataset = next_token_dataset(np.arange(50), sequence_length=4, batch_size=3, shuffle=True, seed=0)
    epochs = [np.concatenate([x.numpy() for x, _ in dataset]) for _ in range(4)]
    assert all(len(epoch) == 9 for epoch in epochs)  # the same number of sequences every epoch
    assert len({int(epoch[:, 0].min()) for epoch in epochs}) > 1  # but not the same windows
    for epoch in epochs:  # each still a run of consecutive ids
        assert (np.diff(epoch, axis=1) == 1).all()


def test_ngram_loss_is_the_entropy_it_should_be():
    rng = np.random.RandomState(0)
    uniform = rng.randint(0, 4, 20000)
    assert scores.ngram_loss(uniform[:10000], uniform[10000:], 4, order=1) == pytest.approx(math.log(4), abs=0.01)
    cycle = np.tile([0, 1, 2, 3], 500)  # each token decides the next: a bigram model is nearly certain
    assert scores.ngram_loss(cycle[:1000], cycle[1000:], 4, order=2) < 0.01
    unseen = scores.ngram_loss([0, 0, 0], [3, 3], 4, order=3)
    assert math.isfinite(unseen) and unseen > math.log(4)  # never zero probability, worse than uniform
    result = scores.language_model_scores(math.log(2), level="char")
    assert result["bits_per_char"] == pytest.approx(1.0) and result["perplexity"] == pytest.approx(2.0)


def test_prefix_windows_of_the_seed_sentence(word_recipe):
    inputs, targets = word_recipe.prefix_windows(np.array([5, 6, 7, 8]), window=3)
    assert inputs.tolist() == [[0, 0, 5], [0, 5, 6], [5, 6, 7]] and targets.tolist() == [6, 7, 8]


# --- the recipes ----------------------------------------------------------------------------------
def test_char_recipe_learns_below_the_uniform_loss(char_run, char_vocabulary):
    metrics = char_run.metrics
    uniform = math.log(len(char_vocabulary))
    assert metrics["split"] == "validation" and metrics["data"] == "synthetic"
    assert metrics["model"]["loss"] < uniform - 0.5  # well below guessing among the characters
    assert metrics["model"]["bits_per_char"] == pytest.approx(metrics["model"]["loss"] / math.log(2))
    assert set(metrics["baselines"]) == {"unigram", "5-gram"}
    assert char_run.history["val_loss"][-1] < char_run.history["val_loss"][0]
    assert char_run.model.output_shape == (None, None, len(char_vocabulary))  # a prediction at every step


def test_stream_loss_predicts_every_character_from_all_before_it(char_recipe, char_run, char_vocabulary):
    ids = np.asarray(char_vocabulary.encode_text("the cat sees the moon.\na dog likes the river."), dtype="int32")
    probabilities = char_run.model.predict(ids[None, :-1], verbose=0)[0]
    expected = -np.mean(np.log(probabilities[np.arange(len(ids) - 1), ids[1:]]))
    loss, _ = char_recipe.stream_loss(char_run.model, ids, streams=1)
    assert loss == pytest.approx(expected, rel=1e-5)
    assert char_recipe.stream_loss(char_run.model, ids, streams=4)[0] != pytest.approx(expected, rel=1e-5)


def test_word_recipe_learns_the_seed_sentence(word_run):
    vocabulary = vocabulary_from_dict(word_run.run.read_json("vocabulary.json"))
    assert word_run.metrics["data"] == "fox_sentence (toy)"
    assert generate(word_run.model, vocabulary, "the quick", length=7, temperature=0) == [
        "brown fox jumps over the lazy dog"
    ]


def test_recipe_settings_are_checked(char_recipe, word_recipe, tmp_path):
    with pytest.raises(ConfigError, match="sample_every must be an integer >= 0"):
        char_recipe.Config(sample_every=-1)
    with pytest.raises(ConfigError, match="sequence_length"):
        char_recipe.Config(sequence_length=0)
    with pytest.raises(ConfigError, match="num_words must be at least 3"):
        word_recipe.Config(num_words=2)
    short = tmp_path / "short.txt"
    short.write_text("just a few characters here", encoding="utf-8")
    with pytest.raises(DataError, match="fewer than the 101 needed"):
        char_recipe.load_data(char_recipe.Config(data=str(short)))


# --- the sampler -----------------------------------------------------------------------------------
def test_one_step_model_matches_the_full_model(char_run, char_vocabulary):
    prefix = char_vocabulary.encode_text("the old man follows a re")
    full = char_run.model.predict(np.array([prefix]), verbose=0)[0, -1]
    stepped = keras.ops.convert_to_numpy(keras.ops.softmax(Sampler(char_run.model).next_logits(prefix)))
    np.testing.assert_allclose(stepped, full, atol=1e-5)
    assert one_step_model(char_run.model).input_shape[0] == (None,)  # one token per row


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn_masked"])
def test_one_step_model_matches_stacked_cells(cell):
    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn_masked": keras.layers.SimpleRNN}[cell]
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int32")
    hidden = keras.layers.Embedding(30, 8, mask_zero=cell.endswith("masked"))(inputs)
    hidden = layer(12, return_sequences=True)(hidden)
    hidden = keras.layers.Dropout(0.5)(hidden)
    hidden = layer(10)(hidden)
    model = keras.Model(inputs, keras.layers.Dense(30, activation="softmax")(hidden))
    prefix = [3, 7, 1, 29, 4]
    full = model.predict(np.array([prefix]), verbose=0)[0]
    stepped = keras.ops.convert_to_numpy(keras.ops.softmax(Sampler(model).next_logits(prefix)))
    np.testing.assert_allclose(stepped, full, atol=1e-5)
    if cell.endswith("masked"):  # padding in front of a masked prefix changes nothing
        padded = model.predict(np.array([[0, 0, 0, *prefix]]), verbose=0)[0]
        np.testing.assert_allclose(padded, full, atol=1e-6)


def test_same_seed_same_sample_other_seed_other_sample(char_run, char_vocabulary):
    sampler = Sampler(char_run.model)
    prompt = char_vocabulary.encode_text("the ")
    first = sampler.sample(prompt, 60, temperature=1.0, seed=7)
    assert (sampler.sample(prompt, 60, temperature=1.0, seed=7) == first).all()
    assert not (sampler.sample(prompt, 60, temperature=1.0, seed=8) == first).all()


def test_temperature_zero_and_top_1_are_greedy(char_run, char_vocabulary):
    sampler = Sampler(char_run.model)
    prompt = char_vocabulary.encode_text("a dog ")
    text = list(prompt)
    for _ in range(25):  # greedy decoding by re-running the full model, as the rnn-deep-dive tutorial does
        text.append(int(np.argmax(char_run.model.predict(np.array([text]), verbose=0)[0, -1])))
    greedy = text[len(prompt) :]
    assert sampler.sample(prompt, 25, temperature=0.0)[0].tolist() == greedy
    assert sampler.sample(prompt, 25, temperature=1e-6, seed=3)[0].tolist() == greedy  # the limit T -> 0
    assert sampler.sample(prompt, 25, temperature=1.5, top_k=1, seed=3)[0].tolist() == greedy


def test_batch_generation(char_run, char_vocabulary):
    samples = generate(char_run.model, char_vocabulary, "the", length=50, temperature=1.0, num_samples=4, seed=0)
    assert len(samples) == 4 and all(len(s) == 50 for s in samples)
    assert len(set(samples)) > 1  # each row draws its own characters


def test_top_k_keeps_to_the_k_most_likely(char_run, char_vocabulary):
    sampler = Sampler(char_run.model)
    prompt = char_vocabulary.encode_text("my sis")
    allowed = set(np.argsort(sampler.next_logits(prompt))[-3:].tolist())
    first = sampler.sample(prompt, 1, temperature=5.0, top_k=3, num_samples=64, seed=1)[:, 0]
    assert set(first.tolist()) <= allowed


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"prompt": "the Zebra!"}, DataError, r"'Z', '!'"),
        ({"prompt": ""}, DataError, "the prompt is empty"),
        ({"prompt": 42}, DataError, "must be a string"),
        ({"prompt": "the", "temperature": -0.5}, ConfigError, "temperature must be a number >= 0"),
        ({"prompt": "the", "top_k": 0}, ConfigError, "top_k must be an integer >= 1"),
        ({"prompt": "the", "length": 0}, ConfigError, "length must be an integer >= 1"),
        ({"prompt": "the", "num_samples": 2.5}, ConfigError, "num_samples"),
    ],
)
def test_bad_generation_input_is_a_clear_error(char_run, char_vocabulary, settings, error, message):
    prompt = settings.pop("prompt")
    with pytest.raises(error, match=message):
        generate(char_run.model, char_vocabulary, prompt, **settings)


def test_models_the_sampler_cannot_step_are_refused():
    inputs = keras.Input(shape=(None,), dtype="int32")
    hidden = keras.layers.Embedding(10, 4)(inputs)
    hidden = keras.layers.Bidirectional(keras.layers.LSTM(4))(hidden)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden))
    with pytest.raises(RunFolderError, match="not only LSTM, GRU or SimpleRNN"):
        one_step_model(model)


# --- reopening a run -------------------------------------------------------------------------------
def test_generator_run_reopens_in_this_process(char_run):
    run = GeneratorRun(char_run.run.path)
    assert run.level == "char"
    assert run.generate("the ", length=30, seed=5) == generate(char_run.model, run.vocabulary, "the ", length=30, seed=5)


def test_generate_cli_in_a_new_process_is_reproducible(char_run):
    args = ("generate", str(char_run.run.path), "--prompt", "the ", "--length", "40", "--num-samples", "2", "--seed", "3")
    first, here = cli(*args), cli_here(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == here.stdout  # a new process samples what this one does
    samples = first.stdout.split("-" * 40 + "\n")
    assert len(samples) == 2 and all(s.startswith("the ") and len(s.rstrip("\n")) == 44 for s in samples)


def test_generate_cli_with_words_notes_unknown_words(word_run):
    result = cli_here("generate", str(word_run.run.path), "--prompt", "the quick zebra", "--length", "3", "--temperature", "0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("the quick zebra ") and len(result.stdout.split()) == 6
    assert "not in the vocabulary, read as [UNK]: zebra" in result.stderr


def test_generate_cli_errors_are_one_line(char_run, tmp_path):
    unknown = cli_here("generate", str(char_run.run.path), "--prompt", "QQ")
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: 1 character(s) not in the model's vocabulary")
    missing = cli_here("generate", str(tmp_path), "--prompt", "the")
    assert missing.returncode == 1 and "not a finished run folder" in missing.stderr
    assert cli_here("generate", str(char_run.run.path)).returncode == 2  # --prompt is required


def test_generate_and_predict_refuse_each_others_runs(char_run, tmp_path):
    from rnn_cookbook.recipes import sentiment_rnn

    classifier = sentiment_rnn.train(sentiment_rnn.Config.quick(), output=tmp_path / "classifier", verbose=0)
    with pytest.raises(RunFolderError, match="a text classifier; generate needs"):
        GeneratorRun(classifier.run.path)
    result = cli_here("predict", str(char_run.run.path), "some text")
    assert result.returncode == 1 and "which does not classify text" in result.stderr
