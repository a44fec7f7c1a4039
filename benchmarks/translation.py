"""Benchmark: the translator with attention against the same model without it, on Tatoeba's Chinese-English pairs.

    python benchmarks/translation.py --data ../shared/data/cmn-eng/cmn.txt --name translation_scaled_smoothing  # seeds 0 1 2
    python benchmarks/translation.py --data path/to/cmn.txt --seeds 3 --name translation_more

Every run is the recipe's default `Config` (only `data` and `seed` set), exactly as
`rnn-cookbook run translator --set data=...` trains it: the attention model, then in the same
run the `attention=none` baseline on the same split and seed, and the two retrieval baselines.
Each finished seed is written to `benchmarks/results/<name>_seed<N>.json` at once, and a seed
already there is not run again, so a killed benchmark resumes where it stopped, a seed killed
mid-training from its last finished epoch (run folders in `$RNN_COOKBOOK_BENCHMARK_CACHE/translation`,
else `~/.cache/rnn-cookbook-benchmarks/translation`; `--fresh` starts over), and seeds can run as separate processes at the same time (`--seeds 1` beside `--seeds 2`);
the run that finds every seed recorded writes `<name>.json`, the table and the figure.
`--speed` then times both decoders again on each run's test split, one process at a time, so the
sentences/s do not depend on what else ran beside the training. `--memory` trains nothing: it scores
the two retrieval baselines on each seed's split, against one reference per pair and against every
reference of each distinct sentence (`results/<name>_memory.json`, in seconds).

Reported per system, mean ± sample standard deviation over the seeds: test BLEU and chrF (beam
search, the recipe's width and length penalty), BLEU on the long sentences (10+ English words),
greedy BLEU, train time and sentences/s of each decoder. Targets (issue 23): attention beats
`attention=none` by >= 3 BLEU, and by more on long sentences; moonshot: BLEU >= 30; (issue 33) the
model beats the translation memory by >= 3 BLEU. The default `--name translation` holds the first
defaults' seeds (luong attention, 2026-12-02): today's defaults are recorded as `DEFAULTS_NAME`.
`translation_bleu_by_length.png` averages the per-length BLEU of each system over the seeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from _results import (  # benchmarks/_results.py
    RESULTS,
    Row,
    cache_folder,
    load_results,
    mean_of,
    measured_on,
    spread,
    table_spread,
    unfinished_run,
    write_results,
)  # benchmarks/_results.py

SYSTEMS = ("model", "no_attention", "translation_memory", "most_frequent_sentence")
TARGET_GAIN, MOONSHOT = 3.0, 30.0
#: Issue 33: the model at least this many BLEU above the translation memory, single reference.
TARGET_OVER_MEMORY = 3.0
#: The results of today's defaults (attention=scaled, label_smoothing=0.1, trained to early stopping), which the
#: table shows; `translation` holds the first defaults' three seeds (luong attention, a 20-epoch budget).
DEFAULTS_NAME = "translation_scaled_smoothing"


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: the translator with attention, then the same model without it.

    From `results/<DEFAULTS_NAME>.json`, else the first defaults' `results/translation.json` (each
    written once every seed has run): test BLEU and BLEU on sentences of 10+ words over the seeds
    (mean ± sd), beside the translation-memory baseline, with the mean train time; samples/s for the
    attention model only (the baseline trains in the same run). Before either file exists, one row
    says the benchmark has not run.
    """
    record = load_results(DEFAULTS_NAME) or load_results("translation")
    if not record:
        return [Row(
            recipe="translator", data="cmn-eng (Tatoeba, zh -> en)", metric="test BLEU (sacrebleu)",
            ours="not measured yet: run benchmarks/translation.py",
        )]
    runs = [r["metrics"] for r in record["runs"]]
    cfg = record["config"]
    # metrics' data label names the resolved languages ("cmn.txt (zh->en)"); the config may say "auto"
    data = f"Tatoeba {runs[0]['data']}, {runs[0]['pairs']['test']:,} test pairs, no sentence in two splits"
    memory = table_spread([r["baselines"]["translation_memory"]["bleu"] for r in runs], 1)
    rows = []
    ceiling = f", at most {cfg['epochs']} epochs"  # part of what was measured: the default was 20 until 2026-12-04
    smoothing = f", label smoothing {cfg['label_smoothing']}" if cfg.get("label_smoothing") else ""
    for label, scores, seconds, speed in (
        (f"{cfg['attention']} attention{smoothing}, beam {cfg['beam']}{ceiling}", [r["model"] for r in runs], [r["wall_time_s"] for r in runs],
         mean_of(runs, "samples_per_s")),
        (f"attention=none{smoothing}, beam {cfg['beam']}{ceiling}", [r["baselines"]["no_attention"] for r in runs],
         [r["no_attention"]["wall_time_s"] for r in runs], "-"),
    ):
        rows.append(Row(
            recipe=f"translator ({label})", data=data, metric="test BLEU (sacrebleu); on 10+ words",
            ours=f"{table_spread([s['bleu'] for s in scores], 1)}; {table_spread([s['bleu_long'] for s in scores], 1)}",
            baseline=f"translation memory {memory}", train_time=f"{statistics.mean(seconds):,.0f}",
            samples_per_s=speed, measured_on=measured_on(record),
        ))
    return rows


