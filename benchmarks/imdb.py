"""Benchmark: the ithome-rnn tutorial's own data, IMDB at full size (aclImdb, 25,000 train / 25,000 test reviews).

    python benchmarks/imdb.py lm                  # the language model of the 75,000 train + unlabelled reviews (hours)
    python benchmarks/imdb.py lm_backward         # the same reading each review last word first (hours)
    python benchmarks/imdb.py lm_2_layers lstm+encoder+2_layers --lm-epochs 1   # a second LSTM layer, and its classifier
    python benchmarks/imdb.py tfidf nbsvm simple_rnn lstm conv1d_rnn lstm+encoder lstm+encoder+two_way
    python benchmarks/imdb.py simple_rnn --seeds 1 2           # more seeds of a row (seed 0 is the first run)
    python benchmarks/imdb.py simple_rnn --seeds 0 1 2 --rescore   # kept runs beside the current bag-of-words models
    python benchmarks/imdb.py --table

Reads `../shared/data/aclImdb/` by path, straight from its two `.tar.gz` archives (nothing is
unpacked). Every row trains on the 25,000 training reviews (the recipe holds 20% of them out for
early stopping) and is scored on the 25,000 test reviews, which no model, language model or
vocabulary ever reads:

- `tfidf`, `nbsvm`: TF-IDF word 1-2-grams + logistic regression and NBSVM, as every text run
  prints them (here alone, with their settings chosen on the same validation reviews); every
  classifier row also records its run's `combined` row (the network with the bag-of-words model
  its run chose on validation) beside NBSVM;
- `conv1d_rnn`, `conv1d_rnn_400`: `conv1d_rnn_classifier` at the tutorials' settings, and on 400
  words with a 128-dimensional embedding;
- `simple_rnn`: the ithome-rnn tutorial's recipe at the tutorial's settings (SimpleRNN(32, relu), 10,000 words,
  200 ids, 10 epochs of batch 128);
- `simple_rnn_500`: the same SimpleRNN on the last 500 words (Chollet's setting, 0.85 in his book);
- `lstm`: the best from-scratch gated model measured on the small sets (LSTM(128), max pooling),
  on 400 words;
- `lm`: the `language_model` recipe on the training and unlabelled reviews (`include=*/train/*`:
  75,000 reviews, about 17 million words); its run folder lives in the cache below and resumes;
- `lstm+encoder`: `sentiment_rnn` started from that language model, fine-tuned on the training
  reviews; `lm_backward` and `lstm+encoder+two_way`: ULMFiT's backward language model of the
  same reviews, and the classifier that reads each review both ways, its two heads averaged;
  `lm_2_layers` and `lstm+encoder+2_layers`: the forward language model with a second LSTM layer
  (issue 32's "wider or second layer"), and the classifier started from both its layers.

Each row's test accuracy, train time and samples/s go to `results/imdb.json` as it finishes, one
entry per seed under the row's `runs`, and the row's figures are their mean (`test_accuracy_sd`
their standard deviation); run folders (`<row>` for seed 0, `<row>-seed<N>` for the others) and
logs stay in `~/.cache/rnn-cookbook-benchmarks/imdb/` (or `$RNN_COOKBOOK_BENCHMARK_CACHE/imdb/`), and a killed row resumes from its last
finished epoch when the same command runs again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from _results import RESULTS, Row, cache_folder, load_results, measured_on, rescored, unfinished_run, write_results  # benchmarks/_results.py

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "aclImdb"
LABELLED = SHARED / "aclImdb_labeled.tar.gz"
UNLABELLED = SHARED / "aclImdb_unsup.tar.gz"
CACHE = cache_folder("imdb")
NAME = "imdb"

LANGUAGE_MODEL = {  # the `language_model` recipe's defaults, on the 75,000 reviews
    "data": f"{LABELLED},{UNLABELLED}",
    "include": "*/train/*",
    "epochs": 8,  # an upper bound: patience=1 stops at the first epoch that does not lower validation perplexity
}
LSTM = {"cell": "lstm", "embedding_dim": 128, "rnn_units": 128, "pooling": "max", "batch_size": 64, "epochs": 15, "maxlen": 400}
ROWS = {
    # name: (recipe settings, what the row is)
    "simple_rnn": ({}, "the ithome-rnn tutorial: SimpleRNN(32, relu), 10,000 words, 200 ids"),
    "simple_rnn_500": ({"maxlen": 500}, "SimpleRNN(32, relu) on the last 500 words (Chollet)"),
    "lstm": (LSTM, "LSTM(128), max pooling, 400 words, from scratch"),
    # It overfit by epoch 2 (training accuracy 0.91, validation loss rising): dropout on the word vectors and the pooled states.
    "lstm_dropout": ({**LSTM, "embedding_dropout": 0.3, "output_dropout": 0.5},
                     "the same LSTM with embedding_dropout=0.3 (whole word-vector channels) and output_dropout=0.5"),
    # The language model already read these training reviews, so ULMFiT's stage 2 (lm_finetune_epochs) is skipped;
    # mean pooling, as the pretraining diagnosis found for long texts.
    "lstm+encoder": ({"cell": "lstm", "pooling": "mean", "maxlen": 400, "batch_size": 64, "epochs": 4},
                     "the language model's Embedding + LSTM(256), mean pooling, 400 words"),
    # conv1d_rnn_classifier: the rnn-practice tutorial's Conv1D(64, 3) -> MaxPooling1D(2) -> SimpleRNN(100) -> SimpleRNN(50)
    "conv1d_rnn": ({}, "conv1d_rnn_classifier at the tutorials' settings: 10,000 words, 200 ids"),
    "conv1d_rnn_400": ({"maxlen": 400, "embedding_dim": 128}, "conv1d_rnn_classifier on 400 words, Embedding 128"),
    # ULMFiT's forward + backward pair: both language models, each text read both ways, the two heads averaged.
    "lstm+encoder+two_way": ({"cell": "lstm", "pooling": "mean", "maxlen": 400, "batch_size": 64, "epochs": 4},
                             "the forward and the backward language models' encoders, mean pooling, 400 words, heads averaged"),
    # The same classifier on the two-layer language model: both LSTM layers come from it.
    "lstm+encoder+2_layers": ({"cell": "lstm", "pooling": "mean", "maxlen": 400, "batch_size": 64, "epochs": 4},
                              "the two-layer language model's Embedding + 2 x LSTM(256), mean pooling, 400 words"),
    "lstm+encoder+ulmfit": ({"cell": "lstm", "pooling": "mean", "maxlen": 400, "batch_size": 64, "epochs": 2,
                             "unfreeze": "gradual", "layer_lr_decay": 0.385, "schedule": "slanted_triangular", "learning_rate": 2e-3},
                            "the same, with ULMFiT's gradual unfreezing, per-layer rates (1/2.6) and slanted triangular rate (peak 2e-3)"),
}


#: The published anchor of each classifier row, as the table shows it.
TABLE_ANCHORS = {
    "simple_rnn": "0.85 (Chollet, SimpleRNN, 500 words)",
    "simple_rnn_500": "0.85 (Chollet, SimpleRNN, 500 words)",
    "lstm": "0.865 (Dai & Le 2015, LSTM from scratch)",
    "lstm_dropout": "0.865 (Dai & Le 2015, LSTM from scratch)",
    "lstm+encoder": "0.924 (Dai & Le 2015, LM-pretrained LSTM)",
    "lstm+encoder+ulmfit": "0.924 (Dai & Le 2015); 0.944 (ULMFiT, IMDB-only language model)",
    "lstm+encoder+2_layers": "0.924 (Dai & Le 2015); 0.944 (ULMFiT, 3 layers, IMDB-only language model)",
    "lstm+encoder+two_way": "0.954 (ULMFiT forward + backward, Wikipedia-pretrained; 0.944 forward alone on IMDB text only)",
    "conv1d_rnn": "0.864 (keras-io, CNN from scratch)",
    "conv1d_rnn_400": "0.864 (keras-io, CNN from scratch)",
}
BAG_OF_WORDS_ROWS = ("tfidf", "nbsvm")
LM_ROWS = {"lm": ("forward", 1), "lm_backward": ("backward", 1), "lm_2_layers": ("forward", 2)}  # direction, LSTM layers
RECIPES = {"conv1d_rnn": "conv1d_rnn_classifier", "conv1d_rnn_400": "conv1d_rnn_classifier"}  # the rest: sentiment_rnn
#: The language model's row until `python benchmarks/imdb.py lm` has recorded one.
LANGUAGE_MODEL_PENDING = Row(
    recipe="language_model", data="IMDB train + unlabelled reviews (75,000)", metric="validation perplexity",
    ours="not measured yet: `python benchmarks/imdb.py lm` takes hours",
)


def table_rows() -> list[Row]:
    """This benchmark's rows of the table: the bag-of-words rows, each classifier row of `results/imdb.json`
    in recorded order (and, where it recorded one, its combination with the bag-of-words model), then the language model.

    A classifier row gives its test accuracy (mean ± sd over its seeds, or its one run) beside
    TF-IDF + logistic regression on the same split (the `tfidf` row's figure for rows recorded
    before the recipe printed its own), and its mean train time and samples/s. The last row is the
    language model's validation perplexity beside the unigram model's, in words per second, or
    `LANGUAGE_MODEL_PENDING` while it has not run.
    """
    record = load_results(NAME) or {}
    recorded = record.get("rows", {})
    tfidf = recorded.get("tfidf", {}).get("test_accuracy")
    rows = [bag_of_words_row(recorded["nbsvm"], tfidf, record)] if "nbsvm" in recorded and tfidf else []
    for name, row in recorded.items():
        if name in BAG_OF_WORDS_ROWS or is_language_model_row(name):
            continue
        rows.append(classifier_row(name, row, tfidf, record))
        if "combined_accuracy" in row:
            rows.append(combined_row(name, row, record))
    if not recorded.get("language model"):
        rows.append(LANGUAGE_MODEL_PENDING)
    rows += [language_model_row(lm, record) for name, lm in recorded.items() if is_language_model_row(name) and lm]
    return rows


def is_language_model_row(name: str) -> bool:
    """A language model's row, not a classifier's that names the language models it started from."""
    return name.startswith(("language model", "backward language model"))


def bag_of_words_row(nbsvm: dict[str, Any], tfidf: float, record: dict[str, Any]) -> Row:
    return Row(
        recipe=f"{nbsvm['what']}, 1-{nbsvm['chosen'].get('ngrams', 2)}-grams, C={nbsvm['chosen']['C']} and beta={nbsvm['chosen']['beta']}"
               " chosen on validation",
        data="IMDB (aclImdb), 25,000 / 25,000", metric="test accuracy", ours=f"{nbsvm['test_accuracy']:.3f}",
        baseline=f"TF-IDF + logistic regression {tfidf:.3f}", anchor="0.912 (Wang & Manning 2012, NBSVM-bi); 0.919 (Mesnil et al. 2014, NBSVM-uni+bi+tri)",
        train_time=f"{nbsvm['train_time_s']:,.0f}", measured_on=row_measured_on(nbsvm, record),
    )


def recipe_label(name: str, row: dict[str, Any]) -> str:
    budget = "".join(f", {direction} language model {epochs} epoch{'s' * (epochs > 1)}"
                     for direction, epochs in row.get("language_model_epochs", {}).items()) if name != base_row(name) else ""
    return f"{RECIPES.get(base_row(name), 'sentiment_rnn')} ({row['what']}{budget})"


def row_measured_on(row: dict[str, Any], record: dict[str, Any]) -> str:
    """The "measured on" cell of one row: its own date (rows are written one at a time, over days), else the file's."""
    return measured_on({**record, "recorded": row.get("recorded", record.get("recorded", ""))})


