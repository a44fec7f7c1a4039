"""The recurrent model combined with the best bag-of-words model: what the network adds to the n-grams.

Mesnil et al. (2014) reached their best IMDB figure by averaging an RNN language model, paragraph
vectors and NBSVM: models that make different mistakes. A text run does the same with what it has
already fitted, at the cost of one more pass over the validation texts:

    log p(class) = weight * log p_model(class) + (1 - weight) * log p_bag_of_words(class), renormalised

With two classes this is the weighted mean of the two models' log-odds. The bag-of-words model
(one of `BAG_OF_WORDS`) and `weight` (one of `WEIGHT_GRID`) are the pair whose combination has
the lowest log loss on the validation texts: chosen there, never on the test texts. `weight = 1` is the network alone, `0` the n-grams
alone: a run whose network adds nothing says so by its weight.

The run folder keeps the chosen bag-of-words model (`bag_of_words.json` + `.npz`, no pickle) and
`combination.json` (which model, its weight), so `predict` and `predict_texts` give the
combination's probabilities in a new process (`predict_with` picks the model alone instead).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TYPE_CHECKING

import numpy as np

from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.scores import KERAS_EPSILON, cross_entropy

if TYPE_CHECKING:
    from rnn_cookbook.core.runs import RunFolder

COMBINATION_FILE = "combination.json"
WEIGHT_GRID = tuple(float(w) for w in np.round(np.linspace(0.0, 1.0, 21), 2))  # steps of 0.05: finer would fit validation noise


@dataclasses.dataclass(frozen=True)
class Combination:
    """The network's weight in the combination, and the bag-of-words model it is combined with (by name)."""

    bag_of_words: str
    weight: float

    def __call__(self, model: np.ndarray, bag_of_words: np.ndarray) -> np.ndarray:
        """The combined `(n, classes)` probabilities of the two models' `(n, classes)` probabilities."""
        return combine(model, bag_of_words, self.weight)

    def to_dict(self) -> dict[str, Any]:
        return {"bag_of_words": self.bag_of_words, "weight": self.weight}

    def save(self, run: RunFolder) -> None:
        run.write_json(COMBINATION_FILE, self.to_dict())

    @classmethod
    def load(cls, run: RunFolder) -> Combination | None:
        """The run's combination, or None for a run without one (runs of versions before 0.3)."""
        path = run.file(COMBINATION_FILE)
        if not path.exists():
            return None
        record = run.read_json(COMBINATION_FILE)
        try:
            weight = float(record["weight"])
            chosen = cls(bag_of_words=str(record["bag_of_words"]), weight=weight)
        except (ValueError, KeyError, TypeError) as exc:
            raise RunFolderError(f"{path} is not a combination record: {exc}") from None
        if not 0.0 <= weight <= 1.0:
            raise RunFolderError(f"{path}: weight must be between 0 and 1, got {weight}")
        return chosen


def combine(model: np.ndarray, bag_of_words: np.ndarray, weight: float) -> np.ndarray:
    """`weight * log p_model + (1 - weight) * log p_bag_of_words`, normalised over the classes of each row."""
    return pool((model, bag_of_words), (weight, 1.0 - weight))


def pool(probabilities: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Log-linear pooling of several models' `(n, classes)` probabilities: `sum(weight * log p)`, normalised
    over the classes of each row (`combine` is the case of two; benchmarks mix more)."""
    logs = sum(weight * np.log(np.clip(p, KERAS_EPSILON, 1.0)) for p, weight in zip(probabilities, weights, strict=True))
    logs = logs - logs.max(axis=1, keepdims=True)
    pooled = np.exp(logs)
    return pooled / pooled.sum(axis=1, keepdims=True)


def choose(labels: np.ndarray, model: np.ndarray, bags_of_words: dict[str, np.ndarray]) -> Combination:
    """The bag-of-words model and weight of `WEIGHT_GRID` whose combination has the lowest log loss on these
    (validation) labels; a tie keeps the larger weight (more of the network).

    The pair is chosen together: the bag-of-words model that is better alone is not always the one
    that adds most to the network (NBSVM is often the more accurate and the less calibrated).
    """
    candidates = [
        (cross_entropy(labels, combine(model, probabilities, weight)), -weight, name)
        for name, probabilities in bags_of_words.items()
        for weight in WEIGHT_GRID
    ]
    _, negative_weight, best = min(candidates)
    return Combination(bag_of_words=best, weight=-negative_weight)
