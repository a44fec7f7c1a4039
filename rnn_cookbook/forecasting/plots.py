"""Forecast plots a person can read: a stretch of the test period with dates, and error by lead time.

`forecast_vs_actual` shows the last stretch of the test period one can take in at a glance (two
weeks of hourly data, four seasons otherwise), dates on the axis, and below it every forecast's
error over the whole test period; `error_by_lead_time` shows how the error grows with the step ahead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rnn_cookbook.core.plots import new_figure


#: Steps drawn of hourly (or finer) data: two weeks, which a person can read hour by hour.
HOURLY_STRETCH = 14 * 24


#: Otherwise: this many seasons, or this many steps of a series with no known season.
STRETCH_SEASONS, STRETCH_STEPS = 4, 200
#: At most this many target columns get a panel of their own.
MAX_TARGET_PANELS = 3


def readable_stretch(length: int, season: int | None, frequency: str | None) -> int:
    """How many of the last test steps to draw: two weeks of hourly data, a few seasons, or 200 steps."""
    import pandas as pd

    try:
        hourly = frequency is not None and pd.tseries.frequencies.to_offset(frequency).nanos <= 3_600 * 10**9
    except ValueError:  # months, quarters, years: no fixed length, and longer than an hour
        hourly = False
    if hourly:
        steps = HOURLY_STRETCH
    elif season:
        steps = STRETCH_SEASONS * season
    else:
        steps = STRETCH_STEPS
    return int(min(length, max(steps, 24)))


def forecast_vs_actual(
    time: Sequence,
    actual: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    *,
    names: Sequence[str],
    units: Sequence[str],
    scale: np.ndarray,
    title: str,
    stretch: int,
    highlight: str = "model",
    whole: np.ndarray | None = None,
) -> Figure:
    """The rnn-practice tutorial's figure, made honest and readable: actual against each forecast on the same steps.

    `actual` and each forecast are (steps, targets). One panel per target (the first three)
    draws the last `stretch` steps, few enough to see each forecast follow the series; the bottom
    panel keeps the whole test period: each forecast's absolute error (for several targets, in
    standard deviations of each, averaged), smoothed by a trailing mean, its mean in the legend.
    The `highlight` forecast is drawn last and thickest. Dated series get dates on the time axis.
    `whole` (horizon, targets), for multi-step forecasts, is the highlighted forecaster's whole
    forecast made at the start of the last `horizon` steps, drawn dashed over them.
    """
    actual = np.asarray(actual, dtype=float).reshape(len(time), -1)
    shown = min(actual.shape[1], MAX_TARGET_PANELS)
    figure = Figure(figsize=(10.0, 2.6 * shown + 3.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(shown + 1, 1, squeeze=False)[:, 0]
    time = np.asarray(time)
    recent = slice(len(time) - stretch, None)
    order = sorted(forecasts, key=lambda name: name == highlight)
    colours = {name: f"C{i}" for i, name in enumerate(forecasts)}
    for j, axis in enumerate(axes[:shown]):
        axis.plot(time[recent], actual[recent, j], color="black", linewidth=1.6, label="actual")
        for name in order:
            width, layer = (2.0, 3) if name == highlight else (1.0, 2)
            forecast = np.asarray(forecasts[name], dtype=float).reshape(len(time), -1)[:, j]
            axis.plot(time[recent], forecast[recent], color=colours[name], linewidth=width, zorder=layer, label=name)
        if whole is not None:
            steps = len(whole)
            axis.plot(
                time[-steps:], np.asarray(whole)[:, j], color=colours.get(highlight, "C0"), linestyle="--",
                linewidth=1.6, zorder=4, label=f"{highlight}: one whole {steps}-step forecast",
            )
        unit = units[j] if units[j] != names[j] else ""
        axis.set(ylabel=f"{names[j]} ({unit})" if unit else names[j])
        axis.grid(alpha=0.3)
        _time_axis(axis, time)
    axes[0].set_title(f"{title}\nlast {stretch} of {len(time)} test steps" if stretch < len(time) else title)
    axes[0].legend(loc="best", fontsize="small", ncols=2)
    if actual.shape[1] > shown:
        axes[shown - 1].set_xlabel(f"(first {shown} of {actual.shape[1]} targets drawn)")

    error_axis = axes[-1]
    smooth = max(1, len(actual) // 40)
    kernel = np.ones(smooth) / smooth
    several = actual.shape[1] > 1
    for name in order:
        width, layer = (2.0, 3) if name == highlight else (1.0, 2)
        forecast = np.asarray(forecasts[name], dtype=float).reshape(actual.shape)
        error = np.abs(forecast - actual)
        error = np.mean(error / np.asarray(scale), axis=1) if several else error[:, 0]
        error_axis.plot(
            time[smooth - 1 :],
            np.convolve(error, kernel, mode="valid"),  # trailing average: no zero padding at the ends
            color=colours[name],
            linewidth=width,
            zorder=layer,
            label=f"{name} (mean {error.mean():.3g})",
        )
    suffix = f", trailing mean of {smooth} steps" if smooth > 1 else ""
    unit = "std. deviations, mean of targets" if several else (units[0] or names[0])
    error_axis.set(title=f"Absolute error over the whole test period{suffix}", ylabel=f"|error| ({unit})", xlabel="time")
    error_axis.legend(loc="best", fontsize="small")
    error_axis.grid(alpha=0.3)
    _time_axis(error_axis, time)
    return figure


def error_by_lead_time(errors: Mapping[str, np.ndarray], *, title: str, highlight: str = "model") -> Figure:
    """How error grows with the step ahead: each forecaster's MAE (standardised) at lead 1..horizon."""
    figure, (axis,) = new_figure(7.5, 4.0)
    colours = {name: f"C{i}" for i, name in enumerate(errors)}  # as in forecast_vs_actual
    for name in sorted(errors, key=lambda n: n == highlight):
        values = np.asarray(errors[name], dtype=float)
        width = 2.2 if name == highlight else 1.2
        axis.plot(
            np.arange(1, len(values) + 1), values, color=colours[name], linewidth=width,
            label=f"{name} (mean {values.mean():.3g})",
        )
    axis.set(title=title, xlabel="steps ahead", ylabel="MAE (standard deviations)")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.legend(fontsize="small")
    axis.grid(alpha=0.3)
    return figure


def _time_axis(axis, time: np.ndarray) -> None:
    """Concise dates on a dated axis (years, then months, days, hours as they fit)."""
    if np.issubdtype(np.asarray(time).dtype, np.datetime64):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator()
        axis.xaxis.set_major_locator(locator)
        axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
