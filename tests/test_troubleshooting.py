"""The README's troubleshooting table can't lie: every message it quotes is the program's own.

Each row of the table names an input and quotes, in backticks, what comes back. Here each row has
a trigger that sends that input and collects the messages the program answers with; every quoted
message (a backticked fragment with a space in it; `...` stands for words the table leaves out)
must appear in one of them, in order. A row that quotes a message and has no trigger fails, so a
new row cannot quote what nobody checked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import REPO, cli_here
from rnn_cookbook.core.errors import CookbookError

README = REPO / "README.md"


def table_rows() -> list[tuple[str, str]]:
    """(input cell, answer cell) of each row of the troubleshooting table."""
    text = README.read_text()
    section = text[text.index("## Troubleshooting"):]
    section = section[: section.index("\n## ", 1)]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("input", "---"):
            rows.append((cells[0], cells[2]))
    return rows


def quoted_messages(answer: str) -> list[str]:
    """The messages an answer cell quotes: backticked fragments with a space (not `metrics.json`, `--epochs`)."""
    return [fragment for fragment in re.findall(r"`([^`]+)`", answer) if " " in fragment]


def appears(quote: str, messages: list[str]) -> bool:
    """The quote's pieces between `...` appear in one message, in order."""
    pieces = [piece.strip() for piece in quote.split("...") if piece.strip()]
    for message in messages:
        at = 0
        for piece in pieces:
            found = message.find(piece, at)
            if found < 0:
                break
            at = found + len(piece)
        else:
            return True
    return False


def error_of(call: Callable[..., object], *args: object, **kwargs: object) -> str:
    """The message of the `CookbookError` that `call(*args, **kwargs)` raises (the test fails if it raises none)."""
    try:
        call(*args, **kwargs)
    except CookbookError as exc:
        return str(exc)
    pytest.fail("expected an error, got none")


def cli_error(*args: str) -> str:
    """What `rnn-cookbook ARGS` prints on stderr, without the `error: ` prefix, and its exit code checked."""
    done = cli_here(*args)
    assert done.returncode in (1, 2), done.stdout
    return done.stderr.strip().removeprefix("error: ")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, quick_run):
    """The quick runs the rows need: a classifier, a generator, a translator, a forecaster of many columns."""
    from test_forecaster import write_air_quality

    from rnn_cookbook.recipes import char_lstm_generator, sentiment_rnn, timeseries_forecaster, translator

    folder = tmp_path_factory.mktemp("troubleshooting")
    text = folder / "play.txt"
    text.write_text("ROMEO:\nI walk the garden late and speak to the moon.\n" * 30)
    write_air_quality(folder / "air.csv")
    forecaster = timeseries_forecaster.Config.quick().replace(
        series=str(folder / "air.csv"), column="pm2.5,TEMP", features="all", date_column="year,month,day,hour", window=24,
        horizon=2,
    )
    return {
        "folder": folder,
        "forecaster": quick_run.run.path,
        "classifier": sentiment_rnn.train(sentiment_rnn.Config.quick(), output=folder / "sentiment", verbose=0).run.path,
        "generator": char_lstm_generator.train(
            char_lstm_generator.Config.quick().replace(data=str(text), sample_every=0), output=folder / "char", verbose=0
        ).run.path,
        "translator": translator.train(
            translator.Config.quick().replace(max_source_length=32, epochs=1),  # only its refusals are read
            output=folder / "translator", verbose=0,
        ).run.path,
        "air": timeseries_forecaster.train(forecaster, output=folder / "air", verbose=0).run.path,
    }


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def empty_text(runs):
    return [cli_error("predict", str(runs["classifier"]), "")]


def no_texts(runs):
    from rnn_cookbook import predict_texts

    return [error_of(lambda: predict_texts(runs["classifier"], [])), error_of(lambda: predict_texts(runs["classifier"], [b"x"]))]


def bad_prompt(runs):
    return [cli_error("generate", str(runs["generator"]), "--prompt", ""), cli_error("generate", str(runs["generator"]), "--prompt", "é")]


def bad_lengths(runs):
    generator = str(runs["generator"])
    return [cli_error("generate", generator, "--prompt", "RO", "--length", "0"),
            cli_error("generate", generator, "--prompt", "RO", "--temperature", "-1")]


def not_a_sum(runs):
    from rnn_cookbook.seq2seq.addition import check_questions

    return [error_of(check_questions, [text], digits=3) for text in ("hello", "")]


def bad_sentences(runs):
    translator = str(runs["translator"])
    return [cli_error("translate", translator, text) for text in ("", "xyz", "我很好。" * 10)]


def bad_pair_lines(runs):
    from rnn_cookbook.translation.pairs import load_pairs

    folder = runs["folder"]
    good = "Hi.\t你好。\n" * 6
    one_column = write(folder, "cmn.txt", good + "no tab here\n")
    empty_side = write(folder, "cmn2.txt", good + "\t再见。\n")
    return [error_of(lambda: load_pairs(one_column)), error_of(lambda: load_pairs(empty_side))]


