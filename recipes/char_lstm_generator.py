"""Character-level text generation with an LSTM: read 100 characters, predict each next one.

Source: seed 004 §2 ("生成文本"): `Embedding(len(chars), 256)` → `LSTM(256)` → `Dense(len(chars),
softmax)`, Adam, 100 epochs of batch 128. Those sizes and settings are the defaults here. What the
seed gets wrong, and what this recipe does instead (see DESIGN.md's errata):

- The seed feeds one character per sample (`input_length=1`) to an LSTM, which then has nothing
  to remember, and on Keras 3 the model does not even build. Here the model reads sequences of
  `sequence_length=100` characters and predicts the next character *at every position*
  (`return_sequences=True`), so one sequence gives 100 training targets and the LSTM learns from
  context up to 100 characters back.
- The seed's loss, `categorical_crossentropy`, wants one-hot targets; its targets are integers.
  Here: `sparse_categorical_crossentropy`.
- The seed generates by re-feeding the whole text for each new character (quadratic) and always
  takes the most likely character (it soon loops). Here generation carries the LSTM state one
  character at a time, samples with a temperature (and optional top-k), and is reproducible with a
  seed: `rnn_cookbook.generation`, `rnn-cookbook generate RUN_DIR --prompt "ROMEO:"`.

The corpus is split by position: the last 10% validates (`validation_fraction`). The run reports
the validation loss in nats per character, bits per character and perplexity, beside two
baselines on the same text: a unigram model (character frequencies) and a 5-gram model
(Witten-Bell interpolation) counted on the training text. A short sample is printed after every
epoch, so you can watch the model learn to spell.

    rnn-cookbook run char_lstm_generator                             # Shakespeare (downloads once)
    rnn-cookbook run char_lstm_generator --set data=path/to/book.txt
    rnn-cookbook run char_lstm_generator --quick                     # seconds: seed 000's sentence, tiny model
    rnn-cookbook generate runs/char_lstm_generator/<run> --prompt "ROMEO:" --temperature 0.8
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import ClassVar

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook import baselines, script
from rnn_cookbook.config import RecipeConfig, check_fraction, check_positive
from rnn_cookbook.data.pipeline import next_token_dataset
from rnn_cookbook.data.text import VOCABULARY_FILE, CharVocabulary, Corpus, load_corpus
from rnn_cookbook.errors import DataError
from rnn_cookbook.generation import SamplePrinter
from rnn_cookbook.training import Evaluation, TrainResult, train_recipe


@dataclasses.dataclass
class Config(RecipeConfig):
    """Seed 004's model and training settings, trained on sequences of characters."""

    recipe: ClassVar[str] = "char_lstm_generator"

    data: str = "shakespeare"  # shakespeare | fox (toy) | path to a UTF-8 text file or a folder of *.txt
    sequence_length: int = 100  # characters per training sequence
    embedding_dim: int = 256  # seed 004: Embedding(len(chars), 256)
    units: int = 256  # seed 004: LSTM(256)
    epochs: int = 100  # seed 004; early stopping ends training once validation loss stops falling
    batch_size: int = 128  # seed 004
    validation_fraction: float = 0.1  # the last 10% of the text
    sample_every: int = 1  # print a sample after every n epochs (0: never)
    sample_length: int = 200
    sample_temperature: float = 0.8

    def validate(self) -> None:
        super().validate()
        for name in ("sequence_length", "embedding_dim", "units", "sample_length"):
            check_positive(name, getattr(self, name))
        check_positive("sample_every", self.sample_every, allow_zero=True)
        check_fraction("validation_fraction", self.validation_fraction)

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: seed 000's sentence, a small model, three epochs."""
        return cls(data="fox", sequence_length=10, embedding_dim=16, units=32, epochs=3, batch_size=8, sample_length=40)


