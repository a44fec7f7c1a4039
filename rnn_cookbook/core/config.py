"""Recipe configurations: dataclasses that convert and check their own settings, and travel as JSON or `key=value`.

Every recipe defines `Config(RecipeConfig)`, a dataclass whose defaults are its tutorial's
hyperparameters, and `Config.quick()`, a seconds-long variant for tests and smoke runs. The base
class gives them all the same behaviour:

    cfg = Config()                                    # the tutorial's settings, checked
    cfg = cfg.replace(units=64)                        # a checked copy
    cfg = cfg.with_overrides(["cell=lstm", "units=64"])  # as the CLI's --set passes them
    cfg.save_json("config.json"); Config.load_json("config.json")

Declaring a recipe's settings
-----------------------------
Each field is declared once. Its *type* is its annotation (`bool`, `int`, `float`, `str`, or
`X | None` of one of those); its *range* or *choices*, if it has any, are one entry of the class's
`constraints` mapping, in the style of scikit-learn's `_parameter_constraints`:

    @dataclasses.dataclass
    class Config(RecipeConfig):
        recipe: ClassVar[str] = "my_recipe"
        constraints = {
            "cell": OneOf(("simple_rnn", "lstm", "gru")),
            "units": POSITIVE_INT,                  # an integer >= 1
            "dropout": FRACTION_OR_ZERO,            # a number in [0, 1)
            "beam": Interval(int, 1, note="1 = greedy"),
            "season_length": POSITIVE_INT,          # None passes: the annotation allows it
        }

        cell: str = "simple_rnn"
        units: int = 32
        dropout: float = 0.0
        beam: int = 4
        season_length: int | None = None
        residual: bool = True                       # a type and no range: nothing to declare

        def validate(self) -> None:                 # only the rules that tie fields together
            super().validate()
            if self.beam > self.units:
                raise ConfigError("beam must not exceed units")

The constraints are `Interval` (numbers between bounds: `POSITIVE_INT`, `NON_NEGATIVE_INT`,
`FRACTION`, `FRACTION_OR_ZERO`, `POSITIVE_NUMBER`, `NON_NEGATIVE_NUMBER`, `FINITE_POSITIVE_NUMBER`
name the common ones), `OneOf` (a fixed set of choices, some of them perhaps refused with their
own explanation) and `Satisfies` (a test and the words that describe it). Each describes itself in
the error message: `units must be an integer >= 1, got 0`, `cell must be one of simple_rnn, lstm,
gru; got 'rnn'`. An entry may also be a tuple of constraints, all of which must hold.
`constraints` is a plain class attribute (a dataclass does not take it for a field), merged along
the class's bases: a subclass adds entries and overrides its parents' (the NumPy recipe narrows
`optimizer` to `OneOf(("adagrad", "sgd"))`, which `optimizer_choices()` then reports). A value of
None is not checked against them: the annotation says whether None is allowed.

What every way in does
----------------------
`Config(...)`, `cfg.replace(...)`, `Config.from_dict(...)`, `Config.load_json(path)` (the CLI's
`--config FILE`) and `cfg.with_overrides(["key=value"])` (the CLI's `--set`, whose text is just a
string value) all end in `__post_init__`, which converts each field's value to its declared type,
checks the field's constraints, then runs `validate()`:

    bool         True, False; the strings true/false, yes/no, on/off, 1/0 in any case
    int          an int (not a bool); a whole float (3.0 -> 3); a string of an int ("3", not "3.0")
    float        an int or a float (not a bool), stored as a float; a string of a number ("1e-3")
    str          a string, as it is
    X | None     None, or the strings none/null in any case, become None; anything else as X

Anything else (`"maybe"` or `2` for a bool, `"abc"` or `1.5` for an int, a number for a string,
a list anywhere) is a `ConfigError` of one line that names the field: `residual must be true or
false, got 'maybe'`, `units must be an integer, got 'abc'`, `cell must be a string, got 3`. The
converted values are what is stored, so the `config.json` a run writes holds JSON booleans and
numbers whatever the file or the command line said. An unknown key is a `ConfigError` that lists
the valid keys.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import numbers
import reprlib
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rnn_cookbook.core.distribute import MULTIWORKER_REFUSAL, STRATEGIES
from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.core.files import atomic_write_text

C = TypeVar("C", bound="RecipeConfig")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_NONE = {"none", "null"}

#: Keras optimizers a Config may name; `training.make_optimizer` builds one at the Config's rate.
OPTIMIZERS = ("adam", "rmsprop", "sgd", "adamw", "nadam", "adagrad")

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxdict = 6


def shown(value: Any) -> str:
    """`repr(value)` for an error message: one line, long values shortened."""
    return _REPR.repr(value)


# --- constraints: what a setting must be, beyond its type -----------------------------------------
class Constraint:
    """What a setting's value must be beyond its type: `accepts` tests it, `describe` says it in words."""

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        """What a valid value is, as the end of `NAME must be ...`."""
        raise NotImplementedError

    def message(self, name: str, value: Any) -> str:
        """The one-line error for `value` given to the setting `name`."""
        return f"{name} must be {self.describe()}, got {shown(value)}"

    def check(self, name: str, value: Any) -> None:
        """Raise `ConfigError` unless `value` is acceptable."""
        if not self.accepts(value):
            raise ConfigError(self.message(name, value))


