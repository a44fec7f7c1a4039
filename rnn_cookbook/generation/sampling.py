"""Generate text from a trained next-token model, one token at a time, carrying the recurrent state.

The tutorial's loop (rnn-principles) feeds the whole text so far back into the model for every new character
and takes the `argmax`: each step costs as much as all the steps before it (quadratic), and the
greedy choice soon repeats itself. Here:

1. `rnn_cookbook.decoding.one_step_model(model)` rebuilds the trained network as a model that reads
   *one* token and the recurrent state, and returns the logits of the next token and the new state.
   It computes exactly what the full model computes over the same prefix (the tests check it to
   1e-5), at the cost of one step.
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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core.config import check_positive
from rnn_cookbook.core.vocabulary import CharVocabulary, VOCABULARY_FILE, Vocabulary, vocabulary_from_dict
from rnn_cookbook.core.errors import ConfigError, DataError, RunFolderError
from rnn_cookbook.core.quiet import import_tensorflow_quietly
from rnn_cookbook.core.runs import RunFolder
from rnn_cookbook.decoding import EpochPrinter, PerModel, _rebuild, check_backend, copy_weights, state_sizes

import_tensorflow_quietly()  # the sampling loop is a tf.function, whatever Keras' backend is
import tensorflow as tf  # noqa: E402


TokenVocabulary = CharVocabulary | Vocabulary


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
    advice: str | None = None,
    **run: Any,
) -> Any:
    """`train_recipe` for a next-token model: samples from `prompt` as it trains, the vocabulary saved.

    What both generators share: a `SamplePrinter` every `cfg.sample_every` epochs (none when
    quiet), `vocabulary.json` in the run folder for `GeneratorRun`, the corpus' notes printed
    first. `run` passes `output`, `verbose` and `resume` through. Their `evaluate` is on the
    validation text, so `train_recipe` reads it to note an n-gram that beats the model, with
    `advice`; a toy corpus validates on its training text, where an n-gram counted on that text
    has it by heart: no advice, no note.
    """
    from rnn_cookbook.core.training import train_recipe

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
        advice=None if corpus.synthetic else advice,
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
        if self.run.read_json("config.json").get("config", {}).get("direction") == "backward":
            raise RunFolderError(
                f"{self.run.path} is a backward language model: it writes text from its end to its start; "
                "generate from a forward one (direction=forward), and use this one as a classifier's backward_encoder"
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
