"""Time series in the shapes people have: one column or many, dated or not, any separator.

    load_series("co2")        # weekly Mauna Loa CO2 (ppm), 1958-2001, 59 missing weeks filled
    load_series("sunspots")   # yearly sunspot activity, 1700-2008
    load_series("macro")      # quarterly US macro data, 1959-2009: 12 columns (statsmodels)
    load_series("sine")       # the rnn-practice tutorial's sin(t) + N(0, 0.2) noise, t = 0, 0.1, ..., 99.9 (synthetic)
    load_series("my.csv", column="load_mw")                     # one numeric column of a file
    load_series("air.csv", column="pm2.5", features="all",      # many columns, a date in four
                date_column="year,month,day,hour")

`column` names what to forecast (one name, a comma list, or `all`: every numeric column);
`features` names the other columns the network reads beside them (a comma list or `all`).
Numeric columns stay numbers; a column of words (a wind direction) is a category, one-hot
encoded later by `rnn_cookbook.forecasting.encoding` with the categories of the training part.

Dates come from one column pandas can parse, or from several that together spell one date, given
from the largest unit down (`year,month,day,hour`; a column called `quarter` stands for its first
month). Rows are sorted by date; two rows with the same timestamp are an error naming it. Missing
timestamps in a regular series (an hour nobody recorded) become gaps, and gaps are filled by
interpolation in time (or by position without dates). Every fill is counted in the `Series`'
`notes`; nothing is filled silently, and a target more than half filled in is refused.

The real series ship inside statsmodels, so they load offline. Anything with nothing to learn from
(all NaN, infinite values, a constant target, words where numbers belong) is a `DataError` that
names the column and, for a file, the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from rnn_cookbook.core.delimited import separator_of
from rnn_cookbook.core.errors import DataError

NAMED_SERIES = ("co2", "sunspots", "macro", "sine")
ALL = "all"
#: Date parts in the order a spread-out date is given: the first column is the year, and so on.
DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
#: Column names taken as the time axis when no `date_column` is given (if every cell is a date).
DATE_NAMES = ("date", "datetime", "time", "timestamp")
#: A feature column with more distinct words than this is text, not a category.
MAX_CATEGORIES = 50
#: The season of a series sampled at each step, for seasonal-naive forecasts and plots.
SEASON_OF_STEP = {"h": 24, "D": 7, "W": 52, "M": 12, "Q": 4}


@dataclasses.dataclass(frozen=True)
class Series:
    """A clean table of time steps in time order: the target columns first, then input features.

    frame: one row per step (index: dates, years or row numbers), finite numbers in the numeric
    columns and words in the categorical ones. `values` are the targets as an (n, targets) array.
    """

    name: str
    frame: pd.DataFrame
    targets: tuple[str, ...]
    units: tuple[str, ...]
    season_length: int | None
    synthetic: bool = False
    notes: tuple[str, ...] = ()
    frequency: str | None = None  # pandas' name for the step between dates ("h", "W-SUN", "QS-OCT")
    date_columns: tuple[str, ...] = ()  # the table columns the dates were read from

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    @property
    def values(self) -> np.ndarray:
        """The targets, (n, number of targets), as floats."""
        return self.frame[list(self.targets)].to_numpy(dtype=float)

    @property
    def features(self) -> tuple[str, ...]:
        """Input columns beside the targets."""
        return tuple(c for c in self.frame.columns if c not in self.targets)

    @property
    def categorical(self) -> tuple[str, ...]:
        return tuple(c for c in self.features if not pd.api.types.is_numeric_dtype(self.frame[c]))

    @property
    def dated(self) -> bool:
        return isinstance(self.frame.index, pd.DatetimeIndex)

    @property
    def unit(self) -> str:
        """The unit of a single target (ppm for CO2); for several, their names."""
        return self.units[0] if len(self.units) == 1 else ", ".join(self.targets)

    @property
    def label(self) -> str:
        """The name as output shows it; synthetic data always says so."""
        return f"{self.name} (synthetic)" if self.synthetic else self.name


def load_series(
    source: str,
    column: str | None = None,
    *,
    features: str | None = None,
    date_column: str | None = None,
    sep: str | None = None,
) -> Series:
    """Load a named series (`co2`, `sunspots`, `macro`, `sine`) or a delimited file by path."""
    if source in ("co2", "sunspots", "sine"):
        if column is not None or features is not None or date_column is not None:
            raise DataError(
                f"column, features and date_column only apply to files and 'macro', not to the one-column series {source!r}"
            )
        return {"co2": co2, "sunspots": sunspots, "sine": noisy_sine}[source]()
    if source == "macro":
        return macro(column, features=features)
    path = Path(source)
    if path.suffix.lower() in (".csv", ".txt", ".tsv", ".dat") or path.exists():
        return from_csv(path, column=column, features=features, date_column=date_column, sep=sep)
    raise DataError(f"unknown series {source!r}: use one of {', '.join(NAMED_SERIES)} or a path to a CSV file")


def noisy_sine(step: float = 0.1, stop: float = 100.0, noise: float = 0.2, seed: int = 0) -> Series:
    """The rnn-practice tutorial's series: sin(t) plus Gaussian noise, with its own fixed seed. Synthetic."""
    time = np.arange(0.0, stop, step)
    rng = np.random.default_rng(seed)
    values = np.sin(time) + rng.normal(0.0, noise, time.shape)
    return Series(
        name="sine",
        frame=pd.DataFrame({"sine": values}, index=pd.Index(time, name="t")),
        targets=("sine",),
        units=("amplitude",),
        season_length=round(2 * np.pi / step),
        synthetic=True,
        notes=(f"synthetic: sin(t) + N(0, {noise}) noise, {len(time)} steps of {step}",),
    )


