"""Benchmark: the rnn-practice tutorial's grid search (units x optimizer) on CO2, the way `rnn-cookbook search` runs it.

    python benchmarks/seed_grid.py              # units 10, 50, 100 x rmsprop, adam; 3 time-ordered folds
    python benchmarks/seed_grid.py --n-jobs 2

The rnn-practice tutorial searched `hidden_size in [10, 50, 100] x optimizer in [rmsprop, adam]` with
`KerasRegressor` + `GridSearchCV`. This runs the same grid through `rnn_cookbook.search` on the
forecaster's default data (weekly CO2, training and validation stretches only; `TimeSeriesSplit`,
so no fold trains on the future), prints the ranked table with the CV MAE in ppm and the wall time,
and writes both to `benchmarks/results/seed_grid.json`.
"""

from __future__ import annotations

import argparse

from _results import Row, load_results, measured_on, write_results  # benchmarks/_results.py


def table_rows() -> list[Row]:
    """This benchmark's row of the table: the best candidate of the grid, from `results/seed_grid.json`.

    Ours is the CV MAE of the candidate ranked first, with its units and optimizer; train time is
    the whole search's wall time. A search has no baseline of its own.
    """
    record = load_results("seed_grid")
    if not record:
        return []
    best = min(record["table"], key=lambda row: row["rank"])
    return [Row(
        recipe="search (the rnn-practice tutorial's grid)", data=f"{record['data']}, {record['cv']} time-ordered folds",
        metric="CV MAE (ppm) of the best of 6", ours=f"{best['mae_ppm']:.3f} (units {best['units']}, {best['optimizer']})",
        train_time=f"{record['wall_time_s']:.0f} (whole search)", measured_on=measured_on(record),
    )]


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook import search

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
