"""The translator: sentence-pair files, the leak-free split, the attention model, greedy and beam decoding, the CLI."""

from __future__ import annotations

import codecs
import json
import sys
import zipfile

import numpy as np
import pytest

from conftest import cli, cli_here
from rnn_cookbook.translation.pairs import TOY_PAIRS, connected_groups, detokenize, load_pairs, tokenize
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError

ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org #{} (someone) & #{} (someone else)"


def tatoeba_file(path, rows, *, bom=True):
    """A pair file laid out as manythings.org packs Tatoeba: English<TAB>Chinese<TAB>attribution, BOM, empty last line."""
    lines = [f"{en}\t{zh}\t{ATTRIBUTION.format(i, i + 1)}" for i, (en, zh) in enumerate(rows)]
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + ("\n".join(lines) + "\n\n").encode("utf-8"))
    return path


def toy_rows():
    """The toy pairs as (English, Chinese), with two English sentences that have two translations each."""
    rows = [(en, zh) for zh, en in (line.split("\t") for line in TOY_PAIRS.splitlines())]
    return rows + [("I'm fine.", "我很好啊。"), ("Thank you.", "谢谢你。")]


@pytest.fixture(scope="module")
def recipe():
    from rnn_cookbook.recipes import translator

    return translator


@pytest.fixture(scope="module")
def quick(recipe, tmp_path_factory):
    """One quick run on a Tatoeba-style file the test writes, shared by the tests of a trained model."""
    folder = tmp_path_factory.mktemp("translator")
    data = tatoeba_file(folder / "cmn.txt", toy_rows())
    cfg = recipe.Config.quick().replace(data=str(data), epochs=12, compare_without_attention=True)  # the baseline too
    return recipe.train(cfg, output=folder / "run", verbose=0)


# --- reading pairs ---------------------------------------------------------------------------------
def test_words_and_characters_round_trip():
    assert tokenize("I'll see you at 5.", "words") == ["I'll", "see", "you", "at", "5", "."]
    assert tokenize("我们 明天见。", "chars") == ["我", "们", "明", "天", "见", "。"]
    assert detokenize(["Where", "'s", "Tom", "?"], "words") == "Where 's Tom?"
    assert detokenize(tokenize("He said (twice), no.", "words"), "words") == "He said (twice), no."


def test_jieba_cuts_chinese_into_words_and_reads_latin_text_as_words():
    assert tokenize("我们明天见。", "jieba") == ["我们", "明天", "见", "。"]
    for text in ("我们明天见。", "我用iPhone 8拍照。", "Tengo 3 gatos.", "I'm fine, thanks."):
        assert detokenize(tokenize(text, "jieba"), "jieba") == text  # spaces only between two Latin words
    assert tokenize("Tengo 3 gatos.", "jieba") == tokenize("Tengo 3 gatos.", "words")


def test_jieba_or_sentencepiece_missing_is_one_line_that_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "jieba", None)  # as if not installed: importing it raises ImportError
    with pytest.raises(ConfigError, match=r'jieba tokens need the jieba package: pip install "rnn-cookbook\[jieba\]"'):
        load_pairs(latin_pairs(tmp_path / "es-en.tsv"), columns="es,en", source_tokens="jieba")
    monkeypatch.setitem(sys.modules, "sentencepiece", None)
    with pytest.raises(ConfigError, match=r'subword tokens need the sentencepiece package: pip install "rnn-cookbook\[subwords\]"'):
        load_pairs(latin_pairs(tmp_path / "es-en.tsv"), columns="es,en", target_tokens="subwords")


