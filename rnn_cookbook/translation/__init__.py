"""Translation: sentence pairs, the encoder-decoder's decoding (greedy, beam), BLEU, and `translate`.

- `pairs`: any `source<TAB>target` file (Tatoeba's packs and others), split so that no sentence
  is in two splits;
- `translator`: vocabularies of each side and `Translator`, compiled greedy and beam search;
- `scores`: sacrebleu's BLEU and chrF, by length, and the retrieval baselines;
- `evaluation`, `plots`: the translator recipe's test report and its figures;
- `run`: reopen a finished run and translate (`rnn_cookbook.translate`).
"""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