def co2() -> Series:
    """Weekly atmospheric CO2 at Mauna Loa (ppm), March 1958 to December 2001, from statsmodels."""
    from statsmodels.datasets import co2 as dataset

    frame = dataset.load_pandas().data[["co2"]]
    return _clean(frame, ("co2",), name="co2", units=("ppm",), season_length=52, gap_word="weeks")


def sunspots() -> Series:
    """Yearly mean sunspot activity, 1700 to 2008, from statsmodels; its cycle is about 11 years."""
    from statsmodels.datasets import sunspots as dataset

    raw = dataset.load_pandas().data
    frame = pd.DataFrame(
        {"sunspots": raw["SUNACTIVITY"].to_numpy(dtype=float)}, index=pd.Index(raw["YEAR"].astype(int), name="year")
    )
    return _clean(frame, ("sunspots",), name="sunspots", units=("sunspot number",), season_length=11, gap_word="years")


def macro(column: str | None = None, *, features: str | None = None) -> Series:
    """Quarterly US macroeconomic series, 1959Q1 to 2009Q3 (203 quarters, 12 columns), from statsmodels.

    Real GDP, consumption, investment, government spending, disposable income (billions of 2005
    dollars), CPI, M1, the T-bill rate, unemployment, population, inflation and the real interest
    rate. The date is spread over `year` and `quarter`. Without `column`, real GDP is the target.
    """
    from statsmodels.datasets import macrodata

    frame = macrodata.load_pandas().data
    return from_frame(
        frame, name="macro", column=column or "realgdp", features=features, date_column="year,quarter", gap_word="quarters"
    )


def from_csv(
    path: str | Path,
    column: str | None = None,
    *,
    features: str | None = None,
    date_column: str | None = None,
    sep: str | None = None,
) -> Series:
    """The columns of a delimited text file with a header row (see the module docstring).

    `sep` is the separator; by default it is `\\t` for a `.tsv` file and otherwise read off the
    file's first lines (comma, semicolon, tab or bar). `column` may be left out when the file has
    exactly one numeric column.
    """
    frame = read_table(path, sep=sep)
    return from_frame(
        frame, name=Path(path).name, column=column, features=features, date_column=date_column, source=str(path)
    )


