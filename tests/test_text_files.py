"""Labelled text in the files people have: TSV without a header, a file's own split, class folders."""

from __future__ import annotations

import csv

import pytest

from rnn_cookbook.core.delimited import separator_of
from rnn_cookbook.text.labelled import load_texts, pang_lee_fold
from rnn_cookbook.core.reading import table_column, unlabeled_texts
from rnn_cookbook.core.errors import DataError
from synthetic_text import synthetic_reviews

REVIEWS = synthetic_reviews(60)  # SYNTHETIC


def write_tsv(path, rows):
    path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows), encoding="utf-8")
    return path


def test_uci_style_tsv_without_header_reads_by_position(tmp_path):
    # UCI's "sentence<TAB>label" files: no header, and quotes inside sentences are plain text.
    rows = [(f'{text} "really"', label) for text, label in REVIEWS]
    path = write_tsv(tmp_path / "amazon_cells_labelled.txt", rows)
    texts = load_texts(str(path), sep="tab", header=False, test_fraction=0.25)
    assert len(texts.train_texts) + len(texts.test_texts) == 60 and len(texts.test_texts) == 15
    assert texts.class_names == ("0", "1")
    assert all(t.endswith('"really"') for t in texts.train_texts)
    by_text = dict(rows)
    assert all(str(by_text[t]) == texts.class_names[y] for t, y in zip(texts.train_texts, texts.train_labels, strict=True))
    # Columns may also be named by position, in any order.
    swapped = write_tsv(tmp_path / "swapped.tsv", [(label, text) for text, label in REVIEWS])
    again = load_texts(str(swapped), header=False, text_column="1", label_column="0")  # .tsv: tab by default
    assert sorted(again.train_texts + again.test_texts) == sorted(t for t, _ in REVIEWS)


def test_a_ragged_line_is_reported_by_its_line_number(tmp_path):
    lines = [f"{text}\t{label}" for text, label in REVIEWS]
    lines.insert(7, "")  # blank lines are skipped, yet still counted
    lines[11] = lines[11] + "\textra"
    path = tmp_path / "ragged.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"ragged.tsv, line 12: 3 fields where line 1 has 2"):
        load_texts(str(path), header=False)


@pytest.mark.parametrize("value", ["body", "3", "9"])
def test_headerless_columns_must_be_positions(tmp_path, value):
    path = write_tsv(tmp_path / "r.tsv", REVIEWS)
    with pytest.raises(DataError, match="text_column"):
        load_texts(str(path), header=False, text_column=value)


def write_split_csv(path, splits):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "part"])
        for (text, label), split in zip(REVIEWS, splits, strict=False):
            writer.writerow([text, "pos" if label else "neg", split])
    return path


def test_a_split_column_is_used_as_given(tmp_path):
    splits = ["train", "valid", "test"] * 20
    path = write_split_csv(tmp_path / "split.csv", splits)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # saved by a spreadsheet: a byte-order mark first
    texts = load_texts(str(path), split_column="part")
    assert texts.train_texts == [t for (t, _), s in zip(REVIEWS, splits, strict=True) if s == "train"]
    assert texts.validation_texts == [t for (t, _), s in zip(REVIEWS, splits, strict=True) if s == "valid"]
    assert texts.test_texts == [t for (t, _), s in zip(REVIEWS, splits, strict=True) if s == "test"]
    assert texts.class_names == ("neg", "pos")
    assert list(texts.test_labels) == [label for (_, label), s in zip(REVIEWS, splits, strict=True) if s == "test"]


def test_an_is_valid_column_makes_its_rows_the_test_set(tmp_path):
    # fast.ai's IMDB sample: is_valid True/False and no test rows. The held-out rows are scored;
    # early stopping validates on part of the training rows instead.
    flags = [i % 4 == 0 for i in range(60)]
    path = write_split_csv(tmp_path / "texts.csv", flags)
    texts = load_texts(str(path), split_column="part")
    assert texts.test_texts == [t for (t, _), f in zip(REVIEWS, flags, strict=True) if f]
    assert texts.validation_texts is None and len(texts.train_texts) == 45
    assert any("validation rows are the test set" in note for note in texts.notes)


