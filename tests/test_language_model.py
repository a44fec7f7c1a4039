"""A language model pretrained once (`language_model` recipe) and reused by a classifier (`encoder=RUN_DIR`).

Everything here is SYNTHETIC: templated reviews written by the test, in files and archives it makes.
"""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.core import scores
from rnn_cookbook.text import language_model
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.core.training import budget_notes
from synthetic_text import synthetic_reviews, write_csv


@pytest.fixture(scope="module")
def lm_recipe():
    from rnn_cookbook.recipes import language_model as recipe

    return recipe


@pytest.fixture(scope="module")
def sentiment():
    from rnn_cookbook.recipes import sentiment_rnn

    return sentiment_rnn


@pytest.fixture(scope="module")
def unlabelled_folder(tmp_path_factory):
    """SYNTHETIC: a folder of 1,200 unlabelled reviews, one file each, in two sub-folders."""
    root = tmp_path_factory.mktemp("unlabelled")
    for i, (text, _) in enumerate(synthetic_reviews(1200, seed=1)):
        folder = root / ("a" if i % 2 else "b")
        folder.mkdir(exist_ok=True)
        (folder / f"{i}.txt").write_text(text + "\n", encoding="utf-8")
    return root


SMALL = {"num_words": 200, "output_words": 40, "embedding_dim": 16, "units": 16, "sequence_length": 12, "epochs": 2, "batch_size": 32, "learning_rate": 1e-2, "validation_fraction": 0.1}


@pytest.fixture(scope="module")
def encoder_run(lm_recipe, unlabelled_folder, tmp_path_factory):
    cfg = lm_recipe.Config(data=str(unlabelled_folder), **SMALL)
    return lm_recipe.train(cfg, output=tmp_path_factory.mktemp("lm") / "run", verbose=0)


def test_the_language_model_run_holds_what_an_encoder_needs(encoder_run):
    run = encoder_run.run
    for name in ("model.keras", "vocabulary.json", "metrics.json", "loss.png", "history.csv", "config.json"):
        assert run.file(name).is_file(), name
    metrics = encoder_run.metrics
    # SYNTHETIC reviews are templated: the next word is far more predictable than its frequency says.
    assert metrics["model"]["perplexity"] < metrics["baselines"]["unigram"]["perplexity"]
    assert metrics["training_words"] > 10_000 and metrics["output_classes"] == 41
    opened = language_model.LanguageModelRun(run.path)
    assert opened.shape.units == 16 and opened.shape.layer_names() == ["embedding", "lstm_1"]
    assert len(opened.vocabulary) <= 200


def test_a_classifier_starts_from_the_encoder_and_predicts(sentiment, encoder_run, tmp_path):
    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(300, seed=2))
    run = tmp_path / "classifier"
    result = cli_here(  # trains here; `predict` below opens the run in a new process
        "run", "sentiment_rnn", "--quick", "--set", f"data={labelled}", "--set", "cell=lstm",
        "--set", f"encoder={encoder_run.run.path}", "--set", "lm_finetune_epochs=1", "--set", "freeze_epochs=1",
        "--set", "pooling=concat", "--set", "epochs=8", "--set", "learning_rate=5e-3", "--output", str(run),
    )
    assert result.returncode == 0, result.stderr
    assert "the encoder's vocabulary of" in result.stdout
    metrics = json.loads((run / "metrics.json").read_text())
    record = metrics["encoder"]
    assert record["transferred_layers"] == ["embedding", "lstm_1"]
    assert record["fine_tuned"]["training_words"] > 0 and record["fine_tuned"]["validation_perplexity"] > 1
    assert (run / "language_model.keras").is_file()
    assert metrics["model"]["accuracy"] > 0.8  # SYNTHETIC templated reviews
    # Its vocabulary is the encoder's, saved beside the classifier for `predict`.
    assert json.loads((run / "vocabulary.json").read_text())["tokens"] == list(language_model.LanguageModelRun(encoder_run.run.path).vocabulary.tokens)
    predicted = cli_here("predict", str(run), "the acting was superb and the plot felt wonderful.")
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.split("\t")[0] == "1"


