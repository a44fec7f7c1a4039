"""Labelled text for the classifiers, by the shape of the files people have.

Sources (`load_texts(source, ...)`):

    "toy"                  the rnn-practice tutorial's four sentences: a named toy set that only shows the pipeline runs
    path/to/aclImdb        the original archive's layout: train|test / pos|neg / *.txt, unpacked or as
                           the `.tar.gz` it is distributed in
    path/to/reviews.csv    a delimited file (CSV, TSV, any `sep`) with a text column and a label
                           column, with or without a header line, optionally a split column
                           (`from_table`)
    path/to/file.txt       lines `LABEL text` (`from_labelled_lines`): TREC's `DESC:manner How ...`
                           and fastText's `__label__pos text`
    path/to/folder         class folders with one text file per example (`pos/*.txt`; scikit-learn's
                           `load_files` layout), or one text file per class with one example per
                           line (e.g. rt-polarity.pos/.neg)
    [(text, label), ...]   a Python list of pairs

(Keras' integer-coded IMDB is `keras_imdb.imdb_sequences`.) Sources without their own test split
are split once, stratified, with a fixed seed; a split column is used as given. Any number of
classes: the class names are the sorted label values.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rnn_cookbook.core.reading import EncodingLog, archive_members, column_position, decode, is_archive, read_rows, read_text_file
from rnn_cookbook.core.errors import DataError

TOY_SENTENCES = (  # the rnn-practice tutorial's sentiment example, labels as the tutorial gives them
    ("I love this movie.", 1),
    ("This is a terrible movie.", 0),
    ("It's just okay.", 0),
    ("This is great!", 1),
)


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
    cleaning: tuple[str, ...] = ()  # the CLEANING steps the loader applied to every text

    @property
    def label(self) -> str:
        return f"{self.name} (toy)" if self.synthetic else self.name


@dataclasses.dataclass(frozen=True)
class Examples:
    """What a labelled source holds before any split: texts, their labels, and a split if it gives one.

    `splits[i]` is the source's own word for where example i belongs (`train`, `valid`, `test`,
    `True`/`False`, ...), or `splits` is None when the source gives no split. `places[i]` says
    where example i came from (a line, a file), for errors.
    """

    name: str
    texts: list[str]
    labels: list[str]
    splits: list[str] | None = None
    places: list[str] | None = None
    notes: tuple[str, ...] = ()
    cleaning: tuple[str, ...] = ()  # the CLEANING steps applied to every text


#: What a loader may do to raw text before anything reads it, by name. A run keeps the names of the
#: steps its loader applied (`vocabulary.json`'s `cleaning`), and `predict_texts` applies the same
#: steps to new text, so a model is never asked about text in a form it was not trained and tested on.
CLEANING = {
    "html_line_breaks": lambda text: text.replace("<br />", " "),  # aclImdb's reviews keep their HTML breaks
}


def clean(texts: Sequence[str], steps: Sequence[str]) -> list[str]:
    """`texts` after the named `CLEANING` steps, in order; an unknown step is an error naming the known ones."""
    unknown = [step for step in steps if step not in CLEANING]
    if unknown:
        raise DataError(f"unknown text cleaning step {unknown[0]!r}; known: {', '.join(CLEANING)}")
    texts = list(texts)
    for step in steps:
        texts = [CLEANING[step](text) for text in texts]
    return texts


def load_texts(
    source: str | Sequence[tuple[str, Any]],
    *,
    test_source: str | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    encoding: str | None = None,
    label_level: str = "coarse",
    **table: Any,
) -> LabelledTexts:
    """Raw labelled text from any source but Keras' integer IMDB (see the module docstring).

    `test_source` is a second file or folder of the same kind whose examples are the test set
    (TREC's `TREC_10.label` beside `train_5500.label`, a `test.csv` beside a `train.csv`).
    `encoding` is the files' encoding (detected when None, and said in a note when not UTF-8);
    `label_level` reads `COARSE:fine` labels of `LABEL text` lines as `coarse` or `fine` classes.
    `table` holds how to read a delimited file (`from_table`'s `text_column`, `label_column`,
    `sep`, `header`, `split_column`); other sources ignore it.
    """
    if not isinstance(source, str):
        return from_pairs(source, test_fraction=test_fraction, seed=seed)
    if source == "toy":
        return toy_sentences()
    examples = read_examples(source, encoding=encoding, label_level=label_level, **table)
    if test_source is not None:
        if examples.splits is not None and any(_split_part(v) == "test" for v in examples.splits):
            raise DataError(f"{examples.name} has test rows of its own; leave test_data out, or drop its test rows")
        test = read_examples(test_source, encoding=encoding, label_level=label_level, **table)
        examples = Examples(
            name=examples.name,
            texts=examples.texts + test.texts,
            labels=examples.labels + test.labels,
            splits=(examples.splits or ["train"] * len(examples.texts)) + ["test"] * len(test.texts),
            places=(examples.places or [""] * len(examples.texts)) + [f"{test.name}, {p}" for p in (test.places or [""] * len(test.texts))],
            notes=examples.notes + test.notes + (f"test set: the {len(test.texts):,} examples of {test.name}",),
            cleaning=examples.cleaning,
        )
    texts = _split(examples, test_fraction, seed) if examples.splits is None else _given_split(examples)
    return dataclasses.replace(texts, cleaning=examples.cleaning)


def read_examples(source: str, *, encoding: str | None = None, label_level: str = "coarse", **table: Any) -> Examples:
    """The labelled examples at `source`, by the shape of what is there (no split made yet)."""
    path = Path(source)
    if is_archive(path) or (path.is_dir() and (path / "train").is_dir() and (path / "test").is_dir()):
        return acl_imdb_examples(path, encoding=encoding)
    if path.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in path.iterdir()):
        return class_folder_examples(path, encoding=encoding)
    if path.is_dir():
        return class_file_examples(path, encoding=encoding)
    if path.is_file():
        if path.suffix.lower() not in (".csv", ".tsv") and table.get("sep") is None:
            log = EncodingLog()
            text = read_text_file(path, encoding, log)
            if lines_style(text) is not None:
                return labelled_line_examples(path, text, label_level=label_level, notes=log.notes())
        return table_examples(path, encoding=encoding, **table)
    raise DataError(
        f"no text data at {source!r}: use 'imdb', 'toy', an aclImdb folder or archive, a CSV or TSV file, "
        "a file of `LABEL text` lines, a folder of class folders, or a folder with one text file per class"
    )


def toy_sentences() -> LabelledTexts:
    """The rnn-practice tutorial's four sentences. Training and test are the same four: a toy, not a benchmark."""
    texts = [text for text, _ in TOY_SENTENCES]
    labels = np.array([label for _, label in TOY_SENTENCES])
    return LabelledTexts(
        name="toy_sentences",
        train_texts=texts,
        train_labels=labels,
        test_texts=list(texts),
        test_labels=labels.copy(),
        class_names=("negative", "positive"),
        synthetic=True,
        notes=("toy: the rnn-practice tutorial's 4 sentences; the test set is the training set, so accuracy means nothing",),
    )


def from_pairs(
    pairs: Sequence[tuple[str, Any]], *, name: str = "texts", test_fraction: float = 0.2, seed: int = 0
) -> LabelledTexts:
    """A list of (text, label) pairs, split stratified into train and test."""
    pairs = list(pairs)
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], str)):
            raise DataError(f"item {i} is not a (text, label) pair with a string text: {pair!r:.60}")
    return _split(Examples(name, [p[0] for p in pairs], [str(p[1]) for p in pairs]), test_fraction, seed)


