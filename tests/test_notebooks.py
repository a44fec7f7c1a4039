"""The notebooks: one per recipe, committed without outputs, built from their text twins, and executed.

Each notebook runs top to bottom in quick mode on a Jupyter kernel (nbclient), offline, with its
parameters cell overridden as papermill would. One kernel serves the module: before each notebook
its namespace is emptied, Keras' session cleared and its folder changed (`notebook.execute(...,
kernel=)`), so a notebook that leans on a name another one defined fails as on a fresh kernel,
and TensorFlow is imported once instead of eleven times. A recipe function renamed without updating its
notebook fails here: that is the point of running them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnn_cookbook import notebook, registry
from rnn_cookbook.core.errors import ConfigError

nbformat = pytest.importorskip("nbformat", reason="the notebooks extra is not installed")
pytest.importorskip("nbclient", reason="the notebooks extra is not installed")
pytest.importorskip("jupytext", reason="the notebooks extra is not installed")

FOLDER = notebook.folder()
NAMES = notebook.names()


def test_every_recipe_has_a_notebook_and_a_text_twin():
    assert set(NAMES) == {*registry.names(), "grid_search"}
    for name in NAMES:
        assert (FOLDER / f"{name}.py").is_file(), f"{name}.ipynb has no py:percent source"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    cells = json.loads((FOLDER / f"{name}.ipynb").read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{name}: commit it without outputs"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_matches_its_source(name):
    built = notebook.text(notebook.build(FOLDER / f"{name}.py"))
    assert (FOLDER / f"{name}.ipynb").read_text() == built, (
        f"{name}.ipynb differs from {name}.py: run `python -m rnn_cookbook.notebook build`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_notebook_teaches_with_the_recipes_own_functions(name):
    source = (FOLDER / f"{name}.py").read_text()
    built = notebook.build(FOLDER / f"{name}.py")
    assert built.cells[0].cell_type == "markdown" and built.cells[0].source.startswith("# ")  # a title first
    tagged = [c for c in built.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "QUICK = False" in tagged[0].source
    assert "from rnn_cookbook" in source
    for forbidden in ("keras.layers.", "def build_model", "def load_data"):  # no model or loader copied in
        assert forbidden not in source, f"{name}: {forbidden!r} belongs in the recipe, not the notebook"


@pytest.fixture(scope="module")
def kernel():
    with notebook.shared_kernel() as manager:
        yield manager


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_quick_mode(name, tmp_path, kernel):
    executed = notebook.execute(
        FOLDER / f"{name}.ipynb", parameters={"QUICK": True, "OUTPUT": str(tmp_path / "run")}, cwd=tmp_path,
        timeout=600, kernel=kernel,
    )
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{name}: a notebook should show at least one plot"
    assert not (FOLDER / "runs").exists()  # ran in tmp_path, left nothing in the package


def test_a_name_from_an_earlier_notebook_is_gone_on_the_shared_kernel(tmp_path, kernel):
    """What the reset between notebooks guarantees: each one starts from an empty namespace."""
    from nbclient.exceptions import CellExecutionError

    nbformat_v4 = nbformat.v4
    first = nbformat_v4.new_notebook(cells=[nbformat_v4.new_code_cell("leftover = 1")])
    second = nbformat_v4.new_notebook(cells=[nbformat_v4.new_code_cell("print(leftover)")])
    notebook.execute(first, cwd=tmp_path, timeout=60, kernel=kernel)
    with pytest.raises(CellExecutionError, match="NameError"):
        notebook.execute(second, cwd=tmp_path, timeout=60, kernel=kernel)


def test_a_renamed_function_breaks_the_notebook(tmp_path, kernel):
    """What the quick-mode runs guard against: a notebook calling a function a recipe no longer has."""
    from nbclient.exceptions import CellExecutionError

    source = (FOLDER / "timeseries_forecaster.py").read_text().replace("recipe.load_data(", "recipe.load_windows(")
    renamed = tmp_path / "renamed.py"
    renamed.write_text(source)
    with pytest.raises(CellExecutionError, match="load_windows"):
        notebook.execute(
            renamed, parameters={"QUICK": True, "OUTPUT": str(tmp_path / "run")}, cwd=tmp_path, timeout=600, kernel=kernel
        )


def test_parameters_cell_is_overridden_after_itself():
    built = notebook.build(FOLDER / "timeseries_forecaster.py")
    injected = notebook.inject_parameters(built, {"QUICK": True, "OUTPUT": "x"})
    tags = [c.metadata.get("tags", []) for c in injected.cells]
    position = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[position + 1]
    assert "QUICK = True" in injected.cells[position + 1].source and "OUTPUT = 'x'" in injected.cells[position + 1].source
    assert len(built.cells) == len(injected.cells) - 1  # the original is untouched


def test_cli_copies_a_notebook(tmp_path, capsys):
    from rnn_cookbook import cli

    assert cli.main(["notebook", "timeseries_forecaster", "--dest", str(tmp_path)]) == 0
    copied = tmp_path / "timeseries_forecaster.ipynb"
    assert copied.read_bytes() == (FOLDER / "timeseries_forecaster.ipynb").read_bytes()
    out = capsys.readouterr().out
    assert str(copied) in out and "jupyter lab" in out
    assert cli.main(["notebook", "timeseries_forecaster", "--dest", str(tmp_path)]) == 2  # kept, not overwritten
    assert "--force" in capsys.readouterr().err
    assert cli.main(["notebook", "no_such_recipe"]) == 2
    assert "notebooks: " in capsys.readouterr().err


def test_copy_refuses_unknown_names(tmp_path):
    with pytest.raises(ConfigError, match="no notebook named 'nope'; notebooks: .*timeseries_forecaster"):
        notebook.copy_notebook("nope", tmp_path)
    assert not list(Path(tmp_path).iterdir())
