"""The time-series forecaster recipe: its contract, its model, what it reports, many columns, `forecast`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import cli, cli_here
from rnn_cookbook.core.errors import ConfigError, DataError


def test_contract_and_the_rnn_practice_tutorials_settings_are_the_defaults(forecaster):
    for name in ("Config", "load_data", "build_model", "train", "main"):
        assert callable(getattr(forecaster, name))
    cfg = forecaster.Config()
    # The rnn-practice tutorial: SimpleRNN, Adam at Keras' rate, mean squared error, 100 epochs, ReduceLROnPlateau(patience=5).
    assert (cfg.cell, cfg.optimizer, cfg.learning_rate, cfg.training_loss) == ("simple_rnn", "adam", 1e-3, "mse")
    assert (cfg.epochs, cfg.reduce_lr_patience) == (100, 5)


def persistence_of(inputs, horizon, targets):
    return np.repeat(inputs[:, -1:, :targets], horizon, axis=1)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("horizon", [1, 3])
def test_untrained_residual_model_is_the_persistence_forecast(forecaster, cell, horizon):
    cfg = forecaster.Config(cell=cell, horizon=horizon, window=10, units=4)
    model = forecaster.build_model(cfg)
    inputs = np.random.default_rng(0).normal(size=(5, 10, 1)).astype("float32")
    outputs = model.predict(inputs, verbose=0)
    assert outputs.shape == (5, horizon, 1)
    np.testing.assert_allclose(outputs, persistence_of(inputs, horizon, 1), atol=1e-6)


@pytest.mark.parametrize(
    "changes",
    [{"per_column": False}, {}, {"segment": 4, "cell": "gru", "per_column": False}, {"segment": 2, "highway": "joint"}],
    ids=["shared", "per_column", "shared_segments", "per_column_segments_highway"],
)
def test_many_columns_in_and_out_start_as_persistence_and_only_read_their_inputs(forecaster, changes):
    cfg = forecaster.Config(window=8, horizon=3, units=4, **changes)
    model = forecaster.build_model(cfg, channels=5, targets=2)
    inputs = np.random.default_rng(1).normal(size=(6, 8, 5)).astype("float32")
    outputs = model.predict(inputs, verbose=0)
    assert outputs.shape == (6, 3, 2)
    np.testing.assert_allclose(outputs, persistence_of(inputs, 3, 2), atol=1e-6)
    # Give the output layer weights: each window's forecast must then depend on its own rows only.
    for layer in model.layers:
        if layer.name in ("change", "highway"):
            layer.set_weights([w + 0.1 for w in layer.get_weights()])
    moved = inputs.copy()
    moved[0, :, 4] += 1.0  # a feature of window 0 only
    before, after = model.predict(inputs, verbose=0), model.predict(moved, verbose=0)
    assert not np.allclose(before[0], after[0]) and np.allclose(before[1:], after[1:], atol=1e-6)


def test_per_column_model_reads_each_column_alone(forecaster):
    """Channel independence: swapping two target columns swaps their forecasts, nothing else."""
    cfg = forecaster.Config(window=6, horizon=2, units=4, per_column=True)
    model = forecaster.build_model(cfg, channels=3, targets=3)
    layer = model.get_layer("change")
    layer.set_weights([np.full_like(w, 0.3) for w in layer.get_weights()])
    inputs = np.random.default_rng(2).normal(size=(4, 6, 3)).astype("float32")
    swapped = inputs[..., [1, 0, 2]]
    np.testing.assert_allclose(model.predict(swapped, verbose=0), model.predict(inputs, verbose=0)[..., [1, 0, 2]], atol=1e-5)


def test_fitted_highway_starts_as_least_squares_on_the_window_as_linear_regression_reads_it(forecaster):
    from sklearn.linear_model import LinearRegression

    cfg = forecaster.Config(series="sine", window=10, horizon=3, units=4, highway="fitted")
    data = forecaster.load_data(cfg)
    model = forecaster.build_model(cfg, data.channels, data.targets)
    forecaster.fit_highway(model, data.windows, data.targets)
    assert not model.get_layer("highway").trainable
    train, test = data.windows.train, data.windows.validation
    rows = LinearRegression().fit(train.inputs[..., 0], train.targets[..., 0] - train.inputs[:, -1:, 0])  # level kept
    expected = rows.predict(test.inputs[..., 0]) + test.inputs[:, -1:, 0]
    np.testing.assert_allclose(model.predict(test.inputs, verbose=0)[..., 0], expected, atol=1e-4)


def test_stacked_and_plain_variants_build(forecaster):
    stacked = forecaster.build_model(forecaster.Config(layers=2, window=8, units=4, cell="lstm"))
    assert [layer.name for layer in stacked.layers if "lstm" in layer.name] == ["lstm_1", "lstm_2"]
    plain = forecaster.build_model(forecaster.Config(residual=False, window=8, units=4))
    assert "forecast" not in [layer.name for layer in plain.layers]
    assert plain.output_shape == (None, 1, 1)
    flat = forecaster.build_model(forecaster.Config(window=8, horizon=4, units=4), channels=3, targets=2, flat_output=True)
    assert flat.output_shape == (None, 8)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cell": "transformer"}, "cell must be one of simple_rnn, lstm, gru"),
        ({"horizon": 0}, "horizon must be an integer >= 1"),
        ({"window": -1}, "window must be an integer >= 1"),
        ({"window": 10, "segment": 3}, r"window \(10\) must be a multiple of segment \(3\)"),
        ({"highway": "quadratic"}, "highway must be one of none, joint, fitted"),
        ({"highway": "joint", "residual": False}, "highway needs residual=True"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
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
    assert set(metrics["model"]) == {"mae", "rmse", "mse", "mae_scaled", "mse_scaled"}
    assert set(metrics["baselines"]) == {"persistence", "seasonal_naive", "linear_regression"}
    assert 1 <= metrics["epochs_run"] <= 2
    # The baselines do not depend on training: the calibration figures on the same split.
    assert metrics["baselines"]["persistence"]["mae"] == pytest.approx(0.398, abs=0.001)
    assert metrics["baselines"]["seasonal_naive"]["mae"] == pytest.approx(1.699, abs=0.001)
    summary = quick_run.summary()
    assert "persistence" in summary and f"run folder: {quick_run.run.path}" in summary


def test_single_column_co2_scores_what_it_did_before_many_columns(quick_run):
    """Regression guard for issue 14: the quick CO2 run with seed 0 scored MAE 0.35654 ppm before the
    multi-column rewrite (model.keras had the same layers in Cropping1D/Subtract form)."""
    assert quick_run.metrics["model"]["mae"] == pytest.approx(0.35654, abs=5e-4)
    assert quick_run.metrics["baselines"]["linear_regression"]["mae"] == pytest.approx(0.3404, abs=1e-4)


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
    assert first.model.output_shape == (None, 3, 1)
    assert (tmp_path / "a" / "lead_time.png").is_file()


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

    from rnn_cookbook import forecast

    ahead = forecast(tmp_path / "run", path)  # no dates: the steps after the last row are numbered
    assert ahead.index.name == "step" and list(ahead.index) == [1] and list(ahead.columns) == ["value"]
    lines = path.read_text().splitlines()
    lines[-2] = "oops"  # line 300 of the file: the second-to-last data row
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="column 'value' of series.csv is not numeric: row 300 holds 'oops'"):
        forecast(tmp_path / "run", path)


# --- many columns, dates, forecast ---------------------------------------------------------------
def write_air_quality(path, hours=24 * 40, sep=","):
    """An hourly air-quality-like table: the date over four columns, a row counter, a categorical wind
    direction, gaps in the target, and two hours nobody recorded."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2014-01-01", periods=hours, freq="h")
    hour = dates.hour.to_numpy()
    temperature = 10 + 8 * np.sin(2 * np.pi * (hour - 9) / 24) + rng.normal(0, 1, hours)
    pm = np.clip(80 + 30 * np.sin(2 * np.pi * hour / 24) - 2 * temperature + rng.normal(0, 5, hours), 0, None)
    pm = pm.round(1).astype(object)
    pm[rng.choice(hours - 150, 30, replace=False)] = ""  # none in the windows the forecast tests read
    frame = pd.DataFrame(
        {
            "No": np.arange(1, hours + 1),
            "year": dates.year, "month": dates.month, "day": dates.day, "hour": dates.hour,
            "pm2.5": pm,
            "TEMP": temperature.round(2),
            "cbwd": rng.choice(["NE", "NW", "SE", "cv"], hours),
        }
    ).drop(index=[100, 101])
    frame.to_csv(path, index=False, sep=sep)
    return frame


