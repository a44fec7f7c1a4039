"""`--strategy data_parallel`: Keras 3's DataParallel on JAX, for real, on this machine's CPU.

Two devices in one process (XLA splits the CPU in two), then two processes on localhost that find
each other through the `KERAS_DISTRIBUTION_*` variables and sum their gradients over gloo, as two
hosts would, and the same two killed after an epoch and resumed. Each process is a new
interpreter (Keras picks its backend at import), so the forecaster's quick config keeps them short.
Skipped without JAX (`pip install "rnn-cookbook[jax]"`; the `dev` extra has it, so CI runs these).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_command

pytestmark = [
    pytest.mark.backend,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed (extra `jax`)"),
]

RUN = ("run", "timeseries_forecaster", "--quick", "--strategy", "data_parallel")  # as in the README's example
#: How far process 0's test MAE may be from the one-process run's. The same global batches meet the
#: same weights in both, so only the order of float sums differs: measured equal to 4 digits here.
TOLERANCE = 0.02
TIMEOUT = 300  # seconds for a process; JAX's own wait for the other processes is 5 minutes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def readme_commands() -> list[tuple[dict[str, str], list[str]]]:
    """The README's two-terminal example: each line's environment variables and arguments."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("**Two processes on one machine.**"):]
    start = section.index("```bash\n") + len("```bash\n")
    block = section[start:section.index("\n```", start)]
    commands = []
    for line in block.splitlines():  # comments, then one whole command per line
        if line.startswith("#"):
            continue
        words = shlex.split(line)
        env = dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))
        commands.append((env, words[len(env):]))
    assert len(commands) == 2, block
    return commands


def start_processes(cwd: Path, *options: str) -> list[subprocess.Popen]:
    """The README's two commands, one process each, as in two terminals, with `options` added.

    Two changes to the lines as written: a free port instead of 12345 (another test, or another
    program, may hold that one), and `python -m rnn_cookbook` for `rnn-cookbook`, which names the
    same entry point without needing the virtual environment on PATH. Each process writes to its
    own files, not to a pipe: a process blocked on a full pipe that nobody reads yet would stall
    the other in its next collective step.
    """
    port = str(free_port())
    started = []
    for env, words in readme_commands():
        assert words[0] == "rnn-cookbook"
        env = {**os.environ, **{k: v.replace("12345", port) for k, v in env.items()}}
        env.pop("RNN_COOKBOOK_VERBOSE", None)
        env.pop("XLA_FLAGS", None)
        logs = cwd / f"process{env['KERAS_DISTRIBUTION_PROCESS_ID']}.{time.monotonic_ns()}"
        with open(f"{logs}.out", "w") as out, open(f"{logs}.err", "w") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "rnn_cookbook", *words[1:], *options],
                cwd=cwd, env=env, stdout=out, stderr=err, text=True,
            )
        process.logs = logs
        started.append(process)
    return started


def finish(processes: list[subprocess.Popen]) -> list[str]:
    """Wait for every process; their stdout, once each has exited with 0."""
    outputs = []
    for process in processes:
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
        err = Path(f"{process.logs}.err").read_text()
        assert process.returncode == 0, err[-3000:]
        outputs.append(Path(f"{process.logs}.out").read_text())
    return outputs


def digest(out: str) -> str:
    (found,) = re.findall(r"weights digest ([0-9a-f]{16})", out)
    return found


