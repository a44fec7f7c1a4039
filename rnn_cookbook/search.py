"""Grid and random search over any recipe's Config, with scikeras and scikit-learn.

Seed 000 wrapped a hand-written `create_model` in `KerasRegressor` (a wrapper Keras has since
removed) and searched `hidden_size x optimizer` with `GridSearchCV`. Here the estimator is built
around the recipe's *own* `build_model`, so the searched model is exactly the model `train` fits,
and every Config field can be a search parameter:

    from rnn_cookbook import search
    result = search.grid_search("timeseries_forecaster", {"units": [10, 50, 100], "optimizer": ["rmsprop", "adam"]})
    print(result.table)                  # one row per candidate, ranked, with the CV score
    best = result.best_config            # a real timeseries_forecaster.Config, ready for train()

How it works:

- `make_estimator(recipe, **fixed)` returns a `RecipeRegressor` / `RecipeClassifier` (scikeras
  `KerasRegressor` / `KerasClassifier`). Every field of the recipe's Config is an estimator
  parameter (`est.set_params(units=50)`); at fit time the wrapper builds the Config from them, so
  `Config.validate` checks every candidate, and calls `recipe.build_model(cfg, ...)`. Fields that
  scikeras also knows (`epochs`, `batch_size`) mean the same thing to both; `seed` becomes
  scikeras' `random_state`; the recipe's `validation_fraction` becomes Keras' `validation_split`.
- Each fit uses the recipe's callback presets: early stopping on `val_loss` (best weights kept)
  and, if the Config asks for it, learning-rate reduction, on a validation slice cut from the end
  of the fold's *training* part (Keras' `validation_split` takes the last rows, before shuffling),
  so the fold's test part never steers training.
- `optimizer` is a Config field of every Keras recipe (`training.make_optimizer` compiles with
  it), so it is searched like `units` and the winner's optimizer is part of `best_config`.
- Data come from the recipe's `search_data(cfg)` hook: the training and validation stretches
  (the test split is never seen by the search). Fields that change the data itself (the window,
  the series, the vocabulary size) cannot be searched within one search and are refused.
- Folds: `TimeSeriesSplit` for time-ordered data (every training fold ends before its test fold
  starts: no future in training), `StratifiedKFold` for classifiers, `KFold` otherwise.

Parallel and cluster runs: `n_jobs=k` fits candidates' folds in k separate processes (joblib's
loky backend); each process imports Keras itself and seeds it from the Config's `seed`, so a
search gives the same table with any `n_jobs`, up to floating-point noise across processes. The
same search runs on a cluster without code changes through joblib's backend switch:

    import joblib
    from dask.distributed import Client          # or: import ray; from ray.util.joblib import register_ray
    client = Client("scheduler-address:8786")     # register_ray(); ray.init(address="auto")
    with joblib.parallel_config(backend="dask"):  # backend="ray"
        result = search.grid_search("timeseries_forecaster", grid, n_jobs=-1)

(the workers need rnn-cookbook installed and, for file data, the same paths).
"""

from __future__ import annotations

import dataclasses
import math
import time
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np
import pandas as pd
from scikeras.wrappers import KerasClassifier, KerasRegressor
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    ParameterGrid,
    RandomizedSearchCV,
    StratifiedKFold,
    TimeSeriesSplit,
)

from rnn_cookbook import callbacks as presets
from rnn_cookbook import registry
from rnn_cookbook.config import parse_value
from rnn_cookbook.errors import ConfigError
from rnn_cookbook.files import atomic_write_text

#: The seed's grid (seed 000, "模型优化技巧"), used when `rnn-cookbook search` gets no --grid.
DEFAULT_GRIDS: dict[str, dict[str, list[Any]]] = {
    "timeseries_forecaster": {"units": [10, 50, 100], "optimizer": ["rmsprop", "adam"]},
}

