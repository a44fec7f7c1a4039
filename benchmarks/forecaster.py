"""Benchmark: the time-series forecaster against its baselines, on every shipped series, over seeds.

    python benchmarks/forecaster.py                      # co2, sunspots, sine x seeds 0, 1, 2
    python benchmarks/forecaster.py --series co2 --seeds 0 --set cell=lstm

Each run trains the recipe with its default config (plus any --set), exactly as
`rnn-cookbook run timeseries_forecaster` does, into a temporary run folder. The script prints a
Markdown table (test MAE of the model and each baseline, mean +- std over seeds, epochs and CPU
wall time of training) and writes every run's metrics.json record to
`benchmarks/results/forecaster.json`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _results import spread, write_results  # benchmarks/_results.py

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

from rnn_cookbook.recipes import timeseries_forecaster as recipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", default=["co2", "sunspots", "sine"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    records = []
    with tempfile.TemporaryDirectory() as scratch:
        for series in args.series:
            for seed in args.seeds:
                cfg = recipe.Config(series=series, seed=seed).with_overrides(args.overrides)
                result = recipe.train(cfg, output=Path(scratch) / f"{series}-{seed}", verbose=0)
                records.append({"config": cfg.to_dict(), **result.metrics})
                model = result.metrics["model"]["mae"]
                print(f"{series} seed {seed}: model MAE {model:.4f} in {result.metrics['wall_time_s']} s", flush=True)

    results = write_results("forecaster", {"runs": records})

    names = ["model", "persistence", "seasonal_naive", "linear_regression"]
    print("\n| series | " + " | ".join(names) + " | epochs | train time (s) |")
    print("|---" * (len(names) + 3) + "|")
    for series in args.series:
        runs = [r for r in records if r["config"]["series"] == series]
        cells = []
        for name in names:
            source = [r["model"] if name == "model" else r["baselines"].get(name) for r in runs]
            cells.append(spread([s["mae"] for s in source]) if all(source) else "-")
        epochs = spread([float(r["epochs_run"]) for r in runs], digits=0)
        wall = spread([r["wall_time_s"] for r in runs], digits=1)
        print(f"| {runs[0]['data']} | " + " | ".join(cells) + f" | {epochs} | {wall} |")
    print(f"\n(test MAE in each series' own units; {len(args.seeds)} seed(s); results in {results})")


if __name__ == "__main__":
    main()
