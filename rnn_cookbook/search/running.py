"""Running a search: every candidate cross-validated with scikit-learn's `cross_validate`, a line
per candidate as it finishes, then the ranked table and (with `refit`) the best model refitted.

The candidates come from scikit-learn's `ParameterGrid` / `ParameterSampler`, as in `GridSearchCV`
/ `RandomizedSearchCV`; driving them here, in batches, is what lets a search report each candidate
when its folds are done without reaching into those classes' private methods.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.model_selection import BaseCrossValidator, ParameterGrid, ParameterSampler, cross_validate
from sklearn.utils.parallel import Parallel, delayed

from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.search.data import CLASSIFICATION, LOSS, NEG_LOSS, REGRESSION, SearchData, load_search_data, searchable_module
from rnn_cookbook.search.estimators import make_estimator
from rnn_cookbook.search.folds import make_folds
from rnn_cookbook.search.grid import DEFAULT_GRIDS, check_distributions, check_grid
from rnn_cookbook.search.table import plain, rank_scores, results_table

if TYPE_CHECKING:
    import pandas as pd

#: progress(k, n, params, mean score, seconds): called once per candidate when its folds are done.
Progress = Callable[[int, int, dict[str, Any], float, float], None]


@dataclasses.dataclass
class SearchResult:
    """What a search found: the best Config (ready for `train`), a tidy table, and how it was found.

    `folds` is the scikit-learn splitter the candidates were scored on; `best_estimator` is the
    best candidate refitted on all the search's rows (None with `refit=False`).
    """

    recipe: str
    best_config: Any
    best_params: dict[str, Any]
    table: pd.DataFrame
    scoring: str
    data: SearchData
    folds: BaseCrossValidator
    best_estimator: Any
    wall_time_s: float

    @property
    def best_score(self) -> float:
        """The best candidate's mean score over the folds (higher is better)."""
        return float(self.table["mean_score"].iloc[0])

    def summary(self, rows: int = 20) -> str:
        """The ranked table as text, as the CLI prints it."""
        return self.table.head(rows).to_string(index=False, float_format=lambda v: f"{v:.4g}")


def default_scoring(data: SearchData) -> str:
    """Mean absolute error for forecasts (as the recipe reports), accuracy for classes, else the loss."""
    return {REGRESSION: "neg_mean_absolute_error", CLASSIFICATION: "accuracy", LOSS: NEG_LOSS}[data.task]


def progress_line(k: int, n: int, params: Mapping[str, Any], score: float, seconds: float) -> str:
    """`[ 3/6] units=50 optimizer=adam  score=-0.0561  12.3 s` (seconds per candidate, all folds)."""
    width = len(str(n))
    shown = " ".join(f"{key}={plain(value)}" for key, value in params.items())
    value = "nan" if math.isnan(score) else f"{score:.4g}"
    return f"[{k:>{width}}/{n}] {shown}  score={value}  {seconds:.1f} s"


def grid_search(
    recipe: str,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    config: Any = None,
    cv: int = 3,
    scoring: str | None = None,
    n_jobs: int | None = None,
    progress: Progress | None = None,
    refit: bool = True,
) -> SearchResult:
    """Cross-validate every combination in `grid` (default: the tutorial's grid) and rank them.

    `config` is the starting point (default `Config()`); every grid key must be one of its fields.
    Candidates are checked before any training, so a typo fails in a second.
    """
    module = searchable_module(recipe)
    grid = dict(grid if grid is not None else DEFAULT_GRIDS.get(recipe, {}))
    if not grid:
        raise ConfigError(f"no grid given and {recipe} has no default grid; pass e.g. --grid units=16,32")
    cfg = config if config is not None else module.Config()
    check_grid(module.Config, cfg, grid)
    return _search(module, cfg, grid, list(ParameterGrid(grid)), cv=cv, scoring=scoring, n_jobs=n_jobs,
                   progress=progress, refit=refit)