def classifier_row(name: str, row: dict[str, Any], tfidf: float | None, record: dict[str, Any]) -> Row:
    """The table's row of one classifier row of `results/imdb.json`."""
    seeds = row.get("seeds", [0])
    return Row(
        recipe=recipe_label(name, row), data="IMDB (aclImdb), 25,000 / 25,000", metric="test accuracy",
        ours=(f"{row['test_accuracy']:.3f} ± {row['test_accuracy_sd']:.3f} ({len(seeds)} runs)" if len(seeds) > 1
              else f"{row['test_accuracy']:.3f} (1 run)"),
        baseline=f"TF-IDF + logistic regression {row.get('tfidf_same_split', tfidf):.3f}",
        anchor=TABLE_ANCHORS.get(base_row(name), "-"), train_time=f"{row['train_time_s']:,.0f}",
        samples_per_s=f"{row['samples_per_s']:,.0f}" if row.get("samples_per_s") else "-", measured_on=row_measured_on(row, record),
    )


def combined_row(name: str, row: dict[str, Any], record: dict[str, Any]) -> Row:
    """The classifier combined with the bag-of-words model its run chose on validation, beside NBSVM alone."""
    runs = list(row.get("runs", {}).values()) or [row]
    chosen = sorted({(r["combination"]["bag_of_words"], r["combination"]["weight"]) for r in runs if "combination" in r})
    weights = ", ".join(f"{weight:.2f} on the model with {bag}" for bag, weight in chosen)
    combined = [r["combined_accuracy"] for r in runs if "combined_accuracy" in r]
    spread = f" ± {statistics.stdev(combined):.3f} ({len(combined)} runs)" if len(combined) > 1 else " (1 run)"
    return Row(
        recipe=f"{recipe_label(name, row)} combined with the bag-of-words model ({weights})",
        data="IMDB (aclImdb), 25,000 / 25,000", metric="test accuracy",
        ours=f"{statistics.mean(combined):.3f}{spread}; {statistics.mean(combined) - row['nbsvm_same_split']:+.3f} over NBSVM",
        baseline=f"NBSVM {row['nbsvm_same_split']:.3f}", anchor="0.9257 (Mesnil et al. 2014, RNN LM + paragraph vectors + NBSVM)",
        measured_on=row_measured_on(row, record),
    )


