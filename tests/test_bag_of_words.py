"""The bag-of-words models (TF-IDF, NBSVM) as plain arrays, and their combination with a network's probabilities."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.runs import RunFolder
from rnn_cookbook.text import baselines, combination
from synthetic_text import synthetic_reviews

WORDS = {0: ["dull", "awful", "boring", "bad"], 1: ["superb", "brilliant", "wonderful", "good"], 2: ["when", "where", "how"]}


def three_class_texts(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """SYNTHETIC: each text holds two words of its class among filler words."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    filler = ["the", "film", "was", "a", "plot", "and", "cast"]
    texts = [" ".join(rng.permutation([*rng.choice(WORDS[int(y)], 2), *rng.choice(filler, 4)])) for y in labels]
    return texts, labels


@pytest.fixture(scope="module")
def reviews():
    examples = synthetic_reviews(600)
    texts = [text for text, _ in examples]
    labels = np.array([int(label) for _, label in examples])
    return texts[:400], labels[:400], texts[400:500], labels[400:500], texts[500:], labels[500:]


def test_tfidf_as_arrays_matches_scikit_learn(reviews):
    """The saved form (sublinear counts x idf, unit rows, one linear layer) gives scikit-learn's own probabilities."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train, y, _, _, test, _ = reviews
    fitted = baselines.fit_tfidf_logistic_regression(train, y)  # no validation: C = 1
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=200_000)
    reference = LogisticRegression(C=1.0, max_iter=1000).fit(vectorizer.fit_transform(train), y)
    np.testing.assert_allclose(fitted(test), reference.predict_proba(vectorizer.transform(test)), atol=1e-6)


def test_nbsvm_log_count_ratio_by_hand():
    from scipy import sparse

    present = sparse.csr_matrix(np.array([[1, 0, 1], [1, 1, 0], [0, 1, 1]], dtype=float))
    positive = np.array([True, True, False])
    p = 1 + np.array([2, 1, 1])  # smoothed counts in the positive texts
    q = 1 + np.array([0, 1, 1])
    expected = np.log((p / p.sum()) / (q / q.sum()))
    np.testing.assert_allclose(baselines._log_count_ratio(present, positive), expected)


def test_nbsvm_learns_and_chooses_on_validation(reviews):
    train, y, val, val_y, test, test_y = reviews
    fitted = baselines.fit_nbsvm(train, y, validation=(val, val_y))
    assert fitted.kind == "nbsvm" and fitted.link == "sigmoid" and fitted.coef.shape == (1, len(fitted.terms))
    assert fitted.chosen["C"] in baselines.NBSVM_C_GRID and fitted.chosen["beta"] in baselines.NBSVM_BETA_GRID
    probabilities = fitted(test)
    assert probabilities.shape == (len(test), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities.argmax(axis=1) == test_y).mean() > 0.9
    assert baselines.fit_nbsvm(train, y).chosen == {"ngrams": 2, "C": 0.1, "beta": 1.0}  # nothing to choose on: the defaults


def test_nbsvm_takes_trigrams_where_validation_needs_them_and_keeps_them_when_saved(tmp_path):
    """SYNTHETIC: both classes hold the same words and the same word pairs ("a b", "b c", "d b", "b e");
    only the triples differ ("a b c" + "d b e" against "a b e" + "d b c"), so only 1-3-grams can tell
    them apart, and validation must choose them. A model saved before n-grams were chosen reads bigrams."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 240)
    filler = ["the", "film", "was", "long"]
    phrases = {1: ["a b c", "d b e"], 0: ["a b e", "d b c"]}
    texts = [" ".join(rng.permutation([*phrases[int(y)], *rng.choice(filler, 3)])) for y in labels]
    fitted = baselines.fit_nbsvm(texts[:160], labels[:160], validation=(texts[160:200], labels[160:200]))
    assert fitted.chosen["ngrams"] == 3 == fitted.ngrams and "a b c" in fitted.terms
    assert (fitted(texts[200:]).argmax(axis=1) == labels[200:]).mean() > 0.9
    run = RunFolder(tmp_path)
    fitted.save(run)
    np.testing.assert_allclose(baselines.LinearTextModel.load(run)(texts[200:]), fitted(texts[200:]), atol=1e-6)
    description = json.loads((tmp_path / "bag_of_words.json").read_text())
    del description["ngrams"]  # as a run saved before NBSVM_NGRAM_GRID wrote it
    (tmp_path / "bag_of_words.json").write_text(json.dumps(description))
    assert baselines.LinearTextModel.load(run).ngrams == 2


def test_nbsvm_one_against_the_rest_over_three_classes():
    texts, labels = three_class_texts(300)
    fitted = baselines.fit_nbsvm(texts[:200], labels[:200], validation=(texts[200:250], labels[200:250]), num_classes=4)
    assert fitted.link == "one_vs_rest" and fitted.coef.shape[0] == 4
    probabilities = fitted(texts[250:])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[:, 3].max() < 1e-6  # a class no training text has never wins
    assert (probabilities.argmax(axis=1) == labels[250:]).mean() > 0.9


