"""The NumPy RNN from scratch: exact gradients, the same forward pass as Keras, learning, bad input, its recipe."""

from __future__ import annotations

import json
import re
import sys

import keras
import numpy as np
import pytest

from conftest import cli_here, run_command
from rnn_cookbook.generation.corpora import FOX_SENTENCE
from rnn_cookbook.core.vocabulary import CharVocabulary
from rnn_cookbook.core.errors import ConfigError, DataError
from rnn_cookbook.numpy_rnn import (
    PARAMETER_NAMES,
    SGD,
    Adagrad,
    NumpyRNN,
    clip_gradients,
    evaluate_loss,
    numerical_gradients,
    train_epoch,
    updates_per_epoch,
)
from rnn_cookbook.core.runs import METRICS_KEYS

VOCABULARY = CharVocabulary.from_text(FOX_SENTENCE)
FOX_IDS = np.array(VOCABULARY.encode_text(FOX_SENTENCE))


@pytest.fixture(scope="module")
def recipe():
    from rnn_cookbook.recipes import numpy_rnn_scratch

    return numpy_rnn_scratch


def tiny_problem(seed: int = 0):
    """A small model with weights large enough that tanh bends and every gradient is sizeable."""
    rng = np.random.default_rng(seed)
    model = NumpyRNN(vocabulary_size=6, hidden_size=5, seed=seed, init_scale=0.5)
    model.params["b_h"][:] = rng.normal(0, 0.3, 5)
    model.params["b_y"][:] = rng.normal(0, 0.3, 6)
    inputs, targets = rng.integers(0, 6, 9), rng.integers(0, 6, 9)
    return model, inputs, targets, rng.normal(0, 0.5, 5)


# --- gradients -----------------------------------------------------------------------------
def test_gradients_match_central_differences_for_every_parameter_and_h0():
    """The loss is summed over all 9 steps, so this checks backpropagation through the whole sequence:
    h0 reaches the loss only through W_hh, step after step (the rnn-practice tutorial's one-step backward has no such path)."""
    model, inputs, targets, h0 = tiny_problem()
    _, grads, dh0, _ = model.loss_and_gradients(inputs, targets, h0)
    analytic = {**grads, "h0": dh0}
    numeric = numerical_gradients(model, inputs, targets, h0)  # every entry: the model is tiny
    worst = {}
    for name in (*PARAMETER_NAMES, "h0"):
        assert analytic[name].shape == numeric[name].shape
        error = np.abs(analytic[name] - numeric[name]) / np.maximum(np.abs(analytic[name]) + np.abs(numeric[name]), 1e-8)
        worst[name] = float(error.max())
    assert max(worst.values()) < 1e-6, worst
    # W_xh's gradient lives only in the columns of the ids the sequence used (one-hot inputs)
    unused = sorted(set(range(6)) - set(inputs.tolist()))
    assert np.all(grads["W_xh"][:, unused] == 0)


def test_clipping_by_value_and_by_norm():
    grads = {"a": np.array([10.0, -7.0, 1.0]), "b": np.array([[0.5]])}
    clipped = clip_gradients({k: v.copy() for k, v in grads.items()}, 5.0)
    assert clipped["a"].tolist() == [5.0, -5.0, 1.0]
    scaled = clip_gradients({k: v.copy() for k, v in grads.items()}, 1.0, mode="norm")
    norm = np.sqrt(sum(np.sum(g * g) for g in scaled.values()))
    assert norm == pytest.approx(1.0)
    assert scaled["a"][0] / scaled["a"][1] == pytest.approx(10.0 / -7.0)  # direction kept
    with pytest.raises(ConfigError, match="clip mode"):
        clip_gradients(grads, 1.0, mode="sideways")


# --- the same forward pass as Keras --------------------------------------------------------
def test_forward_matches_keras_simple_rnn_and_dense():
    vocabulary_size, hidden_size = 7, 6
    model = NumpyRNN(vocabulary_size, hidden_size, seed=3, init_scale=0.4)
    model.params["b_h"][:] = np.linspace(-0.3, 0.3, hidden_size)
    model.params["b_y"][:] = np.linspace(0.2, -0.2, vocabulary_size)
    ids = np.random.default_rng(4).integers(0, vocabulary_size, size=(2, 11))

    inputs = keras.Input(shape=(None, vocabulary_size))
    rnn = keras.layers.SimpleRNN(hidden_size, activation="tanh", return_sequences=True)
    dense = keras.layers.Dense(vocabulary_size, activation="softmax")
    keras_model = keras.Model(inputs, dense(rnn(inputs)))
    weights = model.keras_weights()
    rnn.set_weights(weights["simple_rnn"])
    dense.set_weights(weights["dense"])
    one_hot = np.eye(vocabulary_size, dtype="float32")[ids]  # SimpleRNN computes x @ kernel: one-hot picks a row
    expected = keras.ops.convert_to_numpy(keras_model(one_hot))

    for row in range(len(ids)):
        passed = model.forward(ids[row, :-1], ids[row, 1:])
        assert np.max(np.abs(passed.probabilities - expected[row, :-1])) < 1e-5
        keras_loss = keras.losses.sparse_categorical_crossentropy(ids[row, 1:], expected[row, :-1])
        assert passed.mean_loss == pytest.approx(float(np.mean(keras_loss)), abs=1e-5)