@pytest.fixture(scope="module")
def air_run(forecaster, tmp_path_factory):
    """A quick run on a multi-column CSV through the CLI: two targets, every other column as a feature."""
    folder = tmp_path_factory.mktemp("air")
    frame = write_air_quality(folder / "air.tsv", sep="\t")
    done = cli_here(
        "run", "timeseries_forecaster", "--quick", "--output", str(folder / "run"),
        "--set", f"series={folder / 'air.tsv'}", "--set", "column=pm2.5,TEMP", "--set", "features=all",
        "--set", "date_column=year,month,day,hour", "--set", "calendar=true", "--set", "horizon=6", "--set", "window=24",
    )
    assert done.returncode == 0, done.stderr
    done.blanks = int((frame["pm2.5"] == "").sum())
    return folder, done


def test_many_columns_run_reports_every_target_beside_the_baselines(air_run):
    folder, done = air_run
    metrics = json.loads((folder / "run" / "metrics.json").read_text())
    assert set(metrics["baselines"]) == {"persistence", "linear_regression", "seasonal_naive"}  # hourly: a day's season
    assert set(metrics["per_target"]["model"]) == {"pm2.5", "TEMP"}
    for name in ("model", *metrics["baselines"]):
        errors = metrics["per_target"][name]
        record = metrics["model"] if name == "model" else metrics["baselines"][name]
        assert record["mae"] == pytest.approx((errors["pm2.5"]["mae"] + errors["TEMP"]["mae"]) / 2)
    out = done.stdout + done.stderr
    assert "inserted 2 missing timestamps of air.tsv as gaps" in out
    assert f"filled {done.blanks + 2} missing rows of air.tsv:pm2.5 by time interpolation" in out  # blanks + 2 hours
    assert "left out 'No': it only numbers the rows" in out
    assert "mae per target column" in done.stdout
    settings = json.loads((folder / "run" / "series.json").read_text())
    assert settings["encoder"]["categories"] == {"cbwd": ["NE", "NW", "SE", "cv"]}
    assert settings["encoder"]["calendar"] == ["hour_of_day", "day_of_week", "day_of_year"]
    assert settings["frequency"] == "h"
    assert {"forecast.png", "lead_time.png", "loss.png"} <= {p.name for p in (folder / "run").glob("*.png")}


