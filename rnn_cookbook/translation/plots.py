"""Translation plots: BLEU by sentence length, and where the decoder attended for a few sentences.

Attention heat maps draw the source characters when a CJK font (such as `fonts-noto-cjk`) is
installed, and number them otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnn_cookbook.core.plots import new_figure


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
