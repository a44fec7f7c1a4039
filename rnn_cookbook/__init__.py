"""rnn-cookbook: the classic recurrent-network tutorials as recipes you can run, read, call and trust.

Importing the package is cheap on purpose: nothing here imports TensorFlow or a recipe, so
`rnn-cookbook --help` and `rnn-cookbook list` answer at once. Recipes live in
`rnn_cookbook.recipes`; the shared kitchen (data, callbacks, runs, training, plots) in the
submodules beside this file.
"""

import importlib
import importlib.util
from typing import Any

__version__ = "0.1.0"


#: Functions offered at the top level, and the submodule each lives in.
FUNCTIONS = {"predict_texts": "predict", "forecast": "forecasting", "translate": "translation"}


def __getattr__(name: str) -> Any:
    """`rnn_cookbook.forecast`, `rnn_cookbook.generation.GeneratorRun`, ... after a plain `import rnn_cookbook`.

    Submodules and the top-level functions load on first use (PEP 562), so importing the package
    stays free of TensorFlow.
    """
    if name in FUNCTIONS:
        return getattr(importlib.import_module(f"{__name__}.{FUNCTIONS[name]}"), name)
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
