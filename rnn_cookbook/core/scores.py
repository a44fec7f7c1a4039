"""Scores every recipe computes the same way: classification scores, cross-entropy, n-gram baselines.

- `classification_scores`, `per_class_report`, `multiclass_scores`: accuracy, loss, macro-F1 and,
  when a class is rare, balanced accuracy and that class's F1 (scikit-learn's metrics underneath);
- `cross_entropy`: the one place that floors probabilities at Keras' epsilon and renormalises them,
  so a baseline's loss compares with a model's;
- `ngram_loss`, `char_ngram_baselines`, `language_model_scores`: what a next-token model must
  beat, counted on the same training text (scikit-learn has no n-gram language model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, log_loss


#: Keras' `keras.config.epsilon()`: its cross-entropy floors probabilities here, and so do the scores
#: below, so a baseline that gives the true class probability 0 costs -log(1e-7), as it would in Keras.
KERAS_EPSILON = 1e-7


SKEWED_SHARE = 0.2  # a class under this share of the rows (under half a uniform share, with many classes) is reported alone


def class_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """`(n, classes)` probabilities from a softmax's `(n, k)` or a sigmoid's `(n,)` / `(n, 1)` class-1 probability."""
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim == 1 or probabilities.shape[-1] == 1:
        positive = probabilities.reshape(-1)
        return np.stack([1.0 - positive, positive], axis=1)
    return probabilities


def predicted_classes(probabilities: np.ndarray) -> np.ndarray:
    """The most probable class of each row; with two classes, class 1 from a probability of 0.5 up."""
    probabilities = class_probabilities(probabilities)
    if probabilities.shape[1] == 2:
        return (probabilities[:, 1] >= 0.5).astype(int)
    return probabilities.argmax(axis=1)


def skewed_classes(labels: np.ndarray, num_classes: int) -> list[int]:
    """Classes that hold under `SKEWED_SHARE` of the rows (with many classes, under half a uniform share)."""
    labels = np.asarray(labels).ravel()
    shares = np.bincount(labels, minlength=num_classes) / max(len(labels), 1)
    limit = min(SKEWED_SHARE, 0.5 / num_classes)
    return [c for c in range(num_classes) if shares[c] < limit]


def classification_scores(
    labels: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str] | None = None
) -> dict[str, float]:
    """Accuracy, cross-entropy (`loss`) and macro-averaged F1 of class probabilities.

    `probabilities` are `(n, classes)`, or a sigmoid's class-1 probability (`class_probabilities`);
    they are floored at `KERAS_EPSILON`, so a certain mistake costs -log(1e-7) as in Keras. When a
    class is rare (`skewed_classes`), accuracy alone hides a classifier that never predicts it, so
    the scores add `balanced_accuracy` (the mean of the per-class recalls) and that class's F1
    (`f1_<class name>`, given `class_names`).
    """
    from sklearn.metrics import balanced_accuracy_score, f1_score

    labels = np.asarray(labels).ravel()
    probabilities = class_probabilities(probabilities)
    classes = np.arange(probabilities.shape[1])
    predicted = predicted_classes(probabilities)
    scores = {
        "accuracy": float(accuracy_score(labels, predicted)),
        "loss": cross_entropy(labels, probabilities),
        "macro_f1": float(f1_score(labels, predicted, labels=classes, average="macro", zero_division=0)),
    }
    rare = skewed_classes(labels, len(classes))
    if rare:
        scores["balanced_accuracy"] = float(balanced_accuracy_score(labels, predicted))
        for c in rare:
            name = class_names[c] if class_names is not None else str(c)
            scores[f"f1_{name}"] = float(f1_score(labels == c, predicted == c, zero_division=0))
    return scores


def per_class_report(labels: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each class (scikit-learn's `classification_report`)."""
    from sklearn.metrics import classification_report

    names = [str(c) for c in class_names]
    report = classification_report(
        np.asarray(labels).ravel(),
        predicted_classes(probabilities),
        labels=np.arange(len(names)),
        target_names=names,
        output_dict=True,
        zero_division=0,
    )
    return {name: {k.replace("-score", ""): round(float(v), 4) for k, v in report[name].items()} for name in names}


