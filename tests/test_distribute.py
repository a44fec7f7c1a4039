"""tf.distribute: the model is built inside the Config's strategy; MirroredStrategy runs for real here
by splitting this machine's CPU into two logical devices (in a subprocess: TensorFlow allows that
only before it first touches a device)."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import cli_here, run_command
from rnn_cookbook.errors import ConfigError

TRAIN_ON_TWO_LOGICAL_CPUS = """
import json, sys
from pathlib import Path
import rnn_cookbook.quiet
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from rnn_cookbook.recipes import timeseries_forecaster as recipe
for strategy in ("default", "mirrored"):  # one process for both: TensorFlow's import is most of the cost
    cfg = recipe.Config.quick().replace(strategy=strategy, epochs=4, patience=4, reduce_lr_patience=None, batch_size=16)
    result = recipe.train(cfg, output=Path(sys.argv[1]) / strategy, verbose=2)
    weight = result.model.weights[0].value
    print(json.dumps({
        "strategy": strategy,
        "replicas": len(getattr(weight, "values", [weight])),
        "mae": result.metrics["model"]["mae"],
        "persistence": result.metrics["baselines"]["persistence"]["mae"],
    }))
"""


def test_mirrored_strategy_trains_on_two_replicas_to_the_same_quality(tmp_path):
    done = run_command(sys.executable, "-c", TRAIN_ON_TWO_LOGICAL_CPUS, str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"strategy"')]
    single, mirrored = sorted(results, key=lambda r: r["strategy"])
    assert single["replicas"] == 1 and mirrored["replicas"] == 2  # variables mirrored on both devices
    assert "mirrored strategy over 2 replicas, global batch 32" in done.stdout  # batch_size is per replica
    assert mirrored["mae"] < mirrored["persistence"] and single["mae"] < single["persistence"]
    assert mirrored["mae"] == pytest.approx(single["mae"], rel=0.1)
    assert (tmp_path / "mirrored" / "model.keras").is_file()


def test_strategy_is_a_checked_config_field():
    from rnn_cookbook.recipes import numpy_rnn_scratch, timeseries_forecaster

    with pytest.raises(ConfigError, match="strategy must be one of default, mirrored, multiworker"):
        timeseries_forecaster.Config(strategy="tpu")
    with pytest.raises(ConfigError, match="strategy must be one of default; got 'mirrored'"):
        numpy_rnn_scratch.Config(strategy="mirrored")


def test_cli_strategy_option_sets_the_field():
    shown = cli_here("run", "timeseries_forecaster", "--strategy", "mirrored", "--show-config")
    assert shown.returncode == 0 and json.loads(shown.stdout)["config"]["strategy"] == "mirrored"
    refused = cli_here("run", "timeseries_forecaster", "--strategy", "tpu", "--show-config")
    assert refused.returncode == 2 and "strategy must be one of" in refused.stderr
