"""The Config's strategy: MirroredStrategy runs for real here by splitting this machine's CPU into two
logical devices (in a subprocess: TensorFlow allows that only before it first touches a device);
the refusals, and how a run spread over processes reads its place from the environment. Training
under `data_parallel` on JAX is in test_data_parallel.py."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import cli_here, run_command
from rnn_cookbook.core.distribute import Cluster, Distribution, cluster_from_environment, make_distribution
from rnn_cookbook.core.errors import ConfigError, DataError

TRAIN_ON_TWO_LOGICAL_CPUS = """
import json, os, sys
from pathlib import Path
import rnn_cookbook.core.quiet
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from rnn_cookbook.recipes import timeseries_forecaster as recipe
for strategy in ("default", "mirrored"):  # one process for both: TensorFlow's import is most of the cost
    cfg = recipe.Config.quick().replace(strategy=strategy, epochs=2, reduce_lr_patience=None)
    result = recipe.train(cfg, output=Path(sys.argv[1]) / strategy, verbose=2)
    weight = result.model.weights[0].value
    print(json.dumps({
        "strategy": strategy,
        "replicas": len(getattr(weight, "values", [weight])),
        "mae": result.metrics["model"]["mae"],
        "persistence": result.metrics["baselines"]["persistence"]["mae"],
    }))
# Leave without TensorFlow's teardown: with two logical devices its C++ side waits on its threads at
# exit, 2 s on an idle machine and up to a minute while the other test worker keeps the cores busy.
# Everything checked is printed or written by now.
sys.stdout.flush()
os._exit(0)
"""


def test_mirrored_strategy_trains_on_two_replicas_to_the_same_quality(tmp_path):
    done = run_command(sys.executable, "-c", TRAIN_ON_TWO_LOGICAL_CPUS, str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"strategy"')]
    single, mirrored = sorted(results, key=lambda r: r["strategy"])
    assert single["replicas"] == 1 and mirrored["replicas"] == 2  # variables mirrored on both devices
    assert "mirrored over 2 device(s), global batch 64" in done.stdout  # batch_size is per replica
    assert "ran out of data" not in done.stderr  # re-cut batches end with their epoch: nothing to warn of
    assert mirrored["mae"] < mirrored["persistence"] and single["mae"] < single["persistence"]
    assert mirrored["mae"] == pytest.approx(single["mae"], rel=0.1)
    assert (tmp_path / "mirrored" / "model.keras").is_file()


def test_strategy_is_a_checked_config_field():
    from rnn_cookbook.recipes import numpy_rnn_scratch, timeseries_forecaster

    with pytest.raises(ConfigError, match="strategy must be one of default, mirrored, data_parallel; got 'tpu'"):
        timeseries_forecaster.Config(strategy="tpu")
    with pytest.raises(ConfigError, match="strategy must be one of default; got 'data_parallel'"):
        numpy_rnn_scratch.Config(strategy="data_parallel")


def test_cli_strategy_option_sets_the_field():
    shown = cli_here("run", "timeseries_forecaster", "--strategy", "mirrored", "--show-config")
    assert shown.returncode == 0 and json.loads(shown.stdout)["config"]["strategy"] == "mirrored"
    refused = cli_here("run", "timeseries_forecaster", "--strategy", "tpu", "--show-config")
    assert refused.returncode == 2 and "strategy must be one of" in refused.stderr


def test_multiworker_is_refused_in_one_line_that_names_the_path_that_works():
    refused = cli_here("run", "row_lstm_classifier", "--quick", "--strategy", "multiworker")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "keras-team/keras#20585" in refused.stderr
    assert "--strategy data_parallel with KERAS_BACKEND=jax" in refused.stderr


def test_each_strategy_refuses_the_other_backend_before_writing_anything(tmp_path):
    refused = cli_here("run", "timeseries_forecaster", "--quick", "--strategy", "data_parallel", "--output", str(tmp_path / "run"))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "run with KERAS_BACKEND=jax, not 'tensorflow'" in refused.stderr
    assert not (tmp_path / "run").exists()
    with pytest.raises(ConfigError, match="run with KERAS_BACKEND=tensorflow, not 'jax'"):
        make_distribution("mirrored", "jax")


CLUSTER = {
    "KERAS_DISTRIBUTION_JOB_ADDRESSES": "host1:1234,host2:1234",
    "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
    "KERAS_DISTRIBUTION_PROCESS_ID": "1",
}


def test_the_environment_places_this_process_in_the_run(tmp_path):
    assert cluster_from_environment({}) == Cluster(processes=1, process_id=0)
    second = cluster_from_environment(CLUSTER)
    assert second == Cluster(processes=2, process_id=1) and not second.is_main
    assert second.folder(tmp_path) == tmp_path / "process-1"  # process 0 writes the run folder itself
    assert cluster_from_environment({**CLUSTER, "KERAS_DISTRIBUTION_JOB_ADDRESSES": "host1:1234"}).processes == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"KERAS_DISTRIBUTION_PROCESS_ID": ""}, "needs all of .*; missing KERAS_DISTRIBUTION_PROCESS_ID"),
        ({"KERAS_DISTRIBUTION_NUM_PROCESSES": "two"}, "must be integers, got 'two' and '1'"),
        ({"KERAS_DISTRIBUTION_PROCESS_ID": "2"}, r"PROCESS_ID must be in 0\.\.1, got 2"),
        ({"KERAS_DISTRIBUTION_JOB_ADDRESSES": "a:1,b:1,c:1"}, "names 3 processes, KERAS_DISTRIBUTION_NUM_PROCESSES says 2"),
    ],
)
def test_a_bad_cluster_description_is_one_clear_error(changes, message):
    with pytest.raises(ConfigError, match=message):
        cluster_from_environment({**CLUSTER, **changes})


def test_a_run_over_processes_needs_an_output_folder(monkeypatch):
    for name, value in CLUSTER.items():
        monkeypatch.setenv(name, value)
    refused = cli_here("run", "timeseries_forecaster", "--quick", "--strategy", "data_parallel")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "needs --output DIR, the same on every process" in refused.stderr


def test_data_parallel_steps_take_whole_global_batches():
    """Batches are cut to batch_size x devices, the remainder dropped; data too small for one is refused."""
    import tensorflow as tf

    distribution = Distribution("data_parallel", replicas=2)
    batches = distribution.global_batches(tf.data.Dataset.range(150).batch(32), 32)
    assert [len(batch) for batch in batches] == [64, 64]  # 22 examples left over: every device gets 32
    distribution.check_whole_batches(batches, 32, "training")
    too_small = distribution.global_batches(tf.data.Dataset.range(40).batch(32), 32)
    with pytest.raises(DataError, match=r"global batch of 64 examples \(batch_size 32 x 2 devices\), and the "
                                        r"validation data holds fewer: lower batch_size"):
        distribution.check_whole_batches(too_small, 32, "validation")
