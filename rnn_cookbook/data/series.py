"""Univariate time series: the tutorial's noisy sine, two real series shipped with statsmodels, and CSVs.

    load_series("co2")        # weekly Mauna Loa CO2 (ppm), 1958-2001, 59 missing weeks filled
    load_series("sunspots")   # yearly sunspot activity, 1700-2008
    load_series("sine")       # seed 000's sin(t) + N(0, 0.2) noise, t = 0, 0.1, ..., 99.9 (synthetic)
    load_series("my.csv", column="load_mw")   # any numeric column of a CSV

The real series ship inside statsmodels, so they load offline. Gaps are filled by interpolation in
time (a DatetimeIndex) or by position, and each `Series` says how many points were filled in its
`notes`; nothing is filled silently. Series with nothing to learn from (all NaN, infinite values,
constant, a non-numeric column) are a `DataError` that names the problem.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from rnn_cookbook.errors import DataError

NAMED_SERIES = ("co2", "sunspots", "sine")


@dataclasses.dataclass(frozen=True)
class Series:
    """A clean univariate series: finite float values, an index for plots, and what it is."""

    name: str
    values: np.ndarray
    index: pd.Index
    unit: str
    season_length: int | None
    synthetic: bool = False
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.values)

    @property
    def label(self) -> str:
        """The name as output shows it; synthetic data always says so."""
        return f"{self.name} (synthetic)" if self.synthetic else self.name


def load_series(source: str, column: str | None = None, *, date_column: str | None = None) -> Series:
    """Load a named series (`co2`, `sunspots`, `sine`) or a CSV file by path."""
    if source in NAMED_SERIES:
        if column is not None:
            raise DataError(f"column={column!r} only applies to CSV files, not to the named series {source!r}")
        return {"co2": co2, "sunspots": sunspots, "sine": noisy_sine}[source]()
    path = Path(source)
    if path.suffix.lower() in (".csv", ".txt", ".tsv") or path.exists():
        return from_csv(path, column=column, date_column=date_column)
    raise DataError(f"unknown series {source!r}: use one of {', '.join(NAMED_SERIES)} or a path to a CSV file")


def noisy_sine(step: float = 0.1, stop: float = 100.0, noise: float = 0.2, seed: int = 0) -> Series:
    """Seed 000's series: sin(t) plus Gaussian noise, with its own fixed seed. Synthetic."""
    time = np.arange(0.0, stop, step)
    rng = np.random.default_rng(seed)
    values = np.sin(time) + rng.normal(0.0, noise, time.shape)
    return Series(
        name="sine",
        values=values,
        index=pd.Index(time, name="t"),
        unit="amplitude",
        season_length=round(2 * np.pi / step),
        synthetic=True,
        notes=(f"synthetic: sin(t) + N(0, {noise}) noise, {len(time)} steps of {step}",),
    )


def co2() -> Series:
    """Weekly atmospheric CO2 at Mauna Loa (ppm), March 1958 to December 2001, from statsmodels."""
    from statsmodels.datasets import co2 as dataset

    raw = dataset.load_pandas().data["co2"]
    return _clean(raw, name="co2", unit="ppm", season_length=52, gap_word="weeks")


def sunspots() -> Series:
    """Yearly mean sunspot activity, 1700 to 2008, from statsmodels; its cycle is about 11 years."""
    from statsmodels.datasets import sunspots as dataset

    frame = dataset.load_pandas().data
    raw = pd.Series(
        frame["SUNACTIVITY"].to_numpy(dtype=float),
        index=pd.Index(frame["YEAR"].astype(int), name="year"),
        name="sunspots",
    )
    return _clean(raw, name="sunspots", unit="sunspot number", season_length=11, gap_word="years")


def from_csv(path: str | Path, column: str | None = None, *, date_column: str | None = None) -> Series:
    """One numeric column of a CSV file.

    `column` may be left out when the file has one column, or exactly one numeric column. `date_column`, if given,
    is parsed as dates, sorted, and used for time interpolation of gaps; otherwise rows are taken in
    file order. Empty cells are gaps; any other non-numeric cell is an error.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"CSV file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise DataError(f"{path} has no data rows")
    if column is None:
        candidates = [c for c in frame.columns if c != date_column]
        numeric = [c for c in candidates if pd.api.types.is_numeric_dtype(frame[c])]
        if len(candidates) == 1:
            column = str(candidates[0])
        elif len(numeric) == 1:
            column = str(numeric[0])
        else:
            found = ", ".join(map(str, numeric)) or "none"
            raise DataError(f"{path}: say which column to forecast (numeric columns: {found})")
    if column not in frame.columns:
        raise DataError(f"{path} has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    cells = frame[column]
    numbers = pd.to_numeric(cells, errors="coerce")
    bad = cells[numbers.isna() & cells.notna() & (cells.astype(str).str.strip() != "")]
    if len(bad):
        raise DataError(
            f"column {column!r} of {path} is not numeric: row {bad.index[0] + 2} holds {str(bad.iloc[0])!r}"
        )
    if date_column is not None:
        if date_column not in frame.columns:
            raise DataError(f"{path} has no date column {date_column!r}")
        dates = pd.to_datetime(frame[date_column], errors="coerce")
        if dates.isna().any():
            raise DataError(f"date column {date_column!r} of {path} has cells that are not dates")
        raw = pd.Series(numbers.to_numpy(dtype=float), index=pd.DatetimeIndex(dates)).sort_index()
    else:
        raw = pd.Series(numbers.to_numpy(dtype=float), index=pd.RangeIndex(len(numbers), name="row"))
    return _clean(raw, name=f"{path.name}:{column}", unit=str(column), season_length=None, gap_word="rows")


def _clean(raw: pd.Series, *, name: str, unit: str, season_length: int | None, gap_word: str) -> Series:
    """Check a raw series and fill its gaps, noting what was done."""
    values = raw.to_numpy(dtype=float)
    if len(values) == 0 or np.isnan(values).all():
        raise DataError(f"series {name!r} has no numeric values (empty or all NaN)")
    if np.isinf(values).any():
        raise DataError(f"series {name!r} holds infinite values at position {int(np.argmax(np.isinf(values)))}")
    notes: list[str] = []
    missing = int(np.isnan(values).sum())
    if missing:
        method = "time" if isinstance(raw.index, pd.DatetimeIndex) else "linear"
        filled = raw.interpolate(method=method, limit_area="inside")
        edge = filled.isna()
        if edge.any():
            filled = filled[~edge]
            notes.append(f"dropped {int(edge.sum())} missing {gap_word} at the ends of {name}")
        inside = missing - int(edge.sum())
        if inside:
            how = "time interpolation" if method == "time" else "linear interpolation"
            notes.append(f"filled {inside} missing {gap_word} of {name} by {how}")
        raw = filled
        values = raw.to_numpy(dtype=float)
    if np.ptp(values) == 0:
        raise DataError(f"series {name!r} is constant ({values[0]:g}); there is nothing to forecast")
    return Series(
        name=name,
        values=values,
        index=raw.index,
        unit=unit,
        season_length=season_length,
        notes=tuple(notes),
    )
