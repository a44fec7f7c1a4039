"""Callback presets: the tutorials' settings, and the rnn-practice tutorial's mistake refused."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from rnn_cookbook.core import callbacks
from rnn_cookbook.core.errors import ConfigError, RunFolderError


def test_early_stopping_preset_is_the_ithome_rnn_tutorials_setting():
    preset = callbacks.early_stopping()
    assert (preset.monitor, preset.patience, preset.restore_best_weights) == ("val_loss", 3, True)


def _plateau(callback, learning_rate, epochs):
    """Drive a ReduceLROnPlateau through `epochs` epochs of unchanging val_loss; return the final rate."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    callback.set_model(model)
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_end(epoch, {"val_loss": 1.0})
    return float(np.asarray(model.optimizer.learning_rate))


def test_reduce_lr_preset_keeps_the_rnn_practice_tutorials_settings_and_actually_reduces_the_rate():
    preset = callbacks.reduce_lr_on_plateau(1e-3)
    assert (preset.monitor, preset.factor, preset.patience) == ("val_loss", 0.2, 5)  # the rnn-practice tutorial
    assert _plateau(preset, 1e-3, epochs=8) == pytest.approx(2e-4)
    # The rnn-practice tutorial's own settings (min_lr=0.001 with Adam(0.001)) leave the rate where it was:
    as_written = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
    assert _plateau(as_written, 1e-3, epochs=8) == pytest.approx(1e-3)
    with pytest.raises(ConfigError, match="min_lr=0.001 is not below the starting learning rate 0.001"):
        callbacks.reduce_lr_on_plateau(1e-3, min_lr=1e-3)


def test_standard_composes_presets_inside_the_run_folder(tmp_path):
    chosen = callbacks.standard(tmp_path, learning_rate=1e-3, patience=4, reduce_lr_patience=2)
    kinds = [type(c).__name__ for c in chosen]
    assert kinds == ["EarlyStopping", "ReduceLROnPlateau", "CSVLogger", "EpochTimes", "BackupAndRestore"]  # log, then back up
    assert chosen[0].patience == 4 and chosen[1].patience == 2
    assert chosen[2].filename == str(tmp_path / "logs" / "epochs.csv")
    assert chosen[3].path == tmp_path / "logs" / "epoch_times.csv"
    assert chosen[4].backup_dir == str(tmp_path / "backup") and chosen[4].double_checkpoint

    everything = callbacks.standard(
        tmp_path, learning_rate=1e-3, backup=False, keep_best_checkpoint=True, with_tensorboard=True
    )
    kinds = [type(c).__name__ for c in everything]
    assert kinds == ["EarlyStopping", "CSVLogger", "EpochTimes", "ModelCheckpoint", "TensorBoard"]
    assert everything[3].filepath == str(tmp_path / "checkpoints" / "best.keras")


def test_standard_refuses_a_schedule_early_stopping_would_cut_off(tmp_path):
    with pytest.raises(ConfigError, match="must be below the early-stopping patience"):
        callbacks.standard(tmp_path, learning_rate=1e-3, patience=3, reduce_lr_patience=5)


class _StopAfter(keras.callbacks.Callback):
    """Interrupt `fit` at the start of epoch `epoch`, as a kill would, leaving the backup behind."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def _small_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.parametrize(
    ("record_text", "resumes_at"), [("", 2), ('{"epoch": 3, "ba', 2), ('{"epoch": 3, "batch": 0}', 3)]
)
def test_backup_resumes_from_the_last_whole_epoch_record(tmp_path, record_text, resumes_at):
    """A kill between the weights and the epoch record: resume from the previous, whole backup pair."""
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _small_model().fit(x, y, epochs=10, verbose=0, callbacks=[callbacks.backup_and_restore(backup), _StopAfter(3)])
    assert json.loads((backup / "training_metadata.json.bkp").read_text())["epoch"] == 2  # the pair before
    (backup / "training_metadata.json").write_text(record_text)  # what a kill mid-write leaves
    history = _small_model().fit(x, y, epochs=5, verbose=0, callbacks=[callbacks.backup_and_restore(backup)])
    assert history.epoch == list(range(resumes_at, 5))


@pytest.mark.parametrize("record_text", ["", None])  # written empty, or not written at all
def test_backup_cut_short_in_its_first_epoch_starts_afresh(tmp_path, record_text):
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _small_model().fit(x, y, epochs=10, verbose=0, callbacks=[callbacks.backup_and_restore(backup), _StopAfter(1)])
    assert not (backup / "training_metadata.json.bkp").exists()  # one backup so far: nothing to fall back to
    (backup / "latest.weights.h5").write_bytes(b"half an HDF5 file")
    if record_text is None:
        (backup / "training_metadata.json").unlink()
    else:
        (backup / "training_metadata.json").write_text(record_text)
    history = _small_model().fit(x, y, epochs=3, verbose=0, callbacks=[callbacks.backup_and_restore(backup)])
    assert history.epoch == [0, 1, 2]


@pytest.mark.parametrize(("other_process", "resumes_at"), [(3, 3), (2, 2), (0, 0)])
def test_processes_resume_from_the_oldest_backup_among_them(tmp_path, other_process, resumes_at):
    """A data-parallel run killed while one process had backed up an epoch the other had not:
    `oldest` (here a stand-in for the gather over processes) names the epoch every process resumes at."""
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _small_model().fit(x, y, epochs=10, verbose=0, callbacks=[callbacks.backup_and_restore(backup), _StopAfter(3)])
    told = []

    def oldest(mine):
        told.append(mine)
        return min(mine, other_process)

    history = _small_model().fit(x, y, epochs=5, verbose=0, callbacks=[callbacks.backup_and_restore(backup, oldest)])
    assert told == [3] and history.epoch == list(range(resumes_at, 5))


def test_processes_too_far_apart_to_resume_together_are_refused(tmp_path):
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _small_model().fit(x, y, epochs=10, verbose=0, callbacks=[callbacks.backup_and_restore(backup), _StopAfter(3)])
    with pytest.raises(RunFolderError, match="backed up epoch 3 and another only epoch 1"):
        _small_model().fit(x, y, epochs=5, verbose=0, callbacks=[callbacks.backup_and_restore(backup, lambda mine: 1)])


def test_throughput_reports_each_epoch_and_what_is_left_unless_epochs_are_short(capsys):
    x, y = np.zeros((32, 3), "float32"), np.zeros((32, 1), "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    progress = callbacks.Throughput(32, 3, label="translator", unit="sentences")
    model.fit(x, y, validation_data=(x, y), epochs=3, verbose=0, callbacks=[progress])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" done,")[0] for line in lines] == [f"translator: epoch {n}/3" for n in (1, 2, 3)]
    assert "sentences/s, validation loss 0.0000, at most " in lines[0] and lines[0].endswith("left for 2 more epoch(s)")
    quiet = callbacks.Throughput(32, 3, label="translator", unit="sentences", quiet_below_s=60)  # a quick run's epochs
    model.fit(x, y, epochs=3, verbose=0, callbacks=[quiet])
    assert capsys.readouterr().out == ""
    assert callbacks.duration(59 * 60) == "59 min" and callbacks.duration(65 * 60) == "1 h 05 min"
