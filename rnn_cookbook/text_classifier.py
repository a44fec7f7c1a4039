"""What every text-classification recipe shares: its data settings, data pipeline, evaluation and run.

A text recipe (`sentiment_rnn`, `conv1d_rnn_classifier`) only defines its model. This module:

- `TextClassifierConfig`: seed 003's data and training settings (10,000 words, reviews cut to 200
  ids, 10 epochs of batch 128, 20% of training held out for validation, early stopping after 3
  epochs), the data source, and the columns of a CSV;
- `load_data(cfg, padding)`: texts -> word ids -> padded arrays for train / validation / test;
- `evaluate(...)`: test accuracy and loss beside a TF-IDF + logistic-regression baseline fitted on
  the same training texts, and a confusion matrix;
- `train(...)`: the recipe run, which also saves `vocabulary.json` so `rnn-cookbook predict` can
  turn new text into the same ids in another process; with `pretrain=lm` it first trains the
  recipe's language model and hands its layers on (`pretrain_then_freeze`,
  `rnn_cookbook.pretraining`);
- `embedded_words` and `positive_probability`: the first and last layers every text recipe
  shares, with the `embedding_dropout` and `output_dropout` settings.

Padding: a SimpleRNN, or a convolution, has no mask and reads padding like words, so its
sequences are padded at the front (`pre`) and the review's end stays next to the output. Gated
cells with `mask_zero` skip the padding; they are padded at the back (`post`), the only layout the
fused cuDNN kernel accepts with a mask.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook import baselines, plots, pretraining
from rnn_cookbook.config import RecipeConfig, check_choice, check_fraction, check_positive
from rnn_cookbook.data.pipeline import array_dataset
from rnn_cookbook.data.splits import ArraySplits, stratified_holdout
from rnn_cookbook.data.text.keras_imdb import imdb_sequences
from rnn_cookbook.data.text.labelled import load_texts
from rnn_cookbook.data.text.reading import unlabeled_texts
from rnn_cookbook.data.text.vocabulary import EncodedTexts, VOCABULARY_FILE, encode_texts, pad
from rnn_cookbook.errors import ConfigError, DataError
from rnn_cookbook.training import Evaluation, TrainResult, make_optimizer, print_notes, train_recipe

if TYPE_CHECKING:
    import tensorflow as tf


@dataclasses.dataclass
class TextClassifierConfig(RecipeConfig):
    """Data and training settings of seed 003 (IMDB with a SimpleRNN), shared by every text recipe."""

    data: str = "imdb"  # imdb | toy | path to an aclImdb folder, a CSV/TSV, a folder of class folders or of class files
    text_column: str = "text"  # delimited files: a column name, or a position from 0 with header=none
    label_column: str = "label"
    sep: str | None = None  # delimited files: the separator (a character, or tab|comma|semicolon|pipe); default: read off the file
    header: str = "first_line"  # first_line | none (the file starts with data; columns are positions)
    split_column: str | None = None  # a column that places each row: train|valid|test, or True/False for validation
    num_words: int = 10000  # vocabulary size, the most frequent words of the training texts
    maxlen: int = 200  # ids per text: longer texts keep their end, shorter ones are padded
    embedding_dim: int = 64
    epochs: int = 10
    batch_size: int = 128
    validation_fraction: float = 0.2  # seed 003: validation_split=0.2
    test_fraction: float = 0.2  # for sources without their own test split
    split_seed: int = 0  # fixes the test and validation splits, whatever the model's `seed`
    patience: int = 3  # seed 003: EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    embedding_dropout: float = 0.0  # SpatialDropout1D after the Embedding: drops whole word-vector channels
    output_dropout: float = 0.0  # Dropout before the output layer
    pretrain: str = "none"  # none (seed 003) | lm: first a language model on the training texts (rnn_cookbook.pretraining)
    unlabeled: str | None = None  # pretrain=lm: more text for the language model (a text file, a folder, or a CSV's text_column)
    lm_words: int = 2000  # pretrain=lm: the language model predicts this many most frequent words, and "rare"
    lm_epochs: int = 15  # pretrain=lm: most epochs of language-model training (early stopping after 1 flat)
    freeze_epochs: int = 1  # pretrain=lm: epochs that train only the new output layer before everything trains
    lm_sequence_length: int = 50  # pretrain=lm: words per language-model training sequence
    lm_reads: str = "stream"  # pretrain=lm: stream (texts end to end, cut in chunks) | texts (chunks start at each text's start)

    def validate(self) -> None:
        super().validate()
        for name in ("num_words", "maxlen", "embedding_dim"):
            check_positive(name, getattr(self, name))
        if self.num_words < 4:
            raise ConfigError(f"num_words must be at least 4 (ids 0-3 are reserved), got {self.num_words}")
        check_fraction("validation_fraction", self.validation_fraction)
        check_fraction("test_fraction", self.test_fraction)
        check_choice("header", self.header, ("first_line", "none"))
        check_fraction("embedding_dropout", self.embedding_dropout, allow_zero=True)
        check_fraction("output_dropout", self.output_dropout, allow_zero=True)
        check_choice("pretrain", self.pretrain, ("none", "lm"))
        check_positive("lm_words", self.lm_words)
        check_positive("lm_epochs", self.lm_epochs)
        check_positive("freeze_epochs", self.freeze_epochs, allow_zero=True)
        check_positive("lm_sequence_length", self.lm_sequence_length)
        check_choice("lm_reads", self.lm_reads, ("stream", "texts"))
        if self.unlabeled is not None and self.pretrain == "none":
            raise ConfigError("unlabeled texts feed the language model: set pretrain=lm too, or leave unlabeled out")


@dataclasses.dataclass(frozen=True)
class TextClassificationData(ArraySplits):
    """Padded word ids and labels for each split, and where they came from."""

    encoded: EncodedTexts
    padding: str
    maxlen: int
    train_ids: list[list[int]]  # whole texts as ids, not cut to maxlen: what a language model reads
    validation_ids: list[list[int]]
    train_texts: list[str]  # the texts of `train` and `validation`, for the TF-IDF baseline
    validation_texts: list[str]

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
            sep=cfg.sep,
            header=cfg.header != "none",
            split_column=cfg.split_column,
            test_fraction=cfg.test_fraction,
            seed=cfg.split_seed,
        )
        encoded = encode_texts(texts, cfg.num_words)
    if len(encoded.class_names) != 2:
        raise DataError(
            f"{encoded.name} has {len(encoded.class_names)} classes ({', '.join(encoded.class_names)}); "
            "these recipes classify two"
        )
    if encoded.validation_ids is not None:  # the source's own validation rows, as given
        train_ids, train_labels, train_texts = encoded.train_ids, np.asarray(encoded.train_labels), encoded.train_texts
        validation_ids, validation_labels = encoded.validation_ids, np.asarray(encoded.validation_labels)
        validation_texts = encoded.validation_texts or []
    else:
        labels = np.asarray(encoded.train_labels)
        train_rows, validation_rows = _validation_rows(labels, cfg.validation_fraction, cfg.split_seed)
        train_ids, train_labels = [encoded.train_ids[i] for i in train_rows], labels[train_rows]
        validation_ids, validation_labels = [encoded.train_ids[i] for i in validation_rows], labels[validation_rows]
        train_texts = [encoded.train_texts[i] for i in train_rows]
        validation_texts = [encoded.train_texts[i] for i in validation_rows]
    return TextClassificationData(
        encoded=encoded,
        train=(pad(train_ids, cfg.maxlen, padding), train_labels),
        validation=(pad(validation_ids, cfg.maxlen, padding), validation_labels),
        test=(pad(encoded.test_ids, cfg.maxlen, padding), np.asarray(encoded.test_labels)),
        padding=padding,
        maxlen=cfg.maxlen,
        train_ids=train_ids,
        validation_ids=validation_ids,
        train_texts=train_texts,
        validation_texts=validation_texts,
    )


def evaluate(model: keras.Model, data: TextClassificationData, cfg: TextClassifierConfig) -> Evaluation:
    """Test accuracy and loss of the model and of TF-IDF + logistic regression; a confusion matrix."""
    encoded = data.encoded
    _, y_test = data.test
    probabilities = model.predict(data.dataset("test", cfg.batch_size), verbose=0).ravel()
    baseline = baselines.tfidf_logistic_regression(
        data.train_texts, data.train[1], encoded.test_texts, validation=(data.validation_texts, data.validation[1])
    )
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
    language_model: Callable[[TextClassifierConfig, int], keras.Model] | None = None,
    output: str | Path | None = None,
    verbose: int | None = None,
    resume: bool = False,
) -> TrainResult:
    """A text recipe's whole run on `data`; `build_model(cfg, vocabulary_size)` is the recipe's own part.

    With `pretrain=lm`, `language_model(cfg, vocabulary_size)` builds the recipe's language model,
    which is trained first and handed on (`pretrain_then_freeze`).
    """
    before_fit = None
    if cfg.pretrain == "lm":
        if language_model is None:
            raise ConfigError(f"{cfg.recipe} has no language model to pretrain; use pretrain=none")
        before_fit = pretrain_then_freeze(cfg, language_model, data)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, data.vocabulary_size),
        datasets=lambda: (
            data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed),
            data.dataset("validation", cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg),
        examples_per_epoch=len(data.train[1]),
        before_fit=before_fit,
        json_files={VOCABULARY_FILE: data.settings()},
        notes=data.encoded.notes,
        output=output,
        verbose=verbose,
        resume=resume,
    )


def pretrain_then_freeze(
    cfg: TextClassifierConfig, language_model: Callable[[TextClassifierConfig, int], keras.Model], data: TextClassificationData
) -> Callable[..., dict[str, Any]]:
    """The `before_fit` step of `pretrain=lm` (see `rnn_cookbook.pretraining`).

    It trains the language model on the training texts (and `unlabeled`, less any test text),
    saves it as `language_model.keras` in the run folder, copies its layers into the classifier,
    trains the classifier's new output layer alone for `freeze_epochs`, then unfreezes all and
    recompiles, so the recipe's fit fine-tunes everything. A resumed run reloads the saved
    language model instead of training it again.
    """

    def before_fit(model: keras.Model, *, run: Any, train_data: Any, validation_data: Any, verbose: int) -> dict[str, Any]:
        saved = run.file(pretraining.LANGUAGE_MODEL_FILE)
        if saved.exists() and run.file(pretraining.LANGUAGE_MODEL_RECORD).exists():
            lm = run.load_model(pretraining.LANGUAGE_MODEL_FILE)
            record = run.read_json(pretraining.LANGUAGE_MODEL_RECORD)
        else:
            unlabeled = [] if cfg.unlabeled is None else unlabeled_texts(cfg.unlabeled, text_column=cfg.text_column, sep=cfg.sep)
            extra, notes = pretraining.language_model_texts(unlabeled, data.encoded.test_texts)
            print_notes(notes, verbose)
            lm = language_model(cfg, data.vocabulary_size)
            record = pretraining.train_language_model(
                lm,
                data.train_ids + data.encoded.vocabulary.encode(extra),
                data.validation_ids,
                lm_words=language_model_words(cfg, data.vocabulary_size),
                epochs=cfg.lm_epochs,
                seed=cfg.seed,
                verbose=verbose,
                sequence_length=cfg.lm_sequence_length,
                reads=cfg.lm_reads,
            )
            run.save_model(lm, pretraining.LANGUAGE_MODEL_FILE)
            run.write_json(pretraining.LANGUAGE_MODEL_RECORD, record)
        body = pretraining.transfer(lm, model)
        record = {**record, "transferred_layers": body, "freeze_epochs": cfg.freeze_epochs}
        if cfg.freeze_epochs:
            pretraining.set_trainable(model, body, False)
            compile_binary(model, cfg)
            model.fit(train_data, validation_data=validation_data, epochs=cfg.freeze_epochs, shuffle=False, verbose=verbose)
            pretraining.set_trainable(model, body, True)
        compile_binary(model, cfg)
        return {"language_model": record}

    return before_fit


DATA_KEYS = ("data", "text_column", "label_column", "sep", "header", "split_column", "num_words", "maxlen", "validation_fraction", "test_fraction", "split_seed")


def search_data(
    cfg: TextClassifierConfig, data: TextClassificationData, data_keys: tuple[str, ...] = DATA_KEYS
) -> dict[str, Any]:
    """What `rnn-cookbook search` cross-validates on: training + validation texts as padded ids.

    The test texts stay unseen. `data_keys` are the config fields that change the data itself,
    which a single search cannot vary. A search fits `build_model` alone, so it cannot pretrain.
    """
    if cfg.pretrain != "none":
        raise ConfigError("a search fits the recipe's model from scratch: leave pretrain at none (pretrain=lm runs in `run`)")
    return {
        "splits": [data.train, data.validation],
        "task": "classification",
        "label": data.encoded.name,
        "model_kwargs": {"vocabulary_size": data.vocabulary_size},
        "data_keys": data_keys,
    }


def embedding(cfg: TextClassifierConfig, vocabulary_size: int, *, mask_zero: bool) -> keras.layers.Embedding:
    """The word-embedding layer every text recipe starts with (seed 000 had none: see the errata)."""
    return keras.layers.Embedding(vocabulary_size, cfg.embedding_dim, mask_zero=mask_zero, name="embedding")


def language_model_words(cfg: TextClassifierConfig, vocabulary_size: int) -> int:
    """The words a language model predicts one by one (`lm_words`, at most the vocabulary); rarer ones share a class."""
    return min(cfg.lm_words, vocabulary_size - 1)


def embedded_words(cfg: TextClassifierConfig, ids: keras.KerasTensor, vocabulary_size: int, *, mask_zero: bool) -> keras.KerasTensor:
    """Word vectors of `ids`, with `embedding_dropout` (whole vector channels dropped per text) when set."""
    vectors = embedding(cfg, vocabulary_size, mask_zero=mask_zero)(ids)
    if cfg.embedding_dropout:
        vectors = keras.layers.SpatialDropout1D(cfg.embedding_dropout, name="embedding_dropout")(vectors)
    return vectors


def positive_probability(cfg: TextClassifierConfig, features: keras.KerasTensor) -> keras.KerasTensor:
    """The output layer every text recipe ends with: `Dense(1, sigmoid)`, after `output_dropout` when set."""
    if cfg.output_dropout:
        features = keras.layers.Dropout(cfg.output_dropout, name="output_dropout")(features)
    return keras.layers.Dense(1, activation="sigmoid", name="positive")(features)


def compile_binary(model: keras.Model, cfg: TextClassifierConfig) -> keras.Model:
    """Seed 003's compile step: Adam, binary cross-entropy, accuracy."""
    model.compile(
        optimizer=make_optimizer(cfg), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def _validation_rows(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified random rows for validation; tiny sets (a class under 2 examples) validate on train."""
    rows = np.arange(len(labels))
    if np.bincount(labels).min() < 2 or round(len(labels) * fraction) < 2:
        return rows, rows
    return stratified_holdout(labels, fraction, seed)


def input_layer(cfg: TextClassifierConfig) -> keras.KerasTensor:
    """Padded word ids, `maxlen` per text."""
    return keras.Input(shape=(cfg.maxlen,), dtype="int32", name="word_ids")

