"""Sentiment of movie reviews with a SimpleRNN (IMDB), and the gated cells that do it better.

Source: the ithome-rnn tutorial ("RNN(循環神經網路)", iThome 2023, day 10): IMDB reviews as word ids, the 10,000
most frequent words, cut or padded to 200 ids, `Embedding(10000, 64)` → `SimpleRNN(32,
activation="relu")` → `Dense(1, sigmoid)`, Adam, binary cross-entropy, 10 epochs of batch 128,
20% of training for validation, `EarlyStopping(val_loss, patience=3, restore_best_weights=True)`,
and a plot of training and validation loss. Those are the defaults here, unchanged.

What this recipe adds:

- `cell` swaps the recurrent layer, everything else equal: `simple_rnn` (the tutorial's), `lstm`,
  `gru` or `bilstm` (a Bidirectional LSTM). The gated cells get a padding mask (`mask_zero`), so
  they skip the padding instead of reading it, and keep the fused cuDNN kernel on a GPU.
- Any labelled text, not only Keras' IMDB: an `aclImdb` folder, a CSV or TSV (with or without a
  header, with or without its own split column), class folders, one file per class, or the
  toy sentences of the rnn-practice tutorial (which fed word ids to a SimpleRNN as numbers, without an Embedding:
  here there is always one). See `rnn_cookbook.text.classifier`.
- `pooling`: `last` (the final state, the tutorial's), `max` or `mean` of each state feature over the
  whole text (a word early in a long text counts as much as the last one), or `concat` (all three,
  ULMFiT's concat pooling).
- `encoder=RUN_DIR`: start from a word-level language model pretrained once on unlabelled text
  (recipe `language_model`; ULMFiT's three stages, `rnn_cookbook.text.language_model`): its
  vocabulary, Embedding and LSTM layers become the classifier's, `lm_finetune_epochs` first goes
  on training it on the training texts, `freeze_epochs` trains the new layers alone first. It
  replaces the per-run `pretrain=lm` of earlier versions, which lowered accuracy
  (`benchmarks/README.md` has the diagnosis).
- More than two classes: a softmax output and sparse cross-entropy; `class_weight=balanced` for
  skewed labels (see `rnn_cookbook.text.classifier`).
- `embedding_dropout` (SpatialDropout1D) and `output_dropout`, both 0 by default: chosen on a
  validation split, never on test. On sentence polarity (an LSTM(128) with max pooling, 10% of
  the training sentences validating) 0.3 and 0.5 gave validation accuracy 0.770 against 0.775
  without, so the tutorial's "none" stays.
- Test accuracy beside a TF-IDF + logistic-regression baseline, a confusion matrix, and
  `rnn-cookbook predict RUN_DIR "some review"` on the saved run.

    rnn-cookbook run sentiment_rnn                                   # Keras IMDB (downloads once)
    rnn-cookbook run sentiment_rnn --set data=path/to/aclImdb --set cell=bilstm
    rnn-cookbook run sentiment_rnn --quick                           # seconds, on the toy sentences
    rnn-cookbook run sentiment_rnn --set data=train_5500.label --set test_data=TREC_10.label --set cell=lstm
    rnn-cookbook run sentiment_rnn --set data=reviews.csv --set cell=lstm --set encoder=runs/language_model/<run>
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core import script
from rnn_cookbook.text import classifier as text_classifier
from rnn_cookbook.core.config import POSITIVE_INT, OneOf
from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.text.layers import pool_over_time
from rnn_cookbook.text.classifier import TextClassificationData, TextClassifierConfig

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions
    from rnn_cookbook.core.training import TrainResult

CELLS = ("simple_rnn", "lstm", "gru", "bilstm")
POOLINGS = ("last", "max", "mean", "concat")


@dataclasses.dataclass
class Config(TextClassifierConfig):
    """The ithome-rnn tutorial's settings (see `TextClassifierConfig` for data and training), plus the cell."""

    recipe: ClassVar[str] = "sentiment_rnn"
    constraints = {"cell": OneOf(CELLS), "rnn_units": POSITIVE_INT, "pooling": OneOf(POOLINGS)}

    cell: str = "simple_rnn"  # simple_rnn (the ithome-rnn tutorial) | lstm | gru | bilstm
    rnn_units: int = 32  # the ithome-rnn tutorial
    pooling: str = "last"  # last: the final state (the ithome-rnn tutorial) | max | mean: of each state feature over the text | concat: all three (ULMFiT)

    def validate(self) -> None:
        super().validate()
        if self.encoder is not None and self.cell != "lstm":
            raise ConfigError(f"an encoder is a forward LSTM language model: set cell=lstm to start from it, not cell={self.cell}")

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the toy sentences, a small model, three epochs."""
        return cls(
            data="toy", num_words=1000, maxlen=20, embedding_dim=16, rnn_units=8, epochs=3, batch_size=32
        )

    @property
    def masked(self) -> bool:
        """Gated cells skip padding through a mask; the tutorial's SimpleRNN reads it (pre-padded)."""
        return self.cell != "simple_rnn"