def acl_imdb_examples(path: Path, *, encoding: str | None = None) -> Examples:
    """The Large Movie Review Dataset: `train|test / pos|neg / <id>_<stars>.txt`, its own 50/50 split.

    Read from the unpacked folder or straight from the `.tar.gz` it is distributed in (members
    `aclImdb/train/pos/...`); the unlabelled `train/unsup` reviews are not examples. HTML line
    breaks (`<br />`) become spaces.
    """
    log = EncodingLog()
    found: list[tuple[str, str, str, str]] = []  # split, class, file, text
    if is_archive(path):
        members = archive_members(path, encoding, log)
    else:
        if not path.is_dir():
            raise DataError(f"no aclImdb folder or archive at {path}")
        members = (
            (str(file.relative_to(path)), read_text_file(file, encoding, log))
            for split in ("train", "test")
            for polarity in ("neg", "pos")
            for file in sorted((path / split / polarity).glob("*.txt"))
        )
    for name, text in members:
        parts = Path(name).parts
        if len(parts) >= 3 and parts[-3] in ("train", "test") and parts[-2] in ("neg", "pos") and name.endswith(".txt"):
            found.append((parts[-3], parts[-2], name, CLEANING["html_line_breaks"](text)))
    for split in ("train", "test"):
        for polarity in ("neg", "pos"):
            if not any(f[0] == split and f[1] == polarity for f in found):
                raise DataError(f"{path} is not an aclImdb folder or archive: it holds no {split}/{polarity}/*.txt reviews")
    found.sort(key=lambda f: (f[0] != "train", f[1], f[2]))  # train before test, then as the folder lists them
    return Examples(
        name=path.name.split(".")[0] if is_archive(path) else path.name,
        texts=[f[3] for f in found],
        labels=[f[1] for f in found],
        splits=[f[0] for f in found],
        places=[f[2] for f in found],
        notes=tuple(log.notes()),
        cleaning=("html_line_breaks",),
    )


