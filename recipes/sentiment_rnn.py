"""Sentiment of movie reviews with a SimpleRNN (IMDB), and the gated cells that do it better.

Source: seed 003 ("RNN(循環神經網路)", iThome 2023, day 10): IMDB reviews as word ids, the 10,000
most frequent words, cut or padded to 200 ids, `Embedding(10000, 64)` → `SimpleRNN(32,
activation="relu")` → `Dense(1, sigmoid)`, Adam, binary cross-entropy, 10 epochs of batch 128,
20% of training for validation, `EarlyStopping(val_loss, patience=3, restore_best_weights=True)`,
and a plot of training and validation loss. Those are the defaults here, unchanged.

What this recipe adds:

- `cell` swaps the recurrent layer, everything else equal: `simple_rnn` (the seed's), `lstm`,
  `gru` or `bilstm` (a Bidirectional LSTM). The gated cells get a padding mask (`mask_zero`), so
  they skip the padding instead of reading it, and keep the fused cuDNN kernel on a GPU.
- Any labelled text, not only Keras' IMDB: an `aclImdb` folder, a CSV or TSV (with or without a
  header, with or without its own split column), class folders, one file per class, or the
  toy sentences of seed 000 (which fed word ids to a SimpleRNN as numbers, without an Embedding:
  here there is always one). See `rnn_cookbook.text_classifier`.
- `pooling="max"` reads the largest value of each state feature over the whole text instead of
  the final state alone: a word early in a long sentence counts as much as the last one.
- `pretrain="lm"`: the Embedding and the recurrent layer first learn to predict the next word of
  the training texts (and of `unlabeled=PATH`), then become the classifier's (Dai & Le 2015,
  ULMFiT; see `rnn_cookbook.pretraining`). `bilstm` gets a forward and a backward language model.
  Measured on the texts of the fold alone it lowered accuracy (sentence polarity, 10 folds: LSTM
  0.713 against 0.755 from scratch; `benchmarks/README.md`): it needs far more unlabelled text.
- `embedding_dropout` (SpatialDropout1D) and `output_dropout`, both 0 by default: chosen on a
  validation split, never on test. On sentence polarity (an LSTM(128) with max pooling, 10% of
  the training sentences validating) 0.3 and 0.5 gave validation accuracy 0.770 against 0.775
  without, so the seed's "none" stays.
- Test accuracy beside a TF-IDF + logistic-regression baseline, a confusion matrix, and
  `rnn-cookbook predict RUN_DIR "some review"` on the saved run.

    rnn-cookbook run sentiment_rnn                                   # Keras IMDB (downloads once)
    rnn-cookbook run sentiment_rnn --set data=path/to/aclImdb --set cell=bilstm
    rnn-cookbook run sentiment_rnn --quick                           # seconds, on the toy sentences
    rnn-cookbook run sentiment_rnn --set data=sentences.tsv --set header=none --set cell=lstm --set pretrain=lm
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook import pretraining, script, text_classifier
from rnn_cookbook.config import check_choice, check_positive
from rnn_cookbook.layers import pool_over_time
from rnn_cookbook.text_classifier import TextClassificationData, TextClassifierConfig

if TYPE_CHECKING:
    from rnn_cookbook.training import TrainResult

CELLS = ("simple_rnn", "lstm", "gru", "bilstm")
POOLINGS = ("last", "max", "mean", "concat")


@dataclasses.dataclass
class Config(TextClassifierConfig):
    """Seed 003's settings (see `TextClassifierConfig` for data and training), plus the cell."""

    recipe: ClassVar[str] = "sentiment_rnn"

    cell: str = "simple_rnn"  # simple_rnn (seed 003) | lstm | gru | bilstm
    rnn_units: int = 32  # seed 003
    pooling: str = "last"  # last: the final state (seed 003) | max | mean: of each state feature over the text | concat: all three (ULMFiT)

    def validate(self) -> None:
        super().validate()
        check_choice("cell", self.cell, CELLS)
        check_choice("pooling", self.pooling, POOLINGS)
        check_positive("rnn_units", self.rnn_units)

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the toy sentences, a small model, three epochs."""
        return cls(
            data="toy", num_words=1000, maxlen=20, embedding_dim=16, rnn_units=8, epochs=3, batch_size=32, lm_epochs=2
        )

    @property
    def masked(self) -> bool:
        """Gated cells skip padding through a mask; the seed's SimpleRNN reads it (pre-padded)."""
        return self.cell != "simple_rnn"