def language_model_row(lm: dict[str, Any], record: dict[str, Any]) -> Row:
    """The table's row of the language model: validation perplexity beside the unigram model's."""
    return Row(
        recipe=f"language_model ({lm['what']})", data=f"IMDB train + unlabelled reviews, {lm['training_words']:,} words",
        metric="validation perplexity, lower is better", ours=f"{lm['validation_perplexity']:.1f}",
        baseline=f"unigram {lm['unigram_perplexity']:.1f}", train_time=f"{lm['train_time_s']:,.0f}",
        samples_per_s=f"{lm['words_per_s']:,.0f} words/s", measured_on=row_measured_on(lm, record),
    )


def language_model_folder(direction: str = "forward", epochs: int = LANGUAGE_MODEL["epochs"], layers: int = 1) -> Path:
    name = "language_model" + ("" if direction == "forward" else "_backward") + ("" if layers == 1 else f"_{layers}_layers")
    return CACHE / (name + budget_suffix(epochs, "-{}epoch"))


def budget_suffix(epochs: int, template: str) -> str:
    """"" for the language models' default budget; for a capped one (`--lm-epochs`), `template` with its epochs,
    so that capped models, and the classifiers that start from them, get their own folders and rows."""
    return "" if epochs == LANGUAGE_MODEL["epochs"] else template.format(epochs).replace("1 epochs", "1 epoch")


