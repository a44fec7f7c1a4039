"""Text for the text recipes: labelled text for classification, and corpora for generation.

Labelled text for classification: IMDB, local corpora in their usual layouts, and the seed's toy set.

Sources (`load_texts(source, ...)`):

    "imdb"                 Keras' IMDB (25,000 + 25,000 reviews as word ids), downloaded once into the
                           Keras cache with its checksum: see `imdb_sequences`
    "toy"                  seed 000's four sentences: a named toy set that only shows the pipeline runs
    path/to/aclImdb        the original archive's layout: train|test / pos|neg / *.txt
    path/to/reviews.csv    a delimited file (CSV, TSV, any `sep`) with a text column and a label
                           column, with or without a header line, optionally a split column
                           (`from_table`)
    path/to/folder         class folders with one text file per example (`pos/*.txt`; scikit-learn's
                           `load_files` layout), or one text file per class with one example per
                           line (e.g. rt-polarity.pos/.neg)
    [(text, label), ...]   a Python list of pairs

Sources without their own test split are split once, stratified, with a fixed seed; a split
column is used as given. Raw text
becomes word ids through `keras.layers.TextVectorization`, adapted on the training split only
(`encode_texts`); the resulting `Vocabulary` is saved as JSON beside the model, so a reloaded model
turns new text into the same ids.

Corpora for generation (`load_corpus(source, ...)`): one long text, split by position (the last
10% validates), with its characters (`CharVocabulary`) or words (`Vocabulary`) as tokens:

    "shakespeare"          Shakespeare's plays (1.1 MB), the corpus of TensorFlow's text-generation
                           tutorial, downloaded once into the Keras cache with its checksum
    "fox"                  seed 000's one sentence, a named toy
    path/to/file.txt       any UTF-8 text file
    path/to/folder         every *.txt file under it, in name order, joined by blank lines
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.data.delimited import separator_of
from rnn_cookbook.data.download import download
from rnn_cookbook.errors import DataError

KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IMDB_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
IMDB_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"
SHAKESPEARE_URL = "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt"
SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"  # 1,115,394 bytes
FOX_SENTENCE = "The quick brown fox jumps over the lazy dog."  # seed 000's text-generation demo
TOY_SENTENCES = (  # seed 000's sentiment example, labels as the seed gives them
    ("I love this movie.", 1),
    ("This is a terrible movie.", 0),
    ("It's just okay.", 0),
    ("This is great!", 1),
)
STANDARDIZE = "lower_and_strip_punctuation"
KERAS_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # what that standardisation strips
VOCABULARY_FILE = "vocabulary.json"  # beside model.keras in a text run's folder


@dataclasses.dataclass(frozen=True)
class LabelledTexts:
    """Raw texts with integer labels, split into train and test; labels index `class_names`."""

    name: str
    train_texts: list[str]
    train_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    synthetic: bool = False
    notes: tuple[str, ...] = ()
    validation_texts: list[str] | None = None  # a validation split the source gives (else cut from train)
    validation_labels: np.ndarray | None = None

    @property
    def label(self) -> str:
        return f"{self.name} (toy)" if self.synthetic else self.name


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


# --- sources -----------------------------------------------------------------------------------
def load_texts(
    source: str | Sequence[tuple[str, Any]], *, test_fraction: float = 0.2, seed: int = 0, **table: Any
) -> LabelledTexts:
    """Raw labelled text from any source but Keras' integer IMDB (see the module docstring).

    `table` holds how to read a delimited file (`from_table`'s `text_column`, `label_column`,
    `sep`, `header`, `split_column`); other sources ignore it.
    """
    if not isinstance(source, str):
        return from_pairs(source, test_fraction=test_fraction, seed=seed)
    if source == "toy":
        return toy_sentences()
    path = Path(source)
    if path.is_dir() and (path / "train").is_dir() and (path / "test").is_dir():
        return acl_imdb(path)
    if path.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in path.iterdir()):
        return from_class_folders(path, test_fraction=test_fraction, seed=seed)
    if path.is_dir():
        return from_class_files(path, test_fraction=test_fraction, seed=seed)
    if path.is_file():
        return from_table(path, test_fraction=test_fraction, seed=seed, **table)
    raise DataError(
        f"no text data at {source!r}: use 'imdb', 'toy', an aclImdb folder, a CSV or TSV file, "
        "a folder of class folders, or a folder with one text file per class"
    )


def toy_sentences() -> LabelledTexts:
    """Seed 000's four sentences. Training and test are the same four: a toy, not a benchmark."""
    texts = [text for text, _ in TOY_SENTENCES]
    labels = np.array([label for _, label in TOY_SENTENCES])
    return LabelledTexts(
        name="seed000_sentences",
        train_texts=texts,
        train_labels=labels,
        test_texts=list(texts),
        test_labels=labels.copy(),
        class_names=("negative", "positive"),
        synthetic=True,
        notes=("toy: seed 000's 4 sentences; the test set is the training set, so accuracy means nothing",),
    )


