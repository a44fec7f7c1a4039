"""Pretraining a text classifier as a language model on its own texts, then fine-tuning it.

A recurrent classifier trained from scratch on a few thousand labelled texts learns its word
vectors and its reading of word order from the labels alone, and overfits in an epoch or two.
Dai & Le (NeurIPS 2015, "Semi-supervised Sequence Learning") first train the same Embedding and
LSTM to predict the next word of the task's own texts, which needs no labels, and then fine-tune
them as the classifier; ULMFiT (Howard & Ruder 2018) adds in-domain unlabelled text and gradual
unfreezing. This module is that recipe for the cookbook's text classifiers:

1. The language model reads the training texts (not the validation texts, which measure it) and
   any unlabelled texts (`unlabeled=PATH`), never a test text: `language_model_texts` drops an
   unlabelled text equal to a test text, and says so.
2. The recipe's `language_model(cfg, vocabulary_size)`: the classifier's own Embedding and
   recurrent layers, under the same names, with a next-word head (`next_word_head`). A
   bidirectional classifier gets a forward and a backward language model over one Embedding.
3. `train_language_model`: next-word training with early stopping; the validation perplexity is
   measured on the classifier's validation texts, which the language model never trains on.
4. `transfer`: the classifier's layers take the language model's weights, by layer name.
5. `text_classifier.pretrain_then_freeze` runs these steps in a recipe's run, then trains the
   fresh output layer alone for `freeze_epochs` (`set_trainable`) before everything trains
   together in the recipe's normal fit (ULMFiT's gradual unfreezing, in two steps).

The cost is the language model's softmax over its output words. Predicting every one of the
classifier's 10,000 words costs more than the LSTM itself, so the language model predicts its
`lm_words` most frequent words and one "rare word" class for the rest (the ids are ordered by
frequency, so this is `min(id, lm_words)`). Its input still reads all 10,000 words.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook import callbacks as presets
from rnn_cookbook.errors import DataError

if TYPE_CHECKING:
    import tensorflow as tf

LANGUAGE_MODEL_FILE = "language_model.keras"  # beside model.keras in a pretrained run's folder
LANGUAGE_MODEL_RECORD = "language_model.json"  # its validation perplexity, size and cost
SEQUENCE_LENGTH = 50  # words per language-model training sequence
BATCH_SIZE = 64
LEARNING_RATE = 5e-3  # Adam, gradients clipped to norm 1: a few thousand texts give few steps per epoch (61 on sentence polarity)
FORWARD, BACKWARD = "forward_ids", "backward_ids"  # the inputs of a bidirectional language model


def language_model_texts(unlabeled: Sequence[str], test_texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """The unlabelled texts a language model may learn from, and notes: any copy of a test text is left out."""
    held_out = {t.strip() for t in test_texts}
    kept = [t for t in unlabeled if t.strip() not in held_out]
    notes = [f"language model: {len(kept):,} unlabelled texts beside the training texts"] if unlabeled else []
    if len(kept) < len(unlabeled):
        notes.append(f"language model: {len(unlabeled) - len(kept)} unlabelled texts are test texts and were left out")
    return kept, notes


def token_stream(id_lists: Sequence[Sequence[int]]) -> np.ndarray:
    """Texts' word ids end to end, as one stream for next-word training."""
    pieces = [np.asarray(ids, dtype="int32") for ids in id_lists if len(ids)]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype="int32")


def language_model_dataset(
    stream: np.ndarray, lm_words: int, sequence_length: int, *, bidirectional: bool, shuffle: bool = False, seed: int = 0
) -> tf.data.Dataset:
    """Next-word batches of the stream; rare words (id >= lm_words) are all the target `lm_words`.

    A bidirectional model also reads each sequence reversed, and predicts the word before.
    """
    import tensorflow as tf

    from rnn_cookbook.data.pipeline import next_token_dataset

    dataset = next_token_dataset(stream, sequence_length, BATCH_SIZE, shuffle=shuffle, seed=seed)

    def targets(ids: tf.Tensor) -> tf.Tensor:
        return tf.minimum(ids, lm_words)

    if not bidirectional:
        return dataset.map(lambda x, y: (x, targets(y)))
    return dataset.map(
        lambda x, y: ({FORWARD: x, BACKWARD: tf.reverse(y, [1])}, (targets(y), targets(tf.reverse(x, [1]))))
    )