def acl_imdb(path: str | Path, *, encoding: str | None = None) -> LabelledTexts:
    """The aclImdb reviews (folder or archive) with their own train and test split."""
    return _given_split(acl_imdb_examples(Path(path), encoding=encoding))


SPLIT_NAMES = {
    "train": "train", "training": "train",
    "valid": "validation", "validation": "validation", "val": "validation", "dev": "validation",
    "test": "test", "testing": "test",
}
VALIDATION_FLAGS = {"true": "validation", "1": "validation", "yes": "validation", "false": "train", "0": "train", "no": "train"}


def table_examples(
    path: str | Path,
    *,
    text_column: str | int = "text",
    label_column: str | int = "label",
    sep: str | None = None,
    header: bool = True,
    split_column: str | int | None = None,
    encoding: str | None = None,
) -> Examples:
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
    log = EncodingLog()
    rows, line_numbers = read_rows(path, sep, encoding=encoding, log=log)
    if header:
        names, rows, line_numbers = [c.strip() for c in rows[0]], rows[1:], line_numbers[1:]
    else:
        names = [str(i) for i in range(len(rows[0]))]
        text_column = 0 if text_column == "text" else text_column
        label_column = len(names) - 1 if label_column == "label" else label_column
    if not rows:
        raise DataError(f"{path} has a header but no rows")
    text_at, label_at = (column_position(path, names, c, role, header) for c, role in ((text_column, "text_column"), (label_column, "label_column")))
    texts = [row[text_at] for row in rows]
    for text, line in zip(texts, line_numbers, strict=True):
        if not text.strip():
            raise DataError(f"{path}, line {line}: the text is empty")
    splits = None
    if split_column is not None:
        split_at = column_position(path, names, split_column, "split_column", header)
        splits = [row[split_at] for row in rows]
    return Examples(
        name=path.name,
        texts=texts,
        labels=[row[label_at].strip() for row in rows],
        splits=splits,
        places=[f"line {n}" for n in line_numbers],
        notes=tuple(log.notes()),
    )


def from_table(path: str | Path, *, test_fraction: float = 0.2, seed: int = 0, **table: Any) -> LabelledTexts:
    """A delimited file's examples (`table_examples`), split as it says or stratified at random."""
    examples = table_examples(path, **table)
    return _split(examples, test_fraction, seed) if examples.splits is None else _given_split(examples)


