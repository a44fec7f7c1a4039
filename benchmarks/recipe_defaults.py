"""Benchmark: the recipes without a benchmark of their own, trained once at their default settings.

    python benchmarks/recipe_defaults.py                 # stacked_lstm_tagger, word_generator, numpy_rnn_scratch
    python benchmarks/recipe_defaults.py --recipes stacked_lstm_tagger --seed 1

Each recipe trains exactly as `rnn-cookbook run RECIPE` does (default Config, its default data:
synthetic regimes for the tagger, the rnn-practice tutorial's sentence for the two toys), into a temporary run
folder; every run's metrics record goes to `benchmarks/results/recipe_defaults.json`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _results import Row, load_results, mean_of, measured_on, write_results  # benchmarks/_results.py

RECIPES = ("stacked_lstm_tagger", "word_generator", "numpy_rnn_scratch")
#: recipe -> (metric key, its description, the baseline shown, the reference shown as the anchor)
TABLE_METRICS = {
    "stacked_lstm_tagger": ("accuracy", "per-step test accuracy", "per_step_dense", "forward_filter"),
    "word_generator": ("loss", "loss (nats/word) on its training sentence (a toy)", "trigram", None),
    "numpy_rnn_scratch": ("loss", "loss (nats/char) on its training sentence (a toy)", "5-gram", None),
}


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: one per run in `results/recipe_defaults.json`, in recorded order.

    Each row gives the recipe's metric of `TABLE_METRICS` beside its baseline; the tagger's anchor is
    the forward filter, the best any tagger can do on its synthetic data (computed exactly).
    """
    record = load_results("recipe_defaults")
    if not record:
        return []
    rows = []
    for run in record["runs"]:
        key, metric, base, reference = TABLE_METRICS[run["recipe"]]
        anchor = "-"
        if reference:  # the best any tagger can do on this synthetic task, computed exactly
            anchor = f"{reference.replace('_', ' ')} {run['baselines'][reference][key]:.3f} (the optimum)"
        rows.append(Row(
            recipe=run["recipe"], data=run["data"], metric=metric, ours=f"{run['model'][key]:.3f}",
            baseline=f"{base.replace('_', ' ')} {run['baselines'][base][key]:.3f}", anchor=anchor,
            train_time=f"{run['wall_time_s']:.1f}", samples_per_s=mean_of([run], "samples_per_s"),
            measured_on=measured_on(record),
        ))
    return rows


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook import registry

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=RECIPES)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    records = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.recipes:
            recipe = registry.load(name)
            cfg = recipe.Config(seed=args.seed)
            result = recipe.train(cfg, output=Path(scratch) / name, verbose=0)
            records.append({"config": cfg.to_dict(), **result.metrics})
            print(f"{name}: {result.metrics['model']} in {result.metrics['wall_time_s']} s", flush=True)
    path = write_results("recipe_defaults", {"runs": records})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
