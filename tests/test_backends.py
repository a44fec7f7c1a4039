"""Other Keras backends: the forecaster and the row LSTM train in quick mode under KERAS_BACKEND=jax.

Each run is a fresh process (Keras picks its backend once, at import). Skipped when JAX is not
installed (`pip install "rnn-cookbook[jax]"`; the `dev` extra includes it, so CI runs these).
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import cli

pytestmark = [
    pytest.mark.backend,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed (extra `jax`)"),
]


@pytest.mark.parametrize("recipe", ["timeseries_forecaster", "row_lstm_classifier"])
def test_recipe_trains_on_jax(recipe, tmp_path):
    done = cli("run", recipe, "--quick", "--output", str(tmp_path / "run"), "--quiet", env={"KERAS_BACKEND": "jax"})
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["keras_backend"] == "jax"  # measured in the run, not assumed
    model, baselines = metrics["model"], metrics["baselines"]
    if recipe == "timeseries_forecaster":
        assert model["mae"] < baselines["seasonal_naive"]["mae"]
    else:
        assert model["accuracy"] > 2 * baselines["majority_class"]["accuracy"]


def test_generation_says_it_needs_tensorflow(tmp_path):
    trained = cli("run", "char_lstm_generator", "--quick", "--output", str(tmp_path / "run"), "--quiet",
                  env={"KERAS_BACKEND": "jax"})
    assert trained.returncode == 0, trained.stderr[-2000:]
    on_jax = cli("generate", str(tmp_path / "run"), "--prompt", "The", env={"KERAS_BACKEND": "jax"})
    assert on_jax.returncode == 2 and "runs on the TensorFlow backend, not 'jax'" in on_jax.stderr
    on_tensorflow = cli("generate", str(tmp_path / "run"), "--prompt", "The", "--length", "20")
    assert on_tensorflow.returncode == 0 and on_tensorflow.stdout.startswith("The")  # the .keras file travels
