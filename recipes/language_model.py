"""A word-level LSTM language model of unlabelled text: pretrained once, reused by every text classifier.

Source: the pretraining step that the ithome-rnn tutorial's sentiment model lacks. Dai & Le (2015) and ULMFiT
(Howard & Ruder 2018) first teach an Embedding and an LSTM to predict the next word of plenty of
unlabelled text from the task's domain, then start the classifier from those weights; on IMDB
that lifts an LSTM from 0.865 to 0.924 (Dai & Le). This recipe is that first stage: its run
folder is an *encoder* that `sentiment_rnn` starts from (`--set encoder=RUN_DIR`), and a text
generator (`rnn-cookbook generate RUN_DIR --prompt "this movie"`).

- **Data**: any unlabelled text, one text per non-blank line: text files, folders of them, a
  CSV/TSV column (`text_column`), or `.tar.gz` archives read without unpacking them; several
  sources joined by commas. `include` keeps the files whose path matches a pattern: aclImdb's
  two archives give their 75,000 training and unlabelled reviews with `include=*/train/*`,
  never the test reviews a classifier is scored on. Files need not be UTF-8 (see
  `rnn_cookbook.core.reading`). A random `validation_fraction` of the texts validates.
- **Model**: `Embedding(num_words, embedding_dim)` → `layers` × `LSTM(units)` → `Dense` over the
  `output_words` most frequent words and one "rare word" class (the capped head of
  `rnn_cookbook.text.language_model`: the full softmax would cost more than the LSTM), Adam with
  gradients clipped to norm 1, `sequence_length` words per training sequence (the texts end to
  end, cut at a new random offset each epoch), dropout on the embeddings and after each LSTM.
- **Direction**: `direction=backward` reads every text from its last word to its first (the same
  vocabulary, the same split): ULMFiT's second language model. A classifier given both runs
  (`encoder=` the forward one, `backward_encoder=` this one) reads each text both ways and
  averages the two heads' probabilities; its error on IMDB fell from 5.3% to 4.6% that way.
- **Report**: the validation perplexity beside a unigram model of the same words; words/s and
  the time left after every epoch; `loss.png`; `vocabulary.json`; `training_texts.json`, a
  fingerprint of each training text (not the text), so that a classifier started from this run
  names any of its test texts the language model read.

    rnn-cookbook run language_model --set data=reviews/ --set epochs=5
    rnn-cookbook run language_model --set data=aclImdb_labeled.tar.gz,aclImdb_unsup.tar.gz --set include='*/train/*'
    rnn-cookbook run sentiment_rnn --set data=labelled.csv --set encoder=runs/language_model/<run>
    rnn-cookbook run language_model --set data=reviews/ --set direction=backward --output runs/backward_lm
    rnn-cookbook run sentiment_rnn --set data=labelled.csv --set encoder=runs/language_model/<run> --set backward_encoder=runs/backward_lm
    rnn-cookbook generate runs/language_model/<run> --prompt "this movie" --length 30 --top-k 40
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import numpy as np

from rnn_cookbook.core import callbacks as presets
from rnn_cookbook.core import scores
from rnn_cookbook.text import language_model
from rnn_cookbook.core import script
from rnn_cookbook.core.config import FRACTION, FRACTION_OR_ZERO, NON_NEGATIVE_INT, POSITIVE_INT, OneOf, RecipeConfig
from rnn_cookbook.core.reading import EncodingLog, unlabeled_texts
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE, Vocabulary
from rnn_cookbook.core.errors import ConfigError, DataError
from rnn_cookbook.core.training import Evaluation, TrainResult, make_optimizer, train_recipe

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions
    import keras

TOY_TEXTS = (  # the rnn-practice tutorial's sentences, the corpus of --quick: shows the pipeline runs, means nothing
    "The quick brown fox jumps over the lazy dog.",
    "I love this movie.",
    "This is a terrible movie.",
    "It's just okay.",
    "This is great!",
)


@dataclasses.dataclass
class Config(RecipeConfig):
    """The language model's data, size and training (see the module docstring)."""

    recipe: ClassVar[str] = language_model.RECIPE
    constraints = {
        "num_words": POSITIVE_INT, "output_words": POSITIVE_INT, "embedding_dim": POSITIVE_INT, "units": POSITIVE_INT,
        "layers": POSITIVE_INT, "embedding_dropout": FRACTION_OR_ZERO, "dropout": FRACTION_OR_ZERO,
        "sequence_length": POSITIVE_INT, "validation_fraction": FRACTION, "split_seed": NON_NEGATIVE_INT,
        "direction": OneOf(("forward", "backward")),
    }

    data: str = "toy"  # toy | paths of text files, folders, CSV/TSV files or .tar.gz archives, joined by commas
    include: str | None = None  # folders and archives: only files whose inner path matches this pattern (e.g. */train/*)
    text_column: str = "text"  # CSV/TSV sources: the column of texts
    sep: str | None = None
    encoding: str | None = None  # default: UTF-8, else cp1252/Latin-1, said in a note
    num_words: int = 20000  # vocabulary: the most frequent words of the training texts
    output_words: int = 2000  # the head predicts these one by one, and "rare" for the rest
    embedding_dim: int = 128
    units: int = 256
    layers: int = 1
    embedding_dropout: float = 0.1
    dropout: float = 0.2  # after each LSTM
    sequence_length: int = 70  # words per training sequence (ULMFiT's BPTT length)
    epochs: int = 3
    batch_size: int = 64
    learning_rate: float = 2e-3
    patience: int = 1  # epochs are long: stop at the first that does not improve
    validation_fraction: float = 0.02  # of the texts, drawn at random with split_seed
    split_seed: int = 0
    direction: str = "forward"  # forward | backward: each text read from its last word to its first (ULMFiT's second model)

    def validate(self) -> None:
        super().validate()
        if self.output_words >= self.num_words:
            raise ConfigError(f"output_words ({self.output_words}) must be below num_words ({self.num_words})")

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the rnn-practice tutorial's sentences (a toy), a tiny model, short sequences."""
        return cls(
            num_words=100, output_words=20, embedding_dim=8, units=8, sequence_length=4, epochs=2, batch_size=4,
            learning_rate=1e-2,
        )

    @property
    def shape(self) -> language_model.EncoderShape:
        return language_model.EncoderShape.from_config(dataclasses.asdict(self))


