"""Benchmark: the text recipes from scratch and from a pretrained language model, 10-fold, beside TF-IDF.

    python benchmarks/text_classification.py --data polarity --folds 0 1 2 3 4 5 6 7 8 9
    python benchmarks/text_classification.py --data reviews --models lstm lstm+encoder --encoder runs/language_model/<run>
    python benchmarks/text_classification.py --data trec --models lstm lstm+encoder --encoder runs/language_model/<run>
    python benchmarks/text_classification.py --data polarity --probe --folds 0 --encoder <run>   # a linear probe of the frozen encoder
    python benchmarks/text_classification.py --data trec --models lstm+encoder+two_way --encoder <run> --backward-encoder <backward run>
    python benchmarks/text_classification.py --data polarity --name text_classification_polarity_combined --rescore
    python benchmarks/text_classification.py --table                   # the table of every results file

Two real sets of movie-review text (`../shared/data`, see its README):

- `polarity`: Pang & Lee's 10,662 sentence-polarity snippets, 10-fold stratified
  cross-validation (Kim 2014's protocol; `StratifiedKFold(10, shuffle=True, random_state=0)`).
- `reviews`: Pang & Lee's 2,000 whole reviews, on the ten folds the authors' file names give
  (`cv000`-`cv099` is fold 0, ...), as their 2004 paper and later work report them.
- `trec`: Li & Roth's 5,452 training questions in 6 coarse classes, scored on their own 500 test
  questions (one run, no folds), read from the `LABEL text` files as they come.

Run folders stay in `~/.cache/rnn-cookbook-benchmarks/text_classification/` (or
`$RNN_COOKBOOK_BENCHMARK_CACHE`), so a finished run's model and bag-of-words model can be scored
again without training. Each fold is written as a CSV with a `split` column (train / test) and read by the recipe like any
user's file (`split_column=split`), so the recipe's own loader, vocabulary, early stopping (on 10%
of the training rows) and TF-IDF + logistic regression baseline (1-2-grams, sublinear tf, C chosen
on those validation rows) run unchanged.

Models (`MODELS`): `simple_rnn` is the ithome-rnn tutorial's recipe as it stands (SimpleRNN(32), Embedding 64);
`lstm` and `bilstm` are the gated cells with the settings chosen on validation (see
`benchmarks/README.md`); `lstm+encoder` starts from the `language_model` run given as
`--encoder` (its shape replaces the LSTM's; `ENCODER_SETTINGS` are its fine-tuning settings).
The rows `simple_rnn+lm`, `lstm+lm` and `bilstm+lm` in older results files are the per-run
`pretrain=lm` of earlier versions (a language model of the fold's own texts), removed once
`benchmarks/pretraining_diagnosis.py` showed why it lost. Every run's metrics record and
config go to `results/<name>.json`; `--table` prints the mean over folds of every results file
`results/text_classification_*.json`, with train time (language model included).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from _results import (  # benchmarks/_results.py
    RESULTS, Row, cache_folder, load_results, mean_of, measured_on, on_common_folds, rescored, table_spread, write_results,
)

if TYPE_CHECKING:
    from rnn_cookbook.recipes import sentiment_rnn

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RUNS = cache_folder("text_classification")  # every run folder, `<model>-<data>-<fold>-<seed>`, a re-run replacing it
SETS = {
    # name: (title, data folder, unlabelled in-domain text, settings for this set's texts)
    "polarity": ("sentence polarity", SHARED / "rt-polaritydata", SHARED / "review_polarity" / "txt_sentoken", {"maxlen": 60}),
    "reviews": ("review polarity", SHARED / "review_polarity" / "txt_sentoken", SHARED / "rt-polaritydata", {"maxlen": 400}),
    # TREC's own split: 5,452 training questions (Latin-1), its 500 test questions; one "fold"
    "trec": ("TREC (6 classes)", SHARED / "TREC" / "train_5500.label", SHARED / "TREC" / "TREC_10.label", {"maxlen": 40}),
}
GATED = {"embedding_dim": 128, "rnn_units": 128, "pooling": "max", "batch_size": 64, "epochs": 15}
MODELS = {
    "simple_rnn": {"cell": "simple_rnn"},
    "lstm": {"cell": "lstm", **GATED},
    "bilstm": {"cell": "bilstm", **GATED},
    "lstm+encoder": {"cell": "lstm", **GATED, "pooling": "mean", "lm_finetune_epochs": 1},
}
ENCODER = MODELS["lstm+encoder"]
# ULMFiT's parts, each alone on top of `lstm+encoder` (issue 21: keep a part only where it helps).
ABLATIONS = {
    "lstm+encoder-lm_finetune": {**ENCODER, "lm_finetune_epochs": 0},
    "lstm+encoder+lm_finetune5": {**ENCODER, "lm_finetune_epochs": 5},  # stage 2 longer: one epoch of short texts is seconds
    # Stage 2 until the language model's validation loss stops falling (early stopping, patience 1), as ULMFiT does.
    "lstm+encoder+lm_finetune20": {**ENCODER, "lm_finetune_epochs": 20},
    "lstm+encoder+concat": {**ENCODER, "pooling": "concat"},
    "lstm+encoder+gradual": {**ENCODER, "unfreeze": "gradual"},
    "lstm+encoder+discriminative": {**ENCODER, "layer_lr_decay": 1 / 2.6},
    "lstm+encoder+slanted": {**ENCODER, "schedule": "slanted_triangular"},
    "lstm+encoder+dropout": {**ENCODER, "output_dropout": 0.4},
    # Near feature extraction: the LSTM at 5% of the head's rate, the Embedding at 0.25% (a frozen
    # encoder's linear probe beat the fine-tuned classifier on review polarity).
    "lstm+encoder+slow_encoder": {**ENCODER, "layer_lr_decay": 0.05},  # the encoder keeps its own (0.1 on words, 0.2 on states)
    # ULMFiT's two directions (issue 32): --backward-encoder, a direction=backward language model, beside --encoder
    "lstm+encoder+two_way": dict(ENCODER),
}
MODELS.update(ABLATIONS)
# Rows of older results files, kept in the table under their measured names (see the docstring).
LEGACY_MODELS = ("simple_rnn+lm", "lstm+lm", "lstm+lm+unlabeled", "bilstm+lm")


#: The published anchor of each data set (by its title in `SETS`), as the table shows it.
TABLE_ANCHORS = {
    "sentence polarity": "0.761 (Kim 2014, CNN, random embeddings); 0.815 (with word2vec)",
    "review polarity": "0.864-0.872 (Pang & Lee 2004, NB and SVM)",
    "TREC (6 classes)": "0.912 (Kim 2014, CNN, random embeddings); 0.928 (with word2vec)",
}
#: NBSVM's published figure on each data set (Wang & Manning 2012, NBSVM-bi), where there is one.
NBSVM_ANCHORS = {"sentence polarity": "0.794 (Wang & Manning 2012, NBSVM-bi)", "review polarity": "0.895 (Wang & Manning 2012, NBSVM-bi)"}
#: The moonshot of issue 32 for the combined row on each data set.
COMBINED_ANCHORS = {
    "sentence polarity": "issue 32: above the best bag-of-words; moonshot 0.81",
    "review polarity": "issue 32: above the best bag-of-words; moonshot 0.90",
    "TREC (6 classes)": "issue 32: above the best bag-of-words; moonshot 0.92",
}
_ENCODER_ROW = "cell=lstm, encoder=IMDB language model, pooling="
#: The models the table shows, in its order, with the recipe settings each row names.
TABLE_RECIPES = {
    "simple_rnn": "sentiment_rnn (the ithome-rnn tutorial)",
    "simple_rnn+lm": "sentiment_rnn (the ithome-rnn tutorial, pretrain=lm, since removed)",
    "lstm": "sentiment_rnn (cell=lstm, 128 units, pooling=max)",
    "lstm+lm": "sentiment_rnn (cell=lstm, 128 units, pooling=max, pretrain=lm, since removed)",
    "bilstm": "sentiment_rnn (cell=bilstm, 128 units, pooling=max)",
    "bilstm+lm": "sentiment_rnn (cell=bilstm, 128 units, pooling=max, pretrain=lm, since removed)",
    "lstm+encoder": f"sentiment_rnn ({_ENCODER_ROW}mean, lm_finetune_epochs=1)",
    "lstm+encoder+concat": f"sentiment_rnn ({_ENCODER_ROW}concat, lm_finetune_epochs=1)",
    "lstm+encoder+lm_finetune5": f"sentiment_rnn ({_ENCODER_ROW}mean, lm_finetune_epochs=5)",
    "lstm+encoder+lm_finetune20": f"sentiment_rnn ({_ENCODER_ROW}mean, lm_finetune_epochs=20, early stopping)",
    "lstm+encoder+two_way": f"sentiment_rnn ({_ENCODER_ROW}mean, lm_finetune_epochs=1, backward_encoder=its backward twin)",
}


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: the early 90/10 split first, then the folds of each data set.

    From `results/text_classification.json` (an earlier version of this script: one 90/10 split of
    sentence polarity, three seeds), one row per model (`split_rows`). Then, from every
    `results/text_classification_<data>*.json` (parallel jobs write one file each), one row per data
    set and model of `TABLE_RECIPES` (`fold_rows`).
    """
    return split_rows() + fold_rows()


