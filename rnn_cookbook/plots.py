"""Plots a person would rather look at than read: loss curves, forecasts against the truth, confusion matrices.

Figures are built with matplotlib's object API on an Agg canvas, never through `pyplot`, so they
render the same in a script, a test or a headless server, and no global figure state piles up.
A notebook displays a returned `Figure` inline; a run folder saves it as PNG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(width: float = 8.0, height: float = 4.5, rows: int = 1) -> tuple[Figure, list]:
    """A figure on an Agg canvas with `rows` stacked axes sharing the x axis."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return figure, list(axes)


def loss_curves(history: Mapping[str, Sequence[float]], title: str = "Training and validation loss") -> Figure:
    """Seed 003's figure: loss per epoch for training and validation (and the learning rate if it changed)."""
    figure, (axis,) = new_figure(7.0, 4.0)
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    axis.plot(epochs, history["loss"], "o-", label="training loss")
    if "val_loss" in history:
        axis.plot(epochs, history["val_loss"], "s-", label="validation loss")
        best = int(np.argmin(history["val_loss"]))
        axis.axvline(epochs[best], color="grey", linestyle=":", label=f"best epoch ({epochs[best]})")
    axis.set(title=title, xlabel="epoch", ylabel="loss")
    if len(history.get("loss", [])) and min(history["loss"]) > 0 and max(history["loss"]) / min(history["loss"]) > 30:
        axis.set_yscale("log")
    rates = history.get("learning_rate")
    if rates is not None and len(set(np.round(rates, 12))) > 1:
        twin = axis.twinx()
        twin.step(epochs, rates, where="post", color="tab:green", alpha=0.6, label="learning rate")
        twin.set_ylabel("learning rate")
        twin.set_yscale("log")
        lines = axis.get_legend_handles_labels()
        extra = twin.get_legend_handles_labels()
        axis.legend(lines[0] + extra[0], lines[1] + extra[1])
    else:
        axis.legend()
    axis.grid(alpha=0.3)
    return figure


def forecast_vs_actual(
    time: Sequence,
    actual: np.ndarray,
    forecasts: Mapping[str, np.ndarray],
    *,
    title: str,
    unit: str,
    highlight: str = "model",
    context_time: Sequence | None = None,
    context: np.ndarray | None = None,
) -> Figure:
    """Seed 000's figure, made honest: the actual series against each forecast on the same steps.

    The top panel shows the values (with a stretch of earlier history as context); the bottom one
    shows each forecast's absolute error, smoothed by a moving average, with its mean in the legend.
    The `highlight` forecast is drawn last and thickest.
    """
    figure, (values_axis, error_axis) = new_figure(10.0, 6.5, rows=2)
    actual = np.asarray(actual, dtype=float)
    if context is not None and context_time is not None:
        values_axis.plot(context_time, context, color="0.6", linewidth=1, label="history")
    values_axis.plot(time, actual, color="black", linewidth=1.6, label="actual")
    smooth = max(1, len(actual) // 40)
    kernel = np.ones(smooth) / smooth
    order = sorted(forecasts, key=lambda name: name == highlight)
    for name in order:
        forecast = np.asarray(forecasts[name], dtype=float)
        width, layer = (2.0, 3) if name == highlight else (1.0, 2)
        line = values_axis.plot(time, forecast, linewidth=width, zorder=layer, label=name)[0]
        error = np.abs(forecast - actual)
        error_axis.plot(
            time[smooth - 1 :],
            np.convolve(error, kernel, mode="valid"),  # trailing average: no zero padding at the ends
            color=line.get_color(),
            linewidth=width,
            zorder=layer,
            label=f"{name} (mean {error.mean():.3g})",
        )
    values_axis.set(title=title, ylabel=unit)
    values_axis.legend(loc="best", fontsize="small")
    values_axis.grid(alpha=0.3)
    suffix = f", trailing mean of {smooth} steps" if smooth > 1 else ""
    error_axis.set(title=f"Absolute error{suffix}", ylabel=f"|error| ({unit})", xlabel="time")
    error_axis.legend(loc="best", fontsize="small")
    error_axis.grid(alpha=0.3)
    return figure


def confusion_matrix(labels: Sequence[int], predictions: Sequence[int], class_names: Sequence[str], *, title: str) -> Figure:
    """Counts of true class (rows) against predicted class (columns), shaded by share of the row."""
    labels = np.asarray(labels).ravel()
    predictions = np.asarray(predictions).ravel()
    size = len(class_names)
    counts = np.zeros((size, size), dtype=int)
    np.add.at(counts, (labels, predictions), 1)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    figure, (axis,) = new_figure(1.6 + 1.1 * size, 1.2 + 1.0 * size)
    image = axis.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    for row in range(size):
        for column in range(size):
            colour = "white" if shares[row, column] > 0.6 else "black"
            text = f"{counts[row, column]}\n{shares[row, column]:.0%}"
            axis.text(column, row, text, ha="center", va="center", color=colour)
    axis.set_xticks(range(size), labels=class_names)
    axis.set_yticks(range(size), labels=class_names)
    accuracy = float(np.trace(counts)) / max(counts.sum(), 1)
    axis.set(title=f"{title}\naccuracy {accuracy:.3f}", xlabel="predicted class", ylabel="true class")
    figure.colorbar(image, ax=axis, label="share of the true class")
    return figure
