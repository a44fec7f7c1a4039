"""Other Keras backends: the char generator trains under KERAS_BACKEND=jax (the forecaster and a text
classifier do in test_data_parallel.py),
the seq2seq model computes the same predictions and the same training steps on JAX as on TensorFlow,
and `rnn_cookbook.core.quiet` loads TensorFlow only when Keras runs on it.

Each run is a fresh process (Keras picks its backend once, at import). Skipped when JAX is not
installed (`pip install "rnn-cookbook[jax]"`; the `dev` extra includes it, so CI runs these).
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


# One JAX process trains the char generator, then asks it to generate: the same commands as two
# `rnn-cookbook` calls under KERAS_BACKEND=jax, without a second interpreter importing both backends.
TRAIN_THEN_GENERATE_ON_JAX = """
import contextlib, io, json, sys
from rnn_cookbook.cli import main
run = sys.argv[1]
trained = main(["run", "char_lstm_generator", "--quick", "--epochs", "1", "--output", run, "--quiet"])
errors = io.StringIO()
with contextlib.redirect_stderr(errors):
    generated = main(["generate", run, "--prompt", "The"])
print(json.dumps({"trained": trained, "generated": generated, "stderr": errors.getvalue()}))
"""


def test_generation_says_it_needs_tensorflow(tmp_path):
    done = run_command(sys.executable, "-c", TRAIN_THEN_GENERATE_ON_JAX, str(tmp_path / "run"), env={"KERAS_BACKEND": "jax"})
    assert done.returncode == 0, done.stderr[-2000:]
    on_jax = json.loads(done.stdout.splitlines()[-1])
    assert on_jax["trained"] == 0  # the char generator trains under JAX
    assert on_jax["generated"] == 2 and "runs on the TensorFlow backend, not 'jax'" in on_jax["stderr"]
    on_tensorflow = cli_here("generate", str(tmp_path / "run"), "--prompt", "The", "--length", "20")  # this process
    assert on_tensorflow.returncode == 0 and on_tensorflow.stdout.startswith("The")  # the .keras file travels


# What `rnn_cookbook.core.quiet` decides before Keras is imported, then what Keras itself picks.
QUIET_IMPORT_SCRIPT = """
import sys
import rnn_cookbook.core.quiet as quiet
chosen, tensorflow_loaded = quiet.keras_backend(), "tensorflow" in sys.modules
import keras
print(chosen, tensorflow_loaded, keras.backend.backend())
"""


@pytest.mark.parametrize(
    ("variable", "keras_json", "backend"),
    [
        # (KERAS_BACKEND=jax alone is left out: the two cases below read the variable and keep TensorFlow
        # unloaded under JAX, and each case is a new interpreter importing a backend, 10-20 s of CI)
        ("", '{"backend": "jax"}', "jax"),  # an empty KERAS_BACKEND counts as unset: the file decides
        ("tensorflow", '{"backend": "jax"}', "tensorflow"),  # the variable wins over the file
    ],
)
def test_quiet_imports_tensorflow_only_for_the_backend_keras_picks(variable, keras_json, backend, tmp_path):
    if keras_json is not None:
        (tmp_path / "keras.json").write_text(keras_json)
    done = run_command(sys.executable, "-c", QUIET_IMPORT_SCRIPT,
                       env={"KERAS_BACKEND": variable, "KERAS_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [backend, str(backend == "tensorflow"), backend]


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


SAME_WEIGHTS_SCRIPT = f"""
import sys
import numpy as np
import rnn_cookbook.core.quiet
{inspect.getsource(predict_and_step)}
predict_and_step(sys.argv[1], sys.argv[2])
"""


def test_seq2seq_computes_the_same_on_jax_as_on_tensorflow(tmp_path):
    """A recipe that trains worse on another backend is either unlucky or computing something else.

    Same weights in, same predictions and the same weights after three SGD steps out: what is left
    to differ between backends is the random initial weights each one draws from the seed.
    """
    from rnn_cookbook.recipes import seq2seq_addition as recipe

    recipe.build_model(recipe.Config.quick()).save(tmp_path / "start.keras")
    predict_and_step(str(tmp_path / "start.keras"), str(tmp_path / "tensorflow.npz"))  # this process: TensorFlow
    done = run_command(sys.executable, "-c", SAME_WEIGHTS_SCRIPT, str(tmp_path / "start.keras"),
                       str(tmp_path / "jax.npz"), env={"KERAS_BACKEND": "jax"})
    assert done.returncode == 0, done.stderr[-2000:]
    tensorflow, jax = np.load(tmp_path / "tensorflow.npz"), np.load(tmp_path / "jax.npz")
    assert tensorflow.files == jax.files and len(tensorflow.files) > 1
    for name in tensorflow.files:
        np.testing.assert_allclose(jax[name], tensorflow[name], atol=1e-5, err_msg=name)