def split_rows() -> list[Row]:
    """The 90/10 split of sentence polarity: test accuracy over the seeds, beside TF-IDF with C fixed at 1."""
    record = load_results("text_classification")
    if not record:
        return []
    rows = []
    names = {"simple_rnn": "sentiment_rnn", "bilstm": "sentiment_rnn (cell=bilstm)", "conv1d_rnn": "conv1d_rnn_classifier"}
    for model_name, recipe in names.items():
        runs = [r for r in record["runs"] if r["model_name"] == model_name and "90/10" in r["dataset"]]
        if runs:
            rows.append(Row(
                recipe=recipe, data="sentence polarity, 90/10 split", metric="test accuracy",
                ours=table_spread([r["model"]["accuracy"] for r in runs]),
                baseline=f"TF-IDF + logistic regression, C fixed at 1 {table_spread([r['baselines']['tfidf_logreg']['accuracy'] for r in runs])}",
                anchor="0.761 (Kim 2014, CNN, random embeddings, 10-fold)",
                train_time=mean_of(runs, "wall_time_s", 1), samples_per_s=mean_of(runs, "samples_per_s"),
                measured_on=measured_on(record),
            ))
    return rows


def fold_rows() -> list[Row]:
    """The rows from scratch and pretrained, per data set: polarity, reviews, then TREC.

    Each row is the mean over the folds that model ran (its latest run of each fold), beside TF-IDF on those same folds; a row
    of fewer than 10 folds says so (the long pretrained rows ran on the first folds only). Train
    time is the whole run's (`total_time_s`: language model fine-tuning included); the machine is
    the last results file's.
    """
    rows = []
    for data in ("polarity", "reviews", "trec"):
        parts = [json.loads(p.read_text()) for p in sorted(RESULTS.glob(f"text_classification_{data}*.json"))]
        if not parts:
            continue
        latest = {}  # a model re-run on a fold with the same seed replaces its older run there
        for part in sorted(parts, key=lambda part: part.get("recorded", "")):
            latest.update({(run["model_name"], run["fold"], run["seed"]): run for run in part["runs"]})
        every_run = list(latest.values())
        for model, recipe in TABLE_RECIPES.items():
            runs = [r for r in every_run if r["model_name"] == model]
            if not runs:
                continue
            title = runs[0]["dataset"]
            seeds = f", {len(runs)} seeds" if data == "trec" and len(runs) > 1 else ""
            split = f"its own 500 test questions{seeds}" if data == "trec" else f"{len(runs)} of 10 folds"
            rows.append(Row(
                recipe=recipe, data=f"{title}, {split}", metric="test accuracy",
                ours=table_spread([r["model"]["accuracy"] for r in runs]),
                baseline=f"TF-IDF + logistic regression {table_spread([r['baselines']['tfidf_logreg']['accuracy'] for r in runs])}",
                anchor=TABLE_ANCHORS.get(title, "-"), train_time=mean_of(runs, "total_time_s", 1),
                measured_on=measured_on(parts[-1]),
            ))
            combined = [r for r in runs if "combined" in r["baselines"]]
            if combined:
                rows += combination_rows(recipe, title, split if data == "trec" else f"{len(combined)} of 10 folds", combined, parts[-1])
    return rows


