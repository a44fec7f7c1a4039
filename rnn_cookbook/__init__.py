"""rnn-cookbook: the classic recurrent-network tutorials as recipes you can run, read, call and trust.

Where things are (one folder per task, over a shared kitchen):

- `core/`: what every recipe shares: config, run folders, the training path, callbacks,
  distribution, atomic files, errors, data readers, vocabularies, generic scores and plots;
- `text/`: text classification: loaders by file shape, the classifier, the language model and its
  fine-tuning, pooling layers, the bag-of-words baselines (TF-IDF, NBSVM) and
  their combination with the network, `predict_texts`;
- `forecasting/`: series loaders, windows, encodings, column layers, baselines, `forecast`;
- `generation/`: corpora and sampling from next-token models (`GeneratorRun`);
- `translation/`: sentence pairs, greedy and beam decoding, BLEU, `translate`;
- `images/`, `tagging.py`, `seq2seq/`, `numpy_rnn.py`: the row-by-row image classifier's loaders,
  the tagger's hidden regimes, the addition encoder-decoder's decoder, the NumPy RNN;
- `decoding.py`: step-by-step decoding shared by generation, translation and seq2seq;
- `search/`: scikeras wrappers and grid / random search; `cli.py`, `registry.py`: the command
  line and the recipe table (with the tutorials each recipe comes from);
- `rnn_cookbook.recipes` (the `recipes/` folder): one module per recipe.

Imports run one way: cli -> search -> recipes -> task folders -> core.

Importing the package is cheap on purpose: nothing here imports TensorFlow or a recipe, so
`rnn-cookbook --help` and `rnn-cookbook list` answer at once; submodules load on first use.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any

__version__ = "0.2.0"


#: Functions offered at the top level, and the submodule each lives in.
FUNCTIONS = {"predict_texts": "text.predict", "forecast": "forecasting.forecast", "translate": "translation.run"}

#: Modules the README of version 0.1 showed at other paths, and where they live now: the old names
#: keep working (`from rnn_cookbook.runs import RunFolder`), as the same module objects.
MOVED = {"errors": "core.errors", "runs": "core.runs", "predict": "text.predict"}


def __getattr__(name: str) -> Any:
    """`rnn_cookbook.forecast`, `rnn_cookbook.generation.GeneratorRun`, ... after a plain `import rnn_cookbook`.

    Submodules and the top-level functions load on first use (PEP 562), so importing the package
    stays free of TensorFlow.
    """
    if name in FUNCTIONS:
        return getattr(importlib.import_module(f"{__name__}.{FUNCTIONS[name]}"), name)
    if name in MOVED:
        return importlib.import_module(f"{__name__}.{MOVED[name]}")
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lazy_submodules(package: str) -> Any:
    """A PEP 562 `__getattr__` for `package`: its submodules load on first use (`rnn_cookbook.core.runs`).

    Each subpackage's `__init__` sets `__getattr__ = lazy_submodules(__name__)`, so a dotted name
    the README shows works after a plain `import rnn_cookbook`, and nothing loads before it is used.
    """

    def __getattr__(name: str) -> ModuleType:
        if not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module name (`rnn_cookbook.runs`) as the module that now holds its code."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        package, _, name = fullname.partition(".")
        if package != __name__ or name not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        module = importlib.import_module(f"{__name__}.{MOVED[spec.name.partition('.')[2]]}")
        self._real_spec = module.__spec__  # importlib stamps the alias's spec on it; exec_module puts it back
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._real_spec


sys.meta_path.append(_MovedModules())
