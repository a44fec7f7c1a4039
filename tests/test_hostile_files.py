"""Safe loading: run folders that were tampered with, truncated or mixed up are clear errors, and no
code from a model file ever runs (models load with `safe_mode=True`)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import cli_here
from rnn_cookbook.core.errors import RunFolderError
from rnn_cookbook.core.runs import RunFolder


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    from rnn_cookbook.recipes import sentiment_rnn

    return sentiment_rnn.train(sentiment_rnn.Config.quick(), output=tmp_path_factory.mktemp("text_run"), verbose=0)


@pytest.fixture(scope="module")
def char_run(tmp_path_factory):
    from rnn_cookbook.recipes import char_lstm_generator

    cfg = char_lstm_generator.Config.quick().replace(sample_every=0)
    return char_lstm_generator.train(cfg, output=tmp_path_factory.mktemp("char_run"), verbose=0)


def copy_run(result, tmp_path, name="copy"):
    target = tmp_path / name
    shutil.copytree(result.run.path, target)
    return target


def lambda_model_that_writes(marker):
    """A model whose Lambda layer carries its own bytecode, which writes `marker` whenever it runs."""
    import keras

    # The path is a constant inside the lambda's own code (no closure, no defaults), as in a crafted file.
    writes_marker = eval(f"lambda x: x + 0 * len(open({str(marker)!r}, 'w').write('ran') * 'x')")
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Lambda(writes_marker)(inputs)))


def test_a_model_file_carrying_code_is_refused_without_running_it(tmp_path, quick_run):
    import keras

    marker = tmp_path / "marker.txt"
    run_dir = copy_run(quick_run, tmp_path)
    lambda_model_that_writes(marker).save(run_dir / "model.keras")
    marker.unlink()  # building the model ran the code once; from here on, only loading could

    with pytest.raises(RunFolderError, match="cannot load .*model.keras: it carries Python code .*safe_mode=True"):
        RunFolder.open(run_dir).load_model()
    assert not marker.exists()  # refused before any of it ran

    keras.saving.load_model(run_dir / "model.keras", safe_mode=False)  # what the refusal prevents:
    assert marker.read_text() == "ran"  # an unsafe load runs the file's code while rebuilding the model


def test_a_named_function_that_is_not_registered_is_a_clear_error(tmp_path, quick_run):
    import keras

    def double(x):
        return 2 * x

    inputs = keras.Input(shape=(3,))
    run_dir = copy_run(quick_run, tmp_path)
    keras.Model(inputs, keras.layers.Lambda(double)(inputs)).save(run_dir / "model.keras")
    with pytest.raises(RunFolderError, match="cannot load .*model.keras: Could not locate function 'double'"):
        RunFolder.open(run_dir).load_model()


@pytest.mark.parametrize("command", ["predict", "generate"])
def test_cli_refuses_a_model_with_code(tmp_path, text_run, char_run, command):
    marker = tmp_path / "marker.txt"
    run_dir = copy_run(text_run if command == "predict" else char_run, tmp_path)
    lambda_model_that_writes(marker).save(run_dir / "model.keras")
    marker.unlink()
    args = ["predict", str(run_dir), "fine"] if command == "predict" else ["generate", str(run_dir), "--prompt", "T"]
    done = cli_here(*args)
    assert done.returncode != 0 and done.stderr.startswith("error: cannot load") and done.stderr.count("\n") == 1
    assert "carries Python code" in done.stderr and not marker.exists()


def test_a_truncated_model_file_is_a_clear_error(tmp_path, quick_run):
    run_dir = copy_run(quick_run, tmp_path)
    whole = (run_dir / "model.keras").read_bytes()
    (run_dir / "model.keras").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(RunFolderError, match="cannot load .*model.keras: it is not a whole .keras file"):
        RunFolder.open(run_dir).load_model()


def test_a_run_folder_of_another_recipe_is_refused(quick_run, text_run, char_run):
    done = cli_here("predict", str(quick_run.run.path), "some text")  # a forecaster run
    assert done.returncode != 0 and "timeseries_forecaster" in done.stderr and "does not classify text" in done.stderr
    done = cli_here("generate", str(text_run.run.path), "--prompt", "a")
    assert done.returncode != 0 and "sentiment_rnn" in done.stderr and done.stderr.count("\n") == 1
    from rnn_cookbook.recipes import char_lstm_generator

    with pytest.raises(RunFolderError, match="made by recipe 'sentiment_rnn', not 'char_lstm_generator'"):
        RunFolder.open(text_run.run.path).load_config(char_lstm_generator.Config)


def test_a_config_naming_another_recipe_is_refused(tmp_path, text_run):
    from rnn_cookbook.recipes import sentiment_rnn

    run_dir = copy_run(text_run, tmp_path)
    config = json.loads((run_dir / "config.json").read_text())
    (run_dir / "config.json").write_text(json.dumps({**config, "recipe": "char_lstm_generator"}))
    with pytest.raises(RunFolderError, match="made by recipe 'char_lstm_generator', not 'sentiment_rnn'"):
        RunFolder.open(run_dir).load_config(sentiment_rnn.Config)


def test_a_vocabulary_that_does_not_match_the_model_is_refused(tmp_path, text_run, char_run):
    from rnn_cookbook.generation.sampling import GeneratorRun
    from rnn_cookbook.text.predict import TextClassifierRun

    text_dir = copy_run(text_run, tmp_path, "text")
    vocabulary = json.loads((text_dir / "vocabulary.json").read_text())
    vocabulary["tokens"] = vocabulary["tokens"] + [f"extra{i}" for i in range(5000)]  # another, larger vocabulary
    (text_dir / "vocabulary.json").write_text(json.dumps(vocabulary))
    with pytest.raises(RunFolderError, match="tokens but the model's embedding has .* rows"):
        TextClassifierRun(text_dir)

    char_dir = copy_run(char_run, tmp_path, "char")
    vocabulary = json.loads((char_dir / "vocabulary.json").read_text())
    vocabulary["tokens"] = vocabulary["tokens"][:-1]
    (char_dir / "vocabulary.json").write_text(json.dumps(vocabulary))
    with pytest.raises(RunFolderError, match="tokens but the model predicts"):
        GeneratorRun(char_dir)

    (char_dir / "vocabulary.json").write_text("{not json")
    with pytest.raises(RunFolderError, match="vocabulary.json is not valid JSON"):
        GeneratorRun(char_dir)