def combination_rows(recipe: str, title: str, split: str, runs: list[dict], record: dict) -> list[Row]:
    """NBSVM alone, then the model combined with a bag-of-words model, on the runs that recorded both.

    The combined row's baseline is the better bag-of-words model on the mean over these folds, and
    the row adds the combined row's difference from it on each fold, so a gain that only one lucky
    fold makes shows as such.
    """
    runs = sorted(runs, key=lambda r: (r["fold"], r["seed"]))  # "by fold" in fold order ("by seed" on one split)
    unit = "seed" if len({r["fold"] for r in runs}) == 1 else "fold"

    def accuracy(name: str) -> list[float]:
        return [r["baselines"][name]["accuracy"] for r in runs]

    best = max(("tfidf_logreg", "nbsvm"), key=lambda name: statistics.mean(accuracy(name)))
    differences = [c - b for c, b in zip(accuracy("combined"), accuracy(best), strict=True)]
    label = {"tfidf_logreg": "TF-IDF + logistic regression", "nbsvm": "NBSVM"}
    by_fold = ", ".join(f"{d:+.3f}" for d in differences)
    return [
        Row(
            recipe="NBSVM: binarised 1-2-grams, NB log-count ratios, logistic regression (every text run)",
            data=f"{title}, {split}", metric="test accuracy", ours=table_spread(accuracy("nbsvm")),
            baseline=f"TF-IDF + logistic regression {table_spread(accuracy('tfidf_logreg'))}",
            anchor=NBSVM_ANCHORS.get(title, "-"), measured_on=measured_on(record),
        ),
        Row(
            recipe=f"{recipe} combined with the bag-of-words model, weight chosen on validation",
            data=f"{title}, {split}", metric="test accuracy",
            ours=f"{table_spread(accuracy('combined'))}; {statistics.mean(differences):+.3f} over {label[best]}"
                 + (f" (by {unit}: {by_fold})" if len(differences) > 1 else ""),
            baseline=f"{label[best]} {table_spread(accuracy(best))}, the better bag-of-words here",
            anchor=COMBINED_ANCHORS.get(title, "-"), measured_on=measured_on(record),
        ),
    ]


