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
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import _results

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
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
        "imdb", ("lm", "tfidf", "simple_rnn", "simple_rnn_500", "lstm", "lstm+encoder"),
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
def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def machine(record: dict[str, Any]) -> str:
    info = record.get("machine", {})
    gpus = info.get("gpus") or []
    device = f"{len(gpus)} GPU" if gpus else (f"{info['cpu_count']}-core CPU" if "cpu_count" in info else "CPU")
    software = f"TF {info['tensorflow']}" if "tensorflow" in info else f"Keras {info.get('keras', '?')}"
    when = f", {record['recorded'][:10]}" if "recorded" in record else ""
    return f"{device}, {software}{when}"


def spread(values: list[float], digits: int = 3) -> str:
    """`_results.spread` with the number of runs, and one value for a deterministic baseline."""
    if not values:
        return "-"
    if len(values) == 1 or max(values) == min(values):  # one run, or a deterministic baseline
        return f"{values[0]:.{digits}f}"
    return f"{_results.spread(values, digits)} ({len(values)} runs)"


def mean_of(runs: list[dict[str, Any]], key: str, digits: int = 0) -> str:
    values = [float(r[key]) for r in runs if r.get(key) is not None]
    return f"{statistics.mean(values):,.{digits}f}" if values else "-"


Row = dict[str, str]


def forecaster_rows() -> list[Row]:
    record = load("forecaster")
    if not record:
        return []
    rows = []
    for series, unit in (("co2", "ppm"), ("sunspots", "sunspots")):
        runs = [r for r in record["runs"] if r["config"]["series"] == series]
        if runs:
            rows.append({
                "recipe": "timeseries_forecaster", "data": f"{series} (test stretch)", "metric": f"MAE ({unit}), lower is better",
                "ours": spread([r["model"]["mae"] for r in runs]),
                "baseline": f"linear regression {spread([r['baselines']['linear_regression']['mae'] for r in runs])}",
                "anchor": "-", "time": mean_of(runs, "wall_time_s", 1), "speed": mean_of(runs, "samples_per_s"),
                "machine": machine(record),
            })
    return rows


def etth1_rows() -> list[Row]:
    rows = []
    for name in ("etth1", "etth1_336"):
        record = load(name)
        if record:
            rows += etth1_record_rows(record)
    return rows


def etth1_record_rows(record: dict[str, Any]) -> list[Row]:
    rows = []
    anchors = {
        ("M", 96): "0.386 DLinear (96 h in), 0.375 DLinear (336 h in), 0.370 PatchTST/64",
        ("M", 336): "0.375 DLinear (336 h in)",
    }
    groups = sorted({(r["setting"], r["config"]["window"]) for r in record["runs"]})
    for setting, window in groups:
        runs = [r for r in record["runs"] if r["setting"] == setting and r["config"]["window"] == window]
        linear = runs[0]["baselines"]["linear_regression"]["mse_scaled"]
        what = "all 7 columns in and out" if setting == "M" else "OT in, OT out"
        rows.append({
            "recipe": "timeseries_forecaster (per_column GRU, segments)", "data": f"ETTh1 {setting}: {what}, {window} h -> 96 h",
            "metric": "test MSE (standardised), lower is better", "ours": spread([r["model"]["mse_scaled"] for r in runs]),
            "baseline": f"linear per column {linear:.3f}", "anchor": anchors.get((setting, window), "-"),
            "time": mean_of(runs, "wall_time_s", 1), "speed": mean_of(runs, "samples_per_s"), "machine": machine(record),
        })
    return rows


def text_rows() -> list[Row]:
    record = load("text_classification")
    if not record:
        return []
    rows = []
    names = {"simple_rnn": "sentiment_rnn", "bilstm": "sentiment_rnn (cell=bilstm)", "conv1d_rnn": "conv1d_rnn_classifier"}
    for model_name, recipe in names.items():
        runs = [r for r in record["runs"] if r["model_name"] == model_name and "90/10" in r["dataset"]]
        if runs:
            rows.append({
                "recipe": recipe, "data": "sentence polarity, 90/10 split", "metric": "test accuracy",
                "ours": spread([r["model"]["accuracy"] for r in runs]),
                "baseline": f"TF-IDF + logistic regression, C fixed at 1 {spread([r['baselines']['tfidf_logreg']['accuracy'] for r in runs])}",
                "anchor": "0.761 (Kim 2014, CNN, random embeddings, 10-fold)",
                "time": mean_of(runs, "wall_time_s", 1), "speed": mean_of(runs, "samples_per_s"),
                "machine": machine(record),
            })
    return rows


