"""The rows a search sees: what a recipe's `search_data(cfg)` hook returns, and how it is checked.

The hook's contract is plain arrays and a few words about them, so a recipe returns a dict and
imports nothing from the search (which sits above the recipes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from rnn_cookbook import registry
from rnn_cookbook.core.errors import ConfigError

REGRESSION = "regression"
CLASSIFICATION = "classification"
#: Scored by the model's own loss on the held-out fold: a label per time step (the tagger), the next
#: character at every position, the next word among thousands (too many classes to stratify).
LOSS = "loss"
NEG_LOSS = "neg_loss"  # the scoring name such searches report (higher is better, like scikit-learn's)
TASKS = (REGRESSION, CLASSIFICATION, LOSS)


@dataclasses.dataclass(frozen=True)
class SearchData:
    """What a recipe's `search_data(cfg)` hook returns (this dataclass, or a dict with its fields).

    x, y: all rows the search may use (training + validation splits; never the test split).
    task: "regression", "classification" or "loss" (see LOSS).
    time_ordered: rows are in time order (TimeSeriesSplit). contiguous: folds are unshuffled
    stretches of rows (chunks of one text, whose neighbours share context).
    model_kwargs: extra arguments for `build_model(cfg, **model_kwargs)` (e.g. vocabulary_size).
    data_keys: Config fields that shape x and y, so they cannot vary within one search.
    target_scale, unit: regression errors times `target_scale` are in `unit` (e.g. ppm).

    A hook's dict may give `splits` instead of x and y: the (inputs, targets) pairs of the recipe's
    splits, which `from_splits` joins in the order given.
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

    @classmethod
    def from_splits(cls, splits: Sequence[tuple[Any, Any]], **fields: Any) -> SearchData:
        """The rows of several splits, one after another: `from_splits([train, validation], task=...)`.

        Each split is an (inputs, targets) pair of arrays. The order is kept, so a training split
        given before its validation split stays earlier in time for `TimeSeriesSplit`.
        """
        if not splits:
            raise ConfigError("search data needs at least one (inputs, targets) split")
        inputs, targets = zip(*splits, strict=True)
        return cls(x=np.concatenate(inputs), y=np.concatenate(targets), **fields)


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
    if isinstance(raw, SearchData):
        data = raw
    elif "splits" in raw:
        fields = dict(raw)
        data = SearchData.from_splits(fields.pop("splits"), **fields)
    else:
        data = SearchData(**raw)
    if data.task not in TASKS:
        raise ConfigError(f"{cfg.recipe}.search_data returned task={data.task!r}; expected one of {', '.join(TASKS)}")
    if len(data.x) != len(data.y):
        raise ConfigError(f"{cfg.recipe}.search_data returned {len(data.x)} inputs but {len(data.y)} targets")
    return data
