"""Run folders: everything one training run leaves behind, in one place, written atomically.

    runs/<recipe>/<YYYYmmdd-HHMMSS>/
        config.json     {"recipe": ..., "config": {...}}: enough to rebuild the run
        history.csv     one row per epoch: loss, val_loss, metrics, learning rate
        metrics.json    the model's test metrics beside the baselines', in one shape for every recipe
        model.keras     the trained model (loaded back with safe_mode=True)
        *.png           plots
        logs/epochs.csv live epoch log, appended during training
        logs/epoch_times.csv  seconds of each epoch, appended: a resumed run adds up its whole time
        backup/         training state while a fit is in progress (removed when it ends)

A run killed mid-training leaves `backup/` behind; `RunFolder.create(..., resume=True)` (the CLI's
`--resume`) reopens it so training continues from the last saved epoch, and a new run refuses to
start in a folder that holds one, rather than silently resuming it or throwing it away.

`metrics.json` always has this shape, so tools and the benchmark table can read any run:

    {"recipe": "timeseries_forecaster", "data": "co2", "split": "test",
     "model": {"mae": 0.29, "rmse": 0.38},
     "baselines": {"persistence": {"mae": 0.40, "rmse": 0.51}, ...},
     "epochs_run": 23, "wall_time_s": 16.3, "keras_backend": "tensorflow", "seed": 0, "samples_per_s": 4870.2}

A recipe may add keys of its own after these: a forecast of several columns adds `per_target`,
each forecaster's errors per target column. `notes` keeps what the run printed as advice (the
epoch budget, a baseline that beats the model on validation), and `validation` the model's and
the baselines' figures on the validation split when the record's own `split` is the test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.files import atomic_path, atomic_write_text

DEFAULT_ROOT = Path("runs")
BACKUP_DIR = "backup"
EPOCH_LOG = "logs/epochs.csv"
EPOCH_TIMES = "logs/epoch_times.csv"
#: The modules that register the cookbook's own layers and schedules with Keras (under the package
#: name `rnn_cookbook`), so `load_model` can rebuild them with `safe_mode=True`. They are imported by
#: name when a model loads: the one place the kitchen names task folders, because Keras looks a saved
#: class up by its registered name, not by its module. `tests/test_layout.py` checks the list is whole.
SAVED_OBJECT_MODULES = ("rnn_cookbook.core.losses", "rnn_cookbook.forecasting.layers", "rnn_cookbook.text.layers", "rnn_cookbook.text.fine_tuning")
METRICS_KEYS = ("recipe", "data", "split", "model", "baselines", "epochs_run", "wall_time_s", "keras_backend", "seed")


class RunFolder:
    """One run's folder. `create` makes a new one; `open` reopens a finished one."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    @classmethod
    def create(
        cls,
        recipe: str,
        output: str | Path | None = None,
        root: str | Path = DEFAULT_ROOT,
        *,
        resume: bool = False,
        overwrite: bool = False,
    ) -> RunFolder:
        """Make `output`, or a new `root/<recipe>/<timestamp>` folder if `output` is None.

        With `resume`, reopen `output`, the folder of an unfinished run of `recipe`, instead. A
        folder that already holds anything (a finished run, an unfinished one, other files) is
        refused (`check_output`), unless `overwrite`, which removes the old folder whole first.
        """
        if resume:
            return cls._unfinished(recipe, output)
        if output is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = Path(root) / recipe / stamp
            suffix = 1
            while path.exists():
                suffix += 1
                path = Path(root) / recipe / f"{stamp}-{suffix}"
        else:
            path = Path(output)
            if check_output(path, overwrite=overwrite):
                replace_whole(path)
        path.mkdir(parents=True, exist_ok=True)
        for log in (EPOCH_LOG, EPOCH_TIMES):  # a new run in a reused folder starts its own logs
            (path / log).unlink(missing_ok=True)
        return cls(path)

    @classmethod
    def _unfinished(cls, recipe: str, output: str | Path | None) -> RunFolder:
        if output is None:
            raise RunFolderError("--resume needs --output DIR: the folder of the run to continue")
        run = cls(output)
        if not run.file("config.json").is_file():
            raise RunFolderError(f"nothing to resume in {run.path}: it has no config.json")
        if run.recipe != recipe:
            raise RunFolderError(f"{run.path} was made by recipe {run.recipe!r}, not {recipe!r}")
        if run.file("model.keras").is_file() and not run.file(BACKUP_DIR).exists():
            raise RunFolderError(f"{run.path} holds a finished run: nothing to resume")
        return run

    @property
    def unfinished(self) -> bool:
        """True while a training's backup is in the folder (it is removed when training ends)."""
        return self.file(BACKUP_DIR).exists()

    @classmethod
    def open(cls, path: str | Path) -> RunFolder:
        """Reopen a finished run; it must hold at least `config.json` and `model.keras`."""
        run = cls(path)
        if not run.path.is_dir():
            raise RunFolderError(f"no run folder at {run.path}")
        missing = [name for name in ("config.json", "model.keras") if not (run.path / name).is_file()]
        if missing and run.file("failed.json").is_file():
            failed = run.read_json("failed.json")
            raise RunFolderError(
                f"{run.path} holds a run that failed ({failed.get('reason', 'see failed.json')} at epoch "
                f"{failed.get('epoch', '?')}): it saved no model"
            )
        if missing:
            raise RunFolderError(f"{run.path} is not a finished run folder: missing {', '.join(missing)}")
        return run

    def file(self, name: str) -> Path:
        return self.path / name

    def settings(self, name: str, *, lacking: str, hint: str = "") -> Any:
        """The JSON file `name` that this kind of run holds beside its model (a vocabulary, a series
        encoder); a run without it is refused with the recipe that made it and what it `lacks`."""
        if not self.file(name).is_file():
            raise RunFolderError(f"{self.path} was made by {self.recipe}, which {lacking} (no {name}){hint}")
        return self.read_json(name)

    # --- JSON --------------------------------------------------------------------------------
    def write_json(self, name: str, data: Any) -> Path:
        target = self.file(name)
        atomic_write_text(target, json.dumps(data, indent=2, default=_json_default) + "\n")
        return target

    def read_json(self, name: str) -> Any:
        target = self.file(name)
        try:
            return json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunFolderError(f"{self.path} has no {name}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RunFolderError(f"{target} is not valid JSON: {exc}") from None

    # --- config ------------------------------------------------------------------------------
    def save_config(self, config: Any) -> Path:
        """Write `config.json` from a `RecipeConfig`."""
        return self.write_json("config.json", {"recipe": config.recipe, "config": config.to_dict()})

    @property
    def recipe(self) -> str:
        """The recipe that made this run, from `config.json`."""
        data = self.read_json("config.json")
        if not isinstance(data, Mapping) or not isinstance(data.get("recipe"), str):
            raise RunFolderError(f"{self.file('config.json')} does not name its recipe")
        return data["recipe"]

    def load_config(self, config_class: Any) -> Any:
        """Rebuild the run's config as an instance of `config_class` (a recipe's `Config`)."""
        data = self.read_json("config.json")
        if isinstance(data, Mapping) and data.get("recipe") not in (None, config_class.recipe):
            raise RunFolderError(
                f"{self.path} was made by recipe {data.get('recipe')!r}, not {config_class.recipe!r}"
            )
        return config_class.from_dict(data)

    # --- history and metrics -----------------------------------------------------------------
    def save_history(self, history: Mapping[str, list[float]]) -> Path:
        """Write `history.csv`: an `epoch` column, then one column per logged quantity."""
        keys = list(history)
        rows = len(next(iter(history.values()), []))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["epoch", *keys])
        for epoch in range(rows):
            writer.writerow([epoch + 1, *(json_number(history[k][epoch]) for k in keys)])
        target = self.file("history.csv")
        atomic_write_text(target, buffer.getvalue())
        return target

    def load_history(self) -> dict[str, list[float]]:
        target = self.file("history.csv")
        if not target.is_file():
            raise RunFolderError(f"{self.path} has no history.csv")
        with open(target, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
        return {k: [float(row[k]) for row in rows] for k in keys}

    def load_epoch_log(self) -> dict[str, list[float]]:
        """The live epoch log (`logs/epochs.csv`) as a history, one entry per epoch in order.

        Across a crash and a resume an epoch can be logged twice (killed after its log line, before
        its backup); the later line wins, so the history never repeats an epoch.
        """
        target = self.file(EPOCH_LOG)
        if not target.is_file():
            return {}
        with open(target, newline="", encoding="utf-8") as handle:
            by_epoch = {int(row["epoch"]): row for row in csv.DictReader(handle)}
        rows = [by_epoch[epoch] for epoch in sorted(by_epoch)]
        keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
        return {k: [float(row[k]) for row in rows] for k in keys}

    def load_epoch_times(self) -> dict[int, float]:
        """Seconds of each epoch by its index in the epoch log (`logs/epoch_times.csv`); after a resume
        the later line of an epoch run twice wins, as in `load_epoch_log`. Empty for runs from
        before the times were logged."""
        target = self.file(EPOCH_TIMES)
        if not target.is_file():
            return {}
        with open(target, newline="", encoding="utf-8") as handle:
            return {int(row["epoch"]): float(row["seconds"]) for row in csv.DictReader(handle) if row.get("seconds")}

    # --- training state of a loop that is not Keras' fit (the NumPy recipe) --------------------
    def save_backup(self, arrays: Mapping[str, Any], state: Mapping[str, Any]) -> Path:
        """Write `backup/state.npz`: named arrays plus a JSON `state`, in one atomic file.

        One file, so a kill mid-write leaves the previous epoch's backup whole; no pickles, so
        loading it runs no code.
        """
        import numpy as np

        target = self.file(BACKUP_DIR) / "state.npz"
        with atomic_path(target) as tmp:
            np.savez(tmp, __state__=np.array(json.dumps(state, default=_json_default)), **dict(arrays))
        return target

    def load_backup(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The arrays and state of `save_backup`, or None if there is no backup."""
        import numpy as np

        target = self.file(BACKUP_DIR) / "state.npz"
        if not target.is_file():
            return None
        try:
            with np.load(target, allow_pickle=False) as saved:
                arrays = {name: saved[name] for name in saved.files if name != "__state__"}
                state = json.loads(str(saved["__state__"]))
        except (OSError, ValueError, KeyError) as exc:
            raise RunFolderError(f"cannot read the backup {target}: {exc}") from None
        return arrays, state

    def clear_backup(self) -> None:
        """Remove `backup/`: the run has finished."""
        import shutil

        shutil.rmtree(self.file(BACKUP_DIR), ignore_errors=True)

    def save_metrics(self, metrics: Mapping[str, Any]) -> Path:
        missing = [k for k in METRICS_KEYS if k not in metrics]
        if missing:
            raise ValueError(f"metrics record lacks {', '.join(missing)}")
        return self.write_json("metrics.json", dict(metrics))

    def load_metrics(self) -> dict[str, Any]:
        return self.read_json("metrics.json")

    # --- model and figures -------------------------------------------------------------------
    def save_model(self, model: Any, name: str = "model.keras") -> Path:
        target = self.file(name)
        with atomic_path(target) as tmp:
            model.save(tmp)
        return target

    def load_model(self, name: str = "model.keras") -> Any:
        """Load `model.keras` (or another saved model of the run) with `safe_mode=True`: a file that carries code is refused."""
        import importlib

        import keras

        for module in SAVED_OBJECT_MODULES:  # Keras must know a registered class before it loads one
            importlib.import_module(module)
        target = self.file(name)
        if not target.is_file():
            raise RunFolderError(f"{self.path} has no {name}")
        if target.suffix == ".keras" and not zipfile.is_zipfile(target):  # Keras would say "File not found"
            raise RunFolderError(
                f"cannot load {target}: it is not a whole .keras file ({target.stat().st_size:,} bytes that do not "
                "read as a zip archive: cut short by an interrupted copy or download, or not a Keras model)"
            )
        try:
            return keras.saving.load_model(target, safe_mode=True)
        except Exception as exc:  # Keras raises many types for a bad file; the user needs one message.
            raise RunFolderError(f"cannot load {target}: {_load_failure(exc)}") from exc

    def save_figure(self, figure: Any, name: str) -> Path:
        """Save a matplotlib figure as PNG."""
        target = self.file(name)
        with atomic_path(target) as tmp:
            figure.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
        return target


def check_output(path: str | Path, *, overwrite: bool = False) -> bool:
    """Refuse to start a run in `path` when it holds anything; True when `overwrite` must clear it first.

    What is there decides the message: a finished run (its recipe and files), an unfinished one
    (`--resume` continues it), a run that stopped without a model, or other files. The `process-K`
    folders of a run over several processes are its own and do not count. Called before any data
    loads (`rnn_cookbook.core.script`), so a long run is refused at once, and again by `RunFolder.create`.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise RunFolderError(f"--output {path} exists and is not a folder")
    held = sorted(p.name for p in path.iterdir() if not p.name.startswith("process-")) if path.is_dir() else []
    if not held:
        return False
    if overwrite:
        return True
    listed = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
    instead = "choose another --output, or add --overwrite to replace it (the old folder is removed whole first)"
    if "config.json" not in held:
        raise RunFolderError(f"{path} is not empty and holds no run ({listed}): {instead}")
    recipe = RunFolder(path).recipe
    if BACKUP_DIR in held:
        raise RunFolderError(
            f"{path} holds an unfinished {recipe} run ({BACKUP_DIR}/ is there): add --resume to continue it, or {instead}"
        )
    if "model.keras" in held or "model.npz" in held or "metrics.json" in held:
        raise RunFolderError(f"{path} holds a finished {recipe} run ({listed}): {instead}")
    raise RunFolderError(f"{path} holds a {recipe} run that did not finish ({listed}; nothing to resume): {instead}")


def replace_whole(path: Path) -> None:
    """Remove the folder `path` and all it holds, never half: renamed aside first (atomic), then deleted."""
    aside = path.with_name(f".{path.name}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S-%f}")
    path.rename(aside)
    shutil.rmtree(aside)


def _load_failure(exc: BaseException) -> str:
    """One line on why Keras could not load a model: the root cause, not the wrappers around it."""
    chain = [exc]
    while chain[-1].__cause__ or chain[-1].__context__:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)
    if any("safe_mode" in str(e) for e in chain):
        return (
            "it carries Python code (a Lambda layer's function), which safe_mode=True refuses to run; "
            "load it with keras.saving.load_model(..., safe_mode=False) only if you trust where it came from"
        )
    root = str(chain[-1]).strip()
    return root.splitlines()[0].split(". ")[0] if root else type(chain[-1]).__name__


def metrics_record(
    *,
    recipe: str,
    data: str,
    split: str,
    model: Mapping[str, float],
    baselines: Mapping[str, Mapping[str, float]],
    epochs_run: int,
    wall_time_s: float,
    seed: int,
    samples_per_s: float | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `metrics.json` record of one run (see the module docstring).

    `samples_per_s`, where the recipe can count them: training examples (windows, texts, sequences)
    fitted per second of `wall_time_s`, the throughput the benchmark table reports. `details` are
    recipe-specific keys added after the common ones (a forecaster's errors per target column).
    """
    import keras

    speed = {} if samples_per_s is None else {"samples_per_s": round(float(samples_per_s), 1)}
    return {
        "recipe": recipe,
        "data": data,
        "split": split,
        "model": {k: json_number(v) for k, v in model.items()},
        "baselines": {name: {k: json_number(v) for k, v in values.items()} for name, values in baselines.items()},
        "epochs_run": int(epochs_run),
        "wall_time_s": round(float(wall_time_s), 2),
        "keras_backend": keras.backend.backend(),
        "seed": int(seed),
        **speed,
        **{key: value for key, value in (details or {}).items() if key not in METRICS_KEYS},
    }


def metrics_table(metrics: Mapping[str, Any]) -> str:
    """A small text table of the model beside its baselines, one row each.

    A forecast of several columns adds a second table: each forecaster's MAE per target column; a
    classifier's `per_class` record adds the model's precision, recall and F1 for each class.
    """
    rows = {"model": metrics["model"], **metrics.get("baselines", {})}
    text = _table(f"{metrics['split']} metrics on {metrics['data']}", rows)
    per_target = metrics.get("per_target")
    if per_target:
        by_column = {name: {column: errors["mae"] for column, errors in columns.items()} for name, columns in per_target.items()}
        text += "\n\n" + _table("mae per target column, in its own unit", by_column)
    combined = metrics.get("combination")
    if combined and "combined" in rows:
        text += "\n\n" + combination_line(combined)
    per_class = metrics.get("per_class")
    if per_class and "model" in per_class:
        text += "\n\n" + _table("model per class", {
            name: {k: scores[k] for k in ("precision", "recall", "f1", "support")} for name, scores in per_class["model"].items()
        })
    return text


def combination_line(combination: Mapping[str, Any]) -> str:
    """What the `combined` row is and what the model adds to the bag-of-words model it was combined with."""
    weight, bag = float(combination["weight"]), combination["bag_of_words"]
    return (
        f"combined: {weight:.2f} x model + {1 - weight:.2f} x {bag} (log-probabilities; weight chosen on validation); "
        f"the model adds {combination['adds_accuracy']:+.4f} accuracy to {bag} alone"
    )


def _table(title: str, rows: Mapping[str, Mapping[str, Any]]) -> str:
    columns: list[str] = []
    for values in rows.values():
        columns += [k for k in values if k not in columns]
    width = max(len(name) for name in rows) + 2
    widths = [max(10, len(c) + 2) for c in columns]
    lines = [title]
    lines.append("".ljust(width) + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, values in rows.items():
        cells = "".join(f"{_cell(values.get(c)):>{w}}" for c, w in zip(columns, widths, strict=True))
        lines.append(name.ljust(width) + cells)
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def json_number(value: Any) -> Any:
    """A JSON-friendly Python scalar: NumPy and tensor scalars become float, and a number that is not finite null."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return number if math.isfinite(number) else None


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
