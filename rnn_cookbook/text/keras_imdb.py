"""Keras' IMDB: 50,000 reviews as word ids, downloaded once into the Keras cache and checked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rnn_cookbook.core.download import download
from rnn_cookbook.core.vocabulary import Vocabulary
from rnn_cookbook.text.encoding import EncodedTexts

KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IMDB_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
IMDB_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def imdb_sequences(
    num_words: int = 10000,
    *,
    origin: str = KERAS_DATASETS,
    file_hash: str | None = IMDB_SHA256,
    word_index_hash: str | None = IMDB_WORD_INDEX_MD5,
    cache_dir: str | Path | None = None,
) -> EncodedTexts:
    """Keras' IMDB: 25,000 training and 25,000 test reviews as word ids, the `num_words` most frequent kept.

    Downloads `imdb.npz` and `imdb_word_index.json` from `origin` into the Keras cache (once; each
    file is checked against its hash), then numbers words the way `keras.datasets.imdb.load_data`
    does (its shuffle with seed 113, start id 1, unknown id 2, words from id 4). Without network or
    cache this is a `DataError` that says how to use a local copy instead.
    """
    hint = "--set data=path/to/aclImdb (the unpacked archive) or a CSV / folder of labelled text"
    folder = origin.rstrip("/") + "/"
    npz = download("IMDB", "imdb.npz", folder + "imdb.npz", file_hash, cache_dir, hint=hint)
    word_index_file = download(
        "IMDB", "imdb_word_index.json", folder + "imdb_word_index.json", word_index_hash, cache_dir, hint=hint
    )
    word_index = json.loads(Path(word_index_file).read_text())
    with np.load(npz, allow_pickle=True) as archive:  # object arrays; the file's hash was checked above
        x_train, y_train, x_test, y_test = (archive[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    order = np.random.RandomState(113)
    x_train, y_train = _shuffled(x_train, y_train, order)
    x_test, y_test = _shuffled(x_test, y_test, order)
    vocabulary = Vocabulary.from_imdb_word_index(word_index, num_words)

    def ids(review: Sequence[int]) -> list[int]:
        return [1] + [w + 3 if w + 3 < num_words else 2 for w in review]

    train_ids = [ids(r) for r in x_train]
    test_ids = [ids(r) for r in x_test]
    return EncodedTexts(
        name="imdb",
        vocabulary=vocabulary,
        train_ids=train_ids,
        train_labels=np.asarray(y_train, dtype=int),
        test_ids=test_ids,
        test_labels=np.asarray(y_test, dtype=int),
        train_texts=[vocabulary.decode(r) for r in train_ids],
        test_texts=[vocabulary.decode(r) for r in test_ids],
        class_names=("negative", "positive"),
    )


def _shuffled(x: np.ndarray, y: np.ndarray, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    order = np.arange(len(x))
    rng.shuffle(order)
    return x[order], y[order]
