"""The ways arrays become a training pipeline: `tf.data`, shuffled with a seed, batched, prefetched.

`array_dataset` pairs given inputs and targets; `next_token_dataset` cuts one token stream into
sequences whose targets are the same tokens shifted by one (language models)."""

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


def next_token_dataset(
    ids: np.ndarray, sequence_length: int, batch_size: int, *, shuffle: bool = False, seed: int | None = None
) -> tf.data.Dataset:
    """Batches of (ids[t:t+n], ids[t+1:t+n+1]): one long token stream cut into non-overlapping
    chunks of `n + 1`, the next token as the target at every position of every chunk."""
    chunks = tf.data.Dataset.from_tensor_slices(np.asarray(ids, dtype="int32")).batch(sequence_length + 1, drop_remainder=True)
    dataset = chunks.map(lambda chunk: (chunk[:-1], chunk[1:]), num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        dataset = dataset.shuffle(len(ids) // (sequence_length + 1) + 1, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
