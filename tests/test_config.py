"""RecipeConfig: validation, key=value overrides, JSON round trips. No TensorFlow needed."""

from __future__ import annotations

import dataclasses
import json
from typing import ClassVar

import pytest

from rnn_cookbook.core.config import RecipeConfig, parse_value
from rnn_cookbook.core.errors import ConfigError


@dataclasses.dataclass
class ToyConfig(RecipeConfig):
    recipe: ClassVar[str] = "toy"
    units: int = 8
    rate: float = 0.5
    name: str = "a"
    flag: bool = False
    season: int | None = None

    @classmethod
    def quick(cls) -> ToyConfig:
        return cls(epochs=1)


def test_every_copy_is_validated_and_quick_must_be_defined():
    with pytest.raises(ConfigError, match="epochs must be an integer >= 1, got 0"):
        ToyConfig().replace(epochs=0)
    with pytest.raises(ConfigError, match="epochs must be an integer >= 1, got 0"):
        ToyConfig().with_overrides(["epochs=0"])
    with pytest.raises(ConfigError, match="epochs must be an integer >= 1, got 0"):
        ToyConfig.from_dict({"epochs": 0})

    @dataclasses.dataclass
    class NoQuick(RecipeConfig):
        recipe: ClassVar[str] = "no_quick"

    with pytest.raises(NotImplementedError, match="NoQuick does not define quick"):
        NoQuick.quick()


@pytest.mark.parametrize(
    "pairs, expected",
    [
        (["units=32"], {"units": 32}),
        (["rate=1e-3"], {"rate": 0.001}),
        (["name=lstm"], {"name": "lstm"}),
        (["flag=true"], {"flag": True}),
        (["flag=0"], {"flag": False}),
        (["season=52"], {"season": 52}),
        (["season=none"], {"season": None}),
        (["epochs=3", "batch_size=7"], {"epochs": 3, "batch_size": 7}),
    ],
)
def test_overrides_are_converted_to_the_field_type(pairs, expected):
    cfg = ToyConfig().with_overrides(pairs)
    for key, value in expected.items():
        assert getattr(cfg, key) == value
        assert type(getattr(cfg, key)) is type(value)


def test_unknown_key_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"unknown config key 'unit' for toy; valid keys: epochs, .*units"):
        ToyConfig().with_overrides(["unit=3"])
    with pytest.raises(ConfigError, match="unknown config key"):
        ToyConfig().replace(colour="red")


@pytest.mark.parametrize("pair", ["units=many", "flag=perhaps", "units", "=3", "season=1.5"])
def test_bad_override_values_are_config_errors(pair):
    with pytest.raises(ConfigError):
        ToyConfig().with_overrides([pair])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"epochs": 0}, "epochs must be an integer >= 1"),
        ({"batch_size": -4}, "batch_size must be an integer >= 1"),
        ({"learning_rate": 0.0}, "learning_rate must be a finite number > 0"),
        ({"reduce_lr_patience": 3, "patience": 3}, "reduce_lr_patience .* must be below patience"),
    ],
)
def test_out_of_range_values_are_refused(changes, message):
    with pytest.raises(ConfigError, match=message):
        ToyConfig(**changes)


def test_json_round_trip(tmp_path):
    cfg = ToyConfig(units=3, season=7, flag=True)
    path = tmp_path / "cfg.json"
    cfg.save_json(path)
    stored = json.loads(path.read_text())
    assert stored["recipe"] == "toy" and stored["config"]["units"] == 3
    assert ToyConfig.load_json(path) == cfg
    assert ToyConfig.from_dict({"units": 5}) == ToyConfig(units=5)  # a bare dict of fields works too


def test_json_for_another_recipe_or_broken_file_is_refused(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"recipe": "sentiment_rnn", "config": {"units": 3}}))
    with pytest.raises(ConfigError, match="for recipe 'sentiment_rnn', not 'toy'"):
        ToyConfig.load_json(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        ToyConfig.load_json(broken)
    with pytest.raises(ConfigError, match="not found"):
        ToyConfig.load_json(tmp_path / "missing.json")


def test_parse_value_names_the_expected_type():
    with pytest.raises(ConfigError, match=r"^units must be an integer, got 'x'$"):
        parse_value("units", "x", int)
    with pytest.raises(ConfigError, match=r"^season must be an integer or none, got '1.5'$"):
        parse_value("season", "1.5", int | None)
    assert parse_value("season", " None ", int | None) is None and parse_value("rate", "1e-3", float) == 0.001


def test_every_recipe_names_its_optimizer_and_compiles_with_it():
    """`optimizer` is a shared Config field: every Keras recipe's model is compiled with the one named."""
    from rnn_cookbook import registry
    from rnn_cookbook.recipes import stacked_lstm_tagger, timeseries_forecaster

    for name in registry.names():
        config_class = registry.load(name).Config
        assert config_class().optimizer in config_class.optimizer_choices()
        with pytest.raises(ConfigError, match="optimizer must be one of"):
            config_class.quick().replace(optimizer="adamm")
    with pytest.raises(ConfigError, match="optimizer must be one of adagrad, sgd"):
        registry.load("numpy_rnn_scratch").Config().replace(optimizer="adam")  # only those two are NumPy
    forecaster = timeseries_forecaster.build_model(timeseries_forecaster.Config.quick().replace(optimizer="rmsprop"))
    tagger = stacked_lstm_tagger.build_model(stacked_lstm_tagger.Config.quick().with_overrides(["optimizer=nadam"]))
    assert type(forecaster.optimizer).__name__ == "RMSprop" and type(tagger.optimizer).__name__ == "Nadam"
