"""What every text-classification recipe shares: its data settings, data pipeline, evaluation and run.

A text recipe (`sentiment_rnn`, `conv1d_rnn_classifier`) only defines its model. This module:

- `TextClassifierConfig`: seed 003's data and training settings (10,000 words, reviews cut to 200
  ids, 10 epochs of batch 128, 20% of training held out for validation, early stopping after 3
  epochs), the data source, and the columns of a CSV;
- `load_data(cfg, padding)`: texts -> word ids -> padded arrays for train / validation / test;
- `evaluate(...)`: test accuracy and loss beside a TF-IDF + logistic-regression baseline fitted on
  the same training texts, and a confusion matrix;
- `train(...)`: the recipe run, which also saves `vocabulary.json` so `rnn-cookbook predict` can
  turn new text into the same ids in another process.

Padding: a SimpleRNN, or a convolution, has no mask and reads padding like words, so its
sequences are padded at the front (`pre`) and the review's end stays next to the output. Gated
cells with `mask_zero` skip the padding; they are padded at the back (`post`), the only layout the
fused cuDNN kernel accepts with a mask.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np
import tensorflow as tf

from rnn_cookbook import baselines, plots
from rnn_cookbook.config import RecipeConfig, check_choice, check_fraction, check_positive
from rnn_cookbook.data.pipeline import array_dataset
from rnn_cookbook.data.text import VOCABULARY_FILE, EncodedTexts, encode_texts, imdb_sequences, load_texts, pad
from rnn_cookbook.errors import ConfigError, DataError
from rnn_cookbook.training import Evaluation, TrainResult, make_optimizer, train_recipe


@dataclasses.dataclass
class TextClassifierConfig(RecipeConfig):
    """Data and training settings of seed 003 (IMDB with a SimpleRNN), shared by every text recipe."""

    data: str = "imdb"  # imdb | toy | path to an aclImdb folder, a CSV, or a folder of one file per class
    text_column: str = "text"  # CSV only
    label_column: str = "label"  # CSV only
    num_words: int = 10000  # vocabulary size, the most frequent words of the training texts
    maxlen: int = 200  # ids per text: longer texts keep their end, shorter ones are padded
    embedding_dim: int = 64
    epochs: int = 10
    batch_size: int = 128
    validation_fraction: float = 0.2  # seed 003: validation_split=0.2
    test_fraction: float = 0.2  # for sources without their own test split
    split_seed: int = 0  # fixes the test and validation splits, whatever the model's `seed`
    patience: int = 3  # seed 003: EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)

    def validate(self) -> None:
        super().validate()
        for name in ("num_words", "maxlen", "embedding_dim"):
            check_positive(name, getattr(self, name))
        if self.num_words < 4:
            raise ConfigError(f"num_words must be at least 4 (ids 0-3 are reserved), got {self.num_words}")
        check_fraction("validation_fraction", self.validation_fraction)
        check_fraction("test_fraction", self.test_fraction)


@dataclasses.dataclass(frozen=True)
class TextClassificationData:
    """Padded word ids and labels for each split, and where they came from."""

    encoded: EncodedTexts
    train: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    padding: str
    maxlen: int

    @property
    def vocabulary_size(self) -> int:
        return len(self.encoded.vocabulary)

    def dataset(self, split: str, batch_size: int, *, shuffle: bool = False, seed: int = 0) -> tf.data.Dataset:
        """A batched, prefetched `tf.data` pipeline over one split."""
        x, y = getattr(self, split)
        return array_dataset(x, y.astype("float32"), batch_size, shuffle=shuffle, seed=seed)

    def settings(self) -> dict[str, Any]:
        """What `vocabulary.json` stores to encode new text the same way."""
        return {
            **self.encoded.vocabulary.to_dict(),
            "maxlen": self.maxlen,
            "padding": self.padding,
            "class_names": list(self.encoded.class_names),
        }


def load_data(cfg: TextClassifierConfig, padding: str = "pre") -> TextClassificationData:
    """Load the configured texts, encode them (vocabulary from training only) and pad them."""
    check_choice("padding", padding, ("pre", "post"))
    if cfg.data == "imdb":
        encoded = imdb_sequences(cfg.num_words)
    else:
        texts = load_texts(
            cfg.data,
            text_column=cfg.text_column,
            label_column=cfg.label_column,
            test_fraction=cfg.test_fraction,
            seed=cfg.split_seed,
        )
        encoded = encode_texts(texts, cfg.num_words)
    if len(encoded.class_names) != 2:
        raise DataError(
            f"{encoded.name} has {len(encoded.class_names)} classes ({', '.join(encoded.class_names)}); "
            "these recipes classify two"
        )
    x_train = pad(encoded.train_ids, cfg.maxlen, padding)
    y_train = np.asarray(encoded.train_labels)
    train_rows, validation_rows = _validation_rows(y_train, cfg.validation_fraction, cfg.split_seed)
    return TextClassificationData(
        encoded=encoded,
        train=(x_train[train_rows], y_train[train_rows]),
        validation=(x_train[validation_rows], y_train[validation_rows]),
        test=(pad(encoded.test_ids, cfg.maxlen, padding), np.asarray(encoded.test_labels)),
        padding=padding,
        maxlen=cfg.maxlen,
    )


def evaluate(model: keras.Model, data: TextClassificationData, cfg: TextClassifierConfig) -> Evaluation:
    """Test accuracy and loss of the model and of TF-IDF + logistic regression; a confusion matrix."""
    encoded = data.encoded
    _, y_test = data.test
    probabilities = model.predict(data.dataset("test", cfg.batch_size), verbose=0).ravel()
    baseline = baselines.tfidf_logistic_regression(encoded.train_texts, encoded.train_labels, encoded.test_texts)
    figure = plots.confusion_matrix(
        y_test,
        (probabilities >= 0.5).astype(int),
        encoded.class_names,
        title=f"{cfg.recipe} on {encoded.name}: test confusion matrix",
    )
    return Evaluation(
        data=encoded.name,
        model=baselines.classification_scores(y_test, probabilities),
        baselines={"tfidf_logreg": baselines.classification_scores(y_test, baseline)},
        figures={"confusion_matrix.png": figure},
    )


def train(
    cfg: TextClassifierConfig,
    build_model: Callable[[TextClassifierConfig, int], keras.Model],
    data: TextClassificationData,
    *,
    output: str | Path | None = None,
    verbose: int | None = None,
    resume: bool = False,
) -> TrainResult:
    """A text recipe's whole run on `data`; `build_model(cfg, vocabulary_size)` is the recipe's own part."""
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, data.vocabulary_size),
        datasets=lambda: (
            data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed),
            data.dataset("validation", cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg),
        json_files={VOCABULARY_FILE: data.settings()},
        notes=data.encoded.notes,
        output=output,
        verbose=verbose,
        resume=resume,
    )


DATA_KEYS = ("data", "text_column", "label_column", "num_words", "maxlen", "validation_fraction", "test_fraction", "split_seed")


def search_data(data: TextClassificationData, data_keys: tuple[str, ...] = DATA_KEYS) -> dict[str, Any]:
    """What `rnn-cookbook search` cross-validates on: training + validation texts as padded ids.

    The test texts stay unseen. `data_keys` are the config fields that change the data itself,
    which a single search cannot vary.
    """
    return {
        "x": np.concatenate([data.train[0], data.validation[0]]),
        "y": np.concatenate([data.train[1], data.validation[1]]),
        "task": "classification",
        "label": data.encoded.name,
        "model_kwargs": {"vocabulary_size": data.vocabulary_size},
        "data_keys": data_keys,
    }


def embedding(cfg: TextClassifierConfig, vocabulary_size: int, *, mask_zero: bool) -> keras.layers.Embedding:
    """The word-embedding layer every text recipe starts with (seed 000 had none: see the errata)."""
    return keras.layers.Embedding(vocabulary_size, cfg.embedding_dim, mask_zero=mask_zero, name="embedding")


def compile_binary(model: keras.Model, cfg: TextClassifierConfig) -> keras.Model:
    """Seed 003's compile step: Adam, binary cross-entropy, accuracy."""
    model.compile(
        optimizer=make_optimizer(cfg), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def _validation_rows(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified random rows for validation; tiny sets (a class under 2 examples) validate on train."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(labels))
    if np.bincount(labels).min() < 2 or round(len(labels) * fraction) < 2:
        return rows, rows
    train_rows, validation_rows = train_test_split(rows, test_size=fraction, random_state=seed, stratify=labels)
    return np.sort(train_rows), np.sort(validation_rows)


def input_layer(cfg: TextClassifierConfig) -> keras.KerasTensor:
    """Padded word ids, `maxlen` per text."""
    return keras.Input(shape=(cfg.maxlen,), dtype="int32", name="word_ids")

