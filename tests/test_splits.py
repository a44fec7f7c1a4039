"""The one validation hold-out every classifier uses (rnn_cookbook.core.splits)."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_cookbook.core.splits import stratified_holdout


def test_each_class_keeps_its_share():
    labels = np.array([0] * 80 + [1] * 20)
    kept, held = stratified_holdout(labels, 0.25, seed=0)
    assert len(held) == 25 and len(kept) == 75
    assert np.bincount(labels[held]).tolist() == [20, 5]  # 80:20 in the held-out part too
    assert sorted(np.concatenate([kept, held]).tolist()) == list(range(100))  # a partition
    assert np.all(np.diff(held) > 0) and np.all(np.diff(kept) > 0)


def test_same_seed_same_rows_other_seed_other_rows():
    labels = np.arange(60) % 3
    first, again, other = (stratified_holdout(labels, 0.2, seed)[1] for seed in (0, 0, 1))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_a_class_of_one_example_falls_back_to_a_plain_cut():
    labels = np.array([0] * 10 + [1] * 9 + [2])  # class 2 cannot be on both sides
    kept, held = stratified_holdout(labels, 0.3, seed=0)
    assert len(held) == 6 and len(kept) == 14


def test_too_few_classes_per_side_falls_back_too():
    labels = np.repeat(np.arange(10), 2)  # 10 classes, but only 2 rows held out
    kept, held = stratified_holdout(labels, 0.1, seed=0)
    assert len(held) == 2 and len(kept) == 18


@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_nothing_to_keep_or_hold_is_an_error(fraction):
    with pytest.raises(ValueError, match="cannot hold out"):
        stratified_holdout(np.array([0, 1, 0, 1]), fraction, seed=0)