def labelled_examples(name: str) -> tuple[list[str], list[str], list[int]]:
    """Texts, labels and the fold of each example (10 folds)."""
    from sklearn.model_selection import StratifiedKFold

    from rnn_cookbook.text.labelled import class_folders, from_class_files, pang_lee_fold

    folder = SETS[name][1]
    if name == "reviews":
        texts, labels, files = class_folders(folder)
        return texts, labels, [pang_lee_fold(f) for f in files]
    corpus = from_class_files(folder, test_fraction=0.5)  # only to read the two files; the folds re-split
    texts = corpus.train_texts + corpus.test_texts
    labels = [corpus.class_names[y] for y in list(corpus.train_labels) + list(corpus.test_labels)]
    folds = [0] * len(texts)
    splitter = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    for fold, (_, test_rows) in enumerate(splitter.split(texts, labels)):
        for row in test_rows:
            folds[row] = fold
    return texts, labels, folds


def kept_run_config(record: dict, scratch: Path) -> sentiment_rnn.Config:
    """The config of a recorded run, its fold's CSV written again into `scratch` when the temporary one is gone."""
    from rnn_cookbook.recipes import sentiment_rnn

    cfg = sentiment_rnn.Config.from_dict(record["config"])
    if not Path(cfg.data).exists():
        name = {title: key for key, (title, *_) in SETS.items()}[record["dataset"]]
        cfg = cfg.replace(data=str(write_fold(labelled_examples(name), record["fold"], scratch / Path(cfg.data).name)))
    return cfg


def rescore(name: str) -> None:
    """Every run of results/<name>.json whose run folder is kept, scored again beside today's bag-of-words models."""
    records = json.loads((RESULTS / f"{name}.json").read_text())["runs"]
    with tempfile.TemporaryDirectory() as scratch:
        for position, record in enumerate(records):
            if "run" not in record or not (Path(record["run"]) / "model.keras").is_file():
                print(f"  fold {record['fold']} {record['model_name']}: no kept run folder, left as measured")
                continue
            records[position] = rescored(record, kept_run_config(record, Path(scratch)), record["run"])
            measured = {k: v["accuracy"] for k, v in records[position]["baselines"].items()}
            print(f"  fold {record['fold']} {record['model_name']}: model {record['model']['accuracy']:.4f}, "
                  + ", ".join(f"{k} {v:.4f}" for k, v in measured.items()), flush=True)
            write_results(name, {"runs": records})


def write_fold(examples: tuple[list[str], list[str], list[int]], fold: int, path: Path) -> Path:
    """One fold as a CSV the recipe reads with `split_column=split`."""
    texts, labels, folds = examples
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "split"])
        for text, label, f in zip(texts, labels, folds, strict=True):
            writer.writerow([" ".join(text.split()), label, "test" if f == fold else "train"])
    return path


