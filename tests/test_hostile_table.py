"""Hostile input as a table: each case is the command, the files it makes, and the one line that must come back.

A new user's mistakes, tried the way they make them: config files of the wrong shape, `--set`
values no training can use, data files that are not what their name says, run folders that are
already taken, settings too large for the machine, a learning rate that makes the loss diverge.
Every case runs `rnn-cookbook ...` in this process (`cli_here`) and expects its exit code and a
single `error: ...` line on stderr that matches the case's pattern, with no traceback.

The cases of `EVERY_RECIPE` run for each recipe in the registry, so a new recipe inherits them;
they all stop before any training. The cases of `CASES` each target one recipe.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import cli_here
from rnn_cookbook import registry


class Case(NamedTuple):
    name: str
    make: Callable[[Path], list[str]]  # writes what the case needs under a folder; returns the command's arguments
    code: int
    message: str  # a regular expression the one error line must match


def finished_run_of(recipe: str) -> Callable[[Path], Path]:
    """A folder that looks like a finished run of `recipe` (what a user might pass to --output by mistake)."""

    def make(root: Path) -> Path:
        folder = root / "finished"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({"recipe": recipe, "config": {}}))
        (folder / "model.keras").write_bytes(b"not looked at")
        (folder / "metrics.json").write_text("{}")
        (folder / "vocabulary.json").write_text("{}")
        return folder

    return make


def config_file(content: object) -> Callable[[Path], str]:
    def make(root: Path) -> str:
        path = root / "config.json"
        path.write_text(json.dumps(content))
        return str(path)

    return make


def for_recipe(recipe: str) -> list[Case]:
    """The cases every recipe must answer in one line, before training anything."""
    other = "sentiment_rnn" if recipe != "sentiment_rnn" else "timeseries_forecaster"
    return [
        Case(
            "--output holds a finished run of another recipe",
            lambda root: ["run", recipe, "--quick", "--output", str(finished_run_of(other)(root))],
            1,
            rf"finished/? holds a finished {other} run \(config\.json, metrics\.json, model\.keras, vocabulary\.json\): "
            r"choose another --output, or add --overwrite",
        ),
        Case(
            "--output holds a finished run of the same recipe",
            lambda root: ["run", recipe, "--quick", "--output", str(finished_run_of(recipe)(root))],
            1,
            rf"holds a finished {recipe} run .*--overwrite",
        ),
        Case(
            "--output is a folder of other files",
            lambda root: ["run", recipe, "--quick", "--output", str(_folder_with(root, "notes.txt"))],
            1,
            r"is not empty and holds no run \(notes\.txt\): choose another --output, or add --overwrite",
        ),
        Case("--config is a folder", lambda root: ["run", recipe, "--config", str(root), "--show-config"], 2, r"config file .* is a folder"),
        Case(
            '--config holds "config": null',
            lambda root: ["run", recipe, "--config", config_file({"recipe": recipe, "config": None})(root), "--show-config"],
            2,
            r'"config" must be a mapping .* got null',
        ),
        Case(
            "--config holds a list",
            lambda root: ["run", recipe, "--config", config_file([1, 2])(root), "--show-config"],
            2,
            r"config file .* (must hold|is not) a JSON object",
        ),
        Case(
            "--config gives epochs as a word",
            lambda root: ["run", recipe, "--config", config_file({"recipe": recipe, "config": {"epochs": "ten"}})(root)],
            2,
            r"epochs must be an integer, got 'ten'",
        ),
        Case("--set seed=-1", lambda root: ["run", recipe, "--set", "seed=-1", "--show-config"], 2, r"seed must be an integer >= 0, got -1"),
        Case(
            "--set learning_rate=inf",
            lambda root: ["run", recipe, "--set", "learning_rate=inf", "--show-config"],
            2,
            r"learning_rate must be a finite number > 0, got inf",
        ),
    ]


def _folder_with(root: Path, name: str) -> Path:
    folder = root / "taken"
    folder.mkdir()
    (folder / name).write_text("mine")
    return folder


def png_named_csv(root: Path) -> str:
    path = root / "sales.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return str(path)


def truncated_model(root: Path) -> str:
    """A finished forecaster run whose model.keras was cut to half by an interrupted copy."""
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    run = recipe.train(recipe.Config.quick().replace(epochs=1), output=root / "run", verbose=0).run.path
    whole = (run / "model.keras").read_bytes()
    (run / "model.keras").write_bytes(whole[: len(whole) // 2])
    return str(run)


CASES = [
    Case(
        "a PNG renamed .csv",
        lambda root: ["run", "timeseries_forecaster", "--quick", "--set", f"series={png_named_csv(root)}"],
        1,
        r"sales\.csv is not a text table: it is a PNG image",
    ),
    Case(
        "a column given as a JSON list",
        lambda root: ["run", "timeseries_forecaster", "--config", config_file({"recipe": "timeseries_forecaster", "config": {"column": ["a", "b"]}})(root)],
        2,
        r"column must be a string or none, got \['a', 'b'\]",
    ),
    Case(
        "a window longer than any series",
        lambda root: ["run", "timeseries_forecaster", "--quick", "--set", "window=1000000000", "--output", str(root / "run")],
        1,
        r"too short for windows of 1000000000 steps .*it needs at least 1,428,571,430; use a shorter window",
    ),
    Case(
        "units too large for memory",
        lambda root: ["run", "timeseries_forecaster", "--quick", "--set", "units=100000000", "--output", str(root / "run")],
        2,
        r"a model of 10,000,000,\d{3},\d{3},\d{3} parameters, which needs about [\d.,]+ PB .* more than half of this machine's",
    ),
    Case(
        "a forecaster whose loss diverges",
        lambda root: ["run", "timeseries_forecaster", "--quick", "--set", "learning_rate=1e30", "--output", str(root / "run")],
        1,
        r"training diverged at epoch 1 \(loss nan.*\) with learning_rate 1e\+30; no model was saved .*failed\.json.*"
        r"--set learning_rate=0\.001",
    ),
    Case(
        "a text classifier whose loss diverges",
        lambda root: ["run", "sentiment_rnn", "--quick", "--set", "learning_rate=1e30", "--output", str(root / "run")],
        1,
        r"training diverged at epoch \d+ \(.*nan.*\) with learning_rate 1e\+30",
    ),
    Case(
        "a model.keras cut short",
        lambda root: ["forecast", truncated_model(root), "--series", "co2"],
        1,
        r"cannot load .*model\.keras: it is not a whole \.keras file \([\d,]+ bytes that do not read as a zip archive",
    ),
    Case(
        "--resume on a finished run",
        lambda root: ["run", "timeseries_forecaster", "--output", str(Path(truncated_model(root)).parent / "run"), "--resume"],
        1,
        r"holds a finished run: nothing to resume",
    ),
]


def check(case: Case, root: Path) -> None:
    args = case.make(root)
    before = _digest(root)
    done = cli_here(*args)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == case.code, f"{case.name}: exit {done.returncode}\n{done.stderr[-1500:]}"
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in done.stderr, f"{case.name}: {done.stderr[-1500:]}"
    assert re.search(case.message, errors[0]), f"{case.name}: {errors[0]!r} does not match {case.message!r}"
    if "--output" in args and case.code and "diverges" not in case.name and "too large" not in case.name:
        assert _digest(root) == before, f"{case.name}: a refused run changed the files it was given"


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("recipe", registry.names())
def test_every_recipe_answers_hostile_input_in_one_line(recipe, tmp_path):
    for number, case in enumerate(for_recipe(recipe)):
        root = tmp_path / str(number)
        root.mkdir()
        check(case, root)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_gets_one_true_line(case, tmp_path):
    check(case, tmp_path)


def test_a_diverged_run_leaves_a_failed_folder_and_no_model(tmp_path):
    done = cli_here("run", "timeseries_forecaster", "--quick", "--set", "learning_rate=1e30", "--output", str(tmp_path / "run"))
    assert done.returncode == 1
    failed = json.loads((tmp_path / "run" / "failed.json").read_text())
    assert failed["epoch"] == 1 and failed["learning_rate"] == pytest.approx(1e30) and failed["reason"] == "the loss diverged"
    assert not (tmp_path / "run" / "model.keras").exists() and not (tmp_path / "run" / "backup").exists()
    reopened = cli_here("forecast", str(tmp_path / "run"), "--series", "co2")
    assert reopened.returncode == 1 and "holds a run that failed (the loss diverged at epoch 1): it saved no model" in reopened.stderr
    again = cli_here("run", "timeseries_forecaster", "--quick", "--output", str(tmp_path / "run"))
    assert again.returncode == 1 and "run that did not finish" in again.stderr and "--overwrite" in again.stderr