def test_forecast_in_a_new_process_continues_the_dates(air_run):
    folder, _ = air_run
    frame = pd.read_csv(folder / "air.tsv", sep="\t")
    frame.iloc[:-100].to_csv(folder / "recent.csv", index=False)
    done = cli("forecast", str(folder / "run"), "--series", str(folder / "recent.csv"), "--output", str(folder / "f.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split() == ["pm2.5", "TEMP"] and len(lines) == 2 + 6  # header, index name, 6 hours
    written = pd.read_csv(folder / "f.csv", parse_dates=["date"])
    last = pd.Timestamp(2014, 1, 1) + pd.Timedelta(hours=24 * 40 - 101)
    assert list(written["date"]) == list(pd.date_range(last + pd.Timedelta(hours=1), periods=6, freq="h"))
    assert written[["pm2.5", "TEMP"]].notna().all().all()


def test_forecast_from_python_equals_the_model_on_the_last_window(air_run, forecaster):
    from rnn_cookbook import forecast
    from rnn_cookbook.forecasting.forecast import ForecasterRun

    folder, _ = air_run
    frame = pd.read_csv(folder / "air.tsv", sep="\t")
    result = forecast(folder / "run", frame)
    assert result.shape == (6, 2) and list(result.columns) == ["pm2.5", "TEMP"]
    run = ForecasterRun(folder / "run")
    dated = frame.assign(date=pd.to_datetime(frame[["year", "month", "day", "hour"]])).set_index("date")
    channels, _ = run.encoder.transform(dated.iloc[-24:])
    expected = run.encoder.inverse_targets(run.model.predict(channels[None], verbose=0)[0])
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-5)


FORECAST_MISTAKES = [
    (lambda f: f.drop(columns=["TEMP"]), "has no column 'TEMP'; the model reads pm2.5, TEMP, cbwd"),
    (lambda f: f.iloc[:10], "has 10 rows; the model reads the last 24: give at least 24"),
    (lambda f: f.assign(TEMP=f["TEMP"].where(f.index != f.index[-3])), "empty cell.* in column 'TEMP' at 2014-"),
    (lambda f: f.assign(month="soon"), r"date columns year,month,day,hour of .* is not a date on row 2"),
    (lambda f: f.assign(TEMP=f["TEMP"].astype(object).where(f.index != f.index[-1], "hot")), "not numeric: .* 'hot'"),
]


@pytest.mark.parametrize(
    "change, message", FORECAST_MISTAKES, ids=["missing column", "too few rows", "gap in the last window", "not dates", "a word"]
)
def test_forecast_refuses_data_it_cannot_read(air_run, change, message, tmp_path):
    from rnn_cookbook.forecasting.forecast import ForecasterRun

    folder, _ = air_run
    path = tmp_path / "bad.csv"
    change(pd.read_csv(folder / "air.tsv", sep="\t")).to_csv(path, index=False)
    with pytest.raises(DataError, match=message):
        ForecasterRun(folder / "run").forecast(path)


def test_forecast_mistakes_are_one_line_on_the_command_line(air_run, tmp_path):
    folder, _ = air_run
    path = tmp_path / "bad.csv"
    FORECAST_MISTAKES[0][0](pd.read_csv(folder / "air.tsv", sep="\t")).to_csv(path, index=False)
    done = cli_here("forecast", str(folder / "run"), "--series", str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["error: bad.csv has no column 'TEMP'; the model reads pm2.5, TEMP, cbwd"]


def test_forecast_needs_a_forecaster_run(quick_run, tmp_path):
    from rnn_cookbook.forecasting.forecast import ForecasterRun
    from rnn_cookbook.core.errors import RunFolderError

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "config.json").write_text(json.dumps({"recipe": "sentiment_rnn", "config": {}}))
    (tmp_path / "other" / "model.keras").write_text("x")
    with pytest.raises(RunFolderError, match="does not forecast series"):
        ForecasterRun(tmp_path / "other")
    result = ForecasterRun(quick_run.run.path).forecast(pd.DataFrame({"co2": np.linspace(360, 370, 20)}, index=pd.date_range("2001-01-06", periods=20, freq="W-SAT")))
    assert len(result) == 1 and result.index[0] == pd.Timestamp("2001-05-26")


@pytest.mark.parametrize(
    "text, settings, message",
    [
        ("d,y\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", {"date_column": "d"}, "two rows for 2020-01-01"),
        ("d,y\n2020-01-01,1\nlater,2\n", {"date_column": "d"}, "is not a date on row 3: 'later'"),
        ("y,x\n1,\n,2\n,3\n,4\n5,5\n", {"column": "y", "features": "x"}, r"3 of the 4 values of .* are missing: more than half"),
        ("y;x\n1;a\n2;b\n", {"column": "z"}, "has no column 'z'; columns: y, x"),
        ("y,w\n" + "".join(f"{i},w{i}\n" for i in range(60)), {"column": "y", "features": "w"}, "60 different words"),
    ],
    ids=["duplicate timestamp", "not a date", "target mostly missing", "semicolons and a missing column", "text column"],
)
def test_bad_tables_are_one_line_data_errors(tmp_path, text, settings, message):
    from rnn_cookbook.forecasting.series import load_series

    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        load_series(str(path), **{"column": "y", **settings})


def test_macro_is_an_offline_multi_column_default(forecaster, tmp_path):
    cfg = forecaster.Config.quick().replace(series="macro", column="realgdp,realcons", features="unemp,infl", window=8, horizon=4)
    data = forecaster.load_data(cfg)
    assert data.series.frequency == "QS-JAN" and data.season_length == 4
    assert data.windows.train.inputs.shape[1:] == (8, 4) and data.windows.train.targets.shape[1:] == (4, 2)
    assert data.series.index[0] == pd.Timestamp("1959-01-01")
