"""From a table of columns to the numbers a network reads: scaled, one-hot, calendar cycles.

`SeriesEncoder.fit(series, train_rows)` learns everything from the training rows only, so nothing
about the validation or test period leaks into training:

- each numeric column's mean and standard deviation (`Scaler`, scikit-learn's `StandardScaler`
  underneath; a constant feature keeps a scale of 1);
- each categorical column's categories, one channel each (a category first seen later is all
  zeros, and `transform` says so in a note);
- with `calendar=True`, where each step falls in the day, the week and the year, as a sine and
  cosine pair per cycle, so 23:00 sits next to 00:00 and December next to January. Only cycles
  longer than two steps are kept (hourly data gets all three, monthly data only the year).

The channels come in a fixed order, targets first: `[targets, numeric features, one-hot
categories, calendar]`. The encoder travels with a run as `series.json`, so `rnn-cookbook
forecast` turns new rows into exactly the channels the model was trained on.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rnn_cookbook.core.errors import DataError

if TYPE_CHECKING:
    from rnn_cookbook.forecasting.series import Series

#: Calendar cycles: name, length in seconds, and how to read the position in the cycle off a date.
CYCLES = {
    "hour_of_day": (86_400, lambda d: d.hour + d.minute / 60),
    "day_of_week": (7 * 86_400, lambda d: d.day_of_week + d.hour / 24),
    "day_of_year": (365.2425 * 86_400, lambda d: d.day_of_year - 1 + d.hour / 24),
}
CYCLE_STEPS = {"hour_of_day": 24, "day_of_week": 7, "day_of_year": 365.2425}


@dataclasses.dataclass(frozen=True)
class Scaler:
    """Standardisation per column, fitted on training values: `(x - mean) / std` (broadcast on the last axis).

    Fitted by scikit-learn's `StandardScaler` but kept as its `mean_` and `scale_` only, because it is saved
    as JSON in `series.json`, cut to the target columns (`target_scaler`) and applied to 3-D forecasts.
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values: np.ndarray) -> Scaler:
        from sklearn.preprocessing import StandardScaler

        values = np.asarray(values, dtype=float)
        values = values[:, None] if values.ndim == 1 else values
        if values.size == 0 or not np.isfinite(values).all():
            raise DataError("cannot fit a scaler on empty or non-finite values")
        fitted = StandardScaler().fit(values)
        return cls(np.asarray(fitted.mean_, dtype=float), np.asarray(fitted.scale_, dtype=float))

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=float) - self.mean) / self.std

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=float) * self.std + self.mean

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scaler) and np.array_equal(self.mean, other.mean) and np.array_equal(self.std, other.std)

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside


@dataclasses.dataclass(frozen=True)
class SeriesEncoder:
    """How a `Series`' columns become input channels (see the module docstring)."""

    targets: tuple[str, ...]
    numeric: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    calendar: tuple[str, ...]
    scaler: Scaler  # over targets + numeric, in that order

    @classmethod
    def fit(cls, series: Series, train_rows: int, *, calendar: bool = False) -> SeriesEncoder:
        """Learn scales, categories and calendar cycles from the first `train_rows` rows of `series`."""
        train = series.frame.iloc[:train_rows]
        numeric = tuple(c for c in series.features if c not in series.categorical)
        categories = {c: tuple(sorted(train[c].dropna().astype(str).unique())) for c in series.categorical}
        scaler = Scaler.fit(train[[*series.targets, *numeric]].to_numpy(dtype=float))
        flat = [c for c in series.targets if train[c].nunique() <= 1]
        if flat:
            raise DataError(f"the training part of {flat[0]!r} is constant; there is nothing to learn")
        cycles: tuple[str, ...] = ()
        if calendar:
            if not series.dated:
                raise DataError("calendar features need dates: set date_column to the column(s) holding them")
            step = float(np.median(np.diff(series.frame.index.as_unit("ns").asi8))) / 1e9
            cycles = tuple(name for name, (seconds, _) in CYCLES.items() if seconds > 2 * step)
            if not cycles:
                raise DataError("calendar features: the steps are a year or longer apart, no cycle to mark")
        return cls(tuple(series.targets), numeric, categories, cycles, scaler)

    @property
    def channels(self) -> list[str]:
        """The name of every input channel, in order."""
        names = [*self.targets, *self.numeric]
        names += [f"{column}={value}" for column, values in self.categories.items() for value in values]
        names += [f"{cycle}_{part}" for cycle in self.calendar for part in ("sin", "cos")]
        return names

    @property
    def columns(self) -> list[str]:
        """The table columns the encoder reads (targets, numeric, categorical)."""
        return [*self.targets, *self.numeric, *self.categories]

    def transform(self, frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
        """The channels of `frame`'s rows, (n, channels) float32, and notes on unseen categories."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise DataError(f"the data has no column {missing[0]!r}; the model reads {', '.join(self.columns)}")
        parts = [self.scaler.transform(frame[[*self.targets, *self.numeric]].to_numpy(dtype=float))]
        notes = []
        for column, known in self.categories.items():
            words = frame[column].astype(str).to_numpy()
            parts.append((words[:, None] == np.asarray(known, dtype=object)[None, :]).astype(float))
            unseen = sorted(set(words) - set(known))
            if unseen:
                count = int(np.isin(words, unseen).sum())
                notes.append(
                    f"{count} rows of column {column!r} hold categories not seen in training "
                    f"({', '.join(map(repr, unseen[:5]))}); they are encoded as zeros"
                )
        if self.calendar:
            if not isinstance(frame.index, pd.DatetimeIndex):
                raise DataError("this model reads calendar features: the data needs its dates")
            parts.append(calendar_features(frame.index, self.calendar))
        return np.concatenate(parts, axis=1).astype("float32"), notes

    def inverse_targets(self, values: np.ndarray) -> np.ndarray:
        """Scaled target values (..., targets) back in the series' own units."""
        return self.target_scaler.inverse(values)

    @property
    def target_scaler(self) -> Scaler:
        """The scaler of the target columns alone (they come first)."""
        count = len(self.targets)
        return Scaler(self.scaler.mean[:count], self.scaler.std[:count])

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": list(self.targets),
            "numeric": list(self.numeric),
            "categories": {k: list(v) for k, v in self.categories.items()},
            "calendar": list(self.calendar),
            "mean": self.scaler.mean.tolist(),
            "std": self.scaler.std.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SeriesEncoder:
        return cls(
            targets=tuple(data["targets"]),
            numeric=tuple(data["numeric"]),
            categories={k: tuple(v) for k, v in data["categories"].items()},
            calendar=tuple(data["calendar"]),
            scaler=Scaler(np.asarray(data["mean"], dtype=float), np.asarray(data["std"], dtype=float)),
        )


def calendar_features(dates: pd.DatetimeIndex, cycles: tuple[str, ...]) -> np.ndarray:
    """A sine and a cosine of the position of each date in each cycle: (n, 2 * len(cycles))."""
    columns = []
    for name in cycles:
        angle = 2 * np.pi * np.asarray(CYCLES[name][1](dates), dtype=float) / CYCLE_STEPS[name]
        columns += [np.sin(angle), np.cos(angle)]
    return np.stack(columns, axis=1)