def bad_tables(runs):
    from rnn_cookbook.forecasting.series import load_series

    folder = runs["folder"]
    cases = [
        ("f.csv", "y,x\n1,\n,2\n,3\n,4\n5,5\n", {"column": "y", "features": "x"}),
        ("f.csv", "d,y\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", {"column": "y", "date_column": "d"}),
        ("f.csv", "d,y\n2020-01-01,1\nlater,2\n", {"column": "y", "date_column": "d"}),
    ]
    return [error_of(load_series, write(folder, name, text), **settings) for name, text, settings in cases]


def bad_columns(runs):
    from rnn_cookbook.forecasting.series import load_series

    folder = runs["folder"]
    words = write(folder, "f.csv", "y,w\n" + "".join(f"{i},w{i}\n" for i in range(60)))
    messages = [error_of(lambda: load_series(words, column="y", features="w"))]
    missing = write(folder, "f.csv", "y;x\n1;a\n2;b\n")
    return messages + [error_of(lambda: load_series(missing, column="z"))]


def bad_new_data(runs):
    from rnn_cookbook.forecasting.forecast import ForecasterRun

    frame = pd.read_csv(runs["folder"] / "air.csv")
    path = runs["folder"] / "new.csv"
    messages = []
    for changed in (frame.drop(columns=["TEMP"]), frame.iloc[:10], frame.assign(TEMP=frame["TEMP"].where(frame.index != frame.index[-3]))):
        changed.to_csv(path, index=False)
        messages.append(error_of(lambda: ForecasterRun(runs["air"]).forecast(path)))
    return messages


def bad_arrays(runs):
    from rnn_cookbook.forecasting.windows import make_windows
    from rnn_cookbook.numpy_rnn import NumpyRNN

    return [error_of(lambda: make_windows(np.zeros((4, 3, 2)), 2, 1, start=0, stop=4)), error_of(lambda: NumpyRNN(5, 4).forward([0.5, 1.5]))]


def bad_numbers(runs):
    return [cli_error("run", "timeseries_forecaster", "--quick", "--epochs", "0")]


def code_in_a_model(runs):
    import keras

    from rnn_cookbook.core.runs import RunFolder

    copy = runs["folder"] / "carrying_code"
    shutil.copytree(runs["forecaster"], copy, dirs_exist_ok=True)
    inputs = keras.Input(shape=(3,))
    keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs)).save(copy / "model.keras")
    cut = runs["folder"] / "cut_short"
    shutil.copytree(runs["forecaster"], cut, dirs_exist_ok=True)
    (cut / "model.keras").write_bytes((cut / "model.keras").read_bytes()[:1000])
    return [error_of(lambda: RunFolder.open(copy).load_model()), error_of(lambda: RunFolder.open(cut).load_model())]


def mixed_encodings(runs):
    from rnn_cookbook.core.reading import EncodingLog, read_text_file

    path = runs["folder"] / "mixed.csv"
    path.write_bytes(("text,label\n" + "".join(f"café number {i},pos\n" for i in range(60))).encode("utf-8") + "café,neg\n".encode("latin-1"))
    log = EncodingLog()
    read_text_file(path, None, log)
    return log.notes()


def not_text(runs):
    path = runs["folder"] / "sales.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return [cli_error("run", "timeseries_forecaster", "--quick", "--set", f"series={path}")]


def taken_output(runs):
    folder = runs["folder"] / "taken"
    folder.mkdir(exist_ok=True)
    (folder / "notes.txt").write_text("mine")
    return [
        cli_error("run", "timeseries_forecaster", "--quick", "--output", str(runs["classifier"])),
        cli_error("run", "timeseries_forecaster", "--quick", "--output", str(folder)),
    ]


def bad_config_files(runs):
    folder = runs["folder"]
    null = folder / "null.json"
    null.write_text(json.dumps({"recipe": "timeseries_forecaster", "config": None}))
    maybe = folder / "maybe.json"
    maybe.write_text(json.dumps({"recipe": "timeseries_forecaster", "config": {"residual": "maybe"}}))
    return [cli_error("run", "timeseries_forecaster", "--config", str(path), "--show-config") for path in (folder, null, maybe)]


def diverging(runs):
    return [cli_error("run", "timeseries_forecaster", "--quick", "--set", "learning_rate=1e30", "--output", str(runs["folder"] / "nan"))]


def too_large(runs):
    return [cli_error("run", "timeseries_forecaster", "--quick", "--set", "units=100000000")]


