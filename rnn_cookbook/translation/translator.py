"""Translate with a trained encoder-decoder: vocabularies, and compiled greedy and beam search.

The `translator` recipe trains a model with teacher forcing: the decoder reads the true
translation shifted right by one token. Translating has no true translation to read, so the
decoder must read its own output, one token at a time. `Translator` does that for a whole batch
of sentences at once, without re-running the decoder over the words written so far:

1. It calls the trained model's own layers in two parts: `encode` (source ids → the encoder's
   states, the attention keys and the decoder's first state) and `step` (one token and the
   decoder's state → next-token probabilities, the new state and the attention weights). They
   are the trained layers themselves, so they always hold the model's current weights.
2. `greedy` takes the most likely token at every step; `beam` keeps the `beam` most likely
   partial translations of each sentence and picks among the finished ones by log-probability
   divided by GNMT's length penalty `((5 + length) / 6) ** alpha` (Wu et al. 2016; alpha 0 ranks
   by log-probability alone, which favours short outputs). Each is one `tf.function` loop over
   steps, batched over sentences (and beams), traced once per batch size.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.translation.pairs import AUTO, TOKEN_LEVELS, detokenize, script_language, tokenize
from rnn_cookbook.translation.subwords import WIDTH_PER_WORD, Subwords, train_subwords
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.decoding import check_backend
from rnn_cookbook.core.quiet import import_tensorflow_quietly

import_tensorflow_quietly()  # the decoding loops are tf.functions, whatever Keras' backend is
import tensorflow as tf  # noqa: E402


PAD, UNK, START, END = "", "[UNK]", "[START]", "[END]"
PAD_ID, UNK_ID = 0, 1
#: The layers `Translator` needs, by name: the recipe's `build_model` names its layers so.
ENCODER_LAYERS = ("source_embedding", "encoder")  # and "keys" beside the attention layer


DECODER_LAYERS = ("target_embedding", "decoder", "combine", "next_token")


ATTENTION_LAYER = "attention"
KEY_SCALE = "key_scale"  # attention=scaled: the keys times 1/√units
GREEDY_BATCH, BEAM_BATCH = 256, 64  # sentences decoded at once (a beam batch holds `beam` times as many rows)


BRIDGE_PREFIX = "bridge_"  # bridge_0, bridge_1: encoder's final state(s) → decoder's first state(s)


@dataclasses.dataclass(frozen=True)
class SideVocabulary:
    """The tokens of one side of the pairs: id 0 is padding, 1 the unknown token, then
    `[START]`, `[END]` and the tokens of the training sentences, most frequent first (or, for
    `subwords`, the pieces of the side's SentencePiece model, which also cuts the text)."""

    tokens: tuple[str, ...]
    level: str  # "chars", "words", "jieba" or "subwords": how a sentence is cut
    subwords: Subwords | None = dataclasses.field(default=None, compare=False)

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def adapt(cls, sentences: Sequence[str], level: str, max_tokens: int) -> SideVocabulary:
        """Learn the `max_tokens` most frequent tokens of the training `sentences` with `TextVectorization`.

        The sentences are cut by `tokenize` first (characters for Chinese, words and punctuation
        marks otherwise) and handed over joined by spaces, so the layer only counts them. `subwords`
        learns a SentencePiece model of `max_tokens` ids from the sentences instead.
        """
        if level == "subwords":
            learnt = Subwords(train_subwords(sentences, max_tokens, characters=script_language(sentences) is not None))
            return cls((PAD, UNK, START, END, *learnt.pieces[4:]), level, learnt)
        vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, standardize=None, split="whitespace")
        vectorizer.adapt([" ".join([START, *tokenize(s, level), END]) for s in sentences], batch_size=1024)
        learnt = [str(t) for t in vectorizer.get_vocabulary()]  # ["", "[UNK]", most frequent first]
        rest = [t for t in learnt[2:] if t not in (START, END)]
        return cls((PAD, UNK, START, END, *rest), level)

    @property
    def start_id(self) -> int:
        return 2

    @property
    def end_id(self) -> int:
        return 3

    @functools.cached_property
    def _ids(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(self.tokens)}

    def split(self, sentence: str) -> list[str]:
        """`sentence` cut as the model reads it: `tokenize`'s tokens, or the side's subword pieces."""
        return self.subwords.split(sentence) if self.subwords else tokenize(sentence, self.level)

    def ids(self, sentence: str) -> list[int]:
        """The ids of `sentence`'s tokens, unknown ones as `UNK_ID`."""
        if self.subwords:
            return self.subwords.ids(sentence)
        ids = self._ids
        return [ids.get(t, UNK_ID) for t in tokenize(sentence, self.level)]

    def width(self, max_length: int) -> int:
        """Ids a sentence of at most `max_length` tokens takes (subwords: `WIDTH_PER_WORD` pieces a word)."""
        return WIDTH_PER_WORD * max_length if self.subwords else max_length

    def unknown(self, sentence: str) -> list[str]:
        """The tokens of `sentence` this vocabulary lacks (each is read as `[UNK]`)."""
        return list(dict.fromkeys(t for t, i in zip(self.split(sentence), self.ids(sentence), strict=True) if i == UNK_ID))

    def encode(self, sentences: Sequence[str], length: int, *, markers: bool = False) -> np.ndarray:
        """Ids, shape (n, length), padded with 0 on the right; with `markers`, `[START] ... [END]`."""
        out = np.zeros((len(sentences), length), dtype="int32")
        for row, sentence in enumerate(sentences):
            tokens = self.ids(sentence)
            if markers:
                tokens = [self.start_id, *tokens, self.end_id]
            out[row, : min(len(tokens), length)] = tokens[:length]
        return out

    def decode(self, ids: Sequence[int]) -> str:
        """The sentence written by `ids`, up to the first end token or padding."""
        kept = []
        for i in ids:
            if i in (PAD_ID, self.end_id):
                break
            if i != self.start_id:
                kept.append(int(i))
        return self.subwords.text(kept) if self.subwords else detokenize([self.tokens[i] for i in kept], self.level)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "tokens": list(self.tokens), **({"subwords": self.subwords.to_text()} if self.subwords else {})}

    @classmethod
    def from_dict(cls, data: Any) -> SideVocabulary:
        try:
            tokens, level = tuple(data["tokens"]), data["level"]
            subwords = Subwords.from_text(data["subwords"]) if level == "subwords" else None
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"not a translation vocabulary: {exc}") from None
        if level not in TOKEN_LEVELS or level == AUTO or tokens[:4] != (PAD, UNK, START, END):
            raise DataError("not a translation vocabulary: it must start with padding, [UNK], [START], [END]")
        return cls(tokens, level, subwords)


