"""A character-level RNN from scratch in NumPy: the equations of the rnn-practice and rnn-deep-dive tutorials made to learn.

Source: the rnn-practice tutorial writes the RNN's equations, h_t = tanh(W_hx x_t + W_hh h_{t-1} + b_h) and
y_t = softmax(W_hy h_t + b_y), and a NumPy `rnn_forward_backward`; the rnn-deep-dive tutorial opens with a NumPy
`RNN` class. Neither trains a model (DESIGN.md's errata): the rnn-practice tutorial's backward pass covers one time
step, never reaches earlier steps through W_hh, returns no gradient for b_y and scores a softmax
with mean squared error; the rnn-deep-dive tutorial's class has no biases, no softmax and no backward pass at all.

This recipe is the working version, in the spirit of Karpathy's min-char-rnn, with its settings as
defaults: 100 hidden units, sequences of 25 characters, Adagrad at a learning rate of 0.1,
gradients clipped to [-5, 5], weights drawn from N(0, 0.01²). The model (`rnn_cookbook.numpy_rnn`)
is NumPy only, not Keras: forward over a whole chunk, backpropagation through time over all of it,
cross-entropy on the next character at every step. The text is read in order, one chunk of
`seq_length` characters per update, the hidden state carried from chunk to chunk; an epoch is one
pass over the training text. Progress shows as Keras' does in `fit` (`keras.utils.Progbar`: a bar on
a terminal, a line per epoch in logs), and every `print_every` updates the recent loss and a sample.

The default data is the rnn-practice tutorial's sentence, a toy the model learns by heart (it validates on its own
training text). Give it a real text and the last 10% validates, beside a unigram and a 5-gram
model counted on the training part; loss is in nats per character, with bits per character and
perplexity. The run folder holds `model.npz` (the five parameter arrays; `NumpyRNN.load` reads it)
instead of `model.keras`, and `vocabulary.json`.

    python recipes/numpy_rnn_scratch.py --quick                     # a second: the rnn-practice tutorial's sentence
    rnn-cookbook run numpy_rnn_scratch                               # min-char-rnn's settings, the sentence
    rnn-cookbook run numpy_rnn_scratch --set data=shakespeare --epochs 2   # ~1 M characters per epoch
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import deque
from pathlib import Path
from typing import ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras, which the corpus loader imports: hides TensorFlow's start-up lines)
import keras
import numpy as np

from rnn_cookbook.core import scores
from rnn_cookbook.core import plots
from rnn_cookbook.core import script
from rnn_cookbook.core.config import (
    FRACTION,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_NUMBER,
    POSITIVE_INT,
    POSITIVE_NUMBER,
    Interval,
    OneOf,
    RecipeConfig,
)
from rnn_cookbook.core.distribute import MULTIWORKER_REFUSAL
from rnn_cookbook.generation.corpora import CharText, load_char_text
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE
from rnn_cookbook.core.errors import DataError
from rnn_cookbook.numpy_rnn import Adagrad, NumpyRNN, evaluate_loss, make_optimizer, train_epoch, updates_per_epoch
from rnn_cookbook.core.runs import RunFolder, metrics_record
from rnn_cookbook.core.training import (
    Evaluation, TrainResult, budget_notes, check_baselines, check_same_config, default_verbosity, print_notes,
)

MODEL_FILE = "model.npz"
#: What to try when an n-gram model predicts the validation text better than the RNN.
ADVICE = "more epochs, a larger hidden_size or a longer seq_length; on a short text a 5-gram is hard to beat"


#: Why `rnn-cookbook search` refuses this recipe (scikeras and GridSearchCV need a Keras model).
NOT_SEARCHABLE = (
    "it trains a NumPy RNN by hand (no keras.Model for scikeras to wrap); compare its settings with "
    "`rnn-cookbook run numpy_rnn_scratch --set ...` instead"
)

@dataclasses.dataclass
class Config(RecipeConfig):
    """min-char-rnn's model and settings. One sequence per update: `batch_size` stays 1."""

    recipe: ClassVar[str] = "numpy_rnn_scratch"
    constraints = {
        "hidden_size": POSITIVE_INT, "seq_length": POSITIVE_INT,
        "optimizer": OneOf(("adagrad", "sgd")),  # the two written in NumPy in rnn_cookbook.numpy_rnn
        "strategy": OneOf(("default",), refused={"multiworker": MULTIWORKER_REFUSAL}),  # one CPU: nothing to spread
        "batch_size": Interval(int, 1, 1, text="1 for numpy_rnn_scratch: the NumPy loop updates on one sequence at a time"),
        "clip": POSITIVE_NUMBER, "clip_mode": OneOf(("value", "norm")), "init_scale": POSITIVE_NUMBER,
        "dtype": OneOf(("float64", "float32")), "validation_fraction": FRACTION,
        "print_every": NON_NEGATIVE_INT, "sample_length": POSITIVE_INT, "sample_temperature": NON_NEGATIVE_NUMBER,
    }

    data: str = "fox"  # fox (the rnn-practice tutorial's sentence, a toy) | shakespeare | path to a UTF-8 text file or folder
    hidden_size: int = 100  # min-char-rnn
    seq_length: int = 25  # characters per update (truncated BPTT); min-char-rnn
    learning_rate: float = 0.1  # min-char-rnn's Adagrad rate
    optimizer: str = "adagrad"  # adagrad | sgd
    clip: float | None = 5.0  # gradient clip (None: none); min-char-rnn clips each entry to [-5, 5]
    clip_mode: str = "value"  # value: each entry to [-clip, clip] | norm: global L2 norm at most clip
    init_scale: float = 0.01  # weights ~ N(0, init_scale²), biases 0
    dtype: str = "float64"  # float64 | float32
    epochs: int = 100  # passes over the training text (the sentence needs ~100; a book a few)
    batch_size: int = 1  # the NumPy loop trains on one sequence at a time
    patience: int = 10  # stop after this many epochs without a better validation loss; best parameters kept
    validation_fraction: float = 0.1  # the last 10% of the text (a toy validates on its training text)
    print_every: int = 100  # print the recent loss and a sample every n updates (0: never); min-char-rnn
    sample_length: int = 200  # characters; min-char-rnn
    sample_temperature: float = 1.0  # 1: the model's own distribution, as min-char-rnn samples

    @classmethod
    def quick(cls) -> Config:
        """About a second: the rnn-practice tutorial's sentence, 32 hidden units, 30 epochs (60 updates)."""
        return cls(hidden_size=32, epochs=30, print_every=20, sample_length=44)