FASTTEXT_LABEL = "__label__"
TREC_LINE = re.compile(r"^([^\s:,;|]+:[^\s,;|]+) +(\S.*)$")  # COARSE:fine question
FASTTEXT_LINE = re.compile(rf"^{FASTTEXT_LABEL}(\S+)\s+(\S.*)$")  # __label__x text


def lines_style(text: str) -> str | None:
    """`fasttext` or `trec` when every non-blank line is `LABEL text` of that style, else None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if all(FASTTEXT_LINE.match(line) for line in lines):
        return "fasttext"
    if all(TREC_LINE.match(line) for line in lines):
        return "trec"
    return None


def labelled_line_examples(path: Path, text: str, *, label_level: str = "coarse", notes: Sequence[str] = ()) -> Examples:
    """Lines `LABEL text`: TREC's `COARSE:fine question` or fastText's `__label__x text`.

    TREC-style labels are read at `label_level`: `coarse` (`DESC`) or `fine` (`DESC:manner`). A
    fastText line with several labels is an error naming it: these recipes give one class a text.
    """
    if label_level not in ("coarse", "fine"):
        raise DataError(f"label_level must be coarse or fine, got {label_level!r}")
    style = lines_style(text)
    if style is None:
        raise DataError(f"{path} is not a file of `LABEL text` lines (`COARSE:fine text` or `__label__x text`)")
    pattern = FASTTEXT_LINE if style == "fasttext" else TREC_LINE
    texts, labels, places = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, body = pattern.match(line.strip()).groups()
        if style == "fasttext" and body.startswith(FASTTEXT_LABEL):
            raise DataError(f"{path}, line {number}: more than one label; these recipes give a text one class")
        if style == "trec" and label_level == "coarse":
            label = label.split(":", 1)[0]
        texts.append(body)
        labels.append(label)
        places.append(f"line {number}")
    described = "fastText `__label__x text`" if style == "fasttext" else f"`COARSE:fine text` ({label_level} labels)"
    return Examples(
        name=path.name, texts=texts, labels=labels, places=places, notes=(*notes, f"{path.name}: lines read as {described}")
    )


def _split_part(value: str) -> str | None:
    """`train`, `validation` or `test` for a split column's value, None if it is none of those."""
    value = value.strip().lower()
    return SPLIT_NAMES.get(value)


def _given_split(examples: Examples) -> LabelledTexts:
    """Examples placed by the source's own split; without test rows, the validation rows are the test set."""
    name = examples.name
    values = [value.strip().lower() for value in examples.splits or []]
    flags = set(values) <= set(VALIDATION_FLAGS)
    known = VALIDATION_FLAGS if flags else SPLIT_NAMES
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        at = values.index(unknown[0])
        where = f" ({examples.places[at]})" if examples.places else ""
        raise DataError(
            f"{name}: split value {unknown[0]!r}{where} is none of train, valid, test (or True/False for validation rows)"
        )
    parts = [known[v] for v in values]
    class_names, numbers = _class_numbers(name, examples.labels)
    rows = {part: [i for i, p in enumerate(parts) if p == part] for part in ("train", "validation", "test")}
    if not rows["train"]:
        raise DataError(f"{name}: the split column marks no training rows")
    notes = [*examples.notes, f"{name}: the source's own split, " + ", ".join(f"{len(r):,} {p}" for p, r in rows.items() if r)]
    if not rows["test"]:
        rows["test"], rows["validation"] = rows["validation"], []
        notes.append(f"{name}: no test rows, so its {len(rows['test'])} validation rows are the test set; validation comes from the training rows")
    if not rows["test"]:
        raise DataError(f"{name}: the split column marks only training rows; mark validation or test rows too")

    def part(p: str) -> tuple[list[str], np.ndarray]:
        return [examples.texts[i] for i in rows[p]], numbers[rows[p]]

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


def class_folder_examples(path: str | Path, *, encoding: str | None = None) -> Examples:
    """A folder of class folders, one text file per example (`pos/cv000_29590.txt`, `neg/...`).

    The layout of scikit-learn's `load_files`, which reads it; the class names are the folder names.
    """
    texts, labels, files, notes = _read_class_folders(Path(path), encoding)
    return Examples(name=Path(path).name, texts=texts, labels=labels, places=files, notes=tuple(notes))