def load_data(cfg: Config) -> TextClassificationData:
    """Word ids padded to `maxlen` (at the back for masked cells, at the front otherwise)."""
    return text_classifier.load_data(cfg, padding="post" if cfg.masked else "pre")


def build_model(cfg: Config, vocabulary_size: int | None = None, num_classes: int = 2) -> keras.Model:
    """Embedding → recurrent layer → Dense(1, sigmoid) (a softmax over more classes), compiled as in seed 003."""
    inputs = text_classifier.input_layer(cfg)
    words = text_classifier.embedded_words(cfg, inputs, vocabulary_size or cfg.num_words, mask_zero=cfg.masked)
    every_step = cfg.pooling != "last"
    if cfg.cell == "bilstm":
        features = keras.layers.Bidirectional(_recurrent(cfg, sequences=every_step), name="bilstm")(words)
    else:
        features = _recurrent(cfg, sequences=every_step)(words)
    if every_step:
        features = pool_over_time(features, cfg.pooling)
    outputs = text_classifier.class_output(cfg, features, num_classes)
    return text_classifier.compile_classifier(keras.Model(inputs, outputs, name=f"sentiment_{cfg.cell}"), cfg)


def language_model(cfg: Config, vocabulary_size: int | None = None) -> keras.Model:
    """The classifier's Embedding and recurrent layer, read word by word, predicting the next word.

    `bilstm` gets two language models over one Embedding: `bilstm_forward` reads the text and
    predicts the next word, `bilstm_backward` reads it reversed and predicts the word before; they
    become the Bidirectional layer's two halves.
    """
    vocabulary_size = vocabulary_size or cfg.num_words
    predicted = text_classifier.language_model_words(cfg, vocabulary_size)
    embed = text_classifier.embedding(cfg, vocabulary_size, mask_zero=cfg.masked)
    if cfg.cell != "bilstm":
        ids = pretraining.sequence_input()
        logits = pretraining.next_word_head(_recurrent(cfg, sequences=True)(embed(ids)), predicted)
        return keras.Model(ids, logits, name=f"language_model_{cfg.cell}")
    forward, backward = pretraining.sequence_input(pretraining.FORWARD), pretraining.sequence_input(pretraining.BACKWARD)
    forward_states = _recurrent(cfg, sequences=True, name="bilstm_forward")(embed(forward))
    backward_states = _recurrent(cfg, sequences=True, name="bilstm_backward")(embed(backward))
    outputs = [
        pretraining.next_word_head(forward_states, predicted, "next_word"),
        pretraining.next_word_head(backward_states, predicted, "previous_word"),
    ]
    return keras.Model([forward, backward], outputs, name="language_model_bilstm")


def _recurrent(cfg: Config, *, sequences: bool = False, name: str | None = None) -> keras.layers.Layer:
    """The configured cell (one direction of `bilstm`); `sequences` returns every step's state."""
    if cfg.cell == "simple_rnn":
        return keras.layers.SimpleRNN(cfg.rnn_units, activation="relu", return_sequences=sequences, name=name or "simple_rnn")
    if cfg.cell == "gru":
        return keras.layers.GRU(cfg.rnn_units, return_sequences=sequences, name=name or "gru")
    return keras.layers.LSTM(cfg.rnn_units, return_sequences=sequences, name=name or "lstm")


def train(
    cfg: Config | None = None, *, output: str | Path | None = None, verbose: int | None = None, resume: bool = False
) -> TrainResult:
    """The whole recipe: texts, model, fit with early stopping, test accuracy beside TF-IDF, run folder."""
    cfg = cfg or Config()
    return text_classifier.train(
        cfg, build_model, load_data(cfg), language_model=language_model, output=output, verbose=verbose, resume=resume
    )


def search_data(cfg: Config) -> dict:
    """The rows `rnn-cookbook search` cross-validates on; `cell` sets the padding side, so it is fixed per search."""
    return text_classifier.search_data(cfg, load_data(cfg), (*text_classifier.DATA_KEYS, "cell"))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: `python recipes/sentiment_rnn.py --help`."""
    return script.main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
