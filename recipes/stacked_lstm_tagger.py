"""Tag every step of a sequence with a hidden regime, using the rnn-anatomy tutorial's stacked LSTM.

Source: the rnn-anatomy tutorial's Keras example: `LSTM(64, return_sequences=True)` → `LSTM(32,
return_sequences=True)` → `Dense(output_dim, softmax)`, Adam, 10 epochs of batch 32, on data it
never gives. Two things in the tutorial need saying (DESIGN.md's errata):

- Its history is off: LSTM is Hochreiter and Schmidhuber's 1997 paper, not a 2014 invention (2014
  is the year of the GRU and of LSTM sequence-to-sequence translation).
- Because the second LSTM also returns sequences, its final `Dense` is applied to every timestep:
  the model outputs one class distribution *per step*, shape (batch, steps, classes). So this
  recipe reads it as a sequence tagger (one label per step, like part-of-speech tagging), trained
  with sparse categorical cross-entropy on integer labels of shape (batch, steps). For one label
  per sequence, the second LSTM would return only its last state.

The task (synthetic by nature, and named so in the output) is one where a per-step label cannot be
read off the step alone. A hidden "regime" follows a sticky Markov chain: at each step it stays
with probability `stay_probability` (0.95: runs of 20 steps on average) or jumps to another of the
`n_regimes` regimes. Each step shows only a noisy observation, the regime's mean (..., -1, 0, 1,
...) plus Gaussian noise of standard deviation `noise` (1.0: as wide as the gap between means).
The label of a step is the regime it is in. One observation is weak evidence; the run of
observations before it is strong evidence, for whoever remembers it.

Because the process is known, the metrics table can show what is possible, not just what a model
got. Beside the stack it reports, on the same test steps, per-step accuracy and loss (cross-entropy
in nats) of:

- `majority_class`: always the most frequent training label (about a third, with three regimes);
- `per_step_dense`: a `Dense(n_regimes, softmax)` applied to each step alone, trained on the same
  data. With equal noise in every regime the best memoryless rule is linear in the observation,
  so this one layer can learn it exactly: what it misses, it misses for lack of memory;
- `memoryless_bayes`: that best memoryless rule computed from the true parameters, the ceiling
  of *any* model that looks at one step at a time (about 0.59 with the defaults);
- `forward_filter`: the HMM forward algorithm with the true parameters, the ceiling of any model
  that reads the past but not the future, as a one-directional LSTM does (about 0.80).

The stack learns the filter from examples alone. With the defaults (seed 0, 10 epochs, about a
minute on a 2-core CPU) it tags 0.799 of the test steps right against the filter's 0.800, while
the per-step Dense stops at 0.593, exactly the memoryless ceiling: the gap is memory, not fitting.
Its mistakes are the filter's too: a few steps of lag after each regime change, which no causal
tagger can avoid. `sequence.png` in the run folder shows one test sequence with its true and
predicted regimes; `confusion.png` counts the stack's mistakes by regime.

    rnn-cookbook run stacked_lstm_tagger
    rnn-cookbook run stacked_lstm_tagger --set stay_probability=0.98 --set noise=1.5
    python -m rnn_cookbook.recipes.stacked_lstm_tagger --quick
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from typing import TYPE_CHECKING, Any, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core import scores
from rnn_cookbook.core import plots
from rnn_cookbook import tagging
from rnn_cookbook.tagging import HiddenRegimes
from rnn_cookbook.core import script
from rnn_cookbook.core.callbacks import early_stopping
from rnn_cookbook.core.config import FINITE_POSITIVE_NUMBER, FRACTION, POSITIVE_INT, Interval, RecipeConfig
from rnn_cookbook.core.pipeline import array_dataset
from rnn_cookbook.core.splits import ArraySplits
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_for_classes, set_seed, train_recipe

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions

MAX_REGIMES = 10


@dataclasses.dataclass
class Config(RecipeConfig):
    """The rnn-anatomy tutorial's stack and training settings, and the hidden-regime task it tags."""

    recipe: ClassVar[str] = "stacked_lstm_tagger"
    constraints = {
        "n_regimes": Interval(int, 2, MAX_REGIMES, text=f"between 2 and {MAX_REGIMES}"),
        "stay_probability": FRACTION, "noise": FINITE_POSITIVE_NUMBER,
        "sequence_length": POSITIVE_INT, "train_sequences": POSITIVE_INT, "validation_sequences": POSITIVE_INT,
        "test_sequences": POSITIVE_INT, "lstm_units": POSITIVE_INT, "lstm_units_2": POSITIVE_INT,
        "baseline_learning_rate": FINITE_POSITIVE_NUMBER,
    }

    n_regimes: int = 3  # classes; regime k has mean k - (n_regimes - 1) / 2
    stay_probability: float = 0.95  # chance the regime stays from one step to the next
    noise: float = 1.0  # standard deviation of the observation noise (means are 1 apart)
    sequence_length: int = 100
    train_sequences: int = 2000
    validation_sequences: int = 400
    test_sequences: int = 400
    lstm_units: int = 64  # the rnn-anatomy tutorial: LSTM(64, return_sequences=True)
    lstm_units_2: int = 32  # the rnn-anatomy tutorial: LSTM(32, return_sequences=True)
    epochs: int = 10  # the rnn-anatomy tutorial
    batch_size: int = 32  # the rnn-anatomy tutorial
    baseline_learning_rate: float = 0.01  # the per-step Dense baseline: 6 weights, a larger step to converge

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: shorter and fewer sequences, a small stack at a higher learning rate."""
        return cls(
            sequence_length=50, train_sequences=256, validation_sequences=64, test_sequences=128,
            lstm_units=16, lstm_units_2=8, epochs=4, batch_size=16, learning_rate=0.01,
        )

    def task(self) -> HiddenRegimes:
        """The process these settings describe."""
        return HiddenRegimes(self.n_regimes, self.stay_probability, self.noise)


# --- the task (rnn_cookbook.tagging.HiddenRegimes) ------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RegimeData(ArraySplits):
    """Observations (n, steps, 1) and per-step regime labels (n, steps) for each split."""

    task: HiddenRegimes
    label: str = "hidden_regimes (synthetic)"

    @property
    def notes(self) -> tuple[str, ...]:
        sizes = "/".join(str(len(split[0])) for split in (self.train, self.validation, self.test))
        return (f"{self.task.describe()}; {sizes} train/validation/test sequences of {self.train[0].shape[1]} steps",)

    @property
    def class_names(self) -> list[str]:
        return [f"regime {m:g}" for m in self.task.means]


def load_data(cfg: Config) -> RegimeData:
    """Sample the three splits, each from its own stream of `cfg.seed`.

    Separate streams (NumPy's `SeedSequence.spawn`) make each split depend only on the seed and its
    own size: more training sequences never change the test set.
    """
    task = cfg.task()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(cfg.seed).spawn(3)]
    sizes = (cfg.train_sequences, cfg.validation_sequences, cfg.test_sequences)
    train, validation, test = (task.sample(n, cfg.sequence_length, rng) for n, rng in zip(sizes, streams, strict=True))
    return RegimeData(task=task, train=train, validation=validation, test=test)


# --- the models ----------------------------------------------------------------------------------
def build_model(cfg: Config) -> keras.Model:
    """The rnn-anatomy tutorial's stack: LSTM → LSTM, both returning sequences, → Dense softmax at every step.

    The input takes sequences of any length (`shape=(None, 1)`); the default activations and no
    recurrent dropout keep both LSTMs on the fused cuDNN kernel on a GPU.
    """
    inputs = keras.Input(shape=(None, 1), name="observations")
    hidden = keras.layers.LSTM(cfg.lstm_units, return_sequences=True, name="lstm_1")(inputs)
    hidden = keras.layers.LSTM(cfg.lstm_units_2, return_sequences=True, name="lstm_2")(hidden)
    outputs = keras.layers.Dense(cfg.n_regimes, activation="softmax", name="regime")(hidden)  # one per step
    return compile_for_classes(keras.Model(inputs, outputs, name="stacked_lstm_tagger"), cfg)  # a label per step


def build_per_step_baseline(cfg: Config) -> keras.Model:
    """The memoryless baseline: one `Dense(n_regimes, softmax)` applied to each step on its own.

    A Dense layer on a (batch, steps, features) tensor acts on the last axis, step by step, as
    `TimeDistributed(Dense)` would: same data, same loss, no way to see other steps.
    """
    inputs = keras.Input(shape=(None, 1), name="observations")
    outputs = keras.layers.Dense(cfg.n_regimes, activation="softmax", name="regime")(inputs)
    model = keras.Model(inputs, outputs, name="per_step_dense")
    return compile_for_classes(model, cfg.replace(learning_rate=cfg.baseline_learning_rate))


def datasets(data: RegimeData, cfg: Config) -> tuple[Any, Any]:
    """Training (shuffled with the seed) and validation pipelines."""
    return (
        array_dataset(*data.train, cfg.batch_size, shuffle=True, seed=cfg.seed),
        array_dataset(*data.validation, cfg.batch_size),
    )


def train_per_step_baseline(data: RegimeData, cfg: Config) -> keras.Model:
    """Fit the per-step Dense on the same splits, with early stopping on the same validation data."""
    set_seed(cfg.seed)
    model = build_per_step_baseline(cfg)
    train_data, validation_data = datasets(data, cfg)
    model.fit(
        train_data, validation_data=validation_data, epochs=cfg.epochs, callbacks=[early_stopping(patience=cfg.patience)],
        shuffle=False, verbose=0,
    )
    return model


# --- evaluation ----------------------------------------------------------------------------------
def evaluate(
    model: keras.Model, data: RegimeData, cfg: Config, split: str = "test", per_step: keras.Model | None = None
) -> Evaluation:
    """Test (or validation) accuracy and loss per step of the stack beside the four references (module docstring).

    `per_step` is the per-step Dense already trained (trained here when not given); the figures are
    drawn for the test only. The forward filter is the best any causal tagger can do: a ceiling, not a rival.
    """
    observations, labels = getattr(data, split)
    per_step = per_step or train_per_step_baseline(data, cfg)
    predictions = {
        "model": model.predict(observations, batch_size=cfg.batch_size, verbose=0),
        "per_step_dense": per_step.predict(observations, batch_size=cfg.batch_size, verbose=0),
    }
    references = {
        "majority_class": scores.class_frequencies(data.train[1], labels.shape, cfg.n_regimes),
        "per_step_dense": predictions["per_step_dense"],
        "memoryless_bayes": data.task.memoryless_posterior(observations),
        "forward_filter": data.task.filter_posterior(observations),
    }
    model_scores = scores.multiclass_scores(labels, predictions["model"])
    baselines = {name: scores.multiclass_scores(labels, probs) for name, probs in references.items()}
    if split != "test":
        return Evaluation(data=data.label, model=model_scores, baselines=baselines, split=split, ceilings=("forward_filter",))
    shown = typical_sequence(labels, predictions["model"].argmax(-1))
    return Evaluation(
        data=data.label,
        model=model_scores,
        baselines=baselines,
        ceilings=("forward_filter",),
        figures={
            "sequence.png": tagging.tagged_sequence(
                observations[shown, :, 0],
                labels[shown],
                {
                    "stacked LSTM": predictions["model"][shown].argmax(-1),
                    "per-step Dense": predictions["per_step_dense"][shown].argmax(-1),
                    "forward filter": references["forward_filter"][shown].argmax(-1),
                },
                class_names=data.class_names,
                levels=data.task.means,
                title=f"Test sequence {shown}: hidden regime, tagged at every step (synthetic)",
            ),
            "confusion.png": plots.confusion_matrix(
                labels, predictions["model"].argmax(-1), data.class_names, title="Stacked LSTM, every test step"
            ),
        },
    )


def typical_sequence(labels: np.ndarray, predicted: np.ndarray) -> int:
    """The first sequence whose accuracy is closest to the accuracy over all: a fair one to plot."""
    per_sequence = np.mean(np.asarray(predicted) == np.asarray(labels), axis=1)
    return int(np.argmin(np.abs(per_sequence - per_sequence.mean())))


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: sample the task, fit the stack, score it beside the references, save the run."""
    cfg = cfg or Config()
    data = load_data(cfg)
    per_step = functools.cache(lambda: train_per_step_baseline(data, cfg))  # trained once: validation check and test
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg),
        datasets=lambda: datasets(data, cfg),
        evaluate=lambda model: evaluate(model, data, cfg, per_step=per_step()),
        validate=lambda model: evaluate(model, data, cfg, "validation", per_step()),
        advice="more epochs or train_sequences: until the stack learns to remember, it is a memoryless tagger, and a worse one",
        examples_per_epoch=len(data.train[1]),
        notes=data.notes,
        **run,
    )


def search_data(cfg: Config) -> dict:
    """What `rnn-cookbook search` cross-validates on: the training and validation sequences.

    A label per step, so each fold is scored by the model's per-step cross-entropy (`neg_loss`);
    the test sequences stay unseen. The task's own settings (regimes, noise, lengths) shape the
    data and are fixed within one search.
    """
    data = load_data(cfg)
    return {
        "splits": [data.train, data.validation],
        "task": "loss",
        "label": data.label,
        "data_keys": (
            "n_regimes", "stay_probability", "noise", "sequence_length",
            "train_sequences", "validation_sequences", "test_sequences",
        ),
    }


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
