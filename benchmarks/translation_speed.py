"""Benchmark: where the translator's training time goes, and what makes an epoch cheaper.

    python benchmarks/translation_speed.py --data ../shared/data/cmn-eng/cmn.txt
    python benchmarks/translation_speed.py --data ../shared/data/cmn-eng/cmn.txt --variants padded by_length

Each variant trains the recipe's default model (seed 0, the default split) for one epoch over the
training pairs and is timed from the end of a warm-up of a few batches, which pays for tracing the
training step, to the end of the epoch (validation not included). Variants, one change each from
the first:

- `padded`: every batch padded to the longest sentence allowed (32 characters, 24 words), as the
  recipe trained before `length_buckets`;
- `by_length`: batches of one translation length, cut to their longest sentence (the default);
- `by_length_128`, `by_length_256`: the same with larger batches (the rate is not changed here:
  this measures cost only, and a larger batch needs its own rate and epochs to reach the same loss);
- `padded_xla`, `by_length_xla`: the same, with the training step compiled by XLA (`jit_compile`);
- `small_output`: `by_length` with a 500-word English vocabulary in place of 5,000: what the
  output layer (a softmax over the vocabulary at every step written) costs.

Results go to `results/translation_speed.json`: sentences/s and seconds per epoch per variant,
with the padded steps each reads (the share of the model's steps that are padding).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from _results import load_results, write_results  # benchmarks/_results.py

VARIANTS: dict[str, tuple[dict[str, Any], bool]] = {
    # name: (config changes, jit_compile)
    "padded": ({"length_buckets": False}, False),
    "by_length": ({}, False),
    "by_length_128": ({"batch_size": 128}, False),
    "by_length_256": ({"batch_size": 256}, False),
    "padded_xla": ({"length_buckets": False}, True),
    "by_length_xla": ({}, True),
    "small_output": ({"target_vocabulary": 500}, False),
}
WARM_UP_BATCHES = 10


def padding_share(dataset: Any) -> float:
    """The share of the source and target positions a model reads that are padding, over one epoch."""
    cells = real = 0
    for inputs, targets in dataset:
        for array in (inputs["source"].numpy(), targets.numpy()):
            cells += array.size
            real += np.count_nonzero(array)
    return 1 - real / cells


def time_variant(data_file: str, name: str) -> dict[str, Any]:
    from rnn_cookbook.recipes import translator

    changes, jit = VARIANTS[name]
    cfg = translator.Config(data=data_file, compare_without_attention=False, **changes)
    data = translator.load_data(cfg)
    model = translator.build_model(cfg, len(data.source), len(data.target))
    if jit:
        model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"], jit_compile=True)
    train = data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed)
    model.fit(train.take(WARM_UP_BATCHES), epochs=1, verbose=0)
    started = time.perf_counter()
    model.fit(train, epochs=1, verbose=0)
    seconds = time.perf_counter() - started
    sentences = len(data.sentences("train")[0])
    record = {
        "variant": name, "config_changes": changes, "jit_compile": jit, "batch_size": cfg.batch_size,
        "epoch_s": round(seconds, 1), "sentences_per_s": round(sentences / seconds, 1),
        "padding_share": round(padding_share(train), 3), "training_pairs": sentences,
    }
    print(f"{name:>14}: {seconds:6.1f} s an epoch, {sentences / seconds:6.0f} sentences/s, "
          f"{record['padding_share']:.0%} of the positions read are padding", flush=True)
    return record


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="path to cmn.txt (or any pair file the recipe reads)")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    previous = {r["variant"]: r for r in (load_results("translation_speed") or {}).get("runs", [])}
    for name in args.variants:  # each written at once, so a killed run keeps what it measured
        previous[name] = time_variant(args.data, name)
        write_results("translation_speed", {"data": args.data.rsplit("/", 1)[-1], "runs": list(previous.values())})


if __name__ == "__main__":
    main()
