"""Text loaders, vocabularies and IMDB's download path, all on small data the tests write."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from rnn_cookbook.text.keras_imdb import imdb_sequences
from rnn_cookbook.text.labelled import acl_imdb, load_texts, toy_sentences
from rnn_cookbook.core.vocabulary import Vocabulary
from rnn_cookbook.text.encoding import check_texts, encode_texts, pad
from rnn_cookbook.core.errors import DataError
from synthetic_text import synthetic_reviews, write_acl_imdb, write_csv


def test_acl_imdb_folder(tmp_path):
    reviews = synthetic_reviews(40)
    root = write_acl_imdb(tmp_path / "aclImdb", reviews[:30], reviews[30:])
    (root / "train" / "pos" / "99_10.txt").write_text("Great<br />film", encoding="utf-8")
    texts = load_texts(str(root))
    assert texts.class_names == ("neg", "pos") and texts.name == "aclImdb"
    assert len(texts.train_texts) == 31 and len(texts.test_texts) == 10
    assert "Great film" in texts.train_texts  # HTML line breaks of the archive become spaces
    for text, label in zip(texts.test_texts, texts.test_labels, strict=True):
        assert (text, label) in reviews[30:]
    (root / "test" / "neg").rename(root / "test" / "negative")
    with pytest.raises(DataError, match="not an aclImdb folder or archive: it holds no test/neg"):
        acl_imdb(root)


def test_csv_with_named_columns_is_split_stratified(tmp_path):
    path = write_csv(tmp_path / "reviews.csv", synthetic_reviews(200), text_column="review", label_column="stars")
    texts = load_texts(str(path), text_column="review", label_column="stars", test_fraction=0.25, seed=1)
    assert (len(texts.train_texts), len(texts.test_texts)) == (150, 50)
    assert texts.class_names == ("0", "1")
    assert np.bincount(texts.test_labels).tolist() == [25, 25]
    assert load_texts(str(path), text_column="review", label_column="stars", seed=1).test_texts[:5] == load_texts(
        str(path), text_column="review", label_column="stars", seed=1
    ).test_texts[:5]
    with pytest.raises(DataError, match=r"has no column 'text' \(columns: review, stars\); set text_column"):
        load_texts(str(path))


def test_one_file_per_class_like_rt_polarity(tmp_path):
    folder = tmp_path / "rt-polaritydata"
    folder.mkdir()
    reviews = synthetic_reviews(100)
    (folder / "rt-polarity.pos").write_text("\n".join(t for t, label in reviews if label) + "\n\n", encoding="utf-8")
    (folder / "rt-polarity.neg").write_text("\n".join(t for t, label in reviews if not label), encoding="utf-8")
    texts = load_texts(str(folder), test_fraction=0.1)
    assert texts.class_names == ("neg", "pos")
    assert len(texts.train_texts) + len(texts.test_texts) == 100  # blank lines skipped
    # A Latin-1 file is read as such and said in a note, never mangled; a wrong given encoding is an error.
    (folder / "rt-polarity.neg").write_bytes("caf\u00e9 au lait\nun th\u00e9 froid\n".encode("latin-1"))
    texts = load_texts(str(folder), test_fraction=0.1)
    assert "caf\u00e9 au lait" in texts.train_texts + texts.test_texts
    assert any("rt-polarity.neg" in note and "read as cp1252" in note for note in texts.notes)
    with pytest.raises(DataError, match=r"rt-polarity.neg is not utf-8 text \(byte 3\)"):
        load_texts(str(folder), encoding="utf-8")


def test_pairs_and_toy_and_bad_sources():
    texts = load_texts(synthetic_reviews(20), test_fraction=0.5)
    assert len(texts.train_texts) == 10 and texts.class_names == ("0", "1")
    toy = toy_sentences()
    assert toy.label == "toy_sentences (toy)" and toy.train_texts[0] == "I love this movie."
    with pytest.raises(DataError, match="only one class"):
        load_texts([("good", 1), ("fine", 1), ("nice", 1)])
    with pytest.raises(DataError, match="item 1 is not a .text, label. pair"):
        load_texts([("good", 1), (3, 0)])
    with pytest.raises(DataError, match="example 1: the text is empty"):
        load_texts([("good", 1), ("  ", 0), ("bad", 0), ("fine", 1)])
    with pytest.raises(DataError, match="no text data at 'nowhere'"):
        load_texts("nowhere")


def test_vocabulary_is_adapted_on_training_texts_only_and_round_trips():
    texts = load_texts([("a good film", 1), ("good good", 1), ("a bad film", 0), ("bad", 0)] * 3, test_fraction=0.34)
    texts = type(texts)(**{**texts.__dict__, "test_texts": ["an unseenword film"] * len(texts.test_texts)})
    encoded = encode_texts(texts, num_words=100)
    vocabulary = encoded.vocabulary
    assert vocabulary.tokens[:2] == ("", "[UNK]") and "unseenword" not in vocabulary.tokens
    assert encoded.test_ids[0][1] == vocabulary.oov_id == 1  # a word seen only in test is unknown
    assert vocabulary.decode(encoded.test_ids[0]) == "[UNK] [UNK] film"
    again = Vocabulary.from_dict(json.loads(json.dumps(vocabulary.to_dict())))
    assert again == vocabulary
    assert again.encode(["A GOOD film!"]) == vocabulary.encode(["a good film"])


def test_imdb_vocabulary_keeps_imdb_ids():
    vocabulary = Vocabulary.from_imdb_word_index({"the": 1, "movie": 2, "rare": 50}, num_words=10)
    assert vocabulary.tokens[4:6] == ("the", "movie") and len(vocabulary) == 10
    assert vocabulary.encode(["The movie, rare!"]) == [[1, 4, 5, 2]]  # start, the, movie, unknown


def tiny_imdb(folder):
    """Files in the format of Keras' imdb.npz and imdb_word_index.json (ragged object arrays)."""
    word_index = {"good": 1, "bad": 2, "film": 3, "plot": 4}

    def ragged(rows):
        array = np.empty(len(rows), dtype=object)
        array[:] = rows
        return array

    np.savez(
        folder / "imdb.npz",
        x_train=ragged([[1, 3], [2, 3, 4], [1, 1, 3]]),
        y_train=np.array([1, 0, 1]),
        x_test=ragged([[2, 4], [1]]),
        y_test=np.array([0, 1]),
    )
    (folder / "imdb_word_index.json").write_text(json.dumps(word_index))
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in ("imdb.npz", "imdb_word_index.json")}