REGRESSION = "regression"
CLASSIFICATION = "classification"
#: Scored by the model's own loss on the held-out fold: a label per time step (the tagger), the next
#: character at every position, the next word among thousands (too many classes to stratify).
LOSS = "loss"
NEG_LOSS = "neg_loss"  # the scoring name such searches report (higher is better, like scikit-learn's)
TASKS = (REGRESSION, CLASSIFICATION, LOSS)

# scikeras parameters that are not Config fields; a Config field of the same name would be ambiguous.
_WRAPPER_ONLY = {
    "model", "build_fn", "warm_start", "random_state", "loss", "metrics", "validation_batch_size", "verbose",
    "callbacks", "validation_split", "shuffle", "run_eagerly",
}
_SEARCH_PARAMS = {"recipe", "model_kwargs"}


# --- the data a search sees --------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SearchData:
    """What a recipe's `search_data(cfg)` hook returns (as a dict with these keys).

    x, y: all rows the search may use (training + validation splits; never the test split).
    task: "regression", "classification" or "loss" (see LOSS).
    time_ordered: rows are in time order (TimeSeriesSplit). contiguous: folds are unshuffled
    stretches of rows (chunks of one text, whose neighbours share context).
    model_kwargs: extra arguments for `build_model(cfg, **model_kwargs)` (e.g. vocabulary_size).
    data_keys: Config fields that shape x and y, so they cannot vary within one search.
    target_scale, unit: regression errors times `target_scale` are in `unit` (e.g. ppm).
    """

    x: Any
    y: Any
    task: str
    label: str = ""
    time_ordered: bool = False
    contiguous: bool = False
    model_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    data_keys: tuple[str, ...] = ()
    target_scale: float = 1.0
    unit: str = ""


def searchable_module(recipe: str) -> ModuleType:
    """The recipe's module if it can be searched, else a `ConfigError` that says why not."""
    module = registry.load(recipe)
    if not hasattr(module, "search_data"):
        able = ", ".join(name for name in registry.names() if hasattr(registry.load(name), "search_data"))
        why = getattr(module, "NOT_SEARCHABLE", "it has no search_data(cfg) hook")
        raise ConfigError(f"{recipe} cannot be searched: {why}; searchable: {able}")
    return module


def load_search_data(module: ModuleType, cfg: Any) -> SearchData:
    """Call the recipe's hook and check what it returns."""
    raw = module.search_data(cfg)
    data = SearchData(**raw) if isinstance(raw, Mapping) else raw
    if data.task not in TASKS:
        raise ConfigError(f"{cfg.recipe}.search_data returned task={data.task!r}; expected one of {', '.join(TASKS)}")
    if len(data.x) != len(data.y):
        raise ConfigError(f"{cfg.recipe}.search_data returned {len(data.x)} inputs but {len(data.y)} targets")
    return data


# --- the estimator -----------------------------------------------------------------------------
def config_from_params(config_class: Any, params: Mapping[str, Any]) -> Any:
    """The recipe's Config from an estimator's parameters: every Config field, validated."""
    fields = config_class.field_names()
    return config_class(**{name: params[name] for name in fields if name in params})


def build_recipe_model(**kwargs: Any) -> keras.Model:
    """scikeras' `model=` callable: Config from the estimator's parameters, then the recipe's build_model.

    scikeras passes all estimator parameters as `params` (because this accepts **kwargs); a
    module-level function so that joblib can pickle the estimator for other processes.
    """
    params = kwargs["params"]
    module = registry.load(params["recipe"])
    cfg = config_from_params(module.Config, params)
    return module.build_model(cfg, **dict(params.get("model_kwargs") or {}))


