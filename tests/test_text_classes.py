"""More than two classes, skewed classes, and the file shapes they come in (SYNTHETIC data only)."""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.core import scores
from rnn_cookbook.text.labelled import load_texts
from rnn_cookbook.core.reading import unlabeled_texts
from rnn_cookbook.core.errors import DataError
from synthetic_text import synthetic_questions, synthetic_reviews, write_csv, write_labelled_lines


@pytest.fixture(scope="module")
def questions(tmp_path_factory):
    """SYNTHETIC: TREC-shaped files, `COARSE:fine question` lines in Latin-1, a training and a test file."""
    folder = tmp_path_factory.mktemp("trec")
    pairs = synthetic_questions(720)
    train = write_labelled_lines(folder / "train_5500.label", pairs[:600], encoding="latin-1")
    test = write_labelled_lines(folder / "TREC_10.label", pairs[600:], encoding="latin-1")
    return train, test


@pytest.fixture(scope="module")
def six_class_run(questions, tmp_path_factory):
    from rnn_cookbook.recipes import sentiment_rnn

    train, test = questions
    cfg = sentiment_rnn.Config.quick().replace(
        data=str(train), test_data=str(test), cell="gru", epochs=12, maxlen=12, rnn_units=16, learning_rate=5e-3
    )
    return sentiment_rnn.train(cfg, output=tmp_path_factory.mktemp("six") / "run", verbose=0)


def test_labelled_lines_in_latin_1_read_at_either_level_with_a_note(questions):
    train, test = questions
    coarse = load_texts(str(train), test_source=str(test))
    assert coarse.class_names == ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
    assert len(coarse.train_texts) == 600 and len(coarse.test_texts) == 120
    assert any("caf\u00e9" in t for t in coarse.train_texts)  # decoded, not mangled
    assert any("lines are not UTF-8 and were read as cp1252" in note for note in coarse.notes)  # the others are ASCII
    assert any("COARSE:fine" in note and "coarse labels" in note for note in coarse.notes)
    fine = load_texts(str(train), test_source=str(test), label_level="fine")
    assert len(fine.class_names) == 12 and "LOC:city" in fine.class_names


def test_fasttext_lines_and_a_line_with_two_labels(tmp_path):
    reviews = [(text, "pos" if label else "neg") for text, label in synthetic_reviews(40)]
    path = write_labelled_lines(tmp_path / "reviews.txt", reviews, prefix="__label__")
    texts = load_texts(str(path), test_fraction=0.25)
    assert texts.class_names == ("neg", "pos") and len(texts.test_texts) == 10
    assert not any(t.startswith("__label__") for t in texts.train_texts)
    path.write_text(path.read_text() + "__label__pos __label__neg a film with two labels\n")
    with pytest.raises(DataError, match="line 41: more than one label"):
        load_texts(str(path))


def test_numeric_labels_are_ordered_as_numbers(tmp_path):
    rows = [(f"review number {i} of the film", str(stars)) for i, stars in enumerate([1, 2, 10] * 10)]
    texts = load_texts(str(write_csv(tmp_path / "stars.csv", rows)))
    assert texts.class_names == ("1", "2", "10")


def test_a_test_file_beside_a_file_that_has_its_own_test_rows_is_refused(tmp_path):
    rows = [(text, label, "test" if i < 5 else "train") for i, (text, label) in enumerate(synthetic_reviews(20))]
    path = tmp_path / "split.csv"
    path.write_text("text,label,split\n" + "".join(f"{t},{y},{s}\n" for t, y, s in rows))
    with pytest.raises(DataError, match="has test rows of its own"):
        load_texts(str(path), split_column="split", test_source=str(write_csv(tmp_path / "t.csv", synthetic_reviews(6))))


def test_six_classes_train_a_softmax_and_report_macro_f1_per_class_and_the_baseline(six_class_run):
    metrics = six_class_run.metrics
    model = six_class_run.model
    assert model.output_shape == (None, 6) and model.loss == "sparse_categorical_crossentropy"
    for measured in (metrics["model"], metrics["baselines"]["tfidf_logreg"]):
        assert 0.0 <= measured["macro_f1"] <= 1.0 and "accuracy" in measured
    # SYNTHETIC questions: each class has its own template words, so both classifiers learn them.
    assert metrics["model"]["accuracy"] > 0.9 and metrics["baselines"]["tfidf_logreg"]["accuracy"] > 0.9
    per_class = metrics["per_class"]["model"]
    assert sorted(per_class) == ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
    assert {"precision", "recall", "f1", "support"} <= set(per_class["LOC"]) and per_class["LOC"]["support"] == 20
    saved = json.loads(six_class_run.run.file("metrics.json").read_text())
    assert saved["per_class"]["tfidf_logreg"].keys() == per_class.keys()
    assert "model per class" in six_class_run.summary()


def test_predict_prints_the_top_classes_of_a_many_class_run(six_class_run):
    from rnn_cookbook.text.predict import TextClassifierRun

    run = TextClassifierRun(six_class_run.run.path)
    [ranked] = run.top(["how many the railway are there ?"], k=3)
    assert ranked[0][0] == "NUM" and len(ranked) == 3
    assert ranked[0][1] >= ranked[1][1] >= ranked[2][1]
    assert run.predict_proba(["who invented radio ?"]).shape == (1, 6)
    result = cli_here("predict", str(six_class_run.run.path), "who invented radio ?", "--top", "2")
    assert result.returncode == 0, result.stderr
    fields = result.stdout.strip().split("\t")
    assert fields[0] == "HUM" and len(fields) == 5 and fields[-1] == "who invented radio ?"
    bad = cli_here("predict", str(six_class_run.run.path), "who ?", "--top", "0")
    assert bad.returncode != 0 and "top must be a whole number >= 1" in bad.stderr


