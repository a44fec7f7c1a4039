"""Plots a person would rather look at than read: loss curves, forecasts against the truth, confusion matrices.

Figures are built with matplotlib's object API on an Agg canvas, never through `pyplot`, so they
render the same in a script, a test or a headless server, and no global figure state piles up.
A notebook displays a returned `Figure` inline; a run folder saves it as PNG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
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
    """Seed 003's figure: loss per epoch for training and validation (and the learning rate if it changed)."""
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
    """Seed 000's figure, made honest and readable: actual against each forecast on the same steps.

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


def tagged_sequence(
    observations: np.ndarray,
    truth: np.ndarray,
    taggers: Mapping[str, np.ndarray],
    *,
    class_names: Sequence[str],
    title: str,
    levels: Sequence[float] | None = None,
) -> Figure:
    """One sequence and its tags: the observations on top, a colour strip per tagger below.

    The top panel draws the observations over the true classes (background colour) and, if given,
    each class's `levels` (here, the regime means). The bottom panel has one strip for the truth
    and one for each tagger, coloured by class, its accuracy on this sequence in the row name:
    mistakes show as colour that differs from the truth strip above it.
    """
    truth = np.asarray(truth)
    steps = np.arange(len(truth))
    colours = [_class_colour(k) for k in range(len(class_names))]
    cmap = ListedColormap(colours)
    figure, (values_axis, tags_axis) = new_figure(10.0, 5.5, rows=2)
    extent = (-0.5, len(truth) - 0.5)
    low, high = float(np.min(observations)), float(np.max(observations))
    values_axis.imshow(
        truth[None, :], aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(class_names) - 0.5, alpha=0.25,
        extent=(*extent, low - 0.5, high + 0.5), interpolation="nearest",
    )
    values_axis.plot(steps, observations, ".-", color="black", linewidth=0.6, markersize=3, label="observation")
    for k, level in enumerate(levels if levels is not None else []):
        values_axis.axhline(level, color=colours[k], linestyle="--", linewidth=1.2, label=f"{class_names[k]}")
    values_axis.set(title=title, ylabel="observation", ylim=(low - 0.5, high + 0.5))
    values_axis.legend(loc="upper right", fontsize="small", ncols=min(4, len(class_names) + 1))

    rows = {"truth": truth, **{name: np.asarray(tags) for name, tags in taggers.items()}}
    names = ["truth"] + [f"{name} ({metrics.accuracy_score(truth, tags):.0%})" for name, tags in taggers.items()]
    tags_axis.imshow(
        np.stack(list(rows.values())), aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(class_names) - 0.5,
        extent=(*extent, len(rows) - 0.5, -0.5), interpolation="nearest",
    )
    tags_axis.set_yticks(range(len(rows)), labels=names)
    tags_axis.set(title="Class at each step (colour as above)", xlabel="step")
    return figure


def _class_colour(index: int) -> str:
    """Matplotlib's default colour cycle, by index."""
    return f"C{index % 10}"


#: Fonts that draw Chinese and Japanese characters, looked for in this order (matplotlib's own have none).
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei", "PingFang SC",
    "Heiti SC", "Hiragino Sans GB", "Arial Unicode MS",
)


def cjk_font() -> str | None:
    """The name of an installed font that draws Chinese characters, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _tick_labels(tokens: Sequence[str], font: str | None) -> tuple[list[str], dict]:
    """Tokens as tick labels; without a CJK font, characters it cannot draw become their positions."""
    drawable = font is not None or all(ord(c) < 0x2E80 for token in tokens for c in token)
    if drawable:
        return list(tokens), ({"fontfamily": [font, "DejaVu Sans"]} if font else {})
    return [str(i + 1) for i in range(len(tokens))], {}


def attention_heatmaps(
    examples: Sequence[tuple[Sequence[str], Sequence[str], np.ndarray]], *, title: str, columns: int = 2
) -> Figure:
    """Where the decoder looked: for each example, output tokens (rows) against source tokens (columns).

    Each example is (source tokens, output tokens, weights of shape (outputs, sources)); every row
    of weights sums to 1 over the source. Matplotlib's own fonts have no Chinese characters: with
    no CJK font installed (`CJK_FONTS`), such tokens are numbered and the sentence is not drawn.
    """
    font = cjk_font()
    rows = -(-len(examples) // columns)
    figure = Figure(figsize=(6.0 * columns, 4.5 * rows), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    missing_font = False
    for axis, (source, output, weights) in zip(axes, examples, strict=False):
        image = axis.imshow(weights[: len(output), : len(source)], cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
        x_labels, x_font = _tick_labels(source, font)
        y_labels, y_font = _tick_labels(output, font)
        missing_font |= x_labels != list(source) or y_labels != list(output)
        axis.set_xticks(range(len(source)), labels=x_labels, rotation=90 if len(source) > 12 else 0, **x_font)
        axis.set_yticks(range(len(output)), labels=y_labels, **y_font)
        axis.set(xlabel="source token", ylabel="output token")
    for axis in axes[len(examples):]:
        axis.set_visible(False)
    figure.colorbar(image, ax=axes.tolist(), label="attention weight", shrink=0.8)
    note = "\n(no font with Chinese characters installed: those tokens are numbered; e.g. apt install fonts-noto-cjk)" if missing_font else ""
    figure.suptitle(title + note)
    return figure


def bleu_by_length(table: Mapping[str, Mapping[str, float]], systems: Sequence[str], *, title: str, xlabel: str) -> Figure:
    """BLEU of each system per source-length bin (`table`: bin -> {"count", system: bleu}), as lines."""
    figure, (axis,) = new_figure(7.5, 4.2)
    bins = list(table)
    for system in systems:
        axis.plot(range(len(bins)), [table[b].get(system, np.nan) for b in bins], "o-", label=system)
    axis.set_xticks(range(len(bins)), labels=[f"{b}\n({int(table[b]['count'])})" for b in bins])
    axis.set(title=title, xlabel=f"{xlabel}; the number of test sentences under each bin", ylabel="BLEU")
    axis.grid(alpha=0.3)
    axis.legend()
    return figure