def test_jieba_words_and_subwords_train_save_and_translate(recipe, tmp_path):
    """Chinese cut by jieba into English subwords: one quick run, reopened in a new object, translates."""
    import json

    from rnn_cookbook.translation.run import TranslatorRun

    cfg = recipe.Config.quick().replace(source_tokens="jieba", target_tokens="subwords", target_vocabulary=60, epochs=1)
    result = recipe.train(cfg, output=tmp_path / "run", verbose=0)
    assert "bleu" in result.metrics["model"] and "bleu" in result.metrics["baselines"]["translation_memory"]
    run = TranslatorRun(result.run.path)
    assert run.source.level == "jieba" and "我们" in run.source.tokens  # words, not characters
    assert run.target.level == "subwords" and len(run.target) <= 60 and "▁I" in run.target.tokens
    assert json.loads((result.run.path / "vocabulary.json").read_text())["target"]["subwords"]  # the model travels
    (translation,) = run.translate(["我们不喜欢狗。"], beam=1)
    assert "▁" not in translation  # pieces joined back into text
    with pytest.raises(DataError, match="this model reads at most 12"):  # lengths count jieba's words
        run.translate(["我们不喜欢狗。" * 6])


def test_jieba_and_subwords_read_a_latin_pair_both_ways(recipe, tmp_path):
    from rnn_cookbook.translation.subwords import train_subwords

    latin = latin_pairs(tmp_path / "es-en.tsv")
    for source, target in (("es", "en"), ("en", "es")):
        pairs = load_pairs(latin, columns="es,en", source_language=source, target_language=target,
                           source_tokens="jieba", target_tokens="jieba")
        assert (pairs.source_level, pairs.target_level) == ("jieba", "jieba") and len(pairs.sources) == 48
        cfg = recipe.Config.quick().replace(data=str(latin), columns="es,en", source=source, target=target,
                                            source_tokens="subwords", target_tokens="subwords", source_vocabulary=40)
        data = recipe.load_data(cfg)
        sentences, _ = data.sentences("train")
        assert data.source.level == "subwords" and len(data.source) <= 40
        ids = data.source.encode(sentences, data.source.width(cfg.max_source_length), markers=True)
        assert [data.source.decode(row) for row in ids] == sentences  # pieces back to the very text
        unseen = "Tengo 3 gatitos." if source == "es" else "I have 3 kittens."
        assert data.source.unknown(unseen) == []  # a new word is cut into known pieces, not read as [UNK]
        inputs, targets = data.arrays("train")
        assert targets.shape[1] == data.target.width(cfg.max_target_length) + 1
    assert train_subwords(sentences, 40) == train_subwords(sentences, 40)  # the same sentences, the same model


def test_a_tatoeba_file_reads_chinese_to_english_with_its_attribution_kept(tmp_path):
    path = tatoeba_file(tmp_path / "cmn.txt", toy_rows())
    pairs = load_pairs(path, test_fraction=0.2, validation_fraction=0.2)
    assert (pairs.source_language, pairs.target_language, pairs.source_level, pairs.target_level) == ("zh", "en", "chars", "words")
    assert len(pairs.sources) == len(toy_rows())  # the BOM and the empty last line are no pairs
    assert pairs.sources[0] == "我很好。" and pairs.targets[0] == "I'm fine."  # no BOM glued to the first sentence
    assert pairs.extra[0][0].startswith("CC-BY 2.0 (France) Attribution: tatoeba.org #0")
    assert "column 2 is zh by its script, column 1 en" in pairs.notes[0]
    reverse = load_pairs(path, source_language="en", target_language="zh", test_fraction=0.2, validation_fraction=0.2)
    assert reverse.sources[0] == "I'm fine." and reverse.source_level == "words" and reverse.target_level == "chars"


def test_a_source_tab_target_file_reads_in_its_own_order_and_columns_name_others(tmp_path):
    path = tmp_path / "fr-en.tsv"
    path.write_text("".join(f"Je suis {w}.\tI am {w}.\n" for w in ("las", "content", "ici", "prêt", "seul", "là", "fort", "triste", "grand", "petit")))
    plain = load_pairs(path, test_fraction=0.2, validation_fraction=0.2)  # no settings: source<TAB>target, words
    assert plain.sources[0] == "Je suis las." and plain.label == "fr-en.tsv (source->target)"
    assert plain.source_level == plain.target_level == "words" and "the first is the source" in plain.notes[0]
    pairs = load_pairs(path, source_language="fr", target_language="en", test_fraction=0.2, validation_fraction=0.2)
    assert pairs.sources[0] == "Je suis las." and pairs.label == "fr-en.tsv (fr->en)"
    swapped = load_pairs(path, source_language="en", target_language="fr", columns="fr,en", test_fraction=0.2, validation_fraction=0.2)
    assert swapped.sources[0] == "I am las."
    with pytest.raises(ConfigError, match="source and target must be two of them"):
        load_pairs(path, source_language="de", target_language="en", columns="fr,en")
    with pytest.raises(ConfigError, match="no column of the file is written in zh's script, but zh was asked"):
        load_pairs(path, source_language="zh")  # refused, not cut into characters


