"""Pooling over time that respects the padding mask, and reversed word order, registered so models load in safe mode.

`MaskedMaxPooling`, `MaskedMeanPooling` and `MaskedLastStep` read a recurrent layer's states at
every step and skip the padded steps; `pool_over_time` picks one by name (`pooling=max|mean|last|concat`).
`ReversedWords` turns each text of back-padded word ids last word first, for the backward encoder
of a two-way classifier.
They are registered under the package name `rnn_cookbook`, so `keras.saving.load_model(...,
safe_mode=True)` finds them once this module is imported (`RunFolder.load_model` imports it).
"""

from __future__ import annotations

from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class MaskedMaxPooling(keras.layers.Layer):
    """The largest value of each feature over the time steps a mask keeps: (batch, steps, features) → (batch, features).

    `GlobalMaxPooling1D` ignores masks, so the padding of a masked text would take part in the
    maximum; here a padded step never does.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return ops.max(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        lowest = ops.full_like(inputs, -1e9)
        return ops.max(ops.where(keep, inputs, lowest), axis=1)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class MaskedMeanPooling(MaskedMaxPooling):
    """The mean of each feature over the time steps a mask keeps: (batch, steps, features) → (batch, features)."""

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return ops.mean(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * keep, axis=1) / ops.maximum(ops.sum(keep, axis=1), 1.0)


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class MaskedLastStep(MaskedMaxPooling):
    """Each text's last kept step: (batch, steps, features) → (batch, features), whichever side the padding is on."""

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return inputs[:, -1, :]
        positions = ops.arange(ops.shape(inputs)[1], dtype="int32")
        last = ops.max(ops.where(ops.cast(mask, "bool"), positions, 0), axis=1)  # a fully padded text: step 0
        return ops.squeeze(ops.take_along_axis(inputs, ops.reshape(last, (-1, 1, 1)), axis=1), 1)


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class ReversedWords(keras.layers.Layer):
    """Each text's word ids last word first, its padding left at the back: `[5, 6, 7, 0, 0]` → `[7, 6, 5, 0, 0]`.

    For texts padded at the back (`padding="post"`, as every masked classifier pads), where id 0
    only pads. A backward language model read texts this way, so its encoder reads them so here.
    """

    def call(self, ids: Any) -> Any:
        steps = ops.shape(ids)[1]
        lengths = ops.sum(ops.cast(ops.not_equal(ids, 0), "int32"), axis=1, keepdims=True)
        positions = ops.expand_dims(ops.arange(steps, dtype="int32"), 0)
        source = ops.where(positions < lengths, lengths - 1 - positions, positions)
        return ops.take_along_axis(ids, source, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape


def pool_over_time(states: keras.KerasTensor, pooling: str, prefix: str = "") -> keras.KerasTensor:
    """A text's recurrent states (batch, steps, features) read as one vector, padding left out.

    `last`: the state at each text's last word; `max` and `mean` of each feature over the text;
    `concat`: the last state, the max and the mean side by side (ULMFiT's concat pooling), so the
    classifier sees the end of the text and all of it. `prefix` starts the layers' names (a second
    encoder's: `backward_`).
    """
    if pooling == "last":
        return MaskedLastStep(name=f"{prefix}last_step")(states)
    if pooling == "max":
        return MaskedMaxPooling(name=f"{prefix}max_over_time")(states)
    if pooling == "mean":
        return MaskedMeanPooling(name=f"{prefix}mean_over_time")(states)
    if pooling == "concat":
        pooled = [
            MaskedLastStep(name=f"{prefix}last_step")(states),
            MaskedMaxPooling(name=f"{prefix}max_over_time")(states),
            MaskedMeanPooling(name=f"{prefix}mean_over_time")(states),
        ]
        return keras.layers.Concatenate(name=f"{prefix}concat_pooling")(pooled)
    raise ValueError(f"pooling must be last, max, mean or concat, got {pooling!r}")