@dataclasses.dataclass(frozen=True)
class LanguageModelData:
    """The vocabulary and the training and validation texts as word-id streams."""

    name: str
    vocabulary: Vocabulary
    train_stream: np.ndarray
    validation_stream: np.ndarray
    notes: tuple[str, ...]
    texts: int
    train_texts: list[str]


def read_texts(cfg: Config) -> tuple[str, list[str], list[str]]:
    """A name for the corpus, its texts, and notes (how many texts, which encodings)."""
    if cfg.data == "toy":
        return "toy_sentences", list(TOY_TEXTS) * 4, ["toy: the rnn-practice tutorial's sentences; it validates on its training text"]
    log = EncodingLog()
    texts: list[str] = []
    sources = [s.strip() for s in cfg.data.split(",") if s.strip()]
    for source in sources:
        texts += unlabeled_texts(
            source, text_column=cfg.text_column, sep=cfg.sep, include=cfg.include, encoding=cfg.encoding, log=log
        )
    name = "+".join(Path(s).name.split(".")[0] for s in sources)
    return name, texts, [f"{name}: {len(texts):,} texts", *log.notes()]


def load_data(cfg: Config) -> LanguageModelData:
    """The texts, a random `validation_fraction` of them held out, the vocabulary of the rest, as id streams."""
    name, texts, notes = read_texts(cfg)
    order = np.random.default_rng(cfg.split_seed).permutation(len(texts))
    held_out = int(round(len(texts) * cfg.validation_fraction))
    if cfg.data == "toy":
        train_texts = validation_texts = texts
    else:
        if held_out < 1 or held_out >= len(texts):
            raise DataError(f"{name}: {len(texts)} texts are too few to hold out {cfg.validation_fraction:.0%} for validation")
        train_texts = [texts[i] for i in order[held_out:]]
        validation_texts = [texts[i] for i in order[:held_out]]
    vocabulary = Vocabulary.adapt(train_texts, max_tokens=cfg.num_words)
    if len(vocabulary) <= cfg.output_words:
        raise DataError(
            f"{name} has {len(vocabulary)} distinct words (with padding and [UNK]), not more than output_words "
            f"({cfg.output_words}): set output_words below {len(vocabulary)}, or give more text"
        )
    train_stream = language_model.token_stream(language_model.in_direction(vocabulary.encode(train_texts), cfg.direction))
    validation_stream = language_model.token_stream(language_model.in_direction(vocabulary.encode(validation_texts), cfg.direction))
    language_model.check_stream("training", train_stream, cfg.sequence_length)
    language_model.check_stream("validation", validation_stream, cfg.sequence_length)
    notes.append(f"{name}: {len(train_stream):,} training and {len(validation_stream):,} validation words, vocabulary {len(vocabulary):,}")
    return LanguageModelData(name, vocabulary, train_stream, validation_stream, tuple(notes), len(texts), train_texts)


