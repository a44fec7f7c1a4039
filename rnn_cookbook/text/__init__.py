"""Text classification: loaders by file shape, the classifier, the language model it can start from.

- `labelled`: labelled texts as people have them (`load_texts`): CSV/TSV, class folders, one file
  per class, `LABEL text` lines (TREC, fastText), aclImdb folders and archives, the toy sentences;
- `keras_imdb`: Keras' integer-coded IMDB, downloaded once and checked;
- `classifier`: `TextClassifierConfig`, data, evaluation and training shared by `sentiment_rnn`
  and `conv1d_rnn_classifier`;
- `layers`: pooling over time that respects the padding mask, and reversed word order for a
  backward encoder;
- `baselines`: TF-IDF + logistic regression and NBSVM, printed beside every text model and kept
  as plain arrays (`LinearTextModel`);
- `combination`: the network combined with the better of them, its weight chosen on validation;
- `language_model`, `fine_tuning`: the word-level language model a classifier can start from
  (ULMFiT's stages, forward or backward) and the fine-tuning schedules;
- `predict`: reopen a finished classifier run and label new text (`rnn_cookbook.predict_texts`).
"""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
