"""A character-level RNN in plain NumPy: forward, backpropagation through time, Adagrad, sampling.

The rnn-practice tutorial writes the equations of a vanilla RNN and a NumPy `rnn_forward_backward`; the rnn-deep-dive tutorial opens
with a NumPy `RNN` class. Neither learns anything: the rnn-practice tutorial takes one time step, scores a softmax
with mean squared error, never sends the gradient back through `W_hh` to earlier steps and returns
no `db_y`; the rnn-deep-dive tutorial's class has no biases, no softmax, no backward pass and no training. This
module is what they set out to show, in the spirit of Karpathy's `min-char-rnn.py`: the whole
algorithm fits on a screen, but it lives in a class (no global state) and checks its inputs.

The model, for token ids x_1..x_T (each one-hot, so `W_xh @ onehot(x)` is the column `W_xh[:, x]`):

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)        hidden state, h_0 given (zeros by default)
    p_t = softmax(W_hy h_t + b_y)                     distribution of the token after x_t
    L   = -sum_t log p_t[y_t]                         cross-entropy, SUMMED over the T steps (nats)

The loss is summed, as in min-char-rnn, so the gradient of a sequence is the sum of its steps'
gradients and the clip threshold below means the same as there; `ForwardPass.mean_loss` is the
same number per token, the figure to compare with Keras and with the n-gram baselines.

Backpropagation through time (`NumpyRNN.backward`) runs over the WHOLE sequence, last step first.
With dy_t = p_t - onehot(y_t) (the gradient of softmax + cross-entropy with respect to the logits):

    dh_t  = W_hy^T dy_t + W_hh^T da_{t+1}             what step t's output and every later step ask of h_t
    da_t  = (1 - h_t**2) * dh_t                       through tanh (its derivative is 1 - tanh**2)
    dW_hy = sum_t dy_t h_t^T     db_y = sum_t dy_t
    dW_hh = sum_t da_t h_{t-1}^T    dW_xh[:, x_t] += da_t    db_h = sum_t da_t    dh_0 = W_hh^T da_1

Only the recurrence needs a Python loop; every sum over time is one matrix product.

Training (`train_epoch`) reads the text in consecutive chunks of `seq_length` tokens and carries
the hidden state from one chunk to the next, while the gradient stops at the chunk's start
(truncated BPTT). Gradients are clipped ELEMENTWISE to [-5, 5] by default, as in min-char-rnn
(`clip_gradients(mode="norm")` rescales by the global norm instead, as Keras' `global_clipnorm`
does, which keeps the gradient's direction); without clipping, a product of many `W_hh` can blow
up the gradient of a long sequence. `Adagrad` divides each parameter's step by the root of its
summed squared gradients, so rare characters still get sizeable updates; `SGD` is the plain step.

    model = NumpyRNN(vocabulary_size=27, hidden_size=100, seed=0)
    optimizer = Adagrad(learning_rate=0.1)
    for epoch in range(100):
        loss = train_epoch(model, ids, optimizer, seq_length=25)   # mean nats per token
    text = vocabulary.decode(model.sample([ids[0]], 200, temperature=0.8))

This module imports NumPy only (no TensorFlow, no Keras): it runs wherever NumPy does.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rnn_cookbook.core.errors import ConfigError, DataError
from rnn_cookbook.core.files import atomic_path

PARAMETER_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")
Gradients = dict[str, np.ndarray]


@dataclasses.dataclass
class ForwardPass:
    """Everything one forward pass computed, kept because the backward pass reuses it.

    `hidden[t]` is h_{t+1} (shape (T, hidden)), `probabilities[t]` the distribution of the token
    after `inputs[t]` (shape (T, vocabulary)). `loss` is summed over the T steps (None without targets).
    """

    inputs: np.ndarray
    targets: np.ndarray | None
    h0: np.ndarray
    hidden: np.ndarray
    probabilities: np.ndarray
    loss: float | None

    @property
    def last_hidden(self) -> np.ndarray:
        """The state after the last step: the next chunk's h0."""
        return self.hidden[-1]

    @property
    def mean_loss(self) -> float | None:
        """Cross-entropy per token, in nats (Keras' `sparse_categorical_crossentropy`)."""
        return None if self.loss is None else self.loss / len(self.inputs)


