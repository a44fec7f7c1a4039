"""Resume after a crash: a killed run continues from its last saved epoch in the same run folder."""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from conftest import REPO, cli_here
from rnn_cookbook.core import callbacks as presets
from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.runs import EPOCH_LOG, RunFolder

# Quick forecaster epochs take a fraction of a second: 15 of them leave time to kill the run midway
# (it is killed within 20 ms of its third epoch), and few enough that the resumed run is short.
EPOCHS = 15
LONG_QUICK = ["--quick", "--epochs", str(EPOCHS), "--set", f"patience={EPOCHS}", "--set", "reduce_lr_patience=none"]


def logged_epochs(run_dir) -> int:
    """Epochs in the run's live epoch log so far, counting whole lines only (the last may be half written)."""
    try:
        text = (run_dir / EPOCH_LOG).read_text(encoding="utf-8")
    except FileNotFoundError:
        return 0
    whole = text.split("\n")[:-1]  # what follows the last newline is empty or still being written
    return len({row["epoch"] for row in csv.DictReader(whole)})


def saved_epoch(run_dir) -> int:
    """The epoch count in Keras' backup metadata, 0 until the first backup is written."""
    try:
        return json.loads((run_dir / "backup" / "training_metadata.json").read_text())["epoch"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


def test_sigkill_then_resume_continues_from_the_saved_epoch(tmp_path):
    run_dir = tmp_path / "run"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("RNN_COOKBOOK_VERBOSE", None)
    stderr = tmp_path / "first.stderr"
    with open(stderr, "w") as errors:
        first = subprocess.Popen(
            [sys.executable, "-m", "rnn_cookbook", "run", "timeseries_forecaster", *LONG_QUICK, "--output", str(run_dir)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=errors,
        )
    try:
        # Three epochs in the live log: the log comes before the backup, so two are backed up by now.
        hang_guard = time.monotonic() + 600  # only against a hung run: no test of speed
        while logged_epochs(run_dir) < 3:
            if first.poll() is not None and logged_epochs(run_dir) < 3:
                pytest.fail(f"the run ended (exit {first.returncode}) before its third epoch:\n{stderr.read_text()[-2000:]}")
            if time.monotonic() > hang_guard:
                pytest.fail(f"no third epoch in {run_dir / EPOCH_LOG} after 10 minutes: the run hangs")
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    killed_at = saved_epoch(run_dir)
    assert 2 <= killed_at < EPOCHS and not (run_dir / "model.keras").exists()
    assert logged_epochs(run_dir) >= killed_at  # no backed-up epoch is missing from the log

    # A plain rerun into the same folder must not silently resume or overwrite it.
    refused = cli_here("run", "timeseries_forecaster", *LONG_QUICK, "--output", str(run_dir))
    assert refused.returncode != 0 and "add --resume" in refused.stderr

    # Resumed here: this process never saw the killed one, so it reads only what the folder kept.
    resumed = cli_here("run", "timeseries_forecaster", "--output", str(run_dir), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    epochs_printed = [int(line.split()[1].split("/")[0]) for line in resumed.stdout.splitlines() if line.startswith("Epoch ")]
    assert epochs_printed[0] == killed_at + 1  # continued after the saved epoch, not from 1

    run = RunFolder.open(run_dir)  # complete: config, model, history, metrics, plots; the backup is gone
    assert not run.unfinished and (run_dir / "metrics.json").is_file() and (run_dir / "loss.png").is_file()
    with open(run_dir / "history.csv", newline="") as handle:
        epochs = [int(row["epoch"]) for row in csv.DictReader(handle)]
    assert epochs == list(range(1, len(epochs) + 1)) and len(epochs) >= killed_at + len(epochs_printed)
    assert run.load_metrics()["epochs_run"] == len(epochs)
    # The optimizer's state came back with the weights (Adam's moments, its step count): the saved
    # model's optimizer counted the killed process's steps as well as the resumed one's.
    (steps_per_epoch,) = {int(found) for found in re.findall(r"^(\d+)/\1 ", resumed.stdout, re.MULTILINE)}
    assert int(run.load_model().optimizer.iterations) == len(epochs) * steps_per_epoch
    # Its time is every kept epoch's, the killed process's included, not the resumed part's alone.
    times = run.load_epoch_times()
    assert sorted(times) == list(range(len(epochs))) and all(seconds > 0 for seconds in times.values())
    assert run.load_metrics()["wall_time_s"] == pytest.approx(sum(times.values()), abs=0.01)


def test_resume_refuses_what_it_cannot_continue(tmp_path, forecaster, quick_run):
    with pytest.raises(RunFolderError, match="--resume needs --output"):
        forecaster.train(forecaster.Config.quick(), resume=True, verbose=0)
    with pytest.raises(RunFolderError, match="nothing to resume .* no config.json"):
        forecaster.train(forecaster.Config.quick(), output=tmp_path / "empty", resume=True, verbose=0)
    with pytest.raises(RunFolderError, match="finished run: nothing to resume"):
        forecaster.train(forecaster.Config.quick(), output=quick_run.run.path, resume=True, verbose=0)

    unfinished = tmp_path / "unfinished"
    RunFolder.create("timeseries_forecaster", output=unfinished).save_config(forecaster.Config.quick())
    (unfinished / "backup").mkdir()
    with pytest.raises(RunFolderError, match=r"other settings \(units: 8 -> 16\)"):
        forecaster.train(forecaster.Config.quick().replace(units=16), output=unfinished, resume=True, verbose=0)
    with pytest.raises(RunFolderError, match="made by recipe 'timeseries_forecaster', not 'numpy_rnn_scratch'"):
        from rnn_cookbook.recipes import numpy_rnn_scratch

        numpy_rnn_scratch.train(numpy_rnn_scratch.Config.quick(), output=unfinished, resume=True, verbose=0)


def test_numpy_recipe_resumes_to_the_same_model_as_an_unbroken_run(tmp_path, monkeypatch):
    """The NumPy loop backs up its own state (parameters, Adagrad memory, counters) after each epoch."""
    from rnn_cookbook.recipes import numpy_rnn_scratch as recipe

    cfg = recipe.Config.quick().replace(epochs=6, patience=6, reduce_lr_patience=None)
    unbroken = recipe.train(cfg, output=tmp_path / "unbroken", verbose=0)

    real_loss, calls = recipe.evaluate_loss, []

    def crash_in_epoch_4(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt  # as if killed during the fourth epoch's validation
        return real_loss(*args, **kwargs)

    monkeypatch.setattr(recipe, "evaluate_loss", crash_in_epoch_4)
    with pytest.raises(KeyboardInterrupt):
        recipe.train(cfg, output=tmp_path / "broken", verbose=0)
    monkeypatch.setattr(recipe, "evaluate_loss", real_loss)
    broken = RunFolder(tmp_path / "broken")
    arrays, state = broken.load_backup()
    assert state["epoch"] == 3 and state["train_seconds"] > 0
    broken.save_backup(arrays, {**state, "train_seconds": 1000.0})  # as if the first process had taken long

    started = time.perf_counter()
    resumed = recipe.train(cfg, output=tmp_path / "broken", resume=True, verbose=0)
    this_process = time.perf_counter() - started
    assert resumed.history == unbroken.history  # six epochs, none repeated, the same losses
    assert 1000 < resumed.metrics["wall_time_s"] < 1000 + this_process  # the time before the crash counts too
    for name, array in unbroken.model.params.items():
        np.testing.assert_array_equal(resumed.model.params[name], array)
    assert not RunFolder(tmp_path / "broken").unfinished


def test_a_run_resumed_from_before_epoch_times_were_logged_says_what_its_time_counts():
    from rnn_cookbook.core.training import whole_training_time

    assert whole_training_time({0: 1.5, 1: 2.0, 2: 2.5}, 3, this_process_s=4.0) == (6.0, None)
    total, note = whole_training_time({2: 2.5}, 3, this_process_s=4.0)  # epochs 1-2 ran under an older version
    assert total == 4.0 and note.startswith("wall_time_s counts 1 of the 3 epochs")


class Interrupted(Exception):
    """Raised by `StopAfterEpoch`: the kill of a test that needs no second process."""


class StopAfterEpoch(keras.callbacks.Callback):
    """Stop a fit with an exception once epoch `epochs` ends: after its backup, as a kill would."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epochs:
            raise Interrupted


@pytest.mark.parametrize("recipe_name", ["language_model", "sentiment_rnn"])
def test_a_resumed_run_trains_as_an_unbroken_one(tmp_path, monkeypatch, recipe_name):
    # A new process's tf.data shuffles and dropout masks start from their seeds: unless the resume
    # moves them on, its epochs read the data (and drop the units) of the run's first epochs again.
    recipe = importlib.import_module(f"rnn_cookbook.recipes.{recipe_name}")
    cfg = dataclasses.replace(recipe.Config.quick(), epochs=2, patience=2)
    unbroken = recipe.train(cfg, output=tmp_path / "unbroken", verbose=0)

    standard = presets.standard
    monkeypatch.setattr(presets, "standard", lambda *args, **kwargs: [*standard(*args, **kwargs), StopAfterEpoch(1)])
    with pytest.raises(Interrupted):
        recipe.train(cfg, output=tmp_path / "resumed", verbose=0)
    monkeypatch.setattr(presets, "standard", standard)
    resumed = recipe.train(cfg, output=tmp_path / "resumed", verbose=0, resume=True)

    assert resumed.history["loss"] == unbroken.history["loss"]  # the same epochs, to the last digit
    for ours, theirs in zip(resumed.model.get_weights(), unbroken.model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
