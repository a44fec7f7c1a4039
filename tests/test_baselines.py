"""Forecasting baselines on series where the right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook import baselines
from rnn_cookbook.data.windows import make_windows


def test_persistence_repeats_the_last_value():
    inputs = np.arange(12, dtype=float).reshape(2, 6, 1)
    np.testing.assert_array_equal(baselines.persistence(inputs, 3), [[5, 5, 5], [11, 11, 11]])


def test_seasonal_naive_is_exact_on_a_periodic_series():
    season = 7
    values = np.tile(np.arange(season, dtype=float) ** 2, 10)
    windows = make_windows(values, window=3, horizon=2, start=20, stop=len(values))
    forecast = baselines.seasonal_naive(values, windows.target_start, 2, season)
    np.testing.assert_array_equal(forecast, windows.targets)
    with pytest.raises(ValueError, match="horizon <= season"):
        baselines.seasonal_naive(values, windows.target_start, 8, season)
    with pytest.raises(ValueError, match="one full season"):
        baselines.seasonal_naive(values, np.array([3]), 1, season)


def test_linear_regression_on_the_window_extrapolates_a_line():
    values = 3.0 * np.arange(60) + 2.0
    train = make_windows(values, 5, 1, start=0, stop=40)
    test = make_windows(values, 5, 1, start=40, stop=60)
    forecast = baselines.linear_on_window(train.inputs, train.targets, test.inputs)
    np.testing.assert_allclose(forecast, test.targets, rtol=1e-4)


def test_regression_errors():
    errors = baselines.regression_errors(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]]))
    assert errors == {"mae": pytest.approx(1.5), "rmse": pytest.approx(np.sqrt(2.5))}
    with pytest.raises(ValueError, match="shapes differ"):
        baselines.regression_errors(np.zeros((2, 1)), np.zeros((2, 2)))
