"""One benchmark table: `python -m benchmarks` (from the repository root).

Runs the benchmark scripts that fit this machine, then rewrites `benchmarks/RESULTS.md` from every
`benchmarks/results/*.json`: per recipe the data, the metric, our figure, the baseline's, the
published anchor's, the training wall time, training samples per second, and the machine each
figure was measured on.

    python -m benchmarks                  # the scripts that fit this machine's budget, then the table
    python -m benchmarks --budget 0       # no runs: rebuild the table from the recorded results
    python -m benchmarks --budget 600     # everything (a GPU machine, or a free afternoon)
    python -m benchmarks --only forecaster seed_grid

"The mode that fits the machine": each script has an estimated cost in minutes on this project's
2-core CPU. The default budget is 15 minutes on a machine with fewer than 8 cores and no GPU, and
unlimited otherwise; the cheapest scripts run first while the sum fits, the others keep their
recorded results, and the table says where and when each figure was measured. Scripts whose data
is missing (the shared corpora beside the checkout, Debian's Fashion-MNIST files, PyTorch) are
skipped with the reason.

How the table is built: this module knows no script's results. Each script `benchmarks/<name>.py`
defines `table_rows() -> list[Row]` (`Row`, the table's columns, is in `benchmarks/_results.py`),
which reads its own `results/*.json` and says in its docstring how those figures become rows.
`collect_rows()` imports every script in `TABLE_ORDER` and concatenates their rows. Importing a
script runs nothing and loads no TensorFlow (it imports Keras and the recipes inside the functions
that train), so rebuilding the table takes well under a second. A new benchmark needs an entry in
`SCRIPTS` and a `table_rows()`; its rows come last until it has a place in `TABLE_ORDER`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

from benchmarks import _results
from benchmarks._results import Row

HERE = Path(__file__).resolve().parent
SHARED_DATA = HERE.parent.parent / "shared" / "data"
TABLE = HERE / "RESULTS.md"
README = HERE.parent / "README.md"
README_MARKERS = ("<!-- benchmark table: written by `python -m benchmarks` -->", "<!-- end of benchmark table -->")


@dataclasses.dataclass(frozen=True)
class Script:
    """One benchmark script: how to run it here, what it needs, and what it costs on 2 CPU cores."""

    name: str
    arguments: tuple[str, ...] = ()
    minutes: float = 5.0
    needs: tuple[Path, ...] = ()
    needs_module: str | None = None

    def missing(self) -> str | None:
        for path in self.needs:
            if not path.exists():
                return f"{path} not found"
        if self.needs_module and not _importable(self.needs_module):
            return f"Python package {self.needs_module!r} not installed"
        return None


SCRIPTS = (
    Script("forecaster", ("--seeds", "0", "1", "2"), minutes=3),
    Script(
        "etth1", ("--data", str(SHARED_DATA / "ETTh1" / "ETTh1.csv"), "--average"),
        minutes=8, needs=(SHARED_DATA / "ETTh1" / "ETTh1.csv",),
    ),
    Script("generation_speed", minutes=2),
    Script("recipe_defaults", minutes=3),
    Script("seed_grid", minutes=6),
    Script("torch_vs_keras_row_lstm", ("--repeats", "5"), minutes=3, needs_module="torch"),
    Script("sequence_models", ("--only", "digits", "fashion", "addition"), minutes=12),
    Script(
        "text_classification", ("--data", "polarity"),
        minutes=60, needs=(SHARED_DATA / "rt-polaritydata", SHARED_DATA / "review_polarity"),
    ),
    Script(
        "text_classification", ("--data", "reviews"),
        minutes=60, needs=(SHARED_DATA / "rt-polaritydata", SHARED_DATA / "review_polarity"),
    ),
    Script(
        "imdb", ("lm", "tfidf", "nbsvm", "simple_rnn", "simple_rnn_500", "lstm", "conv1d_rnn", "conv1d_rnn_400", "lstm+encoder"),
        minutes=360, needs=(SHARED_DATA / "aclImdb" / "aclImdb_labeled.tar.gz", SHARED_DATA / "aclImdb" / "aclImdb_unsup.tar.gz"),
    ),
    Script(
        "translation", ("--data", str(SHARED_DATA / "cmn-eng" / "cmn.txt")),
        minutes=150, needs=(SHARED_DATA / "cmn-eng" / "cmn.txt",),
    ),
    Script(
        "char_generation_quality", ("--text", str(SHARED_DATA / "tinyshakespeare" / "input.txt")),
        minutes=40, needs=(SHARED_DATA / "tinyshakespeare" / "input.txt",),
    ),
)


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def default_budget() -> float:
    """Minutes of benchmark runs this machine gets by default (see the module docstring)."""
    has_gpu = shutil.which("nvidia-smi") is not None
    return float("inf") if has_gpu or (os.cpu_count() or 1) >= 8 else 15.0


def run_scripts(scripts: list[Script], budget: float) -> list[str]:
    """Run the scripts that fit `budget` (cheapest first); return one line per script on what happened."""
    report, spent = [], 0.0
    for script in sorted(scripts, key=lambda s: s.minutes):
        why_not = script.missing()
        if why_not:
            report.append(f"{script.name}: skipped ({why_not}); recorded results kept")
            continue
        if spent + script.minutes > budget:
            report.append(f"{script.name}: not run (~{script.minutes:g} min does not fit the budget); recorded results kept")
            continue
        print(f"--- {script.name} (~{script.minutes:g} min on 2 CPU cores)", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / f"{script.name}.py"), *script.arguments], cwd=HERE)
        minutes = (time.perf_counter() - started) / 60
        spent += script.minutes
        state = "ran" if done.returncode == 0 else f"FAILED (exit {done.returncode}); recorded results kept"
        report.append(f"{script.name}: {state} in {minutes:.1f} min")
    return report


# --- the table ---------------------------------------------------------------------------------
#: The scripts whose rows make the table, in the table's order (each script once, however many
#: entries it has in `SCRIPTS`).
TABLE_ORDER = (
    "forecaster", "etth1", "text_classification", "imdb", "char_generation_quality", "generation_speed",
    "sequence_models", "translation", "recipe_defaults", "seed_grid", "torch_vs_keras_row_lstm",
)


def script_module(name: str) -> ModuleType:
    """`benchmarks/<name>.py` imported as `benchmarks.<name>`: its functions, without running it.

    The scripts run as `python benchmarks/<name>.py`, where their own folder is on `sys.path`
    and they import `from _results import ...`; registering `benchmarks._results` under that
    name lets the same line work when they are imported from here, with one shared `Row`.
    """
    sys.modules.setdefault("_results", _results)
    return importlib.import_module(f"benchmarks.{name}")


def collect_rows() -> list[Row]:
    """Every script's `table_rows()`: `TABLE_ORDER` first, then any script of `SCRIPTS` not in it."""
    names = dict.fromkeys([*TABLE_ORDER, *(script.name for script in SCRIPTS)])
    return [row for name in names for row in script_module(name).table_rows()]