def read_table(path: str | Path, *, sep: str | None = None) -> pd.DataFrame:
    """A delimited file as a DataFrame of strings and numbers; a malformed line is an error naming it."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"CSV file not found: {path}")
    separator = separator_of(path, sep)
    try:
        frame = pd.read_csv(path, sep=separator, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path} as a table (separator {separator!r}): {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise DataError(f"{path} has no data rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def from_frame(
    frame: pd.DataFrame,
    *,
    name: str,
    column: str | None = None,
    features: str | None = None,
    date_column: str | None = None,
    gap_word: str = "rows",
    source: str | None = None,
) -> Series:
    """Pick targets and features out of a table, put it in time order and fill its gaps.

    `name` labels the series in output; `source` (default: `name`) names it in errors, e.g. a file's path.
    """
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    source = source or name
    notes: list[str] = []
    frame, date_columns = index_by_time(frame, date_column, source, notes)
    targets = _targets(frame, column, source)
    inputs = _features(frame, features, targets, source, notes)
    numeric = {
        c: numeric_column(frame[c], c, source, notes) for c in [*targets, *inputs] if c in targets or _is_numeric(frame[c])
    }
    table = pd.DataFrame(numeric, index=frame.index)
    for c in inputs:
        if c not in numeric:
            table[c] = _categories(frame[c], c, source, notes)
    table = table[[*targets, *inputs]]
    label = f"{name}:{','.join(targets)}" if len(targets) <= 3 else f"{name}:{len(targets)} columns"
    series = _clean(table, targets, name=label, units=targets, season_length=None, gap_word=gap_word, prefix=name)
    frequency = frequency_of(series.frame.index)
    return dataclasses.replace(
        series,
        notes=(*notes, *series.notes),
        frequency=frequency,
        season_length=season_of(frequency),
        date_columns=date_columns,
    )


def split_names(text: str | Sequence[str]) -> list[str]:
    """`"a, b,c"` -> `["a", "b", "c"]` (a list passes through)."""
    names = [n.strip() for n in text.split(",")] if isinstance(text, str) else [str(n) for n in text]
    return [n for n in names if n]


def season_of(frequency: str | None) -> int | None:
    """The usual season of a sampling frequency: a day of hours, a week of days, a year of months."""
    if frequency is None:
        return None
    offset = pd.tseries.frequencies.to_offset(frequency)
    base = offset.rule_code.split("-")[0].rstrip("SE")  # "W-SUN" -> "W", "QS-OCT" -> "Q", "ME" -> "M"
    return SEASON_OF_STEP.get(base) if offset.n == 1 else None


# --- dates -----------------------------------------------------------------------------------------
def index_by_time(
    frame: pd.DataFrame, date_column: str | None, source: str, notes: list[str], *, guess: bool = True
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """`frame` indexed by its dates (sorted, checked, regular) or, without dates, by row number.

    `date_column` is one column or several from the year down; left out (and with `guess`), a
    column called date, time, ... whose every cell is a date is used. Returns the frame and the
    date columns read; what was done is appended to `notes`.
    """
    if not date_column and isinstance(frame.index, pd.DatetimeIndex):  # a DataFrame that carries its dates
        frame, date_column = frame.rename_axis("date").reset_index(), "date"
    parts = split_names(date_column) if date_column else (_guess_date_column(frame, notes) if guess else [])
    if parts:
        return _dated(frame, parts, source, notes), tuple(parts)
    frame = frame.copy()
    frame.index = pd.RangeIndex(len(frame), name="row")
    return frame, ()


def _guess_date_column(frame: pd.DataFrame, notes: list[str]) -> list[str]:
    """A column called date/time/... whose every cell is a date becomes the time axis (with a note)."""
    for column in frame.columns:
        if column.lower() in DATE_NAMES and not _is_numeric(frame[column]):
            if read_dates(frame[column]).notna().all():
                notes.append(f"using column {column!r} as the dates (set date_column to choose another)")
                return [column]
    return []


def parse_dates(frame: pd.DataFrame, parts: Sequence[str], source: str) -> pd.DatetimeIndex:
    """The dates in one column, or assembled from several (year first); an error names a bad row."""
    missing = [p for p in parts if p not in frame.columns]
    if missing:
        raise DataError(f"{source} has no date column {missing[0]!r}; columns: {', '.join(map(str, frame.columns))}")
    if len(parts) == 1 or not any(_is_numeric(frame[p]) for p in parts):
        # One column, or a date and a time in two columns of text ("10/03/2004", "18:00:00").
        cells = frame[list(parts)].astype(str).agg(" ".join, axis=1) if len(parts) > 1 else frame[parts[0]]
        if _is_numeric(cells):
            raise DataError(f"date column {parts[0]!r} of {source} holds numbers, not dates: {cells.iloc[0]!r}")
        dates = read_dates(cells)
        where = ("column " + repr(parts[0])) if len(parts) == 1 else "columns " + ",".join(parts)
    else:
        if len(parts) > len(DATE_PARTS):
            raise DataError(f"a date spread over columns has at most {len(DATE_PARTS)} parts (year to second)")
        pieces = {}
        for unit, part in zip(DATE_PARTS, parts, strict=False):
            numbers = pd.to_numeric(frame[part], errors="coerce")
            pieces[unit] = (numbers - 1) * 3 + 1 if part.lower() == "quarter" else numbers
        pieces.setdefault("month", 1)
        pieces.setdefault("day", 1)
        dates = pd.to_datetime(pd.DataFrame(pieces, index=frame.index), errors="coerce")
        cells = frame[list(parts)].astype(str).agg("/".join, axis=1)
        where = "columns " + ",".join(parts)
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise DataError(
            f"date {where} of {source} is not a date on row {bad[0] + 2}: {str(cells.iloc[bad[0]])!r}"
        )
    return pd.DatetimeIndex(dates, name="date")


def read_dates(cells: pd.Series) -> pd.Series:
    """Cells as dates, read with one format for the whole column (01.02.2009 means the same in every
    row), else cell by cell; NaT where nothing fits.

    When both month-first and day-first readings fit (10/03/2004 could be either), the one whose
    steps are the more regular wins: hourly rows read the wrong way round jump a month at midnight.
    """
    import warnings

    readings = []
    for how in ({}, {"dayfirst": True}):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas warns when it falls back to guessing per cell
                readings.append(pd.to_datetime(cells, errors="raise", **how))
        except (ValueError, TypeError, OverflowError):
            continue
    if not readings:
        return pd.to_datetime(cells, errors="coerce", format="mixed")
    if len(readings) == 2 and not readings[0].equals(readings[1]):
        steps = [pd.Series(np.sort(reading.to_numpy())).diff().nunique() for reading in readings]
        return readings[int(np.argmin(steps))]
    return readings[0]


def _dated(frame: pd.DataFrame, parts: list[str], source: str, notes: list[str]) -> pd.DataFrame:
    """`frame` indexed by its dates, sorted, duplicates refused, missing steps of a regular series inserted."""
    dates = parse_dates(frame, parts, source)
    frame = frame.drop(columns=parts)
    frame.index = dates
    twice = dates[dates.duplicated()]
    if len(twice):
        raise DataError(f"{source} has two rows for {twice[0]}; each timestamp must appear once")
    label = Path(source).name  # notes name the file; errors give its whole path
    if not dates.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        notes.append(f"sorted the rows of {label} by date")
    if len(frame) < 3:
        return frame
    steps = np.diff(frame.index.as_unit("ns").asi8)
    step = int(pd.Series(steps).mode().iloc[0])
    if step > 0 and (steps % step == 0).all() and (steps > step).any():
        full = pd.date_range(frame.index[0], frame.index[-1], freq=pd.Timedelta(step, unit="ns"), name="date")
        inserted = len(full) - len(frame)
        frame = frame.reindex(full)
        notes.append(f"inserted {inserted} missing timestamps of {label} as gaps")
    return frame


def frequency_of(index: pd.Index) -> str | None:
    """pandas' frequency alias for evenly spaced dates ("h", "W-SUN", "QS-OCT"), else None."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    try:
        return pd.DatetimeIndex(index.to_numpy(), freq="infer").freqstr  # inferred afresh, not the index's own
    except ValueError:
        return None


