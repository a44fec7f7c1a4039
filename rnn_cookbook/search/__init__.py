"""Grid and random search over any recipe's Config, with scikeras and scikit-learn.

The rnn-practice tutorial wrapped a hand-written `create_model` in `KerasRegressor` (a wrapper Keras has since
removed) and searched `hidden_size x optimizer` with `GridSearchCV`. Here the estimator is built
around the recipe's *own* `build_model`, so the searched model is exactly the model `train` fits,
and every Config field can be a search parameter:

    from rnn_cookbook import search
    result = search.grid_search("timeseries_forecaster", {"units": [10, 50, 100], "optimizer": ["rmsprop", "adam"]})
    print(result.table)                  # one row per candidate, ranked, with the CV score
    best = result.best_config            # a real timeseries_forecaster.Config, ready for train()

How it works (one module each):

- `data`: the rows come from the recipe's `search_data(cfg)` hook: the training and validation
  stretches (the test split is never seen by the search), given as arrays or as the splits to
  join (`SearchData.from_splits`). Fields that change the data itself (the window, the series,
  the vocabulary size) cannot be searched within one search and are refused.
- `estimators`: `make_estimator(recipe, **fixed)` returns a `RecipeRegressor` /
  `RecipeClassifier` (scikeras `KerasRegressor` / `KerasClassifier`). Every field of the recipe's
  Config is an estimator parameter (`est.set_params(units=50)`); at fit time scikeras' `model=`
  callable builds the Config from them, so `Config.validate` checks every candidate, and calls
  `recipe.build_model(cfg, ...)`. Fields that scikeras also knows (`epochs`, `batch_size`) mean
  the same thing to both. The Config also decides scikeras' `random_state` (from `seed`),
  `validation_split` (from `validation_fraction`) and `fit__callbacks` (the recipe's presets:
  early stopping on `val_loss` with the best weights kept and, if the Config asks for it,
  learning-rate reduction); `set_params` keeps them in step, so a grid over `seed` or `patience`
  changes each candidate's fits. Keras' `validation_split` takes the last rows of the fold's
  *training* part, before shuffling, so the fold's test part never steers training.
- `optimizer` is a Config field of every Keras recipe (`training.make_optimizer` compiles with
  it), so it is searched like `units` and the winner's optimizer is part of `best_config`.
- `folds`: `TimeSeriesSplit` for time-ordered data (every training fold ends before its test fold
  starts: no future in training), `StratifiedKFold` for classifiers, `KFold` otherwise.
- `running`: scikit-learn's `ParameterGrid` / `ParameterSampler` give the candidates and
  `cross_validate` scores each on each fold; a line per candidate as it finishes (`progress`,
  `progress_line`), then the best candidate refitted on all rows (`refit=True`).
- `grid` (the command line's `--grid` syntax and the checks run before any training), `table`
  (the ranked table), `plot` (`score_figure`) and `files` (`save_result`: the run folder's files).

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

from rnn_cookbook.search.data import (
    CLASSIFICATION,
    LOSS,
    NEG_LOSS,
    REGRESSION,
    TASKS,
    SearchData,
    load_search_data,
    searchable_module,
)
from rnn_cookbook.search.estimators import (
    RecipeClassifier,
    RecipeEstimator,
    RecipeLossModel,
    RecipeRegressor,
    build_recipe_model,
    config_from_params,
    fit_settings,
    make_estimator,
)
from rnn_cookbook.search.files import save_result
from rnn_cookbook.search.folds import make_folds
from rnn_cookbook.search.grid import DEFAULT_GRIDS, parse_grid, validated_config
from rnn_cookbook.search.plot import score_figure
from rnn_cookbook.search.running import (
    SearchResult,
    cross_validate_candidates,
    default_scoring,
    grid_search,
    progress_line,
    random_search,
)
from rnn_cookbook.search.table import rank_scores, results_table

__all__ = [
    "CLASSIFICATION",
    "DEFAULT_GRIDS",
    "LOSS",
    "NEG_LOSS",
    "REGRESSION",
    "TASKS",
    "RecipeClassifier",
    "RecipeEstimator",
    "RecipeLossModel",
    "RecipeRegressor",
    "SearchData",
    "SearchResult",
    "build_recipe_model",
    "config_from_params",
    "cross_validate_candidates",
    "default_scoring",
    "fit_settings",
    "grid_search",
    "load_search_data",
    "make_estimator",
    "make_folds",
    "parse_grid",
    "progress_line",
    "random_search",
    "rank_scores",
    "results_table",
    "save_result",
    "score_figure",
    "searchable_module",
    "validated_config",
]
