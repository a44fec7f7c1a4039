"""What may be searched: the command line's grid syntax, and the checks every candidate passes
before any data loads or any model trains, so a typo in a grid fails in a second."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sklearn.model_selection import ParameterGrid

from rnn_cookbook.core.config import parse_value
from rnn_cookbook.core.errors import ConfigError

#: The tutorial's grid (the rnn-practice tutorial, "模型优化技巧"), used when `rnn-cookbook search` gets no --grid.
DEFAULT_GRIDS: dict[str, dict[str, list[Any]]] = {
    "timeseries_forecaster": {"units": [10, 50, 100], "optimizer": ["rmsprop", "adam"]},
}


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


def validated_config(config_class: Any, base: Any, changes: Mapping[str, Any]) -> Any:
    """`base` with `changes`, checked: unknown names and wrong types are a ConfigError listing valid names."""
    config_class.check_keys(changes)
    try:
        return base.replace(**changes)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; valid keys: {', '.join(config_class.field_names())}") from None
    except TypeError as exc:  # a value the field's own check did not catch
        raise ConfigError(f"{config_class.recipe}: {exc}") from None


def check_grid(config_class: Any, base: Any, grid: Mapping[str, Any]) -> None:
    """Every combination of `grid` (lists of values) as a valid Config, or a ConfigError naming the first bad one."""
    for key, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ConfigError(f"grid values for {key!r} must be a non-empty list, got {values!r}")
    for candidate in ParameterGrid(dict(grid)):
        validated_config(config_class, base, candidate)


def check_distributions(config_class: Any, base: Any, distributions: Mapping[str, Any]) -> None:
    """Every key a Config field, and every listed value valid for it (scipy.stats distributions are
    checked when drawn)."""
    if not distributions:
        raise ConfigError("random_search needs at least one parameter to vary")
    for key, values in distributions.items():
        config_class.check_keys([key])
        if isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
            for value in values:
                validated_config(config_class, base, {key: value})
