"""What a forecaster must beat: persistence, seasonal naive and a linear map of each column's window.

The three baselines forecast the same test windows as the model, so their errors compare one to one:

- `persistence`: every future step equals the last value seen ("tomorrow is like today").
- `seasonal_naive`: every future step equals the value at the same point of the last season seen
  (the same week last year, the same hour yesterday).
- `linear_per_column`: one least-squares map from a column's own window to its next `horizon`
  values, fitted on the training windows of every target column at once and shared by them
  (scikit-learn's `LinearRegression`; the Linear / DLinear family of the forecasting papers).
  With one target it is plain linear regression on the window.

Windows are shaped like `SplitWindows`': inputs (n, window, channels) with the targets as the first
channels, forecasts (n, horizon, targets). `forecast_errors` gives the errors every forecast
reports, per target and averaged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, root_mean_squared_error


def persistence(inputs: np.ndarray, horizon: int, targets: int = 1) -> np.ndarray:
    """Repeat the last value of each of the first `targets` channels over the horizon: (n, horizon, targets)."""
    return np.repeat(np.asarray(inputs)[:, -1:, :targets], horizon, axis=1)


def seasonal_naive(series: np.ndarray, target_start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Each future step is the value at the same point of the last season seen (same hour yesterday).

    Hyndman's seasonal naive: step h ahead (h = 1..horizon) of a forecast made at time T is
    `series[T + h - season * (k + 1)]`, k = (h - 1) // season, so a horizon longer than the season
    repeats the last season seen; only values at or before T are read. Positions of the target
    steps come from `target_start` (n,), so this works for any window length. A series of shape
    (steps, targets) gives forecasts (n, horizon, targets); a 1-D one (n, horizon).
    """
    lead = np.arange(horizon)
    positions = np.asarray(target_start)[:, None] + lead[None, :] - season * (lead // season + 1)[None, :]
    if positions.min() < 0:
        raise ValueError("seasonal naive needs one full season of history before the first target")
    return np.asarray(series, dtype=float)[positions]


def linear_per_column(train_inputs: np.ndarray, train_targets: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Least squares from a target column's window to its next steps, shared by all target columns.

    train_targets (n, horizon, targets) name the columns: column j of the inputs forecasts target j.
    Returns (len(inputs), horizon, targets).
    """
    train_inputs, train_targets, inputs = (np.asarray(a, dtype=float) for a in (train_inputs, train_targets, inputs))
    targets = train_targets.shape[-1]
    model = LinearRegression()
    model.fit(columns_as_rows(train_inputs[..., :targets]), columns_as_rows(train_targets))
    predicted = model.predict(columns_as_rows(inputs[..., :targets]))
    return predicted.reshape(len(inputs), targets, -1).transpose(0, 2, 1)


def columns_as_rows(windows: np.ndarray) -> np.ndarray:
    """(n, steps, columns) -> (n * columns, steps): each column's window becomes a row of its own."""
    return np.asarray(windows).transpose(0, 2, 1).reshape(-1, windows.shape[1])


def regression_errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Mean absolute error, root mean squared error and mean squared error over every value."""
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        raise ValueError(f"actual {actual.shape} and predicted {predicted.shape} shapes differ")
    actual, predicted = actual.ravel(), predicted.ravel()
    return {
        "mae": float(mean_absolute_error(actual, predicted)),
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "mse": float(mean_squared_error(actual, predicted)),
    }


def forecast_errors(
    actual: np.ndarray, predicted: np.ndarray, scale: np.ndarray, names: Sequence[str]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Errors of forecasts (n, horizon, targets) in the series' units: averaged, and per target.

    The averaged record has each target's MAE, RMSE and MSE in its own unit averaged over the
    targets, plus `mae_scaled` and `mse_scaled`: the errors on values divided by each target's
    training standard deviation `scale`, the scale published multivariate tables use.
    """
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    per_target = {name: regression_errors(actual[..., j], predicted[..., j]) for j, name in enumerate(names)}
    averaged = {key: float(np.mean([errors[key] for errors in per_target.values()])) for key in ("mae", "rmse", "mse")}
    scaled = regression_errors(actual / scale, predicted / scale)
    averaged.update(mae_scaled=scaled["mae"], mse_scaled=scaled["mse"])
    return averaged, per_target


def error_by_lead_time(actual: np.ndarray, predicted: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mean absolute error at each step ahead (horizon,), on scaled values averaged over the targets."""
    actual, predicted = (np.asarray(values, dtype=float) / scale for values in (actual, predicted))
    count, horizon = actual.shape[:2]
    # One output per (step ahead, target): the MAE of each, then the mean over the targets of each step.
    per_output = mean_absolute_error(actual.reshape(count, -1), predicted.reshape(count, -1), multioutput="raw_values")
    return per_output.reshape(horizon, -1).mean(axis=1)