def text_fold_rows() -> list[Row]:
    """Rows of `benchmarks/text_classification.py`, from scratch and pretrained, per data set.

    Each row is the mean over the folds that model ran, beside TF-IDF on those same folds; a row
    of fewer than 10 folds says so (the long pretrained rows ran on the first folds only).
    """
    anchors = {
        "sentence polarity": "0.761 (Kim 2014, CNN, random embeddings); 0.815 (with word2vec)",
        "review polarity": "0.864-0.872 (Pang & Lee 2004, NB and SVM)",
        "TREC (6 classes)": "0.912 (Kim 2014, CNN, random embeddings); 0.928 (with word2vec)",
    }
    encoder = "cell=lstm, encoder=IMDB language model, pooling="
    recipes = {
        "simple_rnn": "sentiment_rnn (seed 003)", "simple_rnn+lm": "sentiment_rnn (seed 003, pretrain=lm, since removed)",
        "lstm": "sentiment_rnn (cell=lstm, 128 units, pooling=max)",
        "lstm+lm": "sentiment_rnn (cell=lstm, 128 units, pooling=max, pretrain=lm, since removed)",
        "bilstm": "sentiment_rnn (cell=bilstm, 128 units, pooling=max)",
        "bilstm+lm": "sentiment_rnn (cell=bilstm, 128 units, pooling=max, pretrain=lm, since removed)",
        "lstm+encoder": f"sentiment_rnn ({encoder}mean, lm_finetune_epochs=1)",
        "lstm+encoder+concat": f"sentiment_rnn ({encoder}concat, lm_finetune_epochs=1)",
        "lstm+encoder+lm_finetune5": f"sentiment_rnn ({encoder}mean, lm_finetune_epochs=5)",
        "lstm+encoder+lm_finetune20": f"sentiment_rnn ({encoder}mean, lm_finetune_epochs=20, early stopping)",
    }
    rows = []
    for data in ("polarity", "reviews", "trec"):
        parts = [json.loads(p.read_text()) for p in sorted(RESULTS.glob(f"text_classification_{data}*.json"))]
        if not parts:
            continue
        every_run = [run for part in parts for run in part["runs"]]  # parallel jobs write one file each
        for model, recipe in recipes.items():
            runs = [r for r in every_run if r["model_name"] == model]
            if not runs:
                continue
            title = runs[0]["dataset"]
            split = "its own 500 test questions" if data == "trec" else f"{len(runs)} of 10 folds"
            rows.append({
                "recipe": recipe, "data": f"{title}, {split}", "metric": "test accuracy",
                "ours": spread([r["model"]["accuracy"] for r in runs]),
                "baseline": f"TF-IDF + logistic regression {spread([r['baselines']['tfidf_logreg']['accuracy'] for r in runs])}",
                "anchor": anchors.get(title, "-"), "time": mean_of(runs, "total_time_s", 1), "speed": "-",
                "machine": machine(parts[-1]),
            })
    return rows


def imdb_rows() -> list[Row]:
    """Rows of `benchmarks/imdb.py`: seed 003's own data at full size, each beside TF-IDF on the same split."""
    record = load("imdb")
    if not record or "language model" not in record.get("rows", {}):
        pending = {
            "recipe": "language_model", "data": "IMDB train + unlabelled reviews (75,000)", "metric": "validation perplexity",
            "ours": "not measured yet: `python benchmarks/imdb.py lm` takes hours", "baseline": "-", "anchor": "-",
            "time": "-", "speed": "-", "machine": "-",
        }
        if not record:
            return [pending]
    anchors = {
        "simple_rnn": "0.85 (Chollet, SimpleRNN, 500 words)", "simple_rnn_500": "0.85 (Chollet, SimpleRNN, 500 words)",
        "lstm": "0.865 (Dai & Le 2015, LSTM from scratch)", "lstm_dropout": "0.865 (Dai & Le 2015, LSTM from scratch)", "lstm+encoder": "0.924 (Dai & Le 2015, LM-pretrained LSTM)",
        "lstm+encoder+ulmfit": "0.924 (Dai & Le 2015); 0.944 (ULMFiT, IMDB-only language model)",
    }
    rows = []
    tfidf = record["rows"].get("tfidf", {}).get("test_accuracy")
    for name, row in record["rows"].items():
        if name in ("tfidf", "language model"):
            continue
        rows.append({
            "recipe": f"sentiment_rnn ({row['what']})", "data": "IMDB (aclImdb), 25,000 / 25,000", "metric": "test accuracy",
            "ours": (f"{row['test_accuracy']:.3f} ± {row['test_accuracy_sd']:.3f} ({len(row['seeds'])} runs)" if len(row.get("seeds", [0])) > 1
                     else f"{row['test_accuracy']:.3f} (1 run)"),
            "baseline": f"TF-IDF + logistic regression {row.get('tfidf_same_split', tfidf):.3f}",
            "anchor": anchors.get(name, "-"), "time": f"{row['train_time_s']:,.0f}",
            "speed": f"{row['samples_per_s']:,.0f}" if row.get("samples_per_s") else "-", "machine": machine(record),
        })
    lm = record["rows"].get("language model")
    if not lm:
        rows.append(pending)
    else:
        rows.append({
            "recipe": f"language_model ({lm['what']})", "data": f"IMDB train + unlabelled reviews, {lm['training_words']:,} words",
            "metric": "validation perplexity, lower is better", "ours": f"{lm['validation_perplexity']:.1f}",
            "baseline": f"unigram {lm['unigram_perplexity']:.1f}", "anchor": "-", "time": f"{lm['train_time_s']:,.0f}",
            "speed": f"{lm['words_per_s']:,.0f} words/s", "machine": machine(record),
        })
    return rows


