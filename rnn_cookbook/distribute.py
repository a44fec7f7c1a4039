"""Training on more than one device with `tf.distribute`, chosen by name in a Config.

    rnn-cookbook run row_lstm_classifier --strategy mirrored      # every GPU (or logical CPU) of this machine
    rnn-cookbook run row_lstm_classifier --strategy multiworker   # several machines, described by TF_CONFIG

`train_recipe` builds and compiles the recipe's model inside the strategy's scope, so its variables
are mirrored on every replica, and Keras' `fit` splits each batch across the replicas and sums
their gradients. A Config's `batch_size` stays what each replica sees (the tutorial's number), so
the global batch that the input pipeline delivers is `batch_size x replicas`: two GPUs train on
twice the examples per step. The learning rate is not scaled; with many replicas, consider it.

- `default`: no distribution (TensorFlow's default strategy): one device, as without this module.
- `mirrored`: `MirroredStrategy`, synchronous data parallelism over the local GPUs, or over the
  logical CPUs a process has configured (the tests split one CPU into two that way).
- `multiworker`: `MultiWorkerMirroredStrategy`. Each worker runs the same command with its own
  `TF_CONFIG` environment variable naming the cluster and its index in it, e.g.
  `TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'`;
  without `TF_CONFIG` it is a cluster of one. Worker 0 is the chief, whose run folder is the one
  to keep; give the others their own `--output`.
"""

from __future__ import annotations

from typing import Any

STRATEGIES = ("default", "mirrored", "multiworker")


def make_strategy(name: str) -> Any:
    """The `tf.distribute.Strategy` called `name` (one of STRATEGIES)."""
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    from rnn_cookbook.errors import ConfigError

    raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}; got {name!r}")


def global_batches(dataset: Any, batch_size: int, replicas: int) -> Any:
    """`dataset` (batches of `batch_size`) re-cut into global batches of `batch_size x replicas`."""
    if replicas == 1 or dataset is None:
        return dataset
    return dataset.rebatch(batch_size * replicas)
