"""Sliding windows over a series: N past steps of every channel in, the next H steps of the targets out.

The rnn-practice tutorial fed its RNN one time step per sample, which leaves it nothing to remember. Here every
sample is a window of `window` consecutive rows of all input channels, and its target is the
`horizon` rows of the target channels that follow:

    rows:     r0 r1 r2 r3 r4 r5 r6 ...
    window=3, horizon=2:   [r0 r1 r2] -> [r3 r4],   [r1 r2 r3] -> [r4 r5],   ...

Inputs are `(n, window, channels)`, targets `(n, horizon, targets)`; the targets are the first
channels (`rnn_cookbook.forecasting.encoding` puts them there).

`split_windows` cuts the series in time order into train / validation / test parts and assigns each
window to the part that holds *all* of its targets (a window whose targets straddle a border is
dropped), so no target is ever in two parts. Inputs may reach back into an earlier part, so each
part's first window starts `window` steps before its border: at forecast time the past is known.
This is the standard protocol of the long-horizon forecasting papers (ETT, Informer).

The arrays come from NumPy's `sliding_window_view` (views, copied once); `WindowSet.dataset` turns
them into a shuffled, batched, prefetched `tf.data` pipeline.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rnn_cookbook.core.errors import DataError

if TYPE_CHECKING:
    import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class WindowSet:
    """The windows of one split, as arrays (scaled units).

    inputs: (n, window, channels); targets: (n, horizon, targets); target_start: (n,), the series
    position of each window's first target, so any forecast can be put back on the series' own time axis.
    """

    inputs: np.ndarray
    targets: np.ndarray
    target_start: np.ndarray

    def __len__(self) -> int:
        return len(self.inputs)

    def dataset(self, batch_size: int, *, shuffle: bool = False, seed: int | None = None) -> tf.data.Dataset:
        """A batched, prefetched `tf.data` pipeline over these windows."""
        from rnn_cookbook.core.pipeline import array_dataset

        return array_dataset(self.inputs, self.targets, batch_size, shuffle=shuffle, seed=seed)


@dataclasses.dataclass(frozen=True)
class SplitWindows:
    """Train, validation and test windows of one series."""

    train: WindowSet
    validation: WindowSet
    test: WindowSet
    window: int
    horizon: int
    borders: tuple[int, int]  # series positions where validation and test begin
    end: int  # the position after the test part's last step


def chronological_borders(length: int, fractions: tuple[float, float, float]) -> tuple[int, int]:
    """Positions where validation and test begin for a split by `fractions` of `length`."""
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise DataError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    train_end = int(round(length * fractions[0]))
    val_end = int(round(length * (fractions[0] + fractions[1])))
    return train_end, val_end


def given_borders(text: str, index: pd.Index) -> tuple[int, int, int]:
    """`"8640,11520,14400"` or `"2017-07-01,2017-11-01"`: where validation and test begin (and,
    optionally, where the test part ends), as row counts or as dates of a dated series."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if len(parts) not in (2, 3):
        raise DataError(f"split_at takes two or three borders (validation, test[, end]), got {text!r}")
    positions = []
    for part in parts:
        if part.lstrip("-").isdigit():
            positions.append(int(part))
        elif isinstance(index, pd.DatetimeIndex):
            try:
                positions.append(int(index.searchsorted(pd.Timestamp(part))))
            except ValueError:
                raise DataError(f"split_at: {part!r} is neither a row number nor a date") from None
        else:
            raise DataError(f"split_at: {part!r} is not a row number (the series has no dates)")
    if len(positions) == 2:
        positions.append(len(index))
    train_end, val_end, end = positions
    if not 0 < train_end < val_end < end <= len(index):
        raise DataError(
            f"split_at={text!r} gives rows {train_end}, {val_end}, {end}: they must rise, within the {len(index)} rows"
        )
    return train_end, val_end, end