def test_imdb_download_from_a_local_file_url(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    hashes = tiny_imdb(served)
    encoded = imdb_sequences(
        num_words=6,
        origin=served.as_uri() + "/",
        file_hash=hashes["imdb.npz"],
        word_index_hash=hashes["imdb_word_index.json"],
        cache_dir=tmp_path / "cache",
    )
    assert (tmp_path / "cache" / "datasets" / "imdb.npz").is_file()  # cached for next time
    # start id 1, word of rank r -> r + 3, ranks with r + 3 >= num_words -> unknown id 2 (as Keras numbers them)
    assert sorted(map(tuple, encoded.train_ids)) == sorted([(1, 4, 2), (1, 5, 2, 2), (1, 4, 4, 2)])
    assert sorted(encoded.test_texts) == ["bad [UNK]", "good"]
    assert sorted(encoded.train_labels.tolist()) == [0, 1, 1]
    assert encoded.vocabulary.start_id == 1 and encoded.vocabulary.oov_id == 2


def test_imdb_without_network_is_one_clear_error(tmp_path):
    with pytest.raises(DataError) as failure:
        imdb_sequences(origin="http://127.0.0.1:9/", cache_dir=tmp_path)
    message = str(failure.value)
    assert message.startswith("IMDB: download of imdb.npz failed")
    assert "--set data=path/to/aclImdb" in message and "\n" not in message


def test_imdb_file_with_the_wrong_checksum_is_refused(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    tiny_imdb(served)
    with pytest.raises(DataError, match="IMDB: download of imdb.npz failed"):
        imdb_sequences(origin=served.as_uri(), file_hash="0" * 64, cache_dir=tmp_path / "cache")


def test_pad_sides_and_check_texts():
    assert pad([[1, 2, 3]], 5, "pre").tolist() == [[0, 0, 1, 2, 3]]
    assert pad([[1, 2, 3]], 5, "post").tolist() == [[1, 2, 3, 0, 0]]
    assert pad([[1, 2, 3, 4, 5, 6]], 4, "post").tolist() == [[3, 4, 5, 6]]  # long texts keep their end
    assert check_texts("one text") == ["one text"]
    for bad, message in [([], "at least one text"), (["ok", ""], "text 1 is empty"), (["ok", 3], "text 1 is a int")]:
        with pytest.raises(DataError, match=message):
            check_texts(bad)
