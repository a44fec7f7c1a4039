"""The one way arrays become a training pipeline: `tf.data`, shuffled with a seed, batched, prefetched."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def array_dataset(
    inputs: np.ndarray, targets: np.ndarray, batch_size: int, *, shuffle: bool = False, seed: int | None = None
) -> tf.data.Dataset:
    """Batches of (inputs, targets); with `shuffle`, a new seeded order every epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
