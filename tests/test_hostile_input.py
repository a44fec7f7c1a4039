"""Hostile and messy input at every public entry point: one table, one line of error each.

Each row is what a user will send sooner or later: empty or whitespace-only text, bytes that are
not UTF-8, a 100,000-character text, NaN and infinity in a series, arrays of the wrong rank or
dtype, zero and negative epochs or batch sizes, unknown recipe and parameter names. The expected
answer is a `CookbookError` (ConfigError: exit code 2 on the CLI; DataError: 1) whose message names
the problem on one line, or, for the long text, a correct answer: never a traceback, a hang, or a
silently wrong result. README.md's troubleshooting section shows the same table.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.core.errors import ConfigError, CookbookError, DataError

LONG_TEXT = "a fine film, " * 7700  # 100,100 characters


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Quick runs of the recipes whose trained models take user input: a classifier, a generator, seq2seq."""
    from rnn_cookbook.recipes import char_lstm_generator, sentiment_rnn, seq2seq_addition

    root = tmp_path_factory.mktemp("hostile_runs")
    return {
        "text": sentiment_rnn.train(sentiment_rnn.Config.quick(), output=root / "text", verbose=0),
        "char": char_lstm_generator.train(
            char_lstm_generator.Config.quick().replace(sample_every=0), output=root / "char", verbose=0
        ),
        # One epoch: these tests send the model bad questions, and its answers to good ones do not matter.
        "seq2seq": seq2seq_addition.train(seq2seq_addition.Config.quick().replace(epochs=1), output=root / "seq2seq", verbose=0),
    }


def check_one_line(exc: BaseException, pattern: str) -> None:
    message = str(exc)
    assert "\n" not in message.strip(), f"a multi-line error: {message!r}"
    assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


# --- Python API --------------------------------------------------------------------------------
def predict(runs, texts):
    from rnn_cookbook import predict_texts

    return predict_texts(runs["text"].run.path, texts)


def generate(runs, prompt, **settings):
    from rnn_cookbook.generation.sampling import GeneratorRun

    settings.setdefault("length", 5)
    return GeneratorRun(runs["char"].run.path).generate(prompt, **settings)


def answer(runs, questions):
    from rnn_cookbook.seq2seq.addition import GreedyDecoder

    return GreedyDecoder(runs["seq2seq"].model).answer(questions)


def forecaster_config(**changes):
    from rnn_cookbook.recipes import timeseries_forecaster

    return timeseries_forecaster.Config(**changes)


def series_csv(tmp_path, values):
    path = tmp_path / "series.csv"
    path.write_text("value\n" + "\n".join(str(v) for v in values) + "\n")
    from rnn_cookbook.forecasting.series import load_series

    return load_series(str(path))


def text_file(tmp_path, data: bytes, **settings):
    path = tmp_path / "book.txt"
    path.write_bytes(data)
    from rnn_cookbook.generation.corpora import load_corpus

    return load_corpus(str(path), **settings)


API_CASES = [
    # (what, call, error type, message pattern)
    ("predict: empty text", lambda r, t: predict(r, [""]), DataError, "text 0 is empty"),
    ("predict: whitespace only", lambda r, t: predict(r, ["  \n\t "]), DataError, "text 0 is empty"),
    ("predict: no texts", lambda r, t: predict(r, []), DataError, "at least one text"),
    ("predict: not a string", lambda r, t: predict(r, [42]), DataError, "text 0 is a int, not a string"),
    ("predict: bytes, not text", lambda r, t: predict(r, [b"\xff\xfe bad"]), DataError, "text 0 is a bytes"),
    ("generate: empty prompt", lambda r, t: generate(r, ""), DataError, "the prompt is empty"),
    ("generate: unknown characters", lambda r, t: generate(r, "\u00e9\u00e9"), DataError, "not in the model's vocabulary"),
    ("generate: not a string", lambda r, t: generate(r, 7), DataError, "prompt must be a string"),
    ("generate: temperature < 0", lambda r, t: generate(r, "T", temperature=-1), ConfigError, "temperature"),
    ("generate: zero length", lambda r, t: generate(r, "T", length=0), ConfigError, "length"),
    ("seq2seq: not a sum", lambda r, t: answer(r, ["hello"]), DataError, "question 1"),
    ("seq2seq: empty question", lambda r, t: answer(r, [""]), DataError, "question 1 is empty"),
    ("config: zero epochs", lambda r, t: forecaster_config(epochs=0), ConfigError, "epochs must be"),
    ("config: negative batch", lambda r, t: forecaster_config(batch_size=-4), ConfigError, "batch_size must be"),
    ("config: epochs as text", lambda r, t: forecaster_config(epochs="ten"), ConfigError, "epochs"),
    ("config: unknown key", lambda r, t: forecaster_config().replace(unitz=3), ConfigError, "valid keys"),
    ("series: NaN everywhere", lambda r, t: series_csv(t, ["nan"] * 50), DataError, "no numeric values|all NaN|empty"),
    ("series: infinity", lambda r, t: series_csv(t, [1.0, 2.0, "inf", 3.0] * 30), DataError, "infinite"),
    ("text file: not the encoding given", lambda r, t: text_file(t, b"caf\xe9 au lait\n" * 20, encoding="utf-8"), DataError, "is not utf-8 text .byte 3"),
    ("text file: unknown encoding", lambda r, t: text_file(t, b"cafe\n" * 20, encoding="klingon"), DataError, "not an encoding Python knows"),
    ("text file: empty", lambda r, t: text_file(t, b"   \n"), DataError, "empty|no text"),
]