class NumpyRNN:
    """A vanilla (Elman) RNN over token ids with a softmax output; parameters in `self.params`.

    Weights start as N(0, init_scale²) and biases at zero, as in min-char-rnn: small weights keep
    tanh in its linear range, so early gradients neither vanish nor explode. The generator is
    seeded, so the same seed gives the same model. float64 (the default) makes finite-difference
    gradient checks exact to ~1e-9; float32 halves the memory and is what Keras uses.
    """

    def __init__(
        self,
        vocabulary_size: int,
        hidden_size: int = 100,
        *,
        seed: int | np.random.Generator = 0,
        dtype: Any = np.float64,
        init_scale: float = 0.01,
    ) -> None:
        for name, value in (("vocabulary_size", vocabulary_size), ("hidden_size", hidden_size)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
        self.dtype = _float_dtype(dtype)
        if not isinstance(init_scale, (int, float)) or not init_scale > 0:
            raise ConfigError(f"init_scale must be a number > 0, got {init_scale!r}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        V, H = int(vocabulary_size), int(hidden_size)
        self.params: dict[str, np.ndarray] = {
            "W_xh": (rng.standard_normal((H, V)) * init_scale).astype(self.dtype),
            "W_hh": (rng.standard_normal((H, H)) * init_scale).astype(self.dtype),
            "W_hy": (rng.standard_normal((V, H)) * init_scale).astype(self.dtype),
            "b_h": np.zeros(H, dtype=self.dtype),
            "b_y": np.zeros(V, dtype=self.dtype),
        }

    @property
    def vocabulary_size(self) -> int:
        return self.params["W_xh"].shape[1]

    @property
    def hidden_size(self) -> int:
        return self.params["W_hh"].shape[0]

    def __repr__(self) -> str:
        return f"NumpyRNN(vocabulary_size={self.vocabulary_size}, hidden_size={self.hidden_size}, dtype={self.dtype.name})"

    def initial_state(self) -> np.ndarray:
        return np.zeros(self.hidden_size, dtype=self.dtype)

    # --- the algorithm ----------------------------------------------------------------------
    def forward(self, inputs: Sequence[int], targets: Sequence[int] | None = None, h0: np.ndarray | None = None) -> ForwardPass:
        """Run the sequence `inputs` from state `h0`; score `targets` (the next token of each step) if given."""
        x = self.check_ids(inputs, "inputs")
        y = None if targets is None else self.check_ids(targets, "targets")
        if y is not None and len(y) != len(x):
            raise DataError(f"targets has {len(y)} ids but inputs has {len(x)}: one target per input step")
        h = self.check_state(h0)
        W_xh, W_hh, W_hy, b_h, b_y = (self.params[n] for n in PARAMETER_NAMES)
        hidden = np.empty((len(x), self.hidden_size), dtype=self.dtype)
        h_start = h
        for t, token in enumerate(x):
            h = np.tanh(W_xh[:, token] + W_hh @ h + b_h)
            hidden[t] = h
        probabilities = softmax(hidden @ W_hy.T + b_y)
        loss = None
        if y is not None:
            picked = probabilities[np.arange(len(y)), y]
            loss = float(-np.sum(np.log(np.maximum(picked, np.finfo(self.dtype).tiny))))
        return ForwardPass(x, y, h_start, hidden, probabilities, loss)

    def backward(self, passed: ForwardPass) -> tuple[Gradients, np.ndarray]:
        """Gradients of the summed loss for every parameter, and for h0, through all T steps."""
        if passed.targets is None:
            raise DataError("backward needs a forward pass with targets")
        W_hh, W_hy = self.params["W_hh"], self.params["W_hy"]
        T = len(passed.inputs)
        dy = passed.probabilities.copy()
        dy[np.arange(T), passed.targets] -= 1.0  # softmax + cross-entropy: p - onehot(y)
        dh_from_output = dy @ W_hy  # (T, H): W_hy^T dy_t for every t at once
        da = np.empty_like(passed.hidden)  # gradient before tanh at each step
        dh_next = np.zeros(self.hidden_size, dtype=self.dtype)  # what steps after t ask of h_t
        for t in reversed(range(T)):
            h = passed.hidden[t]
            da[t] = (1.0 - h * h) * (dh_from_output[t] + dh_next)
            dh_next = W_hh.T @ da[t]
        previous = np.vstack([passed.h0[None, :], passed.hidden[:-1]])  # h_{t-1} for each t
        dW_xh_T = np.zeros((self.vocabulary_size, self.hidden_size), dtype=self.dtype)
        np.add.at(dW_xh_T, passed.inputs, da)  # one-hot input: only column x_t of W_xh is used
        grads = {
            "W_xh": dW_xh_T.T,
            "W_hh": da.T @ previous,
            "W_hy": dy.T @ passed.hidden,
            "b_h": da.sum(axis=0),
            "b_y": dy.sum(axis=0),
        }
        return grads, dh_next  # after the loop, dh_next is dL/dh0

    def loss_and_gradients(
        self, inputs: Sequence[int], targets: Sequence[int], h0: np.ndarray | None = None
    ) -> tuple[float, Gradients, np.ndarray, np.ndarray]:
        """Summed loss, parameter gradients, dL/dh0 and the last hidden state: one training step's worth."""
        passed = self.forward(inputs, targets, h0)
        grads, dh0 = self.backward(passed)
        return float(passed.loss), grads, dh0, passed.last_hidden  # type: ignore[arg-type]

    def sample(
        self,
        prompt: Sequence[int],
        length: int,
        *,
        temperature: float = 1.0,
        rng: int | np.random.Generator | None = None,
        h0: np.ndarray | None = None,
    ) -> list[int]:
        """`length` new ids after reading `prompt`, one step at a time, carrying the state.

        Each id is drawn from softmax(logits / temperature): 1 samples the model's own
        distribution, below 1 sharpens it, 0 always takes the most likely id (which soon loops).
        """
        if not isinstance(temperature, (int, float)) or temperature < 0:
            raise ConfigError(f"temperature must be a number >= 0, got {temperature!r}")
        if not isinstance(length, int) or length < 0:
            raise ConfigError(f"length must be an integer >= 0, got {length!r}")
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        h = self.forward(self.check_ids(prompt, "prompt"), h0=h0).last_hidden
        W_xh, W_hh, W_hy, b_h, b_y = (self.params[n] for n in PARAMETER_NAMES)
        logits = W_hy @ h + b_y
        out: list[int] = []
        for _ in range(length):
            if temperature == 0:
                token = int(np.argmax(logits))
            else:  # in float64, so the probabilities sum to 1 as closely as `choice` demands
                token = int(rng.choice(self.vocabulary_size, p=softmax(logits.astype(np.float64) / temperature)))
            out.append(token)
            h = np.tanh(W_xh[:, token] + W_hh @ h + b_h)
            logits = W_hy @ h + b_y
        return out

    # --- checks -----------------------------------------------------------------------------
    def check_ids(self, ids: Sequence[int], name: str = "ids") -> np.ndarray:
        """`ids` as a 1-D int64 array, or a `DataError` saying what is wrong with it."""
        array = np.asarray(ids)
        if array.ndim != 1:
            raise DataError(f"{name} must be a 1-D sequence of token ids, got shape {array.shape}")
        if array.size == 0:
            raise DataError(f"{name} is empty: the model needs at least one token")
        if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
            raise DataError(f"{name} must hold integer token ids, got dtype {array.dtype}")
        low, high = int(array.min()), int(array.max())
        if low < 0 or high >= self.vocabulary_size:
            bad = low if low < 0 else high
            raise DataError(f"{name} holds id {bad}, outside the vocabulary's 0..{self.vocabulary_size - 1}")
        return array.astype(np.int64, copy=False)

    def check_state(self, h0: np.ndarray | None) -> np.ndarray:
        """A hidden state of shape (hidden_size,) in the model's dtype (zeros for None)."""
        if h0 is None:
            return self.initial_state()
        state = np.asarray(h0)
        if state.shape != (self.hidden_size,):
            raise DataError(f"h0 must have shape ({self.hidden_size},), got {state.shape}")
        if not np.issubdtype(state.dtype, np.number) or not np.all(np.isfinite(state)):
            raise DataError("h0 must hold finite numbers")
        return state.astype(self.dtype, copy=False)

    # --- files and other layouts -----------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the parameters to an .npz file (plain arrays: nothing to unpickle on load)."""
        target = Path(path)
        with atomic_path(target) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, **self.params)
        return target

    @classmethod
    def load(cls, path: str | Path) -> NumpyRNN:
        """Read parameters written by `save`; a file that is not one is a `DataError`."""
        path = Path(path)
        if not path.is_file():
            raise DataError(f"no NumPy RNN parameter file at {path}")
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError) as exc:
            raise DataError(f"{path} is not a NumPy .npz parameter file: {exc}") from None
        return cls.from_parameters(arrays, source=str(path))

    @classmethod
    def from_parameters(cls, params: Mapping[str, np.ndarray], *, source: str = "parameters") -> NumpyRNN:
        """A model holding copies of `params` (the five arrays, shapes consistent with each other)."""
        missing = [n for n in PARAMETER_NAMES if n not in params]
        extra = [n for n in params if n not in PARAMETER_NAMES]
        if missing or extra:
            raise DataError(f"{source} is not a NumPy RNN: missing {missing or 'nothing'}, unexpected {extra or 'nothing'}")
        arrays = {n: np.asarray(params[n]) for n in PARAMETER_NAMES}
        H, V = arrays["W_xh"].shape if arrays["W_xh"].ndim == 2 else (0, 0)
        expected = {"W_xh": (H, V), "W_hh": (H, H), "W_hy": (V, H), "b_h": (H,), "b_y": (V,)}
        for name, shape in expected.items():
            if arrays[name].shape != shape or H == 0 or V == 0:
                raise DataError(f"{source}: {name} has shape {arrays[name].shape}, expected {shape}")
            if not np.issubdtype(arrays[name].dtype, np.floating):
                raise DataError(f"{source}: {name} has dtype {arrays[name].dtype}, expected a float type")
        model = cls.__new__(cls)
        model.dtype = arrays["W_xh"].dtype
        model.params = {n: arrays[n].astype(model.dtype, copy=True) for n in PARAMETER_NAMES}
        return model

    def keras_weights(self) -> dict[str, list[np.ndarray]]:
        """The same parameters in Keras' layout: `SimpleRNN` computes x @ kernel, so kernels are transposed.

        `{"simple_rnn": [kernel (V, H), recurrent_kernel (H, H), bias (H,)], "dense": [kernel (H, V), bias (V,)]}`
        for `SimpleRNN(H, return_sequences=True)` on one-hot inputs, then `Dense(V, softmax)`.
        """
        p = self.params
        return {
            "simple_rnn": [p["W_xh"].T.copy(), p["W_hh"].T.copy(), p["b_h"].copy()],
            "dense": [p["W_hy"].T.copy(), p["b_y"].copy()],
        }