def test_the_classifier_body_takes_the_encoder_weights_by_name(sentiment, encoder_run):
    cfg = sentiment.Config.quick().replace(cell="lstm", encoder=str(encoder_run.run.path))
    opened = language_model.LanguageModelRun(encoder_run.run.path)
    classifier = sentiment.build_model(cfg, len(opened.vocabulary), 3)
    assert classifier.output_shape == (None, 3)
    lm = opened.load_model()
    assert language_model.transfer(lm, classifier, opened.shape.layer_names()) == ["embedding", "lstm_1"]
    for name in ("embedding", "lstm_1"):
        for ours, theirs in zip(classifier.get_layer(name).get_weights(), lm.get_layer(name).get_weights(), strict=True):
            np.testing.assert_array_equal(ours, theirs)


def test_fine_tuning_the_language_model_reads_training_texts_only(sentiment, encoder_run, tmp_path, monkeypatch):
    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(200, seed=3))
    cfg = sentiment.Config.quick().replace(
        data=str(labelled), cell="lstm", encoder=str(encoder_run.run.path), lm_finetune_epochs=1, epochs=1
    )
    data = sentiment.load_data(cfg)
    seen = {}
    original = language_model.fine_tune_language_model

    def spy(model, train_ids, validation_ids, **kwargs):
        seen["train"], seen["validation"] = train_ids, validation_ids
        return original(model, train_ids, validation_ids, **kwargs)

    monkeypatch.setattr(language_model, "fine_tune_language_model", spy)
    sentiment.train(cfg, output=tmp_path / "run", verbose=0)
    assert seen["train"] == data.train_ids and seen["validation"] == data.validation_ids
    test = {tuple(ids) for ids in data.encoded.test_ids}
    assert not test & {tuple(ids) for ids in seen["train"]}


def test_generate_writes_words_from_a_language_model_run(encoder_run):
    result = cli_here("generate", str(encoder_run.run.path), "--prompt", "the acting was", "--length", "6", "--seed", "1")
    assert result.returncode == 0, result.stderr
    words = result.stdout.strip().split()
    assert len(words) >= 6
    assert "[UNK]" not in result.stdout and "[RARE]" not in result.stdout


def test_the_language_model_reads_archives_and_csv_columns_and_resumes(lm_recipe, tmp_path):
    reviews = [text for text, _ in synthetic_reviews(400, seed=4)]
    archive = tmp_path / "texts.tar.gz"
    with tarfile.open(archive, "w:gz") as handle:
        for i, text in enumerate(reviews[:300]):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"corpus/train/{i}.txt" if i < 250 else f"corpus/test/{i}.txt")
            info.size = len(data)
            handle.addfile(info, io.BytesIO(data))
    table = write_csv(tmp_path / "more.csv", [(t, "x") for t in reviews[300:]], text_column="review")
    cfg = lm_recipe.Config(data=f"{archive},{table}", include="*/train/*", text_column="review", **SMALL)
    data = lm_recipe.load_data(cfg)
    assert data.texts == 250 + 100  # the archive's test texts left out by `include`
    run = tmp_path / "run"
    cfg_file = tmp_path / "config.json"
    cfg.save_json(cfg_file)
    done = cli_here("run", "language_model", "--config", str(cfg_file), "--output", str(run))
    assert done.returncode == 0, done.stderr
    assert "words/s" in done.stdout and "left for" in done.stdout
    again = cli_here("run", "language_model", "--config", str(cfg_file), "--output", str(run), "--resume")
    assert again.returncode != 0 and "holds a finished run: nothing to resume" in again.stderr