def test_max_pairs_samples_a_large_file_before_the_split(tmp_path, recipe):
    """A first look at a big file: a seeded random sample of its pairs (here Spanish-English, in words)."""
    path = tmp_path / "es-en.tsv"
    path.write_text("".join(f"Tengo {n} gatos.\tI have {n} cats.\n" for n in range(300)))
    sampled = load_pairs(path, max_pairs=100, test_fraction=0.2, validation_fraction=0.2)
    assert len(sampled.sources) == 100 and "kept a random 100 of the 300 others (max_pairs)" in sampled.notes[1]
    assert set(sampled.sources) < {f"Tengo {n} gatos." for n in range(300)}
    assert sampled.sources == load_pairs(path, max_pairs=100, test_fraction=0.2, validation_fraction=0.2).sources
    assert sampled.sources != load_pairs(path, max_pairs=100, seed=1, test_fraction=0.2, validation_fraction=0.2).sources
    assert len(load_pairs(path, max_pairs=1000, test_fraction=0.2, validation_fraction=0.2).sources) == 300
    assert recipe.Config.quick().max_pairs == 2000 and recipe.Config().max_pairs is None  # --quick samples a file
    with pytest.raises(ConfigError, match="max_pairs must be an integer >= 10"):
        recipe.Config(max_pairs=0)


def test_bad_pair_files_are_named_by_line(tmp_path):
    one_column = tmp_path / "one.txt"
    one_column.write_text("Hi.\t你好。\nno tab here\n")
    with pytest.raises(DataError, match=r"one.txt, line 2: one column"):
        load_pairs(one_column)
    empty_side = tmp_path / "empty.txt"
    empty_side.write_text("Hi.\t你好。\n\t再见。\n")
    with pytest.raises(DataError, match=r"line 2: an empty sentence"):
        load_pairs(empty_side)
    with pytest.raises(DataError, match="no such file"):
        load_pairs(tmp_path / "missing.txt")


def test_long_pairs_are_dropped_and_counted(tmp_path):
    path = tatoeba_file(tmp_path / "cmn.txt", toy_rows())
    pairs = load_pairs(path, max_source_length=4, test_fraction=0.2, validation_fraction=0.2)
    too_long = sum(len(zh) > 4 for _, zh in toy_rows())
    assert len(pairs.sources) == len(toy_rows()) - too_long
    assert f"dropped {too_long} pair(s) longer than 4 source" in pairs.notes[1]


def test_no_sentence_of_either_language_is_on_two_sides_of_the_split(tmp_path):
    # "Thank you." has three translations, and "谢谢。" two originals: one group of four pairs.
    rows = toy_rows() + [("Thanks.", "谢谢。"), ("Thank you.", "多谢。")]
    assert connected_groups(["a", "b", "a", "c"], ["x", "y", "z", "y"]).tolist() == [0, 1, 0, 1]
    for seed in range(5):
        pairs = load_pairs(tatoeba_file(tmp_path / "cmn.txt", rows), test_fraction=0.25, validation_fraction=0.25, seed=seed)
        sides = {part: pairs.part(part) for part in ("train", "validation", "test")}
        for a in sides:
            for b in sides:
                if a < b:
                    assert not set(sides[a][0]) & set(sides[b][0]) and not set(sides[a][1]) & set(sides[b][1])
        assert sum(pairs.sizes().values()) == len(rows)


