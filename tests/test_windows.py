"""Windows and chronological splits: shapes, no target in two splits, scaling fitted on train only."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook.data.windows import Scaler, make_windows, split_windows
from rnn_cookbook.errors import DataError


def naive_windows(values, window, horizon):
    """The obvious Python loop, to check the Keras-built windows against."""
    xs, ys = [], []
    for start in range(len(values) - window - horizon + 1):
        xs.append(values[start : start + window])
        ys.append(values[start + window : start + window + horizon])
    return np.array(xs, dtype="float32")[..., None], np.array(ys, dtype="float32")


@pytest.mark.parametrize("window, horizon", [(1, 1), (5, 1), (4, 3)])
def test_make_windows_matches_a_plain_loop(window, horizon):
    values = np.arange(30, dtype=float) ** 1.5
    got = make_windows(values, window, horizon, start=0, stop=len(values))
    x, y = naive_windows(values, window, horizon)
    assert got.inputs.shape == (len(x), window, 1) and got.targets.shape == (len(x), horizon)
    np.testing.assert_allclose(got.inputs, x)
    np.testing.assert_allclose(got.targets, y)
    np.testing.assert_array_equal(got.target_start, np.arange(len(x)) + window)


@pytest.mark.parametrize("horizon", [1, 4])
def test_split_keeps_every_target_in_one_split_and_in_time_order(horizon):
    values = np.sin(np.arange(200) / 5.0) + np.arange(200) / 50
    split = split_windows(values, window=12, horizon=horizon)
    train_end, val_end = split.borders
    assert (train_end, val_end) == (140, 170)
    spans = {}
    for name, part in [("train", split.train), ("validation", split.validation), ("test", split.test)]:
        steps = part.target_start[:, None] + np.arange(horizon)
        spans[name] = set(steps.ravel().tolist())
        # targets (in scaled units) are exactly the series at those positions
        np.testing.assert_allclose(split.scaler.inverse(part.targets), values[steps], rtol=1e-5)
    assert not spans["train"] & spans["validation"] and not spans["validation"] & spans["test"]
    assert max(spans["train"]) < train_end <= min(spans["validation"])
    assert max(spans["validation"]) < val_end <= min(spans["test"])
    assert max(spans["test"]) == len(values) - 1


def test_scaler_is_fitted_on_the_training_part_only():
    values = np.concatenate([np.linspace(0, 1, 70), np.full(30, 1000.0)])  # huge values after train
    split = split_windows(values, window=5)
    assert split.scaler.mean == pytest.approx(values[:70].mean())
    assert split.scaler.std == pytest.approx(values[:70].std())
    changed = values.copy()
    changed[70:] = -5.0  # whatever the future holds, training windows and scaler do not move
    other = split_windows(changed, window=5)
    assert other.scaler == split.scaler
    np.testing.assert_array_equal(other.train.inputs, split.train.inputs)


def test_scaler_round_trip_and_constant_refused():
    scaler = Scaler.fit(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(scaler.inverse(scaler.transform([4.0, 5.0])), [4.0, 5.0])
    with pytest.raises(DataError, match="constant"):
        Scaler.fit(np.ones(10))


@pytest.mark.parametrize(
    "values, window, horizon, message",
    [
        (np.arange(30.0), 52, 1, r"has 30 points, too short .* needs at least \d+; use a shorter window"),
        (np.arange(100.0), 5, 0, r"horizon must be an integer >= 1 \(1 = the next step\), got 0"),
        (np.arange(100.0), 0, 1, "window must be an integer >= 1"),
        (np.array([1.0, np.nan] * 50), 5, 1, "NaN or infinite"),
        (np.ones((10, 10)), 5, 1, "1-D series"),
    ],
)
def test_bad_windows_are_data_errors(values, window, horizon, message):
    with pytest.raises(DataError, match=message):
        split_windows(values, window, horizon)


def test_dataset_is_batched_and_its_shuffle_is_seeded():
    split = split_windows(np.arange(100.0), window=4)
    batches = list(split.train.dataset(8))
    assert batches[0][0].shape == (8, 4, 1) and batches[0][1].shape == (8, 1)
    assert sum(len(x) for x, _ in batches) == len(split.train)

    def order(seed):
        return np.concatenate([y.numpy().ravel() for _, y in split.train.dataset(8, shuffle=True, seed=seed)])

    assert np.array_equal(order(1), order(1))
    assert not np.array_equal(order(1), split.train.targets.ravel())
