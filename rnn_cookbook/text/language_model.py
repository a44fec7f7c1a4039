"""A word-level LSTM language model, trained once on unlabelled text and reused by text classifiers.

ULMFiT (Howard & Ruder 2018) in three stages, the way this package splits them:

1. **Pretrain** (`recipes/language_model.py`, `rnn-cookbook run language_model --set data=...`):
   an Embedding and a stack of LSTMs learn to predict the next word of a large unlabelled corpus
   (75,000 IMDB reviews, say). The run folder holds `model.keras`, `vocabulary.json` and the
   validation perplexity, and can be reused by any number of classifiers.
2. **Fine-tune the language model on the task's texts** (`lm_finetune_epochs` of a classifier):
   the same next-word training, on the task's training texts only, never its test texts.
3. **Fine-tune the classifier** (`encoder=RUN_DIR` of a text recipe): the classifier's Embedding
   and LSTMs are the language model's, under the same layer names (`encoder_states`); they take
   its weights (`transfer`), and a new pooling and output layer go on top.

The cost on a CPU is the softmax over the output words, not the LSTM: predicting each of 20,000
words costs far more than the recurrence. The head here is *capped*: it predicts the
`output_words` most frequent words one by one and one "rare word" class for all the others (the
vocabulary's ids are ordered by frequency, so a target is `min(id, output_words)`). The input
side still reads every word of the vocabulary. Perplexities are over these `output_words + 1`
classes, so they compare between runs with the same cap only.

This module holds what the recipe and the classifiers share: the encoder's shape and layers, the
next-word datasets, next-word training, opening a finished run (`LanguageModelRun`) and handing
its weights on. It imports nothing of the classifiers.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core import callbacks as presets
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE, Vocabulary
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.core.runs import RunFolder

if TYPE_CHECKING:
    import tensorflow as tf

RECIPE = "language_model"  # the recipe whose runs are encoders
FINE_TUNED_FILE = "language_model.keras"  # a classifier run's copy of its encoder, fine-tuned on its texts (stage 2)
FINE_TUNED_RECORD = "language_model.json"
TRAINING_TEXTS_FILE = "training_texts.json"  # fingerprints of the texts it trained on, to catch a classifier's test texts


@dataclasses.dataclass(frozen=True)
class EncoderShape:
    """What a classifier needs to rebuild a language model's body: sizes, depth and dropout."""

    embedding_dim: int
    units: int
    layers: int
    output_words: int
    embedding_dropout: float = 0.0
    dropout: float = 0.0  # between the LSTM layers, and before the head
    direction: str = "forward"  # forward | backward: the model read each text from its last word to its first

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> EncoderShape:
        """The shape from a language model's `config.json`; settings added since an older run was made take their defaults."""
        fields = dataclasses.fields(cls)
        missing = [f.name for f in fields if f.name not in config and f.default is dataclasses.MISSING]
        if missing:
            raise RunFolderError(f"not a language model's config: it lacks {missing[0]!r}")
        return cls(**{f.name: config[f.name] for f in fields if f.name in config})

    def layer_names(self) -> list[str]:
        """The names every encoder's weights travel under: `embedding`, `lstm_1`, ..., `lstm_<layers>`."""
        return ["embedding"] + [f"lstm_{i + 1}" for i in range(self.layers)]


def encoder_states(
    shape: EncoderShape, ids: keras.KerasTensor, vocabulary_size: int, *, mask_zero: bool, prefix: str = ""
) -> keras.KerasTensor:
    """Every step's state of the top LSTM, `(batch, steps, units)`, for word ids `ids`.

    The layers are named as in `EncoderShape.layer_names`, after `prefix` (a two-way classifier's
    second encoder: `backward_`), so a classifier built with this takes a language model's weights
    by name (`transfer`). `mask_zero` for a classifier's padded texts; the language model's stream
    has no padding and reads without a mask.
    """
    hidden = keras.layers.Embedding(vocabulary_size, shape.embedding_dim, mask_zero=mask_zero, name=f"{prefix}embedding")(ids)
    if shape.embedding_dropout:
        hidden = keras.layers.Dropout(shape.embedding_dropout, name=f"{prefix}embedding_dropout")(hidden)
    for i in range(shape.layers):
        hidden = keras.layers.LSTM(shape.units, return_sequences=True, name=f"{prefix}lstm_{i + 1}")(hidden)
        if shape.dropout:
            hidden = keras.layers.Dropout(shape.dropout, name=f"{prefix}dropout_{i + 1}")(hidden)
    return hidden


def build_language_model(shape: EncoderShape, vocabulary_size: int) -> keras.Model:
    """Word ids of any length → the encoder → logits over the `output_words` words and "rare"."""
    if shape.output_words >= vocabulary_size:
        raise ConfigError(f"output_words ({shape.output_words}) must be below the vocabulary size ({vocabulary_size})")
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    states = encoder_states(shape, ids, vocabulary_size, mask_zero=False)
    logits = keras.layers.Dense(shape.output_words + 1, name="next_word")(states)
    return keras.Model(ids, logits, name="language_model")


def compile_language_model(model: keras.Model, optimizer: keras.optimizers.Optimizer) -> keras.Model:
    """Cross-entropy of the next word from logits; its exponential is the perplexity."""
    from rnn_cookbook.core.training import compile_model

    return compile_model(model, optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))


def in_direction(id_lists: Sequence[Sequence[int]], direction: str) -> list[list[int]]:
    """Each text's ids as read in `direction`: as written (`forward`) or last word first (`backward`)."""
    if direction not in ("forward", "backward"):
        raise ValueError(f"direction must be forward or backward, got {direction!r}")
    return [list(ids) if direction == "forward" else list(ids)[::-1] for ids in id_lists]


