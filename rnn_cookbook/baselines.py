"""Baselines: what a model must beat before its numbers mean anything.

Forecasting (`persistence`, `seasonal_naive`, `linear_on_window`, `regression_errors`), text
classification (`tfidf_logistic_regression`, `classification_scores`) and next-token prediction
(`ngram_loss`, `language_model_scores`).


The three forecasting baselines forecast the same test windows as the model, so their errors compare one to one:

- `persistence`: every future step equals the last value seen ("tomorrow is like today").
- `seasonal_naive`: every future step equals the value one season earlier (same week last year).
- `linear_on_window`: ordinary least squares from the window's values to the targets, fitted on
  the training windows (scikit-learn's `LinearRegression`).

Inputs and outputs are arrays shaped like `WindowSet`: windows (n, window, 1), forecasts
(n, horizon). `regression_errors` gives the MAE and RMSE every forecasting recipe reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LinearRegression


def persistence(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """Repeat each window's last value over the horizon."""
    return np.repeat(np.asarray(inputs)[:, -1, :1], horizon, axis=1)


def seasonal_naive(series: np.ndarray, target_start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """For target position t, forecast `series[t - season]`: the value one season before.

    Positions of the target steps come from `target_start` (n,), so this works for any window
    length, including windows shorter than a season. Only values at or before the forecast origin
    are used: a horizon longer than the season is refused.
    """
    if horizon > season:
        raise ValueError(f"seasonal naive needs horizon <= season, got horizon {horizon} and season {season}")
    positions = np.asarray(target_start)[:, None] + np.arange(horizon)[None, :] - season
    if positions.min() < 0:
        raise ValueError("seasonal naive needs one full season of history before the first target")
    return np.asarray(series, dtype=float)[positions]


def linear_on_window(train_inputs: np.ndarray, train_targets: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Fit least squares from flattened training windows to their targets; forecast `inputs`."""
    model = LinearRegression()
    model.fit(np.asarray(train_inputs).reshape(len(train_inputs), -1), np.asarray(train_targets))
    predicted = model.predict(np.asarray(inputs).reshape(len(inputs), -1))
    return predicted.reshape(len(inputs), -1)


def regression_errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Mean absolute error and root mean squared error over every window and horizon step."""
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        raise ValueError(f"actual {actual.shape} and predicted {predicted.shape} shapes differ")
    error = predicted - actual
    return {"mae": float(np.mean(np.abs(error))), "rmse": float(np.sqrt(np.mean(error**2)))}


def tfidf_logistic_regression(train_texts: list[str], train_labels: np.ndarray, test_texts: list[str]) -> np.ndarray:
    """Probability of class 1 for each test text from TF-IDF word and bigram features + logistic regression.

    The classic linear text classifier, fitted on the same training texts as the network; what
    the recurrent model adds is measured against it.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=200_000),
        LogisticRegression(max_iter=1000),
    )
    model.fit(train_texts, np.asarray(train_labels))
    return model.predict_proba(test_texts)[:, 1]


def classification_scores(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Accuracy at a 0.5 threshold and binary cross-entropy (`loss`) of class-1 probabilities."""
    from sklearn.metrics import log_loss

    labels = np.asarray(labels).ravel()
    probabilities = np.clip(np.asarray(probabilities, dtype=float).ravel(), 1e-7, 1 - 1e-7)
    accuracy = float(np.mean((probabilities >= 0.5).astype(int) == labels))
    return {"accuracy": accuracy, "loss": float(log_loss(labels, probabilities, labels=[0, 1]))}


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
    step of a tagged sequence, alike.
    """
    labels = np.asarray(labels).reshape(-1)
    probabilities = np.asarray(probabilities, dtype=float).reshape(len(labels), -1)
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    return {
        "accuracy": float(np.mean(probabilities.argmax(axis=-1) == labels)),
        "loss": float(-np.mean(np.log(picked))),
    }


def class_frequencies(train_labels: np.ndarray, shape: Sequence[int], num_classes: int) -> np.ndarray:
    """The majority-class baseline as probabilities: every item gets the training label frequencies."""
    frequencies = np.bincount(np.asarray(train_labels).ravel(), minlength=num_classes) / np.size(train_labels)
    return np.broadcast_to(frequencies, (*shape, num_classes))
