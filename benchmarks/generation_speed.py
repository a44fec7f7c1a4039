"""Benchmark: characters per second of the rnn-deep-dive tutorial's generation loop against the stateful sampler.

    python benchmarks/generation_speed.py

Model: `char_lstm_generator` at its default size (Embedding 256, LSTM 256, softmax over a
65-character vocabulary, the size of tiny Shakespeare's); its weights do not change the speed, so
it is not trained. Prompt "ROMEO:". Three loops:

(a) the rnn-deep-dive tutorial's: for every new character, run the model over the whole text so far with
    `model.predict` and take the argmax (200 characters). Also timed with a direct `model(x)` call
    instead of `predict`, to separate the quadratic re-reading from `predict`'s per-call overhead.
(b) `rnn_cookbook.generation.sampling.Sampler`: one-step model carrying the LSTM state, compiled loop,
    1,000 characters at batch 1;
(c) the same, 64 samples of 1,000 characters at once.

Each loop runs once to warm up (tracing, first allocations); the timed run follows, and the
warm-up time is recorded too. Target (issue 4): (b) at least 50 times (a) and at least 2,000
characters per second on the 2-core CPU. Results: `benchmarks/results/generation_speed.json`.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import Row, load_results, measured_on, write_results  # benchmarks/_results.py

VOCABULARY_SIZE = 65
PROMPT = [18, 27, 25, 17, 27, 10]  # six ids, standing for "ROMEO:"


def table_rows() -> list[Row]:
    """This benchmark's row of the table: the stateful sampler's characters per second at batch 1, loop (b).

    From `results/generation_speed.json`: ours is (b), the baseline the rnn-deep-dive tutorial's
    loop (a); there is no training, so the train samples/s cell repeats (b)'s characters per second.
    """
    record = load_results("generation_speed")
    if not record:
        return []
    fast = f"{record['summary']['b_chars_per_second']:,.0f}"
    naive = next(r for r in record["runs"] if r["loop"].startswith("(a)"))
    return [Row(
        recipe="char_lstm_generator (generation)", data="LSTM(256), batch 1", metric="characters per second", ours=fast,
        baseline=f"the rnn-deep-dive tutorial's loop {naive['chars_per_second']:,.1f}", samples_per_s=fast,
        measured_on=measured_on(record),
    )]


def naive(model, length: int, *, use_predict: bool) -> list[int]:
    """The rnn-deep-dive tutorial's loop: the whole text goes through the model again for each new character."""
    text = list(PROMPT)
    for _ in range(length):
        x = np.array([text])
        probabilities = model.predict(x, verbose=0) if use_predict else model(x, training=False).numpy()
        text.append(int(np.argmax(probabilities[0, -1])))
    return text[len(PROMPT) :]


def timed(label: str, chars: int, run) -> dict:
    started = time.perf_counter()
    run()
    warm_up = time.perf_counter() - started
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    record = {"loop": label, "characters": chars, "seconds": round(seconds, 3), "warm_up_seconds": round(warm_up, 3),
              "chars_per_second": round(chars / seconds, 1)}
    print(f"{label:52s} {chars:6d} chars in {seconds:7.2f} s: {record['chars_per_second']:10.1f} chars/s", flush=True)
    return record


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook.generation.sampling import Sampler
    from rnn_cookbook.recipes import char_lstm_generator as recipe

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-length", type=int, default=200)
    parser.add_argument("--length", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()

    cfg = recipe.Config()
    model = recipe.build_model(cfg, VOCABULARY_SIZE)
    sampler = Sampler(model)
    records = [
        timed("(a) the rnn-deep-dive tutorial: model.predict on the whole text", args.naive_length,
              lambda: naive(model, args.naive_length, use_predict=True)),
        timed("(a') the rnn-deep-dive tutorial's loop with model(x) instead of predict", args.naive_length,
              lambda: naive(model, args.naive_length, use_predict=False)),
        timed("(b) stateful sampler, batch 1", args.length,
              lambda: sampler.sample(PROMPT, args.length, temperature=0.8, seed=0)),
        timed(f"(c) stateful sampler, batch {args.batch}", args.length * args.batch,
              lambda: sampler.sample(PROMPT, args.length, temperature=0.8, num_samples=args.batch, seed=0)),
    ]
    speed = {r["loop"][:4].strip(): r["chars_per_second"] for r in records}
    summary = {
        "b_over_a": round(speed["(b)"] / speed["(a)"], 1),
        "b_over_a_direct_call": round(speed["(b)"] / speed["(a')"], 1),
        "b_chars_per_second": speed["(b)"],
        "target": "met" if speed["(b)"] >= 50 * speed["(a)"] and speed["(b)"] >= 2000 else "not met",
    }
    path = write_results("generation_speed", {"model": "Embedding(65, 256) + LSTM(256) + Dense(65)", "runs": records,
                                              "summary": summary})
    print(f"\n(b) is {summary['b_over_a']}x (a) and {summary['b_over_a_direct_call']}x (a'); "
          f"target (>= 50x and >= 2,000 chars/s): {summary['target']}\nresults: {path}")


if __name__ == "__main__":
    main()