def token_stream(id_lists: Sequence[Sequence[int]]) -> np.ndarray:
    """Texts' word ids end to end, as one stream for next-word training."""
    pieces = [np.asarray(ids, dtype="int32") for ids in id_lists if len(ids)]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype="int32")


def next_word_dataset(
    stream: np.ndarray, output_words: int, sequence_length: int, batch_size: int, *, shuffle: bool = False, seed: int = 0
) -> tf.data.Dataset:
    """Next-word batches of the stream (`pipeline.next_token_dataset`); rare words are all the target `output_words`."""
    import tensorflow as tf

    from rnn_cookbook.core.pipeline import next_token_dataset

    dataset = next_token_dataset(stream, sequence_length, batch_size, shuffle=shuffle, seed=seed)
    return dataset.map(lambda x, y: (x, tf.minimum(y, output_words)))


def check_stream(name: str, stream: np.ndarray, sequence_length: int) -> None:
    """A stream must give at least one full sequence and its target."""
    if len(stream) < 2 * (sequence_length + 1):
        raise DataError(
            f"the {name} text has {len(stream):,} words, too few for sequences of {sequence_length}: "
            "give more text, or set a shorter sequence_length"
        )


def fine_tune_language_model(
    model: keras.Model,
    train_ids: Sequence[Sequence[int]],
    validation_ids: Sequence[Sequence[int]],
    *,
    output_words: int,
    sequence_length: int,
    batch_size: int,
    learning_rate: float,
    epochs: int,
    seed: int,
    verbose: int,
) -> dict[str, Any]:
    """Stage 2: go on training a language model on a task's own texts, with early stopping.

    Returns the validation perplexity before and after, on the task's validation texts (which it
    never trains on), and what it cost.
    """
    train_stream, validation_stream = token_stream(train_ids), token_stream(validation_ids)
    length = min(sequence_length, len(validation_stream) // 2 - 1, len(train_stream) // 2 - 1)
    if length < 2:
        raise DataError("fine-tuning the language model needs at least 6 words of training and of validation text")
    train_data = next_word_dataset(train_stream, output_words, length, batch_size, shuffle=True, seed=seed)
    validation_data = next_word_dataset(validation_stream, output_words, length, batch_size)
    compile_language_model(model, keras.optimizers.Adam(learning_rate, clipnorm=1.0))
    before = float(model.evaluate(validation_data, verbose=0))
    started = time.perf_counter()
    fit = model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=[presets.early_stopping(patience=1), presets.Throughput(len(train_stream), epochs, label="language model", unit="words", perplexity=True)] if verbose else [presets.early_stopping(patience=1)],
        shuffle=False,
        verbose=verbose,
    )
    best = float(min(fit.history["val_loss"]))
    return {
        "validation_perplexity_before": round(float(np.exp(before)), 2),
        "validation_perplexity": round(float(np.exp(min(best, before))), 2),
        "epochs_run": len(fit.history["loss"]),
        "training_words": int(len(train_stream)),
        "wall_time_s": round(time.perf_counter() - started, 1),
    }


def text_fingerprints(texts: Sequence[str]) -> list[int]:
    """A 64-bit fingerprint of each text (BLAKE2b of its stripped UTF-8 form): the same text, the same number."""
    import hashlib

    return [int.from_bytes(hashlib.blake2b(t.strip().encode("utf-8"), digest_size=8).digest(), "big") for t in texts]


def fingerprint_record(texts: Sequence[str]) -> dict[str, Any]:
    """What a language model run keeps of its training texts: their fingerprints, not the texts."""
    return {"how": "blake2b, 8 bytes, of each stripped text", "fingerprints": sorted(set(text_fingerprints(texts)))}


class LanguageModelRun:
    """A finished `language_model` run reopened as an encoder: its shape, vocabulary and model."""

    def __init__(self, run_dir: str | Path) -> None:
        self.run = RunFolder.open(run_dir)
        if self.run.recipe != RECIPE:
            raise RunFolderError(
                f"encoder={self.run.path} was made by {self.run.recipe}, not by {RECIPE}; "
                f"train one first: rnn-cookbook run {RECIPE} --set data=PATH"
            )
        if self.run.unfinished or not self.run.file("model.keras").is_file():
            raise RunFolderError(f"{self.run.path} is an unfinished {RECIPE} run: finish it with --resume first")
        config = self.run.read_json("config.json")["config"]
        self.shape = EncoderShape.from_config(config)
        self.sequence_length = int(config.get("sequence_length", 70))
        self.vocabulary = Vocabulary.from_dict(
            self.run.settings(VOCABULARY_FILE, lacking="has no vocabulary", hint="; it is not a language model run")
        )

    def load_model(self) -> keras.Model:
        """The trained language model (`safe_mode=True`)."""
        return self.run.load_model()

    def trained_on(self, texts: Sequence[str]) -> int:
        """How many of `texts` the language model trained on (0 when its run keeps no fingerprints)."""
        if not self.run.file(TRAINING_TEXTS_FILE).is_file():
            return 0
        seen = set(self.run.read_json(TRAINING_TEXTS_FILE).get("fingerprints", []))
        return sum(f in seen for f in text_fingerprints(texts))


def transfer(language_model: keras.Model, classifier: keras.Model, names: Sequence[str], prefix: str = "") -> list[str]:
    """Copy the named layers' weights from the language model into the classifier's namesakes (named `prefix + name`)."""
    copied = []
    for name in names:
        try:
            source, target = language_model.get_layer(name), classifier.get_layer(prefix + name)
        except ValueError:
            raise RunFolderError(f"the classifier and the language model do not both have a layer {prefix + name!r}") from None
        target.set_weights(source.get_weights())
        copied.append(prefix + name)
    return copied