def from_pairs(
    pairs: Sequence[tuple[str, Any]], *, name: str = "texts", test_fraction: float = 0.2, seed: int = 0
) -> LabelledTexts:
    """A list of (text, label) pairs, split stratified into train and test."""
    pairs = list(pairs)
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], str)):
            raise DataError(f"item {i} is not a (text, label) pair with a string text: {pair!r:.60}")
    return _split(name, [p[0] for p in pairs], [p[1] for p in pairs], test_fraction, seed)


def acl_imdb(path: str | Path) -> LabelledTexts:
    """The original IMDB archive unpacked: `train|test / pos|neg / *.txt` (its own 50/50 split)."""
    path = Path(path)
    splits = {}
    for split in ("train", "test"):
        texts, labels = [], []
        for label, polarity in enumerate(("neg", "pos")):
            folder = path / split / polarity
            if not folder.is_dir():
                raise DataError(f"{path} is not an aclImdb folder: {folder} is missing")
            for file in sorted(folder.glob("*.txt")):
                texts.append(read_text_file(file).replace("<br />", " "))
                labels.append(label)
        if not texts:
            raise DataError(f"{path / split} holds no *.txt reviews")
        splits[split] = (texts, np.array(labels))
    return LabelledTexts(
        name=path.name,
        train_texts=splits["train"][0],
        train_labels=splits["train"][1],
        test_texts=splits["test"][0],
        test_labels=splits["test"][1],
        class_names=("neg", "pos"),
    )


SPLIT_NAMES = {
    "train": "train", "training": "train",
    "valid": "validation", "validation": "validation", "val": "validation", "dev": "validation",
    "test": "test", "testing": "test",
}
VALIDATION_FLAGS = {"true": "validation", "1": "validation", "yes": "validation", "false": "train", "0": "train", "no": "train"}