def recipe_config(data_name: str, fold_file: Path | None, settings: dict, seed: int = 0):
    """The recipe's Config for one fold (TREC: its own test file, read as any user's pair of `LABEL text` files)."""
    from rnn_cookbook.recipes import sentiment_rnn

    settings = {**SETS[data_name][3], **settings}
    if data_name == "trec":
        return sentiment_rnn.Config(data=str(SETS["trec"][1]), test_data=str(SETS["trec"][2]), validation_fraction=0.1, seed=seed, **settings)
    return sentiment_rnn.Config(data=str(fold_file), split_column="split", validation_fraction=0.1, seed=seed, **settings)


def run_model(model: str, data_name: str, fold_file: Path | None, fold: int, seed: int, runs: Path, encoder: str | None = None,
              backward_encoder: str | None = None) -> dict:
    from rnn_cookbook.recipes import sentiment_rnn

    title = SETS[data_name][0]
    settings = dict(MODELS[model])
    if "+encoder" in model:
        if encoder is None:
            raise SystemExit(f"{model} needs --encoder RUN_DIR (a language_model run)")
        settings["encoder"] = encoder
    if "+two_way" in model:
        if backward_encoder is None:
            raise SystemExit(f"{model} needs --backward-encoder RUN_DIR (a direction=backward language_model run) beside --encoder")
        settings["backward_encoder"] = backward_encoder
    cfg = recipe_config(data_name, fold_file, settings, seed)
    started = time.perf_counter()
    folder = runs / f"{model}-{data_name}-{fold}-{seed}"  # kept: its model and bag-of-words model can be scored again
    result = sentiment_rnn.train(cfg, output=folder, verbose=0, overwrite=True)
    total = time.perf_counter() - started
    record = {
        "dataset": title, "fold": fold, "model_name": model, "config": cfg.to_dict(), "total_time_s": round(total, 1),
        "run": str(folder), **result.metrics,
    }
    lm = record.get("language_model") or (record.get("encoder") or {}).get("fine_tuned") or {}
    print(
        f"  fold {fold} {model:13s}: accuracy {record['model']['accuracy']:.4f} "
        f"(tfidf_logreg {record['baselines']['tfidf_logreg']['accuracy']:.4f}"
        + "".join(f", {name} {record['baselines'][name]['accuracy']:.4f}" for name in ("nbsvm", "combined") if name in record["baselines"])
        + f"), {record['epochs_run']} epochs, "
        f"{total:.0f} s" + (f" (language model {lm['wall_time_s']:.0f} s, perplexity {lm['validation_perplexity']})" if lm else ""),
        flush=True,
    )
    return record


def probe_encoder(data_name: str, fold: int, encoder: str, scratch: Path) -> dict:
    """How much the encoder's frozen states say about the labels: a linear probe, beside a random LSTM.

    The classifier of `lstm+encoder` is built twice, once with the language model's Embedding and
    LSTM transferred and once freshly initialised; a logistic regression on its mean-pooled states
    of the training texts is scored on the test texts. No fine-tuning: this is what transfer
    starts from.
    """
    import keras
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from rnn_cookbook.text import language_model
    from rnn_cookbook.recipes import sentiment_rnn

    fold_file = None if data_name == "trec" else write_fold(labelled_examples(data_name), fold, scratch / f"{data_name}-fold{fold}.csv")
    cfg = recipe_config(data_name, fold_file, {**MODELS["lstm+encoder"], "encoder": encoder, "lm_finetune_epochs": 0})
    data = sentiment_rnn.load_data(cfg)
    opened = language_model.LanguageModelRun(encoder)
    record = {"dataset": SETS[data_name][0], "fold": fold, "encoder": encoder}
    for start in ("language_model", "random_init"):
        keras.utils.set_random_seed(0)
        classifier = sentiment_rnn.build_model(cfg, data.vocabulary_size, data.num_classes)
        if start == "language_model":
            language_model.transfer(opened.load_model(), classifier, opened.shape.layer_names())
        pooled = keras.Model(classifier.inputs, classifier.layers[-2].output)
        features = {split: pooled.predict(getattr(data, split)[0], batch_size=256, verbose=0) for split in ("train", "test")}
        # Standardised: a fresh LSTM's states are small, and an L2-penalised probe would read that as no signal.
        fitted = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)).fit(features["train"], data.train[1])
        record[start] = round(float(fitted.score(features["test"], data.test[1])), 4)
    print(f"  {record['dataset']} fold {fold}: linear probe on mean-pooled states: language model {record['language_model']:.3f}, "
          f"random LSTM {record['random_init']:.3f}", flush=True)
    return record