def make_windows(
    values: np.ndarray, window: int, horizon: int, *, start: int, stop: int, targets: int | None = None
) -> WindowSet:
    """All windows of `values` (steps, or steps x channels) whose `horizon` targets lie in [start, stop).

    The targets are the first `targets` channels (default: every channel). Unlike the token helpers
    (a word model's prefix windows, `pipeline.next_token_chunks`), these windows hold real-valued rows
    of many channels, overlap one step apart, are followed by `horizon` steps of target columns, and
    stay within one chronological split, each window's position kept in `target_start`.
    """
    _check_sizes(window, horizon)
    values = np.asarray(values, dtype="float32")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise DataError(f"a series must be 1-D (one value per step) or 2-D (steps x channels); got shape {values.shape}")
    if not np.isfinite(values).all():
        raise DataError(f"the series holds {np.count_nonzero(~np.isfinite(values))} NaN or infinite value(s)")
    targets = values.shape[1] if targets is None else targets
    first = max(start - window, 0)  # first window start whose targets begin at or after `start`
    last = stop - window - horizon  # last window start whose targets end before `stop`
    if last < first:
        raise DataError(
            f"positions {start}..{stop} hold no window of {window} steps followed by {horizon} target step(s)"
        )
    # sliding_window_view puts the window axis last: (n, channels, window) -> (n, window, channels)
    past = np.lib.stride_tricks.sliding_window_view(values, window, axis=0)[first : last + 1]
    future = np.lib.stride_tricks.sliding_window_view(values[:, :targets], horizon, axis=0)
    future = future[first + window : last + window + 1]
    return WindowSet(
        inputs=np.ascontiguousarray(past.transpose(0, 2, 1)),
        targets=np.ascontiguousarray(future.transpose(0, 2, 1)),
        target_start=np.arange(first, last + 1) + window,
    )


def split_windows(
    values: np.ndarray,
    window: int,
    horizon: int = 1,
    borders: tuple[int, int] | tuple[int, int, int] | None = None,
    *,
    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15),
    targets: int | None = None,
) -> SplitWindows:
    """Window each chronological part of already-scaled `values` (see the module docstring).

    `borders` are the positions where validation and test begin (and where the test part ends);
    without them, the series is cut by `fractions`.
    """
    _check_sizes(window, horizon)
    values = np.asarray(values, dtype=float)
    if values.ndim not in (1, 2):
        raise DataError(f"expected a series of shape (steps,) or (steps, channels), got {values.shape}")
    if not np.isfinite(values).all():
        raise DataError("the series holds NaN or infinite values; fill or drop them first")
    if borders is None:
        train_end, val_end = chronological_borders(len(values), fractions)
        end = len(values)
        if not _fits(len(values), window, horizon, fractions):
            raise DataError(
                f"the series has {len(values)} points, too short for windows of {window} steps and a "
                f"horizon of {horizon} split {fractions}: it needs at least "
                f"{shortest_series(window, horizon, fractions):,}; use a shorter window"
            )
    else:
        train_end, val_end, end = (*borders, len(values)) if len(borders) == 2 else borders
        if train_end < window + horizon or val_end - train_end < horizon or end - val_end < horizon:
            raise DataError(
                f"the split at rows {train_end}, {val_end}, {end} leaves a part too short for windows of "
                f"{window} steps and a horizon of {horizon}"
            )
    return SplitWindows(
        train=make_windows(values, window, horizon, start=0, stop=train_end, targets=targets),
        validation=make_windows(values, window, horizon, start=train_end, stop=val_end, targets=targets),
        test=make_windows(values, window, horizon, start=val_end, stop=end, targets=targets),
        window=window,
        horizon=horizon,
        borders=(train_end, val_end),
        end=end,
    )


def _check_sizes(window: int, horizon: int) -> None:
    if not isinstance(window, (int, np.integer)) or window < 1:
        raise DataError(f"window must be an integer >= 1, got {window!r}")
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise DataError(f"horizon must be an integer >= 1 (1 = the next step), got {horizon!r}")


def shortest_series(window: int, horizon: int, fractions: tuple[float, float, float]) -> int:
    """The fewest points that give every split at least one window: doubled until it fits, then halved back."""
    high = max(2, window + horizon)
    while not _fits(high, window, horizon, fractions):
        high *= 2
    low = high // 2
    while high - low > 1:  # `_fits` holds at `high`, not at `low`; a longer series only adds windows
        middle = (low + high) // 2
        low, high = (low, middle) if _fits(middle, window, horizon, fractions) else (middle, high)
    return high


def _fits(length: int, window: int, horizon: int, fractions: tuple[float, float, float]) -> bool:
    """Whether a series of `length` points gives every split at least one window."""
    train_end, val_end = chronological_borders(length, fractions)
    return train_end >= window + horizon and val_end - train_end >= horizon and length - val_end >= horizon