def numerical_gradients(
    model: NumpyRNN, inputs: Sequence[int], targets: Sequence[int], h0: np.ndarray, *, step: float = 1e-5
) -> Gradients:
    """Central differences of the loss for every entry of every parameter and of `h0` (key "h0").

    The check of `loss_and_gradients`: (loss(p + step) - loss(p - step)) / (2 step) per entry, two
    forward passes each, so use a small model. In float64 the two agree to about 1e-7 or better.
    """
    numeric = {}
    for name in (*PARAMETER_NAMES, "h0"):
        array = h0 if name == "h0" else model.params[name]
        numeric[name] = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + step
            plus = model.forward(inputs, targets, h0).loss
            array[index] = saved - step
            minus = model.forward(inputs, targets, h0).loss
            array[index] = saved  # put the entry back before the next one
            numeric[name][index] = (plus - minus) / (2 * step)
    return numeric


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; the max is subtracted first so exp never overflows."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def clip_gradients(grads: Gradients, limit: float | None = 5.0, *, mode: str = "value") -> Gradients:
    """Clip in place and return `grads`: each entry to [-limit, limit] ("value"), or all of them
    scaled together so their global L2 norm is at most `limit` ("norm"). None: no clipping."""
    if limit is None:
        return grads
    if not isinstance(limit, (int, float)) or not limit > 0:
        raise ConfigError(f"clip limit must be a number > 0 or None, got {limit!r}")
    if mode == "value":
        for g in grads.values():
            np.clip(g, -limit, limit, out=g)
    elif mode == "norm":
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        if norm > limit:
            for g in grads.values():
                g *= limit / norm
    else:
        raise ConfigError(f"clip mode must be 'value' or 'norm', got {mode!r}")
    return grads


