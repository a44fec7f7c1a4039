"""Benchmark: the forecaster on ETTh1 under the long-horizon forecasting papers' protocol.

    python benchmarks/etth1.py --data ../shared/data/ETTh1/ETTh1.csv          # M and S, 96 -> 96, seeds 0 1 2
    python benchmarks/etth1.py --data ... --windows 96 336 --settings M        # and 336 hours of input
    python benchmarks/etth1.py --data ... --seeds 0 --set segment=48           # one variant, one seed

The protocol (Informer, Zhou et al. 2021; kept by DLinear, PatchTST, iTransformer): hours 0-8,640
train, the next 2,880 validate, the next 2,880 test (`split_at=8640,11520,14400`), each part's
windows starting `window` hours before its border; every column z-scored with the training hours'
mean and deviation; MSE and MAE on those z-scored values, averaged over every window (stride 1),
step and column: the recipe's `mse_scaled` and `mae_scaled`. Setting M reads and forecasts all 7
columns; S reads and forecasts the oil temperature OT alone.

Each run is `rnn-cookbook run timeseries_forecaster` with the settings below (any --set changes
them), so the figures are the recipe's own. The recipe's linear baseline (one least-squares map
from a column's window to its next 96 hours, shared by the columns: the Linear/DLinear family) is
scored on the same test windows. `--average` also scores the mean forecast of the tutorials' models.
Results go to `benchmarks/results/etth1.json`; the script prints a Markdown table.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from _results import Row, load_results, mean_of, measured_on, spread, table_spread, write_results  # benchmarks/_results.py

if TYPE_CHECKING:
    from rnn_cookbook.recipes.timeseries_forecaster import Config

#: The model the exploration chose on validation MSE (benchmarks/README.md, "ETTh1").
SETTINGS = {
    "cell": "gru",
    "units": 128,
    "segment": 24,
    "per_column": True,
    "training_loss": "mae",
    "batch_size": 32,  # windows; x 7 columns = 224 column windows a step in setting M
    "epochs": 30,
    "patience": 3,
    "reduce_lr_patience": None,
}
BORDERS = "8640,11520,14400"
COLUMNS = {"M": ("all", None), "S": ("OT", None)}
#: From ../shared/data/README.md (the papers' own tables; iTransformer's re-runs for 96 hours in).
PUBLISHED = {
    ("M", 96): "DLinear 0.386, TimesNet 0.384 (96 h in); DLinear 0.375 (336 h in); PatchTST/64 0.370 (512 h in)",
    ("M", 336): "DLinear 0.375 (336 h in)",
}


#: The published anchors as the table's cells show them (setting, input hours): the comparable figures first.
TABLE_ANCHORS = {
    ("M", 96): "0.386 DLinear (96 h in), 0.375 DLinear (336 h in), 0.370 PatchTST/64",
    ("M", 336): "0.375 DLinear (336 h in)",
}


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: one per setting and input length in `results/etth1.json`, then `etth1_336.json`.

    Ours is the test MSE on standardised values over the seeds (mean ± sd), beside the recipe's
    linear baseline (deterministic: the first run's figure) and the papers' figures for the same
    setting (`TABLE_ANCHORS`); train time and samples/s are means over the seeds.
    """
    rows = []
    for name in ("etth1", "etth1_336"):
        record = load_results(name)
        if record:
            rows += record_rows(record)
    return rows


def record_rows(record: dict[str, Any]) -> list[Row]:
    """The rows of one results file, sorted by setting, then input hours."""
    rows = []
    groups = sorted({(r["setting"], r["config"]["window"]) for r in record["runs"]})
    for setting, window in groups:
        runs = [r for r in record["runs"] if r["setting"] == setting and r["config"]["window"] == window]
        linear = runs[0]["baselines"]["linear_regression"]["mse_scaled"]
        what = "all 7 columns in and out" if setting == "M" else "OT in, OT out"
        rows.append(Row(
            recipe="timeseries_forecaster (per_column GRU, segments)", data=f"ETTh1 {setting}: {what}, {window} h -> 96 h",
            metric="test MSE (standardised), lower is better", ours=table_spread([r["model"]["mse_scaled"] for r in runs]),
            baseline=f"linear per column {linear:.3f}", anchor=TABLE_ANCHORS.get((setting, window), "-"),
            train_time=mean_of(runs, "wall_time_s", 1), samples_per_s=mean_of(runs, "samples_per_s"),
            measured_on=measured_on(record),
        ))
    return rows


