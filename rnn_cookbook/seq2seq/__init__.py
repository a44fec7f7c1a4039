"""Sequence to sequence on sums: the encoder-decoder's characters, greedy decoder and baselines (`addition`)."""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
