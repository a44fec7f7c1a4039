"""The bag-of-words models every text classifier is printed beside: TF-IDF and NBSVM.

Both read word n-grams (TF-IDF 1-2-grams; NBSVM 1-2- or 1-3-grams, whichever validation prefers)
and end in a linear classifier; both choose their regularisation on the validation texts, so they
are as fair as the network: all three see the same training texts and are tuned on the same
validation texts, never on the test texts.

- `fit_tfidf_logistic_regression`: TF-IDF with sublinear term frequency + logistic regression
  (multinomial over more than two classes), `C` from `TFIDF_C_GRID`.
- `fit_nbsvm`: Wang & Manning's NBSVM (2012), the stronger bag-of-words on sentiment. Each word
  (punctuation marks included, as they tokenise: `NBSVM_TOKEN_PATTERN`), bigram or, where the
  validation texts prefer it (`NBSVM_NGRAM_GRID`), trigram present in a text counts once
  (binarised), and is scaled by its naive-Bayes log-count ratio `r = log((p / |p|_1) / (q / |q|_1))`,
  `p` and `q` its smoothed counts in the texts of one class and of the rest; a linear classifier
  on those scaled features, with the weights interpolated toward their mean magnitude
  (`w' = (1 - beta) mean|w| + beta w`) where that helps. Logistic regression stands in for their SVM, so it gives probabilities to combine
  with the network's (`rnn_cookbook.text.combination`). More than two classes: one problem per
  class against the rest, the probabilities normalised to sum to 1.

Each returns a `LinearTextModel`: the terms, one weight per term and problem, and the link from
scores to probabilities, as plain arrays. That is all prediction needs, so a run folder keeps the
fitted model as JSON and `.npz` (`save`, `LinearTextModel.load`), which load without running any
code, as safely as `model.keras` loads with `safe_mode=True`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, TYPE_CHECKING

import numpy as np

from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.files import atomic_path
from rnn_cookbook.core.scores import cross_entropy

if TYPE_CHECKING:
    from rnn_cookbook.core.runs import RunFolder

TFIDF_C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)  # inverse regularisation strengths tried
NBSVM_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # long texts (whole reviews) choose the weaker penalties
NBSVM_BETA_GRID = (0.25, 0.5, 1.0)  # Wang & Manning's interpolation; 1.0 keeps the weights as fitted
NBSVM_SMOOTHING = 1.0  # Wang & Manning's alpha, added to every term's count in each class
MAX_TERMS = 1_000_000  # the most frequent terms kept: IMDB's training reviews hold about 1.5 million distinct 1-2-grams
# The longest n-gram NBSVM tries, chosen with C and beta by validation log loss. Trigrams pay where
# there are many long texts (IMDB: 0.914 -> 0.917 on test, Mesnil et al.'s NBSVM-uni+bi+tri) and
# cost on sentences and questions, whose validation texts keep bigrams (benchmarks/README.md).
NBSVM_NGRAM_GRID = (2, 3)
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # TF-IDF's terms: scikit-learn's words of two or more characters
# NBSVM's terms, as Wang & Manning tokenise: every word, one letter long too ("i", "a", the "t" of
# "don't"), and every punctuation mark ("!", "?", ":)" as ":" ")"). On IMDB this alone took NBSVM
# from 0.908 to 0.914 (benchmarks/README.md); runs saved before it keep TOKEN_PATTERN.
NBSVM_TOKEN_PATTERN = r"(?u)\b\w+\b|[^\w\s]"
KINDS = {"tfidf_logreg": "TF-IDF + logistic regression", "nbsvm": "NBSVM (NB features + logistic regression)"}


@dataclasses.dataclass(frozen=True)
class LinearTextModel:
    """A fitted bag-of-words classifier as plain arrays: texts -> term features -> linear scores -> probabilities.

    `features` is `"tfidf"` (sublinear counts times `idf`, each row scaled to unit length) or
    `"binary"` (1 where a term occurs); `coef` is `(problems, terms)` and `intercept` `(problems,)`,
    with NBSVM's ratios already folded into `coef`. `link` turns scores into probabilities:
    `"sigmoid"` (one problem, the second class), `"softmax"` (one problem per class, jointly) or
    `"one_vs_rest"` (a sigmoid per class, normalised).
    """

    kind: str
    terms: tuple[str, ...]
    features: str
    coef: np.ndarray
    intercept: np.ndarray
    link: str
    num_classes: int
    idf: np.ndarray | None = None
    chosen: dict[str, float] = dataclasses.field(default_factory=dict)  # the settings validation chose (C; NBSVM's ngrams and beta)
    token_pattern: str = TOKEN_PATTERN  # how texts split into words, the same when fitted and reloaded
    ngrams: int = 2  # the longest n-gram among `terms`

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's probability of every class, `(n, classes)`."""
        return self.probabilities(self.term_features(texts))

    def probabilities(self, features: Any) -> np.ndarray:
        """The `(n, classes)` probabilities of texts already turned into `term_features`."""
        scores = np.asarray(features @ self.coef.T, dtype="float64") + self.intercept
        if self.link == "sigmoid":
            positive = _sigmoid(scores[:, 0])
            return np.stack([1 - positive, positive], axis=1)
        if self.link == "softmax":
            scores -= scores.max(axis=1, keepdims=True)
            exp = np.exp(scores)
            return exp / exp.sum(axis=1, keepdims=True)
        each = _sigmoid(scores)
        return each / np.maximum(each.sum(axis=1, keepdims=True), 1e-300)

    def term_features(self, texts: Sequence[str]) -> Any:
        """The sparse `(n, terms)` features the weights apply to."""
        vocabulary = {t: i for i, t in enumerate(self.terms)}
        counts = _vectorizer(
            binary=self.features == "binary", vocabulary=vocabulary, token_pattern=self.token_pattern, ngrams=self.ngrams
        ).transform(list(texts))
        if self.features == "binary":
            return counts
        return _tfidf_rows(counts, self.idf)

    def save(self, run: RunFolder, name: str = "bag_of_words") -> None:
        """`<name>.json` (kind, link, terms, chosen settings) and `<name>.npz` (the arrays) in the run folder: no pickle."""
        run.write_json(f"{name}.json", {
            "kind": self.kind, "features": self.features, "link": self.link, "num_classes": self.num_classes,
            "chosen": self.chosen, "token_pattern": self.token_pattern, "ngrams": self.ngrams, "terms": list(self.terms),
        })
        arrays = {"coef": self.coef.astype("float32"), "intercept": self.intercept.astype("float64")}
        if self.idf is not None:
            arrays["idf"] = self.idf.astype("float64")
        with atomic_path(run.file(f"{name}.npz")) as tmp:
            np.savez_compressed(tmp, **arrays)

    @classmethod
    def load(cls, run: RunFolder, name: str = "bag_of_words") -> LinearTextModel:
        """Read what `save` wrote; arrays load with `allow_pickle=False`, so nothing in the files can run."""
        json_path, npz_path = run.file(f"{name}.json"), run.file(f"{name}.npz")
        description = run.read_json(json_path.name)
        try:
            with np.load(npz_path, allow_pickle=False) as arrays:
                loaded = {key: arrays[key] for key in arrays.files}
            model = cls(
                kind=str(description["kind"]), terms=tuple(description["terms"]), features=str(description["features"]),
                coef=loaded["coef"].astype("float64"), intercept=loaded["intercept"], link=str(description["link"]),
                num_classes=int(description["num_classes"]), idf=loaded.get("idf"), chosen=dict(description.get("chosen", {})),
                token_pattern=str(description.get("token_pattern", TOKEN_PATTERN)),  # runs saved before NBSVM_TOKEN_PATTERN
                ngrams=int(description.get("ngrams", 2)),  # runs saved before NBSVM_NGRAM_GRID
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RunFolderError(f"cannot read the bag-of-words model {npz_path} with {json_path.name}: {exc}") from None
        if model.coef.shape[1] != len(model.terms) or model.coef.shape[0] != len(model.intercept):
            raise RunFolderError(f"{npz_path} does not match {json_path}: {model.coef.shape} weights for {len(model.terms)} terms")
        return model


def fit_tfidf_logistic_regression(
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    *,
    validation: tuple[Sequence[str], np.ndarray] | None = None,
    num_classes: int | None = None,
    class_weight: str | None = None,
) -> LinearTextModel:
    """The TF-IDF + logistic-regression baseline, fitted once: call it on texts for their probabilities.

    The classic linear text classifier, fitted on the same training texts as the network. Word
    1-2-grams with sublinear term frequency and, given `validation` texts and labels, the
    regularisation strength `C` with the best validation log loss among `TFIDF_C_GRID`.
    `class_weight="balanced"` weighs the classes as the network does under the same setting.
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    vectorizer = _vectorizer(binary=False, max_features=200_000)
    counts = vectorizer.fit_transform(list(train_texts))
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
    terms = vectorizer.get_feature_names_out()
    labels, classes = _classes(train_labels, num_classes)
    features = _tfidf_rows(counts, idf)

    def fitted(c: float) -> LinearTextModel:
        model = LogisticRegression(C=c, max_iter=1000, class_weight=class_weight).fit(features, labels)
        coef, intercept = _every_class(model, classes)
        link = "sigmoid" if len(classes) == 2 else "softmax"
        return LinearTextModel("tfidf_logreg", tuple(terms), "tfidf", coef, intercept, link, len(classes), idf, {"C": c})

    return _best_on_validation([fitted(c) for c in _grid(TFIDF_C_GRID, 1.0, validation)], validation)


def fit_nbsvm(
    train_texts: Sequence[str],
    train_labels: np.ndarray,
    *,
    validation: tuple[Sequence[str], np.ndarray] | None = None,
    num_classes: int | None = None,
    class_weight: str | None = None,
) -> LinearTextModel:
    """NBSVM (see the module docstring), with the n-grams, `C` and the interpolation `beta` chosen by validation log loss."""
    labels, classes = _classes(train_labels, num_classes)
    candidates = []
    for ngrams in _grid(NBSVM_NGRAM_GRID, 2, validation):
        candidates += _nbsvm_candidates(train_texts, labels, classes, ngrams, class_weight, validation)
    return _best_on_validation(candidates, validation)


def _nbsvm_candidates(
    train_texts: Sequence[str], labels: np.ndarray, classes: np.ndarray, ngrams: int, class_weight: str | None,
    validation: tuple[Sequence[str], np.ndarray] | None,
) -> list[LinearTextModel]:
    """NBSVM on 1..`ngrams`-grams, one model for each `C` and `beta` of the grids."""
    from sklearn.linear_model import LogisticRegression

    vectorizer = _vectorizer(binary=True, max_features=MAX_TERMS, token_pattern=NBSVM_TOKEN_PATTERN, ngrams=ngrams)
    present = vectorizer.fit_transform(list(train_texts)).tocsr()
    terms = tuple(vectorizer.get_feature_names_out())
    problems = [classes[1]] if len(classes) == 2 else list(classes)  # two classes: one problem, the second against the first
    ratios = np.stack([_log_count_ratio(present, labels == c) for c in problems])

    scaled = [present.multiply(ratio).tocsr() for ratio in ratios]  # each problem's features, for every C alike
    candidates = []
    for c in _grid(NBSVM_C_GRID, 0.1, validation):
        weights, intercepts = [], []
        for features, positive in zip(scaled, problems, strict=True):
            target = (labels == positive).astype(int)
            if target.min() == target.max():  # a class absent from training: it never wins
                weights.append(np.zeros(len(terms)))
                intercepts.append(-30.0 if target.max() == 0 else 30.0)
                continue
            model = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=1000, class_weight=class_weight)
            model.fit(features, target)
            weights.append(model.coef_[0])
            intercepts.append(float(model.intercept_[0]))
        for beta in _grid(NBSVM_BETA_GRID, 1.0, validation):
            interpolated = [(1 - beta) * np.abs(w).mean() + beta * w for w in weights]
            coef = np.stack([ratio * w for ratio, w in zip(ratios, interpolated, strict=True)])
            link = "sigmoid" if len(classes) == 2 else "one_vs_rest"
            candidates.append(LinearTextModel(
                "nbsvm", terms, "binary", coef, np.asarray(intercepts), link, len(classes),
                chosen={"ngrams": ngrams, "C": c, "beta": beta}, token_pattern=NBSVM_TOKEN_PATTERN, ngrams=ngrams,
            ))
    return candidates


#: The bag-of-words models of every text run, by the name the table and `metrics.json` give them.
BAG_OF_WORDS: dict[str, Callable[..., LinearTextModel]] = {"tfidf_logreg": fit_tfidf_logistic_regression, "nbsvm": fit_nbsvm}


def _vectorizer(
    *, binary: bool, max_features: int | None = None, vocabulary: dict[str, int] | None = None, token_pattern: str = TOKEN_PATTERN,
    ngrams: int = 2,
) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        ngram_range=(1, ngrams), binary=binary, token_pattern=token_pattern, lowercase=True,
        max_features=None if vocabulary is not None else max_features, vocabulary=vocabulary, dtype=np.float64,
    )


def _tfidf_rows(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear term frequency (1 + log count) times idf, each row scaled to unit length: TfidfVectorizer's features."""
    from sklearn.preprocessing import normalize

    weighted = counts.astype(np.float64).tocsr(copy=True)
    weighted.data = 1.0 + np.log(weighted.data)
    return normalize(weighted.multiply(idf).tocsr())


def _log_count_ratio(present: Any, positive: np.ndarray) -> np.ndarray:
    """`log((p / |p|_1) / (q / |q|_1))`: how much more often each term occurs in the positive texts than in the rest."""
    p = NBSVM_SMOOTHING + np.asarray(present[positive].sum(axis=0)).ravel()
    q = NBSVM_SMOOTHING + np.asarray(present[~positive].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def _classes(train_labels: np.ndarray, num_classes: int | None) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(train_labels)
    return labels, np.arange(num_classes if num_classes is not None else int(labels.max()) + 1)


def _grid(grid: Sequence[float], default: float, validation: tuple[Sequence[str], np.ndarray] | None) -> list[float]:
    """The whole grid when there are validation texts of more than one class to choose on; else only `default`."""
    if validation is not None and len(validation[0]) and len(np.unique(validation[1])) > 1:
        return list(grid)
    return [default]


def _best_on_validation(candidates: list[LinearTextModel], validation: tuple[Sequence[str], np.ndarray] | None) -> LinearTextModel:
    """The candidate with the lowest validation log loss (the first, when there is nothing to choose on)."""
    if len(candidates) == 1 or validation is None:
        return candidates[0]
    features: dict[int, Any] = {}  # candidates of one vectorizer share their terms: read the texts once for each
    best, best_loss = candidates[0], math.inf
    for candidate in candidates:
        if id(candidate.terms) not in features:
            features[id(candidate.terms)] = candidate.term_features(validation[0])
        loss = cross_entropy(validation[1], candidate.probabilities(features[id(candidate.terms)]))
        if loss < best_loss:
            best, best_loss = candidate, loss
    return best


def _every_class(model: Any, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A logistic regression's weights with a row for every class (a class training lacked never wins)."""
    if len(classes) == 2:
        return model.coef_, model.intercept_
    if len(model.classes_) == 2:  # two of several classes present: scikit-learn fits one row for the second
        coef = np.zeros((len(classes), model.coef_.shape[1]))
        intercept = np.full(len(classes), -30.0)
        coef[model.classes_[1]], intercept[model.classes_[1]] = model.coef_[0], model.intercept_[0]
        intercept[model.classes_[0]] = 0.0
        return coef, intercept
    coef = np.zeros((len(classes), model.coef_.shape[1]))
    intercept = np.full(len(classes), -1e3)  # a class absent from training: a score that never wins the softmax
    coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return coef, intercept


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function without overflow warnings
