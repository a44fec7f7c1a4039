"""`pretrain=lm`: a language model on the training texts, handed on to the classifier, never fed a test text."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import cli
from rnn_cookbook import pretraining, text_classifier
from rnn_cookbook.errors import ConfigError
from rnn_cookbook.runs import RunFolder
from rnn_cookbook.training import budget_notes
from synthetic_text import synthetic_reviews, write_csv


@pytest.fixture(scope="module")
def recipes():
    from rnn_cookbook.recipes import conv1d_rnn_classifier, sentiment_rnn

    return sentiment_rnn, conv1d_rnn_classifier


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """SYNTHETIC: 600 templated reviews in a CSV."""
    return write_csv(tmp_path_factory.mktemp("corpus") / "reviews.csv", synthetic_reviews(600))


def layer_weights(layer):
    return [np.asarray(w) for w in layer.get_weights()]


def assert_same(a, b):
    assert len(a) == len(b) and len(a) > 0
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_transfer_copies_the_embedding_and_the_cell(recipes, cell):
    sentiment, _ = recipes
    cfg = sentiment.Config.quick().replace(cell=cell, pretrain="lm", pooling="max")
    lm = sentiment.language_model(cfg, 200)
    model = sentiment.build_model(cfg, 200)
    assert not np.array_equal(layer_weights(model.get_layer(cell))[0], layer_weights(lm.get_layer(cell))[0])
    assert pretraining.transfer(lm, model) == ["embedding", cell]
    for name in ("embedding", cell):
        assert_same(layer_weights(model.get_layer(name)), layer_weights(lm.get_layer(name)))


def test_bilstm_takes_a_forward_and_a_backward_language_model(recipes):
    sentiment, _ = recipes
    cfg = sentiment.Config.quick().replace(cell="bilstm", pretrain="lm")
    lm = sentiment.language_model(cfg, 200)
    model = sentiment.build_model(cfg, 200)
    assert pretraining.transfer(lm, model) == ["embedding", "bilstm"]
    bilstm = model.get_layer("bilstm")
    assert_same(layer_weights(bilstm.forward_layer), layer_weights(lm.get_layer("bilstm_forward")))
    assert_same(layer_weights(bilstm.backward_layer), layer_weights(lm.get_layer("bilstm_backward")))
    # The backward half reads the text reversed: what it saw of the reversed text is what the
    # backward language model saw of it, so they agree on the first word of the text.
    ids = np.array([[5, 9, 12, 7, 3, 0, 0, 0]])
    reversed_ids = np.array([[3, 7, 12, 9, 5]])
    import keras

    backward_states = keras.Model(lm.inputs[1], lm.get_layer("bilstm_backward").output).predict(reversed_ids, verbose=0)
    both = keras.Model(model.inputs, model.get_layer("bilstm").output).predict(
        np.pad(ids, ((0, 0), (0, cfg.maxlen - ids.shape[1]))), verbose=0
    )
    np.testing.assert_allclose(both[0, cfg.rnn_units :], backward_states[0, -1], rtol=1e-4, atol=1e-5)


def test_the_conv1d_language_model_is_causal(recipes):
    _, conv = recipes
    cfg = conv.Config.quick().replace(pretrain="lm")
    lm = conv.language_model(cfg, 100)
    model = conv.build_model(cfg, 100)
    assert model.get_layer("ngrams").padding == "causal" and conv.build_model(cfg.replace(pretrain="none"), 100).get_layer("ngrams").padding == "valid"
    assert pretraining.transfer(lm, model) == ["embedding", "ngrams", "simple_rnn_1", "simple_rnn_2"]
    ids = np.array([[4, 8, 15, 16, 23, 42, 7, 9]])
    changed = ids.copy()
    changed[0, 5] = 11  # a later word changes no earlier prediction
    a, b = lm.predict(ids, verbose=0), lm.predict(changed, verbose=0)
    np.testing.assert_allclose(a[0, :5], b[0, :5], rtol=1e-5)
    assert not np.allclose(a[0, 5], b[0, 5])


def test_frozen_head_epochs_keep_the_language_models_weights(recipes, corpus, tmp_path):
    sentiment, _ = recipes
    cfg = sentiment.Config.quick().replace(data=str(corpus), cell="lstm", pretrain="lm", lm_epochs=1, freeze_epochs=1)
    data = sentiment.load_data(cfg)
    model = sentiment.build_model(cfg, data.vocabulary_size)
    head_before = layer_weights(model.get_layer("positive"))
    run = RunFolder.create("sentiment_rnn", output=tmp_path / "run")
    prepare = text_classifier.pretrain_then_freeze(cfg, sentiment.language_model, data)
    record = prepare(
        model, run=run, train_data=data.dataset("train", 32, shuffle=True), validation_data=data.dataset("validation", 32), verbose=0
    )["language_model"]
    lm = run.load_model(pretraining.LANGUAGE_MODEL_FILE)  # saved in the run folder, loads with safe_mode
    for name in ("embedding", "lstm"):
        assert_same(layer_weights(model.get_layer(name)), layer_weights(lm.get_layer(name)))
        assert model.get_layer(name).trainable  # unfrozen again for the fine-tuning fit
    assert not np.array_equal(layer_weights(model.get_layer("positive"))[0], head_before[0])  # the head learned
    assert record["transferred_layers"] == ["embedding", "lstm"] and record["validation_perplexity"]["next_word"] > 1
    assert record["training_words"] == sum(len(ids) for ids in data.train_ids)


def test_no_test_text_reaches_the_language_model(recipes, corpus, tmp_path, monkeypatch):
    sentiment, _ = recipes
    cfg = sentiment.Config.quick().replace(data=str(corpus), cell="gru", pretrain="lm", lm_epochs=1, epochs=1)
    data = sentiment.load_data(cfg)
    # Unlabelled text that holds every test text, and two texts of its own.
    unlabeled = tmp_path / "unlabeled.txt"
    own = ["an unlabelled line about the film", "and another line"]
    unlabeled.write_text("\n".join(data.encoded.test_texts + own) + "\n")
    seen = {}
    original = pretraining.train_language_model

    def spy(model, train_ids, validation_ids, **kwargs):
        seen["train"], seen["validation"] = pretraining.token_stream(train_ids), pretraining.token_stream(validation_ids)
        return original(model, train_ids, validation_ids, **kwargs)

    monkeypatch.setattr(pretraining, "train_language_model", spy)
    result = sentiment.train(cfg.replace(unlabeled=str(unlabeled)), output=tmp_path / "run", verbose=0)
    vocabulary = data.encoded.vocabulary
    expected = pretraining.token_stream(data.train_ids + vocabulary.encode(own))
    np.testing.assert_array_equal(seen["train"], expected)
    np.testing.assert_array_equal(seen["validation"], pretraining.token_stream(data.validation_ids))
    assert result.metrics["language_model"]["training_words"] == len(expected)


def test_pretrained_cli_run_on_a_headerless_tsv(tmp_path):
    reviews = synthetic_reviews(600)  # SYNTHETIC
    tsv = tmp_path / "sentences.txt"
    tsv.write_text("".join(f"{text}\t{label}\n" for text, label in reviews))
    run = tmp_path / "run"
    result = cli(
        "run", "sentiment_rnn", "--quick", "--set", f"data={tsv}", "--set", "sep=tab", "--set", "header=none",
        "--set", "cell=lstm", "--set", "pretrain=lm", "--set", "pooling=max", "--output", str(run),
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["language_model"]["validation_perplexity"]["next_word"] > 1
    assert metrics["model"]["accuracy"] > 0.8
    assert (run / "language_model.keras").is_file() and (run / "language_model.json").is_file()
    # The saved classifier (with its max pooling layer) loads with safe_mode in a new process.
    predicted = cli("predict", str(run), "the acting was superb and the plot felt wonderful.")
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.split("\t")[0] == "1"


def test_pretraining_settings_are_checked(recipes):
    sentiment, _ = recipes
    with pytest.raises(ConfigError, match="set pretrain=lm too"):
        sentiment.Config(unlabeled="more.txt")
    with pytest.raises(ConfigError, match="pretrain must be one of none, lm"):
        sentiment.Config(pretrain="bert")
    with pytest.raises(ConfigError, match=r"embedding_dropout must be a number in \[0, 1\)"):
        sentiment.Config(embedding_dropout=1.5)
    with pytest.raises(ConfigError, match="leave pretrain at none"):  # a search fits build_model alone
        sentiment.search_data(sentiment.Config.quick().replace(pretrain="lm"))


def test_a_budget_that_ends_while_validation_improves_is_noted():
    falling = {"val_loss": [0.9, 0.7, 0.6]}
    assert "try a larger --epochs" in budget_notes(falling, epochs=3)[0]
    assert budget_notes(falling, epochs=5) == []  # early stopping ended it
    assert budget_notes({"val_loss": [0.9, 0.6, 0.7]}, epochs=3) == []  # best epoch not the last