# --- learning ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("optimizer", "ratio"),
    [(Adagrad(0.1), 0.3), (SGD(0.02), 0.85)],  # plain SGD on weights of scale 0.01 starts slowly: why min-char-rnn uses Adagrad
    ids=["adagrad", "sgd"],
)
def test_training_lowers_the_loss_on_the_sentence(optimizer, ratio):
    model = NumpyRNN(len(VOCABULARY), 32, seed=0)
    losses = [train_epoch(model, FOX_IDS, optimizer, seq_length=25) for _ in range(60)]
    assert losses[-1] < ratio * losses[0], losses[::10]
    assert evaluate_loss(model, FOX_IDS) < ratio * np.log(len(VOCABULARY))


@pytest.mark.parametrize("length", [2, 26, 27, 44, 51])
def test_updates_per_epoch_counts_the_updates_an_epoch_makes(length):
    """The recipe's progress bar is sized by it: one update per chunk, the last one maybe short."""
    steps: list[float] = []
    train_epoch(NumpyRNN(len(VOCABULARY), 4, seed=0), np.resize(FOX_IDS, length), SGD(0.1), seq_length=25,
                on_step=steps.append)
    assert len(steps) == updates_per_epoch(length, 25)


def test_a_trained_model_recites_its_sentence_and_sampling_is_seeded():
    model = NumpyRNN(len(VOCABULARY), 64, seed=0)
    optimizer = Adagrad(0.1)
    for _ in range(150):
        train_epoch(model, FOX_IDS, optimizer, seq_length=25)
    greedy = VOCABULARY.decode(model.sample(FOX_IDS[:1], 20, temperature=0))
    assert greedy == FOX_SENTENCE[1:21]
    assert model.sample(FOX_IDS[:3], 30, rng=7) == model.sample(FOX_IDS[:3], 30, rng=7)


def test_seeded_initialisation_dtype_and_npz_round_trip(tmp_path):
    a, b = NumpyRNN(9, 4, seed=5), NumpyRNN(9, 4, seed=5)
    assert all(np.array_equal(a.params[n], b.params[n]) for n in PARAMETER_NAMES)
    assert not np.array_equal(a.params["W_hh"], NumpyRNN(9, 4, seed=6).params["W_hh"])
    assert a.params["W_hh"].dtype == np.float64
    small = NumpyRNN(9, 4, seed=5, dtype="float32")
    assert all(small.params[n].dtype == np.float32 for n in PARAMETER_NAMES)

    path = small.save(tmp_path / "model.npz")
    loaded = NumpyRNN.load(path)
    assert loaded.dtype == np.float32 and (loaded.vocabulary_size, loaded.hidden_size) == (9, 4)
    ids = [1, 2, 3, 8, 0]
    assert np.array_equal(loaded.forward(ids).probabilities, small.forward(ids).probabilities)


# --- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inputs", "targets", "h0", "message"),
    [
        ([0, 1, 6], None, None, "id 6, outside the vocabulary's 0..5"),
        ([0, -1], None, None, "id -1"),
        ([], None, None, "inputs is empty"),
        ([0, 1, 2], [1, 2], None, "targets has 2 ids but inputs has 3"),
        ([0, 1], [1, 9], None, "targets holds id 9"),
        ([[0, 1], [1, 2]], None, None, "1-D sequence"),
        ([0.0, 1.0], None, None, "integer token ids"),
        ([0, 1], None, np.zeros(4), r"h0 must have shape \(5,\), got \(4,\)"),
        ([0, 1], None, np.zeros((1, 5)), r"h0 must have shape \(5,\), got \(1, 5\)"),
        ([0, 1], None, np.full(5, np.nan), "finite"),
    ],
)
def test_bad_ids_and_shapes_are_clear_errors(inputs, targets, h0, message):
    model = NumpyRNN(6, 5)
    with pytest.raises(DataError, match=message):
        model.forward(inputs, targets, h0)