def run_seed(data: str, seed: int, runs: Path) -> dict[str, Any]:
    """One default-config run: its metrics record, its run folder and the attention model's validation
    BLEU (the figure the levers are chosen by, `translation_levers.py`), resumed from its last finished
    epoch when a killed benchmark left it unfinished (the baseline model, trained after, starts over)."""
    from translation_beam import score  # benchmarks/translation_beam.py: here, since `python -m benchmarks` imports this module from outside its folder

    from rnn_cookbook.recipes import translator
    from rnn_cookbook.translation.run import TranslatorRun

    cfg = translator.Config(data=data, seed=seed)
    folder = runs / f"seed-{seed}"
    resume = unfinished_run(folder)
    result = translator.train(cfg, output=folder, verbose=2, resume=resume, overwrite=folder.exists() and not resume)
    print(result.summary(), flush=True)
    validation = score(TranslatorRun(result.run.path), translator.load_data(cfg), "validation", cfg.beam, cfg.length_penalty)
    return {"seed": seed, "run": str(result.run.path), "metrics": result.metrics, "validation_bleu": validation}


def scores_of(record: dict[str, Any], system: str) -> dict[str, float]:
    metrics = record["metrics"]
    return metrics["model"] if system == "model" else metrics["baselines"].get(system, {})


