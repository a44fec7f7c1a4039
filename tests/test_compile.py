"""`compile_model`, which every recipe compiles with: `fit` traces the train step once, not twice."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnn_cookbook.core.training import compile_model


class CountingModel(keras.Model):
    """A functional model that counts its train step's traces: Python runs it only while TensorFlow traces."""

    traces = 0

    def train_step(self, data):
        self.traces += 1
        return super().train_step(data)


def test_fit_traces_the_train_step_once():
    inputs = keras.Input((4,))
    model = CountingModel(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    compile_model(model, keras.optimizers.Adam(1e-2), "binary_crossentropy", [keras.metrics.BinaryAccuracy(name="accuracy")])
    assert model.optimizer.built  # its slots exist before any trace
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    history = model.fit(x, (x[:, 0] > 0).astype("float32"), batch_size=16, epochs=3, verbose=0)
    assert model.traces == 1 if keras.backend.backend() == "tensorflow" else model.traces >= 1
    assert list(history.history) == ["accuracy", "loss"]  # the metric keeps the name a string gave it


def test_metric_names_are_refused_with_the_object_to_use():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    with pytest.raises(TypeError, match=r"metric objects, not names \['accuracy'\]"):
        compile_model(model, keras.optimizers.Adam(), "mse", ["accuracy"])
