"""Under CI, a skipped test fails the run: CI must not pass green while whole modules skip.

The suite skips what needs an optional extra that is not installed (JAX for the backend tests,
nbclient / nbformat / jupytext for the notebooks, dask's `distributed` for the cluster search).
That is right on a developer's machine, and wrong in CI, where `pip install -e ".[dev]"` installs
every one of them: a skip there means an extra failed to install or an import broke, and the
tests that would have caught a regression never ran. So when the environment variable `CI` is
`true` (GitHub Actions, GitLab CI and `../shared/tools/fresh-ci` set it), every skip, at collection
(a module's `importorskip`) or in a test, is listed at the end of the run and the run fails.
Expected failures (`xfail`) are not skips and are left alone, and so are the few skips `ALLOWED`
names: things no machine can do without outside help, such as a README block that needs a cluster.

`tests/conftest.py` loads this plugin; `pytest -p ci_skips` loads it into any other session.
"""

from __future__ import annotations

import os

import pytest

PLUGIN_NAME = "ci-skips"

#: The skips CI allows, by test id, each with its reason: README blocks that cannot run anywhere
#: without outside help (tests/test_readme.py marks and lists them).
ALLOWED = {
    "tests/test_readme.py::test_python_block_runs_as_written[grid-search-hyperparameters-1]": "needs a Dask scheduler",
}


def ci_is_on() -> bool:
    """True when the environment says this is a CI run (`CI=true`, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


class SkipsFailUnderCI:
    """Collects every skip of the session and fails the session if there was any."""

    def __init__(self) -> None:
        self.skips: list[str] = []

    def _record(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        if not report.skipped or hasattr(report, "wasxfail") or report.nodeid in ALLOWED:
            return
        where, reason = report.nodeid or str(report.fspath), str(report.longrepr)
        if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
            path, line, reason = report.longrepr  # where the skip was raised, as `-rs` shows it
            where = f"{report.nodeid or path} ({path}:{line})"
        self.skips.append(f"{where}: {reason.removeprefix('Skipped: ')}")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._record(report)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._record(report)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.skips and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.skips:
            return
        terminalreporter.section(f"{len(self.skips)} skipped under CI=true: the run fails", sep="!", red=True, bold=True)
        for skip in self.skips:
            terminalreporter.line(skip, red=True)
        terminalreporter.line('Install what they need (pip install -e ".[dev]") or unset CI to run locally with skips.')


def pytest_configure(config: pytest.Config) -> None:
    if ci_is_on() and not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(SkipsFailUnderCI(), PLUGIN_NAME)
