"""Classify images with an LSTM that reads them one row at a time.

Source: the rnn-and-lstm tutorial (循环神经网络(RNN)与长短时记忆网络(LSTM), section 3.2): MNIST in PyTorch, each
28x28 image read as a sequence of 28 rows of 28 pixels, a 2-layer `nn.LSTM(28, 128)`, a linear
layer on the last step's output, cross-entropy, Adam at 1e-3, batch 100, 5 epochs, inputs through
`ToTensor()` and `Normalize((0.1307,), (0.3081,))`. It reports 97.74% test accuracy; its test loop
reads a `test_loader` it never defined (DESIGN.md's errata), so as printed it stops there.

Why an LSTM can read a picture: nothing in a recurrent layer says its steps must be time. Here step
t is row t of the image, from top to bottom; the state carries what the rows above looked like
(a loop closed at the top, a stroke going left), and the last state, after the bottom row, has
seen the whole digit. A convolution is the better tool for images; this recipe is about what a
recurrent layer can remember, on data where a person can see every mistake.

The model: `Input(rows, cols)` → `LSTM(128, return_sequences=True)` → `LSTM(128)` → `Dense(10,
softmax)`, sparse categorical cross-entropy. The tutorial's `nn.Linear` emits logits and its
`CrossEntropyLoss` applies the softmax inside the loss; a softmax layer with that loss computes the
same thing and lets `model.predict` return probabilities. The rnn-and-lstm tutorial's settings are the defaults:
128 units, 2 layers, Adam 1e-3, batch 100, 5 epochs, with one addition: dropout 0.3 between the
two LSTM layers (see below; `--set dropout=0` is the tutorial's model). Pixels are normalised as the tutorial
does (see `rnn_cookbook.images.loading`); 10% of the training images, stratified, validate (the tutorial
has no validation set), and early stopping watches them (patience 3, best weights restored).

An epoch is about 600 batches (`batches_per_epoch`), the length of the rnn-and-lstm tutorial's MNIST epoch: on MNIST
that is one pass over the 54,000 training images, as in the tutorial, while the 1,293 training digits
are read 46 times. Counted as single passes, 5 epochs of the digits would be 65 updates instead of
the tutorial's 3,000, and the model would stop at about 0.81 test accuracy.

What to expect (CPU, seeds 0-2): on the digits, without dropout (the tutorial's model), 0.953 / 0.956 /
0.969 test accuracy, beside 0.969 for logistic regression: on 8x8 images a linear model of 64
pixels is as good, and the LSTM's 200,000 weights memorise 1,293 training images within the first
epoch. Dropout 0.3 between the two layers (what PyTorch's `nn.LSTM(dropout=0.3)` does) gives
0.975 / 0.989 / 0.964, so it is the default. On Fashion-MNIST (seed 0, without dropout) the tutorial's
settings reach 0.886 test accuracy after 5 epochs, against 0.840 for logistic regression; there,
reading rows in order pays. `benchmarks/sequence_models.py` has the current figures.

Data (`--set data=...`): scikit-learn's 8x8 `digits` (the offline default: 1,797 real handwritten
digits, 8 rows of 8 pixels, 20% held out for test), `mnist` (the tutorial's data, downloaded once),
`fashion_mnist` (the same shapes, harder pictures), or a folder of IDX files. The test accuracy
stands beside two baselines fitted on the same training images: the majority class, and logistic
regression on the flattened pixels (a model with no notion of order). A confusion matrix and a
grid of the model's most confident mistakes are saved with the run.

    rnn-cookbook run row_lstm_classifier                                # digits, offline
    rnn-cookbook run row_lstm_classifier --set data=mnist               # the rnn-and-lstm tutorial's data
    rnn-cookbook run row_lstm_classifier --set data=/usr/share/datasets/fashion-mnist
    rnn-cookbook run row_lstm_classifier --quick                        # seconds
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook.core import scores
from rnn_cookbook.core import plots
from rnn_cookbook.images import plots as image_plots
from rnn_cookbook.core import script
from rnn_cookbook.core.config import FRACTION, FRACTION_OR_ZERO, NON_NEGATIVE_INT, POSITIVE_INT, RecipeConfig, Satisfies
from rnn_cookbook.images.loading import SOURCES, ImageSet, load_images
from rnn_cookbook.core.pipeline import array_dataset
from rnn_cookbook.core.splits import ArraySplits, stratified_holdout
from rnn_cookbook.core.errors import ConfigError, DataError
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_for_classes, train_recipe

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions
    import tensorflow as tf

KNOWN_SHAPES = {"digits": (8, 8), "mnist": (28, 28), "fashion_mnist": (28, 28)}


@dataclasses.dataclass
class Config(RecipeConfig):
    """The rnn-and-lstm tutorial's model and training settings; the data defaults to the digits that ship offline."""

    recipe: ClassVar[str] = "row_lstm_classifier"
    constraints = {
        "data": Satisfies(str.strip, f"one of {', '.join(SOURCES)} or a path"),
        "units": POSITIVE_INT, "num_layers": POSITIVE_INT, "dropout": FRACTION_OR_ZERO,
        "batches_per_epoch": POSITIVE_INT, "validation_fraction": FRACTION, "test_fraction": FRACTION,
        "split_seed": NON_NEGATIVE_INT,
    }

    data: str = "digits"  # digits (offline) | mnist | fashion_mnist | path to an IDX folder or .npz
    units: int = 128  # the rnn-and-lstm tutorial: hidden_size = 128
    num_layers: int = 2  # the rnn-and-lstm tutorial: num_layers = 2 (every layer but the last returns its sequence)
    dropout: float = 0.3  # between the LSTM layers, as PyTorch's nn.LSTM(dropout=...); the rnn-and-lstm tutorial: 0 (see above)
    epochs: int = 5  # the rnn-and-lstm tutorial
    batch_size: int = 100  # the rnn-and-lstm tutorial
    batches_per_epoch: int | None = 600  # the rnn-and-lstm tutorial's MNIST epoch (60,000 / 100); smaller sets repeat (None: one pass)
    validation_fraction: float = 0.1  # of the training images, stratified; the tutorial validates on nothing
    test_fraction: float = 0.2  # digits only: MNIST and Fashion-MNIST have their own 10,000 test images
    split_seed: int = 0  # fixes the test and validation splits, whatever the model's `seed`

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the digits, one small LSTM layer, three single passes at a higher learning rate."""
        return cls(units=32, num_layers=1, epochs=3, batch_size=32, batches_per_epoch=None, learning_rate=0.01)


@dataclasses.dataclass(frozen=True)
class ImageData(ArraySplits):
    """The loaded images, and normalised (images, labels) arrays for each split."""

    images: ImageSet

    def dataset(
        self, split: str, batch_size: int, *, shuffle: bool = False, seed: int = 0, passes: int = 1
    ) -> tf.data.Dataset:
        """A batched, prefetched `tf.data` pipeline over one split, read `passes` times (reshuffled each time)."""
        dataset = array_dataset(*getattr(self, split), batch_size, shuffle=shuffle, seed=seed)
        return dataset.repeat(passes) if passes > 1 else dataset


def passes_per_epoch(cfg: Config, training_images: int) -> int:
    """How many times one epoch reads the training images: about `batches_per_epoch` batches in all.

    The rnn-and-lstm tutorial's 5 epochs of MNIST are 3,000 updates of batch 100. An epoch is a pass over the data,
    so on 1,293 training digits the same 5 epochs would be 65 updates, far too few to learn (the
    test accuracy stays near 0.8). Repeating a small set within each epoch keeps the tutorial's amount
    of training on any data; MNIST's 54,000 training images (after validation) are 540 batches, so
    on MNIST an epoch is one pass, as in the tutorial.
    """
    if cfg.batches_per_epoch is None:
        return 1
    batches = -(-training_images // cfg.batch_size)
    return max(1, round(cfg.batches_per_epoch / batches))


def load_data(cfg: Config) -> ImageData:
    """Load the images, normalise them as the rnn-and-lstm tutorial does, and hold out a stratified validation part."""
    images = load_images(cfg.data, test_fraction=cfg.test_fraction, seed=cfg.split_seed)
    x_train = images.normalise(images.train_images)
    fit_rows, validation_rows = _validation_rows(images, cfg.validation_fraction, cfg.split_seed)
    return ImageData(
        images=images,
        train=(x_train[fit_rows], images.train_labels[fit_rows]),
        validation=(x_train[validation_rows], images.train_labels[validation_rows]),
        test=(images.normalise(images.test_images), images.test_labels),
    )


def _validation_rows(images: ImageSet, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training rows to fit on and rows to validate on; stratified when every class can be split."""
    try:
        return stratified_holdout(images.train_labels, fraction, seed)
    except ValueError:
        raise DataError(
            f"{images.name}: {len(images.train_labels)} training image(s) are too few to hold out {fraction:.0%} for validation"
        ) from None


