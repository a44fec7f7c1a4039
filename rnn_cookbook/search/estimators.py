"""scikeras estimators around a recipe's own `build_model`, driven by the recipe's Config.

Every Config field is an estimator parameter (`est.set_params(units=50)`). A few scikeras
parameters follow from the Config rather than being set on their own; `fit_settings(cfg)` says
which, and the estimator re-derives them whenever `set_params` changes a Config field, so a grid
over `seed`, `patience` or `validation_fraction` changes what each candidate's fits do:

    random_state            <- seed (scikeras seeds Python, NumPy and TensorFlow for build and fit)
    validation_split        <- validation_fraction (the last rows of the fold's training part)
    fit__callbacks          <- the recipe's presets: early stopping on val_loss with `patience`,
                               and learning-rate cuts when the Config has `reduce_lr_patience`

These are scikeras' own public parameters (the `fit__` prefix routes callbacks to `fit` only), so
nothing of scikeras' or scikit-learn's private API is overridden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
from scikeras.wrappers import KerasClassifier, KerasRegressor

from rnn_cookbook.core import callbacks as presets
from rnn_cookbook import registry
from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.search.data import CLASSIFICATION, LOSS, REGRESSION, load_search_data, searchable_module
from rnn_cookbook.search.grid import validated_config

if TYPE_CHECKING:
    import keras

#: scikeras parameters that are not Config fields; a Config field of the same name would be ambiguous.
RESERVED_NAMES = frozenset({
    "model", "build_fn", "warm_start", "random_state", "loss", "metrics", "validation_batch_size", "verbose",
    "callbacks", "validation_split", "shuffle", "run_eagerly", "recipe", "model_kwargs",
})


def config_from_params(config_class: Any, params: Mapping[str, Any]) -> Any:
    """The recipe's Config from an estimator's parameters: every Config field, validated."""
    fields = config_class.field_names()
    return config_class(**{name: params[name] for name in fields if name in params})


def fit_settings(cfg: Any) -> dict[str, Any]:
    """The scikeras parameters a recipe's Config decides: seed, validation slice, callback presets.

    Callbacks go to `fit__callbacks` (fit only, after any `callbacks` of your own), so the fold's
    test part never steers training: early stopping watches the validation slice Keras cuts
    from the end of the fold's *training* part, before shuffling.
    """
    chosen: list[keras.callbacks.Callback] = [presets.early_stopping(patience=cfg.patience)]
    if getattr(cfg, "reduce_lr_patience", None) is not None:
        chosen.append(presets.reduce_lr_on_plateau(cfg.learning_rate, patience=cfg.reduce_lr_patience))
    return {
        "random_state": cfg.seed,
        "validation_split": float(getattr(cfg, "validation_fraction", 0.15)),
        "fit__callbacks": chosen,
    }


def build_recipe_model(**kwargs: Any) -> keras.Model:
    """scikeras' `model=` callable: Config from the estimator's parameters, then the recipe's build_model.

    scikeras passes all estimator parameters as `params` (because this accepts **kwargs); a
    module-level function so that joblib can pickle the estimator for other processes.
    """
    params = kwargs["params"]
    module = registry.load(params["recipe"])
    cfg = config_from_params(module.Config, params)
    return module.build_model(cfg, **dict(params.get("model_kwargs") or {}))


class RecipeEstimator:
    """What the regressor and the classifier share: Config fields as parameters, and the settings
    they drive kept in step by `set_params` (see the module docstring).

    `__init__` stores its arguments as given, as scikit-learn's `clone` requires; `make_estimator`
    passes the derived settings in, and `set_params` re-derives them. So build these with
    `make_estimator`: constructed directly, they keep scikeras' defaults for those settings (no
    seed, no validation slice, no presets) until `set_params` changes a Config field.
    """

    recipe: str
    model_kwargs: Mapping[str, Any] | None

    def __init__(self, recipe: str, model_kwargs: Mapping[str, Any] | None = None, **params: Any) -> None:
        params.setdefault("model", build_recipe_model)
        super().__init__(**params)  # type: ignore[call-arg]
        self.recipe = recipe
        self.model_kwargs = model_kwargs  # stored as given: sklearn's clone checks identity

    def recipe_config(self) -> Any:
        """The Config these parameters describe (validated)."""
        return config_from_params(registry.load(self.recipe).Config, self.get_params())  # type: ignore[attr-defined]

    def set_params(self, **params: Any) -> RecipeEstimator:
        """scikit-learn's `set_params`; a change to a Config field also re-derives `fit_settings`."""
        super().set_params(**params)  # type: ignore[misc]
        if set(params) & set(registry.load(self.recipe).Config.field_names()):
            super().set_params(**fit_settings(self.recipe_config()))  # type: ignore[misc]
        return self


class RecipeRegressor(RecipeEstimator, KerasRegressor):
    """A scikeras KerasRegressor around one recipe's build_model (see the module docstring)."""

    def __init__(
        self, recipe: str = "timeseries_forecaster", model_kwargs: Mapping[str, Any] | None = None, **params: Any
    ) -> None:
        super().__init__(recipe, model_kwargs, **params)


class RecipeLossModel(RecipeRegressor):
    """For LOSS tasks: targets pass through to the recipe's model as they are, and `score` is its loss.

    The score is minus the model's compiled loss (`model.evaluate`) on the rows given, so higher is
    better as scikit-learn expects; for the language models it is minus nats per token.
    """

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        results = self.model_.evaluate(X, y, sample_weight=sample_weight, verbose=0, return_dict=True)
        return -float(results["loss"])


class RecipeClassifier(RecipeEstimator, KerasClassifier):
    """A scikeras KerasClassifier around one recipe's build_model (see the module docstring)."""

    def __init__(
        self, recipe: str = "row_lstm_classifier", model_kwargs: Mapping[str, Any] | None = None, **params: Any
    ) -> None:
        super().__init__(recipe, model_kwargs, **params)


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
    clashes = RESERVED_NAMES.intersection(module.Config.field_names())
    if clashes:
        raise ConfigError(f"{recipe}'s Config has fields that scikeras reserves: {', '.join(sorted(clashes))}")
    return wrapper(recipe=recipe, model_kwargs=model_kwargs, verbose=verbose, **cfg.to_dict(), **fit_settings(cfg))
