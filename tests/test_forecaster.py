"""The time-series forecaster recipe: its contract, its model, and what it reports."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook.errors import ConfigError


def test_contract(forecaster):
    for name in ("Config", "load_data", "build_model", "train", "main"):
        assert callable(getattr(forecaster, name))
    cfg = forecaster.Config()
    assert (cfg.series, cfg.cell, cfg.window, cfg.horizon, cfg.epochs) == ("co2", "simple_rnn", 52, 1, 100)
    assert cfg.reduce_lr_patience == 5 and cfg.reduce_lr_patience < cfg.patience


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("horizon", [1, 3])
def test_untrained_residual_model_is_the_persistence_forecast(forecaster, cell, horizon):
    cfg = forecaster.Config(cell=cell, horizon=horizon, window=10, units=4)
    model = forecaster.build_model(cfg)
    inputs = np.random.default_rng(0).normal(size=(5, 10, 1)).astype("float32")
    outputs = model.predict(inputs, verbose=0)
    assert outputs.shape == (5, horizon)
    np.testing.assert_allclose(outputs, np.repeat(inputs[:, -1, :], horizon, axis=1), atol=1e-6)


def test_stacked_and_plain_variants_build(forecaster):
    stacked = forecaster.build_model(forecaster.Config(layers=2, window=8, units=4, cell="lstm"))
    assert [layer.name for layer in stacked.layers if "lstm" in layer.name] == ["lstm_1", "lstm_2"]
    plain = forecaster.build_model(forecaster.Config(residual=False, window=8, units=4))
    assert "forecast" not in [layer.name for layer in plain.layers]
    assert plain.output_shape == (None, 1)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cell": "transformer"}, "cell must be one of simple_rnn, lstm, gru"),
        ({"horizon": 0}, "horizon must be an integer >= 1"),
        ({"window": -1}, "window must be an integer >= 1"),
        ({"validation_fraction": 0.5, "test_fraction": 0.45}, "must leave at least 10% for training"),
        ({"optimizer": "adamw2"}, "optimizer must be one of"),
    ],
)
def test_config_refuses_bad_values(forecaster, changes, message):
    with pytest.raises(ConfigError, match=message):
        forecaster.Config(**changes)


def test_quick_run_reports_the_model_beside_three_baselines(quick_run):
    metrics = quick_run.metrics
    assert metrics["recipe"] == "timeseries_forecaster" and metrics["data"] == "co2"
    assert set(metrics["model"]) == {"mae", "rmse"}
    assert set(metrics["baselines"]) == {"persistence", "seasonal_naive", "linear_regression"}
    assert 1 <= metrics["epochs_run"] <= 2
    # The baselines do not depend on training: the calibration figures on the same split.
    assert metrics["baselines"]["persistence"]["mae"] == pytest.approx(0.398, abs=0.001)
    assert metrics["baselines"]["seasonal_naive"]["mae"] == pytest.approx(1.699, abs=0.001)
    summary = quick_run.summary()
    assert "persistence" in summary and f"run folder: {quick_run.run.path}" in summary


def test_same_seed_same_metrics_whatever_ran_before(forecaster, tmp_path):
    import tensorflow as tf

    cfg = forecaster.Config.quick().replace(series="sine", horizon=3, epochs=1)
    tf.random.set_seed(123)  # what an earlier run (or the user) left behind must not matter
    first = forecaster.train(cfg, output=tmp_path / "a", verbose=0)
    tf.random.set_seed(456)
    second = forecaster.train(cfg, output=tmp_path / "b", verbose=0)
    assert first.history == second.history
    assert first.metrics["model"] == second.metrics["model"]
    assert first.metrics["data"] == "sine (synthetic)"
    assert first.model.output_shape == (None, 3)


def test_csv_series_end_to_end_without_a_season(forecaster, tmp_path):
    values = np.sin(np.arange(300) / 4.0) * 10 + 50
    path = tmp_path / "series.csv"
    path.write_text("value\n" + "\n".join(f"{v:.4f}" for v in values) + "\n")
    cfg = forecaster.Config.quick().replace(series=str(path), epochs=1)
    result = forecaster.train(cfg, output=tmp_path / "run", verbose=0)
    assert result.metrics["data"] == "series.csv:value"
    assert set(result.metrics["baselines"]) == {"persistence", "linear_regression"}  # no season known
    with_season = forecaster.train(cfg.replace(season_length=25), output=tmp_path / "run2", verbose=0)
    assert "seasonal_naive" in with_season.metrics["baselines"]
