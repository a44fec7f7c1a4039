"""What the translator trains on: the split sentence pairs, each side's vocabulary, and the arrays for `fit`.

Most sentences are far shorter than the longest one allowed (on cmn-eng, 10 Chinese characters
and 7 English words on average, against limits of 32 and 24), and a recurrent layer pays for
every step it reads, padding included. So by default `dataset` batches sentences of similar
length together and cuts each batch to its longest sentence: the model reads far fewer padded
steps, and the loss is the same, since padding is masked out of it either way.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from rnn_cookbook.core.pipeline import array_dataset
from rnn_cookbook.core.quiet import import_tensorflow_quietly

if TYPE_CHECKING:
    from rnn_cookbook.translation.translator import SideVocabulary
    from rnn_cookbook.translation.pairs import SentencePairs

import_tensorflow_quietly()
import tensorflow as tf  # noqa: E402


@dataclasses.dataclass(frozen=True)
class TranslationData:
    """The split pairs, the two vocabularies, and the arrays the model reads and writes."""

    pairs: SentencePairs
    source: SideVocabulary
    target: SideVocabulary
    max_source_length: int
    max_target_length: int
    length_buckets: bool = True  # `dataset`'s default: batches of similar length, cut to their longest

    @property
    def label(self) -> str:
        return self.pairs.label

    def sentences(self, split: str) -> tuple[list[str], list[str]]:
        return self.pairs.part(split)

    def arrays(self, split: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """({"source": ids, "target_in": [START] + ids}, ids + [END]) of one split, for `fit` and `evaluate`.

        The decoder's input never holds `[END]`: its mask (id 0 is padding) then covers exactly the
        positions whose target is a token or `[END]`, so the loss counts no step that writes padding.
        """
        sources, targets = self.sentences(split)
        width = self.target.width(self.max_target_length) + 1
        marked = self.target.encode(targets, width + 1, markers=True)  # [START] tokens [END], padded
        target_in = np.where(marked[:, :-1] == self.target.end_id, 0, marked[:, :-1])  # nothing is read after [END]
        source = self.source.encode(sources, self.source.width(self.max_source_length))
        return {"source": source, "target_in": target_in}, marked[:, 1:]

    def dataset(
        self, split: str, batch_size: int, *, shuffle: bool = False, seed: int = 0, by_length: bool | None = None
    ) -> tf.data.Dataset:
        """Batches of one split for `fit`; `by_length` (default `length_buckets`) groups similar lengths and cuts
        the padding (module docstring)."""
        inputs, targets = self.arrays(split)
        if not (self.length_buckets if by_length is None else by_length):
            return array_dataset(inputs, targets, batch_size, shuffle=shuffle, seed=seed)
        return length_bucketed_dataset(inputs, targets, batch_size, shuffle=shuffle, seed=seed)


def length_bucketed_dataset(
    inputs: dict[str, np.ndarray], targets: np.ndarray, batch_size: int, *, shuffle: bool = False, seed: int = 0
) -> tf.data.Dataset:
    """Batches whose sentences share a target length, each cut to its longest source and target.

    Every array is padded with 0 on the right, so a row's length is its count of non-zero ids and
    cutting a batch at its longest row loses nothing. One bucket per target length: a batch's
    sources then differ in length only as much as their translations' lengths allow. With
    `shuffle`, the pairs are shuffled (seeded, anew each epoch) before they fall into buckets,
    so both the batches and their order change from epoch to epoch.
    """
    lengths = np.count_nonzero(targets, axis=1)
    boundaries = list(range(int(lengths.min()) + 1, int(lengths.max()) + 1))  # one bucket per length seen
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(len(targets), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.bucket_by_sequence_length(
        lambda _, target: tf.math.count_nonzero(target, dtype=tf.int32),
        bucket_boundaries=boundaries or [int(lengths.max()) + 1],
        bucket_batch_sizes=[batch_size] * (max(len(boundaries), 1) + 1),
    )
    # Each bucket's size is fixed by the lengths, whatever the order, so the count of batches is too; said
    # here, Keras knows the epoch's length (progress bar, no "ran out of data" warning at every epoch's end).
    batches = int(sum(-(-count // batch_size) for count in np.unique(lengths, return_counts=True)[1]))
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    return dataset.map(_cut_padding, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def _cut_padding(inputs: dict[str, tf.Tensor], targets: tf.Tensor) -> tuple[dict[str, tf.Tensor], tf.Tensor]:
    """A batch without the columns that are padding in every row."""
    source = tf.reduce_max(tf.math.count_nonzero(inputs["source"], axis=1, dtype=tf.int32))
    target = tf.reduce_max(tf.math.count_nonzero(targets, axis=1, dtype=tf.int32))
    return {"source": inputs["source"][:, :source], "target_in": inputs["target_in"][:, :target]}, targets[:, :target]
