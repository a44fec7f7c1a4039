"""The README's code runs as written, as the notebooks do: its Python blocks, its command lines.

- Each fenced `python` block runs on a fresh namespace of one Jupyter kernel, as the notebooks do
  (`notebook.execute(..., kernel=)`: names emptied, Keras' session cleared, TensorFlow imported
  once for all the blocks instead of once each), in a temporary folder that holds the run
  folders the README names (`runs/<recipe>/20261123-121532`, trained by the `workspace` fixture,
  as the comments in the README say), never from an edited copy of the block. A block whose
  first line is `# not run by the tests: <why>` needs what a test cannot have (a cluster, a
  download): it is skipped, and `NOT_RUN` lists exactly those, so CI allows exactly those skips.
- Each `rnn-cookbook ...` line of a fenced `bash` block parses: its subcommand, its flags and its
  `--set` keys exist. Nothing trains for that. The cheap ones then run in the same folder.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, cli_here

README = REPO / "README.md"
NOT_RUN_MARK = "# not run by the tests:"
#: The README's Python blocks that cannot run here, by id (tests/ci_skips.py allows these skips).
NOT_RUN = {"grid-search-hyperparameters-1": "needs a Dask scheduler"}
RUN_STAMP = "20261123-121532"  # the run folder name the README's examples use


@dataclass
class Block:
    id: str
    line: int
    code: str


def heading_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def fenced_blocks(language: str) -> list[Block]:
    """The README's fenced blocks in `language`, dedented, each named by its section and number."""
    blocks, counts, section = [], {}, "top"
    lines = README.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#") and not line.startswith("#!"):
            section = heading_slug(line.lstrip("#"))
        fence = re.match(r"^(\s*)```(\w*)\s*$", line)
        if fence:
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
            if fence.group(2) == language:
                counts[section] = counts.get(section, 0) + 1
                code = textwrap.dedent("\n".join(lines[index + 1:end])) + "\n"
                blocks.append(Block(f"{section}-{counts[section]}", index + 1, code))
            index = end
        index += 1
    return blocks


PYTHON_BLOCKS = fenced_blocks("python")


def test_the_blocks_that_do_not_run_are_marked_and_listed():
    marked = {block.id: block.code.splitlines()[0].removeprefix(NOT_RUN_MARK).strip()
              for block in PYTHON_BLOCKS if block.code.startswith(NOT_RUN_MARK)}
    assert marked == NOT_RUN
    assert len(PYTHON_BLOCKS) >= 6


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A folder with the quick runs the README's blocks and lines name, at the paths it names."""
    from rnn_cookbook.recipes import char_lstm_generator, sentiment_rnn, timeseries_forecaster, translator

    folder = tmp_path_factory.mktemp("readme")
    runs = folder / "runs"
    play = folder / "play.txt"  # the README prompts a play's generator with "ROMEO:"
    play.write_text("ROMEO:\nI walk the garden late and speak to the moon.\nJULIET:\nThen speak again, and I will answer.\n" * 20)
    timeseries_forecaster.train(timeseries_forecaster.Config.quick(), output=runs / "timeseries_forecaster" / RUN_STAMP,
                                verbose=0)
    from rnn_cookbook.forecasting.series import co2

    co2().frame.tail(104).rename_axis("date").to_csv(folder / "latest.csv")  # `forecast ... --series latest.csv`
    sentiment_rnn.train(sentiment_rnn.Config.quick(), output=runs / "sentiment_rnn" / RUN_STAMP, verbose=0)
    char_lstm_generator.train(char_lstm_generator.Config.quick().replace(data=str(play), sample_every=0),
                              output=runs / "char_lstm_generator" / RUN_STAMP, verbose=0)
    translator.train(translator.Config.quick(),
                     output=runs / "translator" / RUN_STAMP, verbose=0)
    return folder