# --- columns -----------------------------------------------------------------------------------------
def _is_numeric(cells: pd.Series) -> bool:
    """Every non-empty cell reads as a number (decimal commas included); dates are not numbers."""
    if pd.api.types.is_datetime64_any_dtype(cells):
        return False
    if pd.api.types.is_numeric_dtype(cells):
        return True
    numbers, _ = _read_numbers(cells)
    return bool(numbers.notna().any() and (numbers.notna() | _blank(cells)).all())


def _blank(cells: pd.Series) -> pd.Series:
    return cells.isna() | (cells.astype(str).str.strip() == "")


def _read_numbers(cells: pd.Series) -> tuple[pd.Series, bool]:
    """The cells as floats (NaN where a cell is not a number), and whether they were written with
    decimal commas (2,6 for 2.6, as semicolon-separated European files do)."""
    numbers = pd.to_numeric(cells, errors="coerce")
    if pd.api.types.is_numeric_dtype(cells) or (numbers.notna() | _blank(cells)).all():
        return numbers.astype(float), False
    text = cells.astype(str).str.strip()
    if text.str.contains(".", regex=False).any():
        return numbers.astype(float), False
    swapped = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    if (swapped.notna() | _blank(cells)).all():
        return swapped.astype(float), True
    return numbers.astype(float), False