def test_a_zip_downloads_once_from_a_local_url(tmp_path):
    archive = tmp_path / "cmn-eng.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.write(tatoeba_file(tmp_path / "cmn.txt", toy_rows()), "cmn.txt")
        packed.writestr("_about.txt", "about the file")
    pairs = load_pairs("cmn-eng", origin=archive.as_uri(), cache_dir=tmp_path / "cache", test_fraction=0.2, validation_fraction=0.2)
    assert len(pairs.sources) == len(toy_rows()) and pairs.name == "cmn.txt"
    with pytest.raises(DataError, match="cmn-eng: download of cmn-eng.zip failed .* set data=path/to/cmn.txt"):
        load_pairs("cmn-eng", origin=(tmp_path / "nothing.zip").as_uri(), cache_dir=tmp_path / "other")


# --- the model and its decoders ------------------------------------------------------------------------
def test_config_refuses_what_cannot_work(recipe):
    with pytest.raises(ConfigError, match="attention must be one of luong, scaled, bahdanau, none"):
        recipe.Config(attention="dot")
    with pytest.raises(ConfigError, match="data_parallel trains on JAX"):
        recipe.Config(strategy="data_parallel")
    with pytest.raises(ConfigError, match="beam must be an integer >= 1"):
        recipe.Config(beam=0)
    with pytest.raises(ConfigError, match=r"label_smoothing must be a number in \[0, 1\)"):
        recipe.Config(label_smoothing=1.0)


def test_batches_by_length_hold_every_pair_once_and_cut_only_padding(recipe):
    data = recipe.load_data(recipe.Config.quick())
    inputs, targets = data.arrays("train")
    for by_length in (True, False):
        dataset = data.dataset("train", 8, shuffle=True, seed=1, by_length=by_length)
        batches = list(dataset)
        assert dataset.cardinality().numpy() == len(batches)  # Keras knows the epoch's length
        rows = []
        for x, y in batches:
            source, target_in, y = x["source"].numpy(), x["target_in"].numpy(), y.numpy()
            if by_length:  # one translation length per batch, and no column that is padding in every row
                assert len(set(np.count_nonzero(y, axis=1))) == 1
                assert source[:, -1].any() and y[:, -1].all() and target_in.shape == y.shape
            width = inputs["source"].shape[1], targets.shape[1]
            rows += [(tuple(np.pad(s, (0, width[0] - len(s)))), tuple(np.pad(t, (0, width[1] - len(t))))) for s, t in zip(source, y, strict=True)]
        assert sorted(rows) == sorted(zip(map(tuple, inputs["source"]), map(tuple, targets), strict=True))  # every pair, once
    assert len(list(data.dataset("train", 8, by_length=True))) > len(list(data.dataset("train", 8, by_length=False)))


def test_the_model_reads_any_length_and_the_decoder_is_told_the_run_limits(recipe, quick):
    from rnn_cookbook.translation.run import TranslatorRun
    from rnn_cookbook.translation.translator import Translator

    run = TranslatorRun(quick.run.path)
    assert (run.translator.source_length, run.translator.max_steps) == (12, 9)  # the quick config's 12 and 8 + [END]
    ids = run.translator.source_ids(["我喜欢猫。"])
    target_in = run.target.encode(["I like cats."], run.translator.max_steps, markers=True)
    padded = run.model.predict([ids, target_in], verbose=0)
    cut = run.model.predict([ids[:, :6], target_in[:, :5]], verbose=0)  # padding masked: the same answer without it
    np.testing.assert_allclose(cut, padded[:, :5], atol=1e-5)
    with pytest.raises(ConfigError, match="give Translator the run's max_source_length"):
        Translator(run.model, run.source, run.target)


def assert_steps_match_teacher_forcing(translator, model, source_ids, target_in, steps=5):
    """The decoder, one token at a time, computes what the teacher-forced model does at each position."""
    import tensorflow as tf

    full = model.predict([source_ids, target_in], verbose=0)
    memory, keys, states, mask = translator.encode(tf.constant(source_ids))
    for t in range(steps):
        probabilities, weights, states = translator.step(tf.constant(target_in[:, t]), states, memory, keys, mask)
        np.testing.assert_allclose(probabilities.numpy(), full[:, t], atol=1e-5)
        weights = weights.numpy()
        np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
        assert np.all(weights[source_ids == 0] == 0)  # padding gets no attention


