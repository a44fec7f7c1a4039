"""Shared fixtures. Everything here runs offline on data that ships with the installed packages."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

# One TensorFlow (and OpenMP) thread per operation in each pytest-xdist worker, set before TensorFlow
# starts its thread pools, and inherited by the subprocesses the tests start: the workers already
# fill the cores, and the tests' small models lose more to two workers' threads contending for two
# cores than they gain from splitting an op (the suite took about a fifth longer without this).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]

# Under CI=true a skipped test fails the run (tests/ci_skips.py says why).
pytest_plugins = ["ci_skips"]

#: The modules that take longest, most first. pytest-xdist hands whole modules to its workers in
#: collection order, so starting these first leaves the short ones to fill in at the end, instead
#: of one worker finishing a long module alone while the other waits.
#: Measured with `--junitxml` on 2026-12-07 (worker-seconds: notebooks 119, search 113, data_parallel 82,
#: translator 77, readme 54, language_model 41, backends 35, the rest under 33).
LONGEST_FIRST = (
    "test_notebooks.py", "test_search.py", "test_data_parallel.py", "test_translator.py", "test_readme.py",
    "test_language_model.py", "test_backends.py", "test_text_recipes.py", "test_forecaster.py", "test_resume.py",
    "test_generation.py", "test_text_classes.py", "test_troubleshooting.py", "test_seq2seq.py", "test_cli.py",
    "test_distribute.py",
)


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Import TensorFlow quietly before any test module imports Keras, where tests run.

    TensorFlow sets TF_CPP_MIN_LOG_LEVEL=1 when it is imported first, and the CLI subprocesses the
    tests start would inherit that and print its device log lines. A hook of collection, not an
    import at the top of this file: pytest-xdist's controller collects nothing and runs no test,
    and importing TensorFlow there cost seven seconds of a core while the workers started.
    """
    import rnn_cookbook.core.quiet  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its order


@pytest.fixture(scope="session")
def forecaster():
    from rnn_cookbook.recipes import timeseries_forecaster

    return timeseries_forecaster


@pytest.fixture(scope="session")
def quick_run(forecaster, tmp_path_factory):
    """One quick forecaster run, shared by the tests that inspect a finished run folder."""
    output = tmp_path_factory.mktemp("quick_run")
    return forecaster.train(forecaster.Config.quick(), output=output, verbose=0)


def run_command(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300):
    """Run a command with this interpreter's environment; return the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("RNN_COOKBOOK_VERBOSE", None)
    return subprocess.run(
        list(args), cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )


def cli(*args: str, **kwargs):
    """Run `python -m rnn_cookbook ARGS` in a subprocess."""
    return run_command(sys.executable, "-m", "rnn_cookbook", *args, **kwargs)


def cli_here(*args: str) -> subprocess.CompletedProcess:
    """`rnn-cookbook ARGS` through `rnn_cookbook.cli.main` in this process, its output captured.

    For tests of what a command answers (its message and exit code): the same parser and error
    handling as `cli`, without the seconds a new interpreter spends importing TensorFlow. What only
    a new process shows (TensorFlow's own log lines on stderr, loading a run elsewhere, the entry
    points) stays with `cli`.
    """
    from rnn_cookbook.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own errors (exit 2) and --help (exit 0)
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return subprocess.CompletedProcess(["rnn-cookbook", *args], code, out.getvalue(), err.getvalue())
