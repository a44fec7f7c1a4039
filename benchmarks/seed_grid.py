"""Benchmark: seed 000's grid search (units x optimizer) on CO2, the way `rnn-cookbook search` runs it.

    python benchmarks/seed_grid.py              # units 10, 50, 100 x rmsprop, adam; 3 time-ordered folds
    python benchmarks/seed_grid.py --n-jobs 2

Seed 000 searched `hidden_size in [10, 50, 100] x optimizer in [rmsprop, adam]` with
`KerasRegressor` + `GridSearchCV`. This runs the same grid through `rnn_cookbook.search` on the
forecaster's default data (weekly CO2, training and validation stretches only; `TimeSeriesSplit`,
so no fold trains on the future), prints the ranked table with the CV MAE in ppm and the wall time,
and writes both to `benchmarks/results/seed_grid.json`.
"""

from __future__ import annotations

import argparse

from _results import write_results  # benchmarks/_results.py

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

from rnn_cookbook import search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args()

    grid = search.DEFAULT_GRIDS["timeseries_forecaster"]
    result = search.grid_search(
        "timeseries_forecaster",
        grid,
        cv=args.cv,
        n_jobs=args.n_jobs,
        refit=False,
        progress=lambda *report: print(search.progress_line(*report), flush=True),
    )
    table = result.table
    path = write_results(
        "seed_grid",
        {
            "grid": grid,
            "cv": args.cv,
            "n_jobs": args.n_jobs,
            "folds": type(result.folds).__name__,
            "data": result.data.label,
            "wall_time_s": round(result.wall_time_s, 1),
            "table": table.to_dict(orient="records"),
        },
    )
    print(f"\n| rank | units | optimizer | CV MAE ({result.data.unit}) | std | fit time per fold (s) |")
    print("|---|---|---|---|---|---|")
    mae, std = f"mae_{result.data.unit}", f"mae_std_{result.data.unit}"
    for _, row in table.iterrows():
        print(f"| {row['rank']} | {row['units']} | {row['optimizer']} | {row[mae]:.3f} | {row[std]:.3f} | {row['fit_time_s']:.1f} |")
    print(f"\n{len(table)} candidates x {args.cv} folds in {result.wall_time_s:.0f} s; results: {path}")


if __name__ == "__main__":
    main()
