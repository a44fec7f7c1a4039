"""What every text-classification recipe shares: its data settings, data pipeline, evaluation and run.

A text recipe (`sentiment_rnn`, `conv1d_rnn_classifier`) only defines its model. This module:

- `TextClassifierConfig`: the ithome-rnn tutorial's data and training settings (10,000 words, reviews cut to 200
  ids, 10 epochs of batch 128, 20% of training held out for validation, early stopping after 3
  epochs), the data source, and the columns of a CSV;
- `load_data(cfg, padding)`: texts -> word ids -> padded arrays for train / validation / test;
- `TextScorer`: test accuracy and loss beside the bag-of-words models (TF-IDF, NBSVM) fitted on
  the same training texts, the network combined with the better of them (`combined`), and a
  confusion matrix; or the same scores on the validation texts, which `train` reads first to say
  when a bag of words (or an encoder's frozen linear probe) beats the model there;
- `train(...)`: the recipe run, which also saves `vocabulary.json` so `rnn-cookbook predict` can
  turn new text into the same ids in another process; with `encoder=RUN_DIR` the classifier
  starts from a pretrained language model's vocabulary and weights (`start_from_encoder`,
  `rnn_cookbook.text.language_model`), fine-tuned first on the task's training texts on request,
  and with `backward_encoder=RUN_DIR` a second one reads each text last word first
  (`encoder_outputs`: the two heads' probabilities averaged);
- `embedded_words` and `class_output`: the first and last layers every text recipe shares, with the
  `embedding_dropout` and `output_dropout` settings; two classes end in a sigmoid, more in a
  softmax (`compile_classifier` picks the loss to match).

Padding: a SimpleRNN, or a convolution, has no mask and reads padding like words, so its
sequences are padded at the front (`pre`) and the review's end stays next to the output. Gated
cells with `mask_zero` skip the padding; they are padded at the back (`post`), the only layout the
fused cuDNN kernel accepts with a mask.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core import scores
from rnn_cookbook.text import baselines
from rnn_cookbook.text import combination as combining
from rnn_cookbook.text import fine_tuning
from rnn_cookbook.text import language_model
from rnn_cookbook.core import plots
from rnn_cookbook.core.config import (
    FRACTION,
    FRACTION_OR_ZERO,
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    Interval,
    OneOf,
    RecipeConfig,
    check_choice,
)
from rnn_cookbook.core.pipeline import array_dataset
from rnn_cookbook.core.splits import ArraySplits, stratified_holdout
from rnn_cookbook.text.keras_imdb import imdb_sequences
from rnn_cookbook.text.labelled import load_texts
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE
from rnn_cookbook.text.encoding import EncodedTexts, encode_texts, pad
from rnn_cookbook.text.layers import ReversedWords, pool_over_time
from rnn_cookbook.core.distribute import one_device
from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_for_classes, compile_model, make_optimizer, train_recipe

if TYPE_CHECKING:
    import tensorflow as tf


@dataclasses.dataclass
class TextClassifierConfig(RecipeConfig):
    """Data and training settings of the ithome-rnn tutorial (IMDB with a SimpleRNN), shared by every text recipe."""

    constraints = {
        "header": OneOf(("first_line", "none")),
        "label_level": OneOf(("coarse", "fine")),
        "class_weight": OneOf(("balanced",), text="balanced or none"),
        "num_words": Interval(int, 4, text="at least 4", note="ids 0-3 are reserved"),
        "maxlen": POSITIVE_INT,
        "embedding_dim": POSITIVE_INT,
        "validation_fraction": FRACTION,
        "test_fraction": FRACTION,
        "split_seed": NON_NEGATIVE_INT,
        "embedding_dropout": FRACTION_OR_ZERO,
        "output_dropout": FRACTION_OR_ZERO,
        "lm_finetune_epochs": NON_NEGATIVE_INT,
        "freeze_epochs": NON_NEGATIVE_INT,
        "unfreeze": OneOf(("all", "gradual")),
        "layer_lr_decay": Interval(float, 0, 1, closed="right"),
        "schedule": OneOf(("constant", "slanted_triangular")),
        "predict_with": OneOf(("combined", "model")),
    }

    data: str = "imdb"  # imdb | toy | path to an aclImdb folder, a CSV/TSV, a folder of class folders or of class files
    text_column: str = "text"  # delimited files: a column name, or a position from 0 with header=none
    label_column: str = "label"
    sep: str | None = None  # delimited files: the separator (a character, or tab|comma|semicolon|pipe); default: read off the file
    header: str = "first_line"  # first_line | none (the file starts with data; columns are positions)
    split_column: str | None = None  # a column that places each row: train|valid|test, or True/False for validation
    test_data: str | None = None  # a second file or folder of the same kind whose examples are the test set
    encoding: str | None = None  # the files' text encoding; default: UTF-8, else cp1252/Latin-1, said in a note
    label_level: str = "coarse"  # `COARSE:fine text` lines (TREC): coarse | fine classes
    class_weight: str | None = None  # none | balanced: weigh each class by the inverse of its training share (skewed labels)
    num_words: int = 10000  # vocabulary size, the most frequent words of the training texts
    maxlen: int = 200  # ids per text: longer texts keep their end, shorter ones are padded
    embedding_dim: int = 64
    epochs: int = 10
    batch_size: int = 128
    validation_fraction: float = 0.2  # the ithome-rnn tutorial: validation_split=0.2
    test_fraction: float = 0.2  # for sources without their own test split
    split_seed: int = 0  # fixes the test and validation splits, whatever the model's `seed`
    patience: int = 3  # the ithome-rnn tutorial: EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    embedding_dropout: float = 0.0  # SpatialDropout1D after the Embedding: drops whole word-vector channels
    output_dropout: float = 0.0  # Dropout before the output layer
    encoder: str | None = None  # a language_model run folder: its vocabulary and weights start the classifier (cell=lstm)
    backward_encoder: str | None = None  # with encoder: a direction=backward language_model run of the same vocabulary; the texts are read both ways, the two heads averaged
    lm_finetune_epochs: int = 0  # encoder: first fine-tune the language model on the training texts, at most this many epochs
    freeze_epochs: int = 0  # encoder: epochs that train only the new layers on top before everything trains
    # ULMFiT's fine-tuning parts below measured worse than leaving them off (TREC, IMDB: benchmarks/README.md); off by default.
    unfreeze: str = "all"  # encoder: all (at once) | gradual (ULMFiT: the new layers one epoch, then one more layer each epoch)
    layer_lr_decay: float = 1.0  # encoder: each layer below the new ones trains at this fraction of the rate above (ULMFiT: 1/2.6)
    schedule: str = "constant"  # encoder: constant | slanted_triangular (ULMFiT's warm-up then linear decay)
    predict_with: str = "combined"  # what `predict` uses: combined (the model with the best bag-of-words, weight chosen on validation) | model

    def validate(self) -> None:
        super().validate()
        fine_tuning = (self.lm_finetune_epochs, self.freeze_epochs, self.unfreeze != "all", self.layer_lr_decay != 1.0, self.schedule != "constant")
        if self.encoder is None and any(fine_tuning):
            raise ConfigError(
                "lm_finetune_epochs, freeze_epochs, unfreeze, layer_lr_decay and schedule act on an encoder: "
                "set encoder=RUN_DIR too, or leave them at their defaults"
            )
        if self.backward_encoder is not None and self.encoder is None:
            raise ConfigError("backward_encoder is the second of two encoders: set encoder=RUN_DIR (the forward language model) too")
        if self.freeze_epochs and self.unfreeze == "gradual":
            raise ConfigError("freeze_epochs and unfreeze=gradual both train the new layers alone first: choose one")
        if self.encoder is not None and self.data == "imdb":
            raise ConfigError(
                "data=imdb is Keras' word ids, numbered by its own vocabulary; an encoder reads raw text: "
                "use the aclImdb folder or its .tar.gz (data=path/to/aclImdb_labeled.tar.gz)"
            )


@dataclasses.dataclass(frozen=True)
class TextClassificationData(ArraySplits):
    """Padded word ids and labels for each split, and where they came from."""

    encoded: EncodedTexts
    padding: str
    maxlen: int
    train_ids: list[list[int]]  # whole texts as ids, not cut to maxlen: what a language model reads
    validation_ids: list[list[int]]
    train_texts: list[str]  # the texts of `train` and `validation`, for the TF-IDF baseline
    validation_texts: list[str]

    @property
    def vocabulary_size(self) -> int:
        return len(self.encoded.vocabulary)

    @property
    def num_classes(self) -> int:
        return len(self.encoded.class_names)

    @property
    def held_out(self) -> bool:
        """Whether the validation texts are not the training texts (a tiny set, the toy, validates on its training texts)."""
        return bool(self.validation_texts) and self.validation_texts != self.train_texts

    def dataset(self, split: str, batch_size: int, *, shuffle: bool = False, seed: int = 0) -> tf.data.Dataset:
        """A batched, prefetched `tf.data` pipeline over one split (float labels for a sigmoid, integers for a softmax)."""
        x, y = getattr(self, split)
        return array_dataset(x, y.astype("float32" if self.num_classes == 2 else "int32"), batch_size, shuffle=shuffle, seed=seed)

    def class_weights(self, how: str | None) -> dict[int, float] | None:
        """`balanced`: each class weighs `n / (classes * count)` of the training labels (scikit-learn's rule); None: None.

        A search passes the same setting to scikeras' `class_weight`, which applies the same rule.
        """
        if how is None:
            return None
        from sklearn.utils.class_weight import compute_class_weight

        labels = self.train[1]
        present = np.unique(labels)
        weights = compute_class_weight("balanced", classes=present, y=labels)
        return {int(c): float(w) for c, w in zip(present, weights, strict=True)}

    def settings(self) -> dict[str, Any]:
        """What `vocabulary.json` stores to encode new text the same way."""
        return {
            **self.encoded.vocabulary.to_dict(),
            "maxlen": self.maxlen,
            "padding": self.padding,
            "class_names": list(self.encoded.class_names),
            "cleaning": list(self.encoded.cleaning),  # predict_texts cleans new text the same way
        }


def load_data(cfg: TextClassifierConfig, padding: str = "pre") -> TextClassificationData:
    """Load the configured texts, encode them (vocabulary from training only) and pad them."""
    check_choice("padding", padding, ("pre", "post"))
    if cfg.data == "imdb":
        encoded = imdb_sequences(cfg.num_words)
    else:
        texts = load_texts(
            cfg.data,
            text_column=cfg.text_column,
            label_column=cfg.label_column,
            sep=cfg.sep,
            header=cfg.header != "none",
            split_column=cfg.split_column,
            test_source=cfg.test_data,
            test_fraction=cfg.test_fraction,
            seed=cfg.split_seed,
            encoding=cfg.encoding,
            label_level=cfg.label_level,
        )
        vocabulary = None
        if cfg.encoder is not None:
            encoders = open_encoders(cfg)
            vocabulary = encoders[0][1].vocabulary
            leaked = max(encoder.trained_on(texts.test_texts) for _, encoder in encoders)
            if leaked:
                texts = dataclasses.replace(texts, notes=(*texts.notes, (
                    f"{leaked:,} of the {len(texts.test_texts):,} test texts are among the texts the encoder's language "
                    "model trained on: the test score flatters the model; pretrain without them"
                )))
        encoded = encode_texts(texts, cfg.num_words, vocabulary=vocabulary)
    if encoded.validation_ids is not None:  # the source's own validation rows, as given
        train_ids, train_labels, train_texts = encoded.train_ids, np.asarray(encoded.train_labels), encoded.train_texts
        validation_ids, validation_labels = encoded.validation_ids, np.asarray(encoded.validation_labels)
        validation_texts = encoded.validation_texts or []
    else:
        labels = np.asarray(encoded.train_labels)
        train_rows, validation_rows = _validation_rows(labels, cfg.validation_fraction, cfg.split_seed)
        train_ids, train_labels = [encoded.train_ids[i] for i in train_rows], labels[train_rows]
        validation_ids, validation_labels = [encoded.train_ids[i] for i in validation_rows], labels[validation_rows]
        train_texts = [encoded.train_texts[i] for i in train_rows]
        validation_texts = [encoded.train_texts[i] for i in validation_rows]
    return TextClassificationData(
        encoded=encoded,
        train=(pad(train_ids, cfg.maxlen, padding), train_labels),
        validation=(pad(validation_ids, cfg.maxlen, padding), validation_labels),
        test=(pad(encoded.test_ids, cfg.maxlen, padding), np.asarray(encoded.test_labels)),
        padding=padding,
        maxlen=cfg.maxlen,
        train_ids=train_ids,
        validation_ids=validation_ids,
        train_texts=train_texts,
        validation_texts=validation_texts,
    )


class TextScorer:
    """Scores a trained text classifier beside its bag-of-words models and their combination with it.

    The bag-of-words models (`baselines.BAG_OF_WORDS`: TF-IDF and NBSVM) are fitted once, on the
    training texts with their settings chosen on the validation texts, and serve both the
    validation check and the test. The combination (`rnn_cookbook.text.combination`) is chosen on
    the validation texts the first time it is needed, and scored on whichever split is asked.
    """

    def __init__(self, data: TextClassificationData, cfg: TextClassifierConfig) -> None:
        self.data, self.cfg = data, cfg
        self._probabilities: dict[tuple[int, str], np.ndarray] = {}
        self._bag_probabilities: dict[str, dict[str, np.ndarray]] = {}
        self.probe: np.ndarray | None = None  # with an encoder: its frozen states' linear probe on the validation texts

    @functools.cached_property
    def bags_of_words(self) -> dict[str, baselines.LinearTextModel]:
        """Each bag-of-words model, fitted on the training texts and tuned on the validation texts."""
        return {
            name: fit(
                self.data.train_texts, self.data.train[1], validation=(self.data.validation_texts, self.data.validation[1]),
                num_classes=self.data.num_classes, class_weight=self.cfg.class_weight,
            )
            for name, fit in baselines.BAG_OF_WORDS.items()
        }

    def texts(self, split: str) -> list[str]:
        return self.data.encoded.test_texts if split == "test" else getattr(self.data, f"{split}_texts")

    def model_probabilities(self, model: keras.Model, split: str) -> np.ndarray:
        """The model's `(n, classes)` probabilities on a split, computed once per model and split."""
        key = (id(model), split)
        if key not in self._probabilities:
            predicted = model.predict(self.data.dataset(split, self.cfg.batch_size), verbose=0)
            self._probabilities[key] = scores.class_probabilities(predicted)
        return self._probabilities[key]

    def bag_of_words_probabilities(self, split: str) -> dict[str, np.ndarray]:
        """Each bag-of-words model's `(n, classes)` probabilities on a split, computed once."""
        if split not in self._bag_probabilities:
            texts = self.texts(split)
            self._bag_probabilities[split] = {name: bag(texts) for name, bag in self.bags_of_words.items()}
        return self._bag_probabilities[split]

    def combination(self, model: keras.Model) -> combining.Combination:
        """The bag-of-words model and weight chosen on the validation texts (`combination.choose`)."""
        bags = self.bag_of_words_probabilities("validation")
        return combining.choose(self.data.validation[1], self.model_probabilities(model, "validation"), bags)

    def evaluate(self, model: keras.Model, split: str = "test") -> Evaluation:
        """Scores of the model, of each bag-of-words model and of the combination on `split`, per class too.

        All get accuracy, loss and macro-F1 (and, with a rare class, balanced accuracy and its F1:
        `scores.classification_scores`); `metrics.json` adds each one's per-class precision, recall
        and F1 under `per_class`, and under `combination` which bag-of-words model the network was
        combined with, its weight, and what the network adds (`adds_accuracy`: the combination's
        accuracy minus that model's alone). The test split adds a confusion matrix, and keeps the
        chosen bag-of-words model and the combination in the run folder for `predict`.
        """
        labels = getattr(self.data, split)[1]
        names = self.data.encoded.class_names
        chosen = self.combination(model)
        rows = {"model": self.model_probabilities(model, split), **self.bag_of_words_probabilities(split)}
        rows["combined"] = chosen(rows["model"], rows[chosen.bag_of_words])
        if split == "validation" and self.probe is not None:
            rows["encoder_probe"] = self.probe
        measured = {name: scores.classification_scores(labels, p, names) for name, p in rows.items()}
        figures = {}
        if split == "test":
            figures["confusion_matrix.png"] = plots.confusion_matrix(
                labels, scores.predicted_classes(rows["model"]), names,
                title=f"{self.cfg.recipe} on {self.data.encoded.name}: test confusion matrix",
            )
        bag = self.bags_of_words[chosen.bag_of_words]

        def keep(run: Any) -> None:
            bag.save(run)
            chosen.save(run)

        return Evaluation(
            data=self.data.encoded.name,
            split=split,
            model=measured.pop("model"),
            baselines=measured,
            figures=figures,
            details={
                "per_class": {name: scores.per_class_report(labels, p, names) for name, p in rows.items()},
                "combination": {
                    **chosen.to_dict(),
                    "chosen_on": "validation",
                    "bag_of_words_settings": bag.chosen,
                    "adds_accuracy": measured["combined"]["accuracy"] - measured[chosen.bag_of_words]["accuracy"],
                },
            },
            companions=("combined",),
            keep=keep if split == "test" else None,
        )


def train(
    cfg: TextClassifierConfig,
    build_model: Callable[[TextClassifierConfig, int, int], keras.Model],
    data: TextClassificationData,
    *,
    output: str | Path | None = None,
    verbose: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    advice: str | None = None,
) -> TrainResult:
    """A text recipe's whole run on `data`; `build_model(cfg, vocabulary_size, num_classes)` is the recipe's own part.

    With `encoder=RUN_DIR` the built model's encoder layers start from that language model
    (`start_from_encoder`). `advice` is what to try when TF-IDF beats the model on the validation
    texts (`train_recipe`); the baseline is fitted once for that check and the test. Both sides
    were tuned on those texts (the model's early stopping, TF-IDF's `C`), so the comparison is
    even-handed. A set too small to hold validation texts out (the toy) makes no such check:
    TF-IDF would be scored on the very texts it was fitted on.
    """
    scorer = TextScorer(data, cfg)
    before_fit = None if cfg.encoder is None else start_from_encoder(cfg, data, scorer)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, data.vocabulary_size, data.num_classes),
        datasets=lambda: (
            data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed),
            data.dataset("validation", cfg.batch_size),
        ),
        evaluate=scorer.evaluate,
        validate=(lambda model: scorer.evaluate(model, "validation")) if data.held_out else None,
        advice=advice,
        examples_per_epoch=len(data.train[1]),
        class_weight=data.class_weights(cfg.class_weight),
        before_fit=before_fit,
        json_files={VOCABULARY_FILE: data.settings()},
        notes=data.encoded.notes,
        output=output,
        verbose=verbose,
        resume=resume,
        overwrite=overwrite,
    )