@dataclasses.dataclass(frozen=True)
class CharData:
    """The corpus, its characters, and the text as character ids for each split."""

    corpus: Corpus
    vocabulary: CharVocabulary
    train_ids: np.ndarray
    validation_ids: np.ndarray

    def dataset(self, split: str, cfg: Config, *, shuffle: bool = False) -> object:
        ids = self.train_ids if split == "train" else self.validation_ids
        return next_token_dataset(ids, cfg.sequence_length, cfg.batch_size, shuffle=shuffle, seed=cfg.seed)


def load_data(cfg: Config) -> CharData:
    """The corpus split by position; the vocabulary is every character of the corpus.

    Taking the characters of the whole text (not only the training part) is not a leak: the
    character set is part of the format, not something learned, and it spares the validation
    text characters the model could not represent.
    """
    corpus = load_corpus(cfg.data, validation_fraction=cfg.validation_fraction)
    vocabulary = CharVocabulary.from_text(corpus.text)
    train_ids = np.asarray(vocabulary.encode_text(corpus.train_text), dtype="int32")
    validation_ids = np.asarray(vocabulary.encode_text(corpus.validation_text), dtype="int32")
    if corpus.synthetic:  # a toy too short to split validates on its training text (it says so)
        validation_ids = train_ids
    for name, ids in (("training", train_ids), ("validation", validation_ids)):
        if len(ids) < cfg.sequence_length + 1:
            raise DataError(
                f"{corpus.label}: the {name} text has {len(ids)} characters, fewer than one sequence of "
                f"{cfg.sequence_length + 1}; use a longer text or a smaller sequence_length"
            )
    return CharData(corpus, vocabulary, train_ids, validation_ids)


def build_model(cfg: Config, vocabulary_size: int) -> keras.Model:
    """Embedding → LSTM (a prediction at every step) → Dense softmax over the characters."""
    inputs = keras.Input(shape=(None,), dtype="int32", name="char_ids")  # any length: training 100, sampling 1
    hidden = keras.layers.Embedding(vocabulary_size, cfg.embedding_dim, name="embedding")(inputs)
    hidden = keras.layers.LSTM(cfg.units, return_sequences=True, name="lstm")(hidden)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_char")(hidden)
    model = keras.Model(inputs, outputs, name="char_lstm")
    model.compile(
        optimizer=keras.optimizers.Adam(cfg.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def evaluate(model: keras.Model, data: CharData, cfg: Config) -> Evaluation:
    """Validation loss per character of the model, a unigram and a 5-gram model."""
    loss, accuracy = model.evaluate(data.dataset("validation", cfg), verbose=0)
    size = len(data.vocabulary)
    return Evaluation(
        data=data.corpus.label,
        split="validation",
        model={**baselines.language_model_scores(loss, level="char"), "accuracy": float(accuracy)},
        baselines={
            f"{n}-gram" if n > 1 else "unigram": baselines.language_model_scores(
                baselines.ngram_loss(data.train_ids, data.validation_ids, size, order=n), level="char"
            )
            for n in (1, 5)
        },
    )


def train(cfg: Config | None = None, *, output: str | Path | None = None, verbose: int | None = None) -> TrainResult:
    """The whole recipe: corpus, model, fit with early stopping and epoch samples, validation loss."""
    cfg = cfg or Config()
    data = load_data(cfg)
    if verbose != 0:
        for note in data.corpus.notes:
            print(f"note: {note}")
    printer = SamplePrinter(
        data.vocabulary,
        data.corpus.train_text[: min(10, cfg.sequence_length)],
        length=cfg.sample_length,
        temperature=cfg.sample_temperature,
        every=cfg.sample_every if verbose != 0 else 0,
    )
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, len(data.vocabulary)),
        datasets=lambda: (data.dataset("train", cfg, shuffle=True), data.dataset("validation", cfg)),
        evaluate=lambda model: evaluate(model, data, cfg),
        extra_callbacks=[printer],
        json_files={VOCABULARY_FILE: data.vocabulary.to_dict()},
        output=output,
        verbose=verbose,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: `python recipes/char_lstm_generator.py --help`."""
    return script.main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
