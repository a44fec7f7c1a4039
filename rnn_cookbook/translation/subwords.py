"""Subword tokens: a SentencePiece model learnt from one side's training sentences (`*_tokens=subwords`).

A word vocabulary of 5,000 reads every rarer word as `[UNK]` and can never write it. Subwords
(Sennrich et al. 2016; Kudo 2018) cut rare words into frequent pieces (`"tomorrow,"` →
`▁tomorrow` `,`; an unseen name → `▁Qu` `é` ...), so a vocabulary of the same size covers every
sentence whose characters were seen. The model here is SentencePiece's unigram model, learnt on the
training split only (a tokenizer fitted on test sentences would be a small leak), with its ids
laid out as the translator's: 0 padding, 1 unknown, 2 `[START]`, 3 `[END]`, then the pieces.

The sizes a user sets stay in words: `max_target_length=24` still drops pairs of more than 24
words, and the model reads and writes up to `WIDTH_PER_WORD` times as many pieces (on Tatoeba's
English, 1.4 pieces a word on average). The learnt model is saved inside the run's
`vocabulary.json` (its bytes in base64), so a reopened run cuts text exactly as training did.
Needs the `sentencepiece` package: `pip install "rnn-cookbook[subwords]"`.
"""

from __future__ import annotations

import base64
import functools
import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from rnn_cookbook.core.errors import ConfigError, DataError

#: Pieces read or written per word of the length limits (`max_source_length`, `max_target_length`).
WIDTH_PER_WORD = 2
#: Han and kana text: a few rare characters may be left to `[UNK]` (SentencePiece's advice for them).
_CJK_COVERAGE, _OTHER_COVERAGE = 0.9995, 1.0


def sentencepiece() -> Any:
    """The `sentencepiece` module, or a ConfigError that says how to install it."""
    try:
        import sentencepiece as spm
    except ImportError:
        raise ConfigError('subword tokens need the sentencepiece package: pip install "rnn-cookbook[subwords]"') from None
    return spm


def train_subwords(sentences: Sequence[str], size: int, *, characters: bool = False) -> bytes:
    """A unigram SentencePiece model of at most `size` ids (4 of them reserved) learnt from `sentences`.

    `characters` (Chinese, Japanese) leaves the rarest 0.05% of characters unknown. Small
    corpora get fewer pieces than `size` rather than an error. Returns the serialized model.
    """
    if not sentences:
        raise DataError("no training sentences to learn subwords from")
    model = io.BytesIO()
    sentencepiece().SentencePieceTrainer.train(
        sentence_iterator=iter([unicodedata.normalize("NFKC", s) for s in sentences]), model_writer=model,
        vocab_size=size, model_type="unigram", hard_vocab_limit=False, pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        character_coverage=_CJK_COVERAGE if characters else _OTHER_COVERAGE, num_threads=1, minloglevel=2,
    )
    return model.getvalue()


class Subwords:
    """A learnt SentencePiece model: text to ids and pieces, ids back to text."""

    def __init__(self, model: bytes) -> None:
        try:
            self._processor = sentencepiece().SentencePieceProcessor(model_proto=model)
        except (RuntimeError, TypeError) as exc:
            raise DataError(f"not a SentencePiece model: {exc}") from None
        self.model = model

    @functools.cached_property
    def pieces(self) -> tuple[str, ...]:
        """Every piece, by id (0-3: padding, unknown, start, end)."""
        return tuple(self._processor.id_to_piece(i) for i in range(self._processor.get_piece_size()))

    def ids(self, sentence: str) -> list[int]:
        return list(self._processor.encode(unicodedata.normalize("NFKC", sentence)))

    def split(self, sentence: str) -> list[str]:
        return list(self._processor.encode(unicodedata.normalize("NFKC", sentence), out_type=str))

    def text(self, ids: Sequence[int]) -> str:
        return self._processor.decode([int(i) for i in ids])

    def to_text(self) -> str:
        """The model's bytes as base64 text, for a JSON file."""
        return base64.b64encode(self.model).decode("ascii")

    @classmethod
    def from_text(cls, text: str) -> Subwords:
        return cls(base64.b64decode(text.encode("ascii")))