def base_row(name: str) -> str:
    """A classifier row's name without its language models' budget: `lstm+encoder (1-epoch language models)` -> `lstm+encoder`."""
    return name.split(" (")[0]


def run_language_model(direction: str = "forward", epochs: int = LANGUAGE_MODEL["epochs"], layers: int = 1) -> dict:
    """The language model of the 75,000 reviews in one direction, resumed where it stopped, with its perplexity by epoch.

    `layers` stacks that many LSTM layers (the recipe's default is one).

    `epochs` caps it below the default's 8 where a session cannot give it hours (`--lm-epochs`); the
    record says how many it ran, and the classifier rows that start from it say so too.
    """
    import math

    from rnn_cookbook.core.runs import RunFolder
    from rnn_cookbook.recipes import language_model

    cfg = language_model.Config(**{**LANGUAGE_MODEL, "epochs": epochs}, direction=direction, layers=layers)
    folder = language_model_folder(direction, epochs, layers)
    resume = unfinished_run(folder)
    if (folder / "metrics.json").exists():
        metrics = json.loads((folder / "metrics.json").read_text())
    else:
        metrics = language_model.train(cfg, output=folder, verbose=2, resume=resume).metrics
    history = RunFolder(folder).load_history()
    return {
        "row": ("language model" if direction == "forward" else "backward language model")
               + ("" if layers == 1 else f", {layers} layers") + budget_suffix(epochs, ", at most {} epochs"),
        "what": f"{'' if layers == 1 else f'{layers} x '}LSTM({cfg.units}), {cfg.output_words}-word capped head, {cfg.sequence_length}-word sequences"
                + ("" if direction == "forward" else ", each review read last word first") + budget_suffix(epochs, ", at most {} epochs"),
        "perplexity_by_epoch": [round(math.exp(loss), 2) for loss in history.get("val_loss", [])],
        "validation_perplexity": metrics["model"]["perplexity"],
        "unigram_perplexity": metrics["baselines"]["unigram"]["perplexity"],
        "training_words": metrics["training_words"],
        "words_per_s": metrics["samples_per_s"],
        "train_time_s": metrics["wall_time_s"],
        **({"train_time_note": metrics["wall_time_note"]} if "wall_time_note" in metrics else {}),
        "epochs_run": metrics["epochs_run"],
        "run": str(folder),
    }


