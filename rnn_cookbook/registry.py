"""The recipe table, and the tutorials the recipes come from.

`SOURCES` names the five tutorials (Chinese articles kept in the project's shared folder as
`000_*.txt` ... `004_*.txt`) once, with an id a reader can look up: what each recipe takes from
them and what they get wrong. `RECIPES` says what each recipe is called, where it lives, what it
does and which tutorials it comes from. The README's "Sources" table is this one.

This module imports nothing heavy, so `rnn-cookbook list` answers without loading TensorFlow.
`load(name)` imports the recipe module only when it is needed.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from rnn_cookbook.core.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class Source:
    """One tutorial: its id in this project, its title, the file it is kept in, what the recipes take, what it gets wrong."""

    id: str
    title: str
    english: str
    file: str
    takes: str
    wrong: str


SOURCES: tuple[Source, ...] = (
    Source(
        id="rnn-practice",
        title="RNN实战:从入门到上手",
        english="RNNs in practice, from first steps to hands-on",
        file="000_b8dc15ed73c4ed6a.txt",
        takes="the noisy sine and SimpleRNN forecaster, the sentiment toy sentences, the Conv1D + RNN model, "
        "the next-word generator, the RNN equations, the grid search over units and optimizer",
        wrong="one time step per sample; word ids fed as numbers without an Embedding; return_sequences=True against "
        "one label per sequence; a backward pass over one step with squared error on a softmax; "
        "KerasRegressor, since removed; ReduceLROnPlateau(min_lr=0.001) with Adam(0.001), which never reduces",
    ),
    Source(
        id="rnn-anatomy",
        title="RNN模型全解析",
        english="The RNN model, taken apart",
        file="001_c9eaa04570ec7910.txt",
        takes="the stacked LSTM(64) -> LSTM(32) -> Dense",
        wrong="calls LSTM (1997) a 2014 invention; its Dense after return_sequences=True tags every step without saying so",
    ),
    Source(
        id="rnn-and-lstm",
        title="循环神经网络(RNN)与长短时记忆网络(LSTM)",
        english="Recurrent networks (RNN) and long short-term memory (LSTM)",
        file="002_79b18130593374fa.txt",
        takes="the two-layer LSTM reading MNIST row by row, its normalisation and settings, 97.74% to match",
        wrong="its PyTorch RNN builds the hidden state for batch 100 against (100, 1, features) input and stops "
        "with a shape error; its MNIST test loop uses test_loader, never defined",
    ),
    Source(
        id="ithome-rnn",
        title="RNN(循環神經網路)",
        english="RNNs, day 10 of the iThome Ironman 2023 series",
        file="003_14d18fc747132abb.txt",
        takes="the IMDB classifier: SimpleRNN(32, relu), 10,000 words, 200 ids, early stopping, the loss plot",
        wrong="nothing that stops it; its settings are the text recipes' defaults",
    ),
    Source(
        id="rnn-deep-dive",
        title="(untitled; its sections run 1.背景介绍 ... 6.附录常见问题与解答)",
        english="RNNs in depth: background, concepts, algorithms, a code example, outlook",
        file="004_789f92617d799d01.txt",
        takes="the character LSTM's sizes, the encoder-decoder of its section 2.3, the NumPy RNN class",
        wrong="Embedding(input_length=1) then LSTM does not build on Keras 3; categorical_crossentropy on integer "
        "labels; a generation loop that re-reads the whole text for each character and takes the argmax; "
        "a NumPy class with no softmax and no backward pass",
    ),
)


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    model: str
    data: str
    description: str
    sources: tuple[str, ...] = ()  # ids in SOURCES

    @property
    def module(self) -> str:
        return f"rnn_cookbook.recipes.{self.name}"


RECIPES: tuple[Recipe, ...] = (
    Recipe(
        name="timeseries_forecaster",
        model="SimpleRNN/LSTM/GRU + residual",
        data="CO2 (default), sunspots, macro, sine, CSV/TSV",
        description="Forecast the next step(s) of one column or many from a window of the past, against three baselines.",
        sources=('rnn-practice',),
    ),
    Recipe(
        name="sentiment_rnn",
        model="Embedding + SimpleRNN (or LSTM, GRU, BiLSTM)",
        data="IMDB (default), aclImdb folder, CSV, one file per class",
        description="Classify the sentiment of reviews (the ithome-rnn tutorial), beside a TF-IDF + logistic regression baseline.",
        sources=('ithome-rnn', 'rnn-practice'),
    ),
    Recipe(
        name="conv1d_rnn_classifier",
        model="Embedding + Conv1D + 2 SimpleRNN",
        data="same as sentiment_rnn",
        description="Convolution for local n-grams, recurrent layers for their order (the rnn-practice tutorial's hybrid).",
        sources=('rnn-practice',),
    ),
    Recipe(
        name="language_model",
        model="Embedding + LSTM(256), next word (capped softmax)",
        data="the rnn-practice tutorial's sentences (toy, default), text files, folders, CSV columns, .tar.gz archives",
        description="Pretrain a word-level language model on unlabelled text once; text classifiers start from it (encoder=RUN).",
        sources=('ithome-rnn',),
    ),
    Recipe(
        name="char_lstm_generator",
        model="Embedding + LSTM(256), next char at every step",
        data="Shakespeare (default), any text file or folder",
        description="Learn a text character by character (the rnn-deep-dive tutorial) and generate more of it.",
        sources=('rnn-deep-dive',),
    ),
    Recipe(
        name="word_generator",
        model="Embedding + SimpleRNN(50), next word",
        data="the rnn-practice tutorial's sentence (toy, default), any text file",
        description="Predict the next word from the words before it (the rnn-practice tutorial) and generate sentences.",
        sources=('rnn-practice',),
    ),
    Recipe(
        name="row_lstm_classifier",
        model="2 x LSTM(128) over image rows + Dense(softmax)",
        data="scikit-learn digits (default, offline), MNIST, Fashion-MNIST, IDX folder",
        description="Read an image row by row with a stacked LSTM (the rnn-and-lstm tutorial), beside majority and pixel logistic regression.",
        sources=('rnn-and-lstm',),
    ),
    Recipe(
        name="seq2seq_addition",
        model="LSTM encoder -> LSTM decoder, greedy step-by-step decoding",
        data="sums of numbers up to 3 digits (synthetic)",
        description='Learn to add "535+61" -> "596" with an encoder-decoder (the rnn-deep-dive tutorial), scored by exact match.',
        sources=('rnn-deep-dive',),
    ),
    Recipe(
        name="translator",
        model="BiGRU encoder -> GRU decoder + attention, beam search",
        data="Tatoeba Chinese-English pairs (cmn-eng), toy, any source<TAB>target file",
        description="Translate sentences with attention over the encoder's states (all five tutorials), scored by BLEU and chrF.",
        sources=('rnn-practice', 'rnn-anatomy', 'rnn-and-lstm', 'ithome-rnn', 'rnn-deep-dive'),
    ),
    Recipe(
        name="stacked_lstm_tagger",
        model="LSTM(64) -> LSTM(32) -> Dense(softmax) at every step",
        data="hidden Markov regimes (synthetic)",
        description="Tag every step with its hidden regime (the rnn-anatomy tutorial's stack), beside memoryless and filter references.",
        sources=('rnn-anatomy',),
    ),
    Recipe(
        name="numpy_rnn_scratch",
        model="NumPy RNN(100): tanh + softmax, BPTT, Adagrad",
        data="the rnn-practice tutorial's sentence (toy, default), Shakespeare, any text file",
        description="The tutorials' RNN equations from scratch in NumPy (min-char-rnn style), gradient-checked.",
        sources=('rnn-practice', 'rnn-deep-dive'),
    ),
)


def source(source_id: str) -> Source:
    """The tutorial with this id, or a `ConfigError` that lists the ids."""
    for found in SOURCES:
        if found.id == source_id:
            return found
    raise ConfigError(f"unknown tutorial {source_id!r}; the tutorials are: {', '.join(s.id for s in SOURCES)}")


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
