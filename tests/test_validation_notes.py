"""A baseline that beats the model on the validation split is said in one line, with what to try (issue 31)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from rnn_cookbook.core.headline import HEADLINE_METRICS, headline_metric, validation_notes
from rnn_cookbook.core.training import Evaluation


def on_validation(model: dict, **baselines: dict) -> Evaluation:
    return Evaluation(data="toy", model=model, baselines=baselines, split="validation")


def test_every_headline_metric_says_which_way_is_better():
    assert set(HEADLINE_METRICS.values()) == {"higher", "lower"}
    assert HEADLINE_METRICS["accuracy"] == HEADLINE_METRICS["bleu"] == "higher"
    assert HEADLINE_METRICS["mae"] == HEADLINE_METRICS["perplexity"] == HEADLINE_METRICS["loss"] == "lower"


def test_a_lower_error_beats_the_model_and_says_what_to_try():
    notes = validation_notes(
        on_validation({"mae": 0.25, "rmse": 0.3}, linear_regression={"mae": 0.125, "rmse": 0.2}, persistence={"mae": 0.5}),
        "highway=fitted",
    )
    assert notes == [
        "on the validation split, linear_regression beats the model (mae 0.125 against 0.25); try highway=fitted"
    ]


def test_a_higher_accuracy_beats_the_model_a_lower_one_does_not():
    evaluation = on_validation({"accuracy": 0.7, "loss": 0.6}, tfidf_logreg={"accuracy": 0.8, "loss": 0.9}, majority={"accuracy": 0.5})
    notes = validation_notes(evaluation, "cell=lstm")
    assert len(notes) == 1 and notes[0].startswith("on the validation split, tfidf_logreg beats the model (accuracy 0.8 against 0.7)")


def test_the_headline_is_the_first_preferred_metric_both_report():
    # Exact match leads char accuracy: a rule with more right characters but fewer right answers does not win.
    model = {"exact_match": 0.9, "char_accuracy": 0.95, "loss": 0.1}
    assert headline_metric(model, {"exact_match": 0.5, "char_accuracy": 0.99}) == "exact_match"
    assert validation_notes(on_validation(model, no_carry={"exact_match": 0.5, "char_accuracy": 0.99}), "x") == []
    # A generator's model reports accuracy too, its n-grams do not: bits per character is what they share.
    generator = {"loss": 1.4, "perplexity": 4.06, "bits_per_char": 2.02, "accuracy": 0.6}
    five_gram = {"loss": 1.2, "perplexity": 3.32, "bits_per_char": 1.731}
    assert headline_metric(generator, five_gram) == "bits_per_char"
    assert "(bits_per_char 1.731 against 2.02)" in validation_notes(on_validation(generator, **{"5-gram": five_gram}), "x")[0]
    assert headline_metric({"accuracy": 0.5}, {"mae": 1.0}) is None  # nothing shared: no comparison


def test_no_note_when_the_model_wins_or_ties():
    assert validation_notes(on_validation({"mae": 0.1}, persistence={"mae": 0.4}, linear={"mae": 0.1}), "x") == []
    # A win too small to show in 4 significant digits would print as "0.1234 against 0.1234": no note.
    assert validation_notes(on_validation({"mae": 0.12344}, linear={"mae": 0.12341}), "x") == []


def test_numbers_have_four_significant_digits_numpy_floats_included():
    notes = validation_notes(on_validation({"rmse": np.float32(1234.5678)}, seasonal_naive={"rmse": np.float64(0.000123456)}), "x")
    assert "(rmse 0.0001235 against 1235)" in notes[0]


def test_ceilings_missing_and_broken_figures_are_never_rivals():
    evaluation = Evaluation(
        data="hidden_regimes",
        model={"accuracy": 0.7, "loss": 0.8},
        baselines={"forward_filter": {"accuracy": 0.8}, "broken": {"accuracy": math.nan, "loss": 0.5}},
        split="validation",
        ceilings=("forward_filter",),
    )
    notes = validation_notes(evaluation, "x")  # the broken baseline is compared on what it reports as a number
    assert notes == ["on the validation split, broken beats the model (loss 0.5 against 0.8); try x"]


def test_only_a_validation_evaluation_is_read():
    with pytest.raises(ValueError, match="validation split, not of 'test'"):
        validation_notes(Evaluation(data="toy", model={"mae": 1.0}, baselines={"b": {"mae": 0.1}}), "x")


# --- train_recipe: when it checks, what it prints and records -----------------------------------------


@pytest.fixture
def tiny(forecaster):
    """A one-Dense model on a few random rows, trained one epoch, with the forecaster's Config for the run."""
    import keras

    from rnn_cookbook.core.pipeline import array_dataset

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 1)).astype("float32")

    def build() -> keras.Model:
        inputs = keras.Input(shape=(3,))
        model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
        model.compile(optimizer="adam", loss="mse")
        return model

    return {
        "config": forecaster.Config.quick().replace(epochs=1),
        "build_model": build,
        "datasets": lambda: (array_dataset(x, y, 32), array_dataset(x, y, 32)),
        "examples_per_epoch": 64,
    }


