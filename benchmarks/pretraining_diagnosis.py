"""Why did `pretrain=lm` lower accuracy? One fold, one change at a time (issue 21, point 1).

This drives the per-run `pretrain=lm` that the diagnosis led to remove: it runs against the package
as of commit b530366 (`git worktree add ../diagnosis b530366`, copy this file into its
`benchmarks/`, run it there; `--table` and `--inspect` run anywhere). Its results are in `results/pretraining_diagnosis_*.json` and
`benchmarks/README.md`.

    python benchmarks/pretraining_diagnosis.py --data reviews --fold 0
    python benchmarks/pretraining_diagnosis.py --data polarity --fold 0
    python benchmarks/pretraining_diagnosis.py --table

The starting point is the benchmark's `lstm+lm` row as it was measured (an LSTM(128) with max
pooling, the language model trained on the fold's own training texts, one frozen epoch, then
everything at Adam 1e-3). Each variant changes one thing:

- no language model at all (and, for the pooling rows, the same pooling from scratch);
- no freeze step (`freeze_epochs=0`);
- the fine-tuning learning rate (3e-4, 1e-4);
- the pooling: the last state, the mean, ULMFiT's concat (last, max, mean);
- what the classifier reads against what the language model read: padding at the front instead of
  the back, only the last 50 words (the language model's sequence length) instead of 200/400, and
  a language model whose sequences start at each text's start (`lm_reads=texts`) instead of
  running across text boundaries.

Every fine-tuning variant starts from the *same* language model (trained once per fold and copied
into each run folder, where the recipe's resume logic finds it), so only the named change differs.

Two measurements look inside the transferred network before any fine-tuning:

- `feature_spread`: the standard deviation across training texts of each pooled feature, averaged
  over features. A feature that takes the same value for every text tells the classifier nothing.
- `linear_probe`: logistic regression on the frozen pooled features (training texts -> test texts),
  for the language model's weights and for a freshly initialised network: what the transferred
  features know about the labels before any fine-tuning.

Results go to `results/pretraining_diagnosis_<data>.json` after every run, and a finished variant
is not run again (the job resumes where it stopped).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from _results import RESULTS, write_results  # benchmarks/_results.py
from text_classification import GATED, SETS, labelled_examples, write_fold

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)

CACHE = Path.home() / ".cache" / "rnn-cookbook-benchmarks" / "pretraining_diagnosis"
LM = {"pretrain": "lm"}
# name: (config changes on top of GATED and the set's settings, padding override or None, shares the stream language model)
VARIANTS = {
    "scratch (max pooling)": ({}, None),
    "lm (as measured: max pooling, freeze 1 epoch, lr 1e-3)": (LM, None),
    "lm, no freeze step": ({**LM, "freeze_epochs": 0}, None),
    "lm, fine-tune lr 3e-4": ({**LM, "learning_rate": 3e-4}, None),
    "lm, fine-tune lr 1e-4": ({**LM, "learning_rate": 1e-4}, None),
    "lm, last-state pooling": ({**LM, "pooling": "last"}, None),
    "scratch, last-state pooling": ({"pooling": "last"}, None),
    "lm, mean pooling": ({**LM, "pooling": "mean"}, None),
    "scratch, mean pooling": ({"pooling": "mean"}, None),
    "lm, concat pooling": ({**LM, "pooling": "concat"}, None),
    "scratch, concat pooling": ({"pooling": "concat"}, None),
    "lm, padding at the front": (LM, "pre"),
    "lm, classifier reads the last 50 words": ({**LM, "maxlen": 50}, None),
    "lm reads each text from its start (lm_reads=texts)": ({**LM, "lm_reads": "texts"}, None),
}
LM_FILES = ("language_model.keras", "language_model.json")


def config_for(data_name: str, fold_file: Path, changes: dict, seed: int):
    from rnn_cookbook.recipes import sentiment_rnn

    settings = {**SETS[data_name][3], "cell": "lstm", **GATED, **changes}
    return sentiment_rnn.Config(data=str(fold_file), split_column="split", validation_fraction=0.1, seed=seed, **settings)


def shared_language_model(cfg, folder: Path, runs: Path) -> Path | None:
    """A finished run folder whose language model this config can start from, or None (train one)."""
    for run in sorted(runs.iterdir()) if runs.exists() else []:
        if run == folder or not all((run / f).exists() for f in LM_FILES):
            continue
        other = json.loads((run / "config.json").read_text())["config"]
        if all(other.get(k) == getattr(cfg, k) for k in ("lm_reads", "lm_sequence_length", "lm_words", "lm_epochs", "embedding_dim", "rnn_units", "num_words", "seed")):
            return run
    return None


def probe(cfg, data, lm_run: Path) -> dict:
    """Feature spread and a linear probe of the pooled features, transferred and freshly initialised."""
    import keras
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from rnn_cookbook import pretraining
    from rnn_cookbook.recipes import sentiment_rnn
    from rnn_cookbook.runs import RunFolder

    keras.utils.set_random_seed(cfg.seed)
    lm = RunFolder.open(lm_run).load_model(pretraining.LANGUAGE_MODEL_FILE)
    record = {}
    for start in ("language_model", "random_init"):
        classifier = sentiment_rnn.build_model(cfg, data.vocabulary_size)
        if start == "language_model":
            pretraining.transfer(lm, classifier)
        features = keras.Model(classifier.inputs, classifier.layers[-2].output)
        train_x, train_y = data.train
        test_x, test_y = data.test
        f_train = features.predict(train_x, batch_size=256, verbose=0)
        f_test = features.predict(test_x, batch_size=256, verbose=0)
        probe_model = LogisticRegression(max_iter=2000).fit(f_train, train_y)
        record[start] = {
            "feature_spread": round(float(np.mean(np.std(f_train, axis=0))), 4),
            "feature_mean_abs": round(float(np.mean(np.abs(f_train))), 4),
            "linear_probe_train_accuracy": round(float(probe_model.score(f_train, train_y)), 4),
            "linear_probe_test_accuracy": round(float(probe_model.score(f_test, test_y)), 4),
        }
    return record


def run_variant(name: str, data_name: str, fold_file: Path, fold: int, seed: int) -> dict:
    from rnn_cookbook import text_classifier
    from rnn_cookbook.recipes import sentiment_rnn

    changes, padding = VARIANTS[name]
    cfg = config_for(data_name, fold_file, changes, seed)
    runs = CACHE / f"{data_name}-fold{fold}-seed{seed}"
    folder = runs / name.split(" (")[0].replace(" ", "_").replace(",", "").replace("/", "")
    if folder.exists() and not (folder / "metrics.json").exists():
        shutil.rmtree(folder)  # a run killed half-way starts again
    reused = None
    if cfg.pretrain == "lm":
        reused = shared_language_model(cfg, folder, runs)
        if reused is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for file in LM_FILES:
                shutil.copy(reused / file, folder / file)
    data = sentiment_rnn.load_data(cfg) if padding is None else text_classifier.load_data(cfg, padding=padding)
    started = time.perf_counter()
    result = text_classifier.train(
        cfg, sentiment_rnn.build_model, data, language_model=sentiment_rnn.language_model, output=folder, verbose=0
    )
    history = result.history
    best = min(range(len(history["val_loss"])), key=history["val_loss"].__getitem__)
    record = {
        "variant": name,
        "dataset": SETS[data_name][0],
        "fold": fold,
        "seed": seed,
        "changes": {**changes, **({"padding": padding} if padding else {})},
        "test_accuracy": result.metrics["model"]["accuracy"],
        "tfidf_logreg": result.metrics["baselines"]["tfidf_logreg"]["accuracy"],
        "train_accuracy_at_best_epoch": round(history["accuracy"][best], 4),
        "validation_accuracy_at_best_epoch": round(history["val_accuracy"][best], 4),
        "train_accuracy_per_epoch": [round(a, 4) for a in history["accuracy"]],
        "epochs_run": result.metrics["epochs_run"],
        "wall_time_s": round(time.perf_counter() - started, 1),
    }
    if cfg.pretrain == "lm":
        lm = result.metrics["language_model"]
        record["language_model"] = {k: lm[k] for k in ("validation_perplexity", "epochs_run", "wall_time_s", "reads") if k in lm}
        record["language_model"]["shared_from"] = reused.name if reused else None
        record["probe"] = probe(cfg, data, folder)
    print(
        f"  {name:55s} test {record['test_accuracy']:.4f}  train@best {record['train_accuracy_at_best_epoch']:.3f}  "
        f"{record['epochs_run']} epochs  {record['wall_time_s']:.0f} s"
        + (f"  probe {record['probe']['language_model']['linear_probe_test_accuracy']:.3f} "
           f"(random {record['probe']['random_init']['linear_probe_test_accuracy']:.3f}), "
           f"spread {record['probe']['language_model']['feature_spread']:.3f} "
           f"(random {record['probe']['random_init']['feature_spread']:.3f})" if "probe" in record else ""),
        flush=True,
    )
    return record


def table() -> None:
    for path in sorted(RESULTS.glob("pretraining_diagnosis_*.json")):
        runs = json.loads(path.read_text()).get("runs")
        if not runs:  # the --inspect records
            continue
        print(f"\n{runs[0]['dataset']}, fold {runs[0]['fold']} (TF-IDF + LR {runs[0]['tfidf_logreg']:.3f})\n")
        print("| variant | test accuracy | train accuracy (best epoch) | epochs | linear probe on the transferred features (random init) | feature spread (random init) |")
        print("|---|---|---|---|---|---|")
        for r in runs:
            p = r.get("probe")
            probe_cell = (f"{p['language_model']['linear_probe_test_accuracy']:.3f} ({p['random_init']['linear_probe_test_accuracy']:.3f})" if p else "-")
            spread_cell = (f"{p['language_model']['feature_spread']:.3f} ({p['random_init']['feature_spread']:.3f})" if p else "-")
            print(f"| {r['variant']} | {r['test_accuracy']:.3f} | {r['train_accuracy_at_best_epoch']:.3f} | {r['epochs_run']} | {probe_cell} | {spread_cell} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=list(SETS), default="reviews")
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--table", action="store_true", help="only print the tables of the recorded results")
    parser.add_argument("--inspect", action="store_true", help="only measure how the fold's language model reads its texts")
    args = parser.parse_args()
    if args.table:
        table()
        return
    if args.inspect:
        record = inspect_states(args.data, args.fold, args.seed)
        print(json.dumps(record, indent=1))
        write_results(f"pretraining_diagnosis_{args.data}_states", {"fold": args.fold, "seed": args.seed, "states": record})
        return
    name = f"pretraining_diagnosis_{args.data}"
    path = RESULTS / f"{name}.json"
    records = [r for r in json.loads(path.read_text())["runs"]] if path.exists() else []
    done = {(r["variant"], r["fold"], r["seed"]) for r in records}
    examples = labelled_examples(args.data)
    CACHE.mkdir(parents=True, exist_ok=True)
    fold_file = write_fold(examples, args.fold, CACHE / f"{args.data}-fold{args.fold}.csv")
    todo = [v for v in args.variants if (v, args.fold, args.seed) not in done]
    started = time.perf_counter()
    for i, variant in enumerate(todo):
        records.append(run_variant(variant, args.data, fold_file, args.fold, args.seed))
        write_results(name, {"runs": records})
        elapsed = time.perf_counter() - started
        print(f"  [{i + 1}/{len(todo)} variants, {elapsed / 60:.0f} min, ETA {elapsed / (i + 1) * (len(todo) - i - 1) / 60:.0f} min]", flush=True)
    table()



def inspect_states(data_name: str, fold: int, seed: int, texts: int = 300) -> dict:
    """How the language model's LSTM reads a classifier's texts, against the same LSTM freshly initialised.

    On `texts` training texts, post-padded to the classifier's `maxlen` and masked as it reads them:
    the share of hidden-state values beyond 0.9 in size (saturated tanh units), how much each unit
    moves over a text (its standard deviation over time, averaged), and the spread across texts of
    the max-pooled and mean-pooled states (as `feature_spread`). Uses only the run folders'
    `language_model.keras` and `vocabulary.json`.
    """
    import keras
    import numpy as np

    from rnn_cookbook.data.text.vocabulary import Vocabulary, pad
    from rnn_cookbook.runs import RunFolder

    run = RunFolder.open(CACHE / f"{data_name}-fold{fold}-seed{seed}" / "lm")
    config = run.read_json("config.json")["config"]
    vocabulary = Vocabulary.from_dict(run.read_json("vocabulary.json"))
    examples = labelled_examples(data_name)
    chosen = [t for t, f in zip(examples[0], examples[2], strict=True) if f != fold][:texts]
    ids = pad(vocabulary.encode(chosen), config["maxlen"], "post")
    mask = ids > 0
    lm = run.load_model("language_model.keras")
    record = {}
    for start in ("language_model", "random_init"):
        keras.utils.set_random_seed(seed)
        inputs = keras.Input(shape=(None,), dtype="int32")
        embedding = keras.layers.Embedding(len(vocabulary), config["embedding_dim"], mask_zero=True)
        lstm = keras.layers.LSTM(config["rnn_units"], return_sequences=True)
        model = keras.Model(inputs, lstm(embedding(inputs)))
        if start == "language_model":
            embedding.set_weights(lm.get_layer("embedding").get_weights())
            lstm.set_weights(lm.get_layer("lstm").get_weights())
        states = model.predict(ids, batch_size=64, verbose=0)
        kept = states[mask]  # (kept steps, units)
        per_text_std = [states[i][mask[i]].std(axis=0).mean() for i in range(len(ids))]
        max_pooled = np.stack([states[i][mask[i]].max(axis=0) for i in range(len(ids))])
        mean_pooled = np.stack([states[i][mask[i]].mean(axis=0) for i in range(len(ids))])
        record[start] = {
            "saturated_share": round(float(np.mean(np.abs(kept) > 0.9)), 4),
            "state_std_over_time": round(float(np.mean(per_text_std)), 4),
            "max_pooled_spread": round(float(max_pooled.std(axis=0).mean()), 4),
            "mean_pooled_spread": round(float(mean_pooled.std(axis=0).mean()), 4),
            "recurrent_kernel_norm": round(float(np.linalg.norm(lstm.get_weights()[1], 2)), 3),
        }
    return record


if __name__ == "__main__":
    main()
