"""Generate text from a trained next-token model, one token at a time, carrying the recurrent state.

Seed 004 generates by feeding the whole text so far back into the model for every new character
and taking the `argmax`: each step costs as much as all the steps before it (quadratic), and the
greedy choice soon repeats itself. Here:

1. `one_step_model(model)` rebuilds the trained network as a model that reads *one* token and the
   recurrent state, and returns the logits of the next token and the new state. It is built from
   the trained layers' configs and weights, so it computes exactly what the full model computes
   over the same prefix (the tests check it to 1e-5), at the cost of one step.
2. `Sampler` runs the prompt through it to prime the state, then samples `length` tokens in one
   compiled `tf.function` loop: temperature (0 means greedy), top-k, a seed (stateless random
   ops, so the same seed gives the same text), and a batch of samples at once.
3. `GeneratorRun` reopens a run folder in a new process (`model.keras` with `safe_mode=True`,
   `vocabulary.json`) and generates: `rnn-cookbook generate RUN_DIR --prompt "ROMEO:"`.

Models it understands: `Embedding` → one or more `LSTM` / `GRU` / `SimpleRNN` (with or without
`return_sequences`, `Dropout` in between is skipped) → `Dense` over the vocabulary, which is what
`char_lstm_generator`, `word_generator` and `language_model` build (the last one's capped head
predicts the frequent words and one "rare word" class, which is never sampled).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.config import check_positive
from rnn_cookbook.data.text.vocabulary import CharVocabulary, VOCABULARY_FILE, Vocabulary, vocabulary_from_dict
from rnn_cookbook.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.quiet import import_tensorflow_quietly
from rnn_cookbook.runs import RunFolder

import_tensorflow_quietly()  # the sampling loop is a tf.function, whatever Keras' backend is
import tensorflow as tf  # noqa: E402

Helper = TypeVar("Helper")
RECURRENT = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)
TokenVocabulary = CharVocabulary | Vocabulary


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


class Sampler:
    """Compiled sampling from a trained next-token model (see the module docstring).

    Build it once and call `sample` as often as needed: the loop is traced once per prompt length
    and batch size, not once per call.
    """

    def __init__(self, model: keras.Model, *, forbidden: Sequence[int] = ()) -> None:
        check_backend()
        self.step, self._pairs = _rebuild(model)
        self.forbidden = tuple(forbidden)
        self.sizes = state_sizes(model)
        self.vocabulary_size = int(self.step.outputs[0].shape[-1])
        mask = np.zeros(self.vocabulary_size, dtype="float32")
        mask[list(forbidden)] = -np.inf  # e.g. the padding id of a word vocabulary, never a next word
        self._mask = tf.constant(mask)
        self._loop = tf.function(self._generate, reduce_retracing=True)

    def sync(self) -> None:
        """Copy the trained model's current weights again (during training: no retracing needed)."""
        copy_weights(self._pairs)

    def sample(
        self,
        prompt_ids: Sequence[int],
        length: int,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        num_samples: int = 1,
        seed: int = 0,
    ) -> np.ndarray:
        """Token ids, shape (num_samples, length), that follow `prompt_ids` (which prime the state)."""
        check_sampling(length, temperature, top_k, num_samples, seed)
        if not len(prompt_ids):
            raise DataError("the prompt is empty: give at least one token to start from")
        prompt = tf.constant(np.tile(np.asarray(prompt_ids, dtype="int32"), (num_samples, 1)))
        out = self._loop(
            prompt,
            tf.constant(length, tf.int32),
            tf.constant(temperature, tf.float32),
            tf.constant(top_k or 0, tf.int32),
            tf.constant(seed, tf.int64),
        )
        return out.numpy()

    def next_logits(self, prompt_ids: Sequence[int]) -> np.ndarray:
        """Logits of the token after `prompt_ids`, computed one step at a time (for checking)."""
        states = [tf.zeros((1, size)) for size in self.sizes]
        for token in prompt_ids:
            logits, *states = self.step([tf.constant([token], tf.int32), *states], training=False)
        return keras.ops.convert_to_numpy(logits)[0]

    def _generate(
        self, prompt: tf.Tensor, length: tf.Tensor, temperature: tf.Tensor, top_k: tf.Tensor, seed: tf.Tensor
    ) -> tf.Tensor:
        batch = tf.shape(prompt)[0]
        states = [tf.zeros((batch, size)) for size in self.sizes]
        logits = tf.zeros((batch, self.vocabulary_size))
        for t in tf.range(tf.shape(prompt)[1]):  # prime the state with the prompt
            logits, *states = self.step([prompt[:, t], *states], training=False)
        tokens = tf.TensorArray(tf.int32, size=length)
        for i in tf.range(length):
            token = self._pick(logits + self._mask, temperature, top_k, tf.stack([seed, tf.cast(i, tf.int64)]))
            tokens = tokens.write(i, token)
            logits, *states = self.step([token, *states], training=False)
        return tf.transpose(tokens.stack())

    def _pick(self, logits: tf.Tensor, temperature: tf.Tensor, top_k: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """One token per row: argmax at temperature 0, else a draw from softmax(logits / T) over the top k."""
        greedy = tf.argmax(logits, axis=-1, output_type=tf.int32)
        k = tf.where(top_k > 0, tf.minimum(top_k, self.vocabulary_size), self.vocabulary_size)
        kth_best = tf.math.top_k(logits, k=k).values[:, -1:]
        kept = tf.where(logits < kth_best, tf.constant(-np.inf, logits.dtype), logits)
        scaled = kept / tf.maximum(temperature, 1e-6)
        drawn = tf.cast(tf.random.stateless_categorical(scaled, 1, seed=seed)[:, 0], tf.int32)
        return tf.where(temperature > 0, drawn, greedy)


def generate(
    model: keras.Model,
    vocabulary: TokenVocabulary,
    prompt: str,
    *,
    length: int = 400,
    temperature: float = 1.0,
    top_k: int | None = None,
    num_samples: int = 1,
    seed: int = 0,
    sampler: Sampler | None = None,
) -> list[str]:
    """`num_samples` continuations of `prompt` (the continuation only), `length` tokens each.

    Without `sampler`, the one built for `model` by an earlier call is reused (its weights copied
    again first), so calling this in a loop compiles the sampling loop once, not once per call.
    """
    check_prompt(prompt)
    if sampler is None:
        forbidden = forbidden_ids(vocabulary)
        sampler = _SAMPLERS.get(
            model, lambda: Sampler(model, forbidden=forbidden), fits=lambda kept: kept.forbidden == forbidden
        )
    ids = sampler.sample(
        vocabulary.encode_text(prompt),
        length,
        temperature=temperature,
        top_k=top_k,
        num_samples=num_samples,
        seed=seed,
    )
    return [vocabulary.decode(row) for row in ids]  # characters run together, words get spaces


#: One sampler per model for `generate` calls that pass none.
_SAMPLERS: PerModel[Sampler] = PerModel()


def forbidden_ids(vocabulary: TokenVocabulary) -> tuple[int, ...]:
    """Ids never to sample: the padding id of a word vocabulary (characters have none)."""
    return (0,) if isinstance(vocabulary, Vocabulary) else ()


def check_prompt(prompt: Any) -> None:
    if not isinstance(prompt, str):
        raise DataError(f"the prompt must be a string, got {type(prompt).__name__}")
    if not prompt:
        raise DataError("the prompt is empty: give at least one character to start from")


def check_sampling(length: int, temperature: float, top_k: int | None, num_samples: int, seed: int) -> None:
    """The sampling settings, each with a message that says what is allowed."""
    check_positive("length", length)
    check_positive("num_samples", num_samples)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 <= temperature < float("inf"):
        raise ConfigError(f"temperature must be a number >= 0 (0 = always the most likely token), got {temperature!r}")
    if top_k is not None:
        check_positive("top_k", top_k)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(f"seed must be an integer, got {seed!r}")


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


class SamplePrinter(EpochPrinter):
    """Print a short sample every `every` epochs, so a person sees the model learn."""

    def __init__(
        self, vocabulary: TokenVocabulary, prompt: str, *, length: int = 200, temperature: float = 0.8, every: int = 1
    ) -> None:
        super().__init__(every=every)
        self.vocabulary, self.prompt, self.length, self.temperature = vocabulary, prompt, length, temperature
        self._sampler: Sampler | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every and keras.backend.backend() != "tensorflow":
            print(f"note: no samples during training on the {keras.backend.backend()} backend (see check_backend)")
            self.every = 0
        super().on_epoch_end(epoch, logs)

    def heading(self, epoch: int) -> str:
        return f"sample after epoch {epoch + 1} (temperature {self.temperature})"

    def report(self, epoch: int) -> str:
        if self._sampler is None:
            self._sampler = Sampler(self.model, forbidden=forbidden_ids(self.vocabulary))
        self._sampler.sync()
        text = generate(
            self.model, self.vocabulary, self.prompt, length=self.length, temperature=self.temperature,
            seed=epoch, sampler=self._sampler,
        )[0]
        separator = " " if isinstance(self.vocabulary, Vocabulary) else ""
        return f"{self.prompt}{separator}{text}"


def train_generator(
    cfg: Any,
    corpus: Any,
    vocabulary: TokenVocabulary,
    *,
    prompt: str,
    build_model: Callable[[], keras.Model],
    datasets: Callable[[], tuple[Any, Any]],
    evaluate: Callable[[keras.Model], Any],
    **run: Any,
) -> Any:
    """`train_recipe` for a next-token model: samples from `prompt` as it trains, the vocabulary saved.

    What both generators share: a `SamplePrinter` every `cfg.sample_every` epochs (none when
    quiet), `vocabulary.json` in the run folder for `GeneratorRun`, the corpus' notes printed
    first. `run` passes `output`, `verbose` and `resume` through.
    """
    from rnn_cookbook.training import train_recipe

    printer = SamplePrinter(
        vocabulary,
        prompt,
        length=cfg.sample_length,
        temperature=cfg.sample_temperature,
        every=cfg.sample_every if run.get("verbose") != 0 else 0,
    )
    return train_recipe(
        cfg,
        build_model=build_model,
        datasets=datasets,
        evaluate=evaluate,
        extra_callbacks=[printer],
        json_files={VOCABULARY_FILE: vocabulary.to_dict()},
        notes=corpus.notes,
        **run,
    )


class GeneratorRun:
    """A trained generator reopened from its run folder, in this or any later process."""

    def __init__(self, run_dir: str | Path) -> None:
        self.run = RunFolder.open(run_dir)
        settings = self.run.settings(VOCABULARY_FILE, lacking="does not generate text")
        if isinstance(settings, dict) and "task" in settings:
            raise RunFolderError(
                f"{self.run.path} was made by {self.run.recipe}, which answers {settings['task']} questions "
                "rather than continuing text; see that recipe's docstring"
            )
        if isinstance(settings, dict) and "class_names" in settings:
            raise RunFolderError(
                f"{self.run.path} was made by {self.run.recipe}, a text classifier; "
                "generate needs a char_lstm_generator or word_generator run (classify with `predict`)"
            )
        self.vocabulary = vocabulary_from_dict(settings)
        self.model = self.run.load_model()
        outputs = self.model.output_shape[-1]
        forbidden = forbidden_ids(self.vocabulary)
        capped = self.run.read_json("config.json").get("config", {}).get("output_words")
        if isinstance(self.vocabulary, Vocabulary) and capped is not None and outputs == capped + 1 <= len(self.vocabulary):
            # A language model's capped head: words 0..capped-1 one by one, then one class for every rarer
            # word. Neither that class nor the unknown word is a word to write.
            forbidden = (*forbidden, self.vocabulary.oov_id, capped)
        elif outputs != len(self.vocabulary):
            raise RunFolderError(f"{VOCABULARY_FILE} has {len(self.vocabulary)} tokens but the model predicts {outputs}")
        self.sampler = Sampler(self.model, forbidden=forbidden)

    @property
    def level(self) -> str:
        return "char" if isinstance(self.vocabulary, CharVocabulary) else "word"

    def unknown(self, prompt: str) -> list[str]:
        """Tokens of `prompt` the vocabulary lacks (an error for characters, `[UNK]` for words)."""
        return self.vocabulary.unknown(prompt)

    def generate(self, prompt: str, **settings: Any) -> list[str]:
        """Like `generate`, with this run's model and vocabulary."""
        return generate(self.model, self.vocabulary, prompt, sampler=self.sampler, **settings)


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
