"""Benchmark: issue 33's levers for the translator, one at a time on seed 0, judged on the validation split.

    python benchmarks/translation_levers.py --data ../shared/data/cmn-eng/cmn.txt scaled label_smoothing
    python benchmarks/translation_levers.py --table

Each lever is the recipe's default `Config` with one setting changed (`LEVERS`), trained on seed 0 to
early stopping, without the `attention=none` baseline (the defaults' runs have it). A lever that
wins becomes the default, and the levers measured after it change that new default: each record
says which defaults it ran on (`base`, what they changed from `FIRST_DEFAULTS`), and the table
compares it with that base's own row. `--seed 1` runs a lever on another split and initialisation,
to check a choice that one seed made (its key ends in `seed 1`). A
lever's validation BLEU, with the recipe's beam (4) and length penalty (0.6), decides; its
test figures are recorded beside it, single- and multi-reference, so the table can also say what
the choice was worth on test. The defaults themselves are not trained again here: their row reads
the converged seed-0 run (`results/translation_converged_seed0.json`, test) and the beam search of
that same model on validation (`results/translation_beam.json`, at the run's own beam and penalty).
A lever that changes which pairs fit the length limits (`jieba` counts words, not characters, so a
few long sentences are kept) also changes the seeded split; the translation memory, scored on each
run's own test split, is the control beside it.

Each finished lever is merged into `results/translation_levers.json` at once, so levers can run as
separate processes at the same time, and a killed lever resumes from its last finished epoch (run
folders in `$RNN_COOKBOOK_BENCHMARK_CACHE/translation_levers`, else
`~/.cache/rnn-cookbook-benchmarks/translation_levers`). A lever already recorded is not run again.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from _results import cache_folder, load_results, unfinished_run, write_results  # benchmarks/_results.py
from translation_beam import score  # benchmarks/translation_beam.py

NAME = "translation_levers"
#: The test figures every row carries, from the run's `metrics.json`.
TEST_KEYS = ("bleu", "bleu_multi", "bleu_long", "chrf", "greedy_bleu", "loss")
#: What each lever changes in the default Config (issue 33, item 3).
LEVERS: dict[str, dict[str, Any]] = {
    "bahdanau": {"attention": "bahdanau"},
    "scaled": {"attention": "scaled"},
    "units_256": {"units": 256},
    "dropout_0.3": {"dropout": 0.3},
    "label_smoothing": {"label_smoothing": 0.1},
    # cmn.txt's Chinese side holds 12,423 jieba words (6,486 seen twice or more) against 2,698 characters
    "jieba": {"source_tokens": "jieba", "source_vocabulary": 8000},
    "subwords": {"target_tokens": "subwords"},  # 5,000 SentencePiece pieces in place of 5,000 words
    # 0.7 times the time per epoch (translation_speed.py); the rate scaled by √4, as for Adam
    "batch_256": {"batch_size": 256, "learning_rate": 2e-3},
}


#: The defaults the levers started from (2026-12-04); a lever that won changed them, and later levers ran on the new ones.
FIRST_DEFAULTS = {"attention": "luong", "label_smoothing": 0.0}


def current_base() -> dict[str, str]:
    """What today's defaults changed from `FIRST_DEFAULTS`, as text: {} while they still hold."""
    from rnn_cookbook.recipes import translator

    defaults = translator.Config()
    return {key: str(getattr(defaults, key)) for key, first in FIRST_DEFAULTS.items() if getattr(defaults, key) != first}


def base_settings(base: str | dict[str, str]) -> dict[str, str]:
    """A record's `base` as settings: records before 2026-12-06 (late) name only the attention they ran on."""
    if isinstance(base, dict):
        return base
    return {} if base == "luong" else {"attention": base}


def describe(base: dict[str, str]) -> str:
    """`{"attention": "scaled", "label_smoothing": "0.1"}` -> `scaled + label_smoothing=0.1` (a record's key)."""
    return " + ".join(value if key == "attention" else f"{key}={value}" for key, value in base.items())


def record_key(name: str, seed: int = 0) -> str:
    """A lever's key in the results: its name, then the defaults it ran on where they are not the first, and its seed if not 0."""
    base = current_base()
    return name + (f" on {describe(base)}" if base else "") + (f" seed {seed}" if seed else "")


def changed_from_first(settings: dict[str, str]) -> frozenset[tuple[str, str]]:
    """The settings that differ from `FIRST_DEFAULTS`, hashable: two rows that trained the same config compare equal."""
    return frozenset((key, value) for key, value in settings.items() if value != str(FIRST_DEFAULTS.get(key)))


