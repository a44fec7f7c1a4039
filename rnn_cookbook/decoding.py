"""Step-by-step decoding, shared by the generators, the translator and seq2seq: one token at a time, state carried.

A model trained on whole sequences (teacher forcing) reads all its steps at once. Decoding has no
whole sequence to read: it writes one token, feeds it back, and goes on. Re-running the trained
model over everything written so far costs as much, at each step, as all the steps before it
(the tutorials' quadratic loop). What every decoder here shares instead:

- `one_step_model(model)` / `one_step_copy(layer)`: the trained network (or one recurrent layer)
  rebuilt to read one token and the state, and return the next token's logits and the new state,
  with the trained weights (`copy_weights` brings them up to date after more training);
- `PerModel`: one decoder built per trained model and reused, forgotten with the model;
- `EpochPrinter`: a callback that prints a few decoded examples every few epochs while training;
- `check_backend`: the compiled decoding loops are `tf.function`s, so they need TensorFlow.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core.errors import ConfigError, RunFolderError


Helper = TypeVar("Helper")


RECURRENT = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)


def one_step_model(model: keras.Model) -> keras.Model:
    """`[token ids (batch,), *states] -> [logits (batch, vocab), *new states]`, with `model`'s weights.

    Each recurrent layer is rebuilt from its config with `return_state=True` and its weights are
    copied; the output `Dense` is rebuilt without its softmax, so the sampler gets logits.
    """
    return _rebuild(model)[0]


def _rebuild(model: keras.Model) -> tuple[keras.Model, list[tuple[keras.layers.Layer, keras.layers.Layer]]]:
    """The one-step model and the (trained layer, its one-step copy) pairs whose weights it copied."""
    embedding, recurrent, output = _parts(model)
    ids = keras.Input(shape=(), dtype="int32", name="token_ids")
    step_embedding = embedding.__class__.from_config(embedding.get_config())
    hidden = step_embedding(keras.ops.expand_dims(ids, 1))  # (batch, 1, embedding_dim)
    state_inputs, state_outputs, rebuilt = [], [], [(embedding, step_embedding)]
    for layer in recurrent:
        step_layer = one_step_copy(layer)
        states = [keras.Input(shape=(size,), name=f"{layer.name}_state_{i}") for i, size in enumerate(_state_sizes(layer))]
        hidden, *new_states = step_layer(hidden, initial_state=states)
        state_inputs += states
        state_outputs += new_states
        rebuilt.append((layer, step_layer))
    step_output = keras.layers.Dense.from_config({**output.get_config(), "activation": "linear"})
    logits = step_output(hidden[:, 0, :])
    rebuilt.append((output, step_output))
    step = keras.Model([ids, *state_inputs], [logits, *state_outputs], name=f"{model.name}_one_step")
    copy_weights(rebuilt)
    return step, rebuilt


def one_step_copy(layer: keras.layers.Layer, *, name: str | None = None) -> keras.layers.Layer:
    """A copy of a trained recurrent layer that reads one step at a time and returns its state.

    Rebuilt from the layer's config with `return_sequences`, `return_state` and `unroll` set (a
    training model rarely needs the final state; one unrolled step skips the loop machinery); the
    weights are not copied yet: pass the pair to `copy_weights` once the copy is built.
    """
    config = {**layer.get_config(), "return_sequences": True, "return_state": True, "unroll": True}
    config.pop("stateful", None)
    if name is not None:
        config["name"] = name
    return layer.__class__.from_config(config)


def copy_weights(pairs: Sequence[tuple[keras.layers.Layer, keras.layers.Layer]]) -> None:
    """Give each copy its trained layer's current weights (`(trained, copy)` pairs)."""
    for trained, copy in pairs:
        copy.set_weights(trained.get_weights())


class PerModel(Generic[Helper]):
    """One inference helper (a sampler, a decoder) per trained model, built once and re-synced on reuse.

    The helpers compile or trace once, so building one per call would be slow; the model may have
    trained since the helper was built, so a reused one copies the weights again (`sync()`).
    Entries go when their model does.
    """

    def __init__(self) -> None:
        self._helpers: weakref.WeakKeyDictionary[keras.Model, Helper] = weakref.WeakKeyDictionary()

    def get(self, model: keras.Model, build: Callable[[], Helper], *, fits: Callable[[Helper], bool] | None = None) -> Helper:
        """The helper kept for `model` (synced), or a new one from `build()` if none is kept or it does not `fits`."""
        helper = self._helpers.get(model)
        if helper is None or (fits is not None and not fits(helper)):
            helper = self._helpers[model] = build()
        else:
            helper.sync()
        return helper


def state_sizes(model: keras.Model) -> list[int]:
    """The sizes of the recurrent states `one_step_model(model)` carries, in its input order."""
    return [size for layer in _parts(model)[1] for size in _state_sizes(layer)]


def check_backend() -> None:
    """Generation is a compiled `tf.function` loop (the speed of issue 4's benchmark): TensorFlow only.

    Training the generators runs on JAX too; a model trained there is a `.keras` file like any
    other, and samples from it in a process on the TensorFlow backend (the default).
    """
    if keras.backend.backend() != "tensorflow":
        raise ConfigError(
            f"text generation runs on the TensorFlow backend, not {keras.backend.backend()!r}: "
            "unset KERAS_BACKEND (or set it to tensorflow) to generate from this run"
        )


class EpochPrinter(keras.callbacks.Callback):
    """Print what the model does now (a sample, a few answers) every `every` epochs; 0 prints nothing.

    A subclass says what: `heading(epoch)` for the line above it, `report(epoch)` for the text.
    """

    def __init__(self, *, every: int = 1) -> None:
        super().__init__()
        self.every = every

    def heading(self, epoch: int) -> str:
        raise NotImplementedError

    def report(self, epoch: int) -> str:
        raise NotImplementedError

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if not self.every or (epoch + 1) % self.every:
            return
        print(f"\n--- {self.heading(epoch)} ---")
        print(f"{self.report(epoch)}\n---", flush=True)


def _parts(model: keras.Model) -> tuple[keras.layers.Embedding, list[keras.layers.Layer], keras.layers.Dense]:
    """The embedding, recurrent layers and output layer of a next-token model, or a clear error."""
    skipped = (keras.layers.InputLayer, keras.layers.Dropout, keras.layers.SpatialDropout1D)  # no-ops at inference
    layers = [layer for layer in model.layers if not isinstance(layer, skipped)]
    problem = None
    if len(layers) < 3 or not isinstance(layers[0], keras.layers.Embedding):
        problem = "it does not start with an Embedding"
    elif not isinstance(layers[-1], keras.layers.Dense):
        problem = "it does not end with a Dense layer over the vocabulary"
    elif not all(isinstance(layer, RECURRENT) for layer in layers[1:-1]):
        kinds = ", ".join(type(layer).__name__ for layer in layers[1:-1])
        problem = f"between them it has {kinds}, not only LSTM, GRU or SimpleRNN layers"
    if problem:
        raise RunFolderError(f"cannot generate with model {model.name!r}: {problem}")
    return layers[0], layers[1:-1], layers[-1]


def _state_sizes(layer: keras.layers.Layer) -> list[int]:
    size = layer.cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]