def test_wrong_encoders_and_settings_are_one_line_errors(sentiment, encoder_run, tmp_path):
    from rnn_cookbook.recipes import conv1d_rnn_classifier

    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(60))
    classifier = sentiment.train(sentiment.Config.quick().replace(data=str(labelled)), output=tmp_path / "clf", verbose=0)
    with pytest.raises(RunFolderError, match="was made by sentiment_rnn, not by language_model"):
        sentiment.load_data(sentiment.Config.quick().replace(data=str(labelled), cell="lstm", encoder=str(classifier.run.path)))
    with pytest.raises(ConfigError, match="set cell=lstm to start from it"):
        sentiment.Config(data=str(labelled), encoder=str(encoder_run.run.path))
    with pytest.raises(ConfigError, match="no LSTM body"):
        conv1d_rnn_classifier.Config(data=str(labelled), encoder=str(encoder_run.run.path))
    with pytest.raises(ConfigError, match="data=imdb is Keras' word ids"):
        sentiment.Config(cell="lstm", encoder=str(encoder_run.run.path))
    with pytest.raises(ConfigError, match="act on an encoder"):
        sentiment.Config(lm_finetune_epochs=2)
    with pytest.raises(ConfigError, match="leave encoder out"):  # a search fits build_model alone
        sentiment.search_data(sentiment.Config.quick().replace(data=str(labelled), cell="lstm", encoder=str(encoder_run.run.path)))


def test_too_little_text_and_too_few_words_are_refused(lm_recipe, tmp_path):
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("one short line\nanother short line\n" * 3)
    with pytest.raises(DataError, match="distinct words"):
        lm_recipe.load_data(lm_recipe.Config(data=str(tiny), validation_fraction=0.5))
    with pytest.raises(ConfigError, match="output_words .* must be below num_words"):
        lm_recipe.Config(num_words=100, output_words=100)


def test_unigram_loss_counts_with_numpy_as_the_witten_bell_formula_says():
    train, evaluated = [1, 2, 2, 3, 3, 3, 0], [3, 2, 4, 1, 0]
    counts, kinds = np.bincount(train, minlength=6), 4
    expected = -np.mean([np.log((counts[t] + kinds / 6) / (len(train) + kinds)) for t in evaluated[1:]])
    assert scores.ngram_loss(train, evaluated, 6, order=1, start=1) == pytest.approx(expected)


def test_a_budget_that_ends_while_validation_improves_is_noted():
    falling = {"val_loss": [0.9, 0.7, 0.6]}
    assert "try a larger --epochs" in budget_notes(falling, epochs=3)[0]
    assert budget_notes(falling, epochs=5) == []  # early stopping ended it
    assert budget_notes({"val_loss": [0.9, 0.6, 0.7]}, epochs=3) == []  # best epoch not the last


def test_ulmfit_fine_tuning_gradual_unfreezing_discriminative_rates_and_a_slanted_schedule(sentiment, encoder_run, tmp_path):
    from rnn_cookbook.text import fine_tuning
    from rnn_cookbook.core.runs import RunFolder

    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(200, seed=5))
    cfg = sentiment.Config.quick().replace(
        data=str(labelled), cell="lstm", encoder=str(encoder_run.run.path), pooling="mean",
        unfreeze="gradual", layer_lr_decay=0.4, schedule="slanted_triangular", epochs=2,
    )
    result = sentiment.train(cfg, output=tmp_path / "run", verbose=0)
    optimizer = result.model.optimizer
    assert isinstance(optimizer, fine_tuning.LayerwiseAdam)
    assert optimizer.factors["classes" if "classes" in optimizer.factors else "positive"] == 1.0
    assert optimizer.factors["lstm_1"] == pytest.approx(0.4) and optimizer.factors["embedding"] == pytest.approx(0.16)
    import keras

    schedule = keras.saving.deserialize_keras_object(optimizer.get_config()["learning_rate"])
    assert isinstance(schedule, fine_tuning.SlantedTriangular)
    # The model, optimizer and schedule included, loads with safe_mode in this process.
    reloaded = RunFolder.open(result.run.path).load_model()
    assert reloaded.count_params() == result.model.count_params()


def test_slanted_triangular_rises_then_falls_and_layer_groups_run_top_down():
    from rnn_cookbook.text import fine_tuning

    schedule = fine_tuning.SlantedTriangular(0.01, total_steps=100, cut_fraction=0.1, ratio=32)
    rates = [float(schedule(step)) for step in (0, 5, 10, 55, 100)]
    assert rates[0] == pytest.approx(0.01 / 32) and rates[2] == pytest.approx(0.01)
    assert rates[0] < rates[1] < rates[2] > rates[3] > rates[4] and rates[4] == pytest.approx(0.01 / 32)
    assert fine_tuning.layer_factors([["out"], ["lstm_2"], ["lstm_1"], ["embedding"]], 0.5) == {
        "out": 1.0, "lstm_2": 0.5, "lstm_1": 0.25, "embedding": 0.125,
    }


