"""The command line: `rnn-cookbook list | run`, the recipe scripts, and one-line errors for bad input."""

from __future__ import annotations

import json
import runpy
import sys

import numpy as np
import pytest

from conftest import REPO, cli, cli_here, run_command
from rnn_cookbook import cli as cli_module

NOISE = ("I0000", "E0000", "cuInit", "oneDNN", "Traceback")


def test_list_and_the_readmes_dotted_names_need_no_tensorflow_until_used():
    """`rnn-cookbook list` answers without TensorFlow; after a plain `import rnn_cookbook`, the
    submodules the README names load on first use (PEP 562), and only then import it."""
    code = (
        "import sys, io, contextlib\n"
        "import rnn_cookbook\n"
        "from rnn_cookbook import cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    assert cli.main(['list']) == 0\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
        "print(out.getvalue())\n"
        "print(rnn_cookbook.search.grid_search.__name__, rnn_cookbook.runs.RunFolder.__name__,\n"
        "      rnn_cookbook.generation.GeneratorRun.__name__, rnn_cookbook.forecast.__name__,\n"
        "      rnn_cookbook.core.runs.RunFolder.__name__, rnn_cookbook.text.predict.TextClassifierRun.__name__,\n"
        "      rnn_cookbook.decoding.one_step_model.__name__)\n"
        "try:\n"
        "    rnn_cookbook.no_such_thing\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    result = run_command(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "False False"
    assert lines[1].split()[:4] == ["NAME", "MODEL", "DATA", "DESCRIPTION"]
    assert lines[2].startswith("timeseries_forecaster")
    assert lines[-2:] == ["grid_search RunFolder GeneratorRun forecast RunFolder TextClassifierRun one_step_model", "module 'rnn_cookbook' has no attribute 'no_such_thing'"]

    help_text = cli("--help")
    assert help_text.returncode == 0
    for words in ("list", "run", "--set", "runs/<recipe>/<timestamp>/"):
        assert words in help_text.stdout


def test_run_quick_end_to_end(tmp_path):
    """`rnn-cookbook run` in this process; the entry points and their quiet stderr are checked in new
    processes below and in test_packaging.py."""
    output = tmp_path / "run"
    result = cli_here("run", "timeseries_forecaster", "--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "note: filled 59 missing weeks of co2 by time interpolation" in result.stdout
    table = result.stdout[result.stdout.index("test metrics on co2") :].splitlines()
    assert [line.split()[0] for line in table[2:6]] == ["model", "persistence", "linear_regression", "seasonal_naive"]
    assert f"run folder: {output}" in result.stdout
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["recipe"] == "timeseries_forecaster" and metrics["epochs_run"] <= 2
    for name in ("config.json", "history.csv", "model.keras", "loss.png", "forecast.png"):
        assert (output / name).is_file()


def test_recipe_runs_as_a_script_and_as_a_module(tmp_path, monkeypatch, capsys):
    """`python recipes/x.py` trains; `python -m rnn_cookbook.recipes.x` reaches the same entry point.

    The script runs in a new interpreter, as a reader would start it, and its stderr is checked for
    TensorFlow's start-up lines there. The module form only shows its config, and runs here through
    `runpy.run_module(..., run_name="__main__", alter_sys=True)`, which is what `python -m` itself
    calls: both call `script.entry_point`, and a second new interpreter would prove nothing more for
    the seconds it spends importing TensorFlow.
    """
    result = run_command(sys.executable, "recipes/timeseries_forecaster.py", "--quick", "--epochs", "1", "--quiet",
                         "--output", str(tmp_path / "run"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "run folder:" in result.stdout and (tmp_path / "run" / "model.keras").is_file()
    assert not any(word in result.stderr for word in NOISE), result.stderr
    module = "rnn_cookbook.recipes.timeseries_forecaster"
    monkeypatch.setattr(sys, "argv", [module, "--quick", "--epochs", "1", "--show-config"])
    monkeypatch.delitem(sys.modules, module, raising=False)  # `python -m` starts without it; runpy warns if present
    with pytest.raises(SystemExit) as exited:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    shown = capsys.readouterr()
    assert exited.value.code in (0, None), shown.err
    assert json.loads(shown.out) == json.loads((tmp_path / "run" / "config.json").read_text())  # the same settings


def test_unknown_recipe_is_one_line_exit_2():
    result = cli("run", "timeseries_forcaster", "--quick")
    assert result.returncode == 2
    from rnn_cookbook import registry

    assert result.stderr.splitlines() == [
        f"error: unknown recipe 'timeseries_forcaster'; choose one of: {', '.join(registry.names())}"
    ]
    assert "timeseries_forecaster, sentiment_rnn, conv1d_rnn_classifier" in result.stderr


def test_unknown_set_key_is_one_line_exit_2():
    result = cli_here("run", "timeseries_forecaster", "--quick", "--set", "hidden_size=10")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown config key 'hidden_size'")
    assert "valid keys: epochs, batch_size" in lines[0] and "units" in lines[0]


def write_csv(path, values):
    path.write_text("value\n" + "\n".join("" if v is None else str(v) for v in values) + "\n")
    return str(path)


BAD_INPUTS = [
    pytest.param(lambda d: ["--set", "horizon=0"], 2, "horizon must be an integer >= 1", id="horizon-0"),
    pytest.param(lambda d: ["--epochs", "0"], 2, "epochs must be an integer >= 1", id="epochs-0"),
    pytest.param(lambda d: ["--set", "units=ten"], 2, "units must be an integer, got 'ten'", id="units-not-int"),
    pytest.param(lambda d: ["--set", "series=co3"], 1, "unknown series 'co3'", id="unknown-series"),
    pytest.param(
        lambda d: ["--set", "series=" + write_csv(d / "nan.csv", [float("nan")] * 50)],
        1,
        "has no numeric values",
        id="nan-only",
    ),
    pytest.param(
        lambda d: ["--set", "series=" + write_csv(d / "flat.csv", [3.5] * 200)], 1, "is constant", id="constant"
    ),
    pytest.param(
        lambda d: ["--set", "window=30", "--set", "series=" + write_csv(d / "short.csv", list(np.sin(np.arange(40))))],
        1,
        "has 40 points, too short",
        id="shorter-than-window",
    ),
    pytest.param(
        lambda d: ["--set", "series=" + write_csv(d / "words.csv", [1, 2, "three", 4] * 30)],
        1,
        "is not numeric: row 4 holds 'three'",
        id="non-numeric-column",
    ),
    pytest.param(lambda d: ["--config", str(d / "missing.json")], 2, "config file not found", id="missing-config"),
]


@pytest.mark.parametrize("make_args, code, message", BAD_INPUTS)
def test_bad_input_is_one_line_error_without_traceback(tmp_path, capsys, make_args, code, message):
    extra = make_args(tmp_path)
    start = [] if "--config" in extra else ["--quick"]
    args = ["run", "timeseries_forecaster", *start, "--output", str(tmp_path / "run"), *extra]
    assert cli_module.main(args) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0], err


def test_show_config_and_config_file(tmp_path, capsys):
    assert cli_module.main(["run", "timeseries_forecaster", "--quick", "--set", "cell=gru", "--show-config"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["recipe"] == "timeseries_forecaster" and shown["config"]["cell"] == "gru"
    path = tmp_path / "best_config.json"
    path.write_text(json.dumps(shown))
    assert cli_module.main(["run", "timeseries_forecaster", "--config", str(path), "--epochs", "7", "--show-config"]) == 0
    again = json.loads(capsys.readouterr().out)["config"]
    assert again["cell"] == "gru" and again["epochs"] == 7 and again["window"] == shown["config"]["window"]


def test_bad_flag_is_one_line_usage_error():
    result = cli_here("run", "timeseries_forecaster", "--epochs", "many")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "invalid int value: 'many'" in result.stderr

