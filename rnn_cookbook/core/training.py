"""The one training path every recipe takes: seed, build, fit, evaluate, save, report.

A recipe's `train(cfg)` prepares its data and hands this module three things: a function that
builds the compiled model, a function that builds the train and validation datasets, and one that evaluates the
trained model on held-out data beside baselines. `train_recipe` does the rest in the same order
for every recipe:

1. make the run folder and write `config.json` first (a crashed run still says what it was);
2. seed Python, NumPy and TensorFlow with `keras.utils.set_random_seed(cfg.seed)`, then build the
   datasets (their shuffle depends on that seed) and the model;
3. fit it with the callback presets (early stopping, LR schedule, backup), inside the Config's
   strategy (`rnn_cookbook.core.distribute`; one device by default);
4. note any baseline that beats the model on the validation split (`validate`, `advice`), evaluate,
   then write `model.keras`, `history.csv`, `metrics.json` and the PNG plots.

Under `strategy="data_parallel"` over several processes, every process trains; process 0 alone
evaluates and writes the run folder at `output`, and process K keeps its epoch log, its backup
(for `--resume`) and its config in `output/process-K`. Each prints a digest of its final weights:
processes that trained in step print the same one.

`resume=True` continues a killed run in its own folder (`rnn-cookbook run ... --output DIR
--resume`): the config must be the one in its `config.json`, Keras' `BackupAndRestore` brings back
the weights, the optimizer state and the epoch, and the history is read from the live epoch log,
so it covers every epoch once. The epochs after it read the data in the orders an unbroken run
would, with the same dropout masks: the backup keeps the random layers' states, and the training
pipeline's shuffles move on by the epochs done (`pipeline.skip_epochs`). Early stopping starts
counting afresh after a resume: its memory of the best epoch is not part of the backup.

The result carries the model, the history, the metrics and the run folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from rnn_cookbook.core.quiet import import_tensorflow_quietly  # before Keras: hides TensorFlow's start-up log lines
import keras

from rnn_cookbook.core import callbacks as presets
from rnn_cookbook.core.distribute import Cluster, cluster_from_environment, local_copy, make_distribution, weights_digest
from rnn_cookbook.core import plots
from rnn_cookbook.core.errors import ConfigError, RunFolderError, TrainingError
from rnn_cookbook.core.headline import validation_notes
from rnn_cookbook.core.runs import DEFAULT_ROOT, RunFolder, json_number, metrics_record, metrics_table


class RunOptions(TypedDict, total=False):
    """Where and how a recipe's `train(cfg, **run)` runs: what `train_recipe` takes beside the recipe's parts."""

    output: str | Path | None  # the run folder; default runs/<recipe>/<timestamp>/
    verbose: int | None  # 0 quiet, 1 a progress bar, 2 a line per epoch; None: 1 on a terminal, else 2
    resume: bool  # continue the killed run in `output` from its last backed-up epoch
    overwrite: bool  # replace what `output` holds (a finished run, other files), removed whole first


@dataclasses.dataclass
class Evaluation:
    """What a recipe's evaluation returns: metrics of the model and of each baseline, and figures."""

    data: str
    model: dict[str, float]
    baselines: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    figures: dict[str, Any] = dataclasses.field(default_factory=dict)
    split: str = "test"
    details: dict[str, Any] = dataclasses.field(default_factory=dict)  # more of metrics.json (per-target errors)
    ceilings: tuple[str, ...] = ()  # baselines that bound any model (the tagger's forward filter): never noted as beating it
    companions: tuple[str, ...] = ()  # rows made from the model itself (the text runs' `combined`): printed, never noted as rivals
    keep: Callable[[RunFolder], None] | None = None  # writes what else the run folder keeps (a fitted baseline predict reuses)