def table_lines() -> list[str]:
    """The Markdown table itself: a header and one row per measured recipe and data set."""
    lines = ["| " + " | ".join(Row.TITLES) + " |", "|" + "---|" * len(Row.TITLES)]
    return lines + ["| " + " | ".join(row.cells()) + " |" for row in collect_rows()]


def sync_readme(lines: list[str]) -> bool:
    """Put the table between the README's markers (so the README shows exactly RESULTS.md's table)."""
    start, end = README_MARKERS
    text = README.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return False
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    README.write_text(before + start + "\n" + "\n".join(lines) + "\n" + end + after, encoding="utf-8")
    return True


def render(report: list[str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks` on {dt.date.today().isoformat()}; the figures come from",
        "`benchmarks/results/*.json` (each with the machine it was measured on). How each was measured,",
        "and what was tried, is in `benchmarks/README.md`. Train time is the `fit` wall time; samples/s",
        "counts training examples (windows, texts, sequences, images) per second of it, where recorded.",
        "",
        *table_lines(),
    ]
    if report:
        lines += ["", "This rewrite:", ""] + [f"- {line}" for line in report]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=None, help="minutes of runs (default: by machine, see above)")
    parser.add_argument("--only", nargs="+", choices=[s.name for s in SCRIPTS], help="consider these scripts only")
    parser.add_argument("--output", type=Path, default=TABLE, help=f"where to write the table (default: {TABLE.name})")
    args = parser.parse_args(argv)
    budget = default_budget() if args.budget is None else args.budget
    scripts = [s for s in SCRIPTS if not args.only or s.name in args.only]
    report = run_scripts(scripts, budget) if budget > 0 else ["no runs (--budget 0): the recorded results only"]
    args.output.write_text(render(report))
    print("\n".join(report))
    print(f"\nwrote {args.output}")
    if args.output == TABLE and sync_readme(table_lines()):
        print(f"and the table in {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