def sequence_length_for(*streams: np.ndarray, longest: int = SEQUENCE_LENGTH) -> int:
    """`longest`, or less for texts too short to give two sequences (a toy set)."""
    shortest = min(len(s) for s in streams)
    length = min(longest, shortest // 2 - 1)
    if length < 2:
        raise DataError(
            f"the language model needs at least 6 words of training and of validation text, got {shortest}; "
            "point unlabeled=PATH at more text, or leave pretrain at none"
        )
    return length


def next_word_head(hidden: keras.KerasTensor, lm_words: int, name: str = "next_word") -> keras.KerasTensor:
    """Logits over the `lm_words` most frequent words and one class for every rarer word."""
    hidden = keras.layers.Dropout(0.2, name=f"{name}_dropout")(hidden)
    return keras.layers.Dense(lm_words + 1, name=name)(hidden)


def sequence_input(name: str = "word_ids") -> keras.KerasTensor:
    """Word ids of any length: language models train on sequences of `SEQUENCE_LENGTH`."""
    return keras.Input(shape=(None,), dtype="int32", name=name)


def text_chunks_dataset(
    id_lists: Sequence[Sequence[int]], lm_words: int, sequence_length: int, *, shuffle: bool = False, seed: int = 0
) -> tf.data.Dataset:
    """Next-word batches that start where each text starts, as a classifier reads it (`lm_reads=texts`).

    Each text is cut from its first word into chunks of `sequence_length + 1`; its last chunk is
    padded with 0 at the back, and a padded target weighs 0 in the loss. No chunk crosses from one
    text into the next, so the model learns from an empty state at every text's start.
    """
    from rnn_cookbook.data.pipeline import array_dataset

    rows = []
    for ids in id_lists:
        ids = list(ids)
        for start in range(0, max(len(ids) - 1, 0), sequence_length):
            chunk = ids[start : start + sequence_length + 1]
            rows.append(chunk + [0] * (sequence_length + 1 - len(chunk)))
    chunks = np.asarray(rows, dtype="int32").reshape(-1, sequence_length + 1)
    inputs, targets = chunks[:, :-1], chunks[:, 1:]
    weights = (targets > 0).astype("float32")
    dataset = array_dataset(inputs, np.minimum(targets, lm_words), BATCH_SIZE, shuffle=shuffle, seed=seed)
    weight_data = array_dataset(weights, weights, BATCH_SIZE, shuffle=shuffle, seed=seed)
    return keras_triples(dataset, weight_data)


def keras_triples(dataset: tf.data.Dataset, weights: tf.data.Dataset) -> tf.data.Dataset:
    """(inputs, targets) batches zipped with per-step weights into Keras' (x, y, sample_weight)."""
    import tensorflow as tf

    return tf.data.Dataset.zip((dataset, weights)).map(lambda xy, w: (xy[0], xy[1], w[0]))


def train_language_model(
    model: keras.Model,
    train_ids: Sequence[Sequence[int]],
    validation_ids: Sequence[Sequence[int]],
    *,
    lm_words: int,
    epochs: int,
    seed: int,
    verbose: int,
    sequence_length: int = SEQUENCE_LENGTH,
    reads: str = "stream",
) -> dict[str, Any]:
    """Fit `model` on next words with early stopping; its validation perplexity and cost.

    `reads="stream"` puts the texts end to end and cuts the stream into `sequence_length` chunks;
    `reads="texts"` starts every chunk at a text's start (`text_chunks_dataset`).
    """
    bidirectional = len(model.inputs) == 2
    train_stream, validation_stream = token_stream(train_ids), token_stream(validation_ids)
    length = min(sequence_length, sequence_length_for(train_stream, validation_stream, longest=sequence_length))
    if reads == "texts":
        if bidirectional:
            raise ValueError("lm_reads=texts trains one direction; a bidirectional language model reads the stream")
        train_data = text_chunks_dataset(train_ids, lm_words, length, shuffle=True, seed=seed)
        validation_data = text_chunks_dataset(validation_ids, lm_words, length)
    else:
        train_data = language_model_dataset(train_stream, lm_words, length, bidirectional=bidirectional, shuffle=True, seed=seed)
        validation_data = language_model_dataset(validation_stream, lm_words, length, bidirectional=bidirectional)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE, clipnorm=1.0),
        loss=[loss, loss] if bidirectional else loss,
    )
    started = time.perf_counter()
    fit = model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=[presets.early_stopping(patience=1)],
        shuffle=False,  # the dataset shuffles itself, with its seed
        verbose=verbose,
    )
    history = fit.history
    best = int(np.argmin(history["val_loss"]))
    if bidirectional:
        losses = {d: history[f"val_{d}_loss"][best] for d in ("next_word", "previous_word")}
    else:
        losses = {"next_word": history["val_loss"][best]}
    return {
        "validation_perplexity": {d: round(float(np.exp(v)), 2) for d, v in losses.items()},
        "output_words": lm_words + 1,
        "training_words": int(len(train_stream)),
        "sequence_length": length,
        "reads": reads,
        "epochs_run": len(history["loss"]),
        "best_epoch": best + 1,
        "wall_time_s": round(time.perf_counter() - started, 1),
    }


def transfer(language_model: keras.Model, classifier: keras.Model) -> list[str]:
    """Copy the language model's weights into the classifier's layers of the same name.

    A `Bidirectional` layer `x` takes its forward and backward cells from `x_forward` and
    `x_backward`. Returns the names of the classifier layers that received weights.
    """
    available = {layer.name: layer for layer in language_model.layers if layer.weights}
    copied = []
    for layer in classifier.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            pairs = [(layer.forward_layer, f"{layer.name}_forward"), (layer.backward_layer, f"{layer.name}_backward")]
        else:
            pairs = [(layer, layer.name)]
        pairs = [(target, available[name]) for target, name in pairs if name in available]
        for target, source in pairs:
            target.set_weights(source.get_weights())
        if pairs:
            copied.append(layer.name)
    if not copied:
        raise ValueError(f"no layer of {classifier.name} has a namesake in {language_model.name}")
    return copied


def set_trainable(model: keras.Model, names: Sequence[str], trainable: bool) -> None:
    """Freeze or unfreeze the named layers (recompile afterwards)."""
    for name in names:
        model.get_layer(name).trainable = trainable
