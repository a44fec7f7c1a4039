"""Callback presets: the tutorials' training callbacks with settings that actually do something.

    early_stopping()             the ithome-rnn tutorial: stop after 3 epochs without a better val_loss, keep the best weights
    reduce_lr_on_plateau(1e-3)   the rnn-practice tutorial: multiply the rate by 0.2 after 5 flat epochs, down to a floor
                                 *below* the starting rate (the rnn-practice tutorial's min_lr=0.001 with Adam(0.001)
                                 could never reduce anything)
    checkpoint(path)             keep the best model seen so far as a .keras file
    backup_and_restore(dir)      resume an interrupted fit from its last finished epoch
    csv_logger(path)             one CSV line per epoch, appended as training goes
    tensorboard(dir)             logs for `tensorboard --logdir`
    standard(run, ...)           the set a recipe uses, with every path inside its run folder
    Throughput(n, epochs, ...)   examples/s and the time left, for runs of hours
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core.errors import ConfigError, RunFolderError


def early_stopping(
    monitor: str = "val_loss", patience: int = 3, restore_best_weights: bool = True
) -> keras.callbacks.EarlyStopping:
    """Stop when `monitor` has not improved for `patience` epochs (the ithome-rnn tutorial's settings)."""
    return keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=restore_best_weights, verbose=0
    )


def reduce_lr_on_plateau(
    learning_rate: float,
    monitor: str = "val_loss",
    factor: float = 0.2,
    patience: int = 5,
    min_lr: float | None = None,
) -> keras.callbacks.ReduceLROnPlateau:
    """Multiply the learning rate by `factor` after `patience` flat epochs (the rnn-practice tutorial's settings).

    `min_lr` defaults to 1/100 of the starting `learning_rate`; a floor at or above the starting
    rate (the rnn-practice tutorial's mistake) is refused because the callback could never act.
    """
    if min_lr is None:
        min_lr = learning_rate / 100
    if min_lr >= learning_rate:
        raise ConfigError(
            f"reduce_lr_on_plateau: min_lr={min_lr:g} is not below the starting learning rate "
            f"{learning_rate:g}, so the rate could never be reduced"
        )
    return keras.callbacks.ReduceLROnPlateau(
        monitor=monitor, factor=factor, patience=patience, min_lr=min_lr, verbose=0
    )