def load_data(cfg: Config) -> CharText:
    """The corpus as character ids, split by position (see `rnn_cookbook.generation.corpora.load_char_text`)."""
    return load_char_text(cfg.data, validation_fraction=cfg.validation_fraction)


def build_model(cfg: Config, vocabulary_size: int) -> NumpyRNN:
    """The NumPy RNN (not a Keras model): tanh recurrence, softmax output, seeded initial weights."""
    return NumpyRNN(vocabulary_size, cfg.hidden_size, seed=cfg.seed, dtype=cfg.dtype, init_scale=cfg.init_scale)


def evaluate(model: NumpyRNN, data: CharText) -> dict[str, dict[str, float]]:
    """Validation loss per character of the model, a unigram and a 5-gram model, on the same characters.

    The RNN predicts every character after the first, so the baselines skip the first one too (`start=1`).
    """
    return {
        "model": scores.language_model_scores(evaluate_loss(model, data.validation_ids), level="char"),
        **scores.char_ngram_baselines(data.train_ids, data.validation_ids, len(data.vocabulary)),
    }


def train(
    cfg: Config | None = None,
    *,
    output: str | Path | None = None,
    verbose: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
) -> TrainResult:
    """The whole recipe: corpus, model, epochs of truncated BPTT, validation beside n-grams, run folder.

    Early stopping mirrors the Keras recipes: after `patience` epochs without a lower validation
    loss, training stops and the best parameters come back; `reduce_lr_patience` multiplies the
    learning rate by 0.2 after that many flat epochs.
    """
    cfg = cfg or Config()
    data = load_data(cfg)  # before the run folder: bad data leaves no half-made run behind
    run = RunFolder.create(cfg.recipe, output=output, resume=resume, overwrite=overwrite)
    if resume:
        check_same_config(run, cfg)
    else:
        run.save_config(cfg)  # before training: a crashed run still says what it was
    run.write_json(VOCABULARY_FILE, data.vocabulary.to_dict())
    talk = verbose != 0
    progress = default_verbosity() if verbose is None else verbose  # as Keras' fit: 1 a bar, 2 a line per epoch
    print_notes(data.corpus.notes, verbose)

    model = build_model(cfg, len(data.vocabulary))
    optimizer = make_optimizer(cfg.optimizer, cfg.learning_rate)
    sampling = np.random.default_rng(cfg.seed)
    recent: deque[float] = deque(maxlen=max(cfg.print_every, 1))
    updates = 0
    steps = updates_per_epoch(len(data.train_ids), cfg.seq_length)

    def on_step(loss: float) -> None:
        nonlocal updates
        updates += 1
        recent.append(loss)
        # `bar` and `epoch_start` are this epoch's (the loop below sets them). Not finalized at the
        # last update: the epoch's line waits for its validation loss.
        bar.update(updates - epoch_start, [("loss", loss)], finalize=False)
        if talk and cfg.print_every and updates % cfg.print_every == 0:
            prompt = [int(data.train_ids[0])]
            sample = model.sample(prompt, cfg.sample_length, temperature=cfg.sample_temperature, rng=sampling)
            text = data.vocabulary.decode(prompt + sample)
            if progress == 1:
                print()  # off the bar's line, which the next update redraws below the sample
            print(f"update {updates}: loss {np.mean(recent):.4f} nats/char (mean of the last {len(recent)})")
            print("    " + text.replace("\n", "\n    "))

    history: dict[str, list[float]] = {"loss": [], "val_loss": [], "learning_rate": []}
    best_loss, best_params, flat, lr_flat = float("inf"), None, 0, 0
    first_epoch, earlier_seconds = 1, 0.0  # the seconds that processes before this one trained
    saved = run.load_backup() if resume else None
    if saved is not None:  # the state after the last finished epoch, as save_backup wrote it below
        arrays, state = saved
        model.params = _section(arrays, "params")
        best_params = _section(arrays, "best") or None
        if isinstance(optimizer, Adagrad):
            optimizer.memory = _section(arrays, "memory")
        optimizer.learning_rate = state["learning_rate"]
        history, best_loss, flat, lr_flat = state["history"], state["best_loss"], state["flat"], state["lr_flat"]
        updates, first_epoch = state["updates"], state["epoch"] + 1
        earlier_seconds = state.get("train_seconds", 0.0)  # absent from backups written before it was kept
        sampling.bit_generator.state = state["sampling"]
        if talk:
            print(f"resuming after epoch {state['epoch']} from {run.file('backup')}")
    started = time.perf_counter()
    for epoch in range(first_epoch, cfg.epochs + 1):
        if progress and cfg.epochs > 1:
            print(f"Epoch {epoch}/{cfg.epochs}")
        bar, epoch_start = keras.utils.Progbar(steps, verbose=progress, unit_name="update"), updates
        history["learning_rate"].append(optimizer.learning_rate)
        history["loss"].append(
            train_epoch(model, data.train_ids, optimizer, seq_length=cfg.seq_length, clip=cfg.clip,
                        clip_mode=cfg.clip_mode, on_step=on_step)
        )
        history["val_loss"].append(evaluate_loss(model, data.validation_ids))
        # The epoch's mean loss per character (the bar's running figure weighs a short last chunk fully).
        bar.update(steps, [("loss", history["loss"][-1]), ("val_loss", history["val_loss"][-1])], finalize=True)
        if not np.isfinite(history["val_loss"][-1]):
            raise DataError(f"the loss became {history['val_loss'][-1]} at epoch {epoch}; lower learning_rate or set clip")
        if history["val_loss"][-1] < best_loss:
            best_loss, best_params, flat, lr_flat = history["val_loss"][-1], _copy(model.params), 0, 0
        else:
            flat, lr_flat = flat + 1, lr_flat + 1
            if flat >= cfg.patience:
                if talk:
                    print(f"early stop after epoch {epoch}: no better validation loss for {flat} epochs")
                break
            if cfg.reduce_lr_patience is not None and lr_flat >= cfg.reduce_lr_patience:
                optimizer.learning_rate *= 0.2
                lr_flat = 0
        run.save_backup(
            {
                **_prefixed("params", model.params),
                **_prefixed("best", best_params or {}),
                **_prefixed("memory", getattr(optimizer, "memory", {})),
            },
            {
                "epoch": epoch, "updates": updates, "learning_rate": optimizer.learning_rate, "history": history,
                "best_loss": best_loss, "flat": flat, "lr_flat": lr_flat, "sampling": sampling.bit_generator.state,
                "train_seconds": earlier_seconds + time.perf_counter() - started,
            },
        )
    wall_time = earlier_seconds + time.perf_counter() - started  # every process's epochs, as a resumed Keras run counts
    if best_params is not None:
        model.params = best_params

    run_notes = budget_notes(history, cfg.epochs)
    print_notes(run_notes, verbose)
    scores = evaluate(model, data)
    if not data.corpus.synthetic:  # a toy validates on its training text, which the n-grams have by heart
        baselines = {name: values for name, values in scores.items() if name != "model"}
        run_notes += check_baselines(Evaluation(data.corpus.label, scores["model"], baselines, split="validation"), ADVICE, verbose)
    metrics = metrics_record(
        recipe=cfg.recipe,
        data=data.corpus.label,
        split="validation",
        model=scores.pop("model"),
        baselines=scores,
        epochs_run=len(history["loss"]),
        wall_time_s=wall_time,
        seed=cfg.seed,
        details={"notes": run_notes} if run_notes else None,
    )
    model.save(run.file(MODEL_FILE))
    run.save_history(history)
    run.save_metrics(metrics)
    run.save_figure(plots.loss_curves(history, title=f"{cfg.recipe}: loss per epoch"), "loss.png")
    run.clear_backup()  # last: until the run folder is complete, --resume can still finish it
    return TrainResult(model=model, history=history, metrics=metrics, run=run, config=cfg)


def _copy(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: array.copy() for name, array in params.items()}


def _prefixed(section: str, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{section}.{name}": array for name, array in arrays.items()}


def _section(arrays: dict[str, np.ndarray], section: str) -> dict[str, np.ndarray]:
    return {name.split(".", 1)[1]: array for name, array in arrays.items() if name.startswith(f"{section}.")}


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