def runs_like_the_latest(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs trained with the latest run's settings: seeds and the text's path may differ, nothing else.

    Experiments with other settings stay in the results file (and in benchmarks/README.md) without
    blending into the figure the table gives for the recipe.
    """
    def settings(run: dict[str, Any]) -> dict[str, Any]:
        ignored = {"seed", "data", "strategy", "sample_every", "sample_length", "sample_temperature"}
        return {key: value for key, value in run["config"].items() if key not in ignored}

    latest = settings(runs[-1])
    return [run for run in runs if settings(run) == latest]


def char_rows() -> list[Row]:
    rows = []
    record = load("char_generation_quality")
    if record:
        runs = runs_like_the_latest(record["runs"])
        rows.append({
            "recipe": "char_lstm_generator", "data": "tiny Shakespeare, last 10%",
            "metric": "validation loss (nats/char), lower is better",
            "ours": spread([r["model"]["loss"] for r in runs]),
            "baseline": f"5-gram {runs[-1]['baselines']['5-gram']['loss']:.3f}",
            "anchor": "1.55 GRU(128), 1.48 stateful GRU(128)",
            "time": mean_of(runs, "wall_time_s", 0), "speed": mean_of(runs, "samples_per_s"), "machine": machine(record),
        })
    speed = load("generation_speed")
    if speed:
        summary = speed["summary"]
        naive = next(r for r in speed["runs"] if r["loop"].startswith("(a)"))
        rows.append({
            "recipe": "char_lstm_generator (generation)", "data": "LSTM(256), batch 1", "metric": "characters per second",
            "ours": f"{summary['b_chars_per_second']:,.0f}", "baseline": f"seed 004's loop {naive['chars_per_second']:,.1f}",
            "anchor": "-", "time": "-", "speed": f"{summary['b_chars_per_second']:,.0f}", "machine": machine(speed),
        })
    return rows


def sequence_rows() -> list[Row]:
    record = load("sequence_models")
    if not record:
        return []
    rows = []
    parts = {
        "digits": ("row_lstm_classifier", "scikit-learn digits", "test accuracy", "accuracy", "logreg_pixels", "logistic regression", "-"),
        "fashion": ("row_lstm_classifier", "Fashion-MNIST", "test accuracy", "accuracy", "logreg_pixels", "logistic regression",
                    "0.888 GRU + SVM (Zalando's table)"),
        "addition": ("seq2seq_addition", "held-out 3-digit sums", "exact match", "exact_match", "no_carry", "adding without carries", "-"),
    }
    for part, (recipe, data, metric, key, base, base_name, anchor) in parts.items():
        runs = [r for r in record["runs"] if r["part"] == part]
        if runs:
            rows.append({
                "recipe": recipe, "data": data, "metric": metric, "ours": spread([r["model"][key] for r in runs]),
                "baseline": f"{base_name} {spread([r['baselines'][base][key] for r in runs])}", "anchor": anchor,
                "time": mean_of(runs, "wall_time_s", 1), "speed": mean_of(runs, "samples_per_s"), "machine": machine(record),
            })
    for skipped in record.get("skipped", []):
        rows.append({
            "recipe": "row_lstm_classifier", "data": skipped["part"].upper() if len(skipped["part"]) < 6 else skipped["part"],
            "metric": "test accuracy", "ours": "not measured: the download failed (offline)",
            "baseline": "-", "anchor": "0.9774 (seed 002)", "time": "-", "speed": "-", "machine": machine(record),
        })
    return rows


def translation_rows() -> list[Row]:
    """The translator with attention, and the same model without it, over the benchmark's seeds."""
    record = load("translation")
    if not record:
        return [{
            "recipe": "translator", "data": "cmn-eng (Tatoeba, zh -> en)", "metric": "test BLEU (sacrebleu)",
            "ours": "not measured yet: run benchmarks/translation.py", "machine": "-",
        }]
    runs = [r["metrics"] for r in record["runs"]]
    cfg = record["config"]
    # metrics' data label names the resolved languages ("cmn.txt (zh->en)"); the config may say "auto"
    data = f"Tatoeba {runs[0]['data']}, {runs[0]['pairs']['test']:,} test pairs, no sentence in two splits"
    memory = spread([r["baselines"]["translation_memory"]["bleu"] for r in runs], 1)
    rows = []
    for label, scores, seconds, speed in (
        (f"{cfg['attention']} attention, beam {cfg['beam']}", [r["model"] for r in runs], [r["wall_time_s"] for r in runs],
         mean_of(runs, "samples_per_s")),
        (f"attention=none, beam {cfg['beam']}", [r["baselines"]["no_attention"] for r in runs],
         [r["no_attention"]["wall_time_s"] for r in runs], "-"),
    ):
        rows.append({
            "recipe": f"translator ({label})", "data": data, "metric": "test BLEU (sacrebleu); on 10+ words",
            "ours": f"{spread([s['bleu'] for s in scores], 1)}; {spread([s['bleu_long'] for s in scores], 1)}",
            "baseline": f"translation memory {memory}", "anchor": "-", "time": f"{statistics.mean(seconds):,.0f}",
            "speed": speed, "machine": machine(record),
        })
    return rows


#: recipe -> (metric key, its description, the baseline shown, the reference shown as the anchor)
DEFAULT_RUNS = {
    "stacked_lstm_tagger": ("accuracy", "per-step test accuracy", "per_step_dense", "forward_filter"),
    "word_generator": ("loss", "loss (nats/word) on its training sentence (a toy)", "trigram", None),
    "numpy_rnn_scratch": ("loss", "loss (nats/char) on its training sentence (a toy)", "5-gram", None),
}


def default_rows() -> list[Row]:
    record = load("recipe_defaults")
    if not record:
        return []
    rows = []
    for run in record["runs"]:
        key, metric, base, reference = DEFAULT_RUNS[run["recipe"]]
        anchor = "-"
        if reference:  # the best any tagger can do on this synthetic task, computed exactly
            anchor = f"{reference.replace('_', ' ')} {run['baselines'][reference][key]:.3f} (the optimum)"
        rows.append({
            "recipe": run["recipe"], "data": run["data"], "metric": metric, "ours": f"{run['model'][key]:.3f}",
            "baseline": f"{base.replace('_', ' ')} {run['baselines'][base][key]:.3f}", "anchor": anchor,
            "time": f"{run['wall_time_s']:.1f}", "speed": mean_of([run], "samples_per_s"), "machine": machine(record),
        })
    return rows


def search_rows() -> list[Row]:
    record = load("seed_grid")
    if not record:
        return []
    best = min(record["table"], key=lambda row: row["rank"])
    return [{
        "recipe": "search (seed 000's grid)", "data": f"{record['data']}, {record['cv']} time-ordered folds",
        "metric": "CV MAE (ppm) of the best of 6", "ours": f"{best['mae_ppm']:.3f} (units {best['units']}, {best['optimizer']})",
        "baseline": "-", "anchor": "-", "time": f"{record['wall_time_s']:.0f} (whole search)", "speed": "-",
        "machine": machine(record),
    }]


def framework_rows() -> list[Row]:
    record = load("torch_vs_keras_row_lstm")
    if not record:
        return []
    through = record["throughput"]
    return [{
        "recipe": "row_lstm_classifier (training speed)", "data": "28x28 images, batch 100", "metric": "samples per second",
        "ours": f"{through['keras fit']['median_samples_per_s']:,.0f} (Keras fit)",
        "baseline": f"{through['pytorch (seed 002)']['median_samples_per_s']:,.0f} (seed 002's PyTorch)", "anchor": "-",
        "time": "-", "speed": f"{through['keras fit']['median_samples_per_s']:,.0f}", "machine": machine(record),
    }]


ROW_BUILDERS: tuple[Callable[[], list[Row]], ...] = (
    forecaster_rows, etth1_rows, text_rows, text_fold_rows, imdb_rows, char_rows, sequence_rows, translation_rows, default_rows, search_rows, framework_rows,
)
COLUMNS = (
    ("recipe", "recipe"), ("data", "data"), ("metric", "metric"), ("ours", "ours"), ("baseline", "baseline"),
    ("anchor", "published anchor"), ("time", "train time (s)"), ("speed", "train samples/s"), ("machine", "measured on"),
)


def table_lines() -> list[str]:
    """The Markdown table itself: a header and one row per measured recipe and data set."""
    rows = [row for build in ROW_BUILDERS for row in build()]
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return lines + ["| " + " | ".join(row.get(key, "-") for key, _ in COLUMNS) + " |" for row in rows]


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