class SGD:
    """Plain gradient descent: p -= learning_rate * g."""

    def __init__(self, learning_rate: float = 0.1) -> None:
        self.learning_rate = _positive_rate(learning_rate)

    def update(self, params: dict[str, np.ndarray], grads: Gradients) -> None:
        for name, g in grads.items():
            params[name] -= self.learning_rate * g


class Adagrad:
    """min-char-rnn's optimiser: p -= learning_rate * g / sqrt(sum of past g² + epsilon), per entry.

    Parameters that seldom get a gradient (the columns of rare characters) keep large steps, and
    the steps of every parameter shrink as its gradients accumulate, so a fixed rate of 0.1 works.
    """

    def __init__(self, learning_rate: float = 0.1, epsilon: float = 1e-8) -> None:
        self.learning_rate = _positive_rate(learning_rate)
        self.epsilon = epsilon
        self.memory: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: Gradients) -> None:
        for name, g in grads.items():
            memory = self.memory.setdefault(name, np.zeros_like(params[name]))
            memory += g * g
            params[name] -= self.learning_rate * g / np.sqrt(memory + self.epsilon)


def make_optimizer(name: str, learning_rate: float) -> SGD | Adagrad:
    """`"adagrad"` or `"sgd"`, by name (as a config holds it)."""
    if name == "adagrad":
        return Adagrad(learning_rate)
    if name == "sgd":
        return SGD(learning_rate)
    raise ConfigError(f"optimizer must be 'adagrad' or 'sgd', got {name!r}")


