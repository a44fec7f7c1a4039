"""What the translator trains on: the split sentence pairs, each side's vocabulary, and the arrays for `fit`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from rnn_cookbook.core.pipeline import array_dataset

if TYPE_CHECKING:
    from rnn_cookbook.translation.translator import SideVocabulary
    from rnn_cookbook.translation.pairs import SentencePairs
    import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class TranslationData:
    """The split pairs, the two vocabularies, and the arrays the model reads and writes."""

    pairs: SentencePairs
    source: SideVocabulary
    target: SideVocabulary
    max_source_length: int
    max_target_length: int

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
        width = self.max_target_length + 1
        marked = self.target.encode(targets, width + 1, markers=True)  # [START] tokens [END], padded
        target_in = np.where(marked[:, :-1] == self.target.end_id, 0, marked[:, :-1])  # nothing is read after [END]
        return {"source": self.source.encode(sources, self.max_source_length), "target_in": target_in}, marked[:, 1:]

    def dataset(self, split: str, batch_size: int, *, shuffle: bool = False, seed: int = 0) -> tf.data.Dataset:
        return array_dataset(*self.arrays(split), batch_size, shuffle=shuffle, seed=seed)