def test_decoding_one_step_at_a_time_matches_the_teacher_forced_model(recipe, quick):
    from rnn_cookbook.translation.run import TranslatorRun

    run = TranslatorRun(quick.run.path)
    source_ids = run.translator.source_ids(["我喜欢猫。", "她明天去。"])
    target_in = run.target.encode(["I like cats.", "She'll go tomorrow."], run.translator.max_steps, markers=True)
    assert_steps_match_teacher_forcing(run.translator, run.model, source_ids, target_in)


def latin_pairs(path):
    """Spanish<TAB>English, both in words: a pair of Latin-script languages, as a user brings them."""
    things = (("gatos", "cats"), ("perros", "dogs"), ("libros", "books"), ("amigos", "friends"))
    path.write_text("".join(f"Tengo {n} {es}.\tI have {n} {en}.\n" for n in range(2, 14) for es, en in things))
    return path


def test_scaled_attention_and_label_smoothing_on_two_latin_languages_both_ways(recipe, tmp_path):
    """`attention=scaled` decodes step by step as it trains, Spanish to English and back; a run trained
    with label smoothing reports the plain cross-entropy and reloads with safe_mode."""
    from rnn_cookbook.translation.run import TranslatorRun
    from rnn_cookbook.translation.translator import Translator

    base = recipe.Config.quick().replace(data=str(latin_pairs(tmp_path / "es-en.tsv")), columns="es,en",
                                         attention="scaled", label_smoothing=0.1, epochs=2)
    for source, target in (("es", "en"), ("en", "es")):
        cfg = base.replace(source=source, target=target)
        data = recipe.load_data(cfg)
        assert (data.pairs.source_language, data.pairs.source_level, data.pairs.target_level) == (source, "words", "words")
        model = recipe.build_model(cfg, len(data.source), len(data.target))
        assert model.get_layer("key_scale").scale == pytest.approx(cfg.units ** -0.5)
        translator = Translator(model, data.source, data.target, max_source_length=cfg.max_source_length,
                                max_target_length=cfg.max_target_length)
        sources, targets = data.sentences("train")
        assert_steps_match_teacher_forcing(translator, model, translator.source_ids(sources[:3]),
                                           data.target.encode(targets[:3], translator.max_steps, markers=True))

    result = recipe.train(base.replace(source="en", target="es"), output=tmp_path / "run", verbose=0)
    run = TranslatorRun(result.run.path)  # the smoothed loss is a registered class: safe_mode loads it
    assert type(run.model.loss).__name__ == "SmoothedSparseCrossentropy" and run.model.loss.label_smoothing == 0.1
    test = recipe.load_data(result.config).dataset("test", base.batch_size)
    smoothed = run.model.evaluate(test, verbose=0, return_dict=True)["loss"]
    run.model.compile(loss="sparse_categorical_crossentropy")
    plain = run.model.evaluate(test, verbose=0, return_dict=True)["loss"]
    assert result.metrics["model"]["loss"] == pytest.approx(plain, rel=1e-4) and plain < smoothed  # the plain one is reported
    assert len(run.translate(["I have 3 cats."])) == 1


def test_smoothed_loss_is_keras_one_hot_smoothing_without_the_one_hot_and_skips_padding():
    import keras

    from rnn_cookbook.core.losses import SmoothedSparseCrossentropy

    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(7), size=(3, 5)).astype("float32")
    labels = rng.integers(0, 7, size=(3, 5))
    ours = SmoothedSparseCrossentropy(0.2)(labels, probabilities)
    theirs = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)(np.eye(7)[labels], probabilities)
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)
    assert float(SmoothedSparseCrossentropy(0.0)(labels, probabilities)) == pytest.approx(
        float(keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)), rel=1e-5)
    # Padding reaches a loss as weights (a mask becomes one); Keras' Loss applies them to every subclass alike.
    weights = np.array([[1, 1, 1, 0, 0]] * 3, dtype="float32")
    assert float(SmoothedSparseCrossentropy(0.0)(labels, probabilities, sample_weight=weights)) == pytest.approx(
        float(keras.losses.SparseCategoricalCrossentropy()(labels, probabilities, sample_weight=weights)), rel=1e-5)
    assert SmoothedSparseCrossentropy.from_config(SmoothedSparseCrossentropy(0.3).get_config()).label_smoothing == 0.3
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\)"):
        SmoothedSparseCrossentropy(1.0)


