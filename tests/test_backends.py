"""Other Keras backends: the char generator trains under JAX (the forecaster and a text classifier
do in test_data_parallel.py), the seq2seq model computes the same predictions and the same training
steps on JAX as on TensorFlow, and `rnn_cookbook.core.quiet` loads TensorFlow only when Keras runs
on it.

Keras picks its backend once, at import, so the JAX side runs in a new process: one for the whole
module (`on_jax`), which does all three JAX-side steps in order, since each new interpreter that
imports a backend costs 10-20 s of CI. Skipped when JAX is not installed (`pip install
"rnn-cookbook[jax]"`; the `dev` extra includes it, so CI runs these).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys

import numpy as np

import pytest

from conftest import cli_here, run_command

pytestmark = [
    pytest.mark.backend,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed (extra `jax`)"),
]


# What `rnn_cookbook.core.quiet` decides before Keras is imported, then what Keras itself picks.
QUIET_IMPORT = """
import sys
import rnn_cookbook.core.quiet as quiet
chosen, tensorflow_loaded = quiet.keras_backend(), "tensorflow" in sys.modules
import keras
print(chosen, tensorflow_loaded, keras.backend.backend())
"""


def predict_and_step(model_path: str, output_path: str) -> None:
    """Load one saved seq2seq model, predict on the validation questions (a fifth of them padded, so
    the encoder's mask and `go_backwards` are exercised), take three plain SGD steps on a batch, and
    save the predictions and the weights. Run here on TensorFlow, and in a JAX process as a script."""
    import keras

    from rnn_cookbook.recipes import seq2seq_addition as recipe

    data = recipe.load_data(recipe.Config.quick())
    x, y = data.arrays("validation")
    model = keras.saving.load_model(model_path, safe_mode=True, compile=False)
    predictions = np.asarray(model.predict(x, verbose=0))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    for _ in range(3):
        model.train_on_batch(x, y)
    weights = [keras.ops.convert_to_numpy(w) for w in model.weights]
    np.savez(output_path, predictions, *weights)


# The JAX process, in three steps that print one line each:
# 1. the backend chosen by keras.json alone (KERAS_BACKEND is set but empty, which counts as unset),
#    before anything has imported TensorFlow;
# 2. the char generator trained under JAX, then asked to generate: the same commands as two
#    `rnn-cookbook` calls;
# 3. the seq2seq model's predictions and SGD steps from saved weights (`predict_and_step`).
ON_JAX = f"""
{QUIET_IMPORT}
import contextlib, io, json
import numpy as np
from rnn_cookbook.cli import main
folder = sys.argv[1]
trained = main(["run", "char_lstm_generator", "--quick", "--epochs", "1", "--output", folder + "/run", "--quiet"])
errors = io.StringIO()
with contextlib.redirect_stderr(errors):
    generated = main(["generate", folder + "/run", "--prompt", "The"])
print(json.dumps({{"trained": trained, "generated": generated, "stderr": errors.getvalue()}}))
{inspect.getsource(predict_and_step)}
predict_and_step(folder + "/start.keras", folder + "/jax.npz")
"""


@pytest.fixture(scope="module")
def on_jax(tmp_path_factory):
    """The JAX process's lines, and its folder (the char run, the seq2seq weights before and after)."""
    from rnn_cookbook.recipes import seq2seq_addition

    folder = tmp_path_factory.mktemp("on_jax")
    seq2seq_addition.build_model(seq2seq_addition.Config.quick()).save(folder / "start.keras")  # here, on TensorFlow
    (folder / "keras_home").mkdir()
    (folder / "keras_home" / "keras.json").write_text('{"backend": "jax"}')
    done = run_command(sys.executable, "-c", ON_JAX, str(folder),
                       env={"KERAS_BACKEND": "", "KERAS_HOME": str(folder / "keras_home")})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines(), folder


def test_quiet_leaves_tensorflow_unloaded_when_keras_json_picks_jax(on_jax):
    lines, _ = on_jax
    assert lines[0].split() == ["jax", "False", "jax"]


def test_the_variable_wins_over_keras_json(tmp_path):
    """KERAS_BACKEND=tensorflow beside a keras.json that names JAX: TensorFlow, loaded by quiet."""
    (tmp_path / "keras.json").write_text('{"backend": "jax"}')
    done = run_command(sys.executable, "-c", QUIET_IMPORT, env={"KERAS_BACKEND": "tensorflow", "KERAS_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["tensorflow", "True", "tensorflow"]


def test_generation_says_it_needs_tensorflow(on_jax):
    lines, folder = on_jax
    generator = json.loads(next(line for line in lines if line.startswith('{"trained"')))
    assert generator["trained"] == 0  # the char generator trains under JAX
    assert generator["generated"] == 2 and "runs on the TensorFlow backend, not 'jax'" in generator["stderr"]
    on_tensorflow = cli_here("generate", str(folder / "run"), "--prompt", "The", "--length", "20")  # this process
    assert on_tensorflow.returncode == 0 and on_tensorflow.stdout.startswith("The")  # the .keras file travels


def test_seq2seq_computes_the_same_on_jax_as_on_tensorflow(on_jax, tmp_path):
    """A recipe that trains worse on another backend is either unlucky or computing something else.

    Same weights in, same predictions and the same weights after three SGD steps out: what is left
    to differ between backends is the random initial weights each one draws from the seed.
    """
    _, folder = on_jax
    predict_and_step(str(folder / "start.keras"), str(tmp_path / "tensorflow.npz"))  # this process: TensorFlow
    tensorflow, jax = np.load(tmp_path / "tensorflow.npz"), np.load(folder / "jax.npz")
    assert tensorflow.files == jax.files and len(tensorflow.files) > 1
    for name in tensorflow.files:
        np.testing.assert_allclose(jax[name], tensorflow[name], atol=1e-5, err_msg=name)
