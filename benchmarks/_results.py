"""Where every benchmark writes its figures, and how a script turns them into rows of the one table.

Two halves, one for each side of a benchmark:

- Writing (a script's `main()`, which trains): `write_results(name, payload)` puts
  `results/<name>.json` on disk with `machine()`, the versions and devices the timings depend on;
  `rescored` measures a kept text run again beside today's bag-of-words models.
- Reading (`python -m benchmarks`, which trains nothing): every script defines
  `table_rows() -> list[Row]`, which reads its own `results/*.json` with `load_results` and says
  how its figures become lines of the table in `RESULTS.md` (and README.md). The helpers below
  format what several scripts share: `table_spread` (mean ± sd with the number of runs),
  `mean_of` (one key averaged over runs), `measured_on` (the "measured on" cell).

Nothing here imports TensorFlow at import time (`machine()` does, when a script records), so the
table is rebuilt in a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any, ClassVar

RESULTS = Path(__file__).parent / "results"


def cache_folder(name: str) -> Path:
    """Where a benchmark keeps its run folders and logs: `$RNN_COOKBOOK_BENCHMARK_CACHE/<name>`, else
    `~/.cache/rnn-cookbook-benchmarks/<name>` (a machine whose home is wiped between sessions points
    the variable at a disk that stays, so hours of training resume there)."""
    root = os.environ.get("RNN_COOKBOOK_BENCHMARK_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "rnn-cookbook-benchmarks") / name


def unfinished_run(folder: Path) -> bool:
    """A run folder that a killed benchmark left: its config written, no metrics yet (pass `resume=True`)."""
    return (folder / "config.json").exists() and not (folder / "metrics.json").exists()


def rescored(metrics: dict[str, Any], cfg: Any, run_folder: str | Path) -> dict[str, Any]:
    """A kept text-classifier run's metrics with today's bag-of-words models and combination.

    Nothing is retrained: the run's saved network gives the same probabilities on the same split as
    when it trained; the bag-of-words models are fitted again on the same training texts (they are
    deterministic) and the combination chosen again on the same validation texts. For a change to
    `rnn_cookbook.text.baselines` or `.combination`, this re-measures the rows that depend on it in
    minutes instead of the hours of training the networks again. The record says when (`rescored`).
    """
    import importlib

    from rnn_cookbook.core.runs import RunFolder
    from rnn_cookbook.text.classifier import TextScorer

    recipe = importlib.import_module(f"rnn_cookbook.recipes.{cfg.recipe}")
    evaluation = TextScorer(recipe.load_data(cfg), cfg).evaluate(RunFolder(run_folder).load_model(), "test")
    return {**metrics, "baselines": {**metrics["baselines"], **evaluation.baselines},
            "combination": evaluation.details["combination"], "rescored": dt.date.today().isoformat()}


def machine() -> dict[str, Any]:
    """Python, Keras and TensorFlow versions, CPU count and any GPU: what the timings depend on."""
    import keras
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "gpus": [gpu.name for gpu in tf.config.list_physical_devices("GPU")],
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write `results/<name>.json`: the machine, then the payload."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    recorded = dt.datetime.now().isoformat(timespec="seconds")
    path.write_text(json.dumps({"machine": machine(), "recorded": recorded, **payload}, indent=2) + "\n")
    return path


def spread(values: list[float], digits: int = 3) -> str:
    """Mean ± sample standard deviation (just the value for a single run)."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def on_common_folds(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs of the folds that every model finished: models compare on the same folds only."""
    models = {r["model_name"] for r in runs}
    folds = [f for f in sorted({r["fold"] for r in runs}) if {r["model_name"] for r in runs if r["fold"] == f} == models]
    return [r for r in runs if r["fold"] in folds]


# --- reading: from results/*.json to rows of the table ------------------------------------------
@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the benchmark table: a recipe on one data set, every cell already formatted.

    The fields are the table's columns, in order (`TITLES` are their headings). A cell a script has
    no figure for stays "-", so a row always fills every column.
    """

    recipe: str
    data: str
    metric: str
    ours: str
    baseline: str = "-"
    anchor: str = "-"  # a published figure on the same data, with its source
    train_time: str = "-"  # seconds of `fit`
    samples_per_s: str = "-"  # training examples per second of `fit`
    measured_on: str = "-"  # the machine and date, from `measured_on(record)`

    TITLES: ClassVar[tuple[str, ...]] = (
        "recipe", "data", "metric", "ours", "baseline", "published anchor", "train time (s)", "train samples/s", "measured on",
    )

    def cells(self) -> tuple[str, ...]:
        """The cells, in the order of `TITLES`."""
        return tuple(getattr(self, field.name) for field in dataclasses.fields(self))


def load_results(name: str) -> dict[str, Any] | None:
    """`results/<name>.json` as written by `write_results`, or None when that benchmark never ran."""
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def measured_on(record: dict[str, Any]) -> str:
    """The "measured on" cell: device, TensorFlow (or Keras) version and the date, from `machine()`'s record."""
    info = record.get("machine", {})
    gpus = info.get("gpus") or []
    device = f"{len(gpus)} GPU" if gpus else (f"{info['cpu_count']}-core CPU" if "cpu_count" in info else "CPU")
    software = f"TF {info['tensorflow']}" if "tensorflow" in info else f"Keras {info.get('keras', '?')}"
    when = f", {record['recorded'][:10]}" if "recorded" in record else ""
    return f"{device}, {software}{when}"


def table_spread(values: list[float], digits: int = 3) -> str:
    """`spread` with the number of runs; one value for a single run or a deterministic baseline; "-" for none."""
    if not values:
        return "-"
    if len(values) == 1 or max(values) == min(values):  # one run, or a deterministic baseline
        return f"{values[0]:.{digits}f}"
    return f"{spread(values, digits)} ({len(values)} runs)"


def mean_of(runs: list[dict[str, Any]], key: str, digits: int = 0) -> str:
    """The mean of `key` over the runs that recorded it, with thousands separators; "-" if none did."""
    values = [float(r[key]) for r in runs if r.get(key) is not None]
    return f"{statistics.mean(values):,.{digits}f}" if values else "-"
