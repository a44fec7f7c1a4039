"""Word and character vocabularies: text to ids and back, saved as JSON beside a model.

- `Vocabulary`: words, learnt by `keras.layers.TextVectorization` from training text only
  (lower-cased, punctuation stripped); id 0 is padding and `oov_id` any unknown word.
- `CharVocabulary`: characters, for the character-level generator and seq2seq.

Turning labelled texts into padded ids for a classifier is text classification's own:
`rnn_cookbook.text.encoding`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core.errors import DataError

STANDARDIZE = "lower_and_strip_punctuation"
KERAS_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # what that standardisation strips
VOCABULARY_FILE = "vocabulary.json"  # beside model.keras in a text run's folder


ENCODE_CHUNK = 1024  # texts vectorised at once by Vocabulary.encode


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """Word ids: `tokens[i]` is the word of id i; 0 is padding, `oov_id` any unknown word.

    Vocabularies adapted by `TextVectorization` have `tokens[1] == "[UNK]"` and no start id; the
    Keras IMDB vocabulary keeps IMDB's own ids (1 = start of review, 2 = unknown, words from 4).
    """

    tokens: tuple[str, ...]
    oov_id: int = 1
    start_id: int | None = None

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def adapt(cls, texts: Sequence[str], max_tokens: int) -> Vocabulary:
        """Learn the `max_tokens` most frequent words of `texts` (training texts only)."""
        vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, standardize=STANDARDIZE)
        vectorizer.adapt(list(texts), batch_size=1024)
        return cls(tuple(str(t) for t in vectorizer.get_vocabulary()))

    @classmethod
    def from_imdb_word_index(cls, word_index: dict[str, int], num_words: int) -> Vocabulary:
        """IMDB's ids: word of rank r has id r + 3; ranks past `num_words` map to the unknown id."""
        tokens = ["", "[START]", "[UNK]", "[UNUSED]"] + [f"[RANK{i - 3}]" for i in range(4, num_words)]  # gaps stay unique
        for word, rank in word_index.items():
            if rank + 3 < num_words:
                tokens[rank + 3] = word
        return cls(tuple(tokens), oov_id=2, start_id=1)

    @functools.cached_property
    def _vectorizer(self) -> keras.layers.TextVectorization:
        # Built once per vocabulary. It numbers the given words from 2 (0 = padding, 1 = its own
        # unknown id), which `encode` maps onto this vocabulary's ids.
        # Dense output (padded with 0) rather than ragged: ragged tensors exist on TensorFlow only,
        # and this runs on every Keras backend.
        return keras.layers.TextVectorization(vocabulary=list(self.tokens[2:]), standardize=STANDARDIZE)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Word ids of each text, with the same standardisation and split as `adapt`."""
        encoded: list[list[int]] = []
        for first in range(0, len(texts), ENCODE_CHUNK):  # a chunk pads only to its own longest text
            padded = keras.ops.convert_to_numpy(self._vectorizer(list(texts[first : first + ENCODE_CHUNK])))
            encoded += [row[row != 0].tolist() for row in padded]  # real ids are >= 1: zeros are padding
        start = [self.start_id] if self.start_id is not None else []
        return [start + [self.oov_id if i == 1 else i for i in ids] for ids in encoded]

    def encode_text(self, text: str) -> list[int]:
        """Word ids of one text; unknown words become `oov_id` (see `unknown`)."""
        return self.encode([text])[0]

    def unknown(self, text: str) -> list[str]:
        """The words of `text` that are not in the vocabulary (each is read as `tokens[oov_id]`)."""
        known = self._known
        return list(dict.fromkeys(w for w in standardized_words(text) if w not in known))

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.tokens)

    def decode(self, ids: Iterable[int]) -> str:
        """The words of `ids`, without padding or the start marker."""
        skip = {0, self.start_id}
        return " ".join(self.tokens[i] for i in ids if i not in skip and 0 <= i < len(self.tokens))

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": "word",
            "tokens": list(self.tokens),
            "oov_id": self.oov_id,
            "start_id": self.start_id,
            "standardize": STANDARDIZE,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        try:
            return cls(tuple(data["tokens"]), oov_id=int(data["oov_id"]), start_id=data["start_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"not a vocabulary: {exc}") from None


def standardized_words(text: str) -> list[str]:
    """The words `TextVectorization` sees in `text` with the standardisation used here."""
    import tensorflow as tf

    lowered = tf.strings.lower(text)
    stripped = tf.strings.regex_replace(lowered, KERAS_PUNCTUATION, "")
    return [w.decode("utf-8") for w in tf.strings.split(stripped).numpy()]


@dataclasses.dataclass(frozen=True)
class CharVocabulary:
    """Characters as tokens: `tokens[i]` is the character of id i. No unknown id: a character the
    model never saw is an error (`encode_text` lists them), not a silent guess."""

    tokens: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def from_text(cls, text: str) -> CharVocabulary:
        """Every distinct character of `text`, sorted."""
        return cls(tuple(sorted(set(text))))

    @functools.cached_property
    def _ids(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.tokens)}

    def unknown(self, text: str) -> list[str]:
        """The characters of `text` that are not in the vocabulary, in order of appearance."""
        ids = self._ids
        return list(dict.fromkeys(c for c in text if c not in ids))

    def encode_text(self, text: str) -> list[int]:
        """Character ids of `text`; a `DataError` naming every character the vocabulary lacks."""
        missing = self.unknown(text)
        if missing:
            shown = ", ".join(repr(c) for c in missing[:20]) + (" ..." if len(missing) > 20 else "")
            raise DataError(
                f"{len(missing)} character(s) not in the model's vocabulary of {len(self)}: {shown} "
                "(the model has no unknown-character token; remove or replace them)"
            )
        ids = self._ids
        return [ids[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.tokens[i] for i in ids)

    def to_dict(self) -> dict[str, Any]:
        return {"level": "char", "tokens": list(self.tokens)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CharVocabulary:
        try:
            tokens = tuple(data["tokens"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"not a character vocabulary: {exc}") from None
        if not all(isinstance(t, str) and len(t) == 1 for t in tokens) or len(set(tokens)) != len(tokens):
            raise DataError("not a character vocabulary: tokens must be distinct single characters")
        return cls(tokens)


def vocabulary_from_dict(data: dict[str, Any]) -> CharVocabulary | Vocabulary:
    """A saved vocabulary of either level (`"level": "char"` or `"word"`; older files are words)."""
    if not isinstance(data, dict):
        raise DataError("not a vocabulary: expected a JSON object")
    return CharVocabulary.from_dict(data) if data.get("level") == "char" else Vocabulary.from_dict(data)