@pytest.mark.parametrize(("what", "call", "error", "pattern"), API_CASES, ids=[case[0] for case in API_CASES])
def test_python_api_refuses_with_one_line(runs, tmp_path, what, call, error, pattern):
    with pytest.raises(error) as caught:
        call(runs, tmp_path)
    assert isinstance(caught.value, CookbookError)
    check_one_line(caught.value, pattern)


def test_very_long_text_gets_a_real_answer(runs):
    """100k characters is not an error: the classifier reads its last maxlen words, generation primes on it."""
    probabilities = predict(runs, [LONG_TEXT, "a fine film"])
    assert probabilities.shape == (2,) and np.all((probabilities >= 0) & (probabilities <= 1))
    vocabulary = runs["char"].run.read_json("vocabulary.json")["tokens"]
    prompt = ("".join(ch for ch in "the fox " if ch in vocabulary) or vocabulary[1]) * 12_500  # 100k characters
    (sample,) = generate(runs, prompt[:100_000])
    assert len(sample) == 5


def test_wrong_array_ranks_and_dtypes_are_refused():
    from rnn_cookbook.forecasting.windows import make_windows
    from rnn_cookbook.numpy_rnn import NumpyRNN

    model = NumpyRNN(vocabulary_size=5, hidden_size=4, seed=0)
    with pytest.raises(DataError) as caught:
        model.forward(np.zeros((2, 3), dtype=int))  # a batch, not one sequence of ids
    check_one_line(caught.value, "1-D")
    with pytest.raises(DataError) as caught:
        model.forward(np.array([0.5, 1.5]))  # floats, not ids
    check_one_line(caught.value, "integer")
    with pytest.raises(DataError) as caught:
        make_windows(np.ones((10, 2, 2)), 3, 1, start=0, stop=10)
    check_one_line(caught.value, r"must be 1-D \(one value per step\) or 2-D")
    with pytest.raises(DataError) as caught:
        make_windows(np.array([1.0, np.nan, 3.0] * 10), 3, 1, start=0, stop=30)
    check_one_line(caught.value, "10 NaN or infinite")


# --- command line ------------------------------------------------------------------------------
CLI_CASES = [
    # (what, arguments, exit code, stderr pattern)
    ("unknown recipe", ["run", "no_such_recipe"], 2, "unknown recipe"),
    ("unknown config key", ["run", "timeseries_forecaster", "--set", "unitz=3"], 2, "valid keys"),
    ("zero epochs", ["run", "timeseries_forecaster", "--epochs", "0"], 2, "epochs must be"),
    ("negative batch size", ["run", "timeseries_forecaster", "--set", "batch_size=-1"], 2, "batch_size must be"),
    ("unknown grid key", ["search", "timeseries_forecaster", "--grid", "unitz=1,2"], 2, "valid keys"),
    ("missing data file", ["run", "timeseries_forecaster", "--set", "series=/no/such.csv"], 1, "no/such.csv"),
    ("predict: empty text", ["predict", "{text}", ""], 1, "text 0 is empty"),
    ("predict: whitespace", ["predict", "{text}", "   "], 1, "text 0 is empty"),
    ("generate: unknown characters", ["generate", "{char}", "--prompt", "\u00e9"], 1, "not in the model's vocabulary"),
    ("generate: negative length", ["generate", "{char}", "--prompt", "T", "--length", "-5"], 2, "length"),
    ("no such run folder", ["predict", "/no/such/run", "hi"], 1, "not a finished run folder|no run folder"),
]


@pytest.mark.parametrize(("what", "arguments", "code", "pattern"), CLI_CASES, ids=[case[0] for case in CLI_CASES])
def test_cli_refuses_with_one_line_and_its_exit_code(runs, what, arguments, code, pattern):
    paths = {"{text}": str(runs["text"].run.path), "{char}": str(runs["char"].run.path)}
    done = cli_here(*[paths.get(a, a) for a in arguments])
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert re.search(pattern, done.stderr), done.stderr
