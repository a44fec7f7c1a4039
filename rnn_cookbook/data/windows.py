"""Sliding windows over a series: N past steps in, the next 1 or H steps out.

Seed 000 fed its RNN one time step per sample, which leaves it nothing to remember. Here every
sample is a window of `window` consecutive values, and its target is the `horizon` values that
follow:

    values:   v0 v1 v2 v3 v4 v5 v6 ...
    window=3, horizon=2:   [v0 v1 v2] -> [v3 v4],   [v1 v2 v3] -> [v4 v5],   ...

`split_windows` cuts the series in time order into train / validation / test parts and assigns each
window to the part that holds *all* of its targets (a window whose targets straddle a border is
dropped), so no target is ever in two parts. Inputs may reach back into an earlier part: at
forecast time the past is known. The scaler is fitted on the training part only.
"""

from __future__ import annotations

import dataclasses

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np
import tensorflow as tf

from rnn_cookbook.data.pipeline import array_dataset
from rnn_cookbook.errors import DataError


@dataclasses.dataclass(frozen=True)
class Scaler:
    """Standardisation fitted on training values: `(x - mean) / std`."""

    mean: float
    std: float

    @classmethod
    def fit(cls, values: np.ndarray) -> Scaler:
        values = np.asarray(values, dtype=float)
        if values.size == 0 or not np.isfinite(values).all():
            raise DataError("cannot fit a scaler on empty or non-finite values")
        std = float(values.std())
        if std == 0.0:
            raise DataError("the training part of the series is constant; there is nothing to learn")
        return cls(float(values.mean()), std)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=float) - self.mean) / self.std

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=float) * self.std + self.mean


@dataclasses.dataclass(frozen=True)
class WindowSet:
    """The windows of one split, as arrays (scaled units).

    inputs: (n, window, 1); targets: (n, horizon); target_start: (n,), the series position of each
    window's first target, so any forecast can be put back on the series' own time axis.
    """

    inputs: np.ndarray
    targets: np.ndarray
    target_start: np.ndarray

    def __len__(self) -> int:
        return len(self.inputs)

    def dataset(self, batch_size: int, *, shuffle: bool = False, seed: int | None = None) -> tf.data.Dataset:
        """A batched, prefetched `tf.data` pipeline over these windows."""
        return array_dataset(self.inputs, self.targets, batch_size, shuffle=shuffle, seed=seed)


@dataclasses.dataclass(frozen=True)
class SplitWindows:
    """Train, validation and test windows of one series, with the scaler fitted on train."""

    train: WindowSet
    validation: WindowSet
    test: WindowSet
    scaler: Scaler
    window: int
    horizon: int
    borders: tuple[int, int]  # series positions where validation and test begin


def chronological_borders(length: int, fractions: tuple[float, float, float]) -> tuple[int, int]:
    """Positions where validation and test begin for a split by `fractions` of `length`."""
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise DataError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    train_end = int(round(length * fractions[0]))
    val_end = int(round(length * (fractions[0] + fractions[1])))
    return train_end, val_end


def make_windows(values: np.ndarray, window: int, horizon: int, *, start: int, stop: int) -> WindowSet:
    """All windows of `values` whose `horizon` targets lie in positions [start, stop)."""
    _check_sizes(window, horizon)
    values = np.asarray(values, dtype="float32")
    if values.ndim != 1:
        raise DataError(f"a series must be 1-D, one value per step; got an array of shape {values.shape}")
    if not np.isfinite(values).all():
        raise DataError(f"the series holds {np.count_nonzero(~np.isfinite(values))} NaN or infinite value(s)")
    first = max(start - window, 0)  # first window start whose targets begin at or after `start`
    last = stop - window - horizon  # last window start whose targets end before `stop`
    if last < first:
        raise DataError(
            f"positions {start}..{stop} hold no window of {window} steps followed by {horizon} target step(s)"
        )
    count = last - first + 1
    future = np.lib.stride_tricks.sliding_window_view(values, horizon)  # future[i] = values[i:i+horizon]
    dataset = keras.utils.timeseries_dataset_from_array(
        data=values[first : last + window, None],
        targets=future[first + window : last + window + 1],
        sequence_length=window,
        batch_size=count,
        shuffle=False,
    )
    inputs, targets = next(iter(dataset))
    return WindowSet(
        inputs=np.asarray(inputs),
        targets=np.asarray(targets),
        target_start=np.arange(first, last + 1) + window,
    )


def split_windows(
    values: np.ndarray,
    window: int,
    horizon: int = 1,
    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15),
) -> SplitWindows:
    """Scale on the training part, then window each chronological part (see the module docstring)."""
    _check_sizes(window, horizon)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise DataError(f"expected a 1-D series, got an array of shape {values.shape}")
    if not np.isfinite(values).all():
        raise DataError("the series holds NaN or infinite values; fill or drop them first")
    train_end, val_end = chronological_borders(len(values), fractions)
    if not _fits(len(values), window, horizon, fractions):
        needed = next((n for n in range(len(values), 1_000_000) if _fits(n, window, horizon, fractions)), "more")
        raise DataError(
            f"the series has {len(values)} points, too short for windows of {window} steps and a "
            f"horizon of {horizon} split {fractions}: it needs at least {needed}; use a shorter window"
        )
    scaler = Scaler.fit(values[:train_end])
    scaled = scaler.transform(values)
    return SplitWindows(
        train=make_windows(scaled, window, horizon, start=0, stop=train_end),
        validation=make_windows(scaled, window, horizon, start=train_end, stop=val_end),
        test=make_windows(scaled, window, horizon, start=val_end, stop=len(values)),
        scaler=scaler,
        window=window,
        horizon=horizon,
        borders=(train_end, val_end),
    )


def _check_sizes(window: int, horizon: int) -> None:
    if not isinstance(window, (int, np.integer)) or window < 1:
        raise DataError(f"window must be an integer >= 1, got {window!r}")
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise DataError(f"horizon must be an integer >= 1 (1 = the next step), got {horizon!r}")


def _fits(length: int, window: int, horizon: int, fractions: tuple[float, float, float]) -> bool:
    """Whether a series of `length` points gives every split at least one window."""
    train_end, val_end = chronological_borders(length, fractions)
    return train_end >= window + horizon and val_end - train_end >= horizon and length - val_end >= horizon