def class_folders(path: str | Path, *, encoding: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """Texts, class names and file names of a folder of class folders (scikit-learn's `load_files`)."""
    texts, labels, files, _ = _read_class_folders(Path(path), encoding)
    return texts, labels, files


def _read_class_folders(path: Path, encoding: str | None) -> tuple[list[str], list[str], list[str], list[str]]:
    from sklearn.datasets import load_files

    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not any(f.is_file() for f in folder.iterdir()):
            raise DataError(f"class folder {folder} is empty: every class needs at least one text file")
    bunch = load_files(str(path), encoding=None, shuffle=False)  # bytes: decoded below, each file on its own
    log = EncodingLog()
    texts = []
    for data, file in zip(bunch.data, bunch.filenames, strict=True):
        text, used = decode(data, str(file), encoding)
        log.add(str(file), used)
        texts.append(text)
    labels = [bunch.target_names[t] for t in bunch.target]
    return texts, labels, [str(f) for f in bunch.filenames], log.notes()


def pang_lee_fold(filename: str | Path) -> int:
    """The cross-validation fold (0-9) of a review-polarity file: `cv000`-`cv099` are fold 0, and so on.

    Pang & Lee (2004) name each review by its fold, so that papers compare on the same ten folds.
    """
    match = re.match(r"cv(\d{3})", Path(filename).name)
    if not match:
        raise DataError(f"{filename} is not named like a review-polarity file (cv000_12345.txt)")
    return int(match.group(1)) // 100


def class_file_examples(path: str | Path, *, encoding: str | None = None) -> Examples:
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
    log = EncodingLog()
    texts, labels, places = [], [], []
    for file, name in zip(files, names, strict=True):
        for number, line in enumerate(read_text_file(file, encoding, log).splitlines(), start=1):
            if line.strip():
                texts.append(line.strip())
                labels.append(name)
                places.append(f"{file.name}, line {number}")
    return Examples(name=path.name, texts=texts, labels=labels, places=places, notes=tuple(log.notes()))


def from_class_files(path: str | Path, *, test_fraction: float = 0.2, seed: int = 0, encoding: str | None = None) -> LabelledTexts:
    """A folder with one file per class, split stratified into train and test."""
    return _split(class_file_examples(path, encoding=encoding), test_fraction, seed)


def _class_numbers(name: str, labels: Sequence[Any]) -> tuple[tuple[str, ...], np.ndarray]:
    """Class names in order (numerically when every label is a number: 1-5 stars) and each label's number.

    One class is an error: there is nothing to classify.
    """
    names = {str(label).strip() for label in labels}
    try:
        class_names = tuple(sorted(names, key=float))
    except ValueError:
        class_names = tuple(sorted(names))
    if len(class_names) < 2:
        raise DataError(f"{name}: the labels hold only one class ({class_names[0]!r}); a classifier needs at least two")
    number = {c: i for i, c in enumerate(class_names)}
    return class_names, np.array([number[str(label).strip()] for label in labels])


def _split(examples: Examples, test_fraction: float, seed: int) -> LabelledTexts:
    """Number the labels and split stratified into train and test (the source gave no split)."""
    from sklearn.model_selection import train_test_split

    name, texts = examples.name, list(examples.texts)
    if not texts:
        raise DataError(f"{name} holds no examples")
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        where = examples.places[empty[0]] if examples.places else f"example {empty[0]}"
        raise DataError(f"{name}, {where}: the text is empty")
    class_names, numbers = _class_numbers(name, examples.labels)
    counts = np.bincount(numbers, minlength=len(class_names))
    if counts.min() < 2:
        raise DataError(
            f"{name}: class {class_names[int(counts.argmin())]!r} has {counts.min()} example(s), fewer than the 2 a "
            "stratified split needs; add examples of it or drop it"
        )
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
        notes=(*examples.notes, f"{name}: stratified split, {len(train_texts):,} training and {len(test_texts):,} test examples"),
    )
