"""Cross-entropy against integer labels, smoothed: the target puts `1 - ε` on the right class and spreads `ε` evenly.

Label smoothing (Szegedy et al. 2016; the Transformer trains with ε = 0.1) keeps a softmax from
growing ever more certain of its training tokens. Keras 3 smooths one-hot labels only
(`CategoricalCrossentropy(label_smoothing=...)`); one-hot targets the size of a translator's output
would double its largest tensor, and the smoothed loss needs none:

    loss = (1 - ε) · (-log p[label]) + ε · mean over classes of (-log p[class])

A padding mask on the predictions (`mask_zero=True` upstream) drops padded positions, as Keras'
own losses do. Registered, so a model compiled with it saves and reloads with `safe_mode=True`.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Sparse categorical cross-entropy of probabilities (a softmax output) with label smoothing `label_smoothing`."""

    def __init__(self, label_smoothing: float = 0.1, name: str = "smoothed_sparse_crossentropy", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1); got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        log_probabilities = ops.log(ops.clip(y_pred, keras.config.epsilon(), 1.0))
        labels = ops.cast(y_true, "int32")
        chosen = ops.take_along_axis(log_probabilities, ops.expand_dims(labels, -1), axis=-1)[..., 0]
        spread = ops.mean(log_probabilities, axis=-1)
        return -((1.0 - self.label_smoothing) * chosen + self.label_smoothing * spread)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}
