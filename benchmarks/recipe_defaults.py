"""Benchmark: the recipes without a benchmark of their own, trained once at their default settings.

    python benchmarks/recipe_defaults.py                 # stacked_lstm_tagger, word_generator, numpy_rnn_scratch
    python benchmarks/recipe_defaults.py --recipes stacked_lstm_tagger --seed 1

Each recipe trains exactly as `rnn-cookbook run RECIPE` does (default Config, its default data:
synthetic regimes for the tagger, seed 000's sentence for the two toys), into a temporary run
folder; every run's metrics record goes to `benchmarks/results/recipe_defaults.json`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _results import write_results  # benchmarks/_results.py

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

from rnn_cookbook import registry

RECIPES = ("stacked_lstm_tagger", "word_generator", "numpy_rnn_scratch")


def main() -> None:
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
