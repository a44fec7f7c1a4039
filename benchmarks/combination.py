"""Benchmark: ways to combine the network with the bag-of-words models, each chosen on validation, scored on test.

    python benchmarks/combination.py --results text_classification_polarity_combined
    python benchmarks/combination.py --table

Every text run reports `combined`: the network's and one bag-of-words model's log-probabilities
mixed, the model and the weight chosen together by validation log loss
(`rnn_cookbook.text.combination`). This script asks whether another rule would have done better,
without training anything: it reopens the run folders that `benchmarks/text_classification.py`
kept (`"run"` in its results file), reloads each trained network, refits the two bag-of-words
models on the same training texts (they are deterministic), and scores each rule on the test
texts of every fold. Each rule chooses on the validation texts only:

- `log_odds` (the recipe's): the bag-of-words model and the weight by validation log loss;
- `log_odds_by_accuracy`: the same mixture, chosen by validation accuracy (ties: log loss);
- `probabilities`: a weighted mean of probabilities instead of log-probabilities;
- `three_way`: the network, TF-IDF and NBSVM together, weights on a 0.1 grid summing to 1;
- `best_bag_of_words`: no network, the bag-of-words model with the lower validation log loss.

Results go to `results/combination_<results name>.json`, one record per fold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
from pathlib import Path

from _results import RESULTS, write_results  # benchmarks/_results.py

import numpy as np

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


def fold_probabilities(record: dict) -> dict:
    """Validation and test probabilities of the network and both bag-of-words models of one kept run."""
    from rnn_cookbook.core.runs import RunFolder
    from rnn_cookbook.recipes import sentiment_rnn
    from rnn_cookbook.text.classifier import TextScorer
    from text_classification import kept_run_config

    cfg = kept_run_config(record, Path(tempfile.mkdtemp()))
    data = sentiment_rnn.load_data(cfg)
    scorer = TextScorer(data, cfg)
    model = RunFolder(record["run"]).load_model()
    out = {}
    for split in ("validation", "test"):
        texts = scorer.texts(split)
        out[split] = {
            "labels": getattr(data, split)[1],
            "model": scorer.model_probabilities(model, split),
            **{name: bag(texts) for name, bag in scorer.bags_of_words.items()},
        }
    return out


def strategies(fold: dict) -> dict[str, float]:
    """Each rule's test accuracy on one fold, chosen on its validation split."""
    from rnn_cookbook.core.scores import cross_entropy
    from rnn_cookbook.text.combination import combine

    val, test = fold["validation"], fold["test"]

    def accuracy(labels, p):
        return float(np.mean(p.argmax(axis=1) == labels))

    def mean_of_probabilities(a, b, w):
        return w * a + (1 - w) * b

    results = {}
    for rule, mix, by in (
        ("log_odds", combine, "loss"),
        ("log_odds_by_accuracy", combine, "accuracy"),
        ("probabilities", mean_of_probabilities, "loss"),
    ):
        scored = []
        for bag in ("tfidf_logreg", "nbsvm"):
            for w in GRID:
                p = mix(val["model"], val[bag], w)
                key = (cross_entropy(val["labels"], p),) if by == "loss" else (-accuracy(val["labels"], p), cross_entropy(val["labels"], p))
                scored.append((key, -w, bag))
        _, negative_weight, bag = min(scored)
        results[rule] = accuracy(test["labels"], mix(test["model"], test[bag], -negative_weight))
    weights = [w for w in itertools.product(np.round(np.arange(0, 1.01, 0.1), 1), repeat=2) if w[0] + w[1] <= 1.0001]

    def three(split, wm, wt):
        logs = sum(
            weight * np.log(np.clip(split[name], 1e-7, 1.0))
            for weight, name in ((wm, "model"), (wt, "tfidf_logreg"), (1 - wm - wt, "nbsvm"))
        )
        logs = logs - logs.max(axis=1, keepdims=True)
        return np.exp(logs) / np.exp(logs).sum(axis=1, keepdims=True)

    wm, wt = min(weights, key=lambda w: (cross_entropy(val["labels"], three(val, *w)), -w[0]))
    results["three_way"] = accuracy(test["labels"], three(test, wm, wt))
    best = min(("tfidf_logreg", "nbsvm"), key=lambda name: cross_entropy(val["labels"], val[name]))
    results["best_bag_of_words"] = accuracy(test["labels"], test[best])
    results.update({f"{name}_alone": accuracy(test["labels"], test[name]) for name in ("model", "tfidf_logreg", "nbsvm")})
    return results


def table(name: str) -> None:
    record = json.loads((RESULTS / f"combination_{name}.json").read_text())
    folds = record["folds"]
    print(f"{name}: {len(folds)} folds, test accuracy (mean), each rule chosen on validation")
    for rule in folds[0]["accuracy"]:
        values = [f["accuracy"][rule] for f in folds]
        print(f"  {rule:22s} {statistics.mean(values):.4f}")


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="a results file of benchmarks/text_classification.py, by name")
    parser.add_argument("--table", action="store_true", help="only print the recorded table")
    args = parser.parse_args()
    if args.table:
        table(args.results)
        return
    runs = [r for r in json.loads((RESULTS / f"{args.results}.json").read_text())["runs"] if "run" in r]
    folds = []
    for record in runs:
        measured = strategies(fold_probabilities(record))
        folds.append({"fold": record["fold"], "model_name": record["model_name"], "accuracy": measured})
        print(f"fold {record['fold']}: " + ", ".join(f"{k} {v:.4f}" for k, v in measured.items()), flush=True)
        write_results(f"combination_{args.results}", {"folds": folds})
    table(args.results)


if __name__ == "__main__":
    main()
