"""The search's picture: score per candidate, as a line, a heatmap or bars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np


if TYPE_CHECKING:
    from rnn_cookbook.search.running import SearchResult


def score_figure(result: SearchResult) -> Any:
    """Score against one parameter (a line per value of a second one), or a heatmap for two parameters.

    Regression plots the MAE (lower is better, in the data's unit when known), loss-scored searches
    the loss, classification the mean CV score. More than two parameters: each candidate as a bar.
    """
    from rnn_cookbook.core import plots

    table = result.table
    params = list(result.best_params)
    value_column, std_column = "mean_score", "std_score"
    label = f"CV {result.scoring}"
    for column in table.columns:
        if column.startswith("mae") and "std" not in column:
            value_column, std_column = column, column.replace("mae", "mae_std")
            label = f"CV MAE ({result.data.unit})" if column.startswith("mae_") else "CV MAE"
        elif column == "loss":
            value_column, std_column, label = "loss", "loss_std", "CV loss"
    lower_is_better = value_column != "mean_score"
    figure, (axis,) = plots.new_figure(7.0, 4.5)
    title = f"{result.recipe}: {label} per candidate ({len(table)} candidates)"
    if len(params) == 2 and len(table) == table[params].drop_duplicates().shape[0]:
        rows, columns = (sorted(table[p].unique(), key=_sort_key) for p in params)
        grid = np.full((len(rows), len(columns)), np.nan)
        for _, row in table.iterrows():
            grid[rows.index(row[params[0]]), columns.index(row[params[1]])] = row[value_column]
        image = axis.imshow(grid, cmap="viridis_r" if lower_is_better else "viridis", aspect="auto")
        for i in range(len(rows)):
            for j in range(len(columns)):
                axis.text(j, i, f"{grid[i, j]:.4g}", ha="center", va="center", fontsize=9,
                          bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0})
        axis.set(xticks=range(len(columns)), xticklabels=[str(c) for c in columns], xlabel=params[1])
        axis.set(yticks=range(len(rows)), yticklabels=[str(r) for r in rows], ylabel=params[0])
        figure.colorbar(image, ax=axis, label=label)
    elif len(params) == 1:
        ordered = table.sort_values(params[0], key=lambda s: s.map(_sort_key))
        positions = range(len(ordered))
        axis.errorbar(positions, ordered[value_column], yerr=ordered[std_column], fmt="o-", capsize=3)
        axis.set(xticks=list(positions), xticklabels=[str(v) for v in ordered[params[0]]], xlabel=params[0], ylabel=label)
    else:
        names = [" ".join(f"{p}={row[p]}" for p in params) for _, row in table.iterrows()]
        axis.barh(range(len(table)), table[value_column])
        axis.set(yticks=range(len(table)), yticklabels=names, xlabel=label)
        axis.invert_yaxis()
    axis.set_title(title)
    return figure


def _sort_key(value: Any) -> Any:
    """Numbers in numeric order (NumPy ones too, as pandas hands them back), then text."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
        return (0, float(value), "")
    return (1, 0.0, str(value))