def test_unknown_split_values_are_named_with_their_line(tmp_path):
    path = write_split_csv(tmp_path / "bad.csv", ["train"] * 5 + ["holdout"] + ["test"] * 54)
    with pytest.raises(DataError, match=r"split value 'holdout' \(line 7\) is none of train, valid, test"):
        load_texts(str(path), split_column="part")
    with pytest.raises(DataError, match="no column 'fold'"):
        load_texts(str(path), split_column="fold")


def test_a_label_column_with_one_class_is_refused(tmp_path):
    path = write_tsv(tmp_path / "one.tsv", [(text, "pos") for text, _ in REVIEWS])
    with pytest.raises(DataError, match="only one class"):
        load_texts(str(path), header=False)
    split = write_split_csv(tmp_path / "one.csv", ["train"] * 60)
    split.write_text(split.read_text().replace(",neg,", ",pos,"))
    with pytest.raises(DataError, match="only one class"):
        load_texts(str(split), split_column="part")


def write_class_folders(root, per_class=6):
    for label, name in ((0, "neg"), (1, "pos")):
        (root / name).mkdir(parents=True)
        for i, (text, _) in enumerate([r for r in REVIEWS if r[1] == label][:per_class]):
            (root / name / f"cv{i * 100 + 3:03d}_{i}.txt").write_text(text, encoding="utf-8")
    return root


def test_class_folders_are_read_with_scikit_learns_loader(tmp_path):
    root = write_class_folders(tmp_path / "txt_sentoken")
    texts = load_texts(str(root), test_fraction=0.5)
    assert texts.class_names == ("neg", "pos") and len(texts.train_texts) == len(texts.test_texts) == 6
    positive = {t for t, label in REVIEWS if label}
    assert all((t in positive) == bool(y) for t, y in zip(texts.train_texts, texts.train_labels, strict=True))


def test_an_empty_class_folder_is_an_error(tmp_path):
    root = write_class_folders(tmp_path / "classes")
    (root / "neutral").mkdir()
    with pytest.raises(DataError, match=r"class folder .*neutral is empty"):
        load_texts(str(root))


def test_pang_and_lee_folds_come_from_the_file_names():
    assert [pang_lee_fold(f"pos/cv{n:03d}_29590.txt") for n in (0, 99, 100, 555, 999)] == [0, 0, 1, 5, 9]
    with pytest.raises(DataError, match="not named like a review-polarity file"):
        pang_lee_fold("review_12.txt")


def test_separator_names_and_detection(tmp_path):
    assert [separator_of("x.csv", s) for s in ("tab", "\\t", "comma", ";", "pipe")] == ["\t", "\t", ",", ";", "|"]
    with pytest.raises(DataError, match="sep must be one character"):
        separator_of("x.csv", "tabs")
    semicolons = tmp_path / "s.csv"
    semicolons.write_text("text;label\ngood film;1\nbad film;0\n")
    assert separator_of(semicolons) == ";" and table_column(semicolons, "label") == ["1", "0"]


def test_unlabeled_texts_from_a_file_a_folder_or_a_csv(tmp_path):
    (tmp_path / "notes.txt").write_text("first text\n\n  second text \n")
    assert unlabeled_texts(tmp_path / "notes.txt") == ["first text", "second text"]
    folder = tmp_path / "folder"
    (folder / "deeper").mkdir(parents=True)
    (folder / "a.txt").write_text("one\ntwo\n")
    (folder / "deeper" / "b.txt").write_text("three\n")
    assert unlabeled_texts(folder) == ["one", "two", "three"]
    with open(tmp_path / "more.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([["id", "body"], [1, "a long, quoted review"], [2, "another"]])
    assert unlabeled_texts(tmp_path / "more.csv", text_column="body") == ["a long, quoted review", "another"]
    with pytest.raises(DataError, match="no such file or folder"):
        unlabeled_texts(tmp_path / "missing")