def build_model(cfg: Config, image_shape: tuple[int, int] | None = None, num_classes: int = 10) -> keras.Model:
    """Rows in, one LSTM layer after another (all but the last return every step), then class probabilities.

    `image_shape` is (rows, columns); it defaults to the shape of the configured named dataset.
    """
    if image_shape is None:
        if cfg.data not in KNOWN_SHAPES:
            raise ConfigError(f"build_model needs image_shape=(rows, columns) for data={cfg.data!r}")
        image_shape = KNOWN_SHAPES[cfg.data]
    rows, columns = image_shape
    inputs = keras.Input(shape=(rows, columns), name="image_rows")  # step t = row t, top to bottom
    hidden = inputs
    for layer in range(cfg.num_layers):
        if layer and cfg.dropout:
            hidden = keras.layers.Dropout(cfg.dropout, name=f"dropout_{layer}")(hidden)
        last = layer == cfg.num_layers - 1
        hidden = keras.layers.LSTM(cfg.units, return_sequences=not last, name=f"lstm_{layer + 1}")(hidden)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="class_probabilities")(hidden)
    model = keras.Model(inputs, outputs, name="row_lstm")
    return compile_for_classes(model, cfg)


# --- evaluation --------------------------------------------------------------------------------
def pixel_logistic_regression(train_images: np.ndarray, train_labels: np.ndarray, num_classes: int) -> Callable[[np.ndarray], np.ndarray]:
    """Multinomial logistic regression on the flattened, normalised pixels, fitted once: images -> class probabilities.

    A linear model that sees every pixel at once and knows nothing of rows or order: what the LSTM
    gains by reading the image as a sequence is measured against it.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    model = LogisticRegression(max_iter=300)
    # One BLAS thread: lbfgs makes many small matrix products, and OpenBLAS threads competing with
    # TensorFlow's for the same cores turned a 0.04 s fit on the digits into 8 s on a 2-core machine.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)  # MNIST-sized sets stop at max_iter; reported as fitted
        model.fit(train_images.reshape(len(train_images), -1), train_labels)

    def probabilities(images: np.ndarray) -> np.ndarray:
        found = np.zeros((len(images), num_classes))
        found[:, model.classes_] = model.predict_proba(images.reshape(len(images), -1))
        return found

    return probabilities


def evaluate(
    model: keras.Model, data: ImageData, cfg: Config, split: str = "test", logreg: Callable | None = None
) -> Evaluation:
    """Test (or validation) accuracy and loss of the model, the majority class and pixel logistic regression.

    `logreg` is the baseline already fitted (`pixel_logistic_regression`; fitted here when not
    given). The two figures, a confusion matrix and the most confident mistakes, are of the test.
    """
    images = data.images
    (x_train, y_train), (x_test, y_test) = data.train, getattr(data, split)
    size = len(images.class_names)
    probabilities = model.predict(data.dataset(split, cfg.batch_size), verbose=0)
    references = {
        "majority_class": scores.class_frequencies(y_train, (len(y_test),), size),
        "logreg_pixels": (logreg or pixel_logistic_regression(x_train, y_train, size))(x_test),
    }
    figures = {} if split != "test" else {
        "confusion_matrix.png": plots.confusion_matrix(
            y_test, probabilities.argmax(axis=1), images.class_names,
            title=f"{cfg.recipe} on {images.name}: test confusion matrix",
        ),
        "misclassified.png": image_plots.misclassified_grid(
            images.test_images, y_test, probabilities, images.class_names,
            title=f"{cfg.recipe} on {images.name}", pixel_max=images.pixel_max,
        ),
    }
    return Evaluation(
        data=images.name,
        split=split,
        model=scores.multiclass_scores(y_test, probabilities),
        baselines={name: scores.multiclass_scores(y_test, p) for name, p in references.items()},
        figures=figures,
    )


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: images, model, fit with early stopping, test accuracy beside two baselines, run folder."""
    cfg = cfg or Config()
    data = load_data(cfg)
    passes = passes_per_epoch(cfg, len(data.train[1]))
    notes = [*data.images.notes, f"{len(data.validation[1]):,} of the training images validate ({cfg.validation_fraction:.0%})"]
    if passes > 1:
        notes.append(f"each epoch reads the {len(data.train[1]):,} training images {passes} times (batches_per_epoch)")
    logreg = functools.cache(lambda: pixel_logistic_regression(*data.train, len(data.images.class_names)))  # fitted once
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, data.images.image_shape, len(data.images.class_names)),
        datasets=lambda: (
            data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed, passes=passes),
            data.dataset("validation", cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg, logreg=logreg()),
        validate=lambda model: evaluate(model, data, cfg, "validation", logreg()),
        advice="more epochs or batches_per_epoch, or dropout (num_layers >= 2); on small images a linear model of the pixels may be as good",
        examples_per_epoch=passes * len(data.train[1]),
        notes=notes,
        **run,
    )


def search_data(cfg: Config) -> dict:
    """The rows `rnn-cookbook search` cross-validates on: the training and validation images (n, rows, cols).

    The test images stay unseen. A search fits each fold for `epochs` passes over its rows
    (`batches_per_epoch` repetition is not applied), so compare candidates with each other, not
    with `train`'s accuracy.
    """
    data = load_data(cfg)
    return {
        "splits": [(images.astype("float32"), labels) for images, labels in (data.train, data.validation)],
        "task": "classification",
        "label": data.images.name,
        "model_kwargs": {"image_shape": tuple(data.train[0].shape[1:]), "num_classes": len(data.images.class_names)},
        "data_keys": ("data", "validation_fraction", "test_fraction", "split_seed"),
    }


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