def test_a_skewed_binary_file_reports_the_minority_class(tmp_path):
    from rnn_cookbook.recipes import sentiment_rnn

    reviews = synthetic_reviews(400)
    negatives = [r for r in reviews if r[1] == 0][:30]  # 30 of 230: 13% negative
    rows = [(t, "pos" if y else "neg") for t, y in [r for r in reviews if r[1] == 1] + negatives]
    path = write_csv(tmp_path / "skewed.csv", rows)
    cfg = sentiment_rnn.Config.quick().replace(data=str(path), class_weight="balanced", epochs=2)
    metrics = sentiment_rnn.train(cfg, output=tmp_path / "run", verbose=0).metrics
    for measured in (metrics["model"], metrics["baselines"]["tfidf_logreg"]):
        assert {"balanced_accuracy", "f1_neg", "macro_f1"} <= set(measured)
        assert "f1_pos" not in measured  # only the rare class is singled out


def test_classification_scores_single_out_a_classifier_that_never_predicts_the_rare_class():
    labels = np.array([0] * 90 + [1] * 10)
    always_majority = np.full(100, 0.1)  # probability of class 1
    result = scores.classification_scores(labels, always_majority, ["common", "rare"])
    assert result["accuracy"] == pytest.approx(0.9)
    assert result["balanced_accuracy"] == pytest.approx(0.5) and result["f1_rare"] == 0.0
    assert result["macro_f1"] == pytest.approx((2 * 0.9 / 1.9 + 0.0) / 2)
    three = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]])
    result = scores.classification_scores(np.array([0, 1, 2, 1]), three)
    assert result["accuracy"] == 0.75 and "balanced_accuracy" not in result


def aclimdb_archive(path, reviews, test):
    """SYNTHETIC: a `.tar.gz` laid out like aclImdb's, with a README and unlabelled reviews inside."""
    with tarfile.open(path, "w:gz") as archive:
        def add(name, text):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))

        add("aclImdb/README", "not a review")
        for split, items in (("train", reviews), ("test", test)):
            for i, (text, label) in enumerate(items):
                add(f"aclImdb/{split}/{'pos' if label else 'neg'}/{i}_{9 if label else 2}.txt", text + "<br />The end.")
        add("aclImdb/train/unsup/0_0.txt", "an unlabelled review of a film")
    return path


def test_aclimdb_archive_is_read_without_unpacking(tmp_path):
    reviews = synthetic_reviews(30)
    archive = aclimdb_archive(tmp_path / "aclImdb_labeled.tar.gz", reviews[:20], reviews[20:])
    texts = load_texts(str(archive))
    assert texts.name == "aclImdb_labeled" and texts.class_names == ("neg", "pos")
    assert len(texts.train_texts) == 20 and len(texts.test_texts) == 10  # not the README, not unsup
    assert all("<br />" not in t for t in texts.train_texts)
    assert list(tmp_path.iterdir()) == [archive]  # nothing unpacked beside it
    # As unlabelled text: the training reviews and the unlabelled one, never the test reviews.
    unlabelled = unlabeled_texts(archive, include="*/train/*")
    assert len(unlabelled) == 21 and "an unlabelled review of a film" in unlabelled
    assert not set(texts.test_texts) & {t.replace(" The end.", "") for t in unlabelled}
    with pytest.raises(DataError, match="holds no text in files matching"):
        unlabeled_texts(archive, include="*/nothing/*")


def test_search_cross_validates_a_six_class_file_with_balanced_weights(questions):
    from rnn_cookbook import search
    from rnn_cookbook.recipes import sentiment_rnn

    train, test = questions
    cfg = sentiment_rnn.Config.quick().replace(data=str(train), test_data=str(test), epochs=2, class_weight="balanced")
    result = search.grid_search("sentiment_rnn", {"rnn_units": [4, 8]}, config=cfg, cv=2, refit=False)
    assert type(result.folds).__name__ == "StratifiedKFold" and result.scoring == "accuracy"
    assert set(np.unique(result.data.y)) == set(range(6))
    assert list(result.table["rank"]) == [1, 2]
    assert result.best_config.class_weight == "balanced"


def test_the_confusion_matrix_stays_readable_with_fifty_classes():
    from rnn_cookbook.core import plots

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 50, 500)
    figure = plots.confusion_matrix(labels, labels, [f"C{i}:fine{i}" for i in range(50)], title="fifty")
    axis = figure.axes[0]
    assert max(figure.get_size_inches()) <= 18  # a page, not 56 inches
    assert not axis.texts  # no numbers crammed into 2,500 cells
    assert axis.get_yticklabels()[0].get_text() == "C0:fine0 (100%)"  # each row's recall beside its name
    small = plots.confusion_matrix([0, 1, 2], [0, 1, 1], ["a", "b", "c"], title="three")
    assert len(small.axes[0].texts) == 9  # every cell's count and share
