"""The two text-classification recipes and prediction on new text from a saved run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import cli, cli_here
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from synthetic_text import synthetic_reviews, write_csv


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """SYNTHETIC: 2,000 templated reviews in a CSV."""
    return write_csv(tmp_path_factory.mktemp("corpus") / "reviews.csv", synthetic_reviews(2000))


@pytest.fixture(scope="module")
def sentiment():
    from rnn_cookbook.recipes import sentiment_rnn

    return sentiment_rnn


@pytest.fixture(scope="module")
def conv():
    from rnn_cookbook.recipes import conv1d_rnn_classifier

    return conv1d_rnn_classifier


@pytest.fixture(scope="module")
def sentiment_run(sentiment, corpus, tmp_path_factory):
    cfg = sentiment.Config.quick().replace(data=str(corpus))
    return sentiment.train(cfg, output=tmp_path_factory.mktemp("sentiment") / "run", verbose=0)


def test_the_ithome_rnn_and_rnn_practice_tutorials_settings_are_the_defaults(sentiment, conv):
    """sentiment_rnn keeps the ithome-rnn tutorial's IMDB model and training; conv1d_rnn_classifier the rnn-practice tutorial's layers."""
    cfg = sentiment.Config()
    assert (cfg.data, cfg.num_words, cfg.maxlen, cfg.embedding_dim, cfg.rnn_units) == ("imdb", 10000, 200, 64, 32)
    assert (cfg.epochs, cfg.batch_size, cfg.validation_fraction, cfg.patience) == (10, 128, 0.2, 3)
    model = sentiment.build_model(cfg)
    rnn = model.get_layer("simple_rnn")
    assert rnn.units == 32 and rnn.activation.__name__ == "relu"
    assert model.get_layer("embedding").output_dim == 64 and not model.get_layer("embedding").mask_zero
    assert model.loss == "binary_crossentropy" and model.output_shape == (None, 1)
    hybrid = conv.build_model(conv.Config())
    names = [layer.__class__.__name__ for layer in hybrid.layers]
    assert names == ["InputLayer", "Embedding", "Conv1D", "MaxPooling1D", "SimpleRNN", "SimpleRNN", "Dense"]
    assert [hybrid.get_layer(n).units for n in ("simple_rnn_1", "simple_rnn_2")] == [100, 50]
    recurrent = hybrid.get_layer("simple_rnn_2").cell.recurrent_kernel.numpy()
    # orthogonal times the configured gain: W Wᵀ = gain² I
    gain = conv.Config().recurrent_gain
    np.testing.assert_allclose(recurrent @ recurrent.T, gain**2 * np.eye(50), atol=1e-5)
    with pytest.raises(ConfigError, match="recurrent_gain must be a number in"):
        conv.Config(recurrent_gain=0)


@pytest.mark.parametrize("cell, layer", [("lstm", "LSTM"), ("gru", "GRU"), ("bilstm", "Bidirectional")])
def test_gated_cells_are_masked_and_padded_at_the_back(sentiment, cell, layer):
    cfg = sentiment.Config.quick().replace(cell=cell)
    model = sentiment.build_model(cfg, vocabulary_size=50)
    assert model.get_layer("embedding").mask_zero
    assert model.get_layer(cell).__class__.__name__ == layer
    assert sentiment.load_data(cfg).padding == "post"
    # Padding is masked: the same text with more padding gives the same output.
    short = np.array([[5, 6, 7] + [0] * 17])
    longer = np.array([[5, 6, 7, 0, 0] + [0] * 15])
    np.testing.assert_allclose(model.predict(short, verbose=0), model.predict(longer, verbose=0), rtol=1e-5)


def test_sentiment_learns_well_above_chance(sentiment_run):
    metrics = sentiment_run.metrics
    assert metrics["recipe"] == "sentiment_rnn" and metrics["data"] == "reviews.csv"
    assert metrics["model"]["accuracy"] > 0.9
    assert set(metrics["baselines"]) == {"tfidf_logreg", "nbsvm", "combined"}
    assert min(scores["accuracy"] for scores in metrics["baselines"].values()) > 0.9
    names = {p.name for p in sentiment_run.run.path.iterdir()}
    assert {"vocabulary.json", "confusion_matrix.png", "loss.png", "model.keras", "metrics.json"} <= names
    assert {"bag_of_words.json", "bag_of_words.npz", "combination.json"} <= names


def test_conv1d_rnn_learns_well_above_chance(conv, corpus, tmp_path):
    result = conv.train(conv.Config.quick().replace(data=str(corpus)), output=tmp_path / "run", verbose=0)
    assert result.metrics["model"]["accuracy"] > 0.9
    assert "learning_rate" in result.history  # ReduceLROnPlateau is in its callbacks


def test_predict_texts_in_process_matches_the_trained_model(sentiment_run, sentiment, corpus):
    import rnn_cookbook

    texts = ["honestly the plot was brilliant and the music felt superb.", "frankly the cast was dull and the script felt awful."]
    probabilities = rnn_cookbook.predict_texts(sentiment_run.run.path, texts, use="model")
    assert probabilities.shape == (2,) and probabilities[0] > 0.5 > probabilities[1]
    data = sentiment.load_data(sentiment_run.config)
    ids = np.asarray(data.encoded.vocabulary.encode(texts), dtype=object)
    from rnn_cookbook.text.encoding import pad

    direct = sentiment_run.model.predict(pad(list(ids), data.maxlen, data.padding), verbose=0).ravel()
    np.testing.assert_allclose(probabilities, direct, rtol=1e-5)


def check_printed_predictions(stdout, texts, probabilities, class_names):
    """`rnn-cookbook predict` printed, for each text, the likelier class and the model's probability of it.

    `probabilities` are the model's probabilities of the second class, computed in this process.
    """
    lines = [line.split("\t") for line in stdout.splitlines()]
    assert [line[2] for line in lines] == list(texts)
    for (label, printed, _), p in zip(lines, probabilities, strict=True):
        by_class = {class_names[0]: 1.0 - float(p), class_names[1]: float(p)}
        assert label in by_class, f"{label!r} is not one of {class_names}"
        assert by_class[label] == max(by_class.values()), f"printed {label!r} although {by_class}"
        assert float(printed) == pytest.approx(by_class[label], abs=6e-4)  # printed to 3 decimals


def test_predict_cli_in_a_new_process(sentiment_run):
    from rnn_cookbook.text.predict import TextClassifierRun

    texts = ["to be fair the ending was wonderful.", "overall the plot was boring and the cast felt dull."]
    result = cli("predict", str(sentiment_run.run.path), *texts)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["1", "0"]  # class names of a CSV with 0/1 labels
    loaded = TextClassifierRun(sentiment_run.run.path)
    check_printed_predictions(result.stdout, texts, loaded.predict_proba(texts), loaded.class_names)
    assert "Traceback" not in result.stderr and "I0000" not in result.stderr


@pytest.mark.parametrize(
    "texts, message",
    [([""], "text 0 is empty"), (["fine", None], "text 1 is a NoneType, not a string"), ([], "at least one text")],
)
def test_predict_bad_texts(sentiment_run, texts, message):
    from rnn_cookbook.text.predict import predict_texts

    with pytest.raises(DataError, match=message):
        predict_texts(sentiment_run.run.path, texts)


def test_predict_on_a_run_of_another_recipe(quick_run):
    from rnn_cookbook.text.predict import predict_texts

    with pytest.raises(RunFolderError, match="made by timeseries_forecaster, which does not classify text"):
        predict_texts(quick_run.run.path, ["hello"])
    result = cli_here("predict", str(quick_run.run.path), "hello")
    assert result.returncode == 1 and result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_vocabulary_that_does_not_match_the_model_is_refused(sentiment_run, tmp_path):
    import shutil

    from rnn_cookbook.text.predict import predict_texts

    copy = tmp_path / "run"
    shutil.copytree(sentiment_run.run.path, copy)
    settings = json.loads((copy / "vocabulary.json").read_text())
    settings["maxlen"] = 99
    (copy / "vocabulary.json").write_text(json.dumps(settings))
    with pytest.raises(RunFolderError, match="pads to 99 ids but the model reads 20"):
        predict_texts(copy, ["fine"])


def test_bad_text_data_and_settings(sentiment, tmp_path):
    one_alone = write_csv(tmp_path / "one.csv", [("good", "pos"), ("bad", "neg"), ("meh", "mid")] * 10 + [("odd", "rare")])
    with pytest.raises(DataError, match="class 'rare' has 1 example.s., fewer than the 2 a stratified split needs"):
        sentiment.load_data(sentiment.Config.quick().replace(data=str(one_alone)))
    with pytest.raises(ConfigError, match="class_weight must be balanced or none"):
        sentiment.Config(class_weight="auto")
    with pytest.raises(ConfigError, match="cell must be one of simple_rnn, lstm, gru, bilstm"):
        sentiment.Config(cell="transformer")
    with pytest.raises(ConfigError, match="num_words must be at least 4"):
        sentiment.Config(num_words=3)


def test_quick_cli_run_on_the_toy_sentences(tmp_path):
    result = cli_here("run", "conv1d_rnn_classifier", "--quick", "--output", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    assert "note: toy: the rnn-practice tutorial's 4 sentences" in result.stdout
    assert "test metrics on toy_sentences (toy)" in result.stdout and "tfidf_logreg" in result.stdout


def test_offline_imdb_run_is_one_line_error(tmp_path):
    """In a new process, so that the one line is all of stderr: none of TensorFlow's start-up lines
    join an error (test_cli.py checks each bad input's one line in this process)."""
    env = {"KERAS_HOME": str(tmp_path / "keras_home")}  # an empty cache: the download is attempted and fails
    result = cli("run", "sentiment_rnn", "--epochs", "1", "--set", "num_words=100", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: IMDB: download of imdb.npz failed")
    assert "--set data=path/to/aclImdb" in lines[0]  # the message names the local-copy option


def test_imdb_run_predicts_new_text_with_imdb_ids(sentiment, tmp_path, monkeypatch):
    """An IMDB run (Keras' integer ids) trained on a tiny local copy, then asked about new text."""
    import functools

    from rnn_cookbook.text import classifier as text_classifier
    from rnn_cookbook.text.keras_imdb import imdb_sequences
    from rnn_cookbook.text.encoding import pad
    from rnn_cookbook.text.predict import TextClassifierRun
    from test_text_data import tiny_imdb

    served = tmp_path / "served"
    served.mkdir()
    hashes = tiny_imdb(served)
    local = functools.partial(
        imdb_sequences,
        origin=served.as_uri(),
        file_hash=hashes["imdb.npz"],
        word_index_hash=hashes["imdb_word_index.json"],
        cache_dir=tmp_path / "cache",
    )
    monkeypatch.setattr(text_classifier, "imdb_sequences", local)
    cfg = sentiment.Config.quick().replace(data="imdb", num_words=6, epochs=1)
    result = sentiment.train(cfg, output=tmp_path / "run", verbose=0)
    assert result.metrics["data"] == "imdb"

    loaded = TextClassifierRun(result.run.path, use="model")  # vocabulary.json only: no download needed
    assert loaded.vocabulary.start_id == 1 and loaded.class_names == ("negative", "positive")
    assert loaded.vocabulary.encode(["Good film, bad plot!"]) == [[1, 4, 2, 5, 2]]
    texts = ["good film", "bad plot"]
    probabilities = loaded.predict_proba(texts)
    # The reloaded run reads new text as the trained model's own ids: start, word, word.
    direct = result.model.predict(pad([[1, 4, 2], [1, 5, 2]], cfg.maxlen, loaded.padding), verbose=0).ravel()
    np.testing.assert_allclose(probabilities, direct, rtol=1e-5)
    fresh = cli_here("predict", str(result.run.path), "--use", "model", *texts)  # from the run folder alone
    assert fresh.returncode == 0, fresh.stderr
    check_printed_predictions(fresh.stdout, texts, probabilities, loaded.class_names)


def test_every_text_run_prints_nbsvm_and_the_combined_row(sentiment_run):
    from rnn_cookbook.core.runs import metrics_table

    metrics = sentiment_run.metrics
    combination = metrics["combination"]
    assert combination["bag_of_words"] in ("tfidf_logreg", "nbsvm") and 0.0 <= combination["weight"] <= 1.0
    chosen_alone = metrics["baselines"][combination["bag_of_words"]]["accuracy"]
    assert combination["adds_accuracy"] == pytest.approx(metrics["baselines"]["combined"]["accuracy"] - chosen_alone)
    assert set(metrics["validation"]["baselines"]) == {"tfidf_logreg", "nbsvm", "combined"}
    table = metrics_table(metrics)
    assert "\nnbsvm " in table and "\ncombined " in table
    assert f"the model adds {combination['adds_accuracy']:+.4f} accuracy to {combination['bag_of_words']} alone" in table
    # The combined row is the model itself with the n-grams: never a rival the validation notes name.
    assert not any("combined beats" in note for note in metrics.get("notes", []))


def test_predict_uses_the_combination_the_run_kept(sentiment_run):
    from rnn_cookbook.text import baselines, combination
    from rnn_cookbook.text.predict import TextClassifierRun, predict_texts

    texts = ["honestly the plot was brilliant and the music felt superb.", "frankly the cast was dull and the script felt awful."]
    run = sentiment_run.run
    kept = combination.Combination.load(run)
    bag = baselines.LinearTextModel.load(run)
    assert bag.kind == kept.bag_of_words
    model_alone = TextClassifierRun(run.path, use="model").class_probabilities(texts)
    expected = combination.combine(model_alone, bag(texts), kept.weight)
    opened = TextClassifierRun(run.path)  # the run's predict_with: combined by default
    assert opened.use == "combined"
    np.testing.assert_allclose(opened.class_probabilities(texts), expected, rtol=1e-6)
    np.testing.assert_allclose(predict_texts(run.path, texts), expected[:, 1], rtol=1e-6)
    result = cli_here("predict", str(run.path), "--use", "model", *texts)
    assert result.returncode == 0, result.stderr
    check_printed_predictions(result.stdout, texts, model_alone[:, 1], opened.class_names)


def test_predict_with_model_is_kept_in_the_run(sentiment, corpus, tmp_path):
    from rnn_cookbook.text.predict import TextClassifierRun

    cfg = sentiment.Config.quick().replace(data=str(corpus), epochs=1, predict_with="model")
    result = sentiment.train(cfg, output=tmp_path / "run", verbose=0)
    assert TextClassifierRun(result.run.path).use == "model"
    assert TextClassifierRun(result.run.path, use="combined").use == "combined"
    with pytest.raises(ConfigError, match="use must be one of"):
        TextClassifierRun(result.run.path, use="both")
    with pytest.raises(ConfigError, match="predict_with"):
        sentiment.Config(predict_with="bag_of_words")
