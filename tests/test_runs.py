"""Run folders: atomic writes, the metrics shape, and a finished run reopened in full."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.files import atomic_path, atomic_write_text
from rnn_cookbook.core.runs import METRICS_KEYS, RunFolder, metrics_record, metrics_table


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path):
    target = tmp_path / "metrics.json"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half of the new")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


def test_a_failed_figure_save_leaves_nothing_behind(tmp_path):
    class BrokenFigure:
        def savefig(self, path, **kwargs):
            open(path, "wb").write(b"\x89PNG partial")
            raise OSError("interrupted")

    run = RunFolder.create("demo", output=tmp_path / "run")
    with pytest.raises(OSError):
        run.save_figure(BrokenFigure(), "plot.png")
    assert list(run.path.iterdir()) == []


def test_create_makes_unique_timestamped_folders(tmp_path):
    first = RunFolder.create("demo", root=tmp_path)
    second = RunFolder.create("demo", root=tmp_path)
    assert first.path != second.path and first.path.parent == tmp_path / "demo"
    with pytest.raises(RunFolderError, match="no run folder"):
        RunFolder.open(tmp_path / "missing")
    with pytest.raises(RunFolderError, match="missing config.json, model.keras"):
        RunFolder.open(first.path)


def test_metrics_record_shape_and_table():
    record = metrics_record(
        recipe="demo",
        data="co2",
        split="test",
        model={"mae": np.float32(0.25), "rmse": 0.5},
        baselines={"persistence": {"mae": 0.4, "rmse": 0.6}},
        epochs_run=3,
        wall_time_s=1.234,
        seed=0,
    )
    assert tuple(record) == METRICS_KEYS
    assert record["model"]["mae"] == pytest.approx(0.25) and isinstance(record["model"]["mae"], float)
    assert record["keras_backend"] == keras.backend.backend()  # the backend this process runs, whichever it is
    json.dumps(record)
    table = metrics_table(record).splitlines()
    assert table[0] == "test metrics on co2"
    assert table[1].split() == ["mae", "rmse"]
    assert table[2].split() == ["model", "0.25", "0.5"]
    assert table[3].split() == ["persistence", "0.4", "0.6"]
    wide = metrics_table({**record, "model": {"bits_per_char": 1.5}, "baselines": {}}).splitlines()
    assert wide[1].endswith("bits_per_char") and wide[2].endswith("1.5")  # long names keep their column


def test_history_round_trip(tmp_path):
    run = RunFolder.create("demo", output=tmp_path)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    run.save_history(history)
    assert run.file("history.csv").read_text().splitlines()[0] == "epoch,loss,val_loss"
    assert run.load_history() == history


def test_finished_run_reopens_with_same_config_and_predictions(quick_run, forecaster):
    run = RunFolder.open(quick_run.run.path)
    names = {p.name for p in run.path.iterdir()}
    assert {"config.json", "history.csv", "metrics.json", "model.keras", "loss.png", "forecast.png"} <= names
    assert not (run.path / "backup").exists()  # Keras removes the backup after a finished fit
    assert not [n for n in names if n.startswith(".")]  # no temporary files left
    for png in ("loss.png", "forecast.png"):
        assert run.file(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert run.recipe == "timeseries_forecaster"
    cfg = run.load_config(forecaster.Config)
    assert cfg == quick_run.config
    model = run.load_model()
    data = forecaster.load_data(cfg)
    inputs = data.windows.test.inputs[:64]
    np.testing.assert_allclose(model.predict(inputs, verbose=0), quick_run.model.predict(inputs, verbose=0), rtol=1e-6)

    metrics = run.load_metrics()
    assert tuple(metrics) == (*METRICS_KEYS, "samples_per_s", "notes", "validation") and metrics == quick_run.metrics  # a Keras recipe counts its examples
    assert "try a larger --epochs" in metrics["notes"][0]  # the quick run's 2 epochs end while it still improves
    assert len(run.load_history()["loss"]) == metrics["epochs_run"]


def test_run_of_another_recipe_is_refused(quick_run):
    import dataclasses
    from typing import ClassVar

    from rnn_cookbook.core.config import RecipeConfig

    @dataclasses.dataclass
    class OtherConfig(RecipeConfig):
        recipe: ClassVar[str] = "sentiment_rnn"

    with pytest.raises(RunFolderError, match="made by recipe 'timeseries_forecaster', not 'sentiment_rnn'"):
        RunFolder.open(quick_run.run.path).load_config(OtherConfig)


def test_a_corrupt_model_file_is_a_clear_error(tmp_path, quick_run):
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(quick_run.run.path, copy)
    (copy / "model.keras").write_bytes(b"this is not a keras archive")
    with pytest.raises(RunFolderError, match="cannot load .*model.keras"):
        RunFolder.open(copy).load_model()