@pytest.fixture(scope="module")
def kernel():
    pytest.importorskip("nbclient", reason="the notebooks extra is not installed")
    from rnn_cookbook import notebook

    with notebook.shared_kernel() as manager:
        yield manager


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[block.id for block in PYTHON_BLOCKS])
def test_python_block_runs_as_written(block, workspace, kernel):
    if block.code.startswith(NOT_RUN_MARK):
        pytest.skip(f"README line {block.line}: {NOT_RUN[block.id]}")
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from rnn_cookbook import notebook

    as_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(block.code)])
    try:
        notebook.execute(as_notebook, cwd=workspace, timeout=600, kernel=kernel)
    except CellExecutionError as error:
        pytest.fail(f"README line {block.line}:\n{block.code}\n{str(error)[-3000:]}")


def command_lines() -> list[tuple[int, list[str]]]:
    """Every `rnn-cookbook ...` command of the README's bash blocks: (README line, its arguments)."""
    found = []
    for block in fenced_blocks("bash"):
        joined = block.code.replace("\\\n", " ")
        for offset, line in enumerate(joined.splitlines()):
            code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            for command in code.split("&&"):
                words = shlex.split(command)
                while words and re.match(r"^[A-Z_]+=", words[0]):
                    words.pop(0)  # environment variables
                if words and words[0].endswith("rnn-cookbook"):
                    found.append((block.line + offset + 1, words[1:]))
    return found


COMMANDS = command_lines()


def test_every_command_line_parses_with_its_flags_and_config_keys():
    from rnn_cookbook import cli, registry

    parser = cli.build_parser()
    assert len(COMMANDS) >= 30
    for line, words in COMMANDS:
        words = [re.sub(r"<[a-z]+>", RUN_STAMP, word) for word in words]
        try:
            args = parser.parse_args(words)
        except SystemExit as exit:
            pytest.fail(f"README line {line}: rnn-cookbook {shlex.join(words)} does not parse (exit {exit.code})")
        if args.command in ("run", "search"):
            config = registry.load(args.recipe).Config
            keys = [pair.split("=", 1)[0] for pair in getattr(args, "overrides", None) or []]
            keys += [pair.split("=", 1)[0] for pair in getattr(args, "grid", None) or []]
            config.check_keys(keys)  # a ConfigError names the key that is not there


def test_the_cheap_command_lines_run_in_the_readmes_folder(workspace, monkeypatch):
    """`list`, `--show-config`, and `predict`, `generate`, `translate` and `forecast` on the fixture's runs."""
    monkeypatch.chdir(workspace)
    ran = 0
    for line, words in COMMANDS:
        words = [re.sub(r"<[a-z]+>", RUN_STAMP, word) for word in words]
        cheap = words[0] in ("list", "predict", "generate", "translate", "forecast") or "--show-config" in words
        needed = [w for w in words if w.startswith("runs/")] + [after for w, after in zip(words, words[1:], strict=False) if w == "--series"]
        if not cheap or not all(Path(path).exists() for path in needed):
            continue
        done = cli_here(*words)
        assert done.returncode == 0, f"README line {line}: rnn-cookbook {shlex.join(words)}\n{done.stderr}"
        ran += 1
    assert ran >= 7  # list, --show-config, predict, generate x2, translate, forecast


def test_ci_runs_the_readmes_test_command_as_written():
    """`.ci/run` runs the README's install-and-test line verbatim, so the line a reader copies is the one CI proves."""
    ci_commands = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.startswith("python3 -m venv")]
    development = next(block for block in fenced_blocks("bash") if block.id.startswith("development-"))
    readme_command = development.code.splitlines()[0].split("   #")[0].strip()
    quick_start = [line for line in fenced_blocks("bash")[0].code.splitlines() if line.endswith("python -m pytest")]
    assert ci_commands == [readme_command] == quick_start
    assert "-e \".[dev]\"" in readme_command  # every optional extra the tests import (tests/ci_skips.py)