@dataclasses.dataclass
class TrainResult:
    """The outcome of `train_recipe`: the trained model and everything written about it."""

    model: keras.Model
    history: dict[str, list[float]]
    metrics: dict[str, Any]
    run: RunFolder
    config: Any
    cluster: Cluster = dataclasses.field(default_factory=Cluster)

    def summary(self) -> str:
        """The metrics table and the path of the run folder, as the CLI prints them."""
        if not self.cluster.is_main:
            return (
                f"process {self.cluster.process_id} of {self.cluster.processes} finished; process 0 writes the run "
                f"folder, the plots and metrics.json\nlog folder: {self.run.path}"
            )
        return f"{metrics_table(self.metrics)}\n\nrun folder: {self.run.path}"


def set_seed(seed: int) -> None:
    """Seed Python's `random`, NumPy and the backend in one call.

    Keras seeds TensorFlow too on every backend (the `tf.data` shuffles depend on it), which imports
    TensorFlow: done quietly here, since `rnn_cookbook.core.quiet` imports it only for its own backend.
    """
    import_tensorflow_quietly()
    keras.utils.set_random_seed(seed)


def make_optimizer(config: Any, **options: Any) -> keras.optimizers.Optimizer:
    """The Keras optimizer a Config names (`optimizer`), at its `learning_rate`.

    Every recipe compiles with this, so `optimizer` is a Config field like any other: set from the
    CLI (`--set optimizer=rmsprop`), searched by `rnn_cookbook.search`, saved in config.json.
    While `count_parameters` builds a model only to count it, there is no optimizer (None).
    """
    if _COUNTING:
        return None
    settings = {"learning_rate": config.learning_rate, **options}  # options: clipnorm, ...
    return keras.optimizers.get({"class_name": config.optimizer, "config": settings})


def compile_model(model: keras.Model, optimizer: keras.optimizers.Optimizer | None, loss: Any,
                  metrics: Sequence[keras.metrics.Metric] = ()) -> keras.Model:
    """`model.compile`, with the optimizer's variables made at once. Every recipe compiles through it.

    Metrics come as objects (`keras.metrics.BinaryAccuracy(name="accuracy")`), never as strings:
    Keras on TensorFlow, with no distribution strategy, makes a string's metric and the optimizer's
    slots inside the first trace of the train step, and TensorFlow, seeing variables made in a
    `tf.function`, traces the whole step a second time. Made here, they exist before `fit` traces,
    which saves one trace of the train step per `fit` (a quick translator run: 30 s -> 25 s on 2
    cores). Keras asks for a new `compile` after any change to `trainable`, so building the
    optimizer on today's trainable variables is what `fit` would do.
    """
    named = [metric for metric in metrics if isinstance(metric, str)]
    if named:
        raise TypeError(f"compile_model takes metric objects, not names {named}: "
                        "keras.metrics.BinaryAccuracy(name='accuracy'), not 'accuracy' (see its docstring)")
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    if optimizer is not None and not model.optimizer.built:  # no optimizer: only counting parameters
        model.optimizer.build(model.trainable_variables)
    return model


def compile_for_classes(model: keras.Model, config: Any, optimizer: keras.optimizers.Optimizer | None = None) -> keras.Model:
    """Compile a softmax model for integer class labels: sparse categorical cross-entropy and accuracy.

    Integer labels, not one-hot: the tutorials one-hot encoded theirs, which costs memory and changes no
    gradient. The optimizer is the Config's (`make_optimizer`) unless one is given. A Config with
    `label_smoothing` above 0 trains on the smoothed loss (`rnn_cookbook.core.losses`) and keeps the
    plain cross-entropy as the metric `cross_entropy`, so its figures compare with unsmoothed runs.
    Returns `model`.
    """
    smoothing = getattr(config, "label_smoothing", 0.0)
    accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    if smoothing:
        from rnn_cookbook.core.losses import SmoothedSparseCrossentropy

        loss: Any = SmoothedSparseCrossentropy(smoothing)
        metrics = [accuracy, keras.metrics.SparseCategoricalCrossentropy(name="cross_entropy")]
    else:
        loss, metrics = "sparse_categorical_crossentropy", [accuracy]
    return compile_model(model, optimizer or make_optimizer(config), loss, metrics)