def ngram_loss(
    train_ids: Sequence[int], eval_ids: Sequence[int], vocabulary_size: int, order: int, *, start: int = 0
) -> float:
    """Cross-entropy (nats per token) on `eval_ids[start:]` of an n-gram model counted on `train_ids`.

    Witten-Bell interpolation: each order mixes its counts with the next lower order, trusting a
    context more the more often it was seen and the fewer different tokens followed it; order 0 is
    uniform over the vocabulary, so no token has probability zero. `order=1` is the unigram model
    ("how frequent is each character"), `order=3` predicts from the two tokens before. Tokens
    before `start` are context only, for a model that predicts from the second token on.
    """
    from collections import Counter, defaultdict

    if order == 1:  # the same formula, counted with NumPy: a language model's corpus has millions of words
        counts_1 = np.bincount(np.asarray(train_ids, dtype="int64"), minlength=vocabulary_size).astype(float)
        kinds, seen = float(np.count_nonzero(counts_1)), float(counts_1.sum())
        scored = np.asarray(eval_ids, dtype="int64")[start:]
        if not seen:
            return math.log(vocabulary_size)
        probabilities = (counts_1[scored] + kinds / vocabulary_size) / (seen + kinds)
        return float(-np.log(probabilities).sum() / max(len(scored), 1))
    train = [int(t) for t in train_ids]
    counts = [Counter(tuple(train[i - n : i + 1]) for i in range(n, len(train))) for n in range(order)]
    context_total: list[Counter] = [Counter() for _ in range(order)]
    followers: list[defaultdict] = [defaultdict(int) for _ in range(order)]
    for n in range(order):
        for gram, count in counts[n].items():
            context_total[n][gram[:-1]] += count
            followers[n][gram[:-1]] += 1
    total = 0.0
    tokens = [int(t) for t in eval_ids]
    for i, token in enumerate(tokens):
        if i < start:
            continue
        probability = 1.0 / vocabulary_size
        for n in range(order):
            if i < n:
                break
            context = tuple(tokens[i - n : i])
            seen = context_total[n].get(context, 0)
            if seen:
                kinds = followers[n][context]
                probability = (counts[n].get((*context, token), 0) + kinds * probability) / (seen + kinds)
        total -= math.log(probability)
    return total / max(len(tokens) - start, 1)


def char_ngram_baselines(
    train_ids: Sequence[int], eval_ids: Sequence[int], vocabulary_size: int, *, start: int = 1
) -> dict[str, dict[str, float]]:
    """The unigram and 5-gram character models every char-level recipe reports beside its own loss."""
    return {
        name: language_model_scores(ngram_loss(train_ids, eval_ids, vocabulary_size, order, start=start), level="char")
        for name, order in (("unigram", 1), ("5-gram", 5))
    }


def language_model_scores(loss: float, *, level: str) -> dict[str, float]:
    """Cross-entropy in nats per token (`loss`), its perplexity, and bits per character for characters."""
    scores = {"loss": float(loss), "perplexity": float(math.exp(loss))}
    if level == "char":
        scores["bits_per_char"] = float(loss / math.log(2))
    return scores


def multiclass_scores(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Accuracy of the most probable class and cross-entropy (`loss`, nats per item), over every item.

    `probabilities` has one more axis than `labels` (classes last): one label per image, or one per
    step of a tagged sequence, alike. They are floored at `KERAS_EPSILON` and each row scaled back
    to sum to 1 (a float32 softmax is off by ~1e-7), much as Keras' own cross-entropy does.
    """
    labels = np.asarray(labels).reshape(-1)
    probabilities = np.asarray(probabilities, dtype=float).reshape(len(labels), -1)
    return {
        "accuracy": float(accuracy_score(labels, probabilities.argmax(axis=1))),
        "loss": cross_entropy(labels, probabilities),
    }


def cross_entropy(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean cross-entropy in nats of `(n, classes)` probabilities, as Keras computes it.

    Each probability is floored at `KERAS_EPSILON`, so a certain mistake costs -log(1e-7) and not
    infinity, and each row is scaled back to sum to 1 in float64: a float32 softmax misses 1 by
    more than scikit-learn's `log_loss` accepts.
    """
    floored = np.clip(np.asarray(probabilities, dtype=np.float64), KERAS_EPSILON, 1.0)
    floored /= floored.sum(axis=1, keepdims=True)
    return float(log_loss(labels, floored, labels=np.arange(floored.shape[1])))


def class_frequencies(train_labels: np.ndarray, shape: Sequence[int], num_classes: int) -> np.ndarray:
    """The majority-class baseline as probabilities: every item gets the training label frequencies.

    scikit-learn's `DummyClassifier(strategy="prior")`, which reads the labels only (its features
    are a column of zeros); a class missing from the training labels gets probability 0.
    Returns `(*shape, num_classes)`.
    """
    labels = np.asarray(train_labels).ravel()
    prior = DummyClassifier(strategy="prior").fit(np.zeros((len(labels), 1)), labels)
    items = math.prod(shape)
    probabilities = np.zeros((items, num_classes))
    probabilities[:, prior.classes_] = prior.predict_proba(np.zeros((items, 1)))
    return probabilities.reshape(*shape, num_classes)
