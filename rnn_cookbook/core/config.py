"""Recipe configurations: dataclasses that check themselves and travel as JSON or `key=value`.

Every recipe defines `Config(RecipeConfig)`, a dataclass whose defaults are its tutorial's
hyperparameters, and `Config.quick()`, a seconds-long variant for tests and smoke runs. The base
class gives them all the same behaviour:

    cfg = Config()                                    # the tutorial's settings, validated
    cfg = cfg.replace(units=64)                        # a checked copy
    cfg = cfg.with_overrides(["cell=lstm", "units=64"])  # as the CLI's --set passes them
    cfg.save_json("config.json"); Config.load_json("config.json")

An unknown key or a value of the wrong type is a `ConfigError` that lists the valid keys.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rnn_cookbook.distribute import MULTIWORKER_REFUSAL, STRATEGIES
from rnn_cookbook.errors import ConfigError
from rnn_cookbook.files import atomic_write_text

C = TypeVar("C", bound="RecipeConfig")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_NONE = {"none", "null"}

#: Keras optimizers a Config may name; `training.make_optimizer` builds one at the Config's rate.
OPTIMIZERS = ("adam", "rmsprop", "sgd", "adamw", "nadam", "adagrad")


@dataclasses.dataclass
class RecipeConfig:
    """Settings shared by every recipe; subclasses add their own fields after these."""

    recipe: ClassVar[str] = ""

    epochs: int = 10
    batch_size: int = 32
    optimizer: str = "adam"  # a Keras optimizer name (OPTIMIZERS); every tutorial uses Adam
    learning_rate: float = 1e-3
    patience: int = 3  # early stopping on val_loss, best weights restored (seed 003)
    reduce_lr_patience: int | None = None  # None: keep the rate; n: x0.2 after n flat epochs (seed 000)
    seed: int = 0
    strategy: str = "default"  # default | mirrored (TensorFlow) | data_parallel (JAX): rnn_cookbook.distribute

    def __post_init__(self) -> None:
        self.validate()

    # --- checks --------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise `ConfigError` for a value no training could use. Subclasses extend this."""
        check_positive("epochs", self.epochs)
        check_positive("batch_size", self.batch_size)
        check_positive("patience", self.patience)
        check_choice("optimizer", self.optimizer, self.optimizer_choices())
        if self.strategy == "multiworker":
            raise ConfigError(MULTIWORKER_REFUSAL)
        check_choice("strategy", self.strategy, self.strategy_choices())
        if isinstance(self.learning_rate, bool) or not isinstance(self.learning_rate, (int, float)) or not self.learning_rate > 0:
            raise ConfigError(f"learning_rate must be a number > 0, got {self.learning_rate!r}")
        if self.reduce_lr_patience is not None:
            check_positive("reduce_lr_patience", self.reduce_lr_patience)
            if self.reduce_lr_patience >= self.patience:
                raise ConfigError(
                    f"reduce_lr_patience ({self.reduce_lr_patience}) must be below patience ({self.patience}), "
                    "or early stopping ends training before the learning rate is ever reduced"
                )
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ConfigError(f"seed must be an integer, got {self.seed!r}")

    @classmethod
    def optimizer_choices(cls) -> tuple[str, ...]:
        """The optimizer names this recipe can train with (the NumPy recipe narrows them)."""
        return OPTIMIZERS

    @classmethod
    def strategy_choices(cls) -> tuple[str, ...]:
        """The strategies this recipe can train under (the NumPy recipe: only default)."""
        return STRATEGIES

    @classmethod
    def quick(cls: type[C]) -> C:
        """A variant that trains in seconds; every recipe overrides this."""
        raise NotImplementedError(f"{cls.__name__} does not define quick()")

    # --- copies with changes -------------------------------------------------------------
    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def check_keys(cls, keys: Iterable[str]) -> None:
        """Raise `ConfigError`, listing the valid keys, if any of `keys` is not a field."""
        valid = cls.field_names()
        unknown = [k for k in keys if k not in valid]
        if unknown:
            raise ConfigError(
                f"unknown config key {unknown[0]!r} for {cls.recipe or cls.__name__}; valid keys: {', '.join(valid)}"
            )

    def replace(self: C, **changes: Any) -> C:
        """Return a validated copy with `changes` applied."""
        self.check_keys(changes)
        return dataclasses.replace(self, **changes)

    def with_overrides(self: C, pairs: Iterable[str]) -> C:
        """Apply `key=value` strings (the CLI's `--set`), converting each value to its field's type."""
        hints = typing.get_type_hints(type(self))
        changes: dict[str, Any] = {}
        for pair in pairs:
            key, sep, text = pair.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ConfigError(f"--set expects key=value, got {pair!r}")
            self.check_keys([key])
            changes[key] = parse_value(key, text.strip(), hints[key])
        return self.replace(**changes)

    # --- JSON ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
        """Build a config from a dict; accepts a run folder's `{"recipe": ..., "config": {...}}` too."""
        if "config" in data and isinstance(data["config"], Mapping):
            named = data.get("recipe")
            if named and cls.recipe and named != cls.recipe:
                raise ConfigError(f"this config is for recipe {named!r}, not {cls.recipe!r}")
            data = data["config"]
        cls.check_keys(data)
        return cls(**dict(data))

    def to_json(self) -> str:
        return json.dumps({"recipe": self.recipe, "config": self.to_dict()}, indent=2)

    def save_json(self, path: str | Path) -> None:
        atomic_write_text(Path(path), self.to_json() + "\n")

    @classmethod
    def load_json(cls: type[C], path: str | Path) -> C:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid JSON: {exc}") from None
        if not isinstance(data, Mapping):
            raise ConfigError(f"config file {path} must hold a JSON object")
        return cls.from_dict(data)


def parse_value(key: str, text: str, annotation: Any) -> Any:
    """Turn the text of `--set key=text` into the type the config field declares."""
    options = _union_members(annotation)
    if type(None) in options and text.lower() in _NONE:
        return None
    kinds = [t for t in options if t is not type(None)]
    for kind in kinds:
        try:
            return _parse_as(kind, text)
        except ValueError:
            continue
    names = " or ".join(getattr(k, "__name__", str(k)) for k in kinds)
    raise ConfigError(f"{key}={text!r}: expected {names}")


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _parse_as(kind: Any, text: str) -> Any:
    if kind is bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(text)
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    if kind is str:
        return text
    raise ValueError(f"cannot parse {kind}")


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> None:
    """Raise unless `value` is an integer ≥ 1 (or ≥ 0 with `allow_zero`)."""
    low = 0 if allow_zero else 1
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")


def check_fraction(name: str, value: Any, *, allow_zero: bool = False) -> None:
    """Raise unless `value` lies in (0, 1) (or [0, 1) with `allow_zero`)."""
    low_ok = value >= 0 if allow_zero else value > 0
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not (low_ok and value < 1):
        bound = "[0, 1)" if allow_zero else "(0, 1)"
        raise ConfigError(f"{name} must be a number in {bound}, got {value!r}")


def check_choice(name: str, value: Any, choices: Iterable[str]) -> None:
    """Raise unless `value` is one of `choices`."""
    choices = list(choices)
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def check_positive_number(name: str, value: Any) -> None:
    """Raise unless `value` is a finite number > 0 (ints allowed, bools not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
        raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")
