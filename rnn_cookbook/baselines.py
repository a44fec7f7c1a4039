"""Forecasting baselines: what a model must beat before its numbers mean anything.

All three forecast the same test windows as the model, so their errors compare one to one:

- `persistence`: every future step equals the last value seen ("tomorrow is like today").
- `seasonal_naive`: every future step equals the value one season earlier (same week last year).
- `linear_on_window`: ordinary least squares from the window's values to the targets, fitted on
  the training windows (scikit-learn's `LinearRegression`).

Inputs and outputs are arrays shaped like `WindowSet`: windows (n, window, 1), forecasts
(n, horizon). `regression_errors` gives the MAE and RMSE every forecasting recipe reports.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression


def persistence(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """Repeat each window's last value over the horizon."""
    return np.repeat(np.asarray(inputs)[:, -1, :1], horizon, axis=1)


def seasonal_naive(series: np.ndarray, target_start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """For target position t, forecast `series[t - season]`: the value one season before.

    Positions of the target steps come from `target_start` (n,), so this works for any window
    length, including windows shorter than a season. Only values at or before the forecast origin
    are used: a horizon longer than the season is refused.
    """
    if horizon > season:
        raise ValueError(f"seasonal naive needs horizon <= season, got horizon {horizon} and season {season}")
    positions = np.asarray(target_start)[:, None] + np.arange(horizon)[None, :] - season
    if positions.min() < 0:
        raise ValueError("seasonal naive needs one full season of history before the first target")
    return np.asarray(series, dtype=float)[positions]


def linear_on_window(train_inputs: np.ndarray, train_targets: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Fit least squares from flattened training windows to their targets; forecast `inputs`."""
    model = LinearRegression()
    model.fit(np.asarray(train_inputs).reshape(len(train_inputs), -1), np.asarray(train_targets))
    predicted = model.predict(np.asarray(inputs).reshape(len(inputs), -1))
    return predicted.reshape(len(inputs), -1)


def regression_errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Mean absolute error and root mean squared error over every window and horizon step."""
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        raise ValueError(f"actual {actual.shape} and predicted {predicted.shape} shapes differ")
    error = predicted - actual
    return {"mae": float(np.mean(np.abs(error))), "rmse": float(np.sqrt(np.mean(error**2)))}