def scored(split: str, calls: list[str]):
    def evaluate(model) -> Evaluation:
        calls.append(split)
        return Evaluation(data="rows", model={"mae": 0.5}, baselines={"mean": {"mae": 0.25}, "zero": {"mae": 0.75}}, split=split)

    return evaluate


def test_validate_runs_before_the_test_and_its_note_is_printed_and_kept(tiny, tmp_path, capsys):
    from rnn_cookbook.core.training import train_recipe

    calls: list[str] = []
    result = train_recipe(
        **tiny, evaluate=scored("test", calls), validate=scored("validation", calls), advice="fewer units",
        output=tmp_path / "run", verbose=2,
    )
    assert calls == ["validation", "test"]
    note = "on the validation split, mean beats the model (mae 0.25 against 0.5); try fewer units"
    assert f"note: {note}" in capsys.readouterr().out
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert note in saved["notes"] and saved == result.metrics
    assert saved["validation"] == {"model": {"mae": 0.5}, "baselines": {"mean": {"mae": 0.25}, "zero": {"mae": 0.75}}}
    assert saved["split"] == "test"


def test_an_evaluation_already_on_validation_is_read_not_repeated(tiny, tmp_path, capsys):
    from rnn_cookbook.core.training import train_recipe

    calls: list[str] = []
    result = train_recipe(**tiny, evaluate=scored("validation", calls), advice="more epochs", output=tmp_path / "run", verbose=0)
    assert calls == ["validation"]  # scored once
    assert "note:" not in capsys.readouterr().out  # --quiet
    assert any("mean beats the model" in note for note in result.metrics["notes"])
    assert "validation" not in result.metrics  # the record's own figures are the validation ones


def test_without_advice_nothing_is_noted(tiny, tmp_path, capsys):
    from rnn_cookbook.core.training import train_recipe

    calls: list[str] = []
    result = train_recipe(**tiny, evaluate=scored("validation", calls), output=tmp_path / "run", verbose=2)
    assert calls == ["validation"]
    assert "beats the model" not in capsys.readouterr().out
    assert not any("beats the model" in note for note in result.metrics.get("notes", []))


# --- a recipe: the forecaster on a series a linear model has by heart ----------------------------------


def growing_season_csv(path):
    """150 months: a rising trend and a yearly season whose swing grows with the level."""
    months = np.arange(150)
    level = 100 + 0.8 * months
    values = level * (1 + 0.1 * np.sin(2 * np.pi * months / 12))
    path.write_text("value\n" + "\n".join(f"{v:.4f}" for v in values) + "\n")
    return path


def test_the_forecaster_says_when_linear_regression_beats_it_on_validation(forecaster, tmp_path, capsys):
    series = growing_season_csv(tmp_path / "monthly.csv")
    cfg = forecaster.Config.quick().replace(series=str(series), window=12, season_length=12, epochs=2)
    result = forecaster.train(cfg, output=tmp_path / "run", verbose=2)
    out = capsys.readouterr().out
    noted = [line for line in out.splitlines() if "linear_regression beats the model" in line]
    assert len(noted) == 1, out
    assert noted[0].startswith("note: on the validation split, linear_regression beats the model (mae ")
    assert noted[0].endswith("; try highway=fitted (the linear model, with the RNN on top), a shorter window, or fewer units")

    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert noted[0].removeprefix("note: ") in saved["notes"]
    validation = saved["validation"]
    assert set(validation) == {"model", "baselines"}
    assert set(validation["baselines"]) == {"persistence", "linear_regression", "seasonal_naive"}
    assert validation["baselines"]["linear_regression"]["mae"] < validation["model"]["mae"]
    assert saved["split"] == "test" and result.metrics == saved

    quiet = forecaster.train(cfg, output=tmp_path / "quiet", verbose=0)
    assert "note:" not in capsys.readouterr().out
    assert quiet.metrics["notes"] == saved["notes"]


def test_the_text_advice_never_suggests_the_setting_the_run_already_has():
    from rnn_cookbook.recipes import sentiment_rnn

    tutorial = sentiment_rnn.advice(sentiment_rnn.Config())
    assert "cell=lstm with pooling=max" in tutorial and "encoder=RUN_DIR" in tutorial
    already = sentiment_rnn.advice(sentiment_rnn.Config(cell="lstm", pooling="max"))
    assert "cell=lstm with pooling=max" not in already and "encoder=RUN_DIR" in already
