"""The recipe table: what each recipe is called, where it lives, and what it does.

This module imports nothing heavy, so `rnn-cookbook list` answers without loading TensorFlow.
`load(name)` imports the recipe module only when it is needed.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from rnn_cookbook.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    model: str
    data: str
    description: str

    @property
    def module(self) -> str:
        return f"rnn_cookbook.recipes.{self.name}"


RECIPES: tuple[Recipe, ...] = (
    Recipe(
        name="timeseries_forecaster",
        model="SimpleRNN/LSTM/GRU + residual",
        data="CO2 (default), sunspots, macro, sine, CSV/TSV",
        description="Forecast the next step(s) of one column or many from a window of the past, against three baselines.",
    ),
    Recipe(
        name="sentiment_rnn",
        model="Embedding + SimpleRNN (or LSTM, GRU, BiLSTM)",
        data="IMDB (default), aclImdb folder, CSV, one file per class",
        description="Classify the sentiment of reviews (seed 003), beside a TF-IDF + logistic regression baseline.",
    ),
    Recipe(
        name="conv1d_rnn_classifier",
        model="Embedding + Conv1D + 2 SimpleRNN",
        data="same as sentiment_rnn",
        description="Convolution for local n-grams, recurrent layers for their order (seed 000's hybrid).",
    ),
    Recipe(
        name="language_model",
        model="Embedding + LSTM(256), next word (capped softmax)",
        data="seed 000's sentences (toy, default), text files, folders, CSV columns, .tar.gz archives",
        description="Pretrain a word-level language model on unlabelled text once; text classifiers start from it (encoder=RUN).",
    ),
    Recipe(
        name="char_lstm_generator",
        model="Embedding + LSTM(256), next char at every step",
        data="Shakespeare (default), any text file or folder",
        description="Learn a text character by character (seed 004) and generate more of it.",
    ),
    Recipe(
        name="word_generator",
        model="Embedding + SimpleRNN(50), next word",
        data="seed 000's sentence (toy, default), any text file",
        description="Predict the next word from the words before it (seed 000) and generate sentences.",
    ),
    Recipe(
        name="row_lstm_classifier",
        model="2 x LSTM(128) over image rows + Dense(softmax)",
        data="scikit-learn digits (default, offline), MNIST, Fashion-MNIST, IDX folder",
        description="Read an image row by row with a stacked LSTM (seed 002), beside majority and pixel logistic regression.",
    ),
    Recipe(
        name="seq2seq_addition",
        model="LSTM encoder -> LSTM decoder, greedy step-by-step decoding",
        data="sums of numbers up to 3 digits (synthetic)",
        description='Learn to add "535+61" -> "596" with an encoder-decoder (seed 004), scored by exact match.',
    ),
    Recipe(
        name="translator",
        model="BiGRU encoder -> GRU decoder + attention, beam search",
        data="Tatoeba Chinese-English pairs (cmn-eng), toy, any source<TAB>target file",
        description="Translate sentences with attention over the encoder's states (seeds 000-004), scored by BLEU and chrF.",
    ),
    Recipe(
        name="stacked_lstm_tagger",
        model="LSTM(64) -> LSTM(32) -> Dense(softmax) at every step",
        data="hidden Markov regimes (synthetic)",
        description="Tag every step with its hidden regime (seed 001's stack), beside memoryless and filter references.",
    ),
    Recipe(
        name="numpy_rnn_scratch",
        model="NumPy RNN(100): tanh + softmax, BPTT, Adagrad",
        data="seed 000's sentence (toy, default), Shakespeare, any text file",
        description="The seeds' RNN equations from scratch in NumPy (min-char-rnn style), gradient-checked.",
    ),
)


def names() -> list[str]:
    return [recipe.name for recipe in RECIPES]


def get(name: str) -> Recipe:
    """The recipe called `name`, or a `ConfigError` that lists the valid names."""
    for recipe in RECIPES:
        if recipe.name == name:
            return recipe
    raise ConfigError(f"unknown recipe {name!r}; choose one of: {', '.join(names())}")


def load(name: str) -> ModuleType:
    """Import and return the module of the recipe called `name`."""
    return importlib.import_module(get(name).module)
