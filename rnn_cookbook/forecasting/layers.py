"""The few layers Keras lacks for forecasting many columns, registered so models load in safe mode.

A forecaster reads a window `(batch, window, channels)` whose first `columns` channels are the
targets. These layers pick them apart without a `Lambda` (which `safe_mode=True` refuses to load):

- `RelativeToLast`: each target channel minus its own last value (the window seen "from now");
  other channels pass unchanged.
- `LastValues`: the targets' last values, repeated over the horizon, to add the change back to.
- `ColumnsToBatch` / `BatchToColumns`: fold the target columns into the batch and back, so one
  network reads each column's window alone (channel independence, as PatchTST and SegRNN do).

They are written with `keras.ops`, so they run on every Keras backend, and registered under the
package name `rnn_cookbook`: `keras.saving.load_model(..., safe_mode=True)` finds them once this
module is imported, and `RunFolder.load_model` imports it.
"""

from __future__ import annotations

from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
from keras import ops


class _ColumnsLayer(keras.layers.Layer):
    """A layer configured by the number of target columns at the front of the channels."""

    def __init__(self, columns: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(columns, int) or columns < 1:
            raise ValueError(f"columns must be an integer >= 1, got {columns!r}")
        self.columns = columns

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "columns": self.columns}


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class RelativeToLast(_ColumnsLayer):
    """(batch, window, channels) -> same shape, the first `columns` channels minus their last value."""

    def call(self, window: Any) -> Any:
        targets = window[:, :, : self.columns]
        relative = targets - targets[:, -1:, :]
        return ops.concatenate([relative, window[:, :, self.columns :]], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class LastValues(_ColumnsLayer):
    """(batch, window, channels) -> (batch, horizon, columns): the targets' last values, `horizon` times."""

    def __init__(self, columns: int, horizon: int = 1, **kwargs: Any) -> None:
        super().__init__(columns, **kwargs)
        self.horizon = horizon

    def call(self, window: Any) -> Any:
        return ops.repeat(window[:, -1:, : self.columns], self.horizon, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.horizon, self.columns)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "horizon": self.horizon}


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class ColumnsToBatch(_ColumnsLayer):
    """(batch, window, channels) -> (batch * columns, window, 1 + shared channels).

    Row `b * columns + j` is target column j of window b; with `shared=True` the channels after
    the targets (other features, calendar) follow it, the same for every column.
    """

    def __init__(self, columns: int, shared: bool = True, **kwargs: Any) -> None:
        super().__init__(columns, **kwargs)
        self.shared = shared

    def call(self, window: Any) -> Any:
        steps = ops.shape(window)[1]
        own = ops.expand_dims(ops.transpose(window[:, :, : self.columns], (0, 2, 1)), -1)  # (b, columns, window, 1)
        if self.shared and window.shape[-1] > self.columns:
            rest = window[:, :, self.columns :]
            rest = ops.repeat(ops.expand_dims(rest, 1), self.columns, axis=1)  # (b, columns, window, extra)
            own = ops.concatenate([own, rest], axis=-1)
        return ops.reshape(own, (-1, steps, own.shape[-1]))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        extra = input_shape[-1] - self.columns if self.shared else 0
        batch = None if input_shape[0] is None else input_shape[0] * self.columns
        return (batch, input_shape[1], 1 + extra)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "shared": self.shared}


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class BatchToColumns(_ColumnsLayer):
    """(batch * columns, horizon) -> (batch, horizon, columns): undo `ColumnsToBatch` on forecasts."""

    def call(self, forecasts: Any) -> Any:
        steps = forecasts.shape[-1]
        return ops.transpose(ops.reshape(forecasts, (-1, self.columns, steps)), (0, 2, 1))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        batch = None if input_shape[0] is None else input_shape[0] // self.columns
        return (batch, input_shape[-1], self.columns)
