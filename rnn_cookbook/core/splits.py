"""The three splits a recipe trains, validates and tests on, and how a validation part is held out.

`ArraySplits` is what most recipes' `load_data` returns: (inputs, targets) arrays for each split,
with whatever else the recipe needs to say about its data in a subclass.

Every classifier recipe validates on rows cut from its training set (`stratified_holdout`). A
stratified cut keeps the validation accuracy comparable across runs; it needs two examples of
every class and at least one row per class on each side, so below that the cut is a plain seeded
shuffle.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from sklearn.model_selection import train_test_split


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArraySplits:
    """(inputs, targets) for training, validation and test; a recipe's subclass adds what made them."""

    train: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def stratified_holdout(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`(kept rows, held-out rows)`, each sorted: `ceil(fraction * n)` rows held out, by class where possible.

    `labels` are class numbers (0..k-1). Raises `ValueError` when nothing would be left to keep;
    callers turn that into a message about their own data.
    """
    labels = np.asarray(labels)
    held = math.ceil(len(labels) * fraction)
    if not 0 < held < len(labels):
        raise ValueError(f"{len(labels)} rows cannot hold out {fraction:.0%} and keep the rest")
    counts = np.bincount(labels)
    classes = np.count_nonzero(counts)
    can_stratify = counts[counts > 0].min() >= 2 and min(held, len(labels) - held) >= classes
    kept, held_out = train_test_split(
        np.arange(len(labels)), test_size=held, random_state=seed, stratify=labels if can_stratify else None
    )
    return np.sort(kept), np.sort(held_out)
