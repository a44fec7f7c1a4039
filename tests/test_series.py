"""Series loaders: the shipped real series, the tutorial's sine, CSV columns, and bad series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnn_cookbook.forecasting.series import co2, load_series, noisy_sine, sunspots
from rnn_cookbook.core.errors import DataError


def test_co2_gaps_are_filled_by_time_interpolation_and_reported():
    from statsmodels.datasets import co2 as raw_dataset

    raw = raw_dataset.load_pandas().data["co2"]
    series = co2()
    assert len(series) == len(raw) == 2284
    assert np.isfinite(series.values).all()
    assert series.notes == ("filled 59 missing weeks of co2 by time interpolation",)
    assert series.season_length == 52 and series.unit == "ppm" and not series.synthetic
    # Every filled week lies on the straight line (in time) between its known neighbours.
    known = raw.dropna()
    for position in np.flatnonzero(raw.isna().to_numpy())[:10]:
        date = raw.index[position]
        before, after = known[:date].iloc[-1], known[date:].iloc[0]
        t0, t1 = known[:date].index[-1], known[date:].index[0]
        expected = before + (after - before) * ((date - t0) / (t1 - t0))
        assert series.values[position] == pytest.approx(expected)


def test_sunspots_and_sine():
    spots = sunspots()
    assert len(spots) == 309 and spots.season_length == 11 and spots.notes == ()
    assert spots.index[0] == 1700
    sine = noisy_sine()
    assert len(sine) == 1000 and sine.synthetic
    assert sine.label == "sine (synthetic)"
    assert np.allclose(noisy_sine().values, sine.values)  # its own fixed seed
    residual = sine.values[:, 0] - np.sin(np.asarray(sine.index))
    assert 0.15 < residual.std() < 0.25  # the rnn-practice tutorial's N(0, 0.2) noise


def test_csv_single_numeric_column_is_picked_and_gaps_filled_by_position(tmp_path):
    path = tmp_path / "load.csv"
    path.write_text("label,load\na,10\nb,\nc,14\nd,15\n")
    series = load_series(str(path))
    assert series.name == "load.csv:load" and series.season_length is None
    assert list(series.values[:, 0]) == pytest.approx([10, 12, 14, 15])
    assert series.notes == ("filled 1 missing rows of load.csv:load by linear interpolation",)


def test_csv_named_column_and_date_interpolation(tmp_path):
    path = tmp_path / "load.csv"
    path.write_text("date,load\n2024-01-01,10\n2024-01-02,\n2024-01-05,16\n2024-01-04,14\n")
    series = load_series(str(path), column="load", date_column="date")
    # sorted by date, the missing 3 Jan inserted, then both gaps filled in time between 1 Jan (10) and 4 Jan (14)
    assert list(series.values[:, 0]) == pytest.approx([10, 10 + 4 / 3, 10 + 8 / 3, 14, 16])
    assert series.notes == (
        "sorted the rows of load.csv by date",
        "inserted 1 missing timestamps of load.csv as gaps",
        "filled 2 missing rows of load.csv:load by time interpolation",
    )
    assert isinstance(series.index, pd.DatetimeIndex) and series.frequency == "D" and series.season_length == 7


@pytest.mark.parametrize(
    "text, column, message",
    [
        ("a,b\n1,x\n2,y\n", "b", r"column 'b' of .* is not numeric: row 2 holds 'x'"),
        ("a,b\n1,2\n2,oops\n3,4\n", "b", r"not numeric: row 3 holds 'oops'"),
        ("a\n\n\n", "a", r"no data rows|no numeric values"),
        ("a,b\n1,\n2,\n", "b", "no numeric values"),
        ("a,b\n1,5\n2,5\n3,5\n", "b", "is constant"),
        ("a,b\n1,5\n2,inf\n3,5\n", "b", "infinite values"),
        ("a,b\n1,5\n", "c", "has no column 'c'"),
        ("a,b\n1,5\n", None, r"say which column .*numeric columns: a, b"),
    ],
)
def test_bad_csv_series_are_data_errors(tmp_path, text, column, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        load_series(str(path), column=column)


def test_unknown_series_and_missing_file():
    with pytest.raises(DataError, match="unknown series 'co3'"):
        load_series("co3")
    with pytest.raises(DataError, match="CSV file not found"):
        load_series("nowhere/data.csv")
    with pytest.raises(DataError, match="only apply to files and 'macro'"):
        load_series("co2", column="x")


def test_a_european_file_semicolons_decimal_commas_date_and_time_apart_empty_columns(tmp_path):
    """The shape of UCI's air-quality file: `Date;Time;CO(GT);T;;` with 10/03/2004 day first."""
    path = tmp_path / "AirQuality.csv"
    rows = ["Date;Time;CO(GT);T;;"]
    for hour in range(40):
        day, clock = 10 + hour // 24, hour % 24
        rows.append(f"{day}/03/2004;{clock:02d}:00:00;{2 + hour % 5},{hour % 10};{11 + hour % 7},5;;")
    path.write_text("\n".join(rows) + "\n")
    series = load_series(str(path), column="CO(GT)", features="all", date_column="Date,Time")
    assert series.features == ("T",) and series.frequency == "h"
    assert series.index[0] == pd.Timestamp("2004-03-10 00:00") and series.index[-1] == pd.Timestamp("2004-03-11 15:00")
    assert series.values[:3, 0] == pytest.approx([2.0, 3.1, 4.2])
    assert "read column 'CO(GT)' with decimal commas (2,5 = 2.5)" in series.notes
    assert any(note.startswith("left out 'Unnamed: 4', 'Unnamed: 5': no cell holds a value") for note in series.notes)


def test_day_first_dates_are_read_one_way_for_the_whole_column(tmp_path):
    """Jena climate's `01.01.2009 00:10:00`: 01.02.2009 is the first of February, as 13.01.2009 shows."""
    path = tmp_path / "jena.csv"
    dates = pd.date_range("2009-01-01", periods=60, freq="D")
    path.write_text("Date Time,T (degC)\n" + "".join(f"{d:%d.%m.%Y} 00:00:00,{i % 7}\n" for i, d in enumerate(dates)))
    series = load_series(str(path), date_column="Date Time")
    assert list(series.index) == list(dates) and series.frequency == "D" and series.notes == ()