@contextlib.contextmanager
def whole_epochs_without_a_length() -> Iterator[None]:
    """Silence Keras' "Your input ran out of data" for datasets that end where their epoch ends.

    Re-cut batches (`Distribution.global_batches`) have no known length, so Keras learns an epoch's
    by reaching its end and warns that the input ran out: no step is missing, since no
    `steps_per_epoch` is set.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Your input ran out of data", category=UserWarning)
        yield


def check_same_config(run: RunFolder, config: Any) -> None:
    """Refuse to resume `run` with a config other than the one it started with (naming the differences)."""
    saved = run.load_config(type(config))
    if saved != config:
        before, now = saved.to_dict(), config.to_dict()
        changes = "; ".join(f"{key}: {before[key]!r} -> {now[key]!r}" for key in now if before.get(key) != now[key])
        raise RunFolderError(
            f"cannot resume {run.path} with other settings ({changes}); resume with its own config: "
            f"--config {run.file('config.json')}, or leave out --quick/--set/--epochs"
        )


def print_notes(notes: Sequence[str], verbose: int | None) -> None:
    """Say what a person should know about the data (gaps filled, a toy set, a split), unless quiet."""
    if verbose != 0:
        for note in notes:
            print(f"note: {note}")


def budget_notes(history: Mapping[str, Sequence[float]], epochs: int) -> list[str]:
    """A note when training used every epoch and its best validation loss came last: it was still improving."""
    losses = list(history.get("val_loss", []))
    if len(losses) < max(epochs, 2) or min(range(len(losses)), key=losses.__getitem__) != len(losses) - 1:
        return []
    return [
        f"the validation loss was still falling at the last of the {epochs} epochs (best epoch = last): "
        f"training stopped at the budget, not at a plateau; try a larger --epochs"
    ]


_COUNTING = False  # True while `count_parameters` builds a model to count it

#: A model whose float32 weights, gradients and Adam's two moments would take more than this share
#: of the machine's memory is refused before it is built (activations and data need the rest).
MEMORY_SHARE = 0.5


def count_parameters(build_model: Callable[[], keras.Model]) -> int:
    """The parameters `build_model()` makes, counted from their shapes without allocating them.

    The model is built inside a `keras.StatelessScope` that does not initialise its variables, so
    a model too large for memory is counted, not made, and `compile` is skipped for it (an
    optimizer makes variables of its own, which a stateless scope refuses). Keras keeps the
    waiting variables in a global list to initialise later (`keras.src.backend.common.global_state`,
    Keras 3.3 to 3.15 at least; `tests/test_divergence.py` names it); the list is put back as it
    was, so they never are.
    """
    from keras.src.backend.common import global_state

    global _COUNTING
    waiting = list(global_state.get_global_attribute("uninitialized_variables", [], set_to_default=True))
    own_compile = keras.Model.__dict__.get("compile")
    keras.Model.compile = lambda self, *args, **kwargs: None
    _COUNTING = True
    try:
        with keras.StatelessScope(initialize_variables=False):
            return int(build_model().count_params())
    finally:
        if own_compile is None:
            del keras.Model.compile
        else:
            keras.Model.compile = own_compile
        global_state.set_global_attribute("uninitialized_variables", waiting)
        _COUNTING = False


def physical_memory() -> int | None:
    """Bytes of memory this machine has, where the system says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_model_size(build_model: Callable[[], keras.Model]) -> int:
    """Refuse, in one line with the figures, settings whose model cannot fit in memory; return its parameter count."""
    count = count_parameters(build_model)
    needed, available = 16 * count, physical_memory()  # 4 float32 copies: weights, gradients, Adam's two moments
    if available and needed > MEMORY_SHARE * available:
        raise ConfigError(
            f"these settings make a model of {count:,} parameters, which needs about {_size(needed)} for its weights, "
            f"gradients and optimizer state: more than half of this machine's {_size(available)}; choose smaller "
            "settings (units, layers, embedding_dim, vocabulary size)"
        )
    return count


