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


def test_every_script_gives_its_own_rows_without_loading_tensorflow():
    # In a fresh interpreter: collecting the table imports every script, and must not import TensorFlow.
    code = "\n".join([
        "import dataclasses, sys",
        "import benchmarks.__main__ as m",
        "names = {script.name for script in m.SCRIPTS}",
        "assert set(m.TABLE_ORDER) == names, set(m.TABLE_ORDER) ^ names",
        "for name in sorted(names):",
        "    assert callable(getattr(m.script_module(name), 'table_rows', None)), f'{name} has no table_rows()'",
        "rows = m.collect_rows()",
        "assert rows and all(isinstance(row, m.Row) for row in rows)",
        "assert len(dataclasses.fields(m.Row)) == len(m.Row.TITLES)",
        "heavy = sorted({module.split('.')[0] for module in sys.modules} & {'tensorflow', 'keras', 'torch', 'jax'})",
        "assert not heavy, f'collecting the rows imported {heavy}'",
    ])
    done = run_command(sys.executable, "-c", code, cwd=REPO)
    assert done.returncode == 0, done.stderr


def test_imdb_rows_say_the_language_model_is_pending_until_it_is_recorded(monkeypatch):
    import benchmarks.__main__ as benchmarks_main

    imdb = benchmarks_main.script_module("imdb")
    for record in (None, {"rows": {}}, {"rows": {"language model": None}}):
        monkeypatch.setattr(imdb, "load_results", lambda name, record=record: record)
        assert imdb.table_rows() == [imdb.LANGUAGE_MODEL_PENDING]
