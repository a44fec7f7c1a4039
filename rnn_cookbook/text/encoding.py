"""Labelled texts to word ids a classifier reads: encoded per split, padded or cut to one length.

`encode_texts` adapts a `Vocabulary` on the training texts only (or takes a pretrained language
model's) and encodes every split; `pad` cuts or pads ids to `maxlen` (long texts keep their end,
Keras' default); `check_texts` turns what a user hands `predict_texts` into a list of texts, or
a one-line error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core.errors import DataError
from rnn_cookbook.core.vocabulary import Vocabulary

if TYPE_CHECKING:
    from rnn_cookbook.text.labelled import LabelledTexts


@dataclasses.dataclass(frozen=True)
class EncodedTexts:
    """Texts as word ids (unpadded), with the vocabulary that made them and the texts themselves."""

    name: str
    vocabulary: Vocabulary
    train_ids: list[list[int]]
    train_labels: np.ndarray
    test_ids: list[list[int]]
    test_labels: np.ndarray
    train_texts: list[str]
    test_texts: list[str]
    class_names: tuple[str, ...]
    notes: tuple[str, ...] = ()
    validation_ids: list[list[int]] | None = None  # the source's own validation split, if it gives one
    validation_labels: np.ndarray | None = None
    validation_texts: list[str] | None = None
    cleaning: tuple[str, ...] = ()  # what the loader did to every text (`labelled.CLEANING`), for `predict` to do again


def encode_texts(texts: LabelledTexts, num_words: int, *, vocabulary: Vocabulary | None = None) -> EncodedTexts:
    """Adapt a vocabulary of `num_words` on the training texts only, then encode every split.

    A given `vocabulary` (a pretrained language model's) is used as it is instead, and said in a note.
    """
    notes = texts.notes
    if vocabulary is None:
        vocabulary = Vocabulary.adapt(texts.train_texts, max_tokens=num_words)
    else:
        notes = (*notes, f"the encoder's vocabulary of {len(vocabulary):,} words (num_words is not used)")
    return EncodedTexts(
        name=texts.label,
        vocabulary=vocabulary,
        train_ids=vocabulary.encode(texts.train_texts),
        train_labels=texts.train_labels,
        test_ids=vocabulary.encode(texts.test_texts),
        test_labels=texts.test_labels,
        train_texts=texts.train_texts,
        test_texts=texts.test_texts,
        class_names=texts.class_names,
        notes=notes,
        validation_ids=None if texts.validation_texts is None else vocabulary.encode(texts.validation_texts),
        validation_labels=texts.validation_labels,
        validation_texts=texts.validation_texts,
        cleaning=texts.cleaning,
    )


def pad(ids: Sequence[Sequence[int]], maxlen: int, padding: str = "pre") -> np.ndarray:
    """Pad or cut every sequence to `maxlen` ids; long texts keep their end (Keras' default)."""
    if not len(ids):
        return np.zeros((0, maxlen), dtype="int32")
    return keras.utils.pad_sequences(ids, maxlen=maxlen, padding=padding, truncating="pre", dtype="int32")


def check_texts(texts: Any) -> list[str]:
    """Texts to classify: a list of non-empty strings (a single string is taken as one text)."""
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, Sequence) or not len(texts):
        raise DataError("give at least one text to classify")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise DataError(f"text {i} is a {type(text).__name__}, not a string")
        if not text.strip():
            raise DataError(f"text {i} is empty")
    return list(texts)
