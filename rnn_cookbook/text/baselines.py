"""The bag-of-words baseline every text classifier is printed beside: TF-IDF + logistic regression.

Word 1-2-grams with sublinear term frequency, and the regularisation strength chosen on the
validation texts from `TFIDF_C_GRID`, so the baseline is as fair as the model: both see the same
training texts, both are tuned on the same validation texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnn_cookbook.core.scores import cross_entropy


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

    `fit_tfidf_logistic_regression` with the same arguments, applied to `test_texts`: see there.
    """
    fitted = fit_tfidf_logistic_regression(
        train_texts, train_labels, validation=validation, num_classes=num_classes, class_weight=class_weight
    )
    return fitted(test_texts)


def fit_tfidf_logistic_regression(
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    *,
    validation: tuple[Sequence[str], np.ndarray] | None = None,
    num_classes: int | None = None,
    class_weight: str | None = None,
) -> Callable[[Sequence[str]], np.ndarray]:
    """The TF-IDF + logistic-regression baseline, fitted once: a function from texts to their
    probability of every class, `(n, classes)`, to score the validation and the test texts alike.

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
    return lambda texts: _all_classes(best, vectorizer.transform(list(texts)), classes)


def _all_classes(model: Any, features: Any, classes: np.ndarray) -> np.ndarray:
    """`predict_proba` with a column for every class, 0 for a class the training labels lacked."""
    probabilities = np.zeros((features.shape[0], len(classes)))
    probabilities[:, model.classes_] = model.predict_proba(features)
    return probabilities
