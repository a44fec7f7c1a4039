"""Benchmark: what a wider or deeper IMDB language model costs per word, before hours go into training one.

    python benchmarks/language_model_speed.py
    python benchmarks/language_model_speed.py --variants default layers_2 --steps 40

Issue 32 asks for a wider or second LSTM layer "where words/s allow". Each variant is the
`language_model` recipe's model at the IMDB benchmark's size (20,000 words in, 2,000 out, 70-word
sequences, batch 64: `benchmarks/imdb.py`) with one setting changed, trained on random word ids:
the cost of a step does not depend on which words it reads. The variants take turns, a few steps
each, for several rounds, so a machine whose load changes meanwhile slows them alike and the ratio
to `default` stays fair even where the words/s do not. Multiply `default`'s hours per epoch in
`results/imdb.json` by a variant's ratio for its own.

Results go to `results/language_model_speed.json`: words/s, parameters and the time ratio per variant.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _results import load_results, write_results  # benchmarks/_results.py

NAME = "language_model_speed"
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},  # LSTM(256), one layer: the benchmark's language model
    "units_512": {"units": 512},
    "layers_2": {"layers": 2},
}
BATCH, SEQUENCE = 64, 70  # the recipe's batch and sequence length


def measure(variants: list[str], steps: int, rounds: int) -> dict[str, dict[str, Any]]:
    import numpy as np

    from rnn_cookbook.recipes import language_model

    rng = np.random.default_rng(0)
    cfg = language_model.Config()
    inputs = rng.integers(1, cfg.num_words, (BATCH, SEQUENCE))
    targets = rng.integers(0, cfg.output_words + 1, (BATCH, SEQUENCE))
    models = {}
    for name in variants:
        model = language_model.build_model(cfg.replace(**VARIANTS[name]))
        for _ in range(3):  # tracing the step is not a step's cost
            model.train_on_batch(inputs, targets)
        models[name] = model
    seconds = dict.fromkeys(variants, 0.0)
    for _ in range(rounds):
        for name, model in models.items():
            started = time.perf_counter()
            for _ in range(steps):
                model.train_on_batch(inputs, targets)
            seconds[name] += time.perf_counter() - started
    words = BATCH * SEQUENCE * steps * rounds
    first = seconds[variants[0]]
    return {
        name: {"changes": VARIANTS[name], "parameters": models[name].count_params(), "words_per_s": round(words / seconds[name]),
               "time_ratio": round(seconds[name] / first, 2), "against": variants[0]}
        for name in variants
    }


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS),
                        help="the first is the one the others are compared with")
    parser.add_argument("--steps", type=int, default=20, help="steps of a variant's turn")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    measured = measure(args.variants, args.steps, args.rounds)
    recorded = (load_results(NAME) or {}).get("variants", {})
    write_results(NAME, {"variants": {**recorded, **measured}})
    for name, row in measured.items():
        print(f"{name:10s} {row['parameters']:>10,} parameters  {row['words_per_s']:>7,} words/s  "
              f"{row['time_ratio']:.2f} x the time of {row['against']}")


if __name__ == "__main__":
    main()
