"""Benchmark: ways to combine the network with the bag-of-words models, each chosen on validation, scored on test.

    python benchmarks/combination.py --results text_classification_polarity_combined
    python benchmarks/combination.py --results text_classification_polarity_combined --table
    python benchmarks/combination.py --runs ~/.cache/rnn-cookbook-benchmarks/imdb/simple_rnn ~/.cache/rnn-cookbook-benchmarks/imdb/conv1d_rnn

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

`--runs` asks Mesnil et al.'s question on one split: several networks (the kept run folders of
`benchmarks/imdb.py`, trained on the same training reviews) pooled with NBSVM, as their RNN
language model, paragraph vectors and NBSVM were. Every subset of the networks is mixed with
NBSVM, weights on a 0.05 grid summing to 1, chosen by validation log loss; then all of them with
both bags of words (0.1 grid). The networks' probabilities are cached in the benchmark cache
(`combination/`), so a second call only mixes. Results: `results/combination_<--name>.json`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
from pathlib import Path

from _results import RESULTS, cache_folder, write_results  # benchmarks/_results.py

import numpy as np

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)
CACHE = cache_folder("combination")  # the kept networks' probabilities, computed once


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


def simplex(members: int, step: float) -> list[tuple[float, ...]]:
    """Every weight vector of `members` non-negative weights on a grid of `step` that sum to 1."""
    steps = round(1 / step)
    return [tuple(round(k * step, 10) for k in (*head, steps - sum(head)))
            for head in itertools.product(range(steps + 1), repeat=members - 1) if sum(head) <= steps]


def best_mixture(labels: np.ndarray, members: dict[str, np.ndarray], step: float) -> dict[str, float]:
    """The weights (on a `step` grid, summing to 1) whose log-linear pool of `members`' validation probabilities
    has the lowest log loss on `labels`; a tie keeps more weight on the first member (the network)."""
    from rnn_cookbook.core.scores import cross_entropy
    from rnn_cookbook.text.combination import pool

    names, probabilities = list(members), list(members.values())
    best = min(simplex(len(names), step), key=lambda w: (cross_entropy(labels, pool(probabilities, w)), -w[0]))
    return dict(zip(names, best, strict=True))


def strategies(fold: dict) -> dict[str, float]:
    """Each rule's test accuracy on one fold, chosen on its validation split."""
    from rnn_cookbook.core.scores import cross_entropy
    from rnn_cookbook.text.combination import combine, pool

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
    weights = best_mixture(val["labels"], {name: val[name] for name in ("model", "tfidf_logreg", "nbsvm")}, step=0.1)
    results["three_way"] = accuracy(test["labels"], pool([test[name] for name in weights], list(weights.values())))
    best = min(("tfidf_logreg", "nbsvm"), key=lambda name: cross_entropy(val["labels"], val[name]))
    results["best_bag_of_words"] = accuracy(test["labels"], test[best])
    results.update({f"{name}_alone": accuracy(test["labels"], test[name]) for name in ("model", "tfidf_logreg", "nbsvm")})
    return results


def kept_run_probabilities(run_dir: Path, *, bags_of_words: bool) -> dict:
    """Validation and test labels and probabilities of one kept run's network (and of both bag-of-words models,
    fitted on its training texts, if asked), computed once and cached: an IMDB network reads 30,000 reviews."""
    import importlib

    from rnn_cookbook.core.runs import RunFolder
    from rnn_cookbook.text.classifier import TextScorer

    cached = CACHE / f"{run_dir.name}{'+bags_of_words' if bags_of_words else ''}.npz"
    if cached.exists():
        flat = dict(np.load(cached))
        return {split: {key.split("/", 1)[1]: value for key, value in flat.items() if key.startswith(f"{split}/")}
                for split in ("validation", "test")}
    saved = json.loads((run_dir / "config.json").read_text())
    recipe = importlib.import_module(f"rnn_cookbook.recipes.{saved['recipe']}")
    cfg = recipe.Config.from_dict(saved["config"])
    data = recipe.load_data(cfg)
    scorer = TextScorer(data, cfg)
    model = RunFolder(run_dir).load_model()
    out = {split: {"labels": getattr(data, split)[1], "model": scorer.model_probabilities(model, split),
                   **(scorer.bag_of_words_probabilities(split) if bags_of_words else {})}
           for split in ("validation", "test")}
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, **{f"{split}/{key}": value for split, arrays in out.items() for key, value in arrays.items()})
    return out


