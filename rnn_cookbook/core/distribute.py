"""Training on more than one device, and on more than one machine: the Config's `strategy`.

    rnn-cookbook run row_lstm_classifier --strategy mirrored                          # TensorFlow: this machine's GPUs
    KERAS_BACKEND=jax rnn-cookbook run row_lstm_classifier --strategy data_parallel   # JAX: every device, every process

- `default`: one device, as without this module.
- `mirrored`: TensorFlow's `tf.distribute.MirroredStrategy`, synchronous data parallelism over the
  local GPUs, or over the logical CPUs a process has configured (the tests split one CPU in two).
  TensorFlow backend only.
- `data_parallel`: Keras 3's own `keras.distribution.DataParallel`, over all devices of all
  processes. JAX backend only. One process per host; the processes find each other through
  `keras.distribution.initialize()`, which reads three environment variables:

      KERAS_DISTRIBUTION_JOB_ADDRESSES=host1:12345,host2:12345   # process 0's address first
      KERAS_DISTRIBUTION_NUM_PROCESSES=2
      KERAS_DISTRIBUTION_PROCESS_ID=0                            # 1 on the second host

  Without them it is one process over its local devices. On CPUs the processes sum their
  gradients over gloo (JAX's CPU collectives).

`multiworker` (`tf.distribute.MultiWorkerMirroredStrategy`) is refused: Keras 3's `fit` cannot
train under it (keras-team/keras#20585), so `data_parallel` on JAX is the path across machines.

The model and its optimizer are built and trained inside the distribution's scope, so their
variables live on every device. `batch_size` stays what each device sees (the tutorial's number):
a step takes a global batch of `batch_size x devices`, cut into one slice per process (Keras
shards the `tf.data` pipeline by batch, so each process reads its own batches), then one per
device. Under `data_parallel` the batches are whole (the remainder of an epoch is dropped): every
device gets an equal slice and every process the same number of steps. The learning rate is not
scaled; with many devices, consider raising it with the batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rnn_cookbook.core.errors import ConfigError, DataError

STRATEGIES = ("default", "mirrored", "data_parallel")

#: Read by `keras.distribution.initialize()`: a run spans processes when they are set.
CLUSTER_VARIABLES = (
    "KERAS_DISTRIBUTION_JOB_ADDRESSES",
    "KERAS_DISTRIBUTION_NUM_PROCESSES",
    "KERAS_DISTRIBUTION_PROCESS_ID",
)

MULTIWORKER_REFUSAL = (
    "strategy 'multiworker' cannot train under Keras 3 (its fit does not take MultiWorkerMirroredStrategy, "
    "keras-team/keras#20585); across machines use --strategy data_parallel with KERAS_BACKEND=jax "
    "(README: More than one machine)"
)


@dataclasses.dataclass(frozen=True)
class Cluster:
    """This process's place among the processes of one run, as the environment describes it."""

    processes: int = 1
    process_id: int = 0

    @property
    def is_main(self) -> bool:
        """Process 0 writes the run folder; the others only train and log."""
        return self.process_id == 0

    def folder(self, output: str | Path) -> Path:
        """Where this process writes, given the run's `--output`: process K keeps `output/process-K`."""
        return Path(output) if self.is_main else Path(output) / f"process-{self.process_id}"


def cluster_from_environment(environ: os._Environ | dict[str, str] | None = None) -> Cluster:
    """The `Cluster` the `KERAS_DISTRIBUTION_*` variables describe; one process when none is set."""
    environ = os.environ if environ is None else environ
    given = {name: environ.get(name, "").strip() for name in CLUSTER_VARIABLES}
    if not any(given.values()):
        return Cluster()
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise ConfigError(f"a run over several processes needs all of {', '.join(CLUSTER_VARIABLES)}; missing {', '.join(missing)}")
    try:
        processes = int(given["KERAS_DISTRIBUTION_NUM_PROCESSES"])
        process_id = int(given["KERAS_DISTRIBUTION_PROCESS_ID"])
    except ValueError:
        raise ConfigError(
            "KERAS_DISTRIBUTION_NUM_PROCESSES and KERAS_DISTRIBUTION_PROCESS_ID must be integers, got "
            f"{given['KERAS_DISTRIBUTION_NUM_PROCESSES']!r} and {given['KERAS_DISTRIBUTION_PROCESS_ID']!r}"
        ) from None
    if processes < 1 or not 0 <= process_id < processes:
        raise ConfigError(f"KERAS_DISTRIBUTION_PROCESS_ID must be in 0..{processes - 1}, got {process_id}")
    addresses = given["KERAS_DISTRIBUTION_JOB_ADDRESSES"].split(",")
    if len(addresses) > 1 and len(addresses) != processes:
        raise ConfigError(
            f"KERAS_DISTRIBUTION_JOB_ADDRESSES names {len(addresses)} processes, "
            f"KERAS_DISTRIBUTION_NUM_PROCESSES says {processes}"
        )
    return Cluster(processes=processes, process_id=process_id)