def test_layerwise_adam_scales_each_layers_step():
    import keras

    from rnn_cookbook.text import fine_tuning

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1, name="b")(keras.layers.Dense(4, name="a")(inputs)))
    model.compile(optimizer=fine_tuning.LayerwiseAdam({"a": 0.0}, learning_rate=0.1), loss="mse")
    before = {name: [w.copy() for w in model.get_layer(name).get_weights()] for name in ("a", "b")}
    model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    for w, old in zip(model.get_layer("a").get_weights(), before["a"], strict=True):
        np.testing.assert_array_equal(w, old)  # factor 0: frozen by its rate alone
    assert not np.allclose(model.get_layer("b").get_weights()[0], before["b"][0])


def test_a_classifier_names_test_texts_its_encoder_trained_on(lm_recipe, sentiment, tmp_path):
    reviews = synthetic_reviews(400, seed=6)  # SYNTHETIC
    labelled = write_csv(tmp_path / "labelled.csv", reviews)
    split = sentiment.load_data(sentiment.Config.quick().replace(data=str(labelled)))
    unlabelled = tmp_path / "unlabelled.txt"  # the classifier's test texts and nothing else: a leak
    unlabelled.write_text("\n".join(split.encoded.test_texts * 3) + "\n")
    encoder = lm_recipe.train(lm_recipe.Config(data=str(unlabelled), **{**SMALL, "validation_fraction": 0.02}), output=tmp_path / "lm", verbose=0)
    opened = language_model.LanguageModelRun(encoder.run.path)
    assert opened.trained_on(split.encoded.test_texts) > 0.9 * len(split.encoded.test_texts)
    fresh = [t for t in split.encoded.train_texts if t not in set(split.encoded.test_texts)]  # templates repeat
    assert opened.trained_on(fresh) == 0
    data = sentiment.load_data(sentiment.Config.quick().replace(data=str(labelled), cell="lstm", encoder=str(encoder.run.path)))
    assert any("test texts are among the texts the encoder's language model trained on" in n for n in data.encoded.notes)


@pytest.fixture(scope="module")
def backward_run(lm_recipe, unlabelled_folder, tmp_path_factory):
    cfg = lm_recipe.Config(data=str(unlabelled_folder), direction="backward", **SMALL)
    return lm_recipe.train(cfg, output=tmp_path_factory.mktemp("lm") / "backward", verbose=0)


def test_a_backward_language_model_reads_each_text_last_word_first(lm_recipe, unlabelled_folder, backward_run, encoder_run):
    forward = lm_recipe.load_data(lm_recipe.Config(data=str(unlabelled_folder), **SMALL))
    backward = lm_recipe.load_data(lm_recipe.Config(data=str(unlabelled_folder), direction="backward", **SMALL))
    assert backward.vocabulary == forward.vocabulary  # the same split, the same words: one id each
    first = forward.vocabulary.encode([forward.train_texts[0]])[0]
    np.testing.assert_array_equal(backward.train_stream[: len(first)], first[::-1])
    assert sorted(backward.train_stream) == sorted(forward.train_stream)
    assert language_model.LanguageModelRun(backward_run.run.path).shape.direction == "backward"
    metrics = backward_run.metrics  # templated text is as predictable read backwards
    assert metrics["model"]["perplexity"] < metrics["baselines"]["unigram"]["perplexity"]
    refused = cli_here("generate", str(backward_run.run.path), "--prompt", "the acting was")
    assert refused.returncode != 0 and "backward language model" in refused.stderr