def from_table(
    path: str | Path,
    *,
    text_column: str | int = "text",
    label_column: str | int = "label",
    sep: str | None = None,
    header: bool = True,
    split_column: str | int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> LabelledTexts:
    """A delimited file (CSV, TSV, ...) with one example per row.

    - `sep`: the separator, a character or a name (`tab`); by default read off the file.
      Tab-separated files are read without quoting, as TSV defines it, so a text may hold `"`.
    - `header=False`: the file has no header line (UCI's "sentence<TAB>label" files); columns are
      then positions from 0, and the defaults are the first column for the text and the last for
      the label.
    - `split_column`: a column that says where each row belongs, used as given instead of a
      random split: `train`/`valid`/`test` (also `training`, `validation`, `val`, `dev`,
      `testing`), or `True`/`False` for "is validation" (fast.ai's `is_valid`). When the file
      gives no test rows, its validation rows are the test set and early stopping validates on a
      stratified part of the training rows, so the held-out rows never steer training.

    A row with another number of fields than the first is an error naming its line.
    """
    path = Path(path)
    rows, line_numbers = _read_rows(path, sep)
    if header:
        names, rows, line_numbers = [c.strip() for c in rows[0]], rows[1:], line_numbers[1:]
    else:
        names = [str(i) for i in range(len(rows[0]))]
        text_column = 0 if text_column == "text" else text_column
        label_column = len(names) - 1 if label_column == "label" else label_column
    if not rows:
        raise DataError(f"{path} has a header but no rows")
    text_at, label_at = (_column(path, names, c, role, header) for c, role in ((text_column, "text_column"), (label_column, "label_column")))
    texts = [row[text_at] for row in rows]
    labels = [row[label_at].strip() for row in rows]
    for text, line in zip(texts, line_numbers, strict=True):
        if not text.strip():
            raise DataError(f"{path}, line {line}: the text is empty")
    if split_column is None:
        return _split(path.name, texts, labels, test_fraction, seed)
    split_at = _column(path, names, split_column, "split_column", header)
    return _given_split(path.name, texts, labels, [row[split_at] for row in rows], line_numbers, test_fraction, seed)


def table_column(path: str | Path, column: str | int, *, sep: str | None = None, header: bool = True) -> list[str]:
    """One column of a delimited file, as strings (the texts of an unlabelled CSV, say)."""
    path = Path(path)
    rows, _ = _read_rows(path, sep, min_columns=1)
    names = [c.strip() for c in rows[0]] if header else [str(i) for i in range(len(rows[0]))]
    at = _column(path, names, column, "text_column", header)
    return [row[at] for row in (rows[1:] if header else rows)]


def _read_rows(path: Path, sep: str | None, *, min_columns: int = 2) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows of a delimited file and their line numbers; ragged rows are errors."""
    import csv

    separator = separator_of(path, sep)
    quoting = csv.QUOTE_NONE if separator == "\t" else csv.QUOTE_MINIMAL
    rows, line_numbers = [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig: a spreadsheet's byte-order mark is not a column name
            reader = csv.reader(handle, delimiter=separator, quoting=quoting)
            start = 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(row)
                    line_numbers.append(start)
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start}); convert it, e.g. with iconv") from None
    except csv.Error as exc:
        raise DataError(f"cannot read {path} (separator {separator!r}), line {start}: {exc}") from None
    if not rows:
        raise DataError(f"{path} holds no rows")
    width = len(rows[0])
    for row, line in zip(rows, line_numbers, strict=True):
        if len(row) != width:
            raise DataError(
                f"{path}, line {line}: {len(row)} fields where line {line_numbers[0]} has {width} "
                f"(separator {separator!r}; a separator inside a text must be quoted, or set sep)"
            )
    if width < min_columns:
        raise DataError(f"{path} has one column with separator {separator!r}: set sep (e.g. sep=tab)")
    return rows, line_numbers


def _column(path: Path, names: list[str], column: str | int, role: str, header: bool) -> int:
    """The position of `column` (a name, or with `header=False` a position from 0)."""
    if not header:
        try:
            position = int(column)
        except (TypeError, ValueError):
            raise DataError(f"{path} has no header (header=none): give {role} as a position from 0, got {column!r}") from None
        if not 0 <= position < len(names):
            raise DataError(f"{role}={position} but {path} has {len(names)} columns (positions 0-{len(names) - 1})")
        return position
    if str(column) not in names:
        raise DataError(f"{path} has no column {str(column)!r} (columns: {', '.join(names)}); set {role}, or header=none")
    return names.index(str(column))


def _given_split(
    name: str, texts: list[str], labels: list[str], splits: list[str], line_numbers: list[int], test_fraction: float, seed: int
) -> LabelledTexts:
    """Rows placed by a split column; without test rows, the validation rows are the test set."""
    values = [value.strip().lower() for value in splits]
    flags = set(values) <= set(VALIDATION_FLAGS)
    known = VALIDATION_FLAGS if flags else SPLIT_NAMES
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        first = line_numbers[values.index(unknown[0])]
        raise DataError(
            f"{name}: split value {unknown[0]!r} (line {first}) is none of train, valid, test "
            "(or True/False for validation rows)"
        )
    parts = [known[v] for v in values]
    class_names, numbers = _class_numbers(name, labels)
    rows = {part: [i for i, p in enumerate(parts) if p == part] for part in ("train", "validation", "test")}
    if not rows["train"]:
        raise DataError(f"{name}: the split column marks no training rows")
    notes = [f"{name}: the file's own split, " + ", ".join(f"{len(r)} {p}" for p, r in rows.items() if r)]
    if not rows["test"]:
        rows["test"], rows["validation"] = rows["validation"], []
        notes.append(f"{name}: no test rows, so its {len(rows['test'])} validation rows are the test set; validation comes from the training rows")
    if not rows["test"]:
        raise DataError(f"{name}: the split column marks only training rows; mark validation or test rows too")

    def part(p: str) -> tuple[list[str], np.ndarray]:
        return [texts[i] for i in rows[p]], numbers[rows[p]]

    validation = part("validation") if rows["validation"] else (None, None)
    return LabelledTexts(
        name=name,
        train_texts=part("train")[0],
        train_labels=part("train")[1],
        test_texts=part("test")[0],
        test_labels=part("test")[1],
        class_names=class_names,
        notes=tuple(notes),
        validation_texts=validation[0],
        validation_labels=validation[1],
    )


def from_class_folders(path: str | Path, *, test_fraction: float = 0.2, seed: int = 0) -> LabelledTexts:
    """A folder of class folders, one text file per example (`pos/cv000_29590.txt`, `neg/...`).

    The layout of scikit-learn's `load_files`, which reads it; the class names are the folder
    names. Split stratified into train and test like any source without its own split.
    """
    texts, labels, _ = class_folders(path)
    return _split(Path(path).name, texts, labels, test_fraction, seed)


def class_folders(path: str | Path) -> tuple[list[str], list[str], list[str]]:
    """Texts, class names and file names of a folder of class folders (scikit-learn's `load_files`)."""
    from sklearn.datasets import load_files

    path = Path(path)
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not any(f.is_file() for f in folder.iterdir()):
            raise DataError(f"class folder {folder} is empty: every class needs at least one text file")
    try:
        bunch = load_files(str(path), encoding="utf-8", decode_error="strict", shuffle=False)
    except UnicodeDecodeError as exc:
        raise DataError(f"a file under {path} is not UTF-8 text (byte {exc.start}); convert it, e.g. with iconv") from None
    labels = [bunch.target_names[t] for t in bunch.target]
    return list(bunch.data), labels, [str(f) for f in bunch.filenames]


def unlabeled_texts(source: str | Path, *, text_column: str = "text", sep: str | None = None) -> list[str]:
    """Texts without labels for the language model: a text file (one text per non-blank line), a
    folder of text files (each file's lines, every file under it in name order), or a CSV/TSV
    file's `text_column`."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        texts = [line for file in files for line in read_text_file(file).splitlines()]
    elif path.is_file() and path.suffix.lower() in (".csv", ".tsv"):
        texts = table_column(path, text_column, sep=sep)
    elif path.is_file():
        texts = read_text_file(path).splitlines()
    else:
        raise DataError(f"unlabeled={source!r}: no such file or folder (give a text file, a folder of them, or a CSV)")
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        raise DataError(f"unlabeled={source!r} holds no text")
    return texts


def pang_lee_fold(filename: str | Path) -> int:
    """The cross-validation fold (0-9) of a review-polarity file: `cv000`-`cv099` are fold 0, and so on.

    Pang & Lee (2004) name each review by its fold, so that papers compare on the same ten folds.
    """
    match = re.match(r"cv(\d{3})", Path(filename).name)
    if not match:
        raise DataError(f"{filename} is not named like a review-polarity file (cv000_12345.txt)")
    return int(match.group(1)) // 100


def from_class_files(path: str | Path, *, test_fraction: float = 0.2, seed: int = 0) -> LabelledTexts:
    """A folder with one file per class and one example per line.

    The class name is the file's suffix when all files share a stem (`rt-polarity.pos`,
    `rt-polarity.neg` give `neg`, `pos`), otherwise the file's stem.
    """
    path = Path(path)
    files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith("."))
    if len(files) < 2:
        raise DataError(f"{path} needs one text file per class (at least two), found {len(files)}")
    stems = {f.stem for f in files}
    names = [f.suffix.lstrip(".") if len(stems) == 1 else f.stem for f in files]
    texts, labels = [], []
    for file, name in zip(files, names, strict=True):
        lines = [line.strip() for line in read_text_file(file).splitlines()]
        lines = [line for line in lines if line]
        texts += lines
        labels += [name] * len(lines)
    return _split(path.name, texts, labels, test_fraction, seed)


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


def encode_texts(texts: LabelledTexts, num_words: int) -> EncodedTexts:
    """Adapt a vocabulary of `num_words` on the training texts only, then encode both splits."""
    vocabulary = Vocabulary.adapt(texts.train_texts, max_tokens=num_words)
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
        notes=texts.notes,
        validation_ids=None if texts.validation_texts is None else vocabulary.encode(texts.validation_texts),
        validation_labels=texts.validation_labels,
        validation_texts=texts.validation_texts,
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


# --- corpora for generation --------------------------------------------------------------------
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
) -> Corpus:
    """A text to learn to generate (see the module docstring for `source`).

    The split is by position, not at random: the validation text is the last part of the corpus,
    which the model never reads while training (random windows would leak neighbouring text).
    A corpus too short to split (seed 000's sentence) validates on its training text, and says so.
    """
    if source == "fox":
        return Corpus(
            name="seed000_fox", text=FOX_SENTENCE, validation_start=len(FOX_SENTENCE), synthetic=True,
            notes=("toy: seed 000's one sentence; it validates on its training text, so its loss says nothing",),
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
            text = "\n\n".join(read_text_file(p) for p in files)
        elif path.is_file():
            text = read_text_file(path)
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
        notes=(f"{name}: {len(text):,} characters; the last {len(text) - validation_start:,} validate",),
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

# --- helpers -----------------------------------------------------------------------------------
def _class_numbers(name: str, labels: Sequence[Any]) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted class names and each label's number; one class is an error."""
    class_names = tuple(sorted({str(label) for label in labels}))
    if len(class_names) < 2:
        raise DataError(f"{name}: the labels hold only one class ({class_names[0]!r}); a classifier needs at least two")
    return class_names, np.array([class_names.index(str(label)) for label in labels])


def _split(name: str, texts: list[str], labels: list[Any], test_fraction: float, seed: int) -> LabelledTexts:
    """Number the labels (sorted class names) and split stratified into train and test."""
    from sklearn.model_selection import train_test_split

    texts = list(texts)
    if not texts:
        raise DataError(f"{name} holds no examples")
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        raise DataError(f"{name}: example {empty[0]} has empty text")
    class_names, numbers = _class_numbers(name, labels)
    counts = np.bincount(numbers)
    if counts.min() < 2:
        raise DataError(f"{name}: class {class_names[int(counts.argmin())]!r} has fewer than 2 examples to split")
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, numbers, test_size=test_fraction, random_state=seed, stratify=numbers
    )
    return LabelledTexts(
        name=name,
        train_texts=list(train_texts),
        train_labels=np.asarray(train_labels),
        test_texts=list(test_texts),
        test_labels=np.asarray(test_labels),
        class_names=class_names,
        notes=(f"{name}: stratified split, {len(train_texts)} training and {len(test_texts)} test examples",),
    )


def read_text_file(path: Path) -> str:
    """The whole of a UTF-8 text file; any other encoding is a `DataError` that says how to convert it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start}); convert it, e.g. with iconv") from None


def _shuffled(x: np.ndarray, y: np.ndarray, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    order = np.arange(len(x))
    rng.shuffle(order)
    return x[order], y[order]
