"""Corpora for the generators: one long text split by position, as characters or words.

    "shakespeare"          Shakespeare's plays (1.1 MB), the corpus of TensorFlow's text-generation
                           tutorial, downloaded once into the Keras cache with its checksum
    "fox"                  the rnn-practice tutorial's one sentence, a named toy
    path/to/file.txt       any text file
    path/to/folder         every *.txt file under it, in name order, joined by blank lines
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from rnn_cookbook.core.download import download
from rnn_cookbook.core.reading import EncodingLog, read_text_file
from rnn_cookbook.core.vocabulary import CharVocabulary
from rnn_cookbook.core.errors import DataError

SHAKESPEARE_URL = "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt"
SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"  # 1,115,394 bytes
FOX_SENTENCE = "The quick brown fox jumps over the lazy dog."  # the rnn-practice tutorial's text-generation demo


@dataclasses.dataclass(frozen=True)
class Corpus:
    """One long text for a generator, split by position: the last `validation_fraction` validates."""

    name: str
    text: str
    validation_start: int  # index of the first validation character
    synthetic: bool = False
    notes: tuple[str, ...] = ()

    @property
    def train_text(self) -> str:
        return self.text[: self.validation_start]

    @property
    def validation_text(self) -> str:
        return self.text[self.validation_start :]

    @property
    def label(self) -> str:
        return f"{self.name} (toy)" if self.synthetic else self.name


def load_corpus(
    source: str,
    *,
    validation_fraction: float = 0.1,
    origin: str = SHAKESPEARE_URL,
    file_hash: str | None = SHAKESPEARE_SHA256,
    cache_dir: str | Path | None = None,
    encoding: str | None = None,
) -> Corpus:
    """A text to learn to generate (see the module docstring for `source`).

    The split is by position, not at random: the validation text is the last part of the corpus,
    which the model never reads while training (random windows would leak neighbouring text).
    A corpus too short to split (the rnn-practice tutorial's sentence) validates on its training text, and says so.
    Files are decoded as `reading.decode` says (`encoding`, else detected, and noted when not UTF-8).
    """
    log = EncodingLog()
    if source == "fox":
        return Corpus(
            name="fox_sentence", text=FOX_SENTENCE, validation_start=len(FOX_SENTENCE), synthetic=True,
            notes=("toy: the rnn-practice tutorial's one sentence; it validates on its training text, so its loss says nothing",),
        )
    if source == "shakespeare":
        path = Path(download("Shakespeare", "shakespeare.txt", origin, file_hash, cache_dir, hint="--set data=path/to/text.txt"))
        text, name = read_text_file(path), "shakespeare"
    else:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                raise DataError(f"{path} holds no *.txt files")
            text = "\n\n".join(read_text_file(p, encoding, log) for p in files)
        elif path.is_file():
            text = read_text_file(path, encoding, log)
        else:
            raise DataError(f"no text at {source!r}: use 'shakespeare', 'fox', a UTF-8 text file or a folder of *.txt files")
        name = path.stem if path.is_file() else path.name
    if not text.strip():
        raise DataError(f"{source} holds no text")
    validation_start = len(text) - int(round(len(text) * validation_fraction))
    return Corpus(
        name=name,
        text=text,
        validation_start=validation_start,
        notes=(f"{name}: {len(text):,} characters; the last {len(text) - validation_start:,} validate", *log.notes()),
    )


@dataclasses.dataclass(frozen=True)
class CharText:
    """A corpus as character ids: its vocabulary and the ids of the training and validation parts."""

    corpus: Corpus
    vocabulary: CharVocabulary
    train_ids: np.ndarray
    validation_ids: np.ndarray


def load_char_text(source: str, *, validation_fraction: float = 0.1, min_length: int = 2) -> CharText:
    """`load_corpus(source)` as character ids; the vocabulary is every character of the whole text.

    Taking the characters of the whole text (not only the training part) leaks nothing: the
    character set is part of the format, not something learned, and it spares the validation text
    characters the model could not represent. A toy too short to split validates on its training
    text (its notes say so). Each part must hold at least `min_length` characters.
    """
    corpus = load_corpus(source, validation_fraction=validation_fraction)
    vocabulary = CharVocabulary.from_text(corpus.text)
    train_ids = np.asarray(vocabulary.encode_text(corpus.train_text), dtype="int32")
    validation_ids = train_ids
    if not corpus.synthetic:
        validation_ids = np.asarray(vocabulary.encode_text(corpus.validation_text), dtype="int32")
    for name, ids in (("training", train_ids), ("validation", validation_ids)):
        if len(ids) < min_length:
            raise DataError(
                f"{corpus.label}: the {name} text has {len(ids)} characters, fewer than the {min_length} needed; "
                "use a longer text (or shorter sequences)"
            )
    return CharText(corpus, vocabulary, train_ids, validation_ids)