def table(records: list[dict[str, Any]]) -> str:
    """The Markdown table: one row per system, mean ± sd over the seeds."""
    lines = [
        "| system | BLEU | BLEU, every reference | chrF | BLEU, 10+ words | greedy BLEU | train time (s) | sentences/s greedy | sentences/s beam |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for system in SYSTEMS:
        rows = [scores_of(r, system) for r in records]
        if not all(rows):
            continue

        def cell(key: str, rows: list[dict[str, float]] = rows) -> str:
            values = [row[key] for row in rows if key in row]
            return spread(values, 1) if values else "-"

        train = "-"
        greedy_speed = beam_speed = "-"
        if system == "model":
            train = spread([r["metrics"]["wall_time_s"] for r in records], 0)
            speeds = [r.get("speed_alone") or r["metrics"]["decoding"] for r in records]  # timed alone when measured so
            greedy_speed = spread([speed["greedy_sentences_per_s"] for speed in speeds], 0)
            beam_speed = spread([speed["beam_sentences_per_s"] for speed in speeds], 0)
        elif system == "no_attention":
            train = spread([r["metrics"]["no_attention"]["wall_time_s"] for r in records], 0)
        lines.append(
            f"| {system} | {cell('bleu')} | {cell('bleu_multi')} | {cell('chrf')} | {cell('bleu_long')} | {cell('greedy_bleu')} | {train} | "
            f"{greedy_speed} | {beam_speed} |"
        )
    return "\n".join(lines)


def length_figure(records: list[dict[str, Any]]) -> Any:
    """BLEU by source length, each system averaged over the seeds."""
    from rnn_cookbook.translation import plots

    bins = list(records[0]["metrics"]["bleu_by_length"])
    averaged: dict[str, dict[str, float]] = {}
    for b in bins:
        cells = [r["metrics"]["bleu_by_length"][b] for r in records]
        averaged[b] = {"count": statistics.mean(c["count"] for c in cells)}
        for system in ("model", "no_attention", "translation_memory"):
            averaged[b][system] = statistics.mean(c[system] for c in cells)
    renamed = {b: {("attention" if k == "model" else k): v for k, v in row.items()} for b, row in averaged.items()}
    return plots.bleu_by_length(
        renamed,
        ["attention", "no_attention", "translation_memory"],
        title=f"cmn-eng test BLEU by source length, mean of {len(records)} seed(s)",
        xlabel="source length (characters)",
    )


def recorded(name: str) -> dict[int, dict[str, Any]]:
    """The seeds already run: `<name>_seed<N>.json` files (and the runs of an older `<name>.json`)."""
    found: dict[int, dict[str, Any]] = {}
    summary = RESULTS / f"{name}.json"
    if summary.is_file():
        found.update({r["seed"]: r for r in json.loads(summary.read_text())["runs"]})
    for path in sorted(RESULTS.glob(f"{name}_seed*.json")):
        record = json.loads(path.read_text())["run"]
        found[record["seed"]] = record
    return found


def measure_speed(record: dict[str, Any]) -> dict[str, float]:
    """Sentences/s of greedy and beam decoding over the run's test split, after one warm-up call each."""
    from rnn_cookbook.recipes import translator
    from rnn_cookbook.translation.run import TranslatorRun
    from rnn_cookbook.translation.evaluation import warm_up
    from rnn_cookbook.translation.scores import timed

    run = TranslatorRun(record["run"])
    cfg = translator.Config.from_dict(run.config)
    sources, _ = translator.load_data(cfg).sentences("test")
    ids = run.translator.source_ids(sources)
    warm_up(run.translator, ids, cfg)
    _, greedy_s = timed(run.translator.greedy_ids, ids)
    _, beam_s = timed(run.translator.beam_ids, ids, cfg.beam, cfg.length_penalty)
    return {"greedy_sentences_per_s": len(ids) / greedy_s, "beam_sentences_per_s": len(ids) / beam_s}


def score_memory(data: str, seeds: list[int]) -> list[dict[str, Any]]:
    """The retrieval baselines on each seed's test split (the recipe's default split), single- and multi-reference."""
    from rnn_cookbook.recipes import translator
    from rnn_cookbook.translation.scores import most_frequent_sentence, reference_sets, translation_memory
    from rnn_cookbook.translation.evaluation import long_rows, system_scores

    records = []
    for seed in seeds:
        loaded = translator.load_data(translator.Config(data=data, seed=seed))
        sources, references = loaded.sentences("test")
        train_sources, train_targets = loaded.sentences("train")
        sets = reference_sets(sources, references)
        long = long_rows(loaded, sources, references)
        language = loaded.pairs.target_language
        outputs = {
            "translation_memory": translation_memory(train_sources, train_targets, sources, loaded.pairs.source_level),
            "most_frequent_sentence": most_frequent_sentence(train_targets, len(sources)),
        }
        record = {
            "seed": seed, "test_pairs": len(sources), "distinct_test_sources": len(sets[0]),
            "with_several_references": sum(len(r) > 1 for r in sets[1]),
            "baselines": {name: system_scores(out, references, long, language, sets) for name, out in outputs.items()},
        }
        memory = record["baselines"]["translation_memory"]
        print(f"seed {seed}: {record['test_pairs']:,} test pairs, {record['distinct_test_sources']:,} distinct sources "
              f"({record['with_several_references']:,} with several references); translation memory BLEU "
              f"{memory['bleu']:.1f} single, {memory['bleu_multi']:.1f} multi; chrF {memory['chrf']:.1f}, {memory['chrf_multi']:.1f}", flush=True)
        records.append(record)
    return records


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook.recipes import translator

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="path to cmn.txt (or any pair file the recipe reads)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--name", default="translation", help="results file name (benchmarks/results/NAME.json)")
    parser.add_argument("--runs", type=Path, default=cache_folder("translation"))
    parser.add_argument("--fresh", action="store_true", help="run every seed again, even those already recorded")
    parser.add_argument("--speed", action="store_true", help="time the decoders of every recorded run again, alone")
    parser.add_argument("--memory", action="store_true", help="only score the retrieval baselines, single- and multi-reference")
    args = parser.parse_args()

    if args.memory:
        records = score_memory(args.data, args.seeds)
        write_results(f"{args.name}_memory", {"data": args.data, "runs": records})
        for key in ("bleu", "bleu_multi", "chrf", "chrf_multi"):
            print(f"translation memory {key}: {spread([r['baselines']['translation_memory'][key] for r in records], 1)}")
        return
    done = {} if args.fresh else recorded(args.name)
    for seed in args.seeds:
        if seed in done:
            print(f"seed {seed}: already recorded, skipped")
            continue
        done[seed] = run_seed(args.data, seed, args.runs)
        write_results(f"{args.name}_seed{seed}", {"run": done[seed]})  # at once: a killed benchmark keeps it
    if not args.fresh:  # seeds that other processes finished meanwhile
        done = {**recorded(args.name), **done}
    wanted = [0, 1, 2] if args.name in ("translation", DEFAULTS_NAME) else args.seeds
    if not all(seed in done for seed in wanted):
        print(f"recorded seeds {sorted(done)}; the summary waits for {wanted}")
        return
    records = [done[seed] for seed in sorted(done)]
    if args.speed:
        for record in records:
            record["speed_alone"] = measure_speed(record)
            print(f"seed {record['seed']}: {record['speed_alone']}")
    saved = Path(records[0]["run"]) / "config.json"  # the runs' own settings: the defaults may have moved since
    config = json.loads(saved.read_text())["config"] if saved.is_file() else translator.Config(data=args.data).to_dict()
    write_results(args.name, {"data": args.data, "config": config, "runs": records})
    gains = [scores_of(r, "model")["bleu"] - scores_of(r, "no_attention")["bleu"] for r in records]
    long_gains = [scores_of(r, "model")["bleu_long"] - scores_of(r, "no_attention")["bleu_long"] for r in records]
    figure = length_figure(records)
    figure.savefig(RESULTS / f"{args.name}_bleu_by_length.png", dpi=110, bbox_inches="tight")
    print()
    print(table(records))
    print()
    print(f"attention - no attention: {spread(gains, 1)} BLEU (target >= {TARGET_GAIN}); on 10+ words: {spread(long_gains, 1)}")
    over_memory = [scores_of(r, "model")["bleu"] - scores_of(r, "translation_memory")["bleu"] for r in records]
    print(f"model - translation memory: {spread(over_memory, 1)} BLEU (target >= {TARGET_OVER_MEMORY})")
    validation = [r["validation_bleu"] for r in records if "validation_bleu" in r]
    if validation:
        print(f"validation BLEU (beam {translator.Config().beam}): {spread(validation, 1)}")
    best = max(scores_of(r, "model")["bleu"] for r in records)
    print(f"best BLEU {best:.1f} (moonshot >= {MOONSHOT})")


if __name__ == "__main__":
    main()
