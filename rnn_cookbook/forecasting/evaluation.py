"""What the forecaster trains on and how it is judged: the data, the fitted highway, the test report.

- `ForecastData`: the series, the encoder fitted on its training part, and the windowed splits;
- `fit_highway`: the least-squares map from each target's window to its change, set into the
  model's `highway` layer (`highway=fitted`);
- `test_report`: errors on the test windows per target and averaged, beside persistence, seasonal
  naive and the linear map, with `forecast.png` and (for `horizon > 1`) `lead_time.png`; with
  `split="validation"`, the same errors on the validation windows, without figures;
- `series_settings`: what `series.json` keeps so `forecast` can read new data as training did.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rnn_cookbook.core.training import Evaluation
from rnn_cookbook.forecasting import baselines
from rnn_cookbook.forecasting import plots as forecast_plots

if TYPE_CHECKING:
    import keras

    from rnn_cookbook.forecasting.encoding import SeriesEncoder
    from rnn_cookbook.forecasting.series import Series
    from rnn_cookbook.forecasting.windows import SplitWindows


@dataclasses.dataclass(frozen=True)
class ForecastData:
    """The series, the encoder fitted on its training part, and the windowed splits."""

    series: Series
    encoder: SeriesEncoder
    windows: SplitWindows
    notes: tuple[str, ...] = ()

    @property
    def season_length(self) -> int | None:
        return self.series.season_length

    @property
    def channels(self) -> int:
        return self.windows.train.inputs.shape[-1]

    @property
    def targets(self) -> int:
        return len(self.series.targets)


def fit_highway(model: keras.Model, windows: SplitWindows, targets: int) -> None:
    """Set the highway to the least-squares map from each target's own window to its change.

    The window is read as it is, level included, exactly as the `linear_regression` baseline
    reads it; predicting the change from the last value instead of the value itself moves the
    last coefficient by one and nothing else, so the model's forecast before training *is* that
    baseline's (the RNN's `change` layer starts at zero). A window seen relative to its last value
    would lose the level, and a season whose swing grows with the level cannot be mapped without
    it: on a monthly series with growing seasonality that cost the start 2x the baseline's
    validation error. With `highway="fitted"` the layer is frozen, so the RNN learns only what the
    linear model misses (the order LSTNet's authors describe; fitted first, the linear part cannot drift).
    """
    from sklearn.linear_model import LinearRegression

    train = windows.train
    last = train.inputs[:, -1:, :targets]
    inputs = baselines.columns_as_rows(train.inputs[..., :targets])
    changes = baselines.columns_as_rows(train.targets - last)
    fitted = LinearRegression().fit(inputs, changes)
    model.get_layer("highway").set_weights([fitted.coef_.T.astype("float32"), fitted.intercept_.astype("float32")])


def test_report(
    model: keras.Model, data: ForecastData, *, batch_size: int, horizon: int, split: str = "test"
) -> Evaluation:
    """Errors on the test windows per target and averaged, beside the three baselines, and the forecast_plots.

    `split="validation"` scores the validation windows instead, beside the same baselines (the
    linear map fitted on the training windows alone, as for the test), without figures: what
    `train_recipe` reads to say whether a baseline beats the model before the test is looked at.
    """
    windows, series, encoder = data.windows, data.series, data.encoder
    test, scaler, targets = getattr(windows, split), encoder.target_scaler, data.targets
    actual = scaler.inverse(test.targets)
    forecasts = {
        "model": scaler.inverse(model.predict(test.dataset(batch_size), verbose=0)),
        "persistence": scaler.inverse(baselines.persistence(test.inputs, horizon, targets)),
        "linear_regression": scaler.inverse(
            baselines.linear_per_column(windows.train.inputs, windows.train.targets, test.inputs)
        ),
    }
    season = data.season_length
    if season is not None and test.target_start[0] >= season:
        forecasts["seasonal_naive"] = baselines.seasonal_naive(series.values, test.target_start, horizon, season)
    errors, per_target = {}, {}
    for name, forecast in forecasts.items():
        errors[name], per_target[name] = baselines.forecast_errors(actual, forecast, scaler.std, series.targets)
    if split != "test":
        return Evaluation(data=series.label, model=errors.pop("model"), baselines=errors, split=split)
    by_lead = {name: baselines.error_by_lead_time(actual, f, scaler.std) for name, f in forecasts.items()}
    figures = {
        "forecast.png": forecast_plots.forecast_vs_actual(
            series.index[test.target_start],
            actual[:, 0, :],
            {name: forecast[:, 0, :] for name, forecast in forecasts.items()},
            names=series.targets,
            units=series.units,
            scale=scaler.std,
            title=f"{series.label}: test period, actual vs forecasts"
            + ("" if horizon == 1 else " (first step of each forecast)"),
            stretch=forecast_plots.readable_stretch(len(test), season, series.frequency),
            whole=forecasts["model"][-1] if horizon > 1 else None,
        )
    }
    if horizon > 1:
        figures["lead_time.png"] = forecast_plots.error_by_lead_time(by_lead, title=f"{series.label}: error by step ahead")
    details = {"per_target": per_target} if targets > 1 else {}
    return Evaluation(
        data=series.label,
        model=errors.pop("model"),
        baselines=errors,
        figures=figures,
        details=details,
    )


def series_settings(data: ForecastData, *, window: int, horizon: int, sep: str | None) -> dict:
    """`series.json`: how to read new data and turn it into the model's channels (`rnn-cookbook forecast`)."""
    return {
        "encoder": data.encoder.to_dict(),
        "date_columns": list(data.series.date_columns),
        "dated": data.series.dated,
        "sep": sep,
        "frequency": data.series.frequency,
        "window": window,
        "horizon": horizon,
    }
