"""The CI guard (tests/ci_skips.py): under CI=true a skip fails the run; without CI it stays a skip.

Each case runs a tiny pytest session in a temporary folder, in a subprocess, with the plugin loaded
by name: no TensorFlow, about a second each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MISSING = "rnn_cookbook_no_such_module"


def tiny_session(folder: Path, ci: str | None, *options: str) -> subprocess.CompletedProcess:
    """Run pytest on `folder` with the plugin loaded, CI set to `ci` (None: unset), and `options`."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only pytest and the plugin under test
    command = [sys.executable, "-m", "pytest", "-p", "ci_skips", "-p", "no:cacheprovider", "-rs", *options, str(folder)]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def suite(tmp_path):
    """A module skipped whole for a missing extra, a test that skips inside, and a test that passes."""
    (tmp_path / "test_extra.py").write_text(
        f'import pytest\n\npytest.importorskip("{MISSING}", reason="the extra is not installed")\n\n'
        "def test_needs_the_extra():\n    pass\n"
    )
    (tmp_path / "test_plain.py").write_text(
        f'import pytest\n\ndef test_passes():\n    assert 1 + 1 == 2\n\n'
        f'def test_skips_inside():\n    pytest.importorskip("{MISSING}")\n'
    )
    return tmp_path


def test_without_ci_a_missing_extra_is_a_skip(suite):
    done = tiny_session(suite, ci=None)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed, 2 skipped" in done.stdout and "skipped under CI=true" not in done.stdout
    assert tiny_session(suite, ci="false").returncode == 0


@pytest.mark.parametrize(
    "options", [(), ("-p", "xdist", "-n", "2")], ids=["one process", "two workers, as the suite runs"]
)
def test_under_ci_a_missing_extra_fails_the_run_and_is_named(suite, options):
    done = tiny_session(suite, "true", *options)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout[-3000:]
    assert "2 skipped under CI=true: the run fails" in done.stdout
    listed = done.stdout.split("skipped under CI=true", 1)[1]
    assert "test_extra.py" in listed and "the extra is not installed" in listed  # the module skipped at import
    assert "test_plain.py::test_skips_inside" in listed and MISSING in listed  # the test that skipped inside


def test_under_ci_a_run_without_skips_passes(tmp_path):
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    done = tiny_session(tmp_path, ci="true")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-3000:]


def test_an_expected_failure_is_not_a_skip(tmp_path):
    (tmp_path / "test_xfail.py").write_text(
        "import pytest\n\n@pytest.mark.xfail(reason='known', strict=True)\ndef test_known():\n    assert False\n"
    )
    done = tiny_session(tmp_path, ci="true")
    assert done.returncode == 0 and "1 xfailed" in done.stdout, done.stdout[-3000:]


def test_this_suite_loads_the_guard(request):
    assert request.config.pluginmanager.has_plugin("ci_skips")  # tests/conftest.py's pytest_plugins