def test_reversed_words_keep_the_padding_at_the_back():
    from rnn_cookbook.text.layers import ReversedWords

    ids = np.array([[5, 6, 7, 0, 0], [1, 2, 3, 4, 9], [0, 0, 0, 0, 0]], dtype="int32")
    expected = [[7, 6, 5, 0, 0], [9, 4, 3, 2, 1], [0, 0, 0, 0, 0]]
    np.testing.assert_array_equal(np.asarray(ReversedWords()(ids)), expected)


def test_a_two_way_classifier_averages_a_forward_and_a_backward_encoder(sentiment, encoder_run, backward_run, tmp_path):
    from rnn_cookbook.text.predict import TextClassifierRun

    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(300, seed=2))
    cfg = sentiment.Config.quick().replace(
        data=str(labelled), cell="lstm", pooling="mean", encoder=str(encoder_run.run.path),
        backward_encoder=str(backward_run.run.path), lm_finetune_epochs=1, epochs=6, learning_rate=5e-3,
    )
    result = sentiment.train(cfg, output=tmp_path / "run", verbose=0)
    model, metrics = result.model, result.metrics
    assert model.get_layer("two_way").__class__.__name__ == "Average"
    assert metrics["encoder"]["transferred_layers"] == ["embedding", "lstm_1"]
    assert metrics["backward_encoder"]["transferred_layers"] == ["backward_embedding", "backward_lstm_1"]
    assert metrics["backward_encoder"]["direction"] == "backward"
    assert (result.run.path / "backward_language_model.keras").is_file()  # its own stage 2, on reversed texts
    assert "encoder_probe" in metrics["validation"]["baselines"] and metrics["encoder"]["probe"]["training_texts"] > 0
    assert metrics["model"]["accuracy"] > 0.8  # SYNTHETIC templated reviews
    # The model's output is the mean of the two heads'.
    ids = np.asarray(sentiment.load_data(cfg).test[0][:8])
    import keras

    heads = keras.Model(model.inputs, [model.get_layer("positive").output, model.get_layer("backward_positive").output])
    forward, backward = heads.predict(ids, verbose=0)
    np.testing.assert_allclose(model.predict(ids, verbose=0), (forward + backward) / 2, rtol=1e-5)
    reopened = TextClassifierRun(result.run.path, use="model")  # safe_mode loading knows ReversedWords
    assert reopened.predict_proba(["the acting was superb and the plot felt wonderful."])[0] > 0.5


def test_two_encoders_must_be_a_forward_and_a_backward_of_one_vocabulary(sentiment, encoder_run, backward_run):
    both = dict(cell="lstm", encoder=str(encoder_run.run.path))
    with pytest.raises(ConfigError, match="reads forward: train it with --set direction=backward"):
        sentiment.build_model(sentiment.Config.quick().replace(**both, backward_encoder=str(encoder_run.run.path)), 200)
    with pytest.raises(ConfigError, match="is a backward language model"):
        sentiment.build_model(sentiment.Config.quick().replace(cell="lstm", encoder=str(backward_run.run.path)), 200)
    with pytest.raises(ConfigError, match="set encoder=RUN_DIR"):
        sentiment.Config(cell="lstm", backward_encoder=str(backward_run.run.path))


def test_a_run_says_when_its_fine_tuned_encoder_ends_below_the_frozen_probe(sentiment, encoder_run, tmp_path):
    labelled = write_csv(tmp_path / "labelled.csv", synthetic_reviews(300, seed=4))
    # A rate too small to move anything in one epoch: the classifier stays near chance, the probe does not.
    cfg = sentiment.Config.quick().replace(
        data=str(labelled), cell="lstm", pooling="mean", encoder=str(encoder_run.run.path), epochs=1, learning_rate=1e-7,
    )
    metrics = sentiment.train(cfg, output=tmp_path / "run", verbose=0).metrics
    probe = metrics["validation"]["baselines"]["encoder_probe"]
    assert probe["accuracy"] == pytest.approx(metrics["encoder"]["probe"]["validation_accuracy"])
    assert probe["accuracy"] > metrics["validation"]["model"]["accuracy"]
    noted = [note for note in metrics["notes"] if note.startswith("on the validation split, encoder_probe beats the model")]
    assert len(noted) == 1 and "; try layer_lr_decay=0.05 (the encoder barely moves)" in noted[0]
