"""Baselines, their scores and the confusion matrix, on data where the right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook.core import scores
from rnn_cookbook.forecasting import baselines
from rnn_cookbook.forecasting.windows import make_windows


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


def test_error_by_lead_time_keeps_each_step_ahead_apart():
    actual = np.zeros((3, 4, 2))
    predicted = np.zeros((3, 4, 2))
    predicted[:, :, 0] = np.arange(1.0, 5.0)  # column a: off by 1, 2, 3, 4 at leads 1..4
    predicted[:, 1, 1] = -6.0  # column b: off by 6 at lead 2 only
    by_lead = baselines.error_by_lead_time(actual, predicted, np.array([1.0, 2.0]))
    np.testing.assert_allclose(by_lead, [(1 + 0) / 2, (2 + 3) / 2, (3 + 0) / 2, (4 + 0) / 2])


def test_classification_scores_threshold_at_one_half_and_floor_certain_mistakes():
    result = scores.classification_scores(np.array([1, 0, 1, 0]), np.array([0.5, 0.49, 0.0, 0.2]))
    assert result["accuracy"] == 0.75  # 0.5 counts as class 1; the confident 0.0 is the one mistake
    # A certain mistake costs -log(1e-7), as in Keras, not infinity.
    expected = -np.mean(np.log([0.5, 0.51, 1e-7, 0.8]))
    assert result["loss"] == pytest.approx(expected, rel=1e-6)


def test_multiclass_scores_take_a_float32_softmax_without_complaint():
    """A float32 softmax sums to 1 only to ~1e-7; the scores must neither warn nor move for it."""
    import warnings

    logits = np.random.default_rng(0).normal(size=(50, 7)).astype("float32")
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.arange(50) % 7
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = scores.multiclass_scores(labels, probabilities)
    exact = probabilities.astype(float)[np.arange(50), labels]
    assert result["loss"] == pytest.approx(-np.mean(np.log(exact)), rel=1e-6)
    assert result["accuracy"] == np.mean(probabilities.argmax(axis=1) == labels)


def test_majority_class_gives_every_item_the_training_frequencies():
    shares = scores.class_frequencies(np.array([[1, 1], [2, 1]]), (2, 3), 4)
    assert shares.shape == (2, 3, 4)
    np.testing.assert_allclose(shares, np.broadcast_to([0.0, 0.75, 0.25, 0.0], (2, 3, 4)))  # 0 and 3 never seen


def test_confusion_matrix_counts_every_class_and_titles_the_accuracy():
    from rnn_cookbook.core import plots

    labels, predicted = [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]
    figure = plots.confusion_matrix(labels, predicted, ["a", "b", "c"], title="t")
    axis = figure.axes[0]
    cells = [text.get_text() for text in axis.texts]
    assert cells == ["1\n50%", "1\n50%", "0\n0%", "1\n33%", "2\n67%", "0\n0%", "0\n0%", "0\n0%", "0\n0%"]
    assert axis.get_title() == "t\naccuracy 0.600"