def start_from_encoder(cfg: TextClassifierConfig, data: TextClassificationData, scorer: TextScorer | None = None) -> Callable[..., dict[str, Any]]:
    """The `before_fit` step of `encoder=RUN_DIR`: ULMFiT's stages 2 and 3 (`rnn_cookbook.text.language_model`).

    1. With `lm_finetune_epochs`, the encoder's language model first goes on learning the next
       word of this task's training texts (never its validation or test texts, which measure it),
       and is saved as `language_model.keras` in the run folder (a resumed run reloads it).
    2. The classifier's Embedding and LSTMs take the language model's weights, by name.
    3. The frozen encoder's *linear probe* (`linear_probe`): a logistic regression on its pooled
       states, before any training of the classifier. Its validation score joins the validation
       table as `encoder_probe` (given the run's `scorer`), so a fine-tuned classifier that ends
       below what its encoder already knew is named in a note, as a baseline that beats it is.
    4. With `freeze_epochs`, only the new layers on top train for that many epochs; with
       `unfreeze=gradual`, they train alone for one epoch, then with one more encoder layer each
       epoch (`fine_tuning.layer_groups`); then everything trains in the recipe's normal fit, with
       `layer_lr_decay` and `schedule` (`fine_tuning.optimizer`).
    """

    def before_fit(model: keras.Model, *, run: Any, train_data: Any, validation_data: Any, verbose: int) -> dict[str, Any]:
        records: dict[str, Any] = {}
        body: list[str] = []
        encoders = open_encoders(cfg)
        for prefix, encoder in encoders:
            record: dict[str, Any] = {"run": str(encoder.run.path), "direction": encoder.shape.direction}
            if encoder.run.file("metrics.json").is_file():
                record["validation_perplexity"] = encoder.run.load_metrics()["model"].get("perplexity")
            lm = stage_two(encoder, prefix, run, record, verbose)
            body += language_model.transfer(lm, model, encoder.shape.layer_names(), prefix)
            record["transferred_layers"] = body[-len(encoder.shape.layer_names()):]
            records[f"{prefix}encoder"] = record
        if scorer is not None and data.held_out:
            scorer.probe, records["encoder"]["probe"] = linear_probe(model, data, cfg)
        prefixes = [prefix for prefix, _ in encoders]
        groups = fine_tuning.layer_groups(model, encoders[0][1].shape.layer_names(), prefixes)
        steps = [len(groups) - 1] if cfg.freeze_epochs else list(range(len(groups) - 1, 0, -1)) if cfg.unfreeze == "gradual" else []
        for frozen in steps:  # how many groups, from the bottom, stay frozen for this stage
            set_trainable(model, [name for group in groups[len(groups) - frozen :] for name in group], False)
            compile_classifier(model, cfg)
            model.fit(
                train_data,
                validation_data=validation_data,
                epochs=cfg.freeze_epochs or 1,
                class_weight=data.class_weights(cfg.class_weight),
                shuffle=False,
                verbose=verbose,
            )
            set_trainable(model, body, True)
        total_steps = cfg.epochs * -(-len(data.train[1]) // cfg.batch_size)
        factors = fine_tuning.layer_factors(groups, cfg.layer_lr_decay)
        compile_classifier(model, cfg, fine_tuning.optimizer(cfg.learning_rate, factors=factors, schedule=cfg.schedule, total_steps=total_steps))
        return records

    def stage_two(encoder: language_model.LanguageModelRun, prefix: str, run: Any, record: dict[str, Any], verbose: int) -> keras.Model:
        """The encoder's language model, first fine-tuned on the training texts (read in its direction) with `lm_finetune_epochs`."""
        saved, saved_record = prefix + language_model.FINE_TUNED_FILE, prefix + language_model.FINE_TUNED_RECORD
        if not cfg.lm_finetune_epochs:
            return encoder.load_model()
        if run.file(saved).exists() and run.file(saved_record).exists():
            record["fine_tuned"] = run.read_json(saved_record)
            return run.load_model(saved)
        with one_device():  # under data_parallel each process runs stage 2 alike, on its own
            lm = encoder.load_model()
            record["fine_tuned"] = language_model.fine_tune_language_model(
                lm,
                language_model.in_direction(data.train_ids, encoder.shape.direction),
                language_model.in_direction(data.validation_ids, encoder.shape.direction),
                output_words=encoder.shape.output_words,
                sequence_length=encoder.sequence_length,
                batch_size=cfg.batch_size,
                learning_rate=cfg.learning_rate,
                epochs=cfg.lm_finetune_epochs,
                seed=cfg.seed,
                verbose=verbose,
            )
        run.save_model(lm, saved)
        run.write_json(saved_record, record["fine_tuned"])
        return lm

    return before_fit


def open_encoders(cfg: TextClassifierConfig) -> list[tuple[str, language_model.LanguageModelRun]]:
    """The run's encoders with the prefix of their layers' names: `encoder` (""), and `backward_encoder` ("backward_").

    Refuses a pair that cannot work together: the first must read forward and the second backward,
    over one vocabulary (the same word must have the same id in both), with the same shape.
    """
    forward = language_model.LanguageModelRun(cfg.encoder)
    if forward.shape.direction != "forward":
        raise ConfigError(f"encoder={cfg.encoder} is a backward language model: give it as backward_encoder, and a forward one as encoder")
    if cfg.backward_encoder is None:
        return [("", forward)]
    backward = language_model.LanguageModelRun(cfg.backward_encoder)
    if backward.shape.direction != "backward":
        raise ConfigError(
            f"backward_encoder={cfg.backward_encoder} reads forward: train it with --set direction=backward "
            "(the same data and vocabulary settings as the encoder's)"
        )
    if backward.vocabulary != forward.vocabulary:
        raise ConfigError(
            "encoder and backward_encoder have different vocabularies: train both language models on the same data "
            "with the same num_words and split_seed, so each word has one id"
        )
    if dataclasses.replace(backward.shape, direction="forward") != forward.shape:
        raise ConfigError(f"encoder and backward_encoder differ in shape ({forward.shape} against {backward.shape}): train both alike")
    return [("", forward), (BACKWARD, backward)]


BACKWARD = "backward_"  # the name prefix of a two-way classifier's second encoder and head


def encoder_outputs(cfg: TextClassifierConfig, ids: keras.KerasTensor, vocabulary_size: int, num_classes: int) -> keras.KerasTensor:
    """Class probabilities of a classifier started from `encoder` (and `backward_encoder`), pooled with `cfg.pooling`.

    One encoder: its Embedding and LSTMs, pooling, the output layer. Two (ULMFiT's forward +
    backward pair): the second reads each text last word first (`ReversedWords`) through its own
    Embedding, LSTMs, pooling and output layer, named `backward_...`; the model's output is the
    mean of the two heads' probabilities, trained as one model.
    """
    heads = []
    for prefix, encoder in open_encoders(cfg):
        words = ids if not prefix else ReversedWords(name=f"{prefix}words")(ids)
        states = language_model.encoder_states(encoder.shape, words, vocabulary_size, mask_zero=True, prefix=prefix)
        heads.append(class_output(cfg, pool_over_time(states, cfg.pooling, prefix), num_classes, prefix))
    return heads[0] if len(heads) == 1 else keras.layers.Average(name="two_way")(heads)


PROBE_TRAINING_TEXTS = 5000  # enough to fit a linear probe of a few hundred features; caps its cost on IMDB's 20,000


def linear_probe(model: keras.Model, data: TextClassificationData, cfg: TextClassifierConfig) -> tuple[np.ndarray, dict[str, Any]]:
    """What the encoder knows before fine-tuning: a logistic regression on the classifier's pooled features, frozen.

    Fitted on up to `PROBE_TRAINING_TEXTS` training texts (standardised features, as a fresh
    LSTM's states are small), scored on the validation texts; returns those validation
    probabilities and a record for `metrics.json`.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    heads = [layer for layer in model.layers if layer.name in OUTPUT_NAMES]  # with two encoders, both heads
    reader = keras.Model(model.inputs, [head.input for head in heads])  # what the output layers read

    def pooled(x: np.ndarray) -> np.ndarray:
        features = reader.predict(x, batch_size=cfg.batch_size, verbose=0)
        return np.concatenate(features, axis=1) if isinstance(features, list) else features

    (x, y), (val_x, val_y) = data.train, data.validation
    rows = np.random.default_rng(cfg.split_seed).permutation(len(y))[:PROBE_TRAINING_TEXTS]
    if len(np.unique(y[rows])) < 2:
        rows = np.arange(len(y))
    train_features = pooled(x[rows])
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(train_features, y[rows])
    probabilities = np.zeros((len(val_y), data.num_classes))
    probabilities[:, probe.classes_] = probe.predict_proba(pooled(val_x))
    measured = scores.classification_scores(val_y, probabilities)
    return probabilities, {"training_texts": len(rows), "validation_accuracy": measured["accuracy"], "validation_loss": measured["loss"]}


def set_trainable(model: keras.Model, names: list[str], trainable: bool) -> None:
    """Freeze or unfreeze the named layers (recompile afterwards)."""
    for name in names:
        model.get_layer(name).trainable = trainable


DATA_KEYS = (
    "data", "text_column", "label_column", "sep", "header", "split_column", "test_data", "encoding", "label_level",
    "num_words", "maxlen", "validation_fraction", "test_fraction", "split_seed", "encoder", "backward_encoder",
)


def search_data(
    cfg: TextClassifierConfig, data: TextClassificationData, data_keys: tuple[str, ...] = DATA_KEYS
) -> dict[str, Any]:
    """What `rnn-cookbook search` cross-validates on: training + validation texts as padded ids.

    The test texts stay unseen. `data_keys` are the config fields that change the data itself,
    which a single search cannot vary. A search fits `build_model` alone, from scratch: an encoder's
    weights are handed on in `run` only.
    """
    if cfg.encoder is not None:
        raise ConfigError("a search fits the recipe's model from scratch: leave encoder out (encoder=RUN_DIR works in `run`)")
    return {
        "splits": [data.train, data.validation],
        "task": "classification",
        "label": data.encoded.name,
        "model_kwargs": {"vocabulary_size": data.vocabulary_size, "num_classes": data.num_classes},
        "data_keys": data_keys,
    }


def embedding(cfg: TextClassifierConfig, vocabulary_size: int, *, mask_zero: bool) -> keras.layers.Embedding:
    """The word-embedding layer every text recipe starts with (the rnn-practice tutorial had none: see the errata)."""
    return keras.layers.Embedding(vocabulary_size, cfg.embedding_dim, mask_zero=mask_zero, name="embedding")


def embedded_words(cfg: TextClassifierConfig, ids: keras.KerasTensor, vocabulary_size: int, *, mask_zero: bool) -> keras.KerasTensor:
    """Word vectors of `ids`, with `embedding_dropout` (whole vector channels dropped per text) when set."""
    vectors = embedding(cfg, vocabulary_size, mask_zero=mask_zero)(ids)
    if cfg.embedding_dropout:
        vectors = keras.layers.SpatialDropout1D(cfg.embedding_dropout, name="embedding_dropout")(vectors)
    return vectors


OUTPUT_NAMES = ("positive", "classes", f"{BACKWARD}positive", f"{BACKWARD}classes")


def class_output(cfg: TextClassifierConfig, features: keras.KerasTensor, num_classes: int = 2, prefix: str = "") -> keras.KerasTensor:
    """The output layer every text recipe ends with, after `output_dropout` when set.

    Two classes: `Dense(1, sigmoid)`, the probability of the second class (the ithome-rnn tutorial). More:
    `Dense(classes, softmax)`, a probability for each. `prefix` starts the layers' names (a second head's).
    """
    if cfg.output_dropout:
        features = keras.layers.Dropout(cfg.output_dropout, name=f"{prefix}output_dropout")(features)
    if num_classes == 2:
        return keras.layers.Dense(1, activation="sigmoid", name=f"{prefix}positive")(features)
    return keras.layers.Dense(num_classes, activation="softmax", name=f"{prefix}classes")(features)


def compile_classifier(model: keras.Model, cfg: TextClassifierConfig, optimizer: keras.optimizers.Optimizer | None = None) -> keras.Model:
    """The ithome-rnn tutorial's compile step for a sigmoid output (binary cross-entropy, accuracy); a softmax output
    gets sparse categorical cross-entropy on integer labels. The optimizer is the Config's
    (`make_optimizer`) unless one is given (an encoder's fine-tuning: `fine_tuning.optimizer`)."""
    if model.output_shape[-1] != 1:
        return compile_for_classes(model, cfg, optimizer)
    return compile_model(model, optimizer or make_optimizer(cfg), "binary_crossentropy",
                         [keras.metrics.BinaryAccuracy(name="accuracy")])


def _validation_rows(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified random rows for validation; tiny sets (a class under 2 examples) validate on train."""
    rows = np.arange(len(labels))
    if np.bincount(labels).min() < 2 or round(len(labels) * fraction) < 2:
        return rows, rows
    return stratified_holdout(labels, fraction, seed)


def input_layer(cfg: TextClassifierConfig) -> keras.KerasTensor:
    """Padded word ids, `maxlen` per text."""
    return keras.Input(shape=(cfg.maxlen,), dtype="int32", name="word_ids")

