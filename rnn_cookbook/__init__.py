"""rnn-cookbook: the classic recurrent-network tutorials as recipes you can run, read, call and trust.

Importing the package is cheap on purpose: nothing here imports TensorFlow or a recipe, so
`rnn-cookbook --help` and `rnn-cookbook list` answer at once. Recipes live in
`rnn_cookbook.recipes`; the shared kitchen (data, callbacks, runs, training, plots) in the
submodules beside this file.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # `rnn_cookbook.predict_texts` and `rnn_cookbook.forecast` without importing TensorFlow at package import.
    if name == "predict_texts":
        from rnn_cookbook.predict import predict_texts

        return predict_texts
    if name == "forecast":
        from rnn_cookbook.forecasting import forecast

        return forecast
    raise AttributeError(f"module 'rnn_cookbook' has no attribute {name!r}")
