"""Word-level next-word prediction with a SimpleRNN, and sentences generated from it.

Source: the rnn-practice tutorial's text-generation example: the sentence "The quick brown fox jumps over the lazy
dog.", every prefix of it as an input and the word after it as the target, `SimpleRNN(50)` →
`Dense(vocabulary, softmax)`, Adam, sparse categorical cross-entropy, 100 epochs. Its code does not
run as written (DESIGN.md's errata): it feeds word ids to the SimpleRNN as numbers, without an
`Embedding`, and its `return_sequences=True` gives a prediction per step against one label per
sequence. Here:

- words become ids through `keras.layers.TextVectorization` (`Vocabulary`, adapted on the training
  text only, saved as `vocabulary.json`); unknown words read as `[UNK]`;
- an `Embedding` turns ids into vectors before the SimpleRNN, which returns only its last state;
- the inputs are n-gram prefix windows: for every word of the text, up to `window` words before it
  (padded at the front, and masked, so padding never moves the state) with that word as target.

The default data is the tutorial's one sentence, named as a toy: 8 windows, a model that learns them
by heart, nothing more. Give it a real text with `--set data=path/to/book.txt`; the last 10% of
the text then validates, beside unigram and trigram baselines on the same words. Generation uses
the same stateful, compiled sampler as `char_lstm_generator`:

    rnn-cookbook run word_generator                                 # the tutorial's sentence (toy)
    rnn-cookbook run word_generator --set data=path/to/book.txt --set epochs=20
    rnn-cookbook generate runs/word_generator/<run> --prompt "the quick" --length 8 --temperature 0
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core import scores
from rnn_cookbook.core import script
from rnn_cookbook.core.config import FRACTION, NON_NEGATIVE_INT, NON_NEGATIVE_NUMBER, POSITIVE_INT, Interval, RecipeConfig
from rnn_cookbook.core.pipeline import array_dataset
from rnn_cookbook.generation.corpora import Corpus, load_corpus
from rnn_cookbook.core.vocabulary import Vocabulary
from rnn_cookbook.core.errors import DataError
from rnn_cookbook.generation.sampling import train_generator
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_for_classes

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions


@dataclasses.dataclass
class Config(RecipeConfig):
    """The rnn-practice tutorial's model and settings, with an Embedding in front."""

    recipe: ClassVar[str] = "word_generator"
    constraints = {
        "num_words": Interval(int, 3, text="at least 3", note="0 is padding, 1 unknown"),
        "window": POSITIVE_INT, "embedding_dim": POSITIVE_INT, "units": POSITIVE_INT,
        "validation_fraction": FRACTION,
        "sample_every": NON_NEGATIVE_INT, "sample_length": POSITIVE_INT, "sample_temperature": NON_NEGATIVE_NUMBER,
    }

    data: str = "fox"  # fox (the rnn-practice tutorial's sentence, a toy) | shakespeare | path to a UTF-8 text file or folder
    num_words: int = 10000  # vocabulary size, the most frequent words of the training text
    window: int = 10  # words of context before each target (the sentence's longest prefix is 8)
    embedding_dim: int = 50
    units: int = 50  # the rnn-practice tutorial: SimpleRNN(50)
    epochs: int = 100  # the rnn-practice tutorial
    batch_size: int = 32
    validation_fraction: float = 0.1  # the last 10% of the text (a toy validates on its training text)
    sample_every: int = 10  # print a sample after every n epochs (0: never)
    sample_length: int = 12  # words
    sample_temperature: float = 0.8

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the tutorial's sentence, a small model, 30 epochs at a higher learning rate."""
        return cls(embedding_dim=16, units=16, epochs=30, batch_size=8, learning_rate=0.01, sample_every=0)


@dataclasses.dataclass(frozen=True)
class WordData:
    """The corpus, its word vocabulary, and (prefix window, next word) pairs for each split."""

    corpus: Corpus
    vocabulary: Vocabulary
    train_ids: np.ndarray
    validation_ids: np.ndarray
    train: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray]