def run_bag_of_words(kind: str) -> dict:
    """`tfidf` or `nbsvm` alone, fitted on the recipe's training reviews and tuned on its validation reviews."""
    from rnn_cookbook.core import scores
    from rnn_cookbook.text import baselines
    from rnn_cookbook.recipes import sentiment_rnn

    data = sentiment_rnn.load_data(sentiment_rnn.Config(data=str(LABELLED)))
    name = "tfidf_logreg" if kind == "tfidf" else kind
    started = time.perf_counter()
    fitted = baselines.BAG_OF_WORDS[name](data.train_texts, data.train[1], validation=(data.validation_texts, data.validation[1]))
    seconds = time.perf_counter() - started
    measured = scores.classification_scores(data.test[1], fitted(data.encoded.test_texts))
    return {
        "row": kind, "what": baselines.KINDS[name], "test_accuracy": measured["accuracy"], "train_time_s": round(seconds, 1),
        "chosen": fitted.chosen, "terms": len(fitted.terms),
    }


def run_classifier(name: str, seed: int = 0, *, rescore: bool = False, lm_epochs: int = LANGUAGE_MODEL["epochs"]) -> dict:
    import importlib

    recipe = importlib.import_module(f"rnn_cookbook.recipes.{RECIPES.get(name, 'sentiment_rnn')}")
    settings, what = ROWS[name]
    capped = budget_suffix(lm_epochs, " --lm-epochs {}")
    layers = 2 if "+2_layers" in name else 1
    for direction, key, row in (("forward", "encoder", "lm_2_layers" if layers == 2 else "lm"), ("backward", "backward_encoder", "lm_backward")):
        if "+encoder" not in name or (direction == "backward" and "+two_way" not in name):
            continue
        if not (language_model_folder(direction, lm_epochs, layers) / "metrics.json").exists():
            raise SystemExit(f"train the {direction} language model first: python benchmarks/imdb.py {row}{capped}")
        settings = {**settings, key: str(language_model_folder(direction, lm_epochs, layers))}
    if "+encoder" in name:
        name += budget_suffix(lm_epochs, " ({}-epoch language models)")
    cfg = recipe.Config(data=str(LABELLED), seed=seed, **settings)
    folder_name = name.replace(" (", "-").replace(" ", "_").rstrip(")")
    folder = CACHE / (folder_name if seed == 0 else f"{folder_name}-seed{seed}")
    resume = unfinished_run(folder)
    if (folder / "metrics.json").exists():
        metrics = json.loads((folder / "metrics.json").read_text())
        if rescore:
            metrics = rescored(metrics, cfg, folder)
    else:
        if folder.exists() and not resume:
            shutil.rmtree(folder)
        metrics = recipe.train(cfg, output=folder, verbose=2, resume=resume).metrics
    encoder = metrics.get("encoder", {}).get("fine_tuned", {})
    language_models = {direction: json.loads((language_model_folder(direction, lm_epochs, layers) / "metrics.json").read_text())["epochs_run"]
                       for direction, key in (("forward", "encoder"), ("backward", "backward_encoder")) if key in settings}
    return {
        "row": name,
        "what": what,
        "seed": seed,
        "test_accuracy": metrics["model"]["accuracy"],
        "tfidf_same_split": metrics["baselines"]["tfidf_logreg"]["accuracy"],
        **({"nbsvm_same_split": metrics["baselines"]["nbsvm"]["accuracy"],
            "combined_accuracy": metrics["baselines"]["combined"]["accuracy"],
            "combination": metrics["combination"],
            "validation_accuracy": metrics["validation"]["model"]["accuracy"]} if "combined" in metrics["baselines"] else {}),
        "epochs_run": metrics["epochs_run"],
        "train_time_s": round(metrics["wall_time_s"] + encoder.get("wall_time_s", 0.0), 1),
        **({"train_time_note": metrics["wall_time_note"]} if "wall_time_note" in metrics else {}),
        "samples_per_s": metrics.get("samples_per_s"),
        "config": cfg.to_dict(),
        **({"language_model_epochs": language_models} if language_models else {}),
        "run": str(folder),
        **({"bag_of_words_rescored": metrics["rescored"]} if "rescored" in metrics else {}),
    }