_CLOSED = ("both", "left", "right", "neither")


@dataclasses.dataclass(frozen=True)
class Interval(Constraint):
    """An integer or a number between bounds: `Interval(int, 1)` is an integer >= 1,
    `Interval(float, 0, 1, closed="neither")` a number in (0, 1).

    `closed` says which bounds belong to the interval (both, left, right or neither); `finite`
    refuses infinities; `note` is added in brackets after the description, and `text` replaces it.
    For `float`, ints are numbers too; bools are neither.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"
    finite: bool = False
    note: str = ""
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (int, float):
            raise TypeError(f"Interval kind must be int or float, got {self.kind!r}")
        if self.closed not in _CLOSED:
            raise TypeError(f"Interval closed must be one of {', '.join(_CLOSED)}, got {self.closed!r}")

    def accepts(self, value: Any) -> bool:
        number = numbers.Integral if self.kind is int else numbers.Real
        if isinstance(value, bool) or not isinstance(value, number):
            return False
        if self.finite and not isinstance(value, numbers.Integral) and not math.isfinite(value):
            return False
        if self.low is not None:
            if not (value >= self.low if self.closed in ("both", "left") else value > self.low):
                return False
        if self.high is not None:
            if not (value <= self.high if self.closed in ("both", "right") else value < self.high):
                return False
        return value == value  # NaN is no number between bounds

    def describe(self) -> str:
        text = self.text or self._words()
        return f"{text} ({self.note})" if self.note else text

    def _words(self) -> str:
        noun = "an integer" if self.kind is int else "a finite number" if self.finite else "a number"
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and self.high is not None:
            return f"{noun} in {'[' if left else '('}{self.low:g}, {self.high:g}{']' if right else ')'}"
        if self.low is not None:
            return f"{noun} {'>=' if left else '>'} {self.low:g}"
        if self.high is not None:
            return f"{noun} {'<=' if right else '<'} {self.high:g}"
        return noun


@dataclasses.dataclass(frozen=True)
class OneOf(Constraint):
    """One of a fixed set of `choices`. `refused` maps values that are not choices to the whole
    message that explains why (`strategy=multiworker`); `text` replaces `one of a, b, c`."""

    choices: tuple[Any, ...]
    refused: Mapping[Any, str] = dataclasses.field(default_factory=dict)
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))

    def __hash__(self) -> int:
        return hash((self.choices, tuple(self.refused.items()), self.text))

    def accepts(self, value: Any) -> bool:
        try:
            return value in self.choices
        except TypeError:  # an unhashable value compared with hashable choices
            return False

    def describe(self) -> str:
        return self.text or f"one of {', '.join(str(choice) for choice in self.choices)}"

    def message(self, name: str, value: Any) -> str:
        try:
            if value in self.refused:
                return self.refused[value]
        except TypeError:
            pass
        return f"{name} must be {self.describe()}; got {shown(value)}"


@dataclasses.dataclass(frozen=True)
class Satisfies(Constraint):
    """Whatever `test` accepts, described by `text` (`Satisfies(str.strip, "a path")`)."""

    test: Callable[[Any], Any]
    text: str

    def accepts(self, value: Any) -> bool:
        return bool(self.test(value))

    def describe(self) -> str:
        return self.text


POSITIVE_INT = Interval(int, 1)  # an integer >= 1
NON_NEGATIVE_INT = Interval(int, 0)  # an integer >= 0
FRACTION = Interval(float, 0, 1, closed="neither")  # a number in (0, 1)
FRACTION_OR_ZERO = Interval(float, 0, 1, closed="left")  # a number in [0, 1)
POSITIVE_NUMBER = Interval(float, 0, closed="neither")  # a number > 0
NON_NEGATIVE_NUMBER = Interval(float, 0)  # a number >= 0
FINITE_POSITIVE_NUMBER = Interval(float, 0, closed="neither", finite=True)  # a finite number > 0


# --- the base class ---------------------------------------------------------------------------------
@dataclasses.dataclass
class RecipeConfig:
    """Settings shared by every recipe; subclasses add their own fields after these."""

    recipe: ClassVar[str] = ""
    #: Each field's range or choices: a Constraint, or a tuple of them that must all hold.
    constraints: ClassVar[Mapping[str, Constraint | tuple[Constraint, ...]]] = {
        "epochs": POSITIVE_INT,
        "batch_size": POSITIVE_INT,
        "optimizer": OneOf(OPTIMIZERS),
        "learning_rate": FINITE_POSITIVE_NUMBER,
        "patience": POSITIVE_INT,
        "reduce_lr_patience": POSITIVE_INT,
        "seed": NON_NEGATIVE_INT,  # Keras and NumPy take seeds from 0
        "strategy": OneOf(STRATEGIES, refused={"multiworker": MULTIWORKER_REFUSAL}),
    }

    epochs: int = 10
    batch_size: int = 32
    optimizer: str = "adam"  # a Keras optimizer name (OPTIMIZERS); every tutorial uses Adam
    learning_rate: float = 1e-3
    patience: int = 3  # early stopping on val_loss, best weights restored (the ithome-rnn tutorial)
    reduce_lr_patience: int | None = None  # None: keep the rate; n: x0.2 after n flat epochs (the rnn-practice tutorial)
    seed: int = 0
    strategy: str = "default"  # default | mirrored (TensorFlow) | data_parallel (JAX): rnn_cookbook.core.distribute

    def __post_init__(self) -> None:
        """Convert every field to its declared type, check its constraints, then `validate()`."""
        kinds = _field_types(type(self))
        rules = _merged_constraints(type(self))
        for field in dataclasses.fields(self):
            value = convert_value(field.name, getattr(self, field.name), kinds[field.name])
            object.__setattr__(self, field.name, value)
            if value is not None:
                for rule in rules.get(field.name, ()):
                    rule.check(field.name, value)
        self.validate()

    # --- checks --------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise `ConfigError` for settings that cannot go together (one field's range is a
        `constraints` entry, checked before this). Subclasses extend this, calling `super()`."""
        if self.reduce_lr_patience is not None and self.reduce_lr_patience >= self.patience:
            raise ConfigError(
                f"reduce_lr_patience ({self.reduce_lr_patience}) must be below patience ({self.patience}), "
                "or early stopping ends training before the learning rate is ever reduced"
            )

    @classmethod
    def field_types(cls) -> dict[str, Any]:
        """Each field's annotation, evaluated: `{"units": int, "season_length": int | None, ...}`."""
        return dict(_field_types(cls))

    @classmethod
    def field_constraints(cls) -> dict[str, tuple[Constraint, ...]]:
        """Each constrained field's constraints, `constraints` merged along the bases (subclasses win)."""
        return dict(_merged_constraints(cls))

    @classmethod
    def optimizer_choices(cls) -> tuple[str, ...]:
        """The optimizer names this recipe can train with (the NumPy recipe narrows them)."""
        return _choices(cls, "optimizer")

    @classmethod
    def strategy_choices(cls) -> tuple[str, ...]:
        """The strategies this recipe can train under (the NumPy recipe: only default)."""
        return _choices(cls, "strategy")

    @classmethod
    def quick(cls: type[C]) -> C:
        """A variant that trains in seconds; every recipe overrides this."""
        raise NotImplementedError(f"{cls.__name__} does not define quick()")

    # --- copies with changes -------------------------------------------------------------
    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def check_keys(cls, keys: Iterable[Any]) -> None:
        """Raise `ConfigError`, listing the valid keys, if any of `keys` is not a field."""
        valid = cls.field_names()
        unknown = [k for k in keys if k not in valid]
        if unknown:
            raise ConfigError(
                f"unknown config key {unknown[0]!r} for {cls.recipe or cls.__name__}; valid keys: {', '.join(valid)}"
            )

    def replace(self: C, **changes: Any) -> C:
        """Return a checked copy with `changes` applied (converted like every other way in)."""
        self.check_keys(changes)
        return dataclasses.replace(self, **changes)

    def with_overrides(self: C, pairs: Iterable[str]) -> C:
        """Apply `key=value` strings (the CLI's `--set`): each text is converted as any other value is."""
        changes: dict[str, Any] = {}
        for pair in pairs:
            key, sep, text = pair.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ConfigError(f"--set expects key=value, got {pair!r}")
            self.check_keys([key])
            changes[key] = text.strip()
        return self.replace(**changes)

    # --- JSON ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
        """Build a config from a dict; accepts a run folder's `{"recipe": ..., "config": {...}}` too."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"a config must be a mapping of setting names to values, got {_kind_of(data)}")
        if "config" in data:
            settings = data["config"]
            if not isinstance(settings, Mapping):
                raise ConfigError(
                    f'"config" must be a mapping of setting names to values (a JSON object), got {_kind_of(settings)}'
                )
            named = data.get("recipe")
            if named and cls.recipe and named != cls.recipe:
                raise ConfigError(f"this config is for recipe {named!r}, not {cls.recipe!r}")
            data = settings
        cls.check_keys(data)
        return cls(**dict(data))

    def to_json(self) -> str:
        return json.dumps({"recipe": self.recipe, "config": self.to_dict()}, indent=2)

    def save_json(self, path: str | Path) -> None:
        atomic_write_text(Path(path), self.to_json() + "\n")

    @classmethod
    def load_json(cls: type[C], path: str | Path) -> C:
        """The config a JSON file holds (`{"recipe": ..., "config": {...}}` or the settings alone)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except IsADirectoryError:
            inside = path / "config.json"
            hint = f"; a run folder's settings are in {inside}" if inside.is_file() else ""
            raise ConfigError(f"config file {path} is a folder, not a JSON file{hint}") from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid JSON: {exc}") from None
        if not isinstance(data, Mapping):
            raise ConfigError(f"config file {path} must hold a JSON object of settings, got {_kind_of(data)}")
        try:
            return cls.from_dict(data)
        except ConfigError as exc:
            raise ConfigError(f"config file {path}: {exc}") from None