def prefix_windows(ids: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each word after the first: the `window` ids before it (0-padded at the front), and it.

    Unlike the other windowing helpers, every word after the first is a target, even before a full
    window has passed: the padding is masked, and there is one target per window because the model
    returns only its last state. `make_windows` targets only the steps after a full window of
    real-valued channels; `next_token_chunks` has a target at every position of non-overlapping chunks.
    """
    ids = np.asarray(ids, dtype="int32")
    padded = np.concatenate([np.zeros(window, dtype="int32"), ids])
    inputs = np.lib.stride_tricks.sliding_window_view(padded, window)[1 : len(ids)]
    return np.ascontiguousarray(inputs), ids[1:]


def load_data(cfg: Config) -> WordData:
    """Words of the corpus as ids (vocabulary from the training part), cut into prefix windows."""
    corpus = load_corpus(cfg.data, validation_fraction=cfg.validation_fraction)
    vocabulary = Vocabulary.adapt(corpus.train_text.splitlines() or [corpus.train_text], max_tokens=cfg.num_words)
    train_ids = np.asarray(vocabulary.encode_text(corpus.train_text), dtype="int32")
    validation_ids = train_ids if corpus.synthetic else np.asarray(vocabulary.encode_text(corpus.validation_text), dtype="int32")
    for name, ids in (("training", train_ids), ("validation", validation_ids)):
        if len(ids) < 2:
            raise DataError(f"{corpus.label}: the {name} text has {len(ids)} word(s); it needs at least 2")
    return WordData(
        corpus, vocabulary, train_ids, validation_ids,
        train=prefix_windows(train_ids, cfg.window),
        validation=prefix_windows(validation_ids, cfg.window),
    )


def build_model(cfg: Config, vocabulary_size: int) -> keras.Model:
    """Embedding (padding masked) → SimpleRNN → Dense softmax over the words."""
    inputs = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    hidden = keras.layers.Embedding(vocabulary_size, cfg.embedding_dim, mask_zero=True, name="embedding")(inputs)
    hidden = keras.layers.SimpleRNN(cfg.units, name="simple_rnn")(hidden)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_word")(hidden)
    model = keras.Model(inputs, outputs, name="word_rnn")
    return compile_for_classes(model, cfg)


def evaluate(model: keras.Model, data: WordData, cfg: Config) -> Evaluation:
    """Validation loss per word of the model, a unigram and a trigram model, on the same targets."""
    loss, accuracy = model.evaluate(array_dataset(*data.validation, cfg.batch_size), verbose=0)
    size = len(data.vocabulary)
    return Evaluation(
        data=data.corpus.label,
        split="validation",
        model={**scores.language_model_scores(loss, level="word"), "accuracy": float(accuracy)},
        baselines={
            name: scores.language_model_scores(
                scores.ngram_loss(data.train_ids, data.validation_ids, size, order=n, start=1), level="word"
            )
            for name, n in (("unigram", 1), ("trigram", 3))
        },
    )


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: corpus, windows, model, fit, validation loss beside n-grams, run folder."""
    cfg = cfg or Config()
    data = load_data(cfg)
    return train_generator(
        cfg,
        data.corpus,
        data.vocabulary,
        prompt=data.vocabulary.decode(data.train_ids[:2]),
        build_model=lambda: build_model(cfg, len(data.vocabulary)),
        datasets=lambda: (
            array_dataset(*data.train, cfg.batch_size, shuffle=True, seed=cfg.seed),
            array_dataset(*data.validation, cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg),
        advice="more epochs or units, or a longer text (data=shakespeare): on a short text an n-gram is hard to beat",
        examples_per_epoch=len(data.train[1]),
        **run,
    )


def search_data(cfg: Config) -> dict:
    """What `rnn-cookbook search` cross-validates on: every (prefix window, next word) pair of the text.

    Scored by the loss in nats per word (`neg_loss`): the next word is one of thousands of classes,
    too many (and too rare) for stratified folds or accuracy to say much. Folds are contiguous
    stretches of the text, since neighbouring windows share words.
    """
    data = load_data(cfg)
    return {
        # A synthetic corpus is its own validation text: its windows are searched once.
        "splits": [data.train] if data.corpus.synthetic else [data.train, data.validation],
        "task": "loss",
        "label": data.corpus.label,
        "contiguous": True,
        "model_kwargs": {"vocabulary_size": len(data.vocabulary)},
        "data_keys": ("data", "num_words", "window", "validation_fraction"),
    }


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