def load_data(cfg: Config) -> TextClassificationData:
    """Word ids padded to `maxlen` (at the back for masked cells, at the front otherwise)."""
    return text_classifier.load_data(cfg, padding="post" if cfg.masked else "pre")


def build_model(cfg: Config, vocabulary_size: int | None = None, num_classes: int = 2) -> keras.Model:
    """Embedding → recurrent layer → Dense(1, sigmoid) (a softmax over more classes), compiled as in the ithome-rnn tutorial."""
    inputs = text_classifier.input_layer(cfg)
    if cfg.encoder is not None:  # the body of a pretrained language model (or two: forward and backward)
        outputs = text_classifier.encoder_outputs(cfg, inputs, vocabulary_size, num_classes)
        name = "sentiment_encoder_lstm" if cfg.backward_encoder is None else "sentiment_two_way_encoder_lstm"
        return text_classifier.compile_classifier(keras.Model(inputs, outputs, name=name), cfg)
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


def _recurrent(cfg: Config, *, sequences: bool = False, name: str | None = None) -> keras.layers.Layer:
    """The configured cell (one direction of `bilstm`); `sequences` returns every step's state."""
    if cfg.cell == "simple_rnn":
        return keras.layers.SimpleRNN(cfg.rnn_units, activation="relu", return_sequences=sequences, name=name or "simple_rnn")
    if cfg.cell == "gru":
        return keras.layers.GRU(cfg.rnn_units, return_sequences=sequences, name=name or "gru")
    return keras.layers.LSTM(cfg.rnn_units, return_sequences=sequences, name=name or "lstm")


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: texts, model, fit with early stopping, test accuracy beside TF-IDF, run folder."""
    cfg = cfg or Config()
    if cfg.encoder is not None and cfg.pooling in ("last", "max") and run.get("verbose") != 0:
        print(
            f"note: pooling={cfg.pooling} with an encoder: on both text sets of benchmarks/README.md a pretrained "
            "LSTM did better with pooling=mean or concat (its states saturate, and their max is alike for every text)"
        )
    return text_classifier.train(
        cfg, build_model, load_data(cfg), advice=advice(cfg), **run
    )


def advice(cfg: Config) -> str:
    """What to try when a bag-of-words model (or, with an encoder, its frozen linear probe) beats the model on
    the validation texts (benchmarks/README.md has the figures)."""
    if cfg.encoder is not None:
        tries = (
            "layer_lr_decay=0.05 (the encoder barely moves), pooling=mean or concat, lm_finetune_epochs=1, "
            "or the same run without encoder=: fine-tuned, the encoder does worse than this"
        )
    else:  # never the setting the run already has
        already = (cfg.cell, cfg.pooling) == ("lstm", "max")
        tries = ("" if already else "cell=lstm with pooling=max, or ") + "a pretrained encoder (encoder=RUN_DIR)"
    return f"{tries}; on small sets the n-grams may simply be the better tool (the combined row keeps both)"


def search_data(cfg: Config) -> dict:
    """The rows `rnn-cookbook search` cross-validates on; `cell` sets the padding side, so it is fixed per search."""
    return text_classifier.search_data(cfg, load_data(cfg), (*text_classifier.DATA_KEYS, "cell"))


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