def table() -> None:
    path = RESULTS / f"{NAME}.json"
    rows = json.loads(path.read_text())["rows"] if path.exists() else {}
    print("| row | what | test accuracy | train time | samples/s |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        accuracy = r.get("test_accuracy")
        cell = f"{accuracy:.3f}" if accuracy is not None else f"perplexity {r['validation_perplexity']:.1f} (unigram {r['unigram_perplexity']:.0f})"
        speed = r.get("samples_per_s") or r.get("words_per_s")
        unit = " words/s" if "words_per_s" in r else ""
        print(f"| {name} | {r['what']} | {cell} | {r['train_time_s'] / 60:.0f} min | {speed:,.0f}{unit} |" if speed else
              f"| {name} | {r['what']} | {cell} | {r['train_time_s'] / 60:.1f} min | - |")


def main() -> None:
    import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", help=f"what to run, in order: {', '.join([*LM_ROWS, *BAG_OF_WORDS_ROWS, *ROWS])}")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="seeds of the classifier rows (default: 0)")
    parser.add_argument("--lm-epochs", type=int, default=LANGUAGE_MODEL["epochs"],
                        help=f"at most this many epochs for `lm` and `lm_backward` (default {LANGUAGE_MODEL['epochs']}; "
                             "patience 1 may stop them sooner)")
    parser.add_argument("--table", action="store_true", help="only print the table of the recorded results")
    parser.add_argument("--rescore", action="store_true",
                        help="classifier rows already trained: score their kept networks again beside today's bag-of-words models")
    args = parser.parse_args()
    unknown = [row for row in args.rows if row not in (*LM_ROWS, *BAG_OF_WORDS_ROWS, *ROWS)]
    if unknown:  # argparse's `choices` refuses an empty list of rows, which --table needs
        parser.error(f"unknown row {unknown[0]!r}; choose from {', '.join([*LM_ROWS, *BAG_OF_WORDS_ROWS, *ROWS])}")
    if args.table or not args.rows:
        table()
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{NAME}.json"
    for row in args.rows:
        for seed in [0] if row in (*LM_ROWS, *BAG_OF_WORDS_ROWS) else args.seeds:
            started = time.perf_counter()
            print(f"== {row} seed {seed} ({time.strftime('%H:%M')})", flush=True)
            record = (run_language_model(LM_ROWS[row][0], args.lm_epochs, layers=LM_ROWS[row][1]) if row in LM_ROWS else run_bag_of_words(row) if row in BAG_OF_WORDS_ROWS
                      else run_classifier(row, seed, rescore=args.rescore, lm_epochs=args.lm_epochs))
            record["recorded"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            rows = json.loads(path.read_text())["rows"] if path.exists() else {}  # rows another job wrote meanwhile stay
            rows[record["row"]] = record if row in (*LM_ROWS, *BAG_OF_WORDS_ROWS) else with_seed(rows.get(record["row"]), record)
            write_results(NAME, {"rows": rows})
            print(f"== {row}: {json.dumps({k: v for k, v in record.items() if k != 'config'})} ({(time.perf_counter() - started) / 60:.0f} min)", flush=True)
    table()


def with_seed(row: dict | None, run: dict) -> dict:
    """A classifier row with one more seed: every seed's run under `runs`, their mean on the row."""
    runs = dict((row or {}).get("runs") or ({"0": {**row, "seed": 0}} if row else {}))  # rows of one run predate `runs`
    runs[str(run["seed"])] = {k: v for k, v in run.items() if k != "runs"}
    accuracy = [r["test_accuracy"] for r in runs.values()]
    averaged = {  # the figures every seed recorded (older runs lack the combination's)
        key: statistics.mean(r[key] for r in runs.values())
        for key in ("combined_accuracy", "nbsvm_same_split", "validation_accuracy") if all(key in r for r in runs.values())
    }
    summary = {
        **run,
        "test_accuracy": statistics.mean(accuracy),
        "test_accuracy_sd": statistics.stdev(accuracy) if len(accuracy) > 1 else 0.0,
        **averaged,
        "train_time_s": round(statistics.mean(r["train_time_s"] for r in runs.values()), 1),
        "samples_per_s": round(statistics.mean(r["samples_per_s"] or 0 for r in runs.values()), 1),
        "seeds": sorted(int(seed) for seed in runs),
        "runs": runs,
    }
    summary.pop("seed")
    return summary


if __name__ == "__main__":
    main()