class _RecipeWrapper:
    """What the regressor and the classifier share: Config fields as parameters, presets as callbacks."""

    recipe: str

    def _init_recipe(self, recipe: str, model_kwargs: Mapping[str, Any] | None) -> None:
        self.recipe = recipe
        self.model_kwargs = model_kwargs  # stored as given: sklearn's clone checks identity

    def recipe_config(self) -> Any:
        """The Config these parameters describe (validated)."""
        return config_from_params(registry.load(self.recipe).Config, self.get_params())  # type: ignore[attr-defined]

    def _initialize(self, X: Any, y: Any = None) -> Any:
        # Derived scikeras settings, taken from the Config at fit time so set_params(seed=...) etc. count.
        cfg = self.recipe_config()
        self.random_state = cfg.seed
        self.validation_split = float(getattr(cfg, "validation_fraction", 0.15))
        return super()._initialize(X, y)  # type: ignore[misc]

    def _initialize_callbacks(self) -> None:
        super()._initialize_callbacks()  # type: ignore[misc]
        cfg = self.recipe_config()
        chosen: list[keras.callbacks.Callback] = [presets.early_stopping(patience=cfg.patience)]
        if getattr(cfg, "reduce_lr_patience", None) is not None:
            chosen.append(presets.reduce_lr_on_plateau(cfg.learning_rate, patience=cfg.reduce_lr_patience))
        self._fit_callbacks = list(self._fit_callbacks) + chosen


