"""Text generation: corpora for next-token models, and sampling from a trained one.

- `corpora`: one long text to learn from (Shakespeare, a file, a folder, the toy sentence);
- `sampling`: `Sampler`, `generate` and `GeneratorRun`, which reopens a finished run and continues
  a prompt one token at a time (`rnn-cookbook generate`).

The one-step models sampling runs on are built by `rnn_cookbook.decoding`, shared with the
translator and seq2seq.
"""

from rnn_cookbook import lazy_submodules
from rnn_cookbook.decoding import one_step_model
from rnn_cookbook.generation.sampling import GeneratorRun, Sampler, generate

__all__ = ["GeneratorRun", "Sampler", "generate", "one_step_model"]

__getattr__ = lazy_submodules(__name__)  # `rnn_cookbook.generation.corpora` after a plain import
