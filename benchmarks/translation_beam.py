"""Benchmark: the translator's beam width and length penalty, chosen on the validation split.

    python benchmarks/translation_beam.py RUN_DIR
    python benchmarks/translation_beam.py RUN_DIR --beams 1 2 4 8 --penalties 0 0.6 1.0

Reopens a finished translator run (its model, vocabularies and config), rebuilds its split from the
config (the same file, seed and fractions give the same pairs) and translates the validation
sentences with every beam width and GNMT length penalty of the grid, scoring each with BLEU
against one reference per pair, as the run does. The pair with the best validation BLEU is then
scored once on the test split, beside the run's own setting, so the test split never chooses.
Results go to `results/translation_beam.json`; decoding only, a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from _results import write_results  # benchmarks/_results.py


def score(run: Any, data: Any, split: str, beam: int, penalty: float) -> float:
    from rnn_cookbook.translation.scores import translation_scores

    sources, references = data.sentences(split)
    written = run.translator.translate(sources, beam=beam, length_penalty=penalty)
    return translation_scores(written, references, data.pairs.target_language)["bleu"]


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
    from rnn_cookbook.recipes import translator
    from rnn_cookbook.translation.run import TranslatorRun

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished translator run folder")
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--penalties", type=float, nargs="+", default=[0.0, 0.6, 1.0])
    args = parser.parse_args()

    run = TranslatorRun(args.run)
    cfg = run.run.load_config(translator.Config)
    data = translator.load_data(cfg)
    grid = []
    for beam in args.beams:
        for penalty in args.penalties if beam > 1 else [0.0]:  # greedy has nothing to rank
            grid.append({"beam": beam, "length_penalty": penalty, "validation_bleu": score(run, data, "validation", beam, penalty)})
            print(f"beam {beam}, length penalty {penalty}: validation BLEU {grid[-1]['validation_bleu']:.2f}", flush=True)
    best = max(grid, key=lambda row: row["validation_bleu"])
    chosen = {**best, "test_bleu": score(run, data, "test", best["beam"], best["length_penalty"])}
    default = {"beam": cfg.beam, "length_penalty": cfg.length_penalty,
               "test_bleu": score(run, data, "test", cfg.beam, cfg.length_penalty)}
    print(f"chosen on validation: {chosen}\nthe run's own setting: {default}")
    write_results("translation_beam", {"run": str(args.run), "grid": grid, "chosen": chosen, "run_setting": default})


if __name__ == "__main__":
    main()