def vocabulary_record(source: SideVocabulary, target: SideVocabulary, **about: Any) -> dict[str, Any]:
    """What a translator's `vocabulary.json` holds: both sides, and what reloading needs to know."""
    return {"task": "translation", "source": source.to_dict(), "target": target.to_dict(), **about}


# --- inference ----------------------------------------------------------------------------------
class Translator:
    """Greedy and beam-search decoding with a trained translator model (see the module docstring)."""

    def __init__(
        self,
        model: keras.Model,
        source: SideVocabulary,
        target: SideVocabulary,
        *,
        max_source_length: int | None = None,
        max_target_length: int | None = None,
    ) -> None:
        """The lengths are the run's `max_source_length` and `max_target_length`; a model whose inputs have a
        fixed length (runs saved before batches were cut by length) gives them itself."""
        check_backend()
        layers = _named_layers(model)
        self.source, self.target = source, target
        #: The longest text read, in the run's units (characters or words); `source_length` in ids.
        self.source_limit = _fixed_or_given(model.inputs[0].shape[1], max_source_length, "max_source_length")
        self.source_length = source.width(self.source_limit)
        # the longest translation written, end token included
        self.max_steps = _fixed_or_given(
            model.inputs[1].shape[1], None if max_target_length is None else target.width(max_target_length) + 1, "max_target_length"
        )
        attention = layers.get(ATTENTION_LAYER)
        self.attends = attention is not None

        self.layers = layers
        self.bidirectional = isinstance(layers["encoder"], keras.layers.Bidirectional)
        #: Ids the decoders never write: padding, the unknown token (a guess beats "[UNK]"), and [START].
        self.never_written = (PAD_ID, UNK_ID, target.start_id)
        never = np.zeros(len(target), dtype="float32")
        never[list(self.never_written)] = -1e9
        self._never = tf.constant(never)
        self._greedy = tf.function(self._greedy_loop, reduce_retracing=True)
        self._beam = tf.function(self._beam_loop, reduce_retracing=True)  # traced once per beam width

    def sync(self) -> None:
        """Nothing to copy: `encode` and `step` call the trained layers themselves."""

    # -- the compiled loops --------------------------------------------------------------------
    def encode(self, source_ids: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor], tf.Tensor]:
        """The memory, its keys, the decoder's first state(s) and the source mask, for a batch of sentences."""
        layers = self.layers
        memory, *final = layers["encoder"](layers["source_embedding"](source_ids), training=False)
        if self.bidirectional:  # forward states, then backward states: joined pairwise, as in training
            half = len(final) // 2
            final = [tf.concat([final[i], final[i + half]], axis=-1) for i in range(half)]
        states = [layers[f"{BRIDGE_PREFIX}{i}"](state) for i, state in enumerate(final)]
        keys = layers["keys"](memory) if self.attends else memory
        if KEY_SCALE in layers:
            keys = layers[KEY_SCALE](keys)
        return memory, keys, states, tf.not_equal(source_ids, PAD_ID)

    def step(
        self, token: tf.Tensor, states: list[tf.Tensor], memory: tf.Tensor, keys: tf.Tensor, mask: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
        """One decoder step for a batch: next-token probabilities, attention weights over the source, new state(s).

        The trained layers are called as they are (the decoder RNN returns its state), so this is
        what the training model computes at that position, without re-reading the tokens before it.
        """
        layers = self.layers
        query, *states = layers["decoder"](layers["target_embedding"](token[:, None]), initial_state=states, training=False)
        if self.attends:
            context, weights = layers[ATTENTION_LAYER](
                [query, memory, keys], mask=[None, mask], return_attention_scores=True, training=False
            )
            features, weights = tf.concat([query, context], axis=-1), weights[:, 0, :]
        else:
            features, weights = query, tf.zeros(tf.shape(mask), tf.float32)
        probabilities = layers["next_token"](layers["combine"](features, training=False), training=False)[:, 0, :]
        return probabilities, weights, list(states)

    def _greedy_loop(self, source_ids: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        memory, keys, states, mask = self.encode(source_ids)
        batch = tf.shape(source_ids)[0]
        token = tf.fill([batch], self.target.start_id)
        finished = tf.zeros([batch], tf.bool)
        tokens = tf.TensorArray(tf.int32, size=self.max_steps)
        attention = tf.TensorArray(tf.float32, size=self.max_steps)
        for t in tf.range(self.max_steps):
            probabilities, weights, states = self.step(token, states, memory, keys, mask)
            best = tf.argmax(probabilities + self._never, axis=-1, output_type=tf.int32)
            token = tf.where(finished, PAD_ID, best)
            tokens = tokens.write(t, token)
            attention = attention.write(t, weights)
            finished = finished | tf.equal(token, self.target.end_id)
            if tf.reduce_all(finished):  # the steps left would write padding only
                for rest in tf.range(t + 1, self.max_steps):
                    tokens = tokens.write(rest, tf.fill([batch], PAD_ID))
                    attention = attention.write(rest, tf.zeros_like(weights))
                break
        return tf.transpose(tokens.stack()), tf.transpose(attention.stack(), [1, 0, 2])

    def _beam_loop(self, source_ids: tf.Tensor, beam: int, alpha: tf.Tensor) -> tf.Tensor:
        memory, keys, states, mask = self.encode(source_ids)
        batch, size, steps = tf.shape(source_ids)[0], len(self.target), self.max_steps
        memory, keys, mask = (tf.repeat(x, beam, axis=0) for x in (memory, keys, mask))
        states = [tf.repeat(s, beam, axis=0) for s in states]
        # Only the first beam of each sentence is live at the start; the others copy it at -inf.
        scores = tf.tile(tf.concat([[0.0], tf.fill([beam - 1], -1e9)], 0)[None, :], [batch, 1])
        sequences = tf.zeros([batch, beam, steps], tf.int32)
        finished = tf.zeros([batch, beam], tf.bool)
        lengths = tf.zeros([batch, beam], tf.float32)
        token = tf.fill([batch * beam], self.target.start_id)
        only_padding = tf.tensor_scatter_nd_update(tf.fill([size], -1e9), [[PAD_ID]], [0.0])
        positions = tf.range(steps)
        for t in tf.range(steps):
            tf.autograph.experimental.set_loop_options(  # the batch is known before the loop and not after
                shape_invariants=[
                    (scores, tf.TensorShape([None, None])),
                    (sequences, tf.TensorShape([None, None, None])),
                    (finished, tf.TensorShape([None, None])),
                    (lengths, tf.TensorShape([None, None])),
                    (token, tf.TensorShape([None])),
                ]
            )
            probabilities, _, states = self.step(token, states, memory, keys, mask)
            log_p = tf.math.log(tf.maximum(probabilities, 1e-12)) + self._never
            log_p = tf.reshape(log_p, [batch, beam, size])
            log_p = tf.where(finished[:, :, None], only_padding[None, None, :], log_p)  # a finished beam stays as it is
            best, index = tf.math.top_k(tf.reshape(scores[:, :, None] + log_p, [batch, beam * size]), k=beam)
            parent, token = index // size, index % size
            sequences = tf.gather(sequences, parent, batch_dims=1)
            sequences = tf.where(positions[None, None, :] == t, token[:, :, None], sequences)
            was_finished = tf.gather(finished, parent, batch_dims=1)
            lengths = tf.gather(lengths, parent, batch_dims=1) + tf.cast(~was_finished, tf.float32)
            finished = was_finished | tf.equal(token, self.target.end_id)
            scores = best
            states = [
                tf.reshape(tf.gather(tf.reshape(s, [batch, beam, s.shape[-1]]), parent, batch_dims=1), [batch * beam, s.shape[-1]])
                for s in states
            ]
            token = tf.reshape(token, [batch * beam])
            if tf.reduce_all(finished):
                break
        penalty = tf.pow((5.0 + lengths) / 6.0, alpha)
        chosen = tf.argmax(scores / penalty, axis=-1, output_type=tf.int32)
        return tf.gather(sequences, chosen, batch_dims=1)

    # -- the public calls ------------------------------------------------------------------------
    def source_ids(self, sentences: Sequence[str]) -> np.ndarray:
        return self.source.encode(sentences, self.source_length)

    def greedy_ids(self, source_ids: np.ndarray, batch_size: int = GREEDY_BATCH) -> tuple[np.ndarray, np.ndarray]:
        """Token ids written (n, max_steps) and attention weights (n, max_steps, source_length)."""
        parts = [self._greedy(batch) for batch in _batches(source_ids, batch_size)]
        n = len(source_ids)
        return np.concatenate([p[0].numpy() for p in parts])[:n], np.concatenate([p[1].numpy() for p in parts])[:n]

    def beam_ids(self, source_ids: np.ndarray, beam: int = 4, length_penalty: float = 0.6, batch_size: int = BEAM_BATCH) -> np.ndarray:
        """The best finished translation's ids (n, max_steps) of a beam search of width `beam`.

        Width 1 runs the beam loop too, and finds what `greedy_ids` finds (the tests check it);
        `translate` takes the greedy loop for it, which is faster.
        """
        check_beam(beam, length_penalty)
        alpha = tf.constant(float(length_penalty))
        parts = [self._beam(batch, beam, alpha) for batch in _batches(source_ids, batch_size)]
        return np.concatenate([p.numpy() for p in parts])[: len(source_ids)]

    def translate(self, sentences: Sequence[str], *, beam: int = 4, length_penalty: float = 0.6) -> list[str]:
        """The translation of each sentence (beam 1 is greedy)."""
        if not len(sentences):
            return []
        ids = self.source_ids(sentences)
        ids = self.greedy_ids(ids)[0] if beam == 1 else self.beam_ids(ids, beam, length_penalty)  # the same answer, faster
        return [self.target.decode(row) for row in ids]


def _batches(source_ids: np.ndarray, batch_size: int) -> list[tf.Tensor]:
    """`source_ids` in batches of exactly `batch_size` rows (the last padded with empty sentences),
    so each decoding loop is traced once, not again for the last, shorter batch."""
    batch_size = min(batch_size, len(source_ids))
    padding = -len(source_ids) % batch_size
    padded = np.concatenate([source_ids, np.zeros((padding, source_ids.shape[1]), dtype=source_ids.dtype)])
    return [tf.constant(padded[i : i + batch_size]) for i in range(0, len(padded), batch_size)]


def check_beam(beam: Any, length_penalty: Any) -> None:
    """A beam width >= 1 and a length penalty alpha >= 0, each with a message that says so."""
    if isinstance(beam, bool) or not isinstance(beam, (int, np.integer)) or beam < 1:
        raise ConfigError(f"beam must be an integer >= 1 (1 = greedy), got {beam!r}")
    if isinstance(length_penalty, bool) or not isinstance(length_penalty, (int, float)) or not 0 <= length_penalty <= 5:
        raise ConfigError(f"length_penalty must be a number in [0, 5] (0 = none; GNMT uses 0.6), got {length_penalty!r}")


def _fixed_or_given(fixed: int | None, given: int | None, name: str) -> int:
    """A length the model's input fixes, else the one given: a model reading any length needs to be told its limit."""
    if fixed is not None:
        return int(fixed)
    if given is None:
        raise ConfigError(f"this model reads inputs of any length: give Translator the run's {name}")
    return int(given)


def _named_layers(model: keras.Model) -> dict[str, keras.layers.Layer]:
    """The layers `Translator` needs, or a clear error for a model of another recipe."""
    found = {layer.name: layer for layer in model.layers}
    missing = [name for name in (*ENCODER_LAYERS, *DECODER_LAYERS, f"{BRIDGE_PREFIX}0") if name not in found]
    if missing or len(model.inputs) != 2:
        raise RunFolderError(f"model {model.name!r} is not a translator model (it lacks {', '.join(missing) or 'two inputs'})")
    return found