# One process, two devices: the forecaster as in the README's example, then a text classifier that
# starts from a language model and fine-tunes it first (stage 2 runs outside the distribution).
ONE_PROCESS = """
import sys
from pathlib import Path
import rnn_cookbook.core.quiet
from rnn_cookbook.recipes import sentiment_rnn, timeseries_forecaster

out, encoder = Path(sys.argv[1]), sys.argv[2]
timeseries_forecaster.train(timeseries_forecaster.Config.quick().replace(strategy="data_parallel"), output=out / "forecaster")
classifier = sentiment_rnn.Config.quick().replace(
    strategy="data_parallel", cell="lstm", encoder=encoder, lm_finetune_epochs=1, batch_size=1)
sentiment_rnn.train(classifier, output=out / "classifier", verbose=0)
"""


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    """Runs under data_parallel over two devices of one process (XLA splits the CPU in two)."""
    from rnn_cookbook.recipes import language_model

    output = tmp_path_factory.mktemp("one_process")
    encoder = language_model.train(  # here, on TensorFlow: a .keras file serves any backend
        language_model.Config.quick().replace(epochs=1), output=output / "language_model", verbose=0
    )
    done = run_command(sys.executable, "-c", ONE_PROCESS, str(output), str(encoder.run.path),
                       env={"KERAS_BACKEND": "jax", "XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, {
        name: json.loads((output / name / "metrics.json").read_text()) for name in ("forecaster", "classifier")
    }


def test_two_devices_in_one_process(one_process):
    out, metrics = one_process
    assert "note: data_parallel over 2 device(s), global batch 64" in out  # batch_size 32 on each device
    forecaster = metrics["forecaster"]
    assert forecaster["keras_backend"] == "jax"  # measured in the run, not assumed
    assert forecaster["distribution"] == {"strategy": "data_parallel", "devices": 2, "processes": 1}
    assert forecaster["model"]["mae"] < forecaster["baselines"]["persistence"]["mae"]


def test_a_classifier_fine_tunes_its_encoder_then_trains_over_two_devices(one_process):
    classifier = one_process[1]["classifier"]
    assert classifier["distribution"]["devices"] == 2
    assert classifier["encoder"]["fine_tuned"]["epochs_run"] == 1  # stage 2 ran, on one device
    assert classifier["encoder"]["transferred_layers"]


def test_two_processes_on_localhost_train_as_one(tmp_path, one_process):
    """The README's two-terminal example, as written (see `start_processes`)."""
    first, second = finish(start_processes(tmp_path))
    output = tmp_path / "runs" / "two_processes"
    assert "2 processes (this is process 0, reading 32 examples a step)" in first
    assert "2 processes (this is process 1, reading 32 examples a step)" in second
    assert digest(first) == digest(second)  # the same final weights on both
    assert "process 1 of 2 finished" in second and "run folder:" not in second
    # Exactly one run folder: process 0's. Process 1 keeps its config and epoch logs inside it.
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("config.json")] == [
        "runs/two_processes/config.json", "runs/two_processes/process-1/config.json"]
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("metrics.json")] == [
        "runs/two_processes/metrics.json"]
    assert len(list(tmp_path.rglob("*.keras"))) == 1 and len(list(tmp_path.rglob("*.png"))) == 2
    assert sorted(p.name for p in (output / "process-1").rglob("*") if p.is_file()) == [
        "config.json", "epoch_times.csv", "epochs.csv"]
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["distribution"] == {"strategy": "data_parallel", "devices": 2, "processes": 2}
    assert metrics["model"]["mae"] == pytest.approx(one_process[1]["forecaster"]["model"]["mae"], rel=TOLERANCE)


def epochs_logged(path: Path) -> int:
    return max(0, len(path.read_text().splitlines()) - 1) if path.is_file() else 0


def test_both_processes_killed_after_an_epoch_resume_where_they_stopped(tmp_path):
    output = tmp_path / "runs" / "two_processes"
    options = ("--epochs", "3", "--set", "patience=3")  # no early stop: every epoch runs
    processes = start_processes(tmp_path, *options)
    deadline = time.monotonic() + TIMEOUT
    while epochs_logged(output / "logs" / "epochs.csv") < 1:
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "no epoch finished"
        time.sleep(0.2)
    for process in processes:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert (output / "backup").is_dir() and not (output / "metrics.json").exists()

    first, second = finish(start_processes(tmp_path, *options, "--resume"))
    resumed_at = int(re.search(r"Epoch (\d+)/3", first).group(1))
    # An epoch was logged; each is backed up just after its log line, so the kill may have come
    # between the two: then both processes agree on the epoch before, and epoch 1 runs again.
    assert resumed_at in (1, 2, 3)
    assert f"Epoch {resumed_at}/3" in second  # both took up the same epoch
    assert digest(first) == digest(second)
    history = (output / "history.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in history[1:]] == ["1", "2", "3"]  # each epoch once
    assert not (output / "backup").exists() and not (output / "process-1" / "backup").exists()
