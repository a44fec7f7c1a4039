"""Sequence to sequence: the addition data, the encoder-decoder, its greedy step-by-step decoder, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.seq2seq import addition


@pytest.fixture(scope="module")
def recipe():
    from rnn_cookbook.recipes import seq2seq_addition

    return seq2seq_addition


@pytest.fixture(scope="module")
def quick(recipe, tmp_path_factory):
    """One quick run (2-digit sums), shared by the tests that inspect a trained model."""
    return recipe.train(recipe.Config.quick(), output=tmp_path_factory.mktemp("seq2seq") / "run", verbose=0)


@pytest.fixture(scope="module")
def data(recipe):
    return recipe.load_data(recipe.Config.quick())


# --- the data --------------------------------------------------------------------------------------
def test_held_out_pairs_are_never_seen_in_training_in_either_order(recipe, data):
    def unordered(pairs):
        return {(min(a, b), max(a, b)) for a, b in pairs.tolist()}

    train, validation, test = unordered(data.train), unordered(data.validation), unordered(data.test)
    assert len(train) == len(data.train) and len(test) == len(data.test)  # no pair twice, not even mirrored
    assert not train & test and not train & validation and not validation & test
    assert data.train.min() >= 0 and data.train.max() <= 99 and data.label == "addition_2digit (synthetic)"


def test_data_is_deterministic_for_a_seed(recipe, data):
    again = recipe.load_data(recipe.Config.quick())
    for name in ("train", "validation", "test"):
        np.testing.assert_array_equal(again.split(name), data.split(name))
    other = recipe.load_data(recipe.Config.quick().replace(seed=1))
    assert not np.array_equal(other.test, data.test)


def test_operands_have_every_length_as_in_keras_example(recipe):
    pairs = addition.sample_pairs(20000, digits=3, seed=0)
    lengths = np.char.str_len(pairs.astype(str)).ravel()
    assert set(lengths.tolist()) == {1, 2, 3} and pairs.max() <= 999


def test_teacher_forcing_shifts_the_answer_by_one(recipe):
    answer_in, targets = addition.encode_answers(["596", "7"], max_answer_length=4)
    vocabulary = addition.VOCABULARY
    assert vocabulary.decode(answer_in[0]) == "^596 " and vocabulary.decode(targets[0]) == "596$ "
    assert vocabulary.decode(answer_in[1]) == "^7   " and vocabulary.decode(targets[1]) == "7$   "
    assert addition.PAD_ID == 0  # padding is id 0, which mask_zero hides from the LSTMs and the loss
    assert vocabulary.decode(addition.encode_questions(["535+61"], 7)[0]) == "535+61 "


def test_no_carry_baseline_drops_every_carry(recipe):
    assert [addition.no_carry_sum(a, b) for a, b in [(535, 61), (58, 67), (999, 1), (0, 0)]] == ["596", "15", "990", "0"]


def test_answer_scores(recipe):
    scores = addition.answer_scores(["596", "59", "5966", "12"], ["596", "596", "596", "21"])
    assert scores["exact_match"] == 0.25
    assert scores["char_accuracy"] == pytest.approx((4 + 2 + 3 + 1) / (4 + 4 + 4 + 3))  # with the end token


def test_config_checks(recipe):
    with pytest.raises(ConfigError, match="only 5050 distinct pairs"):
        recipe.Config(digits=2)
    with pytest.raises(ConfigError, match="digits must be at most 9"):
        recipe.Config(digits=10)
    with pytest.raises(ConfigError, match="reverse_input must be true or false"):
        recipe.Config(reverse_input="maybe")  # "yes" is true
    assert recipe.Config().with_overrides(["reverse_input=false"]).reverse_input is False


# --- the trained model ------------------------------------------------------------------------------
def test_quick_run_learns_to_add_beyond_the_baselines(quick):
    metrics = quick.metrics
    model, baselines = metrics["model"], metrics["baselines"]
    assert metrics["split"] == "test" and metrics["data"] == "addition_2digit (synthetic)"
    assert set(baselines) == {"most_frequent_answer", "copy_first_operand", "no_carry"}
    assert model["exact_match"] > 0.45
    assert model["exact_match"] > max(b["exact_match"] for b in baselines.values()) + 0.1
    assert model["char_accuracy"] > max(b["char_accuracy"] for b in baselines.values())
    vocabulary = quick.run.read_json("vocabulary.json")
    assert vocabulary["tokens"][:3] == [" ", "^", "$"] and vocabulary["digits"] == 2


def test_greedy_decoding_stops_at_the_end_token(recipe, quick, data):
    decoder = addition.GreedyDecoder(quick.model)
    ids = decoder.decode_ids(addition.encode_questions(addition.questions_of(data.test), decoder.question_length))
    assert ids.shape[1] <= decoder.max_answer_length == 3
    for row in ids:  # once a row has written its end token it writes only padding
        ends = np.flatnonzero(row == addition.END_ID)
        if len(ends):
            assert (row[ends[0] + 1 :] == addition.PAD_ID).all()
        assert addition.START_ID not in row
    answers = decoder.answer(addition.questions_of(data.test))
    assert all(len(a) <= 3 and not set(a) & {addition.END, addition.PAD, addition.START} for a in answers)
    assert all(set(a) <= set(addition.QUESTION_CHARACTERS) for a in answers)


def test_step_by_step_decoding_agrees_with_the_teacher_forced_model(recipe, quick, data):
    """Fed its own greedy answers with teacher forcing, the full model picks the same characters."""
    questions = addition.questions_of(data.test[:200])
    answers = recipe.answer(quick.model, questions)
    answer_in, targets = addition.encode_answers(answers, max_answer_length=3)
    inputs = {"question": addition.encode_questions(questions, 5), "answer_in": answer_in}
    probabilities = quick.model.predict(inputs, verbose=0)
    probabilities[..., [addition.PAD_ID, addition.START_ID]] = -1  # never chosen by the decoder either
    chosen = probabilities.argmax(axis=-1)
    lengths = np.array([len(a) for a in answers])[:, None]
    positions = np.arange(answer_in.shape[1])[None, :]
    # every character written, and the end token where the decoder had room to write it
    compared = (positions < lengths) | ((positions == lengths) & (lengths < 3))
    np.testing.assert_array_equal(chosen[compared], targets[compared])
    assert compared.sum() > len(questions)  # characters and end tokens, not only one per row


def test_answer_is_usable_on_its_own_and_after_reloading(recipe, quick):
    import keras

    questions = ["12+34", "99+1", "007+3", "0+0"]
    answers = recipe.answer(quick.model, questions)
    assert len(answers) == 4 and answers == recipe.answer(quick.model, questions)
    reloaded = keras.models.load_model(quick.run.path / "model.keras", safe_mode=True)
    assert recipe.answer(reloaded, questions) == answers
    assert recipe.answer(quick.model, []) == []


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (["12+3", ""], "question 2 is empty"),
        (["12-3"], r"question 1 '12-3' has character\(s\) '-'"),
        (["1 + 2"], r"has character\(s\) ' '"),
        (["123+4"], "question 1 '123\\+4': 123 has more than 2 digit"),
        (["99999+1"], "question 1 is 7 characters long; this model reads at most 5 \\('99\\+99'\\)"),
        (["12"], "must be two numbers joined by one '\\+'"),
        (["1+2+3"], "must be two numbers joined by one '\\+'"),
        (["+5"], "must be two numbers joined by one '\\+'"),
        ([12], "question 1 must be a string"),
        ("12+3", "questions must be a list of strings"),
    ],
)
def test_bad_questions_are_clear_errors(recipe, quick, questions, message):
    with pytest.raises(DataError, match=message):
        recipe.answer(quick.model, questions)


def test_models_of_other_recipes_are_refused(recipe):
    import keras

    inputs = keras.Input(shape=(None,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Embedding(10, 4)(inputs)))
    with pytest.raises(RunFolderError, match="not a seq2seq_addition model"):
        recipe.answer(model, ["1+2"])


# --- the command line -----------------------------------------------------------------------------------
def test_recipe_runs_from_the_command_line(tmp_path):
    output = tmp_path / "cli_run"
    small = ("--set", "train_size=256", "--set", "validation_size=64", "--set", "test_size=64")
    result = cli_here("run", "seq2seq_addition", "--quick", "--epochs", "1", *small, "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "test metrics on addition_2digit (synthetic)" in result.stdout and "exact_match" in result.stdout
    assert "note: synthetic:" in result.stdout
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["recipe"] == "seq2seq_addition" and metrics["epochs_run"] == 1
    assert (output / "vocabulary.json").is_file() and (output / "model.keras").is_file()
