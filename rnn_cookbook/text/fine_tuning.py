"""ULMFiT's tools for fine-tuning a pretrained encoder without wrecking it (Howard & Ruder 2018, §3.2-3.3).

A classifier started from a language model has layers that already know something (the Embedding
and LSTMs) under layers that know nothing (the pooling and the output). Trained all at once at
one learning rate, the fresh layers' large early gradients can undo what the encoder learnt.
ULMFiT gives three remedies, each a setting of the text recipes (with `encoder=RUN_DIR`):

- `layer_groups`: the model's layers from the top down: the new layers first, then each encoder
  layer, the Embedding last;
- **discriminative learning rates** (`layer_lr_decay`): each group below the top trains at that
  fraction of the rate of the group above (ULMFiT: 1/2.6). `LayerwiseAdam` is Adam with a factor
  per layer, applied to the step size itself (Adam ignores a scaled gradient);
- **slanted triangular learning rates** (`schedule=slanted_triangular`, `SlantedTriangular`): a
  short linear warm-up to the peak rate over `cut_fraction` of the steps, then a long linear
  decay to `1/ratio` of it;
- **gradual unfreezing** (`unfreeze=gradual`, in `text_classifier.start_from_encoder`): one epoch
  with only the top group training, then one more group each epoch, before everything trains.

Both classes are registered Keras objects, so a model compiled with them saves and loads with
`safe_mode=True`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class SlantedTriangular(keras.optimizers.schedules.LearningRateSchedule):
    """ULMFiT's slanted triangular learning rate: up linearly for `cut_fraction` of the steps, then down.

    At step t of T, with cut = T * cut_fraction: p = t / cut before the cut and
    1 - (t - cut) / (T - cut) after it; the rate is peak * (1 + p * (ratio - 1)) / ratio, from
    peak / ratio up to peak and back down to peak / ratio.
    """

    def __init__(self, peak: float, total_steps: int, cut_fraction: float = 0.1, ratio: float = 32.0) -> None:
        if total_steps < 1:
            raise ValueError(f"total_steps must be at least 1, got {total_steps}")
        self.peak, self.total_steps, self.cut_fraction, self.ratio = float(peak), int(total_steps), float(cut_fraction), float(ratio)

    def __call__(self, step: Any) -> Any:
        step = keras.ops.cast(step, "float32")
        cut = max(self.total_steps * self.cut_fraction, 1.0)
        rising = step / cut
        falling = 1.0 - (step - cut) / max(self.total_steps - cut, 1.0)
        p = keras.ops.clip(keras.ops.where(step < cut, rising, falling), 0.0, 1.0)
        return self.peak * (1.0 + p * (self.ratio - 1.0)) / self.ratio

    def get_config(self) -> dict[str, Any]:
        return {"peak": self.peak, "total_steps": self.total_steps, "cut_fraction": self.cut_fraction, "ratio": self.ratio}


@keras.saving.register_keras_serializable(package="rnn_cookbook")
class LayerwiseAdam(keras.optimizers.Adam):
    """Adam whose step for each variable is scaled by its layer's factor (`factors`: layer name -> factor).

    A variable's layer is the first part of its path (`lstm_1/lstm_cell/kernel` -> `lstm_1`); a
    layer without a factor trains at the full rate.
    """

    def __init__(self, factors: Mapping[str, float] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.factors = {str(k): float(v) for k, v in (factors or {}).items()}

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> Any:
        # A Keras variable has a `path`; TensorFlow hands its own variable over, named `<path>:0`.
        factor = self.factors.get(str(getattr(variable, "path", variable.name)).split("/")[0], 1.0)
        if factor != 1.0:
            learning_rate = keras.ops.cast(learning_rate, variable.dtype) * factor
        return super().update_step(gradient, variable, learning_rate)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factors": dict(self.factors)}


def layer_groups(model: keras.Model, encoder_layers: Sequence[str], prefixes: Sequence[str] = ("",)) -> list[list[str]]:
    """The model's layers with weights, top group first: every layer that is not an encoder's, then
    each encoder layer from the last to the first (`encoder_layers` in input-to-output order); with
    two encoders (`prefixes` `""` and `backward_`), the layers at the same depth of both form one group."""
    body = {prefix + name for prefix in prefixes for name in encoder_layers}
    new = [layer.name for layer in model.layers if layer.weights and layer.name not in body]
    return [new] + [[prefix + name for prefix in prefixes] for name in reversed(list(encoder_layers))]


def layer_factors(groups: Sequence[Sequence[str]], decay: float) -> dict[str, float]:
    """Discriminative rates: the top group at 1, each group below at `decay` times the one above."""
    return {name: decay**depth for depth, group in enumerate(groups) for name in group}


def optimizer(learning_rate: float, *, factors: Mapping[str, float] | None = None, schedule: str = "constant", total_steps: int = 1) -> keras.optimizers.Optimizer:
    """Adam for fine-tuning an encoder: per-layer factors, and a constant or slanted triangular rate."""
    rate: Any = learning_rate
    if schedule == "slanted_triangular":
        rate = SlantedTriangular(learning_rate, total_steps)
    elif schedule != "constant":
        raise ValueError(f"schedule must be constant or slanted_triangular, got {schedule!r}")
    if factors and any(f != 1.0 for f in factors.values()):
        return LayerwiseAdam(factors, learning_rate=rate)
    return keras.optimizers.Adam(learning_rate=rate)
