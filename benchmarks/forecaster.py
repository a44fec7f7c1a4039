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

from _results import Row, load_results, mean_of, measured_on, spread, table_spread, write_results  # benchmarks/_results.py


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: one per series of co2 and sunspots in `results/forecaster.json`.

    Ours is the model's test MAE over the seeds (mean ± sd), beside linear regression's on the same
    windows; train time and samples/s are means over the seeds. The sine series stays out of the
    table (a synthetic check, see benchmarks/README.md).
    """
    record = load_results("forecaster")
    if not record:
        return []
    rows = []
    for series, unit in (("co2", "ppm"), ("sunspots", "sunspots")):
        runs = [r for r in record["runs"] if r["config"]["series"] == series]
        if runs:
            rows.append(Row(
                recipe="timeseries_forecaster", data=f"{series} (test stretch)", metric=f"MAE ({unit}), lower is better",
                ours=table_spread([r["model"]["mae"] for r in runs]),
                baseline=f"linear regression {table_spread([r['baselines']['linear_regression']['mae'] for r in runs])}",
                train_time=mean_of(runs, "wall_time_s", 1), samples_per_s=mean_of(runs, "samples_per_s"),
                measured_on=measured_on(record),
            ))
    return rows


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

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