def config(setting: str, window: int, seed: int, data: Path, overrides: list[str]) -> Config:
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    column, features = COLUMNS[setting]
    return recipe.Config(
        series=str(data), column=column, features=features, date_column="date", split_at=BORDERS,
        window=window, horizon=96, seed=seed, **SETTINGS,
    ).with_overrides(overrides)


def validation_errors(history: dict[str, list[float]]) -> dict[str, float]:
    """Validation MSE and MAE (standardised) at the epoch early stopping kept: what settings are chosen on."""
    best = int(np.argmin(history["val_loss"]))
    mse = history.get("val_mse", history["val_loss"])
    mae = history.get("val_mae", history["val_loss"])
    return {"mse": float(mse[best]), "mae": float(mae[best]), "epoch": best + 1}


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="ETTh1.csv")
    parser.add_argument("--settings", nargs="+", default=["M", "S"], choices=sorted(COLUMNS))
    parser.add_argument("--windows", nargs="+", type=int, default=[96])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--average", action="store_true", help="also score the mean forecast of the tutorials' models")
    parser.add_argument("--name", default="etth1", help="results file name (default etth1)")
    args = parser.parse_args()

    records, averages = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for setting in args.settings:
            for window in args.windows:
                forecasts = []
                if args.average:  # the test windows depend on the setting and window, not on the seed
                    test = recipe.load_data(config(setting, window, args.seeds[0], args.data, args.overrides)).windows.test
                for seed in args.seeds:
                    cfg = config(setting, window, seed, args.data, args.overrides)
                    result = recipe.train(cfg, output=Path(scratch) / f"{setting}-{window}-{seed}", verbose=0)
                    validation = validation_errors(result.history)
                    records.append({"setting": setting, "config": cfg.to_dict(), "validation": validation, **result.metrics})
                    model = result.metrics["model"]
                    print(
                        f"{setting} {window}->96 seed {seed}: validation MSE {validation['mse']:.4f}, "
                        f"test MSE {model['mse_scaled']:.4f} MAE {model['mae_scaled']:.4f} "
                        f"({result.metrics['epochs_run']} epochs, {result.metrics['wall_time_s']:.0f} s)",
                        flush=True,
                    )
                    if args.average:
                        forecasts.append(result.model.predict(test.inputs, batch_size=512, verbose=0))
                if args.average and len(forecasts) > 1:
                    actual = test.targets
                    mean = np.mean(forecasts, axis=0)
                    averages.append({
                        "setting": setting, "window": window, "seeds": args.seeds,
                        "mse_scaled": float(np.mean((mean - actual) ** 2)), "mae_scaled": float(np.mean(np.abs(mean - actual))),
                    })
                    print(f"{setting} {window}->96 mean of {len(forecasts)} seeds: test MSE {averages[-1]['mse_scaled']:.4f}")

    results = write_results(args.name, {"protocol": "ETTh1 12/4/4 months, z-scored on train", "runs": records, "averages": averages})
    print("\n| setting | input hours | model MSE | model MAE | linear MSE | linear MAE | persistence MSE | epochs | train time (s) | samples/s | published (MSE) |")
    print("|---" * 11 + "|")
    for setting in args.settings:
        for window in args.windows:
            runs = [r for r in records if r["setting"] == setting and r["config"]["window"] == window]
            linear = runs[0]["baselines"]["linear_regression"]
            print(
                f"| {setting} | {window} | {spread([r['model']['mse_scaled'] for r in runs])} | "
                f"{spread([r['model']['mae_scaled'] for r in runs])} | {linear['mse_scaled']:.3f} | {linear['mae_scaled']:.3f} | "
                f"{runs[0]['baselines']['persistence']['mse_scaled']:.3f} | {spread([float(r['epochs_run']) for r in runs], 0)} | "
                f"{spread([r['wall_time_s'] for r in runs], 0)} | {spread([r['samples_per_s'] for r in runs], 0)} | "
                f"{PUBLISHED.get((setting, window), '-')} |"
            )
    print(f"\n(test windows: 2,785 per column; {len(args.seeds)} seed(s); results in {results})")


if __name__ == "__main__":
    main()
