"""The ranked table a search returns: one row per candidate, best first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnn_cookbook.search.data import NEG_LOSS, SearchData


def plain(value: Any) -> Any:
    """NumPy scalars as Python values, so configs and JSON hold ints and floats."""
    return value.item() if isinstance(value, np.generic) else value


def rank_scores(mean_scores: Sequence[float]) -> np.ndarray:
    """Ranks as scikit-learn's searches give them: 1 for the highest mean score, ties share the
    better rank, and a NaN score (a failed fit) ranks after every number."""
    ranks = pd.Series(mean_scores, dtype=float).rank(method="min", ascending=False, na_option="bottom")
    return ranks.to_numpy(dtype=int)


def results_table(
    params: Sequence[Mapping[str, Any]],
    fold_scores: np.ndarray,
    fit_times: np.ndarray,
    scoring: str,
    data: SearchData,
) -> pd.DataFrame:
    """One row per candidate, best first: its parameters, CV score (mean, std), per-fold scores, fit time.

    `fold_scores` and `fit_times` hold one row per candidate and one column per fold. The std is
    over folds (ddof=0, as scikit-learn's `std_test_score`). For `neg_mean_absolute_error` the
    table also has `mae` (positive), in the data's own unit when the recipe gives a scale (e.g. ppm
    for CO2 rather than standardised units); for `neg_loss`, `loss` (positive).
    """
    fold_scores = np.asarray(fold_scores, dtype=float)
    table = pd.DataFrame([{k: plain(v) for k, v in p.items()} for p in params])
    mean = fold_scores.mean(axis=1)
    table.insert(0, "rank", rank_scores(mean))
    table["mean_score"] = mean
    table["std_score"] = fold_scores.std(axis=1)
    if scoring == "neg_mean_absolute_error":
        unit = f"_{data.unit}" if data.unit and data.target_scale != 1.0 else ""
        table[f"mae{unit}"] = -table["mean_score"] * data.target_scale
        table[f"mae_std{unit}"] = table["std_score"] * data.target_scale
    elif scoring == NEG_LOSS:
        table["loss"] = -table["mean_score"]
        table["loss_std"] = table["std_score"]
    for fold in range(fold_scores.shape[1]):
        table[f"split{fold}"] = fold_scores[:, fold]
    table["fit_time_s"] = np.asarray(fit_times, dtype=float).mean(axis=1)
    return table.sort_values(["rank", *params[0].keys()]).reset_index(drop=True)