# --- conversions ------------------------------------------------------------------------------------
def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise TypeError(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return float(value.strip())
    raise TypeError(value)


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    raise TypeError(value)


_CONVERTERS: dict[type, tuple[Callable[[Any], Any], str]] = {
    bool: (_to_bool, "true or false"),
    int: (_to_int, "an integer"),
    float: (_to_float, "a number"),
    str: (_to_str, "a string"),
}


def convert_value(name: str, value: Any, annotation: Any) -> Any:
    """`value` as the type `annotation` declares (the table in the module docstring), or a
    `ConfigError` naming `name`. Every way a value reaches a Config goes through here."""
    options = _union_members(annotation)
    optional = type(None) in options
    if optional and (value is None or (isinstance(value, str) and value.strip().lower() in _NONE)):
        return None
    kinds = [kind for kind in options if kind is not type(None)]
    if any(kind not in _CONVERTERS for kind in kinds):
        return value  # a type this module does not convert (Any, a class): kept as given
    for kind in kinds:
        try:
            return _CONVERTERS[kind][0](value)
        except (TypeError, ValueError, OverflowError):
            continue
    wanted = " or ".join([_CONVERTERS[kind][1] for kind in kinds] + (["none"] if optional else []))
    raise ConfigError(f"{name} must be {wanted}, got {shown(value)}")


def parse_value(key: str, text: str, annotation: Any) -> Any:
    """Turn the text of `--set key=text` (or of a `--grid` value) into the type the field declares."""
    return convert_value(key, text.strip(), annotation)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _kind_of(value: Any) -> str:
    """What a JSON value is, in words: null, a list, a string, a number, true."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return f"a list ({shown(value)})"
    if isinstance(value, str):
        return f"a string ({shown(value)})"
    if isinstance(value, numbers.Number):
        return f"a number ({shown(value)})"
    return type(value).__name__


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """Each dataclass field's annotation, evaluated where its class was written.

    Only the fields' own annotations are evaluated (not a `ClassVar` naming something imported
    for type checkers only), so a Config defined inside a function works too.
    """
    names = {field.name for field in dataclasses.fields(cls)}
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__module__)
        namespace = vars(module) if module else {}
        for name, annotation in inspect.get_annotations(klass).items():
            if name not in names:
                continue
            if isinstance(annotation, str):
                try:
                    annotation = eval(annotation, namespace, dict(vars(klass)))  # the class's own source, as get_type_hints does
                except Exception as exc:
                    raise TypeError(f"{cls.__name__}.{name}: cannot read the annotation {annotation!r}: {exc}") from exc
            found[name] = annotation
    return found


@functools.cache
def _merged_constraints(cls: type) -> dict[str, tuple[Constraint, ...]]:
    merged: dict[str, tuple[Constraint, ...]] = {}
    for klass in reversed(cls.__mro__):
        for name, rule in vars(klass).get("constraints", {}).items():
            rules = rule if isinstance(rule, tuple) else (rule,)
            if not rules or not all(isinstance(r, Constraint) for r in rules):
                raise TypeError(f"{klass.__name__}.constraints[{name!r}] must be a Constraint or a tuple of them")
            merged[name] = rules
    unknown = sorted(set(merged) - {field.name for field in dataclasses.fields(cls)})
    if unknown:
        raise TypeError(f"{cls.__name__}.constraints names {', '.join(unknown)}, which are not fields")
    return merged


def _choices(cls: type[RecipeConfig], name: str) -> tuple[str, ...]:
    for rule in cls.field_constraints().get(name, ()):
        if isinstance(rule, OneOf):
            return tuple(rule.choices)
    raise TypeError(f"{cls.__name__} declares no OneOf for {name}")


# --- single checks, for settings that are not Config fields -------------------------------------------
def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> None:
    """Raise unless `value` is an integer ≥ 1 (or ≥ 0 with `allow_zero`)."""
    (NON_NEGATIVE_INT if allow_zero else POSITIVE_INT).check(name, value)


def check_fraction(name: str, value: Any, *, allow_zero: bool = False) -> None:
    """Raise unless `value` lies in (0, 1) (or [0, 1) with `allow_zero`)."""
    (FRACTION_OR_ZERO if allow_zero else FRACTION).check(name, value)


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise unless `value` is one of `choices`."""
    OneOf(tuple(choices)).check(name, value)


def check_positive_number(name: str, value: Any) -> None:
    """Raise unless `value` is a finite number > 0 (ints allowed, bools not)."""
    FINITE_POSITIVE_NUMBER.check(name, value)