def random_search(
    recipe: str,
    distributions: Mapping[str, Any],
    *,
    n_iter: int = 10,
    config: Any = None,
    cv: int = 3,
    scoring: str | None = None,
    n_jobs: int | None = None,
    progress: Progress | None = None,
    refit: bool = True,
) -> SearchResult:
    """Cross-validate `n_iter` candidates drawn from `distributions` (lists or scipy.stats distributions).

    The draw is seeded with the Config's `seed`, so the same call draws the same candidates.
    """
    module = searchable_module(recipe)
    cfg = config if config is not None else module.Config()
    check_distributions(module.Config, cfg, distributions)
    if not isinstance(n_iter, int) or n_iter < 1:
        raise ConfigError(f"n_iter must be an integer >= 1, got {n_iter!r}")
    # As RandomizedSearchCV draws them: without repeats when every value is listed, at most the grid's size.
    candidates = list(ParameterSampler(dict(distributions), n_iter, random_state=cfg.seed))
    return _search(module, cfg, distributions, candidates, cv=cv, scoring=scoring, n_jobs=n_jobs,
                   progress=progress, refit=refit)


def _search(
    module: ModuleType,
    cfg: Any,
    space: Mapping[str, Any],
    candidates: list[dict[str, Any]],
    *,
    cv: int,
    scoring: str | None,
    n_jobs: int | None,
    progress: Progress | None,
    refit: bool,
) -> SearchResult:
    data = load_search_data(module, cfg)
    frozen = sorted(set(space) & set(data.data_keys))
    if frozen:
        raise ConfigError(
            f"{frozen[0]!r} changes the data itself, so it cannot vary within one search; "
            f"run one search per value with --set {frozen[0]}=..."
        )
    folds = make_folds(data, cv)
    scoring = scoring or default_scoring(data)
    if data.task == LOSS and scoring != NEG_LOSS:
        raise ConfigError(f"{module.Config.recipe} is scored by its own loss ({NEG_LOSS}); got scoring={scoring!r}")
    estimator = make_estimator(module.Config.recipe, cfg, model_kwargs=data.model_kwargs, task=data.task)
    started = time.perf_counter()
    fold_scores, fit_times = cross_validate_candidates(
        estimator, candidates, data, folds, scoring=scoring, n_jobs=n_jobs, progress=progress
    )
    # The first of the best, in candidate order, as scikit-learn's best_index_ picks it.
    best = int(np.argmin(rank_scores(fold_scores.mean(axis=1))))
    best_params = {key: plain(value) for key, value in candidates[best].items()}
    best_estimator = clone(estimator).set_params(**best_params).fit(data.x, data.y) if refit else None
    return SearchResult(
        recipe=module.Config.recipe,
        best_config=cfg.replace(**best_params),
        best_params=best_params,
        table=results_table(candidates, fold_scores, fit_times, scoring, data),
        scoring=scoring,
        data=data,
        folds=folds,
        best_estimator=best_estimator,
        wall_time_s=time.perf_counter() - started,
    )


def cross_validate_candidates(
    estimator: Any,
    candidates: Sequence[dict[str, Any]],
    data: SearchData,
    folds: BaseCrossValidator,
    *,
    scoring: str,
    n_jobs: int | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's test score and fit time on each fold: two arrays (candidates, folds).

    Every (candidate, fold) pair is one `cross_validate` call on that one split, so `n_jobs`
    processes share out the folds of several candidates at once (joblib: loky by default, or any
    backend chosen with `joblib.parallel_config`, e.g. Dask). Candidates run in batches just big
    enough to keep the processes busy, and each is reported when its batch is done.
    """
    splits = list(folds.split(data.x, data.y))
    scorer = None if scoring == NEG_LOSS else scoring  # None: the estimator's own score, minus its loss
    per_batch = max(1, joblib.effective_n_jobs(n_jobs) // len(splits))
    fold_scores = np.empty((len(candidates), len(splits)))
    fit_times = np.empty_like(fold_scores)
    with Parallel(n_jobs=n_jobs) as parallel:
        for start in range(0, len(candidates), per_batch):
            batch = candidates[start : start + per_batch]
            batch_started = time.perf_counter()
            outcomes = parallel(
                delayed(cross_validate)(
                    clone(estimator).set_params(**params), data.x, data.y, cv=[split], scoring=scorer,
                    error_score="raise",
                )
                for params in batch
                for split in splits
            )
            seconds = (time.perf_counter() - batch_started) / len(batch)
            for offset, params in enumerate(batch):
                row = start + offset
                mine = outcomes[offset * len(splits) : (offset + 1) * len(splits)]
                fold_scores[row] = [outcome["test_score"][0] for outcome in mine]
                fit_times[row] = [outcome["fit_time"][0] for outcome in mine]
                if progress is not None:
                    progress(row + 1, len(candidates), params, float(fold_scores[row].mean()), seconds)
    return fold_scores, fit_times
