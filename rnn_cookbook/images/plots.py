"""The images a row-by-row classifier got wrong, most confident mistakes first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def misclassified_grid(
    images: np.ndarray,
    labels: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    *,
    title: str,
    pixel_max: float = 255.0,
    limit: int = 24,
    columns: int = 8,
) -> Figure:
    """The model's most confident mistakes: each image with its true class and the class predicted.

    Mistakes are ordered by the probability the model gave its wrong answer, highest first: those
    are either the hardest images or mislabelled ones, and a person sees which at a glance.
    """
    labels = np.asarray(labels).ravel()
    predicted = np.asarray(probabilities).argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    wrong = wrong[np.argsort(-probabilities[wrong, predicted[wrong]], kind="stable")][:limit]
    columns = max(1, min(columns, len(wrong)))
    rows = max(1, -(-len(wrong) // columns))
    figure = Figure(figsize=(1.5 * columns + 0.4, 1.75 * rows + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False)
    for axis in axes.ravel():
        axis.set_axis_off()
    for axis, index in zip(axes.ravel(), wrong, strict=False):
        axis.imshow(images[index], cmap="gray_r", vmin=0, vmax=pixel_max, interpolation="nearest")
        axis.set_title(
            f"true {class_names[labels[index]]}\nsaid {class_names[predicted[index]]} "
            f"{probabilities[index, predicted[index]]:.0%}",
            fontsize=8,
        )
    if not len(wrong):
        axes[0, 0].text(0.5, 0.5, "no misclassified images", ha="center", va="center")
    figure.suptitle(f"{title}: {len(np.flatnonzero(predicted != labels))} of {len(labels)} misclassified")
    return figure
