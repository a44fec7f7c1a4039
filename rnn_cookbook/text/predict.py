"""Reopen a finished run in a new process and predict on new input.

    from rnn_cookbook import predict_texts
    predict_texts("runs/sentiment_rnn/20261123-120000", ["I love this movie.", "This is terrible."])
    # array([0.93, 0.04])  -- probability of the second class ("positive", "pos", ...)
    TextClassifierRun(run_dir).top(["How far is the moon ?"], k=3)
    # [[("NUM", 0.91), ("LOC", 0.05), ("ENTY", 0.02)]]  -- a many-class run's three most probable classes

The run folder holds everything needed: `model.keras` (loaded with `safe_mode=True`) and
`vocabulary.json` (the words, the unknown-word id, the padded length and side, the class names),
so new text becomes exactly the ids the model was trained on, for Keras' IMDB ids and for
vocabularies adapted on raw text alike.

What answers: a run keeps the bag-of-words model it combined the network with and the weight
chosen on validation (`bag_of_words.json` + `.npz`, `combination.json`:
`rnn_cookbook.text.combination`), and by default predicts with that combination, the row of its
table called `combined`. The run's `predict_with` setting says otherwise (`model`: the network
alone), and `use=` overrides both for one call (`rnn-cookbook predict --use model`). Runs made
before the combination existed predict with their model, as they always did.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnn_cookbook.core.config import check_choice
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE, Vocabulary
from rnn_cookbook.text.baselines import LinearTextModel
from rnn_cookbook.text.combination import Combination
from rnn_cookbook.text.encoding import check_texts, pad
from rnn_cookbook.text.labelled import clean
from rnn_cookbook.core.errors import DataError, RunFolderError
from rnn_cookbook.core.runs import RunFolder

if TYPE_CHECKING:
    import numpy as np


def embedding_rows(model: Any) -> int | None:
    """The number of ids the model's first Embedding layer can look up (None if it has none)."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


USES = ("combined", "model")


class TextClassifierRun:
    """A trained text classifier reopened from its run folder; `use` is `combined`, `model`, or None for the run's own choice."""

    def __init__(self, run_dir: str | Path, use: str | None = None) -> None:
        self.run = RunFolder.open(run_dir)
        settings: dict[str, Any] = self.run.settings(
            VOCABULARY_FILE, lacking="does not classify text", hint="; use a sentiment_rnn or conv1d_rnn_classifier run"
        )
        if isinstance(settings, dict) and "class_names" not in settings and "level" in settings:
            raise RunFolderError(
                f"{self.run.path} was made by {self.run.recipe}, which does not classify text; "
                "predict needs a sentiment_rnn or conv1d_rnn_classifier run (generators: `rnn-cookbook generate`)"
            )
        self.vocabulary = Vocabulary.from_dict(settings)
        try:
            self.maxlen = int(settings["maxlen"])
            self.padding = str(settings["padding"])
            self.class_names = tuple(settings["class_names"])
            self.cleaning = tuple(settings.get("cleaning", ()))  # older runs keep no list, and are read as they always were
        except (KeyError, TypeError, ValueError) as exc:
            raise RunFolderError(f"{self.run.file(VOCABULARY_FILE)} is incomplete: {exc}") from None
        self.model = self.run.load_model()
        expected = self.model.input_shape[1]
        if expected != self.maxlen:
            raise RunFolderError(f"{VOCABULARY_FILE} pads to {self.maxlen} ids but the model reads {expected}")
        rows = embedding_rows(self.model)
        if rows is not None and len(self.vocabulary) > rows:
            # Ids past the table would fail on a CPU and read zeros on a GPU: refuse before predicting.
            raise RunFolderError(
                f"{VOCABULARY_FILE} has {len(self.vocabulary)} tokens but the model's embedding has {rows} rows: "
                "the vocabulary belongs to another model"
            )
        self.use, self.combination, self.bag_of_words = self._combination(use)

    def _combination(self, use: str | None) -> tuple[str, Combination | None, LinearTextModel | None]:
        """What predicts: `use`, else the run's `predict_with` where it kept a combination, else the model."""
        if use is not None:
            check_choice("use", use, USES)
        combination = Combination.load(self.run)
        if use is None:
            configured = self.run.read_json("config.json").get("config", {}).get("predict_with", "combined")
            use = configured if combination is not None else "model"
        if use == "model":
            return use, None, None
        if combination is None:
            raise RunFolderError(
                f"{self.run.path} keeps no combination (no combination.json: runs of rnn-cookbook before 0.3 "
                "kept none); predict with the model alone: use='model' (--use model)"
            )
        return use, combination, LinearTextModel.load(self.run)

    def class_probabilities(self, texts: Any) -> np.ndarray:
        """Each text's probability of every class, `(texts, classes)`, in the order of `class_names`."""
        from rnn_cookbook.core.scores import class_probabilities

        texts = clean(check_texts(texts), self.cleaning)  # as the run's loader did to its training and test texts
        ids = pad(self.vocabulary.encode(texts), self.maxlen, self.padding)
        probabilities = class_probabilities(self.model.predict(ids, verbose=0))
        if self.combination is None:
            return probabilities
        return self.combination(probabilities, self.bag_of_words(texts))

    def predict_proba(self, texts: Any) -> np.ndarray:
        """Two classes: each text's probability of the second (`class_names[1]`); more: `class_probabilities`."""
        probabilities = self.class_probabilities(texts)
        return probabilities[:, 1] if probabilities.shape[1] == 2 else probabilities

    def top(self, texts: Any, k: int = 1) -> list[list[tuple[str, float]]]:
        """For each text, its `k` most probable classes with their probabilities, most probable first."""
        from rnn_cookbook.core.scores import predicted_classes

        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise DataError(f"top must be a whole number >= 1, got {k!r}")
        probabilities = self.class_probabilities(texts)
        ranked = []
        for row, first in zip(probabilities, predicted_classes(probabilities), strict=True):
            order = [int(first)] + [int(c) for c in row.argsort()[::-1] if c != first]
            ranked.append([(self.class_names[c], float(row[c])) for c in order[:k]])
        return ranked

    def predict(self, texts: Any) -> list[tuple[str, float]]:
        """For each text, the predicted class name and the model's probability of that class."""
        return [ranked[0] for ranked in self.top(texts, 1)]


def predict_texts(run_dir: str | Path, texts: Any, use: str | None = None) -> np.ndarray:
    """Two classes: each text's probability of the second class; more: `(texts, classes)` probabilities.

    `use`: `combined` (the network with the run's bag-of-words model), `model` (the network alone),
    or None: the run's `predict_with` setting (`combined` unless it was trained with `model`).
    """
    return TextClassifierRun(run_dir, use).predict_proba(texts)
