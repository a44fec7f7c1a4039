"""The ways arrays become a training pipeline: `tf.data`, shuffled with a seed, batched, prefetched.

`array_dataset` pairs given inputs and targets; `next_token_dataset` cuts one token stream into
sequences whose targets are the same tokens shifted by one (language models). `skip_epochs` moves a
pipeline's shuffles on by the epochs a resumed run already trained.

`tf.data` feeds Keras on every backend, so this module needs TensorFlow whatever the backend is,
and imports it quietly itself (`rnn_cookbook.core.quiet` imports it only for the TensorFlow backend)."""

from __future__ import annotations

import numpy as np

from rnn_cookbook.core.quiet import import_tensorflow_quietly

import_tensorflow_quietly()
import tensorflow as tf  # noqa: E402  (after the quiet import above, which hides TensorFlow's start-up lines)


def array_dataset(
    inputs: np.ndarray, targets: np.ndarray, batch_size: int, *, shuffle: bool = False, seed: int | None = None
) -> tf.data.Dataset:
    """Batches of (inputs, targets); with `shuffle`, a new seeded order every epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(len(targets), seed=seed, reshuffle_each_iteration=True)  # inputs may be a dict
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def next_token_sequences(length: int, sequence_length: int, *, shuffle: bool = False) -> int:
    """How many sequences one epoch of `next_token_dataset` over `length` tokens holds.

    With `shuffle` the cut starts at an offset in [0, sequence_length], so an epoch holds only the
    chunks that fit whatever the offset: one fewer than the unshuffled cut, unless exactly
    `sequence_length` tokens are left over.
    """
    if shuffle:
        return (length - sequence_length) // (sequence_length + 1)
    return length // (sequence_length + 1)


def next_token_chunks(ids: np.ndarray, sequence_length: int) -> tuple[np.ndarray, np.ndarray]:
    """The unshuffled `next_token_dataset` as two arrays (n, sequence_length): inputs and targets.

    For code that wants rows rather than a pipeline, such as a scikit-learn search's folds.
    Unlike the other windowing helpers, the chunks do not overlap and every position is a target, so
    each token is read once, by a model that predicts at every step from an empty state:
    `windows.make_windows` slides one step at a time with targets only after each window, a word
    model's prefix windows have one target each, and the char model's streamed loss reads the text
    as a few long runs, for evaluation only.
    """
    count = next_token_sequences(len(ids), sequence_length)
    chunks = np.asarray(ids[: count * (sequence_length + 1)], dtype="int32").reshape(count, sequence_length + 1)
    return chunks[:, :-1], chunks[:, 1:]


def next_token_dataset(
    ids: np.ndarray, sequence_length: int, batch_size: int, *, shuffle: bool = False, seed: int | None = None
) -> tf.data.Dataset:
    """Batches of (ids[t:t+n], ids[t+1:t+n+1]): one long token stream cut into non-overlapping
    chunks of `n + 1`, the next token as the target at every position of every chunk.

    With `shuffle`, every epoch also starts the cut at a new random offset in [0, n], so the
    model sees different windows of the text each epoch instead of the same ones again.
    """
    stream = tf.constant(np.asarray(ids, dtype="int32"))

    def chunks(offset: tf.Tensor) -> tf.data.Dataset:
        return tf.data.Dataset.from_tensor_slices(stream[offset:]).batch(sequence_length + 1, drop_remainder=True)

    count = next_token_sequences(len(ids), sequence_length, shuffle=shuffle)
    if shuffle:
        offsets = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).take(1)
        dataset = offsets.flat_map(lambda r: chunks(tf.cast(r % (sequence_length + 1), tf.int32)).take(count))
        dataset = dataset.shuffle(count + 1, seed=seed, reshuffle_each_iteration=True)
    else:
        dataset = chunks(tf.constant(0))
    dataset = dataset.map(lambda chunk: (chunk[:-1], chunk[1:]), num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size)
    # Every epoch has the same number of batches; saying so lets Keras show progress and not warn.
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(-(-count // batch_size)))
    return dataset.prefetch(tf.data.AUTOTUNE)


def skip_epochs(dataset: object, epochs: int) -> None:
    """Move `dataset`'s shuffles on by `epochs` of Keras' epochs: its next is the one an unbroken run reads next.

    A seeded `tf.data` pipeline draws a new order (and, for `next_token_dataset`, a new cut) for
    each iteration, from seeds that move on with every iteration begun. A resumed run builds its
    pipeline afresh, so without this its first epoch would read the order of the run's very first
    epoch again, and each later one repeat an early one. Keras' `fit` begins two iterations an
    epoch (its epoch iterator makes the next epoch's at the end of each, then a fresh one when the
    epoch begins) and reads from one: each skipped epoch does the same, reading one element rather
    than the epoch (that element fills the shuffle buffer: about 20 s for the 17 million words of
    the IMDB language model on a loaded 2-core machine). `tests/test_resume.py` checks a resumed run against an unbroken one, so a Keras
    that iterates otherwise fails there. Anything not a `tf.data.Dataset` is left alone.
    """
    if not isinstance(dataset, tf.data.Dataset):
        return
    for _ in range(epochs):
        next(iter(dataset), None)
        iter(dataset)  # begun and dropped, as Keras does at the end of an epoch