def test_beam_search_finds_translations_at_least_as_likely_as_greedy(recipe, quick):
    from rnn_cookbook.translation.run import TranslatorRun

    run = TranslatorRun(quick.run.path)
    sources, _ = recipe.load_data(quick.config).sentences("train")
    ids = run.translator.source_ids(sources)
    greedy, _ = run.translator.greedy_ids(ids)
    one_beam = run.translator.beam_ids(ids, beam=1, length_penalty=0.0)  # the beam loop itself, not greedy
    np.testing.assert_array_equal(one_beam, greedy)
    beam = run.translator.beam_ids(ids, beam=3, length_penalty=0.0)  # ranked by log-probability alone

    def log_probability(written):
        target_in = np.concatenate([np.full((len(written), 1), run.target.start_id), written[:, :-1]], axis=1)
        target_in[target_in == run.target.end_id] = 0  # nothing is read after the end token
        probabilities = run.model.predict([ids, target_in], verbose=0)
        picked = np.take_along_axis(probabilities, written[:, :, None], axis=2)[:, :, 0]
        live = np.cumsum(written == run.target.end_id, axis=1) - (written == run.target.end_id) == 0
        return np.where(live, np.log(picked), 0.0).sum(axis=1)

    assert np.all(log_probability(beam) >= log_probability(greedy) - 1e-4)


def test_a_quick_run_reports_bleu_beside_both_baselines_and_draws_its_figures(quick):
    metrics = json.loads((quick.run.path / "metrics.json").read_text())
    assert {"bleu", "chrf", "greedy_bleu", "loss", "bleu_multi", "chrf_multi"} <= set(metrics["model"])
    assert set(metrics["baselines"]) == {"no_attention", "translation_memory", "most_frequent_sentence"}
    assert all("bleu_multi" in scores for scores in metrics["baselines"].values())
    # toy_rows() gives two English sentences two Chinese translations; Chinese is the source here, so
    # each distinct test source has one reference unless the split put a repeated pair in test.
    assert 0 < metrics["pairs"]["distinct_test_sources"] <= metrics["pairs"]["test"]
    assert 0 <= metrics["model"]["bleu"] <= 100
    assert metrics["decoding"]["beam_sentences_per_s"] > 0 and metrics["pairs"]["test"] > 0
    assert (quick.run.path / "attention.png").is_file() and (quick.run.path / "bleu_by_length.png").is_file()
    vocabulary = json.loads((quick.run.path / "vocabulary.json").read_text())
    assert vocabulary["task"] == "translation" and vocabulary["source"]["level"] == "chars"


def test_every_reference_of_a_sentence_counts_once_it_is_grouped():
    """German-English both ways: a translation right by one of a sentence's references scores full marks
    multi-reference, where row by row each other reference marks it wrong."""
    from rnn_cookbook.translation.scores import multi_reference_scores, reference_sets, translation_scores

    sources = ["Ich bin müde.", "Ich bin müde.", "Danke.", "Ich bin müde."]
    references = ["I'm tired.", "I am tired.", "Thanks.", "I'm tired."]  # a repeated pair counts once
    rows, sets = reference_sets(sources, references)
    assert rows == [0, 2] and sets == [["I'm tired.", "I am tired."], ["Thanks."]]
    outputs = ["I am tired.", "I am tired.", "Thanks.", "I am tired."]
    assert multi_reference_scores([outputs[i] for i in rows], sets, "en") == {"bleu": pytest.approx(100.0), "chrf": pytest.approx(100.0)}
    assert translation_scores(outputs, references, "en")["bleu"] < 100  # rows 0 and 3 count it wrong
    back_rows, back_sets = reference_sets(references, sources)  # English to German: two sources, one reference each
    assert back_sets == [["Ich bin müde."], ["Ich bin müde."], ["Danke."]] and back_rows == [0, 1, 2]
    assert multi_reference_scores(["Ich bin müde.", "Ich bin müde.", "Danke."], back_sets, "de")["bleu"] == pytest.approx(100.0)


