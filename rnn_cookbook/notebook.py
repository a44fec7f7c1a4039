"""The recipe notebooks: where they live, how they are built from text, how they are run.

Every recipe has a Jupyter notebook, `notebooks/<recipe>.ipynb`, plus `notebooks/grid_search.ipynb`.
The source of truth is the plain-text twin beside it, `notebooks/<name>.py` in jupytext's
py:percent format (cells start with `# %%`): that is what reviews and diffs read. The `.ipynb`
is generated from it, without outputs, and a test fails when the two drift apart:

    python -m rnn_cookbook.notebook build                      # after editing notebooks/*.py
    python -m rnn_cookbook.notebook execute timeseries_forecaster --quick --output /tmp/run.ipynb

The first code cell of each notebook is tagged `parameters` (papermill's convention) and holds
`QUICK = False` and friends. `execute(..., parameters={"QUICK": True})` inserts a cell after it
that overrides them, then runs the notebook top to bottom on a fresh kernel with nbclient; the
tests do that in quick mode, on one kernel reset between notebooks (`shared_kernel`). The
notebooks ship inside the package (`rnn_cookbook.notebooks`), so `rnn-cookbook notebook RECIPE`
copies one out of a wheel too.

Building and executing need the `notebooks` extra (jupytext, nbformat, nbclient, ipykernel);
listing and copying need nothing beyond the standard library, so the CLI stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from rnn_cookbook.core.errors import ConfigError

PACKAGE = "rnn_cookbook.notebooks"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def folder() -> Path:
    """The folder holding the notebooks and their text twins (the installed package data)."""
    return Path(str(resources.files(PACKAGE)))


def names() -> list[str]:
    """Every notebook, by name: one per recipe, plus `grid_search`."""
    return sorted(path.stem for path in folder().glob("*.ipynb"))


def notebook_path(name: str) -> Path:
    """The `.ipynb` of `name`, or a ConfigError listing the notebooks there are."""
    path = folder() / f"{name}.ipynb"
    if not path.is_file():
        raise ConfigError(f"no notebook named {name!r}; notebooks: {', '.join(names())}")
    return path


def copy_notebook(name: str, destination: str | Path = ".", *, overwrite: bool = False) -> Path:
    """Copy `name`.ipynb into `destination` (a folder, or a file path ending in .ipynb); return the copy.

    An existing file is kept (a ConfigError says so) unless `overwrite`: it may hold someone's work.
    """
    source = notebook_path(name)
    target = Path(destination)
    if target.suffix != ".ipynb":
        target = target / source.name
    if target.exists() and not overwrite:
        raise ConfigError(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


# --- building the .ipynb from its text twin ------------------------------------------------------
def build(source: str | Path) -> Any:
    """The notebook of a py:percent `source`: no outputs, fixed metadata and cell ids (reproducible)."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source, fmt="py:percent")
    notebook.metadata = nbformat.from_dict({"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
        cell.metadata.pop("lines_to_next_cell", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(notebook)
    return notebook


def text(notebook: Any) -> str:
    """The notebook as the JSON text that is committed (nbformat's own layout, newline at the end)."""
    import nbformat

    return nbformat.writes(notebook) + "\n"


def build_all(root: str | Path | None = None) -> list[Path]:
    """Rewrite every `<name>.ipynb` in `root` (default: the package's folder) from `<name>.py`."""
    root = Path(root) if root is not None else folder()
    written = []
    for source in sorted(root.glob("*.py")):
        if source.name == "__init__.py":
            continue
        target = source.with_suffix(".ipynb")
        target.write_text(text(build(source)), encoding="utf-8")
        written.append(target)
    return written


# --- running one -------------------------------------------------------------------------------
def inject_parameters(notebook: Any, parameters: Mapping[str, Any]) -> Any:
    """A copy of `notebook` with a cell setting `parameters` right after the cell tagged `parameters`."""
    import copy

    import nbformat

    notebook = copy.deepcopy(notebook)
    tagged = [i for i, cell in enumerate(notebook.cells) if PARAMETERS_TAG in cell.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise ConfigError(f"a notebook needs exactly one cell tagged {PARAMETERS_TAG!r}; found {len(tagged)}")
    source = "# Parameters set by the runner\n" + "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    cell.id = "injected-parameters"
    notebook.cells.insert(tagged[0] + 1, cell)
    return notebook


def execute(
    notebook: Any,
    *,
    parameters: Mapping[str, Any] | None = None,
    cwd: str | Path = ".",
    timeout: int | None = None,
    kernel: Any = None,
) -> Any:
    """Run `notebook` (a node, or a path to .ipynb or .py) top to bottom on a fresh kernel; return it run.

    A failing cell raises nbclient's `CellExecutionError`, which names the cell and the error.
    `timeout` limits each cell in seconds (the tests set one); None lets a full training run as
    long as it takes (the char notebook's training cell takes over 30 minutes on a 2-core CPU).

    `kernel`, a started `jupyter_client` kernel manager (`shared_kernel()`), runs it there instead
    of on a new kernel: the namespace is emptied, Keras' session cleared and the working folder
    set to `cwd` first, so the notebook's own code sees what a fresh kernel shows it, minus the
    seconds of importing TensorFlow again. The tests run the notebooks one after another this way.
    """
    import nbformat
    from nbclient import NotebookClient

    if isinstance(notebook, (str, Path)):
        path = Path(notebook)
        notebook = build(path) if path.suffix == ".py" else nbformat.read(path, as_version=4)
    if parameters:
        notebook = inject_parameters(notebook, parameters)
    if kernel is not None:
        _reset(kernel, cwd, timeout)
    client = NotebookClient(
        notebook, km=kernel, timeout=timeout, kernel_name=KERNEL["name"], resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return notebook


#: Run before each notebook on a shared kernel: what a fresh kernel would not have, gone.
RESET = """\
%reset -f
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "keras" in _sys.modules:
    _sys.modules["keras"].backend.clear_session()  # layer names count from 0 again; the graph is empty
import matplotlib.pyplot as _plt
_plt.close("all")
del _os, _sys, _plt
"""


def _reset(kernel: Any, cwd: str | Path, timeout: int | None) -> None:
    client = kernel.client()
    client.start_channels()
    try:
        reply = client.execute_interactive(RESET.format(cwd=str(Path(cwd).resolve())), timeout=timeout, store_history=False)
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"could not reset the shared kernel: {reply['content'].get('evalue')}")


@contextlib.contextmanager
def shared_kernel() -> Iterator[Any]:
    """A started kernel for `execute(..., kernel=)`, shut down on leaving the block."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name=KERNEL["name"])
    client.stop_channels()
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)


def _parse_parameter(pair: str) -> tuple[str, Any]:
    import ast

    key, sep, value = pair.partition("=")
    if not sep or not key.isidentifier():
        raise ConfigError(f"--param expects NAME=VALUE, got {pair!r}")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value  # plain text, e.g. a path


def main(argv: list[str] | None = None) -> int:
    """`python -m rnn_cookbook.notebook build | execute NAME [--quick] [--param K=V] [--output F]`."""
    parser = argparse.ArgumentParser(prog="python -m rnn_cookbook.notebook", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="regenerate every .ipynb from its py:percent twin")
    build_parser.add_argument("--root", help="the notebooks folder (default: the package's)")
    run_parser = commands.add_parser("execute", help="run one notebook on a fresh kernel and save it with outputs")
    run_parser.add_argument("name", help="a notebook name, or a path to .ipynb / .py")
    run_parser.add_argument("--quick", action="store_true", help="QUICK = True: the recipe's seconds-long config")
    run_parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    run_parser.add_argument("--output", help="where to write the executed notebook (default: NAME.executed.ipynb)")
    run_parser.add_argument("--timeout", type=int, metavar="SECONDS", help="limit per cell (default: none)")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            for path in build_all(args.root):
                print(f"wrote {path}")
            return 0
        import time

        import nbformat

        path = Path(args.name) if Path(args.name).suffix in (".py", ".ipynb") else notebook_path(args.name)
        parameters = dict(_parse_parameter(pair) for pair in args.param)
        if args.quick:
            parameters["QUICK"] = True
        started = time.perf_counter()
        executed = execute(path, parameters=parameters, timeout=args.timeout)
        output = Path(args.output or f"{path.stem}.executed.ipynb")
        nbformat.write(executed, output)
        print(f"executed {path.name} in {time.perf_counter() - started:.0f} s -> {output}")
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