def build_model(cfg: Config, vocabulary_size: int | None = None) -> keras.Model:
    """Embedding → LSTM × layers → Dense over the output words and "rare"; Adam, clipped gradients."""
    model = language_model.build_language_model(cfg.shape, vocabulary_size or cfg.num_words)
    optimizer = make_optimizer(cfg, clipnorm=1.0)  # one exploding gradient in millions of steps can undo an epoch
    return language_model.compile_language_model(model, optimizer)


def evaluate(model: keras.Model, data: LanguageModelData, cfg: Config) -> Evaluation:
    """Validation loss per word and perplexity, beside a unigram model of the same capped words."""
    validation = language_model.next_word_dataset(data.validation_stream, cfg.output_words, cfg.sequence_length, cfg.batch_size)
    loss = float(model.evaluate(validation, verbose=0))
    classes = cfg.output_words + 1
    capped = np.minimum(data.train_stream, cfg.output_words), np.minimum(data.validation_stream, cfg.output_words)
    unigram = scores.ngram_loss(*capped, classes, order=1, start=1)
    return Evaluation(
        data=data.name,
        split="validation",
        model=scores.language_model_scores(loss, level="word"),
        baselines={"unigram": scores.language_model_scores(unigram, level="word")},
        details={"training_words": int(len(data.train_stream)), "output_classes": classes, "texts": data.texts},
    )


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: texts, vocabulary, model, next-word fit with words/s and ETA, perplexity, run folder."""
    cfg = cfg or Config()
    data = load_data(cfg)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, len(data.vocabulary)),
        datasets=lambda: (
            language_model.next_word_dataset(data.train_stream, cfg.output_words, cfg.sequence_length, cfg.batch_size, shuffle=True, seed=cfg.seed),
            language_model.next_word_dataset(data.validation_stream, cfg.output_words, cfg.sequence_length, cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg),
        # The toy validates on its training text, which the unigram counted: nothing to compare there.
        advice=None if cfg.data == "toy" else "more epochs or text, or a lower learning_rate: word frequencies alone still do better",
        examples_per_epoch=len(data.train_stream),
        extra_callbacks=[] if run.get("verbose") == 0 else [presets.Throughput(len(data.train_stream), cfg.epochs, label="language model", unit="words", perplexity=True)],
        json_files={
            VOCABULARY_FILE: data.vocabulary.to_dict(),
            language_model.TRAINING_TEXTS_FILE: language_model.fingerprint_record(data.train_texts),
        },
        notes=data.notes,
        **run,
    )


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