def table() -> None:
    """Mean over folds per data set and model, from every `results/text_classification*.json`."""
    runs = []
    for path in sorted(RESULTS.glob("text_classification_*.json")):
        runs += [r for r in json.loads(path.read_text()).get("runs", []) if "fold" in r and "total_time_s" in r]
    print("| data | model | folds | test accuracy | TF-IDF + LR (same folds) | epochs | train time (s) | of which language model (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for title in dict.fromkeys(r["dataset"] for r in runs):
        common = on_common_folds([r for r in runs if r["dataset"] == title])
        for model in (*MODELS, *LEGACY_MODELS):
            chosen = [r for r in common if r["model_name"] == model]
            if not chosen:
                continue
            accuracy = [r["model"]["accuracy"] for r in chosen]
            tfidf = [r["baselines"]["tfidf_logreg"]["accuracy"] for r in chosen]
            spread = f" ± {statistics.stdev(accuracy):.3f}" if len(chosen) > 1 else ""
            lm = [r["language_model"]["wall_time_s"] for r in chosen if "language_model" in r]
            lm += [r["encoder"]["fine_tuned"]["wall_time_s"] for r in chosen if "fine_tuned" in r.get("encoder", {})]
            print(
                f"| {title} | {model} | {len(chosen)} | {statistics.mean(accuracy):.3f}{spread} | {statistics.mean(tfidf):.3f} "
                f"| {statistics.mean(r['epochs_run'] for r in chosen):.1f} | {statistics.mean(r['total_time_s'] for r in chosen):.0f} "
                f"| {statistics.mean(lm):.0f} |" if lm else
                f"| {title} | {model} | {len(chosen)} | {statistics.mean(accuracy):.3f}{spread} | {statistics.mean(tfidf):.3f} "
                f"| {statistics.mean(r['epochs_run'] for r in chosen):.1f} | {statistics.mean(r['total_time_s'] for r in chosen):.0f} | - |"
            )


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=list(SETS), default="polarity")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=["simple_rnn", "lstm"])
    parser.add_argument("--encoder", help="a language_model run folder, for the +encoder models")
    parser.add_argument("--backward-encoder", help="a direction=backward language_model run folder, for the +two_way model")
    parser.add_argument("--folds", nargs="+", type=int, default=list(range(10)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", help="results/<name>.json (default text_classification_<data>; one per parallel job)")
    parser.add_argument("--table", action="store_true", help="only print the table of the recorded results")
    parser.add_argument("--rescore", action="store_true",
                        help="score the kept runs of results/<name>.json again beside today's bag-of-words models")
    parser.add_argument("--probe", action="store_true", help="only a linear probe of the --encoder's frozen states (results/encoder_probe.json)")
    args = parser.parse_args()
    if args.table:
        table()
        return
    if args.probe:
        path = RESULTS / "encoder_probe.json"
        records = json.loads(path.read_text())["runs"] if path.exists() else []
        with tempfile.TemporaryDirectory() as scratch:
            for fold in args.folds[:1] if args.data == "trec" else args.folds:
                record = probe_encoder(args.data, fold, args.encoder, Path(scratch))
                records = [r for r in records if (r["dataset"], r["fold"]) != (record["dataset"], fold)] + [record]
                write_results("encoder_probe", {"runs": records})
        return

    args.name = args.name or f"text_classification_{args.data}"
    if args.rescore:
        rescore(args.name)
        table()
        return
    records = []
    with tempfile.TemporaryDirectory() as scratch:
        if args.data == "trec":
            for model in args.models:
                records.append(run_model(model, args.data, None, 0, args.seed, RUNS, args.encoder, args.backward_encoder))
                write_results(args.name, {"runs": records})
            table()
            return
        examples = labelled_examples(args.data)
        for fold in args.folds:
            fold_file = write_fold(examples, fold, Path(scratch) / f"{args.data}-fold{fold}.csv")
            for model in args.models:
                records.append(run_model(model, args.data, fold_file, fold, args.seed, RUNS, args.encoder, args.backward_encoder))
                write_results(args.name, {"runs": records})  # after every run: a long job keeps what it measured
    print(f"\nresults: {RESULTS / (args.name + '.json')}")
    table()


if __name__ == "__main__":
    main()