def updates_per_epoch(length: int, seq_length: int) -> int:
    """How many updates `train_epoch` makes over `length` tokens: one per chunk of up to `seq_length` inputs."""
    return len(range(0, length - 1, seq_length))  # the chunk starts of `train_epoch`


def train_epoch(
    model: NumpyRNN,
    ids: Sequence[int],
    optimizer: SGD | Adagrad,
    *,
    seq_length: int = 25,
    clip: float | None = 5.0,
    clip_mode: str = "value",
    on_step: Callable[[float], None] | None = None,
) -> float:
    """One pass over `ids` in chunks of `seq_length`, one update per chunk; the mean loss per token.

    The hidden state runs on from chunk to chunk (the model sees the text as one stream) and starts
    from zeros at the beginning of the pass. `on_step(mean loss of the chunk)` is called after each update.
    """
    ids = model.check_ids(ids)
    if len(ids) < 2:
        raise DataError(f"training needs at least 2 tokens (an input and its next one), got {len(ids)}")
    if not isinstance(seq_length, int) or isinstance(seq_length, bool) or seq_length < 1:
        raise ConfigError(f"seq_length must be an integer >= 1, got {seq_length!r}")
    h = model.initial_state()
    total, count = 0.0, 0
    for start in range(0, len(ids) - 1, seq_length):
        end = min(start + seq_length, len(ids) - 1)
        loss, grads, _, h = model.loss_and_gradients(ids[start:end], ids[start + 1 : end + 1], h)
        optimizer.update(model.params, clip_gradients(grads, clip, mode=clip_mode))
        total, count = total + loss, count + (end - start)
        if on_step is not None:
            on_step(loss / (end - start))
    return total / count


def evaluate_loss(model: NumpyRNN, ids: Sequence[int], *, chunk_length: int = 1000) -> float:
    """Mean cross-entropy per token (nats) of predicting ids[1:] from the ids before, state carried.

    The text is read in chunks only to bound memory; the state runs on, so the figure is the same
    as one forward pass over the whole text.
    """
    ids = model.check_ids(ids)
    if len(ids) < 2:
        raise DataError(f"evaluation needs at least 2 tokens, got {len(ids)}")
    h, total = model.initial_state(), 0.0
    for start in range(0, len(ids) - 1, chunk_length):
        end = min(start + chunk_length, len(ids) - 1)
        passed = model.forward(ids[start:end], ids[start + 1 : end + 1], h)
        total, h = total + float(passed.loss), passed.last_hidden  # type: ignore[arg-type]
    return total / (len(ids) - 1)


def _float_dtype(dtype: Any) -> np.dtype:
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise ConfigError(f"dtype must be a NumPy float type, got {dtype!r}") from None
    if not np.issubdtype(resolved, np.floating):
        raise ConfigError(f"dtype must be a NumPy float type (float64, float32), got {resolved}")
    return resolved


def _positive_rate(learning_rate: float) -> float:
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ConfigError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    return float(learning_rate)