def _counts_rows(cells: pd.Series) -> bool:
    """A column that only numbers the rows (1, 2, 3, ..., perhaps with rows missing): it says nothing
    about the series."""
    numbers = pd.to_numeric(cells, errors="coerce").dropna().to_numpy()
    if len(numbers) < 3 or not np.all(numbers == np.round(numbers)):
        return False
    steps = np.diff(numbers)
    return bool((steps > 0).all() and np.median(steps) == 1)


def _targets(frame: pd.DataFrame, column: str | None, source: str) -> tuple[str, ...]:
    numeric = [c for c in frame.columns if _is_numeric(frame[c]) and not _counts_rows(frame[c]) and not _empty(frame[c])]
    if column is None:
        if len(frame.columns) == 1:
            return (frame.columns[0],)
        if len(numeric) == 1:
            return (numeric[0],)
        raise DataError(
            f"{source}: say which column to forecast with column=NAME, a comma list, or all "
            f"(numeric columns: {', '.join(numeric) or 'none'})"
        )
    if column.strip().lower() == ALL:
        if not numeric:
            raise DataError(f"{source} has no numeric column to forecast")
        return tuple(numeric)
    names = split_names(column)
    _check_columns(frame, names, source)
    return tuple(dict.fromkeys(names))


def _features(
    frame: pd.DataFrame, features: str | None, targets: tuple[str, ...], source: str, notes: list[str]
) -> list[str]:
    if features is None or features.strip() == "":
        return []
    if features.strip().lower() == ALL:
        chosen = [c for c in frame.columns if c not in targets]
        counters = [c for c in chosen if _counts_rows(frame[c])]
        if counters:
            notes.append(f"left out {', '.join(map(repr, counters))}: it only numbers the rows")
        empty = [c for c in chosen if _empty(frame[c])]
        if empty:
            notes.append(f"left out {', '.join(map(repr, empty))}: no cell holds a value")
        return [c for c in chosen if c not in counters and c not in empty]
    names = split_names(features)
    _check_columns(frame, names, source)
    return [c for c in dict.fromkeys(names) if c not in targets]


def _empty(cells: pd.Series) -> bool:
    return bool(_blank(cells).all())


def _check_columns(frame: pd.DataFrame, names: list[str], source: str) -> None:
    for name in names:
        if name not in frame.columns:
            raise DataError(f"{source} has no column {name!r}; columns: {', '.join(map(str, frame.columns))}")


