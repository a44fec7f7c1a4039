"""Plots every recipe draws: loss curves and confusion matrices, on a figure made the same way.

Figures are built with matplotlib's object API on an Agg canvas, never through `pyplot`, so they
render the same in a script, a test or a headless server, and no global figure state piles up.
A notebook displays a returned `Figure` inline; a run folder saves it as PNG. Each task folder
draws its own plots (forecasts, attention maps, misclassified images) with `new_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn import metrics


def new_figure(width: float = 8.0, height: float = 4.5, rows: int = 1) -> tuple[Figure, list]:
    """A figure on an Agg canvas with `rows` stacked axes sharing the x axis."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return figure, list(axes)


def loss_curves(history: Mapping[str, Sequence[float]], title: str = "Training and validation loss") -> Figure:
    """The ithome-rnn tutorial's figure: loss per epoch for training and validation (and the learning rate if it changed)."""
    figure, (axis,) = new_figure(7.0, 4.0)
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    axis.plot(epochs, history["loss"], "o-", label="training loss")
    if "val_loss" in history:
        axis.plot(epochs, history["val_loss"], "s-", label="validation loss")
        best = int(np.argmin(history["val_loss"]))
        axis.axvline(epochs[best], color="grey", linestyle=":", label=f"best epoch ({epochs[best]})")
    axis.set(title=title, xlabel="epoch", ylabel="loss")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5 on short runs
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


CONFUSION_TEXT_CLASSES = 12  # up to this many classes each cell shows its count and share; more, only the shading


def confusion_matrix(labels: Sequence[int], predictions: Sequence[int], class_names: Sequence[str], *, title: str) -> Figure:
    """Counts of true class (rows) against predicted class (columns), shaded by share of the row.

    Readable at any number of classes: the figure grows with the classes up to a page; past
    `CONFUSION_TEXT_CLASSES` the cells keep their shading without numbers, the class names get
    smaller and the column names turn upright, and each row's recall stands beside it.
    """
    labels = np.asarray(labels).ravel()
    predictions = np.asarray(predictions).ravel()
    size = len(class_names)
    counts = metrics.confusion_matrix(labels, predictions, labels=np.arange(size))  # a row for every class, even unseen
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    many = size > CONFUSION_TEXT_CLASSES
    side = min(1.2 + (0.35 if many else 1.0) * size, 16.0)
    figure, (axis,) = new_figure(side + 1.6, side)
    image = axis.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    if not many:
        for row in range(size):
            for column in range(size):
                colour = "white" if shares[row, column] > 0.6 else "black"
                axis.text(column, row, f"{counts[row, column]}\n{shares[row, column]:.0%}", ha="center", va="center", color=colour)
    font = 10 if not many else max(5, 10 - size // 10)
    axis.set_xticks(range(size), labels=class_names, fontsize=font, rotation=90 if many else 0)
    names = [f"{name} ({shares[i, i]:.0%})" for i, name in enumerate(class_names)] if many else list(class_names)
    axis.set_yticks(range(size), labels=names, fontsize=font)
    accuracy = metrics.accuracy_score(labels, predictions)
    axis.set(title=f"{title}\naccuracy {accuracy:.3f}", xlabel="predicted class", ylabel="true class" + (" (its recall)" if many else ""))
    figure.colorbar(image, ax=axis, label="share of the true class")
    return figure