class RecipeRegressor(_RecipeWrapper, KerasRegressor):
    """A scikeras KerasRegressor around one recipe's build_model (see the module docstring)."""

    def __init__(
        self,
        recipe: str = "timeseries_forecaster",
        model_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("model", build_recipe_model)
        super().__init__(**kwargs)
        self._init_recipe(recipe, model_kwargs)


class RecipeLossModel(RecipeRegressor):
    """For LOSS tasks: targets pass through to the recipe's model as they are, and `score` is its loss.

    The score is minus the model's compiled loss (`model.evaluate`) on the rows given, so higher is
    better as scikit-learn expects; for the language models it is minus nats per token.
    """

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        results = self.model_.evaluate(X, y, sample_weight=sample_weight, verbose=0, return_dict=True)
        return -float(results["loss"])


class RecipeClassifier(_RecipeWrapper, KerasClassifier):
    """A scikeras KerasClassifier around one recipe's build_model (see the module docstring)."""

    def __init__(
        self,
        recipe: str = "row_lstm_classifier",
        model_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("model", build_recipe_model)
        super().__init__(**kwargs)
        self._init_recipe(recipe, model_kwargs)


def make_estimator(
    recipe: str,
    config: Any = None,
    *,
    model_kwargs: Mapping[str, Any] | None = None,
    task: str | None = None,
    verbose: int = 0,
    **fixed: Any,
) -> RecipeRegressor | RecipeClassifier | RecipeLossModel:
    """A scikeras estimator that trains `recipe`'s own model with `config` (default `Config()`) and `fixed` changes.

    `task` picks regressor or classifier; by default it comes from the recipe's search_data hook
    only when needed, so pass it (or use `grid_search`) to avoid loading data twice.
    """
    module = searchable_module(recipe)
    cfg = config if config is not None else module.Config()
    cfg = validated_config(module.Config, cfg, fixed)
    if task is None:
        task = load_search_data(module, cfg).task
    wrapper = {CLASSIFICATION: RecipeClassifier, REGRESSION: RecipeRegressor, LOSS: RecipeLossModel}[task]
    clashes = _WRAPPER_ONLY.intersection(module.Config.field_names()) | _SEARCH_PARAMS.intersection(
        module.Config.field_names()
    )
    if clashes:
        raise ConfigError(f"{recipe}'s Config has fields that scikeras reserves: {', '.join(sorted(clashes))}")
    return wrapper(
        recipe=recipe,
        model_kwargs=model_kwargs,
        verbose=verbose,
        **cfg.to_dict(),
    )


def validated_config(config_class: Any, base: Any, changes: Mapping[str, Any]) -> Any:
    """`base` with `changes`, checked: unknown names and wrong types are a ConfigError listing valid names."""
    config_class.check_keys(changes)
    try:
        return base.replace(**changes)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; valid keys: {', '.join(config_class.field_names())}") from None
    except TypeError as exc:  # a value the field's own check did not catch
        raise ConfigError(f"{config_class.recipe}: {exc}") from None


# --- folds ---------------------------------------------------------------------------------------
def make_folds(data: SearchData, cv: int) -> Any:
    """TimeSeriesSplit for time-ordered rows, StratifiedKFold for classes, KFold otherwise
    (unshuffled for contiguous rows)."""
    if not isinstance(cv, int) or isinstance(cv, bool) or cv < 2:
        raise ConfigError(f"cv must be an integer >= 2, got {cv!r}")
    if data.time_ordered:
        return TimeSeriesSplit(n_splits=cv)
    if data.task == CLASSIFICATION:
        return StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
    if data.contiguous:
        return KFold(n_splits=cv)
    return KFold(n_splits=cv, shuffle=True, random_state=0)


# --- the search ----------------------------------------------------------------------------------
@dataclasses.dataclass
class SearchResult:
    """What a search found: the best Config (ready for `train`), a tidy table, and the fitted search."""

    recipe: str
    best_config: Any
    best_params: dict[str, Any]
    table: pd.DataFrame
    search: Any
    scoring: str
    data: SearchData
    wall_time_s: float

    @property
    def best_score(self) -> float:
        return float(np.max(self.search.cv_results_["mean_test_score"]))

    def summary(self, rows: int = 20) -> str:
        """The ranked table as text, as the CLI prints it."""
        return self.table.head(rows).to_string(index=False, float_format=lambda v: f"{v:.4g}")


def default_scoring(data: SearchData) -> str:
    """Mean absolute error for forecasts (as the recipe reports), accuracy for classes, else the loss."""
    return {REGRESSION: "neg_mean_absolute_error", CLASSIFICATION: "accuracy", LOSS: NEG_LOSS}[data.task]


class _Progress:
    """Evaluates candidates a few at a time so a line per candidate can be printed as it finishes."""

    def _run_search(self, evaluate_candidates: Callable[..., Any], *, callback_ctx: Any = None) -> None:
        # scikit-learn >= 1.9 passes a callback context through; older versions pass none.
        extra = {} if callback_ctx is None else {"callback_ctx": callback_ctx}
        report: Callable[[int, int, dict[str, Any], float, float], None] | None = self.progress  # type: ignore[attr-defined]
        # Enough candidates per call to keep n_jobs processes busy with their folds.
        n_jobs = int(self.n_jobs or 1)  # type: ignore[attr-defined]
        if n_jobs < 0:
            import joblib

            n_jobs = max(1, joblib.cpu_count() + 1 + n_jobs)
        per_call = max(1, n_jobs // max(1, self.n_splits_hint))  # type: ignore[attr-defined]

        def one_by_one(
            candidate_params: Iterable[dict[str, Any]], cv: Any = None, more_results: Any = None, **kwargs: Any
        ) -> Any:
            candidates = list(candidate_params)
            results: Any = None
            for start in range(0, len(candidates), per_call):
                chunk = candidates[start : start + per_call]
                started = time.perf_counter()
                # scikit-learn's per-fold callback contexts number tasks per call; chunks would clash, so none are passed.
                results = evaluate_candidates(chunk, cv, more_results)
                elapsed = time.perf_counter() - started
                if report is not None:
                    scores = results["mean_test_score"][-len(chunk) :]
                    for offset, (params, score) in enumerate(zip(chunk, scores, strict=True)):
                        report(start + offset + 1, len(candidates), params, float(score), elapsed / len(chunk))
            return results

        super()._run_search(one_by_one, **extra)  # type: ignore[misc]


class ProgressGridSearchCV(_Progress, GridSearchCV):
    """GridSearchCV that reports each candidate when its folds are done."""

    def __init__(self, estimator: Any, param_grid: Any, *, progress: Any = None, n_splits_hint: int = 1, **kwargs: Any):
        super().__init__(estimator, param_grid, **kwargs)
        self.progress = progress
        self.n_splits_hint = n_splits_hint


class ProgressRandomizedSearchCV(_Progress, RandomizedSearchCV):
    """RandomizedSearchCV that reports each candidate when its folds are done."""

    def __init__(
        self, estimator: Any, param_distributions: Any, *, progress: Any = None, n_splits_hint: int = 1, **kwargs: Any
    ):
        super().__init__(estimator, param_distributions, **kwargs)
        self.progress = progress
        self.n_splits_hint = n_splits_hint


def grid_search(
    recipe: str,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    config: Any = None,
    cv: int = 3,
    scoring: str | None = None,
    n_jobs: int | None = None,
    progress: Callable[[int, int, dict[str, Any], float, float], None] | None = None,
    refit: bool = True,
) -> SearchResult:
    """Cross-validate every combination in `grid` (default: the seed's grid) and rank them.

    `config` is the starting point (default `Config()`); every grid key must be one of its fields.
    Candidates are checked before any training, so a typo fails in a second.
    """
    module = searchable_module(recipe)
    grid = dict(grid if grid is not None else DEFAULT_GRIDS.get(recipe, {}))
    if not grid:
        raise ConfigError(f"no grid given and {recipe} has no default grid; pass e.g. --grid units=16,32")
    for key, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ConfigError(f"grid values for {key!r} must be a non-empty list, got {values!r}")
    cfg = config if config is not None else module.Config()
    for candidate in ParameterGrid(grid):
        _check_candidate(module, cfg, candidate)
    return _search(module, cfg, grid, cv=cv, scoring=scoring, n_jobs=n_jobs, progress=progress, refit=refit)


def random_search(
    recipe: str,
    distributions: Mapping[str, Any],
    *,
    n_iter: int = 10,
    config: Any = None,
    cv: int = 3,
    scoring: str | None = None,
    n_jobs: int | None = None,
    progress: Callable[[int, int, dict[str, Any], float, float], None] | None = None,
    refit: bool = True,
) -> SearchResult:
    """Cross-validate `n_iter` candidates drawn from `distributions` (lists or scipy.stats distributions).

    The draw is seeded with the Config's `seed`, so the same call draws the same candidates.
    """
    module = searchable_module(recipe)
    cfg = config if config is not None else module.Config()
    if not distributions:
        raise ConfigError("random_search needs at least one parameter to vary")
    for key, values in distributions.items():
        module.Config.check_keys([key])
        if isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
            for value in values:
                _check_candidate(module, cfg, {key: value})
    if not isinstance(n_iter, int) or n_iter < 1:
        raise ConfigError(f"n_iter must be an integer >= 1, got {n_iter!r}")
    return _search(
        module, cfg, dict(distributions), cv=cv, scoring=scoring, n_jobs=n_jobs, progress=progress, refit=refit,
        n_iter=n_iter,
    )


def _check_candidate(module: ModuleType, cfg: Any, candidate: Mapping[str, Any]) -> Any:
    """The Config one candidate would train, or a ConfigError naming the bad key or value."""
    return validated_config(module.Config, cfg, dict(candidate))


def _search(
    module: ModuleType,
    cfg: Any,
    space: dict[str, Any],
    *,
    cv: int,
    scoring: str | None,
    n_jobs: int | None,
    progress: Any,
    refit: bool,
    n_iter: int | None = None,
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
    common = dict(
        scoring=None if scoring == NEG_LOSS else scoring, cv=folds, n_jobs=n_jobs, refit=refit, error_score="raise", progress=progress, n_splits_hint=cv
    )
    if n_iter is None:
        search: Any = ProgressGridSearchCV(estimator, space, **common)
    else:
        search = ProgressRandomizedSearchCV(estimator, space, n_iter=n_iter, random_state=cfg.seed, **common)
    started = time.perf_counter()
    search.fit(data.x, data.y)
    wall = time.perf_counter() - started
    # From the ranks rather than best_params_, which exists only with refit=True.
    best = int(np.argmin(search.cv_results_["rank_test_score"]))
    raw_best = search.cv_results_["params"][best]
    best_params = {k: _plain(v) for k, v in raw_best.items()}
    return SearchResult(
        recipe=module.Config.recipe,
        best_config=cfg.replace(**best_params),
        best_params=best_params,
        table=results_table(search.cv_results_, scoring, data),
        search=search,
        scoring=scoring,
        data=data,
        wall_time_s=wall,
    )


def results_table(cv_results: Mapping[str, Any], scoring: str, data: SearchData) -> pd.DataFrame:
    """One row per candidate, best first: its parameters, CV score (mean, std), per-fold scores, fit time.

    For `neg_mean_absolute_error` the table also has `mae` (positive), in the data's own unit when
    the recipe gives a scale (e.g. ppm for CO2 rather than standardised units); for `neg_loss`,
    `loss` (positive).
    """
    params = [{k: _plain(v) for k, v in p.items()} for p in cv_results["params"]]
    table = pd.DataFrame(params)
    table.insert(0, "rank", cv_results["rank_test_score"])
    table["mean_score"] = cv_results["mean_test_score"]
    table["std_score"] = cv_results["std_test_score"]
    if scoring == "neg_mean_absolute_error":
        unit = f"_{data.unit}" if data.unit and data.target_scale != 1.0 else ""
        table[f"mae{unit}"] = -table["mean_score"] * data.target_scale
        table[f"mae_std{unit}"] = table["std_score"] * data.target_scale
    elif scoring == NEG_LOSS:
        table["loss"] = -table["mean_score"]
        table["loss_std"] = table["std_score"]
    folds = sorted(k for k in cv_results if k.startswith("split") and k.endswith("_test_score"))
    for key in folds:
        table[key.replace("_test_score", "")] = cv_results[key]
    table["fit_time_s"] = cv_results["mean_fit_time"]
    return table.sort_values(["rank", *params[0].keys()]).reset_index(drop=True)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python values, so configs and JSON hold ints and floats."""
    return value.item() if isinstance(value, np.generic) else value


# --- the command line's grid syntax ----------------------------------------------------------
def parse_grid(config_class: Any, pairs: Iterable[str]) -> dict[str, list[Any]]:
    """`["units=10,50,100", "optimizer=adam,rmsprop"]` -> typed lists, checked against the Config's fields."""
    hints = typing.get_type_hints(config_class)
    grid: dict[str, list[Any]] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key or not text.strip():
            raise ConfigError(f"--grid expects key=v1,v2,..., got {pair!r}")
        config_class.check_keys([key])
        grid[key] = [parse_value(key, v.strip(), hints[key]) for v in text.split(",")]
    return grid


def progress_line(k: int, n: int, params: Mapping[str, Any], score: float, seconds: float) -> str:
    """`[ 3/6] units=50 optimizer=adam  score=-0.0561  12.3 s` (seconds per candidate, all folds)."""
    width = len(str(n))
    shown = " ".join(f"{key}={_plain(value)}" for key, value in params.items())
    value = "nan" if math.isnan(score) else f"{score:.4g}"
    return f"[{k:>{width}}/{n}] {shown}  score={value}  {seconds:.1f} s"


# --- what a search leaves behind ----------------------------------------------------------------
def score_figure(result: SearchResult) -> Any:
    """Score against one parameter (a line per value of a second one), or a heatmap for two parameters.

    Regression plots the MAE (lower is better, in the data's unit when known), loss-scored searches
    the loss, classification the mean CV score. More than two parameters: each candidate as a bar.
    """
    from rnn_cookbook import plots

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


def save_result(result: SearchResult, run: Any) -> dict[str, Any]:
    """Write search_results.csv, best_config.json (loadable by `run --config`), search.json and search.png."""
    paths = {
        "table": run.file("search_results.csv"),
        "best_config": run.file("best_config.json"),
        "plot": run.file("search.png"),
        "summary": run.file("search.json"),
    }
    atomic_write_text(paths["table"], result.table.to_csv(index=False))
    result.best_config.save_json(paths["best_config"])
    run.write_json(
        "search.json",
        {
            "recipe": result.recipe,
            "data": result.data.label,
            "scoring": result.scoring,
            "folds": type(result.search.cv).__name__,
            "n_splits": int(result.search.n_splits_),
            "candidates": len(result.table),
            "best_params": result.best_params,
            "best_score": result.best_score,
            "wall_time_s": result.wall_time_s,
        },
    )
    run.save_figure(score_figure(result), "search.png")
    return paths
