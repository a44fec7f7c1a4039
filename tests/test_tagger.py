"""The stacked LSTM tagger: its hidden-regime task, its per-step model, and what it reports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.core.errors import ConfigError


@pytest.fixture(scope="module")
def tagger():
    from rnn_cookbook.recipes import stacked_lstm_tagger

    return stacked_lstm_tagger


@pytest.fixture(scope="module")
def quick_cli_run(tmp_path_factory):
    """One quick run through the command line (the entry points run in new processes in test_cli.py)."""
    output = tmp_path_factory.mktemp("tagger") / "run"
    return cli_here("run", "stacked_lstm_tagger", "--quick", "--quiet", "--output", str(output)), output


def test_contract_and_the_rnn_anatomy_tutorials_settings_are_the_defaults(tagger):
    for name in ("Config", "load_data", "build_model", "train", "main"):
        assert callable(getattr(tagger, name))
    cfg = tagger.Config()
    assert (cfg.lstm_units, cfg.lstm_units_2, cfg.epochs, cfg.batch_size) == (64, 32, 10, 32)  # the rnn-anatomy tutorial
    assert tagger.Config.recipe == tagger.__name__.rpartition(".")[2]  # run folders name the recipe's module
    assert "1997" in tagger.__doc__ and "per step" in tagger.__doc__  # the tutorial's two errata, answered


# --- the task --------------------------------------------------------------------------------------
def test_data_is_deterministic_for_a_seed_and_each_split_has_its_own_stream(tagger):
    cfg = tagger.Config.quick()
    first, again = tagger.load_data(cfg), tagger.load_data(cfg)
    for split in ("train", "validation", "test"):
        for a, b in zip(getattr(first, split), getattr(again, split), strict=True):
            np.testing.assert_array_equal(a, b)
    observations, labels = first.train
    assert observations.shape == (256, 50, 1) and observations.dtype == np.float32
    assert labels.shape == (256, 50) and labels.dtype == np.int32 and set(np.unique(labels)) == {0, 1, 2}
    assert not np.array_equal(tagger.load_data(cfg.replace(seed=1)).test[1], first.test[1])
    more_training = tagger.load_data(cfg.replace(train_sequences=300))
    np.testing.assert_array_equal(more_training.test[0], first.test[0])  # the test set does not move
    assert "synthetic" in first.label and "synthetic" in first.notes[0]


def test_regimes_are_sticky_and_observations_centre_on_their_means():
    from rnn_cookbook.recipes.stacked_lstm_tagger import HiddenRegimes

    task = HiddenRegimes(3, 0.9, 0.5)
    observations, labels = task.sample(400, 100, np.random.default_rng(0))
    assert np.mean(labels[:, 1:] == labels[:, :-1]) == pytest.approx(0.9, abs=0.01)
    assert np.bincount(labels.ravel()) / labels.size == pytest.approx([1 / 3] * 3, abs=0.03)
    residuals = observations[..., 0] - task.means[labels]
    assert residuals.mean() == pytest.approx(0.0, abs=0.01) and residuals.std() == pytest.approx(0.5, abs=0.01)


def test_labels_depend_on_the_past(tagger):
    """The best one-step rule is far below the best rule that reads the past: memory is needed."""
    task = tagger.Config().task()
    observations, labels = task.sample(500, 100, np.random.default_rng(1))
    memoryless = np.mean(task.memoryless_posterior(observations).argmax(-1) == labels)
    filtered = np.mean(task.filter_posterior(observations).argmax(-1) == labels)
    assert memoryless == pytest.approx(0.59, abs=0.02)
    assert filtered == pytest.approx(0.80, abs=0.02)
    assert filtered - memoryless > 0.15
    # The memoryless rule is "nearest mean": linear in the observation, so one Dense layer can learn it.
    nearest = np.abs(observations - task.means).argmin(-1)
    np.testing.assert_array_equal(task.memoryless_posterior(observations).argmax(-1), nearest)


def test_filter_equals_memoryless_when_the_chain_has_no_memory():
    from rnn_cookbook.recipes.stacked_lstm_tagger import HiddenRegimes

    task = HiddenRegimes(3, 1 / 3, 1.0)  # every next regime equally likely, whatever came before
    observations, _ = task.sample(20, 30, np.random.default_rng(2))
    np.testing.assert_allclose(task.filter_posterior(observations), task.memoryless_posterior(observations), atol=1e-12)


def test_tagging_scores_and_the_majority_class():
    from rnn_cookbook.core import scores

    labels = np.array([[0, 1, 1, 2]])
    certain = np.eye(3)[labels]
    assert scores.multiclass_scores(labels, certain) == pytest.approx({"accuracy": 1.0, "loss": 0.0}, abs=1e-6)
    majority = scores.class_frequencies(np.array([1, 1, 2]), labels.shape, 3)
    measured = scores.multiclass_scores(labels, majority)
    assert measured["accuracy"] == 0.5 and measured["loss"] == pytest.approx(-np.mean(np.log([1e-7, 2 / 3, 2 / 3, 1 / 3])))


# --- the models ------------------------------------------------------------------------------------
def test_models_predict_one_distribution_per_step(tagger):
    cfg = tagger.Config(n_regimes=4, lstm_units=6, lstm_units_2=5)
    stack, dense = tagger.build_model(cfg), tagger.build_per_step_baseline(cfg)
    assert stack.output_shape == dense.output_shape == (None, None, 4)
    inputs = np.random.default_rng(0).normal(size=(2, 7, 1)).astype("float32")
    changed = inputs.copy()
    changed[:, 3] += 2.0  # change step 3 only
    for model in (stack, dense):
        outputs = model.predict(inputs, verbose=0)
        assert outputs.shape == (2, 7, 4)
        np.testing.assert_allclose(outputs.sum(-1), 1.0, atol=1e-5)
    before, after = stack.predict(inputs, verbose=0), stack.predict(changed, verbose=0)
    np.testing.assert_allclose(before[:, :3], after[:, :3], atol=1e-6)  # causal: the past does not see the future
    assert np.abs(before[:, 4:] - after[:, 4:]).max() > 1e-4  # memory: later steps remember step 3
    before, after = dense.predict(inputs, verbose=0), dense.predict(changed, verbose=0)
    np.testing.assert_allclose(np.delete(before, 3, axis=1), np.delete(after, 3, axis=1), atol=1e-6)  # no memory


def test_quick_run_beats_every_memoryless_tagger(quick_cli_run):
    result, output = quick_cli_run
    assert result.returncode == 0, result.stderr
    metrics = json.loads((output / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["recipe"] == "stacked_lstm_tagger" and metrics["data"] == "hidden_regimes (synthetic)"
    assert metrics["split"] == "test"
    assert set(metrics["baselines"]) == {"majority_class", "per_step_dense", "memoryless_bayes", "forward_filter"}
    model, base = metrics["model"]["accuracy"], metrics["baselines"]
    assert model > base["per_step_dense"]["accuracy"] + 0.08  # measured: 0.79 against 0.62
    assert model > base["memoryless_bayes"]["accuracy"] + 0.08  # above the ceiling of any memoryless tagger
    assert model < base["forward_filter"]["accuracy"] + 0.02  # and not above the causal ceiling
    assert metrics["model"]["loss"] < base["per_step_dense"]["loss"] - 0.15
    # The trained Dense baseline reaches (about) the best memoryless rule: its gap is memory, not fitting.
    assert base["per_step_dense"]["accuracy"] == pytest.approx(base["memoryless_bayes"]["accuracy"], abs=0.04)
    assert base["majority_class"]["accuracy"] == pytest.approx(1 / 3, abs=0.05)
    for name in ("sequence.png", "confusion.png", "loss.png", "model.keras", "config.json"):
        assert (output / name).is_file(), name


def test_cli_prints_the_table_with_every_reference(quick_cli_run):
    result, output = quick_cli_run
    assert "test metrics on hidden_regimes (synthetic)" in result.stdout
    for row in ("model", "majority_class", "per_step_dense", "memoryless_bayes", "forward_filter"):
        assert f"\n{row} " in result.stdout, row
    assert f"run folder: {output}" in result.stdout


# --- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n_regimes": 1}, "n_regimes must be between 2 and 10, got 1"),
        ({"n_regimes": 11}, "n_regimes must be between 2 and 10, got 11"),
        ({"n_regimes": 2.5}, "n_regimes must be an integer, got 2.5"),
        ({"stay_probability": 1.0}, r"stay_probability must be a number in \(0, 1\)"),
        ({"stay_probability": 0}, r"stay_probability must be a number in \(0, 1\)"),
        ({"noise": 0}, "noise must be a finite number > 0, got 0"),
        ({"noise": float("nan")}, "noise must be a finite number > 0, got nan"),
        ({"noise": True}, "noise must be a number, got True"),
        ({"sequence_length": 0}, "sequence_length must be an integer >= 1"),
        ({"test_sequences": -5}, "test_sequences must be an integer >= 1"),
        ({"lstm_units_2": 0}, "lstm_units_2 must be an integer >= 1"),
        ({"baseline_learning_rate": -0.1}, "baseline_learning_rate must be a finite number > 0"),
    ],
)
def test_bad_settings_are_config_errors(tagger, changes, message):
    with pytest.raises(ConfigError, match=message):
        tagger.Config(**changes)


def test_overrides_are_typed_and_checked(tagger):
    assert tagger.Config().with_overrides(["noise=1.5", "n_regimes=2"]).task().means.tolist() == [-0.5, 0.5]
    with pytest.raises(ConfigError, match="noise must be a number, got 'loud'"):
        tagger.Config().with_overrides(["noise=loud"])
    with pytest.raises(ConfigError, match="unknown config key 'regimes'"):
        tagger.Config().with_overrides(["regimes=3"])


def test_bad_setting_on_the_command_line_is_one_line(tagger, tmp_path, capsys):
    assert tagger.main(["--quick", "--set", "stay_probability=1.5", "--output", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == "error: stay_probability must be a number in (0, 1), got 1.5\n"
    assert not (tmp_path / "run").exists()
