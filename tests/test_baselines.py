"""Forecasting baselines on series where the right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook import baselines
from rnn_cookbook.data.windows import make_windows


def test_persistence_repeats_the_last_value():
    inputs = np.arange(12, dtype=float).reshape(2, 6, 1)
    np.testing.assert_array_equal(baselines.persistence(inputs, 3)[..., 0], [[5, 5, 5], [11, 11, 11]])
    two = np.stack([np.arange(12.0), -np.arange(12.0), np.ones(12)], axis=-1).reshape(2, 6, 3)
    np.testing.assert_array_equal(baselines.persistence(two, 2, targets=2), [[[5, -5]] * 2, [[11, -11]] * 2])


def test_seasonal_naive_is_exact_on_a_periodic_series():
    season = 7
    values = np.tile(np.arange(season, dtype=float) ** 2, 10)
    windows = make_windows(values, window=3, horizon=2, start=20, stop=len(values))
    forecast = baselines.seasonal_naive(values, windows.target_start, 2, season)
    np.testing.assert_array_equal(forecast, windows.targets[..., 0])
    longer = make_windows(values, window=7, horizon=16, start=20, stop=len(values))
    np.testing.assert_array_equal(baselines.seasonal_naive(values, longer.target_start, 16, season), longer.targets[..., 0])
    origin = 30  # a forecast made after step 29 reads nothing later than step 29, whatever its horizon
    reads = np.arange(len(values), dtype=float)
    assert baselines.seasonal_naive(reads, np.array([origin]), 16, season).max() == origin - 1
    with pytest.raises(ValueError, match="one full season"):
        baselines.seasonal_naive(values, np.array([3]), 1, season)


def test_linear_regression_on_the_window_extrapolates_a_line():
    values = 3.0 * np.arange(60) + 2.0
    train = make_windows(values, 5, 1, start=0, stop=40)
    test = make_windows(values, 5, 1, start=40, stop=60)
    forecast = baselines.linear_per_column(train.inputs, train.targets, test.inputs)
    np.testing.assert_allclose(forecast, test.targets, rtol=1e-4)


def test_the_linear_baseline_is_one_map_shared_by_every_target_column():
    """Two columns that follow the same recurrence are fitted by one map; a third channel is ignored."""
    rng = np.random.default_rng(0)
    steps = 300
    columns = np.zeros((steps, 3))
    columns[:2, :2] = rng.normal(size=(2, 2))
    for t in range(2, steps):  # x[t] = 1.2 x[t-1] - 0.5 x[t-2] + noise, in both target columns
        columns[t, :2] = 1.2 * columns[t - 1, :2] - 0.5 * columns[t - 2, :2] + rng.normal(0, 0.1, 2)
    columns[:, 2] = rng.normal(size=steps) * 100  # a feature, not a target
    train = make_windows(columns, 4, 2, start=0, stop=200, targets=2)
    test = make_windows(columns, 4, 2, start=200, stop=steps, targets=2)
    forecast = baselines.linear_per_column(train.inputs, train.targets, test.inputs)
    assert forecast.shape == test.targets.shape == (len(test), 2, 2)
    one_step = forecast[:, 0, :] - test.targets[:, 0, :]
    assert np.sqrt(np.mean(one_step**2)) < 0.12  # the noise is 0.1: the shared map found the recurrence
    swapped = baselines.linear_per_column(train.inputs[..., [1, 0, 2]], train.targets[..., ::-1], test.inputs[..., [1, 0, 2]])
    np.testing.assert_allclose(swapped[..., ::-1], forecast, atol=1e-8)  # the same map, whatever the column order


def test_forecast_errors_per_target_averaged_and_standardised():
    actual = np.zeros((4, 2, 2))
    predicted = np.zeros((4, 2, 2))
    predicted[..., 0] = 1.0  # off by 1 in column a (scale 2)
    predicted[..., 1] = -3.0  # off by 3 in column b (scale 3)
    averaged, per_target = baselines.forecast_errors(actual, predicted, np.array([2.0, 3.0]), ["a", "b"])
    assert per_target["a"] == {"mae": 1.0, "rmse": 1.0, "mse": 1.0}
    assert per_target["b"] == {"mae": 3.0, "rmse": 3.0, "mse": 9.0}
    assert averaged["mae"] == 2.0 and averaged["mse"] == 5.0
    assert averaged["mae_scaled"] == pytest.approx((0.5 + 1.0) / 2) and averaged["mse_scaled"] == pytest.approx((0.25 + 1.0) / 2)
    np.testing.assert_allclose(baselines.error_by_lead_time(actual, predicted, np.array([2.0, 3.0])), [0.75, 0.75])


def test_regression_errors():
    errors = baselines.regression_errors(np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]]))
    assert errors == {"mae": pytest.approx(1.5), "rmse": pytest.approx(np.sqrt(2.5)), "mse": pytest.approx(2.5)}
    with pytest.raises(ValueError, match="shapes differ"):
        baselines.regression_errors(np.zeros((2, 1)), np.zeros((2, 2)))
