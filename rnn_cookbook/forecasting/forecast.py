"""Forecast what comes next in new data with a trained `timeseries_forecaster` run.

    from rnn_cookbook import forecast
    forecast("runs/timeseries_forecaster/20261126-120000", "latest.csv")
    #                       OT
    # date
    # 2018-06-26 20:00:00  9.85
    # ...                  (horizon rows, one column per target)

    rnn-cookbook forecast RUN_DIR --series latest.csv [--output forecast.csv]

The run folder holds everything needed: `model.keras` (loaded with `safe_mode=True`) and
`series.json`, the encoder fitted on the training part (column scales, categories, calendar
cycles) with how the data was read (separator, date columns). New data is read the same way,
its last `window` rows become exactly the channels the model was trained on, and the forecast
is turned back into the series' own units. Timestamps continue the dates' step (the next
`horizon` hours of hourly data); without dates the rows are numbered 1..horizon.

Data the model cannot read is a one-line `DataError`: a column it needs is missing (named), too
few rows (how many are needed), a gap in the last window (where), dates that are not dates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnn_cookbook.forecasting.encoding import SeriesEncoder
from rnn_cookbook.forecasting.series import frequency_of, index_by_time, numeric_column, read_table
from rnn_cookbook.core.errors import DataError, RunFolderError
from rnn_cookbook.core.runs import RunFolder

SERIES_FILE = "series.json"


class ForecasterRun:
    """A trained forecaster reopened from its run folder."""

    def __init__(self, run_dir: str | Path) -> None:
        self.run = RunFolder.open(run_dir)
        settings: Any = self.run.settings(
            SERIES_FILE, lacking="does not forecast series", hint="; forecast needs a timeseries_forecaster run"
        )
        try:
            self.encoder = SeriesEncoder.from_dict(settings["encoder"])
            self.window = int(settings["window"])
            self.horizon = int(settings["horizon"])
            self.dated = bool(settings["dated"])
            self.date_columns = tuple(settings["date_columns"])
            self.sep = settings.get("sep")
            self.frequency = settings.get("frequency")
        except (KeyError, TypeError, ValueError) as exc:
            raise RunFolderError(f"{self.run.file(SERIES_FILE)} is incomplete: {exc}") from None
        self.model = self.run.load_model()
        expected = (self.window, len(self.encoder.channels))
        if tuple(self.model.input_shape[1:]) != expected:
            raise RunFolderError(
                f"{SERIES_FILE} describes windows of {expected[0]} steps x {expected[1]} channels but the model "
                f"reads {tuple(self.model.input_shape[1:])}: they belong to different runs"
            )

    @property
    def targets(self) -> tuple[str, ...]:
        return self.encoder.targets

    def forecast(self, data: str | Path | pd.DataFrame) -> pd.DataFrame:
        """The next `horizon` values of each target after the last row of `data` (a path or a DataFrame).

        Notes (categories not seen in training, rows sorted by date) are in `result.attrs["notes"]`.
        """
        if isinstance(data, pd.DataFrame):
            frame, source = data.copy(), "the data"
            frame.columns = [str(c) for c in frame.columns]
        else:
            frame, source = read_table(data, sep=self.sep), Path(data).name
        notes: list[str] = []
        if self.dated:
            columns = ",".join(self.date_columns) if set(self.date_columns) <= set(frame.columns) else None
            frame, _ = index_by_time(frame, columns or None, source, notes)
            if not isinstance(frame.index, pd.DatetimeIndex):
                raise DataError(
                    f"the model was trained on dated rows: {source} needs its dates "
                    f"({', '.join(self.date_columns) or 'a date column'})"
                )
        else:
            frame, _ = index_by_time(frame, None, source, notes, guess=False)
        last = self._last_window(frame, source, notes)
        channels, encode_notes = self.encoder.transform(last)
        change = self.model.predict(channels[None], verbose=0)[0]
        values = self.encoder.inverse_targets(change)
        result = pd.DataFrame(values, index=self._future_index(frame.index), columns=list(self.targets))
        result.attrs["notes"] = [*notes, *encode_notes]
        return result

    def _last_window(self, frame: pd.DataFrame, source: str, notes: list[str]) -> pd.DataFrame:
        """The last `window` rows of the columns the model reads, checked: present, numeric, complete."""
        missing = [c for c in self.encoder.columns if c not in frame.columns]
        if missing:
            raise DataError(
                f"{source} has no column {missing[0]!r}; the model reads {', '.join(self.encoder.columns)}"
            )
        if len(frame) < self.window:
            raise DataError(
                f"{source} has {len(frame)} rows; the model reads the last {self.window}: give at least {self.window}"
            )
        last = frame.iloc[-self.window :][self.encoder.columns].copy()
        for column in [*self.encoder.targets, *self.encoder.numeric]:
            last[column] = numeric_column(last[column], column, source, notes)
        gaps = last.isna()
        if gaps.to_numpy().any():
            column = gaps.columns[gaps.any(axis=0).to_numpy()][0]
            count = int(gaps.to_numpy().sum())
            raise DataError(
                f"{source}: {count} empty cell(s) in the last {self.window} rows the model reads, the first in column "
                f"{column!r} at {_where(last.index[gaps[column].to_numpy()][0])}; fill them or end the data before them"
            )
        if not np.isfinite(last[[*self.encoder.targets, *self.encoder.numeric]].to_numpy(dtype=float)).all():
            raise DataError(f"{source}: the last {self.window} rows hold infinite values")
        return last

    def _future_index(self, index: pd.Index) -> pd.Index:
        """The next `horizon` timestamps at the dates' own step, or steps 1..horizon without dates."""
        if not isinstance(index, pd.DatetimeIndex):
            return pd.RangeIndex(1, self.horizon + 1, name="step")
        recent = index[-self.window :]
        frequency = frequency_of(recent) or self.frequency
        if frequency is None:
            if len(recent) < 2:
                raise DataError("the dates have no step to continue: give at least two dated rows")
            frequency = pd.Timedelta(int(np.median(np.diff(recent.as_unit("ns").asi8))), unit="ns")
        return pd.date_range(index[-1], periods=self.horizon + 1, freq=frequency, name=index.name or "date")[1:]


def forecast(run_dir: str | Path, data: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The next `horizon` values of each target after the end of `data`, from the model in `run_dir`."""
    return ForecasterRun(run_dir).forecast(data)


def _where(label: Any) -> str:
    return f"row {label + 2}" if isinstance(label, (int, np.integer)) else f"{label}"