def settings_of(row: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """Everything a row changed from `FIRST_DEFAULTS`: its base's settings and its own."""
    return changed_from_first({**base_settings(row.get("base", "luong")), **{key: str(value) for key, value in row["changes"].items()}})


def run_lever(name: str, data: str, seed: int = 0) -> dict[str, Any]:
    """Train one lever on `seed` (resumed if a killed run left it unfinished) and score it on validation and test."""
    from rnn_cookbook.recipes import translator
    from rnn_cookbook.translation.run import TranslatorRun

    cfg = translator.Config(data=data, seed=seed, compare_without_attention=False, **LEVERS[name])
    folder = cache_folder(NAME) / record_key(name, seed)
    resume = unfinished_run(folder)
    started = time.perf_counter()
    result = translator.train(cfg, output=folder, verbose=2, resume=resume, overwrite=folder.exists() and not resume)
    run = TranslatorRun(result.run.path)
    validation = score(run, translator.load_data(cfg), "validation", cfg.beam, cfg.length_penalty)
    model = result.metrics["model"]
    return {
        "lever": name, "changes": LEVERS[name], "base": current_base(), "seed": seed, "validation_bleu": validation,
        **{f"test_{key}": model[key] for key in TEST_KEYS},
        "translation_memory_bleu": result.metrics["baselines"]["translation_memory"]["bleu"],
        "epochs_run": result.metrics["epochs_run"], "train_time_s": result.metrics["wall_time_s"],
        "seconds_per_epoch": result.metrics["wall_time_s"] / result.metrics["epochs_run"],
        "wall_s": time.perf_counter() - started, "run": str(result.run.path),
        "recorded": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def defaults_row() -> dict[str, Any] | None:
    """The defaults, from the converged seed-0 run and the beam benchmark of that same model."""
    converged, beam = load_results("translation_converged_seed0"), load_results("translation_beam")
    if not converged or not beam:
        return None
    metrics = converged["run"]["metrics"]
    setting = (metrics["decoding"]["beam"], metrics["decoding"]["length_penalty"])
    (validation,) = [row["validation_bleu"] for row in beam["grid"] if (row["beam"], row["length_penalty"]) == setting]
    return {
        "lever": "defaults", "changes": {}, "validation_bleu": validation,
        **{f"test_{key}": metrics["model"][key] for key in TEST_KEYS},
        "translation_memory_bleu": metrics["baselines"]["translation_memory"]["bleu"],
        "epochs_run": metrics["epochs_run"], "train_time_s": metrics["wall_time_s"],
        "seconds_per_epoch": metrics["wall_time_s"] / metrics["epochs_run"],  # fit time only: the baseline trained after
    }


def table() -> str:
    """The levers against the defaults: validation BLEU decides, test BLEU says what it was worth."""
    rows = [row for row in [defaults_row(), *(load_results(NAME) or {}).get("levers", {}).values()] if row]
    if not rows:
        return "no lever recorded yet"
    # The validation BLEU of each base, by seed: the first defaults' row, and the lever rows whose settings a later default took.
    bases = {(settings_of(row), row.get("seed", 0)): row["validation_bleu"] for row in rows}
    lines = ["| lever | change | validation BLEU (beam 4) | vs its base | test BLEU | multi-reference | 10+ words | "
             "translation memory (its split) | epochs | time |", "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        change = ", ".join(f"{k}={v}" for k, v in row["changes"].items()) or "-"
        base = base_settings(row.get("base", "luong"))  # records from before `base` ran on attention=luong
        on = ", ".join(f"{key}={value}" for key, value in base.items())
        change = f"{change} (on {on})" if base and row["lever"] != "defaults" else change
        change += f", seed {row['seed']}" if row.get("seed") else ""
        reference = bases.get((changed_from_first(base), row.get("seed", 0)))
        delta = "-" if reference is None or row["lever"] == "defaults" else f"{row['validation_bleu'] - reference:+.1f}"
        bleu = [f"{row[key]:.1f}" if row[key] is not None else "-" for key in ("test_bleu", "test_bleu_multi", "test_bleu_long")]
        lines.append(f"| {row['lever']} | {change} | {row['validation_bleu']:.1f} | {delta} | {' | '.join(bleu)} | "
                     f"{row['translation_memory_bleu']:.1f} | {row['epochs_run']} | {row['train_time_s'] / 60:.0f} min |")
    return "\n".join(lines)


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("levers", nargs="*", help=f"any of: {', '.join(LEVERS)}")
    parser.add_argument("--data", help="path to cmn.txt (or any pair file the recipe reads)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and the weights (default 0: the seed the levers were chosen on)")
    parser.add_argument("--table", action="store_true", help="only print the table of what is recorded")
    args = parser.parse_args()
    unknown = [lever for lever in args.levers if lever not in LEVERS]
    if unknown:
        parser.error(f"unknown lever {unknown[0]!r}; choose from {', '.join(LEVERS)}")
    if args.levers and not args.data and not args.table:
        parser.error("--data is needed to train a lever")
    for lever in [] if args.table else args.levers:
        key = record_key(lever, args.seed)
        if key in (load_results(NAME) or {}).get("levers", {}):
            print(f"{key}: already recorded, skipped")
            continue
        print(f"== {lever} ({time.strftime('%H:%M')})", flush=True)
        record = run_lever(lever, args.data, args.seed)
        levers = (load_results(NAME) or {}).get("levers", {})  # what other processes recorded meanwhile stays
        write_results(NAME, {"data": args.data, "levers": {**levers, key: record}})
        print(f"== {lever}: {json.dumps({k: v for k, v in record.items() if k != 'run'})}", flush=True)
    print(table())


if __name__ == "__main__":
    main()