def _size(nbytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if nbytes < 1000 or unit == "PB":
            return f"{nbytes:,.0f} {unit}" if unit == "bytes" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1000
    return ""  # pragma: no cover


def diverged_message(diverged: Mapping[str, Any], run: RunFolder) -> str:
    """One line: where the loss stopped being a number, at what rate, and what to try."""
    losses = ", ".join(f"{name} {value:.4g}" for name, value in diverged["losses"].items())
    rate = diverged["learning_rate"]
    lower = 1e-3 if rate > 1e-2 else rate / 10  # back to Adam's own rate, or a tenth of a small one
    return (
        f"training diverged at epoch {diverged['epoch']} ({losses}) with learning_rate {rate:g}; no model was saved "
        f"({run.file(FAILED_FILE)} records it). Try a lower learning rate (--set learning_rate={lower:g}), "
        "a smaller model, or check the data for extreme values"
    )


FAILED_FILE = "failed.json"


def default_verbosity() -> int:
    """Keras' progress bar on a terminal, one line per epoch in logs and CI."""
    return 1 if sys.stdout.isatty() else 2


def train_recipe(
    config: Any,
    *,
    build_model: Callable[[], keras.Model],
    datasets: Callable[[], tuple[Any, Any]],
    evaluate: Callable[[keras.Model], Evaluation],
    examples_per_epoch: int,
    class_weight: Mapping[int, float] | None = None,
    extra_callbacks: Sequence[keras.callbacks.Callback] = (),
    before_fit: Callable[..., Mapping[str, Any]] | None = None,
    json_files: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
    output: str | Path | None = None,
    runs_root: str | Path = DEFAULT_ROOT,
    verbose: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    keep_start: str | None = None,
    validate: Callable[[keras.Model], Evaluation] | None = None,
    advice: str | None = None,
) -> TrainResult:
    """Train, evaluate and save one recipe run (see the module docstring).

    `datasets()` returns the training and validation data; it is called after seeding because a
    `tf.data` shuffle takes TensorFlow's global seed at the moment it is built, and a pipeline built
    before `set_seed` would shuffle differently in a fresh process than after an earlier run.

    Training uses the `standard` callback presets, set by the config's `learning_rate`, `patience`
    and `reduce_lr_patience`, plus any `extra_callbacks` the recipe needs (a sample printer, say).
    `json_files` (name -> data) are written into the run folder before training, e.g. the
    vocabulary a reloaded model needs. `notes` about the data are printed first (not when quiet).

    `before_fit(model, run=, train_data=, validation_data=, verbose=)` prepares the built model
    before the main fit (a text classifier's language-model pretraining) and returns what it
    measured, which joins `metrics.json`.

    `class_weight` (class -> weight) scales each example's loss by its class, as Keras' `fit` does.

    `examples_per_epoch` is how many training examples (windows, texts, sequences) one epoch of
    the training dataset holds, as the recipe's arrays know it: `metrics.json` records the training
    speed (`samples_per_s`) from it, without another pass over the data to count them.

    `keep_start` names what the built model already is before any training (say "the fitted
    linear model"): its validation loss is measured before the first epoch, and when no epoch
    beats it, training is undone and that starting point is what gets evaluated and saved, with
    a note. Early stopping alone keeps only the best *epoch*, which can be worse than where it began.

    When the epoch budget ends the fit while the validation loss is still falling (its best epoch
    is the last), the run says so in a note and in `metrics.json` (`notes`): more epochs would
    likely help.

    `validate(model)` scores the trained model on the *validation* split beside the same baselines
    (fitted on the training split, as for the test), before the test evaluation; its figures join
    `metrics.json` under `validation` (`{"model": ..., "baselines": ...}`). Given `advice` (what to
    try, in words), each baseline that beats the model there gets one note, printed and kept under
    `notes` after the budget note (`rnn_cookbook.core.headline.validation_notes`). A recipe whose
    `evaluate` already reports on the validation split passes no `validate`: its evaluation is
    read instead of scoring the model twice. No `advice`, no notes: a recipe whose baselines are
    not comparable on its validation split (a toy that validates on its training text) says nothing.
    """
    print_notes(notes, verbose)
    verbose = default_verbosity() if verbose is None else verbose
    check_model_size(build_model)  # before the run folder: settings too large for memory leave nothing behind
    if config.strategy == "data_parallel" and output is None and cluster_from_environment().processes > 1:
        raise RunFolderError(
            "a run over several processes needs --output DIR, the same on every process: process 0 writes "
            "its run folder there, process K its log in DIR/process-K"
        )
    distribution = make_distribution(config.strategy, keras.backend.backend())  # joins the other processes
    cluster = distribution.cluster
    if output is not None:
        output = cluster.folder(output)
    run = RunFolder.create(config.recipe, output=output, root=runs_root, resume=resume, overwrite=overwrite)
    if resume:
        check_same_config(run, config)
    else:
        run.save_config(config)
    if cluster.is_main:  # what reloading the model needs: only the run folder's owner writes it
        for name, content in (json_files or {}).items():
            run.write_json(name, content)
    from rnn_cookbook.core import pipeline  # tf.data, which every recipe's datasets are

    set_seed(config.seed)
    train_data, validation_data = (distribution.global_batches(d, config.batch_size) for d in datasets())
    distribution.check_whole_batches(train_data, config.batch_size, "training")
    distribution.check_whole_batches(validation_data, config.batch_size, "validation")
    if distribution.strategy != "default" and verbose:
        print(f"note: {distribution.describe(config.batch_size)}")
    with distribution.scope():  # the model's and the optimizer's variables live on every device
        model = build_model()
        prepared = {} if before_fit is None else dict(
            before_fit(model, run=run, train_data=train_data, validation_data=validation_data, verbose=verbose)
        )
    chosen = presets.standard(
        run.path,
        learning_rate=config.learning_rate,
        patience=config.patience,
        reduce_lr_patience=config.reduce_lr_patience,
        oldest_epoch=distribution.oldest if distribution.cluster.processes > 1 else None,
        # The epochs after a resume read the orders the unbroken run would have read, not its first ones again.
        on_resume=lambda epochs: pipeline.skip_epochs(train_data, epochs),
    ) + list(extra_callbacks)
    start = None
    if keep_start is not None and not resume:  # a resumed run's start is its backup, not the built model
        with distribution.scope(), whole_epochs_without_a_length():
            measured = model.evaluate(validation_data, verbose=0)
        start = (float(measured[0] if isinstance(measured, list) else measured), model.get_weights())
    divergence = presets.StopOnDivergence()
    chosen.insert(0, divergence)  # first: the epoch's NaN is seen before the others act on it

    started = time.perf_counter()
    with distribution.scope(), whole_epochs_without_a_length():
        fit = model.fit(
            train_data,
            validation_data=validation_data,
            epochs=config.epochs,
            callbacks=chosen,
            class_weight=dict(class_weight) if class_weight else None,
            shuffle=False,  # datasets arrive shuffled by their own seeded pipeline
            verbose=verbose,
        )
    wall_time = time.perf_counter() - started
    history = {k: [float(v) for v in values] for k, values in fit.history.items()}
    if divergence.diverged is not None:  # nothing is scored or saved from NaN weights
        if cluster.is_main:
            run.write_json(FAILED_FILE, {"reason": "the loss diverged", **divergence.diverged, "history": history})
        raise TrainingError(diverged_message(divergence.diverged, run))
    kept: dict[str, Any] = {}
    if start is not None and history.get("val_loss") and start[0] <= min(history["val_loss"]):
        model.set_weights(start[1])
        kept = {"kept_start": {"what": keep_start, "val_loss": start[0], "best_epoch_val_loss": min(history["val_loss"])}}
        print_notes(
            [f"no epoch beat the starting point on validation (val_loss {start[0]:.4g} before training, "
             f"{min(history['val_loss']):.4g} at the best epoch): the model kept is {keep_start}, untrained"],
            verbose,
        )
    fit_time, timing = wall_time, {}  # this process's time: its throughput is its own epochs over it
    if resume:
        history = run.load_epoch_log() or history  # the epochs before the crash, then these
        wall_time, timing_note = whole_training_time(run.load_epoch_times(), len(history.get("loss", [])), fit_time)
        print_notes([timing_note] if timing_note else [], verbose)
        timing = {"wall_time_note": timing_note} if timing_note else {}
    if distribution.strategy == "data_parallel":
        if cluster.processes > 1 and verbose:
            print(f"note: process {cluster.process_id} of {cluster.processes}, weights digest {weights_digest(model)}")
        model = local_copy(model, build_model)  # its variables span devices: evaluate and save a one-device copy
    if not cluster.is_main:
        return TrainResult(model=model, history=history, metrics={}, run=run, config=config, cluster=cluster)

    run_notes = budget_notes(history, config.epochs)
    print_notes(run_notes, verbose)
    validation = None if validate is None else validate(model)  # before the test: what to try is chosen on validation
    run_notes += check_baselines(validation, advice, verbose)
    evaluation = evaluate(model)
    if validation is None and evaluation.split == "validation":  # the recipe's own evaluation is the validation one
        run_notes += check_baselines(evaluation, advice, verbose)
    metrics = metrics_record(
        recipe=config.recipe,
        data=evaluation.data,
        split=evaluation.split,
        model=evaluation.model,
        baselines=evaluation.baselines,
        epochs_run=len(history.get("loss", [])),
        wall_time_s=wall_time,
        seed=config.seed,
        samples_per_s=examples_per_epoch * len(fit.history.get("loss", [])) / fit_time,
        details={
            **prepared,
            **kept,
            **timing,
            **evaluation.details,
            **({"notes": run_notes} if run_notes else {}),
            **({"validation": scores_record(validation)} if validation is not None else {}),
            **({"distribution": distribution.record()} if distribution.strategy != "default" else {}),
        },
    )
    run.save_model(model)
    if evaluation.keep is not None:
        evaluation.keep(run)
    run.save_history(history)
    run.save_metrics(metrics)
    run.save_figure(plots.loss_curves(history, title=f"{config.recipe}: loss per epoch"), "loss.png")
    for name, figure in evaluation.figures.items():
        run.save_figure(figure, name)
    return TrainResult(model=model, history=history, metrics=metrics, run=run, config=config, cluster=cluster)


def whole_training_time(epoch_times: Mapping[int, float], epochs: int, this_process_s: float) -> tuple[float, str | None]:
    """A resumed run's training time: the seconds of every epoch it kept, from every process that ran one.

    A run started before epoch times were logged has some epochs without one: it counts those it
    has (never less than this process's own time) and says how many it could not.
    """
    known = [epoch_times[epoch] for epoch in range(epochs) if epoch in epoch_times]
    if len(known) == epochs:
        return sum(known), None
    return max(sum(known), this_process_s), (
        f"wall_time_s counts {len(known)} of the {epochs} epochs: the others ran before this version "
        "logged epoch times (logs/epoch_times.csv)")


def scores_record(evaluation: Evaluation) -> dict[str, Any]:
    """`{"model": ..., "baselines": ...}` of `evaluation`, numbers as `metrics.json` writes its own (not finite: null)."""
    return {
        "model": {k: json_number(v) for k, v in evaluation.model.items()},
        "baselines": {name: {k: json_number(v) for k, v in values.items()} for name, values in evaluation.baselines.items()},
    }


def check_baselines(validation: Evaluation | None, advice: str | None, verbose: int | None) -> list[str]:
    """The notes of the baselines that beat the model on `validation`, printed (not when quiet); none without advice.

    `train_recipe` calls it on the validation evaluation; a recipe with a training loop of its own
    (`numpy_rnn_scratch`) calls it too, so its notes read and record the same way.
    """
    if validation is None or advice is None:
        return []
    notes = validation_notes(validation, advice)
    print_notes(notes, verbose)
    return notes
