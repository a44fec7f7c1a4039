"""Every recipe's settings convert and check their own types, the same way from every way in.

For every recipe's `Config` and every field, a value of the wrong type is refused with one line that
names the field, whether it comes from `Config(...)`, `cfg.replace(...)`, `Config.from_dict(...)`,
`Config.load_json(path)` (`--config FILE`) or `cfg.with_overrides(["key=value"])` (`--set`); and the
text forms of good values ("false", "0.5", "none") become real bools, numbers and None, which
`save_json` writes back as JSON. Nothing trains and nothing downloads: Configs, JSON files and the
command line's `--show-config` only.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, ClassVar

import pytest

from conftest import cli_here
from rnn_cookbook import registry
from rnn_cookbook.core.config import (
    FRACTION,
    POSITIVE_INT,
    Interval,
    OneOf,
    RecipeConfig,
    Satisfies,
    convert_value,
)
from rnn_cookbook.core.errors import ConfigError

RECIPES = [recipe.name for recipe in registry.RECIPES]

#: Values of the wrong type for a field of each type (None too, where the annotation has no `| None`).
BAD_VALUES: dict[type, list[Any]] = {
    bool: ["maybe", 2, 1.5, [1], {}],
    int: ["abc", 1.5, "1.5", True, [1], {}],
    float: ["abc", True, [1], {}],
    str: [5, 1.5, True, [1], {}],
}
#: Wrong `--set key=TEXT` texts (any text is a string, so str fields have none).
BAD_TEXTS: dict[type, list[str]] = {
    bool: ["maybe", "2", "1.5"],
    int: ["abc", "1.5", "[1]", "true"],
    float: ["abc", "true", "1,5"],
    str: [],
}
FALSE_TEXTS = ["false", "False", "0", "no", "OFF"]
TRUE_TEXTS = ["true", "True", "1", "yes", "On"]


def config_class(name: str) -> type[RecipeConfig]:
    return registry.load(name).Config


def field_kind(annotation: Any) -> tuple[type, bool]:
    """(bool | int | float | str, whether None is allowed) for a field's annotation."""
    members = getattr(annotation, "__args__", (annotation,))
    kinds = [member for member in members if member is not type(None)]
    assert len(kinds) == 1 and kinds[0] in BAD_VALUES, f"an annotation the configs do not use: {annotation!r}"
    return kinds[0], type(None) in members


def fields_of(cls: type[RecipeConfig]) -> list[tuple[str, type, bool]]:
    return [(name, *field_kind(annotation)) for name, annotation in cls.field_types().items()]


def as_text(value: Any) -> str:
    """How a value is written on the command line: true, 0.5, none."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_config(path, cls: type[RecipeConfig], settings: dict[str, Any]):
    path.write_text(json.dumps({"recipe": cls.recipe, "config": settings}), encoding="utf-8")
    return path


def through(way: str, cls: type[RecipeConfig], field: str, value: Any, tmp_path) -> RecipeConfig:
    """`{field: value}` given to a Config by one way in."""
    if way == "Config(...)":
        return cls(**{field: value})
    if way == "replace":
        return cls().replace(**{field: value})
    if way == "from_dict":
        return cls.from_dict({field: value})
    if way == "from_dict(run folder)":
        return cls.from_dict({"recipe": cls.recipe, "config": {field: value}})
    if way == "load_json":
        return cls.load_json(write_config(tmp_path / "config.json", cls, {field: value}))
    if way == "with_overrides":
        return cls().with_overrides([f"{field}={value}"])
    raise AssertionError(way)


VALUE_WAYS = ["Config(...)", "replace", "from_dict", "from_dict(run folder)", "load_json"]
ALL_WAYS = [*VALUE_WAYS, "with_overrides"]


def refusal(way: str, cls: type[RecipeConfig], field: str, value: Any, tmp_path) -> str | None:
    """What is wrong with how `value` was refused for `field` (None: one line naming the field)."""
    try:
        through(way, cls, field, value, tmp_path)
    except ConfigError as exc:
        message = str(exc)
        if "\n" in message or not re.search(rf"(?<!\w){re.escape(field)} must be ", message):
            return f"{way}: {field}={value!r}: {message!r}"
        return None
    except Exception as exc:  # a TypeError traceback is what this module guards against
        return f"{way}: {field}={value!r}: {type(exc).__name__}: {exc}"
    return f"{way}: {field}={value!r} was accepted"


# --- wrong types, from every way in ---------------------------------------------------------------
@pytest.mark.parametrize("way", VALUE_WAYS)
@pytest.mark.parametrize("name", RECIPES)
def test_every_field_refuses_a_wrong_type_in_one_line(name, way, tmp_path):
    cls = config_class(name)
    problems = []
    for field, kind, optional in fields_of(cls):
        for value in BAD_VALUES[kind] + ([] if optional else [None]):
            problems.append(refusal(way, cls, field, value, tmp_path))
    assert [p for p in problems if p] == []


@pytest.mark.parametrize("name", RECIPES)
def test_every_field_refuses_a_wrong_text_from_set(name, tmp_path):
    cls = config_class(name)
    problems = [
        refusal("with_overrides", cls, field, text, tmp_path)
        for field, kind, _ in fields_of(cls)
        for text in BAD_TEXTS[kind]
    ]
    assert [p for p in problems if p] == []


# --- the text forms of good values --------------------------------------------------------------
@pytest.mark.parametrize("way", ALL_WAYS)
@pytest.mark.parametrize("name", RECIPES)
def test_every_default_written_as_text_comes_back_as_itself(name, way, tmp_path):
    """"true", "52", "0.001", "none": each field's default as text is the default again, of its own type."""
    cls = config_class(name)
    default = cls()
    for field, _, _ in fields_of(cls):
        expected = getattr(default, field)
        got = getattr(through(way, cls, field, as_text(expected), tmp_path), field)
        assert got == expected and type(got) is type(expected), (field, as_text(expected), got)