def test_bad_settings_and_files_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="hidden_size"):
        NumpyRNN(6, 0)
    with pytest.raises(ConfigError, match="float type"):
        NumpyRNN(6, 5, dtype="int32")
    model = NumpyRNN(6, 5)
    with pytest.raises(ConfigError, match="temperature"):
        model.sample([0], 5, temperature=-1)
    with pytest.raises(DataError, match="prompt is empty"):
        model.sample([], 5)
    with pytest.raises(DataError, match="at least 2 tokens"):
        train_epoch(model, [3], Adagrad())
    with pytest.raises(DataError, match="backward needs"):
        model.backward(model.forward([0, 1]))

    not_npz = tmp_path / "model.npz"
    not_npz.write_text("hello")
    with pytest.raises(DataError, match="not a NumPy .npz"):
        NumpyRNN.load(not_npz)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W_xh=np.array([{"code": 1}], dtype=object))
    with pytest.raises(DataError):
        NumpyRNN.load(pickled)  # object arrays need pickle: refused
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    with pytest.raises(DataError, match="not a NumPy RNN"):
        NumpyRNN.load(foreign)
    wrong_shape = tmp_path / "wrong_shape.npz"
    np.savez(wrong_shape, **{**model.params, "W_hh": np.zeros((5, 4))})
    with pytest.raises(DataError, match="W_hh has shape"):
        NumpyRNN.load(wrong_shape)
    with pytest.raises(DataError, match="no NumPy RNN parameter file"):
        NumpyRNN.load(tmp_path / "missing.npz")


def test_importing_the_module_does_not_import_tensorflow():
    code = "import sys, rnn_cookbook.numpy_rnn; assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    result = run_command(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]


# --- the recipe ----------------------------------------------------------------------------
def test_the_rnn_practice_sentence_and_min_char_rnns_settings_are_the_defaults(recipe):
    """The recipe's docstring: the rnn-practice tutorial's sentence, and min-char-rnn's model and optimiser."""
    cfg = recipe.Config()
    assert (cfg.hidden_size, cfg.seq_length, cfg.learning_rate, cfg.optimizer, cfg.data) == (100, 25, 0.1, "adagrad", "fox")


def test_recipe_config_checks(recipe):
    cfg = recipe.Config()
    with pytest.raises(ConfigError, match="batch_size must be 1"):
        cfg.replace(batch_size=32)
    with pytest.raises(ConfigError, match="optimizer"):
        cfg.replace(optimizer="adam")
    assert cfg.with_overrides(["clip=none"]).clip is None
    assert isinstance(recipe.build_model(recipe.Config.quick(), 10), NumpyRNN)


def test_recipe_quick_train_writes_its_run_folder(recipe, tmp_path):
    result = recipe.train(recipe.Config.quick(), output=tmp_path / "run", verbose=0)
    run = result.run.path
    for name in ("config.json", "history.csv", "metrics.json", "model.npz", "vocabulary.json", "loss.png"):
        assert (run / name).is_file(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics) == {*METRICS_KEYS, "notes"}  # its 30 quick epochs end while the loss still falls
    assert "try a larger --epochs" in metrics["notes"][0]
    assert (metrics["recipe"], metrics["split"], metrics["data"]) == ("numpy_rnn_scratch", "validation", "fox_sentence (toy)")
    assert set(metrics["model"]) == {"loss", "perplexity", "bits_per_char"}
    assert set(metrics["baselines"]) == {"unigram", "5-gram"}
    assert metrics["epochs_run"] == len(result.history["loss"]) == recipe.Config.quick().epochs
    assert result.history["val_loss"][-1] < 0.3 * result.history["val_loss"][0]
    assert metrics["model"]["loss"] < metrics["baselines"]["unigram"]["loss"]

    reloaded = NumpyRNN.load(run / "model.npz")
    vocabulary = CharVocabulary.from_dict(json.loads((run / "vocabulary.json").read_text()))
    ids = vocabulary.encode_text(FOX_SENTENCE)
    assert evaluate_loss(reloaded, ids) == pytest.approx(metrics["model"]["loss"])
    assert recipe.Config.load_json(run / "config.json") == recipe.Config.quick()


def test_recipe_runs_from_the_command_line(tmp_path):
    output = tmp_path / "cli_run"
    result = cli_here("run", "numpy_rnn_scratch", "--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bits_per_char" in result.stdout and f"run folder: {output}" in result.stdout
    assert "update 20: loss" in result.stdout  # the recent loss with a sample
    # Not a terminal: Keras' Progbar prints one line per epoch, as `fit(verbose=2)` does.
    assert re.findall(r"^Epoch (\d+)/30$", result.stdout, re.M) == [str(epoch) for epoch in range(1, 31)]
    assert len(re.findall(r"^2/2 - .* - loss: \d\.\d{4} - val_loss: \d\.\d{4}$", result.stdout, re.M)) == 30
    assert (output / "model.npz").is_file()