def checkpoint(path: str | Path, monitor: str = "val_loss") -> keras.callbacks.ModelCheckpoint:
    """Save the best model so far (by `monitor`) to `path`, a `.keras` file."""
    return keras.callbacks.ModelCheckpoint(str(path), monitor=monitor, save_best_only=True, verbose=0)


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """Keras' `BackupAndRestore`, which also resumes when a kill cut its epoch record short.

    After each epoch Keras writes the weights, then a small `training_metadata.json` with the epoch.
    A kill between the two leaves new weights beside an empty, half-written or missing record, which
    Keras cannot read (it falls back to the previous backup only when the weights are unreadable). With
    `double_checkpoint` the previous epoch's pair is still there as `.bkp` files: this resumes from
    that pair, the last one known whole, or starts afresh if there is none yet.

    Keras saves the weights alone, not where the model's random layers (dropout) had got to: their
    seed states travel in the epoch record too, so that a resumed run draws the masks an unbroken
    one would. `on_resume(epochs)` hears how many epochs the restored backup holds, before the first
    epoch runs: `train_recipe` moves its data's shuffles on by as many (`pipeline.skip_epochs`).
    """

    RECORD = "training_metadata.json"  # Keras' names for its backup files
    WEIGHTS = "latest.weights.h5"

    def __init__(
        self,
        backup_dir: str,
        *,
        oldest: Callable[[int], int] | None = None,
        on_resume: Callable[[int], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(backup_dir, **kwargs)
        self.oldest = oldest
        self.on_resume = on_resume

    def on_train_begin(self, logs: dict | None = None) -> None:
        folder = Path(self.backup_dir)
        record, weights = folder / self.RECORD, folder / self.WEIGHTS
        if (record.exists() or weights.exists()) and _epoch_of(record) is None:
            if not self._fall_back():  # the first epoch's backup was cut short: nothing whole to resume from
                self._start_afresh()
        if self.oldest is not None:
            self._agree_on_the_epoch()
        super().on_train_begin(logs)
        finished = _epoch_of(record)  # read after Keras, which may have fallen back to the previous backup
        if finished:
            self._restore_random_states(record)
            if self.on_resume is not None:
                self.on_resume(finished)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Keras' backup, then the states of the model's random layers (dropout's masks) in its record."""
        super().on_epoch_end(epoch, logs)
        record = Path(self.backup_dir) / self.RECORD
        if self.save_freq != "epoch":  # Keras backed up mid-epoch, or not at all: no record of this epoch to add to
            return
        saved = json.loads(record.read_text(encoding="utf-8"))
        saved["random_states"] = [keras.ops.convert_to_numpy(state).tolist() for state in random_states(self.model)]
        record.write_text(json.dumps(saved), encoding="utf-8")

    def _restore_random_states(self, record: Path) -> None:
        """Put back what `on_epoch_end` kept; a record without them (a backup by an older version) leaves them be."""
        saved = json.loads(record.read_text(encoding="utf-8")).get("random_states")
        states = random_states(self.model)
        if isinstance(saved, list) and len(saved) == len(states):
            for state, value in zip(states, saved, strict=True):
                state.assign(value)

    def _agree_on_the_epoch(self) -> None:
        """Resume every process of a data-parallel run from the same epoch.

        Processes killed together may hold different last epochs: one had backed up epoch k while
        another was still writing it. They cannot be further apart, since no process starts
        an epoch's first step before every other has finished the epoch before, callbacks included.
        `oldest(epochs)` (the smallest count of finished epochs over all processes) names the epoch
        all resume from: a process one epoch ahead takes its previous backup.
        """
        record = Path(self.backup_dir) / self.RECORD
        mine = _epoch_of(record) or 0  # Keras records how many epochs had finished
        agreed = self.oldest(mine)
        if agreed == mine:
            return
        if agreed == 0:
            self._start_afresh()
        elif not (self._fall_back() and _epoch_of(record) == agreed):
            raise RunFolderError(
                f"cannot resume: this process backed up epoch {mine} and another only epoch {agreed}, "
                "and the backup of that epoch is gone here"
            )

    def _fall_back(self) -> bool:
        """Replace the backup by the previous one (the `.bkp` pair), if that is whole."""
        folder = Path(self.backup_dir)
        record, weights = folder / self.RECORD, folder / self.WEIGHTS
        previous_record, previous_weights = (path.with_name(path.name + ".bkp") for path in (record, weights))
        if _epoch_of(previous_record) is None or not previous_weights.exists():
            return False
        shutil.copyfile(previous_weights, weights)
        shutil.copyfile(previous_record, record)
        return True

    def _start_afresh(self) -> None:
        folder = Path(self.backup_dir)
        (folder / self.RECORD).unlink(missing_ok=True)
        (folder / self.WEIGHTS).unlink(missing_ok=True)


def random_states(model: keras.Model) -> list[keras.Variable]:
    """The seed states of the model's random layers (dropout, noise): variables, but not among its weights."""
    weights = {id(weight) for weight in model.weights}
    return [v for v in model.variables if id(v) not in weights and v.path.endswith("seed_generator_state")]


def _epoch_of(path: Path) -> int | None:
    """The epoch of a whole epoch record (`{"epoch": n, ...}`); None if `path` is not one."""
    try:
        epoch = json.loads(path.read_text(encoding="utf-8")).get("epoch")
    except (OSError, ValueError, AttributeError):
        return None
    return epoch if isinstance(epoch, int) and not isinstance(epoch, bool) else None


def backup_and_restore(
    backup_dir: str | Path,
    oldest: Callable[[int], int] | None = None,
    on_resume: Callable[[int], None] | None = None,
) -> BackupAndRestore:
    """Back up the weights, the optimizer state and the epoch after each epoch, so a killed run resumes.

    `double_checkpoint` keeps the previous backup until the new one is written: a kill during the
    write falls back to the epoch before rather than to a half-written file (see `BackupAndRestore`).
    Keras deletes the backup when `fit` finishes normally. `oldest` makes the processes of one
    data-parallel run resume from the same epoch (`Distribution.oldest`); `on_resume(epochs)` hears
    how many epochs a restored backup holds.
    """
    return BackupAndRestore(str(backup_dir), oldest=oldest, on_resume=on_resume, double_checkpoint=True)


def csv_logger(path: str | Path) -> keras.callbacks.CSVLogger:
    """Append one line per epoch to `path` (appending keeps the log whole across a resume)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return keras.callbacks.CSVLogger(str(path), append=True)


def tensorboard(log_dir: str | Path) -> keras.callbacks.TensorBoard:
    """Write TensorBoard logs to `log_dir`."""
    return keras.callbacks.TensorBoard(log_dir=str(log_dir))


class EpochTimes(keras.callbacks.Callback):
    """Append each epoch's seconds to a CSV (`epoch,seconds`, the epoch indexed as in the epoch log).

    Keras' epoch log holds metrics only, so a run killed and resumed knew the time of its last
    process alone; with these lines it adds up every epoch it kept (`RunFolder.load_epoch_times`).
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._started = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        seconds = time.perf_counter() - self._started
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.is_file()
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(("epoch,seconds\n" if new else "") + f"{epoch},{seconds:.3f}\n")


class StopOnDivergence(keras.callbacks.Callback):
    """End training after the first epoch whose loss or validation loss is NaN or infinite.

    Such a run cannot come back (every weight the optimizer touches is NaN by then), and what it
    would go on to save and score is meaningless. `diverged` records where it happened, with the
    learning rate in force, for `train_recipe` to report in one line; `None` while all is well.
    """

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.diverged: dict[str, Any] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        losses = {k: float(v) for k, v in (logs or {}).items() if k in ("loss", "val_loss")}
        if all(math.isfinite(v) for v in losses.values()):
            return
        rate = keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)
        self.diverged = {"epoch": epoch + 1, "losses": losses, "learning_rate": float(rate)}
        self.model.stop_training = True


class Throughput(keras.callbacks.Callback):
    """Examples read per second and the time left: every `every_s` seconds and after each epoch.

    Keras' progress bar gives the time left in the epoch on a terminal, and nothing in a log file;
    these lines give the whole run's, which is what a person planning hours of training wants.
    With early stopping the epoch budget is an upper bound, so the run's time left is "at most".
    An epoch shorter than `quiet_below_s` prints nothing (a quick run needs no forecast);
    `perplexity=True` reports the validation loss as a perplexity (a language model's).
    """

    def __init__(
        self,
        examples_per_epoch: int,
        epochs: int,
        *,
        label: str,
        unit: str,
        every_s: float = 300.0,
        quiet_below_s: float = 0.0,
        perplexity: bool = False,
    ) -> None:
        super().__init__()
        self.examples_per_epoch, self.epochs, self.every_s = examples_per_epoch, epochs, every_s
        self.label, self.unit, self.quiet_below_s, self.perplexity = label, unit, quiet_below_s, perplexity
        self._epoch_started = self._last_report = 0.0
        self._epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch
        self._epoch_started = self._last_report = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        now = time.perf_counter()
        steps = (self.params or {}).get("steps")
        if now - self._last_report < self.every_s or not steps:
            return
        self._last_report = now
        done = (batch + 1) / steps
        seconds = now - self._epoch_started
        epoch_left = seconds / done - seconds
        run_left = epoch_left + (self.epochs - self._epoch - 1) * seconds / done
        print(
            f"{self.label}: epoch {self._epoch + 1}/{self.epochs} {done:.0%}, "
            f"{self.examples_per_epoch * done / seconds:,.0f} {self.unit}/s, "
            f"about {duration(epoch_left)} left in this epoch and {duration(run_left)} in all",
            flush=True,
        )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        seconds = time.perf_counter() - self._epoch_started
        if seconds < self.quiet_below_s:
            return
        rate = self.examples_per_epoch / max(seconds, 1e-9)
        left = (self.epochs - epoch - 1) * seconds
        validation = ""
        if logs and "val_loss" in logs:
            validation = (f", validation perplexity {math.exp(logs['val_loss']):.1f}" if self.perplexity
                          else f", validation loss {logs['val_loss']:.4f}")
        print(
            f"{self.label}: epoch {epoch + 1}/{self.epochs} done, {rate:,.0f} {self.unit}/s{validation}, "
            f"at most {duration(left)} left for {self.epochs - epoch - 1} more epoch(s)",
            flush=True,
        )


def duration(seconds: float) -> str:
    """`17 min`, `1 h 05 min`: a time left, to the minute."""
    minutes = int(round(seconds / 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def standard(
    run_dir: str | Path,
    *,
    learning_rate: float,
    patience: int = 3,
    reduce_lr_patience: int | None = None,
    backup: bool = True,
    keep_best_checkpoint: bool = False,
    with_tensorboard: bool = False,
    oldest_epoch: Callable[[int], int] | None = None,
    on_resume: Callable[[int], None] | None = None,
) -> list[keras.callbacks.Callback]:
    """The callbacks a recipe trains with, writing inside `run_dir`.

    Always: early stopping on val_loss (best weights restored), a live epoch log in
    `logs/epochs.csv` and each epoch's seconds in `logs/epoch_times.csv`. By default also a backup
    for resuming in `backup/`. With `reduce_lr_patience=n`: learning-rate reduction after n flat
    epochs. On request: the best checkpoint in `checkpoints/best.keras` and TensorBoard logs in
    `logs/tensorboard/`.
    `oldest_epoch` agrees on the epoch to resume from across processes, and `on_resume` hears how
    many epochs a resumed backup holds (`backup_and_restore`).
    """
    if reduce_lr_patience is not None and reduce_lr_patience >= patience:
        # Early stopping would end training before the rate was ever reduced.
        raise ConfigError(
            f"reduce_lr_patience ({reduce_lr_patience}) must be below the early-stopping patience ({patience})"
        )
    run_dir = Path(run_dir)
    callbacks: list[keras.callbacks.Callback] = [early_stopping(patience=patience)]
    if reduce_lr_patience is not None:
        callbacks.append(reduce_lr_on_plateau(learning_rate, patience=reduce_lr_patience))
    # The epoch log before the backup: a kill between the two logs an epoch that will run again
    # (the reader keeps the later line), never a backed-up epoch missing from the log.
    callbacks.append(csv_logger(run_dir / "logs" / "epochs.csv"))
    callbacks.append(EpochTimes(run_dir / "logs" / "epoch_times.csv"))
    if backup:
        callbacks.append(backup_and_restore(run_dir / "backup", oldest=oldest_epoch, on_resume=on_resume))
    if keep_best_checkpoint:
        callbacks.append(checkpoint(run_dir / "checkpoints" / "best.keras"))
    if with_tensorboard:
        callbacks.append(tensorboard(run_dir / "logs" / "tensorboard"))
    return callbacks