def bool_fields() -> list[tuple[str, str]]:
    return [(name, field) for name in RECIPES for field, kind, _ in fields_of(config_class(name)) if kind is bool]


@pytest.mark.parametrize("way", ALL_WAYS)
@pytest.mark.parametrize(("name", "field"), bool_fields())
def test_bool_texts_become_bools(name, field, way, tmp_path):
    cls = config_class(name)
    for texts, expected in ((FALSE_TEXTS, False), (TRUE_TEXTS, True)):
        for text in texts:
            assert getattr(through(way, cls, field, text, tmp_path), field) is expected, text


def test_some_recipes_have_bool_fields():
    assert {"timeseries_forecaster", "seq2seq_addition", "translator"} <= {name for name, _ in bool_fields()}


@pytest.mark.parametrize("name", RECIPES)
def test_a_numeric_text_becomes_a_float(name, tmp_path):
    """"0.5" is 0.5 for every float field where 0.5 is allowed, from every way in."""
    cls = config_class(name)
    checked = 0
    for field, kind, _ in fields_of(cls):
        if kind is not float:
            continue
        try:
            cls(**{field: 0.5})
        except ConfigError:
            continue  # out of this field's range, or it needs another setting first
        for way in ALL_WAYS:
            got = getattr(through(way, cls, field, "0.5", tmp_path), field)
            assert got == 0.5 and type(got) is float, (field, way, got)
        checked += 1
    assert checked, f"{name}: no float field took 0.5"


@pytest.mark.parametrize("name", RECIPES)
def test_a_config_file_of_texts_is_saved_back_as_json_values(name, tmp_path):
    """A file that writes every value as a string loads as real values, and `save_json` writes them as JSON."""
    cls = config_class(name)
    default = cls()
    texts = {field: as_text(value) for field, value in dataclasses.asdict(default).items()}
    loaded = cls.load_json(write_config(tmp_path / "texts.json", cls, texts))
    assert loaded == default
    loaded.save_json(tmp_path / "saved.json")
    saved = json.loads((tmp_path / "saved.json").read_text(encoding="utf-8"))["config"]
    for field, kind, optional in fields_of(cls):
        value = saved[field]
        if value is None:
            assert optional, field
        elif kind is float:
            assert type(value) in (int, float), (field, value)  # JSON writes 3.0 as 3.0, read back as a float
        else:
            assert type(value) is kind, (field, value)
    bools = [field for field, kind, _ in fields_of(cls) if kind is bool]
    assert all(f'"{field}": {json.dumps(getattr(default, field))}' in loaded.to_json() for field in bools)


