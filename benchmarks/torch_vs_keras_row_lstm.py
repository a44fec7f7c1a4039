"""Benchmark: training throughput of the rnn-and-lstm tutorial's PyTorch LSTM and of the Keras row-LSTM recipe, same CPU.

    python benchmarks/torch_vs_keras_row_lstm.py
    python benchmarks/torch_vs_keras_row_lstm.py --batches 60 --warmup 5 --repeats 3
    python benchmarks/torch_vs_keras_row_lstm.py --images /usr/share/datasets/fashion-mnist   # real pictures

Measures training samples per second of one and the same model in both frameworks, on the same
CPU, in one process:

- PyTorch: the rnn-and-lstm tutorial's model exactly as printed (class `LSTM`: `nn.LSTM(28, 128, 2,
  batch_first=True)` with zero initial states, `nn.Linear(128, 10)` on the last step's output),
  `CrossEntropyLoss`, `Adam(lr=1e-3)`, and the tutorial's training step (forward, loss, `zero_grad`,
  `backward`, `step`) on CPU tensors built once (no DataLoader);
- Keras: `row_lstm_classifier.build_model(Config(dropout=0.0), image_shape=(28, 28))`, the
  recipe's model without its dropout, i.e. the tutorial's architecture (softmax + sparse
  cross-entropy in place of logits + `CrossEntropyLoss`, the same function), timed two ways:
  `model.fit` over the timed batches (one call, how the recipe trains; includes fit's per-call
  set-up) and a `train_on_batch` loop (one compiled step per call, the closest match to PyTorch's
  loop).

Inputs: float32 arrays of shape (batches x 100, 28, 28), random normal by default (the values do
not change the arithmetic), or the first training images of an IDX folder (`--images`, normalised
as the recipe does), with integer labels 0-9. After `--warmup` untimed batches per method, each
repeat times `--batches` batches of 100 per method, methods interleaved; the table gives the median
and every repeat's figure. Threads: PyTorch is set to `os.cpu_count()` intra-op threads;
TensorFlow keeps its default (0 = chosen by TensorFlow, all cores); both are recorded.

PyTorch is never a dependency of the package. Without it the Keras figures are recorded and
PyTorch is marked skipped; a CPU build installs with `pip install torch==2.13.0`. Results go to
`benchmarks/results/torch_vs_keras_row_lstm.json`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _results import Row, load_results, measured_on, write_results  # benchmarks/_results.py

SEQUENCE_LENGTH, INPUT_SIZE, HIDDEN_SIZE, NUM_LAYERS, NUM_CLASSES = 28, 28, 128, 2, 10  # the rnn-and-lstm tutorial
LEARNING_RATE = 0.001  # the rnn-and-lstm tutorial
TORCH_HINT = "pip install torch==2.13.0  (a CPU build; PyTorch is not a dependency of rnn-cookbook)"


def table_rows() -> list[Row]:
    """This benchmark's row of the table: Keras `fit`'s training samples per second beside the tutorial's PyTorch loop.

    From `results/torch_vs_keras_row_lstm.json`: the median over repeats of each; the train
    samples/s cell repeats Keras `fit`'s figure.
    """
    record = load_results("torch_vs_keras_row_lstm")
    if not record:
        return []
    through = record["throughput"]
    keras_fit = f"{through['keras fit']['median_samples_per_s']:,.0f}"
    torch_loop = f"{through['pytorch (the rnn-and-lstm tutorial)']['median_samples_per_s']:,.0f}"
    return [Row(
        recipe="row_lstm_classifier (training speed)", data="28x28 images, batch 100", metric="samples per second",
        ours=f"{keras_fit} (Keras fit)", baseline=f"{torch_loop} (the rnn-and-lstm tutorial's PyTorch)",
        samples_per_s=keras_fit, measured_on=measured_on(record),
    )]


def inputs(count: int, images: str | None, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """`count` 28x28 float32 inputs and int64 labels: random normal, or real images from an IDX folder."""
    rng = np.random.default_rng(seed)
    if images is None:
        x = rng.standard_normal((count, SEQUENCE_LENGTH, INPUT_SIZE), dtype=np.float32)
        return x, rng.integers(0, NUM_CLASSES, count).astype(np.int64), "random normal"
    from rnn_cookbook.images.loading import load_images

    loaded = load_images(images)
    if loaded.image_shape != (SEQUENCE_LENGTH, INPUT_SIZE) or len(loaded.train_labels) < count:
        raise SystemExit(f"{images}: need at least {count} training images of 28x28, got {loaded.image_shape}")
    x = loaded.normalise(loaded.train_images[:count])
    return x, loaded.train_labels[:count].astype(np.int64), f"{loaded.name} training images (normalised)"


def torch_trainer(x: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[Callable[[int, int], None], dict[str, Any]]:
    """The rnn-and-lstm tutorial's PyTorch model, loss and optimiser; a function that trains on batches [first, last)."""
    import torch
    import torch.nn as nn
    import torch.optim as optim

    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    device = torch.device("cpu")

    class LSTM(nn.Module):  # the rnn-and-lstm tutorial, section 3.2, as printed
        def __init__(self, input_size, hidden_size, num_layers, num_classes):
            super().__init__()
            self.hidden_size = hidden_size
            self.num_layers = num_layers
            self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
            self.fc = nn.Linear(hidden_size, num_classes)

        def forward(self, x):
            h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
            c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
            out, _ = self.lstm(x, (h0, c0))
            out = self.fc(out[:, -1, :])
            return out

    model = LSTM(INPUT_SIZE, HIDDEN_SIZE, NUM_LAYERS, NUM_CLASSES).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    model.train()
    batches = [
        (torch.from_numpy(x[i : i + batch_size]), torch.from_numpy(y[i : i + batch_size]))
        for i in range(0, len(x), batch_size)
    ]

    def train(first: int, last: int) -> None:
        loss = None
        for images, labels in batches[first:last]:
            images = images.reshape(-1, SEQUENCE_LENGTH, INPUT_SIZE).to(device)
            labels = labels.to(device)
            outputs = model(images)
            loss = criterion(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if loss is not None:
            loss.item()  # the tutorial prints it; also makes sure the step has finished

    info = {
        "torch": torch.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "torch_num_interop_threads": torch.get_num_interop_threads(),
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    return train, info


def keras_trainers(x: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[dict[str, Callable[[int, int], None]], dict[str, Any]]:
    """The recipe's model without dropout; `fit` and `train_on_batch` over batches [first, last)."""
    import keras
    import tensorflow as tf

    from rnn_cookbook.recipes import row_lstm_classifier

    keras.utils.set_random_seed(0)
    cfg = row_lstm_classifier.Config(dropout=0.0)
    model = row_lstm_classifier.build_model(cfg, image_shape=(SEQUENCE_LENGTH, INPUT_SIZE), num_classes=NUM_CLASSES)

    def fit(first: int, last: int) -> None:
        rows = slice(first * batch_size, last * batch_size)
        model.fit(x[rows], y[rows], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)

    def on_batch(first: int, last: int) -> None:
        for i in range(first, last):
            rows = slice(i * batch_size, (i + 1) * batch_size)
            model.train_on_batch(x[rows], y[rows])  # returns NumPy values: the step has finished

    info = {
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "backend": keras.backend.backend(),
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "config": {"units": cfg.units, "num_layers": cfg.num_layers, "dropout": cfg.dropout, "learning_rate": cfg.learning_rate},
        "parameters": model.count_params(),
    }
    return {"keras fit": fit, "keras train_on_batch": on_batch}, info


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60, help="timed batches per repeat and method")
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches per method first")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--images", metavar="DIR", help="IDX folder of 28x28 images (default: random inputs)")
    args = parser.parse_args()

    count = (args.warmup + args.batches) * args.batch_size
    x, y, source = inputs(count, args.images, seed=0)
    methods, keras_info = keras_trainers(x, y, args.batch_size)
    torch_info: dict[str, Any]
    try:
        train_torch, torch_info = torch_trainer(x, y, args.batch_size)
        methods = {"pytorch (the rnn-and-lstm tutorial)": train_torch, **methods}
    except ImportError as exc:
        torch_info = {"skipped": f"PyTorch is not installed ({exc}); install it with: {TORCH_HINT}"}
        print(f"PyTorch skipped: {exc}\n  to measure it: {TORCH_HINT}", flush=True)

    for name, train in methods.items():
        started = time.perf_counter()
        train(0, args.warmup)
        print(f"{name}: warm-up of {args.warmup} batches in {time.perf_counter() - started:.2f} s", flush=True)

    timed: dict[str, list[float]] = {name: [] for name in methods}
    for repeat in range(args.repeats):
        for name, train in methods.items():
            started = time.perf_counter()
            train(args.warmup, args.warmup + args.batches)
            seconds = time.perf_counter() - started
            timed[name].append(seconds)
            print(f"repeat {repeat + 1}: {name}: {args.batches} batches in {seconds:.2f} s "
                  f"({args.batches * args.batch_size / seconds:.0f} samples/s)", flush=True)

    samples = args.batches * args.batch_size
    figures = {
        name: {
            "seconds": [round(s, 4) for s in secs],
            "samples_per_s": [round(samples / s, 1) for s in secs],
            "median_samples_per_s": round(samples / statistics.median(secs), 1),
            "median_ms_per_batch": round(1000 * statistics.median(secs) / args.batches, 2),
        }
        for name, secs in timed.items()
    }
    path = write_results(
        "torch_vs_keras_row_lstm",
        {
            "settings": {
                "batch_size": args.batch_size, "timed_batches": args.batches, "warmup_batches": args.warmup,
                "repeats": args.repeats, "inputs": source, "shape": [SEQUENCE_LENGTH, INPUT_SIZE],
            },
            "pytorch": torch_info,
            "keras": keras_info,
            "throughput": figures,
        },
    )

    reference = figures.get("pytorch (the rnn-and-lstm tutorial)")
    print(f"\n{args.batches} batches of {args.batch_size} ({source}), {args.repeats} repeat(s), "
          f"{os.cpu_count()} CPU(s); median over repeats")
    print("\n| framework | samples/s (median) | ms per batch | per repeat (samples/s) | vs PyTorch |")
    print("|---|---|---|---|---|")
    for name, figure in figures.items():
        ratio = f"{figure['median_samples_per_s'] / reference['median_samples_per_s']:.2f}x" if reference else "-"
        runs = " / ".join(f"{v:.0f}" for v in figure["samples_per_s"])
        print(f"| {name} | {figure['median_samples_per_s']:.0f} | {figure['median_ms_per_batch']:.1f} | {runs} | {ratio} |")
    if "skipped" in torch_info:
        print(f"| pytorch (the rnn-and-lstm tutorial) | skipped: {torch_info['skipped']} | | | |")
    else:
        print(f"\nPyTorch {torch_info['torch']}: {torch_info['torch_num_threads']} intra-op / "
              f"{torch_info['torch_num_interop_threads']} inter-op threads, {torch_info['parameters']:,} parameters")
    print(f"TensorFlow {keras_info['tensorflow']}, Keras {keras_info['keras']}: intra-op {keras_info['tf_intra_op_threads']}, "
          f"inter-op {keras_info['tf_inter_op_threads']} (0 = TensorFlow's default), {keras_info['parameters']:,} parameters")
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
