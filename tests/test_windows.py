"""Windows and chronological splits: shapes, no target in two splits, scaling fitted on train only."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnn_cookbook.forecasting.encoding import Scaler, SeriesEncoder
from rnn_cookbook.forecasting.series import from_frame
from rnn_cookbook.forecasting.windows import given_borders, make_windows, split_windows
from rnn_cookbook.core.errors import DataError


def naive_windows(values, window, horizon, targets):
    """The obvious Python loop, to check the strided windows against."""
    xs, ys = [], []
    for start in range(len(values) - window - horizon + 1):
        xs.append(values[start : start + window])
        ys.append(values[start + window : start + window + horizon, :targets])
    return np.array(xs, dtype="float32"), np.array(ys, dtype="float32")


@pytest.mark.parametrize("window, horizon, channels, targets", [(1, 1, 1, 1), (5, 1, 1, 1), (4, 3, 1, 1), (4, 3, 3, 2)])
def test_make_windows_matches_a_plain_loop(window, horizon, channels, targets):
    values = (np.arange(30, dtype=float)[:, None] ** 1.5) * (1 + np.arange(channels))
    got = make_windows(values, window, horizon, start=0, stop=len(values), targets=targets)
    x, y = naive_windows(values, window, horizon, targets)
    assert got.inputs.shape == (len(x), window, channels) and got.targets.shape == (len(x), horizon, targets)
    np.testing.assert_allclose(got.inputs, x)
    np.testing.assert_allclose(got.targets, y)
    np.testing.assert_array_equal(got.target_start, np.arange(len(x)) + window)


def test_a_one_dimensional_series_is_one_channel():
    got = make_windows(np.arange(10.0), 3, 2, start=0, stop=10)
    assert got.inputs.shape == (6, 3, 1) and got.targets.shape == (6, 2, 1)


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
        np.testing.assert_allclose(part.targets[..., 0], values[steps], rtol=1e-5)
    assert not spans["train"] & spans["validation"] and not spans["validation"] & spans["test"]
    assert max(spans["train"]) < train_end <= min(spans["validation"])
    assert max(spans["validation"]) < val_end <= min(spans["test"])
    assert max(spans["test"]) == len(values) - 1


def test_given_borders_follow_the_ett_protocol():
    """ETTh1's split: 8640 / 2880 / 2880 hours, each part's first window starting `window` hours before it."""
    values = np.random.default_rng(0).normal(size=(15_000, 2))
    split = split_windows(values, 96, 96, (8640, 11520, 14400))
    assert len(split.train) == 8640 - 96 - 96 + 1
    assert len(split.validation) == len(split.test) == 2880 - 96 + 1  # 2785, as the papers count
    assert split.test.target_start[0] == 11520 and split.test.target_start[-1] + 96 == 14400
    np.testing.assert_array_equal(split.test.inputs[0], values[11520 - 96 : 11520].astype("float32"))
    dates = pd.date_range("2020-01-01", periods=100, freq="D")
    assert given_borders("2020-02-10,2020-03-01", dates) == (40, 60, 100)
    assert given_borders("50, 70, 90", pd.RangeIndex(100)) == (50, 70, 90)
    with pytest.raises(DataError, match="must rise"):
        given_borders("70,50", pd.RangeIndex(100))
    with pytest.raises(DataError, match="not a row number"):
        given_borders("2020-01-01,50", pd.RangeIndex(100))


def test_encoder_scales_each_column_on_the_training_part_only():
    rows = 100
    frame = pd.DataFrame({"a": np.linspace(0, 1, rows), "b": np.linspace(10, 30, rows)})
    frame.loc[70:, "a"] = 1000.0  # huge values after train
    series = from_frame(frame, name="t", column="a", features="b")
    encoder = SeriesEncoder.fit(series, 70)
    np.testing.assert_allclose(encoder.scaler.mean, [frame["a"][:70].mean(), frame["b"][:70].mean()])
    np.testing.assert_allclose(encoder.scaler.std, [frame["a"][:70].std(ddof=0), frame["b"][:70].std(ddof=0)])
    changed = frame.copy()
    changed.loc[70:, "a"] = -5.0  # whatever the future holds, the encoder and the training windows do not move
    other = SeriesEncoder.fit(from_frame(changed, name="t", column="a", features="b"), 70)
    assert other.scaler == encoder.scaler
    encoded, _ = encoder.transform(series.frame)
    assert encoded.shape == (rows, 2)
    np.testing.assert_allclose(encoder.inverse_targets(encoded[:, :1]), frame[["a"]].to_numpy(), rtol=1e-5, atol=1e-6)
    assert SeriesEncoder.from_dict(encoder.to_dict()).scaler == encoder.scaler


def test_categories_come_from_training_and_unseen_ones_are_zeros_with_a_note():
    frame = pd.DataFrame({"y": np.arange(12.0) % 5, "wind": ["N", "S"] * 5 + ["E", "N"]})
    series = from_frame(frame, name="t", column="y", features="wind")
    encoder = SeriesEncoder.fit(series, 10)
    assert encoder.channels == ["y", "wind=N", "wind=S"]
    encoded, notes = encoder.transform(series.frame)
    np.testing.assert_array_equal(encoded[:, 1:], [[1, 0], [0, 1]] * 5 + [[0, 0], [1, 0]])
    assert notes == ["1 rows of column 'wind' hold categories not seen in training ('E'); they are encoded as zeros"]


def test_calendar_cycles_follow_the_sampling_step():
    hourly = pd.DataFrame({"y": np.arange(100.0) % 7}, index=pd.date_range("2024-01-01", periods=100, freq="h"))
    monthly = pd.DataFrame({"y": np.arange(40.0) % 7}, index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    hours = SeriesEncoder.fit(from_frame(hourly.reset_index(names="date"), name="h", column="y"), 80, calendar=True)
    months = SeriesEncoder.fit(from_frame(monthly.reset_index(names="date"), name="m", column="y"), 30, calendar=True)
    assert hours.calendar == ("hour_of_day", "day_of_week", "day_of_year")
    assert months.calendar == ("day_of_year",)
    encoded, _ = hours.transform(hourly)
    sin, cos = encoded[:, 1], encoded[:, 2]
    np.testing.assert_allclose(sin[[0, 6, 24]], [0.0, 1.0, 0.0], atol=1e-6)  # midnight, 6:00, midnight again
    np.testing.assert_allclose(sin**2 + cos**2, 1.0, rtol=1e-6)
    with pytest.raises(DataError, match="calendar features need dates"):
        SeriesEncoder.fit(from_frame(pd.DataFrame({"y": np.arange(20.0)}), name="u", column="y"), 10, calendar=True)


def test_target_scaler_puts_forecasts_of_any_rank_back_in_units():
    frame = pd.DataFrame({"y": np.linspace(10, 20, 50), "x": np.linspace(-1, 1, 50) ** 2})
    encoder = SeriesEncoder.fit(from_frame(frame, name="t", column="y", features="x"), 40)
    targets = encoder.target_scaler
    assert targets == Scaler(encoder.scaler.mean[:1], encoder.scaler.std[:1])  # the target column alone
    forecasts = np.array([[[0.0], [1.0], [-2.0]]])  # (n, horizon, targets), in standard deviations
    expected = frame["y"][:40].mean() + forecasts * frame["y"][:40].std(ddof=0)
    np.testing.assert_allclose(targets.inverse(forecasts), expected)
    np.testing.assert_allclose(encoder.inverse_targets(forecasts), expected)
    reloaded = SeriesEncoder.from_dict(json.loads(json.dumps(encoder.to_dict())))  # as series.json holds it
    assert reloaded.target_scaler == targets


def test_scaler_round_trip_and_constant_target_refused():
    scaler = Scaler.fit(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(scaler.inverse(scaler.transform([[4.0], [5.0]])), [[4.0], [5.0]])
    frame = pd.DataFrame({"y": [3.0] * 10 + [4.0, 5.0]})
    with pytest.raises(DataError, match="training part of 'y' is constant"):
        SeriesEncoder.fit(from_frame(frame, name="t", column="y"), 10)


@pytest.mark.parametrize(
    "values, window, horizon, message",
    [
        (np.arange(30.0), 52, 1, r"has 30 points, too short .* needs at least \d+; use a shorter window"),
        (np.arange(100.0), 5, 0, r"horizon must be an integer >= 1 \(1 = the next step\), got 0"),
        (np.arange(100.0), 0, 1, "window must be an integer >= 1"),
        (np.array([1.0, np.nan] * 50), 5, 1, "NaN or infinite"),
        (np.ones((10, 10, 2)), 5, 1, r"shape \(steps,\) or \(steps, channels\)"),
    ],
)
def test_bad_windows_are_data_errors(values, window, horizon, message):
    with pytest.raises(DataError, match=message):
        split_windows(values, window, horizon)


def test_dataset_is_batched_and_its_shuffle_is_seeded():
    split = split_windows(np.arange(100.0), window=4)
    batches = list(split.train.dataset(8))
    assert batches[0][0].shape == (8, 4, 1) and batches[0][1].shape == (8, 1, 1)
    assert sum(len(x) for x, _ in batches) == len(split.train)

    def order(seed):
        return np.concatenate([y.numpy().ravel() for _, y in split.train.dataset(8, shuffle=True, seed=seed)])

    assert np.array_equal(order(1), order(1))
    assert not np.array_equal(order(1), split.train.targets.ravel())


@pytest.mark.parametrize("length", [40, 41, 44, 45, 47])
def test_next_token_sequences_counts_what_an_epoch_reads(length):
    """The count a recipe reports as examples per epoch is the number of sequences the pipeline yields."""
    from rnn_cookbook.core.pipeline import next_token_chunks, next_token_dataset, next_token_sequences

    ids = np.arange(length)
    inputs, _ = next_token_chunks(ids, 4)
    assert len(inputs) == next_token_sequences(length, 4)
    for shuffle in (False, True):
        dataset = next_token_dataset(ids, 4, batch_size=3, shuffle=shuffle, seed=0)
        for _ in range(2):  # a shuffled epoch starts at a new offset each time
            assert sum(len(x) for x, _ in dataset) == next_token_sequences(length, 4, shuffle=shuffle)