# --- the command line -----------------------------------------------------------------------------
def first_field(cls: type[RecipeConfig], *kinds: type) -> str:
    for kind in kinds:
        for field, field_type, _ in fields_of(cls):
            if field_type is kind:
                return field
    raise AssertionError(f"{cls.recipe} has no field of type {kinds}")


def assert_one_error_line(result, field: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert re.search(rf"(?<!\w){field} must be ", lines[0]), lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("name", RECIPES)
def test_cli_refuses_a_wrong_type_in_a_config_file_or_set_with_one_line(name, tmp_path):
    cls = config_class(name)
    field = first_field(cls, bool, int)
    path = write_config(tmp_path / "bad.json", cls, {field: "maybe"})
    assert_one_error_line(cli_here("run", name, "--config", str(path), "--show-config"), field)
    assert_one_error_line(cli_here("run", name, "--set", f"{field}=maybe", "--show-config"), field)
    for number_field in (first_field(cls, float), first_field(cls, int)):
        path.write_text(json.dumps({"recipe": name, "config": {number_field: [1]}}), encoding="utf-8")
        assert_one_error_line(cli_here("run", name, "--config", str(path), "--show-config"), number_field)


@pytest.mark.parametrize(("name", "field"), bool_fields())
def test_show_config_prints_false_for_a_false_string_in_the_file(name, field, tmp_path):
    path = write_config(tmp_path / "config.json", config_class(name), {field: "false"})
    result = cli_here("run", name, "--config", str(path), "--show-config")
    assert result.returncode == 0, result.stderr
    assert f'"{field}": false' in result.stdout
    assert json.loads(result.stdout)["config"][field] is False


def test_cli_refuses_a_folder_and_a_config_that_is_not_an_object(tmp_path):
    result = cli_here("run", "timeseries_forecaster", "--config", str(tmp_path), "--show-config")
    assert result.returncode == 2 and result.stderr.splitlines() == [f"error: config file {tmp_path} is a folder, not a JSON file"]
    path = tmp_path / "config.json"
    path.write_text('{"recipe": "timeseries_forecaster", "config": null}', encoding="utf-8")
    result = cli_here("run", "timeseries_forecaster", "--config", str(tmp_path), "--show-config")
    assert result.returncode == 2 and f"settings are in {path}" in result.stderr  # a run folder: says where to look
    result = cli_here("run", "timeseries_forecaster", "--config", str(path), "--show-config")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert '"config" must be a mapping of setting names to values (a JSON object), got null' in result.stderr


# --- files that are not a JSON object of settings -------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"recipe": "timeseries_forecaster", "config": null}', r'"config" must be a mapping .*, got null'),
        ('{"recipe": "timeseries_forecaster", "config": [1]}', r'"config" must be a mapping .*, got a list \(\[1\]\)'),
        ('{"config": "units=3"}', r'"config" must be a mapping .*, got a string'),
        ("[1, 2]", r"must hold a JSON object of settings, got a list"),
        ("3", r"must hold a JSON object of settings, got a number"),
        ("null", r"must hold a JSON object of settings, got null"),
        ("", r"is not valid JSON"),
    ],
)
def test_a_file_that_is_not_an_object_of_settings_is_one_line(forecaster, tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        forecaster.Config.load_json(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_a_folder_is_not_a_config_file(forecaster, tmp_path):
    with pytest.raises(ConfigError, match=r"is a folder, not a JSON file$"):
        forecaster.Config.load_json(tmp_path)


def test_from_dict_says_what_is_not_a_mapping(forecaster):
    with pytest.raises(ConfigError, match=r'^"config" must be a mapping of setting names to values \(a JSON object\), got null$'):
        forecaster.Config.from_dict({"recipe": "timeseries_forecaster", "config": None})
    with pytest.raises(ConfigError, match="^a config must be a mapping of setting names to values, got a list"):
        forecaster.Config.from_dict([("units", 3)])


# --- declarations -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RECIPES)
def test_every_number_declares_its_range_and_defaults_pass_it(name):
    """Each int and float field has a constraint; the tutorial's and the quick settings meet them all."""
    cls = config_class(name)
    rules = cls.field_constraints()
    assert [field for field, kind, _ in fields_of(cls) if kind in (int, float) and field not in rules] == []
    for cfg in (cls(), cls.quick()):
        for field, constraints in rules.items():
            value = getattr(cfg, field)
            assert value is None or all(rule.accepts(value) for rule in constraints), (field, value)


def test_seed_must_not_be_negative():
    for name in RECIPES:
        with pytest.raises(ConfigError, match=r"^seed must be an integer >= 0, got -1$"):
            config_class(name)(seed=-1)


@dataclasses.dataclass
class Parent(RecipeConfig):
    recipe: ClassVar[str] = "parent"
    constraints = {"units": POSITIVE_INT, "cell": OneOf(("gru", "lstm")), "share": FRACTION}

    units: int = 8
    cell: str = "gru"
    share: float | None = None


@dataclasses.dataclass
class Child(Parent):
    recipe: ClassVar[str] = "child"
    constraints = {"cell": OneOf(("lstm",)), "optimizer": OneOf(("sgd",)), "depth": Interval(int, 1, 3, note="layers")}

    cell: str = "lstm"
    optimizer: str = "sgd"
    depth: int = 1


def test_constraints_merge_along_the_bases():
    rules = Child.field_constraints()
    assert rules["units"] == (POSITIVE_INT,) and rules["epochs"] == (POSITIVE_INT,)  # from Parent and RecipeConfig
    assert rules["cell"] == (OneOf(("lstm",)),)  # Child's own wins
    assert Child.optimizer_choices() == ("sgd",) and Parent.optimizer_choices() == RecipeConfig.optimizer_choices()
    with pytest.raises(ConfigError, match=r"^cell must be one of lstm; got 'gru'$"):
        Child(cell="gru")
    assert Parent(cell="gru").cell == "gru"
    with pytest.raises(ConfigError, match=r"^depth must be an integer in \[1, 3\] \(layers\), got 4$"):
        Child().with_overrides(["depth=4"])
    assert Child(share="none").share is None and Child(share="0.25").share == 0.25
    with pytest.raises(ConfigError, match=r"^share must be a number in \(0, 1\), got 1.0$"):
        Child(share=1)


def test_a_constraint_on_a_field_that_does_not_exist_is_a_programming_error():
    @dataclasses.dataclass
    class Typo(RecipeConfig):
        constraints = {"unitz": POSITIVE_INT}

        units: int = 1

    with pytest.raises(TypeError, match="Typo.constraints names unitz, which are not fields"):
        Typo()


@pytest.mark.parametrize(
    ("rule", "description"),
    [
        (Interval(int, 1), "an integer >= 1"),
        (Interval(int, 0), "an integer >= 0"),
        (Interval(float, 0, 1, closed="neither"), "a number in (0, 1)"),
        (Interval(float, 0, 1, closed="left"), "a number in [0, 1)"),
        (Interval(float, 0, closed="neither"), "a number > 0"),
        (Interval(float, 0, closed="neither", finite=True), "a finite number > 0"),
        (Interval(int, high=9, closed="right"), "an integer <= 9"),
        (Interval(int, 1, note="1 = greedy"), "an integer >= 1 (1 = greedy)"),
        (Interval(int, 4, text="at least 4"), "at least 4"),
        (OneOf(("a", "b", "c")), "one of a, b, c"),
        (Satisfies(str.strip, "a path"), "a path"),
    ],
)
def test_constraints_describe_themselves(rule, description):
    assert rule.describe() == description


def test_constraints_refuse_values_of_other_types_too():
    """Used alone (`check_positive`, a function's argument) they check the type as well as the range."""
    for value in (True, "3", 2.5, None, float("nan")):
        assert not Interval(int, 1).accepts(value)
    for value in (True, "0.5", None, float("nan"), float("inf")):
        assert not Interval(float, 0, closed="neither", finite=True).accepts(value)
    assert Interval(float, 0, 1).accepts(1) and not OneOf(("a",)).accepts(["a"])
    with pytest.raises(ConfigError, match=r"^strategy 'multiworker' cannot"):
        RecipeConfig.field_constraints()["strategy"][0].check("strategy", "multiworker")


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        ("3", int, 3), (3.0, int, 3), (" 7 ", int, 7), ("1e-3", float, 0.001), (2, float, 2.0),
        ("OFF", bool, False), ("Yes", bool, True), ("NULL", int | None, None), (None, str | None, None),
        ("none", str, "none"), (" a ", str, " a "),
    ],
)
def test_convert_value(value, annotation, expected):
    got = convert_value("x", value, annotation)
    assert got == expected and type(got) is type(expected)