def test_nbsvm_reads_punctuation_and_one_letter_words_and_keeps_how_it_split(tmp_path):
    """NBSVM's terms are Wang & Manning's tokens (a "!" or an "i" is a term); TF-IDF's are not, and a saved
    model splits text as it was fitted, a model saved before the token pattern was recorded as TF-IDF does."""
    texts = ["i loved it !", "great fun !", "a mess ?", "i hated it ?"] * 5
    labels = np.array([1, 1, 0, 0] * 5)
    nbsvm = baselines.fit_nbsvm(texts, labels)
    assert {"!", "?", "i", "a", "it !"} <= set(nbsvm.terms)
    tfidf = baselines.fit_tfidf_logistic_regression(texts, labels)
    assert "!" not in tfidf.terms and "i" not in tfidf.terms and "it" in tfidf.terms
    # Only the "!" or the "?" tells these apart: the saved model still reads it.
    exclaimed, asked = nbsvm(["!", "?"])[:, 1]
    assert exclaimed > 0.5 > asked
    run = RunFolder(tmp_path)
    nbsvm.save(run)
    assert baselines.LinearTextModel.load(run).token_pattern == baselines.NBSVM_TOKEN_PATTERN
    description = json.loads((tmp_path / "bag_of_words.json").read_text())
    del description["token_pattern"]  # as a run of the first NBSVM wrote it
    (tmp_path / "bag_of_words.json").write_text(json.dumps(description))
    assert baselines.LinearTextModel.load(run).token_pattern == baselines.TOKEN_PATTERN


def test_saved_and_loaded_without_pickle(reviews, tmp_path):
    train, y, val, val_y, test, _ = reviews
    run = RunFolder(tmp_path)
    for fit in baselines.BAG_OF_WORDS.values():
        fitted = fit(train, y, validation=(val, val_y))
        fitted.save(run)
        loaded = baselines.LinearTextModel.load(run)
        assert (loaded.kind, loaded.terms, loaded.chosen) == (fitted.kind, fitted.terms, fitted.chosen)
        np.testing.assert_allclose(loaded(test), fitted(test), atol=1e-6)  # weights kept as float32
    with np.load(tmp_path / "bag_of_words.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
    description = json.loads((tmp_path / "bag_of_words.json").read_text())
    description["terms"] = description["terms"][:-1]
    (tmp_path / "bag_of_words.json").write_text(json.dumps(description))
    with pytest.raises(RunFolderError, match="does not match"):
        baselines.LinearTextModel.load(run)
    (tmp_path / "bag_of_words.npz").write_bytes(b"not an archive")
    with pytest.raises(RunFolderError, match="cannot read the bag-of-words model"):
        baselines.LinearTextModel.load(run)


def test_combination_is_the_weighted_mean_of_log_odds():
    model = np.array([[0.2, 0.8], [0.9, 0.1]])
    bag = np.array([[0.4, 0.6], [0.3, 0.7]])
    combined = combination.combine(model, bag, 0.25)
    logit = lambda p: np.log(p[:, 1] / p[:, 0])  # noqa: E731
    expected = 1 / (1 + np.exp(-(0.25 * logit(model) + 0.75 * logit(bag))))
    np.testing.assert_allclose(combined[:, 1], expected)
    np.testing.assert_allclose(combination.combine(model, bag, 1.0), model)
    np.testing.assert_allclose(combination.combine(model, bag, 0.0), bag)


def test_pooling_three_models_is_the_weighted_sum_of_their_log_odds():
    """`pool` (what the benchmarks mix several networks with) reduces to `combine` for two models."""
    a, b, c = (np.array([[p, 1 - p] for p in row]) for row in ([0.2, 0.9], [0.4, 0.3], [0.7, 0.5]))
    logit = lambda p: np.log(p[:, 0] / p[:, 1])  # noqa: E731
    pooled = combination.pool((a, b, c), (0.5, 0.3, 0.2))
    np.testing.assert_allclose(pooled[:, 0], 1 / (1 + np.exp(-(0.5 * logit(a) + 0.3 * logit(b) + 0.2 * logit(c)))))
    np.testing.assert_allclose(combination.pool((a, b), (0.25, 0.75)), combination.combine(a, b, 0.25))
    with pytest.raises(ValueError):
        combination.pool((a, b, c), (0.5, 0.5))  # a weight for every model


def test_the_weight_follows_the_better_model_on_validation():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    right = np.where(labels[:, None] == np.arange(2), 0.9, 0.1)  # confident and right
    noise = rng.dirichlet([1, 1], 400)  # knows nothing
    assert combination.choose(labels, right, {"nbsvm": noise}).weight >= 0.9
    chosen = combination.choose(labels, noise, {"tfidf_logreg": noise, "nbsvm": right})
    assert chosen.bag_of_words == "nbsvm" and chosen.weight <= 0.1


def test_combination_record_is_checked(tmp_path):
    run = RunFolder(tmp_path)
    assert combination.Combination.load(run) is None  # runs made before it existed
    combination.Combination("nbsvm", 0.35).save(run)
    assert combination.Combination.load(run) == combination.Combination("nbsvm", 0.35)
    (tmp_path / combination.COMBINATION_FILE).write_text('{"bag_of_words": "nbsvm", "weight": 3}')
    with pytest.raises(RunFolderError, match="weight must be between 0 and 1"):
        combination.Combination.load(run)