def numeric_column(cells: pd.Series, column: str, source: str, notes: list[str]) -> pd.Series:
    """A column as floats; empty cells become NaN (gaps), any other word is an error naming its row."""
    numbers, decimal_comma = _read_numbers(cells)
    bad = numbers.isna() & ~_blank(cells)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        label = cells.index[position]
        row = f"row {label + 2}" if isinstance(cells.index, pd.RangeIndex) else f"the row for {label}"  # + header, from 1
        raise DataError(f"column {column!r} of {source} is not numeric: {row} holds {str(cells.iloc[position])!r}")
    if decimal_comma:
        notes.append(f"read column {column!r} with decimal commas (2,5 = 2.5)")
    return numbers


def _categories(cells: pd.Series, column: str, source: str, notes: list[str]) -> pd.Series:
    """A column of words as strings, gaps carried forward from the last word seen."""
    words = cells.astype("string").str.strip().replace("", pd.NA)
    distinct = words.dropna().nunique()
    if distinct > MAX_CATEGORIES:
        raise DataError(
            f"column {column!r} of {source} has {distinct} different words: too many for categories; "
            "leave it out of features"
        )
    missing = int(words.isna().sum())
    if missing:
        words = words.ffill().bfill()
        notes.append(f"filled {missing} missing cells of category column {column!r} with the last value seen")
    return words.astype(object)


# --- gaps ----------------------------------------------------------------------------------------------
def _clean(
    frame: pd.DataFrame,
    targets: tuple[str, ...],
    *,
    name: str,
    units: tuple[str, ...],
    season_length: int | None,
    gap_word: str,
    prefix: str | None = None,
) -> Series:
    """Check each numeric column, fill its gaps and drop the rows before the first / after the last value."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    values = frame[numeric].to_numpy(dtype=float)
    for position, column in enumerate(numeric):
        column_name = name if len(targets) == 1 and column == targets[0] else f"{prefix or name}:{column}"
        if np.isnan(values[:, position]).all():
            raise DataError(f"series {column_name!r} has no numeric values (empty or all NaN)")
        if np.isinf(values[:, position]).any():
            where = int(np.argmax(np.isinf(values[:, position])))
            raise DataError(f"series {column_name!r} holds infinite values at position {where}")
    notes: list[str] = []
    method = "time" if isinstance(frame.index, pd.DatetimeIndex) else "linear"
    filled = frame.copy()
    filled[numeric] = frame[numeric].interpolate(method=method, limit_area="inside")
    edge = filled[numeric].isna().any(axis=1).to_numpy()
    inner = ~edge
    if edge.any():
        first, last = np.flatnonzero(inner)[[0, -1]] if inner.any() else (0, -1)
        keep = np.zeros(len(filled), dtype=bool)
        keep[first : last + 1] = True
        filled = filled[keep]
        notes.append(f"dropped {int((~keep).sum())} {gap_word} at the ends of {name} where a column has no value yet")
    for column in numeric:
        gaps = int(frame.loc[filled.index, column].isna().sum())
        if not gaps:
            continue
        column_name = name if len(targets) == 1 and column == targets[0] else f"{prefix or name}:{column}"
        if column in targets and gaps > len(filled) / 2:
            raise DataError(
                f"{gaps} of the {len(filled)} values of {column_name!r} are missing: more than half would be "
                "made up by interpolation; choose another column or a stretch where it was measured"
            )
        how = "time interpolation" if method == "time" else "linear interpolation"
        notes.append(f"filled {gaps} missing {gap_word} of {column_name} by {how}")
    if len(filled) == 0:
        raise DataError(f"series {name!r} has no row where every column has a value")
    for column in targets:
        column_values = filled[column].to_numpy(dtype=float)
        if np.ptp(column_values) == 0:
            column_name = name if len(targets) == 1 else f"{prefix or name}:{column}"
            raise DataError(f"series {column_name!r} is constant ({column_values[0]:g}); there is nothing to forecast")
    return Series(
        name=name,
        frame=filled,
        targets=targets,
        units=units,
        season_length=season_length,
        notes=tuple(notes),
    )