def several_networks(run_dirs: list[Path]) -> list[dict]:
    """Each mixture of the kept runs' networks with NBSVM (and TF-IDF), weights chosen on validation, scored on test.

    The runs must share one split (the recipes' `split_seed` fixes it): the labels are checked.
    """
    runs = {run_dir.name: kept_run_probabilities(run_dir, bags_of_words=position == 0) for position, run_dir in enumerate(run_dirs)}
    first = runs[run_dirs[0].name]
    for name, run in runs.items():
        for split in ("validation", "test"):
            if not np.array_equal(run[split]["labels"], first[split]["labels"]):
                raise SystemExit(f"{name} was not trained on the split of {run_dirs[0].name}: its {split} labels differ")
    splits = {split: {**{name: run[split]["model"] for name, run in runs.items()},
                      "nbsvm": first[split]["nbsvm"], "tfidf_logreg": first[split]["tfidf_logreg"]} for split in ("validation", "test")}
    labels = {split: first[split]["labels"] for split in ("validation", "test")}

    def scored(rule: str, weights: dict[str, float]) -> dict:
        from rnn_cookbook.text.combination import pool

        accuracy = {split: float(np.mean(pool([splits[split][m] for m in weights], list(weights.values())).argmax(axis=1) == labels[split]))
                    for split in ("validation", "test")}
        row = {"rule": rule, "weights": {m: w for m, w in weights.items() if w}, **{f"{k}_accuracy": v for k, v in accuracy.items()}}
        print(f"  {rule:70s} validation {accuracy['validation']:.4f}  test {accuracy['test']:.4f}  "
              + ", ".join(f"{m} {w:.2f}" for m, w in row["weights"].items()), flush=True)
        return row

    rows = [scored(f"{name} alone", {name: 1.0}) for name in (*runs, "tfidf_logreg", "nbsvm")]
    for size in range(1, len(runs) + 1):
        for networks in itertools.combinations(runs, size):
            members = {m: splits["validation"][m] for m in (*networks, "nbsvm")}
            rows.append(scored(" + ".join(members), best_mixture(labels["validation"], members, step=0.05)))
    if len(runs) > 1:
        rows.append(scored(" + ".join(runs) + " (no bag of words)",
                           best_mixture(labels["validation"], {m: splits["validation"][m] for m in runs}, step=0.05)))
    every = {m: splits["validation"][m] for m in (*runs, "tfidf_logreg", "nbsvm")}
    rows.append(scored(" + ".join(every) + " (grid 0.1)", best_mixture(labels["validation"], every, step=0.1)))
    return rows


def table(name: str) -> None:
    record = json.loads((RESULTS / f"combination_{name}.json").read_text())
    if "mixtures" in record:
        print(f"{name}: each mixture's weights chosen on validation (log loss), accuracy on validation and test")
        for row in record["mixtures"]:
            print(f"  {row['rule']:70s} {row['validation_accuracy']:.4f}  {row['test_accuracy']:.4f}")
        return
    folds = record["folds"]
    print(f"{name}: {len(folds)} folds, test accuracy (mean), each rule chosen on validation")
    for rule in folds[0]["accuracy"]:
        values = [f["accuracy"][rule] for f in folds]
        print(f"  {rule:22s} {statistics.mean(values):.4f}")


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--results", help="a results file of benchmarks/text_classification.py, by name")
    source.add_argument("--runs", nargs="+", type=Path, metavar="RUN_DIR",
                        help="kept text-classifier run folders trained on one split (e.g. benchmarks/imdb.py's), to mix with NBSVM")
    parser.add_argument("--name", default="imdb", help="with --runs: results go to results/combination_<name>.json (default imdb)")
    parser.add_argument("--table", action="store_true", help="only print the recorded table")
    args = parser.parse_args()
    name = args.results or args.name
    if args.table:
        table(name)
        return
    if args.runs:
        missing = [str(run) for run in args.runs if not (run / "model.keras").is_file()]
        if missing:
            parser.error(f"not a finished run folder (no model.keras): {', '.join(missing)}")
        write_results(f"combination_{name}", {"runs": [str(run) for run in args.runs], "mixtures": several_networks(args.runs)})
        table(name)
        return
    runs = [r for r in json.loads((RESULTS / f"{name}.json").read_text())["runs"] if "run" in r]
    folds = []
    for record in runs:
        measured = strategies(fold_probabilities(record))
        folds.append({"fold": record["fold"], "model_name": record["model_name"], "accuracy": measured})
        print(f"fold {record['fold']}: " + ", ".join(f"{k} {v:.4f}" for k, v in measured.items()), flush=True)
        write_results(f"combination_{name}", {"folds": folds})
    table(name)


if __name__ == "__main__":
    main()