def test_translations_are_scored_by_sacrebleu():
    from rnn_cookbook.translation.scores import translation_scores

    same = translation_scores(["See you tomorrow.", "I like cats."], ["See you tomorrow.", "I like cats."], "en")
    assert same == {"bleu": pytest.approx(100.0), "chrf": pytest.approx(100.0)}
    worse = translation_scores(["See you.", "I like dogs."], ["See you tomorrow.", "I like cats."], "en")
    assert worse["bleu"] < 100 and worse["chrf"] < 100


# --- using a run ----------------------------------------------------------------------------------------
def test_translate_prints_translations_from_a_new_process(quick):
    done = cli("translate", str(quick.run.path), "我喜欢猫。", "他很忙。")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.strip() for line in lines)
    # An empty translation is marked, and then explained on stderr; a real one comes without that note.
    assert ("(empty translation)" in lines) == ("the model wrote an empty translation" in done.stderr)
    assert "Traceback" not in done.stderr


def test_an_empty_translation_is_marked_and_explained(quick, tmp_path):
    """A model that writes [END] first: each line says so, and a note names the run's validation BLEU."""
    import shutil

    from rnn_cookbook.core.runs import RunFolder
    from rnn_cookbook.translation.translator import END

    mute = shutil.copytree(quick.run.path, tmp_path / "mute")
    run = RunFolder.open(mute)
    model = run.load_model()
    end = run.read_json("vocabulary.json")["target"]["tokens"].index(END)
    kernel, bias = model.get_layer("next_token").get_weights()
    bias[end] = 100.0  # [END] wins the first step whatever the sentence
    model.get_layer("next_token").set_weights([kernel, bias])
    run.save_model(model)

    done = cli_here("translate", str(mute), "我喜欢猫。", "他很忙。")
    assert done.returncode == 0 and done.stdout.splitlines() == ["(empty translation)"] * 2
    validation = quick.metrics["validation"]
    assert (
        f"note: 2 of 2 texts: the model wrote an empty translation; it is undertrained (validation BLEU "
        f"{validation['model']['bleu']:.1f}, against {validation['baselines']['translation_memory']['bleu']:.1f} "
        "for the translation memory)"
    ) in done.stderr


def test_translate_in_python_agrees_with_the_cli(quick):
    from rnn_cookbook.translation.run import translate

    in_python = translate(quick.run.path, ["我喜欢猫。", "他很忙。"], beam=1)
    printed = cli_here("translate", str(quick.run.path), "我喜欢猫。", "他很忙。", "--beam", "1")
    assert printed.returncode == 0 and printed.stdout.strip().splitlines() == in_python


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "error: text 1 is empty; give a sentence to translate"),
        ("xyz", "error: text 1 'xyz' has no character this model knows; it translates zh"),
        ("我很好。" * 4, "error: text 1 is 16 characters long; this model reads at most 12 (split it into sentences)"),
    ],
)
def test_bad_texts_get_one_line_and_no_traceback(quick, text, message):
    done = cli_here("translate", str(quick.run.path), text)
    assert done.returncode == 1 and done.stderr.strip() == message


def test_unknown_characters_are_noted_and_other_runs_refused(quick, quick_run):
    done = cli_here("translate", str(quick.run.path), "我很好吗？")
    assert done.returncode == 0 and "note: text 1: not in the vocabulary, read as [UNK]: 吗" in done.stderr
    refused = cli_here("translate", str(quick_run.run.path), "你好。")
    assert refused.returncode == 1 and "which does not translate" in refused.stderr
    with pytest.raises(RunFolderError):
        from rnn_cookbook.translation.run import TranslatorRun

        TranslatorRun(quick_run.run.path)
