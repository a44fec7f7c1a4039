"""`python -m benchmarks --budget 0` rebuilds the one results table from the recorded JSON files."""

from __future__ import annotations

import sys

from conftest import REPO, run_command
from rnn_cookbook import registry


def test_table_has_a_row_for_every_recipe_and_runs_nothing(tmp_path):
    table = tmp_path / "RESULTS.md"
    done = run_command(sys.executable, "-m", "benchmarks", "--budget", "0", "--output", str(table), cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "no runs (--budget 0)" in done.stdout
    text = table.read_text()
    header = "| recipe | data | metric | ours | baseline | published anchor | train time (s) | train samples/s | measured on |"
    assert header in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and line != header]
    for name in registry.names():
        assert any(row.startswith(f"| {name}") for row in rows), f"no benchmark row for {name}"
    assert all(row.count("|") == header.count("|") for row in rows)  # every row fills every column