def bad_text_files(runs):
    from rnn_cookbook.text.labelled import load_texts

    folder = runs["folder"]
    reviews = [(f"review number {i} is {'good' if i % 2 else 'bad'}", "pos" if i % 2 else "neg") for i in range(20)]
    lines = [f"{text}\t{label}" for text, label in reviews]
    lines[11] += "\textra"
    ragged = write(folder, "f.tsv", "\n".join(lines) + "\n")
    rows = ["text,label,part"] + [f"{text},{label},{'holdout' if i == 5 else 'train' if i < 10 else 'test'}" for i, (text, label) in enumerate(reviews)]
    split = write(folder, "split.csv", "\n".join(rows) + "\n")
    classes = folder / "classes"
    for name in ("neg", "pos"):
        (classes / name).mkdir(parents=True, exist_ok=True)
        (classes / name / "a.txt").write_text(f"one {name} text")
    (classes / "neutral").mkdir(exist_ok=True)
    one_class = write(folder, "one.tsv", "".join(f"{text}\tpos\n" for text, _ in reviews))
    return [
        error_of(lambda: load_texts(ragged, header=False)),
        error_of(lambda: load_texts(split, split_column="part")),
        error_of(lambda: load_texts(str(classes))),
        error_of(lambda: load_texts(one_class, header=False)),
    ]


def bad_strategies(runs, monkeypatch):
    import tensorflow as tf

    from rnn_cookbook.core.distribute import Distribution

    messages = [cli_error("run", "timeseries_forecaster", "--quick", "--strategy", name) for name in ("data_parallel", "multiworker")]
    cluster = {"KERAS_DISTRIBUTION_JOB_ADDRESSES": "localhost:1,localhost:2", "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
               "KERAS_DISTRIBUTION_PROCESS_ID": "0"}
    for name, value in cluster.items():
        monkeypatch.setenv(name, value)
    messages.append(cli_error("run", "timeseries_forecaster", "--quick", "--strategy", "data_parallel"))
    distribution = Distribution("data_parallel", replicas=2)
    too_small = distribution.global_batches(tf.data.Dataset.range(40).batch(32), 32)
    messages.append(error_of(lambda: distribution.check_whole_batches(too_small, 32, "training")))
    return messages


def still_improving(runs):
    from rnn_cookbook.core.training import budget_notes

    return [f"note: {note}" for note in budget_notes({"val_loss": [float(10 - i) for i in range(10)]}, 10)]


def baseline_wins(runs):
    from rnn_cookbook.core.headline import validation_notes
    from rnn_cookbook.core.training import Evaluation

    checked = Evaluation(data="co2", split="validation", model={"mae": 0.2}, baselines={"linear_regression": {"mae": 0.1}})
    return [f"note: {note}" for note in validation_notes(checked, "highway=fitted")]


#: The first words of a row's input cell -> what sends that input and returns the answers.
TRIGGERS: dict[str, Callable[..., list[str]]] = {
    "empty or whitespace-only text": empty_text,
    "no texts, a number, bytes": no_texts,
    "empty prompt, characters the model never saw": bad_prompt,
    "length ≤ 0, temperature < 0": bad_lengths,
    '"hello", "" instead of a sum': not_a_sum,
    "empty text, text of characters the model never saw": bad_sentences,
    "a pair file line with one column": bad_pair_lines,
    "a target more than half empty": bad_tables,
    "a column of free text as a feature": bad_columns,
    "new data without a column the model reads": bad_new_data,
    "arrays of the wrong rank or dtype": bad_arrays,
    "zero or negative epochs": bad_numbers,
    "a model file carrying code": code_in_a_model,
    "a UTF-8 file with a few lines": mixed_encodings,
    "a file that is not text at all": not_text,
    "`--output` on a folder": taken_output,
    "a config file that is a folder": bad_config_files,
    "a learning rate so high": diverging,
    "settings whose model cannot fit": too_large,
    "a row with one field too many": bad_text_files,
    "a strategy of the other backend": bad_strategies,
    "`note: the validation loss was still falling": still_improving,
    "`note: on the validation split": baseline_wins,
}
ROWS = table_rows()


def trigger_for(row_input: str) -> Callable[..., list[str]] | None:
    return next((trigger for start, trigger in TRIGGERS.items() if row_input.startswith(start)), None)


def test_the_table_is_read_and_every_trigger_has_its_row():
    assert len(ROWS) >= 15
    for start in TRIGGERS:
        assert any(row_input.startswith(start) for row_input, _ in ROWS), f"no row starts with {start!r}"


@pytest.mark.parametrize(("row_input", "answer"), ROWS, ids=[row[0][:40] for row in ROWS])
def test_every_quoted_message_is_the_programs_own(row_input, answer, runs, monkeypatch):
    quotes = quoted_messages(answer)
    if row_input.startswith("`note:"):
        quotes = [row_input.strip("`")]  # this row quotes the program in its input cell
    trigger = trigger_for(row_input)
    if not quotes:
        return  # the row describes an answer without quoting it
    assert trigger is not None, f"the row {row_input!r} quotes {quotes} but no trigger here checks them"
    arguments = {"monkeypatch": monkeypatch} if "monkeypatch" in trigger.__code__.co_varnames[: trigger.__code__.co_argcount] else {}
    messages = trigger(runs, **arguments)
    missing = [quote for quote in quotes if not appears(quote, messages)]
    assert not missing, f"row {row_input!r}: quoted {missing}, the program said:\n" + json.dumps(messages, indent=1, ensure_ascii=False)
