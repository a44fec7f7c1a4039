"""Benchmark: the text-classification recipes at full settings on real labelled text, beside TF-IDF.

    python benchmarks/text_classification.py --polarity ../shared/data/rt-polaritydata
    python benchmarks/text_classification.py --imdb path/to/aclImdb        # or the Keras cache's IMDB
    python benchmarks/text_classification.py --polarity ... --models bilstm conv1d_rnn --seeds 0 1 2

Each model is a recipe run with its default (seed 003) settings and only the data changed:
`simple_rnn` and `bilstm` are `sentiment_rnn` with `cell=simple_rnn|bilstm`, `conv1d_rnn` is
`conv1d_rnn_classifier`. The sentence-polarity data (10,662 sentences) has no test split of its
own: it is split once, stratified, 90% train / 10% test (`test_fraction=0.1`, `split_seed=0`), the
same split for every model and for the TF-IDF + logistic regression baseline; 10% of the training
part is held out for early stopping (`validation_fraction=0.1`), the protocol of Kim (2014), whose
results are the anchors. IMDB uses its own 25,000 / 25,000 split and seed 003's 20% validation.

With `--folds 10` the sentence-polarity data is also measured by stratified 10-fold
cross-validation (Kim's protocol): each fold is written as an aclImdb-style folder (its own train
and test parts) and every model is trained once per fold; the table gives the mean over folds.

IMDB cannot be downloaded without network: the script then says so and goes on with what it has.
Results (every run's metrics record and config) go to `benchmarks/results/text_classification.json`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _results import write_results  # benchmarks/_results.py

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

from rnn_cookbook.errors import DataError
from rnn_cookbook.recipes import conv1d_rnn_classifier, sentiment_rnn

MODELS = {
    "simple_rnn": (sentiment_rnn, {"cell": "simple_rnn"}),
    "bilstm": (sentiment_rnn, {"cell": "bilstm"}),
    "conv1d_rnn": (conv1d_rnn_classifier, {}),
}


def run_model(name: str, data: str, seed: int, scratch: Path, extra: dict) -> dict:
    recipe, settings = MODELS[name]
    cfg = recipe.Config(data=data, seed=seed, **settings, **extra)
    result = recipe.train(cfg, output=scratch / f"{name}-{Path(data).name}-{seed}", verbose=0)
    record = {"model_name": name, "config": cfg.to_dict(), **result.metrics}
    print(
        f"  {name:11s} seed {seed}: accuracy {record['model']['accuracy']:.4f} "
        f"(tfidf_logreg {record['baselines']['tfidf_logreg']['accuracy']:.4f}), "
        f"{record['epochs_run']} epochs, {record['wall_time_s']} s",
        flush=True,
    )
    return record


def write_folds(polarity: str, folds: int, root: Path) -> list[Path]:
    """Stratified k folds of the class-file corpus, each as an aclImdb-style train/test folder."""
    from sklearn.model_selection import StratifiedKFold

    from rnn_cookbook.data.text import from_class_files

    corpus = from_class_files(polarity, test_fraction=0.5)  # only to read the files; re-split below
    texts = corpus.train_texts + corpus.test_texts
    labels = list(corpus.train_labels) + list(corpus.test_labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    folders = []
    for fold, (train_rows, test_rows) in enumerate(splitter.split(texts, labels)):
        folder = root / f"fold{fold}"
        for part, rows in (("train", train_rows), ("test", test_rows)):
            for polarity_name in ("neg", "pos"):
                (folder / part / polarity_name).mkdir(parents=True, exist_ok=True)
            for row in rows:
                label = corpus.class_names[labels[row]]
                (folder / part / label / f"{row}.txt").write_text(texts[row], encoding="utf-8")
        folders.append(folder)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polarity", metavar="DIR", help="folder with rt-polarity.pos and rt-polarity.neg")
    parser.add_argument("--imdb", metavar="PATH", default="imdb", help="aclImdb folder, or 'imdb' for the Keras cache")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--folds", type=int, default=0, help="also run k-fold cross-validation on --polarity")
    args = parser.parse_args()

    datasets = []
    if args.polarity:
        datasets.append(
            ("sentence polarity (90/10 stratified split)", args.polarity, {"test_fraction": 0.1, "validation_fraction": 0.1})
        )
    datasets.append(("IMDB (25k/25k)", args.imdb, {}))

    records, skipped = [], []
    with tempfile.TemporaryDirectory() as scratch:
        if args.polarity and args.folds:
            title = f"sentence polarity ({args.folds}-fold cross-validation)"
            print(title, flush=True)
            for fold, folder in enumerate(write_folds(args.polarity, args.folds, Path(scratch) / "folds")):
                for name in args.models:
                    record = run_model(name, str(folder), 0, Path(scratch), {"validation_fraction": 0.1})
                    records.append({"dataset": title, "fold": fold, **record})
        for title, data, extra in datasets:
            print(f"{title}: {data}", flush=True)
            try:
                for name in args.models:
                    for seed in args.seeds:
                        records.append({"dataset": title, **run_model(name, data, seed, Path(scratch), extra)})
            except DataError as exc:
                print(f"  skipped: {exc}", flush=True)
                skipped.append({"dataset": title, "reason": str(exc)})

    results = write_results("text_classification", {"runs": records, "skipped": skipped})

    print("\n| data | model | test accuracy | TF-IDF + LR | epochs | train time (s) |")
    print("|---|---|---|---|---|---|")
    for title in dict.fromkeys(r["dataset"] for r in records):
        for name in args.models:
            runs = [r for r in records if r["dataset"] == title and r["model_name"] == name]
            if not runs:
                continue
            accuracy = [r["model"]["accuracy"] for r in runs]
            tfidf = statistics.mean(r["baselines"]["tfidf_logreg"]["accuracy"] for r in runs)  # differs by fold
            spread = f" ± {statistics.stdev(accuracy):.3f}" if len(runs) > 1 else ""
            epochs = "/".join(str(r["epochs_run"]) for r in runs)
            wall = statistics.mean(r["wall_time_s"] for r in runs)
            print(f"| {title} | {name} | {statistics.mean(accuracy):.3f}{spread} | {tfidf:.3f} | {epochs} | {wall:.0f} |")
    for skip in skipped:
        print(f"\n{skip['dataset']}: not measured ({skip['reason']})")
    print(f"\nresults: {results}")


if __name__ == "__main__":
    main()
