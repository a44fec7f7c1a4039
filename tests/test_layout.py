"""The layout the README's "Where things are" describes: one folder per task over the kitchen, imports one way.

Read from the source files (ast), so these tests import nothing heavy.
"""

from __future__ import annotations

import ast
import importlib

import pytest

from conftest import REPO

PACKAGE = REPO / "rnn_cookbook"
#: The task folders (and one-file tasks). Each may use the kitchen (`core`) and `decoding`, no other task.
TASKS = {"text", "forecasting", "generation", "translation", "images", "tagging", "seq2seq", "numpy_rnn"}
ABOVE_TASKS = {"recipes", "search", "cli", "registry", "notebook"}
LONGEST_RECIPE = 300  # lines: a recipe reads top to bottom on a screen or two


def area(module: str) -> str | None:
    """`core`, a task, `decoding`, `search`, ... for a module of this package; None for anything else."""
    parts = module.split(".")
    if parts[0] != "rnn_cookbook" or len(parts) == 1:
        return None
    is_module = (PACKAGE / f"{parts[1]}.py").exists() or (PACKAGE / parts[1]).is_dir() or parts[1] == "recipes"
    return parts[1] if is_module else None  # else a name of the package's own __init__ (`lazy_submodules`)


def imported_modules(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def own_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        yield module, path


def test_imports_run_one_way():
    wrong = []
    for module, path in own_modules():
        here = area(module)
        for target in imported_modules(path):
            there = area(target)
            if there is None or there == here:
                continue
            if here == "core" or (here == "decoding" and there != "core"):
                wrong.append(f"{module} imports {target}")
            elif here in TASKS and (there in TASKS or there in ABOVE_TASKS):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports must run cli -> search -> recipes -> task folders -> core:\n" + "\n".join(wrong)


def test_no_recipe_imports_another_and_each_reads_on_a_screen_or_two():
    for path in sorted((REPO / "recipes").glob("[!_]*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= LONGEST_RECIPE, f"{path.name} has {lines} lines: move its helpers into its task folder"
        others = {m for m in imported_modules(path) if m.startswith("rnn_cookbook.recipes.")}
        assert not others, f"{path.name} imports {others}: what two recipes share belongs in rnn_cookbook/"


def test_every_module_that_registers_a_keras_class_is_imported_before_a_model_loads():
    from rnn_cookbook.core.runs import SAVED_OBJECT_MODULES

    registering = {m for m, path in own_modules() if "register_keras_serializable" in path.read_text(encoding="utf-8")}
    assert registering == set(SAVED_OBJECT_MODULES)


@pytest.mark.parametrize("old, new", [("errors", "core.errors"), ("runs", "core.runs"), ("predict", "text.predict")])
def test_module_names_the_readme_showed_before_the_move_still_import(old, new):
    assert importlib.import_module(f"rnn_cookbook.{old}") is importlib.import_module(f"rnn_cookbook.{new}")
    assert importlib.import_module(f"rnn_cookbook.{new}").__spec__.name == f"rnn_cookbook.{new}"


def test_the_readme_says_where_every_folder_is():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    for path in sorted(PACKAGE.iterdir()):
        if path.name.startswith("_") or path.suffix not in ("", ".py") or path.name == "__pycache__":
            continue
        shown = f"rnn_cookbook/{path.name}/" if path.is_dir() else f"rnn_cookbook/{path.name}"
        assert f"`{shown}`" in section, f"README's 'Where things are' does not name {shown}"


def test_the_tutorials_have_one_table_and_every_recipe_names_its_own():
    from rnn_cookbook import registry

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Sources: the tutorials", 1)[1].split("\n## ", 1)[0]
    for source in registry.SOURCES:
        assert f"| `{source.id}` | {source.title} ({source.english}) | `{source.file}` |" in section
    for recipe in registry.RECIPES:
        assert recipe.sources and all(registry.source(sid) for sid in recipe.sources)
