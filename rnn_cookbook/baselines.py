"""Baselines: what a model must beat before its numbers mean anything.

Forecasting (`persistence`, `seasonal_naive`, `linear_per_column`, `forecast_errors`), text
classification (`tfidf_logistic_regression`, `classification_scores`) and next-token prediction
(`ngram_loss`, `language_model_scores`).


The three forecasting baselines forecast the same test windows as the model, so their errors compare one to one:

- `persistence`: every future step equals the last value seen ("tomorrow is like today").
- `seasonal_naive`: every future step equals the value at the same point of the last season seen
  (the same week last year, the same hour yesterday).
- `linear_per_column`: one least-squares map from a column's own window to its next `horizon`
  values, fitted on the training windows of every target column at once and shared by them
  (scikit-learn's `LinearRegression`; the Linear / DLinear family of the forecasting papers).
  With one target it is plain linear regression on the window.

Windows are shaped like `WindowSet`'s: inputs (n, window, channels) with the targets as the first
channels, forecasts (n, horizon, targets). `forecast_errors` gives the errors every forecasting
recipe reports, per target and averaged.

Accuracy, cross-entropy and the regression errors are scikit-learn's metrics, and the majority class
is its `DummyClassifier`; only the n-gram models, which scikit-learn has no counterpart for, are
counted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, log_loss, mean_absolute_error, mean_squared_error, root_mean_squared_error

#: Keras' `keras.config.epsilon()`: its cross-entropy floors probabilities here, and so do the scores
#: below, so a baseline that gives the true class probability 0 costs -log(1e-7), as it would in Keras.
KERAS_EPSILON = 1e-7


def persistence(inputs: np.ndarray, horizon: int, targets: int = 1) -> np.ndarray:
    """Repeat the last value of each of the first `targets` channels over the horizon: (n, horizon, targets)."""
    return np.repeat(np.asarray(inputs)[:, -1:, :targets], horizon, axis=1)


def seasonal_naive(series: np.ndarray, target_start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Each future step is the value at the same point of the last season seen (same hour yesterday).

    Hyndman's seasonal naive: step h ahead (h = 1..horizon) of a forecast made at time T is
    `series[T + h - season * (k + 1)]`, k = (h - 1) // season, so a horizon longer than the season
    repeats the last season seen; only values at or before T are read. Positions of the target
    steps come from `target_start` (n,), so this works for any window length. A series of shape
    (steps, targets) gives forecasts (n, horizon, targets); a 1-D one (n, horizon).
    """
    lead = np.arange(horizon)
    positions = np.asarray(target_start)[:, None] + lead[None, :] - season * (lead // season + 1)[None, :]
    if positions.min() < 0:
        raise ValueError("seasonal naive needs one full season of history before the first target")
    return np.asarray(series, dtype=float)[positions]


def linear_per_column(train_inputs: np.ndarray, train_targets: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Least squares from a target column's window to its next steps, shared by all target columns.

    train_targets (n, horizon, targets) name the columns: column j of the inputs forecasts target j.
    Returns (len(inputs), horizon, targets).
    """
    train_inputs, train_targets, inputs = (np.asarray(a, dtype=float) for a in (train_inputs, train_targets, inputs))
    targets = train_targets.shape[-1]
    model = LinearRegression()
    model.fit(columns_as_rows(train_inputs[..., :targets]), columns_as_rows(train_targets))
    predicted = model.predict(columns_as_rows(inputs[..., :targets]))
    return predicted.reshape(len(inputs), targets, -1).transpose(0, 2, 1)


def columns_as_rows(windows: np.ndarray) -> np.ndarray:
    """(n, steps, columns) -> (n * columns, steps): each column's window becomes a row of its own."""
    return np.asarray(windows).transpose(0, 2, 1).reshape(-1, windows.shape[1])


def regression_errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Mean absolute error, root mean squared error and mean squared error over every value."""
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        raise ValueError(f"actual {actual.shape} and predicted {predicted.shape} shapes differ")
    actual, predicted = actual.ravel(), predicted.ravel()
    return {
        "mae": float(mean_absolute_error(actual, predicted)),
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "mse": float(mean_squared_error(actual, predicted)),
    }


def forecast_errors(
    actual: np.ndarray, predicted: np.ndarray, scale: np.ndarray, names: Sequence[str]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Errors of forecasts (n, horizon, targets) in the series' units: averaged, and per target.

    The averaged record has each target's MAE, RMSE and MSE in its own unit averaged over the
    targets, plus `mae_scaled` and `mse_scaled`: the errors on values divided by each target's
    training standard deviation `scale`, the scale published multivariate tables use.
    """
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    per_target = {name: regression_errors(actual[..., j], predicted[..., j]) for j, name in enumerate(names)}
    averaged = {key: float(np.mean([errors[key] for errors in per_target.values()])) for key in ("mae", "rmse", "mse")}
    scaled = regression_errors(actual / scale, predicted / scale)
    averaged.update(mae_scaled=scaled["mae"], mse_scaled=scaled["mse"])
    return averaged, per_target


def error_by_lead_time(actual: np.ndarray, predicted: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mean absolute error at each step ahead (horizon,), on scaled values averaged over the targets."""
    actual, predicted = (np.asarray(values, dtype=float) / scale for values in (actual, predicted))
    count, horizon = actual.shape[:2]
    # One output per (step ahead, target): the MAE of each, then the mean over the targets of each step.
    per_output = mean_absolute_error(actual.reshape(count, -1), predicted.reshape(count, -1), multioutput="raw_values")
    return per_output.reshape(horizon, -1).mean(axis=1)


TFIDF_C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)  # inverse regularisation strengths tried


def tfidf_logistic_regression(
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    test_texts: Sequence[str],
    *,
    validation: tuple[Sequence[str], np.ndarray] | None = None,
    num_classes: int | None = None,
    class_weight: str | None = None,
) -> np.ndarray:
    """Each test text's probability of every class, `(n, classes)`, from TF-IDF word and bigram
    features + logistic regression (multinomial over more than two classes).

    The classic linear text classifier, fitted on the same training texts as the network; what
    the recurrent model adds is measured against it. It is made as strong as it fairly can be:
    word 1-2-grams with sublinear term frequency, and, given `validation` texts and labels, the
    regularisation strength `C` with the best validation log loss among `TFIDF_C_GRID` (chosen on
    the validation split, as the network's early stopping is, never on test). `class_weight=
    "balanced"` weighs the classes as the network does under the same setting.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=200_000)
    features = vectorizer.fit_transform(list(train_texts))
    labels = np.asarray(train_labels)
    classes = np.arange(num_classes if num_classes is not None else int(labels.max()) + 1)
    strengths = [1.0]
    if validation is not None and len(validation[0]) and len(np.unique(validation[1])) > 1:
        strengths = list(TFIDF_C_GRID)
    best, best_loss = None, math.inf
    for c in strengths:
        model = LogisticRegression(C=c, max_iter=1000, class_weight=class_weight).fit(features, labels)
        if len(strengths) == 1:
            best = model
            break
        predicted = _all_classes(model, vectorizer.transform(list(validation[0])), classes)
        loss = cross_entropy(validation[1], predicted)
        if loss < best_loss:
            best, best_loss = model, loss
    return _all_classes(best, vectorizer.transform(list(test_texts)), classes)


def _all_classes(model: Any, features: Any, classes: np.ndarray) -> np.ndarray:
    """`predict_proba` with a column for every class, 0 for a class the training labels lacked."""
    probabilities = np.zeros((features.shape[0], len(classes)))
    probabilities[:, model.classes_] = model.predict_proba(features)
    return probabilities


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