@dataclasses.dataclass
class Distribution:
    """Where one run trains: how many devices share each batch, over how many processes.

    `scope()` is the context the model is built and fitted in. `replicas` counts the devices over
    all processes; `cluster` says which process this is.
    """

    strategy: str
    replicas: int = 1
    cluster: Cluster = dataclasses.field(default_factory=Cluster)
    scope: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext

    def global_batches(self, dataset: Any, batch_size: int) -> Any:
        """`dataset` (batches of `batch_size`) re-cut into global batches of `batch_size x replicas`.

        Under `data_parallel` the last, smaller batch of an epoch is dropped, so that it splits
        evenly over the devices and every process takes the same number of steps.
        """
        if dataset is None or (self.replicas == 1 and self.strategy != "data_parallel"):
            return dataset
        return dataset.rebatch(batch_size * self.replicas, drop_remainder=self.strategy == "data_parallel")

    def check_whole_batches(self, dataset: Any, batch_size: int, split: str) -> None:
        """Refuse `dataset` (global batches) when it holds no whole global batch: nothing to train on."""
        if dataset is None or self.strategy != "data_parallel":
            return
        for _ in dataset.take(1):
            return
        raise DataError(
            f"under data_parallel each step takes a global batch of {batch_size * self.replicas} examples "
            f"(batch_size {batch_size} x {self.replicas} devices), and the {split} data holds fewer: "
            "lower batch_size (--set batch_size=...) or train on fewer devices"
        )

    def oldest(self, epoch: int) -> int:
        """The smallest `epoch` over all processes of the run (a collective: every process calls it)."""
        if self.cluster.processes == 1:
            return epoch
        import numpy as np
        from jax.experimental import multihost_utils

        return int(np.min(multihost_utils.process_allgather(np.asarray(epoch, dtype=np.int32))))

    def record(self) -> dict[str, Any]:
        """What metrics.json keeps of it."""
        return {"strategy": self.strategy, "devices": self.replicas, "processes": self.cluster.processes}

    def describe(self, batch_size: int) -> str:
        """The log line saying how the run is spread."""
        line = f"{self.strategy} over {self.replicas} device(s), global batch {batch_size * self.replicas}"
        if self.cluster.processes > 1:
            line += (
                f", {self.cluster.processes} processes (this is process {self.cluster.process_id}, "
                f"reading {batch_size * self.replicas // self.cluster.processes} examples a step)"
            )
        return line


def make_distribution(name: str, backend: str) -> Distribution:
    """The `Distribution` called `name` (one of STRATEGIES) for the Keras `backend` this process runs.

    `data_parallel` joins the other processes first when the `KERAS_DISTRIBUTION_*` variables
    are set; this blocks until all of them have started (JAX waits up to 5 minutes).
    """
    if name == "multiworker":
        raise ConfigError(MULTIWORKER_REFUSAL)
    if name not in STRATEGIES:
        raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}; got {name!r}")
    if name == "mirrored":
        if backend != "tensorflow":
            raise ConfigError(
                f"strategy 'mirrored' is TensorFlow's: run with KERAS_BACKEND=tensorflow, not {backend!r} "
                "(on JAX use --strategy data_parallel)"
            )
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy()
        return Distribution(name, replicas=strategy.num_replicas_in_sync, scope=strategy.scope)
    if name == "data_parallel":
        if backend != "jax":
            raise ConfigError(
                f"strategy 'data_parallel' trains on the JAX backend: run with KERAS_BACKEND=jax, not {backend!r}"
            )
        return _data_parallel(cluster_from_environment())
    return Distribution(name)


def _data_parallel(cluster: Cluster) -> Distribution:
    import jax
    import keras

    if cluster.processes > 1 and not jax.distributed.is_initialized():
        # CPU devices of different processes can only sum gradients through a collectives library.
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        keras.distribution.initialize()
    devices = keras.distribution.list_devices()
    data_parallel = keras.distribution.DataParallel(devices=devices)
    return Distribution("data_parallel", replicas=len(devices), cluster=cluster, scope=data_parallel.scope)


@contextlib.contextmanager
def one_device() -> Iterator[None]:
    """Leave the Keras distribution for a while: what is built and trained here stays on this
    process's default device, with no other process involved (a text classifier's stage-2
    language-model fine-tuning, which every process runs alike before the distributed fit)."""
    import keras

    current = keras.distribution.distribution()
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(current)


def local_copy(model: Any, build_model: Callable[[], Any]) -> Any:
    """The trained `model` rebuilt outside any distribution, on this process's default device.

    A model trained under `data_parallel` keeps variables that span devices (and processes), so
    predicting on arbitrary batch sizes, evaluating and saving are done on a copy: the same
    architecture, built again, with the trained weights.
    """
    copy = build_model()
    copy.set_weights(model.get_weights())
    return copy


def weights_digest(model: Any) -> str:
    """A short fingerprint of the model's weights: processes that trained in step print the same."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        digest.update(weight.tobytes())
    return digest.hexdigest()[:16]

