"""Where every benchmark writes its figures, with the machine that produced them."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


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
