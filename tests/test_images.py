"""Images as sequences of rows: the image loaders (digits, IDX, .npz, downloads) and the row-LSTM recipe.

Everything runs offline: downloads go to a closed local port or to `file://` URLs of files the tests
write. The tiny IDX and .npz files here are SYNTHETIC (random pixels); the recipe runs on
scikit-learn's real digits.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct

import numpy as np
import pytest

from conftest import cli_here
from rnn_cookbook.images.loading import DIGIT_CLASSES, FASHION_CLASSES, FASHION_MNIST_FILES, digits, fashion_mnist, from_idx_folder, load_images, mnist, read_idx
from rnn_cookbook.core.errors import ConfigError, DataError

IDX_CODES = {np.dtype("uint8"): 0x08, np.dtype("int8"): 0x09, np.dtype("int16"): 0x0B, np.dtype("int32"): 0x0C,
             np.dtype("float32"): 0x0D, np.dtype("float64"): 0x0E}


def write_idx(path, array, *, gz=None):
    """Write `array` in IDX format (gzipped when the name ends in .gz, or when `gz` says so)."""
    array = np.asarray(array)
    header = bytes([0, 0, IDX_CODES[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(data) if (gz if gz is not None else path.name.endswith(".gz")) else data)
    return path


def tiny_split(n, seed, shape=(4, 5), classes=3):
    """SYNTHETIC: n random uint8 images and labels that cover every class."""
    rng = np.random.RandomState(seed)
    return rng.randint(0, 256, size=(n, *shape)).astype("uint8"), (np.arange(n) % classes).astype("uint8")


def write_idx_folder(folder, *, gz=True, names=None):
    """Four IDX files in `folder` as MNIST names them; returns the arrays written."""
    folder.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = tiny_split(12, 0), tiny_split(6, 1)
    suffix = ".gz" if gz else ""
    names = names or [f"{n}{suffix}" for n in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
    for name, array in zip(names, (x_train, y_train, x_test, y_test), strict=True):
        write_idx(folder / name, array)
    return x_train, y_train, x_test, y_test


@pytest.fixture(scope="module")
def recipe():
    from rnn_cookbook.recipes import row_lstm_classifier

    return row_lstm_classifier


@pytest.fixture(scope="module")
def quick_cli_run(tmp_path_factory):
    """One `rnn-cookbook run row_lstm_classifier --quick` run, the one training of this file."""
    output = tmp_path_factory.mktemp("row_lstm") / "run"
    return cli_here("run", "row_lstm_classifier", "--quick", "--output", str(output)), output


# --- the recipe --------------------------------------------------------------------------------
def test_quick_cli_run_learns_the_digits(quick_cli_run):
    result, output = quick_cli_run
    assert result.returncode == 0, result.stderr
    assert "test metrics on digits" in result.stdout and str(output) in result.stdout
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["recipe"] == "row_lstm_classifier" and metrics["data"] == "digits" and metrics["epochs_run"] == 3
    majority = metrics["baselines"]["majority_class"]["accuracy"]
    assert majority == pytest.approx(0.1, abs=0.005)  # ten balanced classes
    assert metrics["model"]["accuracy"] > 0.75 > majority + 0.6  # measured 0.897 on 360 test digits
    assert metrics["baselines"]["logreg_pixels"]["accuracy"] > 0.9
    for name in ("confusion_matrix.png", "misclassified.png", "loss.png", "model.keras", "history.csv"):
        assert (output / name).is_file(), name


def test_the_rnn_and_lstm_tutorials_settings_are_the_defaults(recipe):
    cfg = recipe.Config()
    assert (cfg.units, cfg.num_layers, cfg.epochs, cfg.batch_size, cfg.learning_rate) == (128, 2, 5, 100, 1e-3)
    assert cfg.optimizer == "adam"  # the rnn-and-lstm tutorial: optim.Adam(lr=0.001)
    model = recipe.build_model(cfg.replace(dropout=0.0))  # the tutorial's model
    names = [layer.__class__.__name__ for layer in model.layers]
    assert names == ["InputLayer", "LSTM", "LSTM", "Dense"]
    first, second = model.get_layer("lstm_1"), model.get_layer("lstm_2")
    assert (first.units, first.return_sequences, second.units, second.return_sequences) == (128, True, 128, False)
    assert model.input_shape == (None, 8, 8) and model.output_shape == (None, 10)
    assert model.get_layer("class_probabilities").activation.__name__ == "softmax"
    assert model.loss == "sparse_categorical_crossentropy"
    assert recipe.build_model(cfg.replace(data="mnist")).input_shape == (None, 28, 28)
    with_dropout = recipe.build_model(cfg, image_shape=(28, 28), num_classes=10)
    assert [layer.__class__.__name__ for layer in with_dropout.layers][1:4] == ["LSTM", "Dropout", "LSTM"]


def test_an_epoch_is_about_the_seeds_600_batches(recipe):
    cfg = recipe.Config()
    assert recipe.passes_per_epoch(cfg, 54_000) == 1  # MNIST after validation: 540 batches, one pass
    assert recipe.passes_per_epoch(cfg, 1_293) == 46  # the digits: 13 batches, 46 passes = 598 batches
    assert recipe.passes_per_epoch(cfg.replace(batches_per_epoch=None), 1_293) == 1


def test_bad_config_is_a_config_error(recipe):
    for bad, message in [
        ({"units": 0}, "units must be an integer >= 1"),
        ({"num_layers": 0}, "num_layers must be an integer >= 1"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
        ({"validation_fraction": 0}, r"validation_fraction must be a number in \(0, 1\)"),
        ({"batches_per_epoch": 0}, "batches_per_epoch must be an integer >= 1"),
        ({"data": " "}, "data must be one of digits, mnist, fashion_mnist or a path"),
    ]:
        with pytest.raises(ConfigError, match=message):
            recipe.Config(**bad)
    with pytest.raises(ConfigError, match="unknown config key 'hidden_size'"):
        recipe.Config().with_overrides(["hidden_size=64"])
    with pytest.raises(ConfigError, match="build_model needs image_shape"):
        recipe.build_model(recipe.Config(data="some/folder"))


def test_unknown_data_is_one_line_and_exit_code_1(recipe, capsys, tmp_path):
    assert recipe.main(["--quick", "--set", "data=nowhere", "--output", str(tmp_path / "run")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: no image data at 'nowhere'") and error.count("\n") == 1


def test_load_data_from_an_idx_folder_holds_out_validation(recipe, tmp_path):
    x_train, y_train, x_test, y_test = write_idx_folder(tmp_path / "idx")
    data = recipe.load_data(recipe.Config(data=str(tmp_path / "idx"), validation_fraction=0.25))
    assert (len(data.train[1]), len(data.validation[1]), len(data.test[1])) == (9, 3, 6)
    assert sorted(data.validation[1].tolist()) == [0, 1, 2]  # stratified: one of each class
    assert data.train[0].dtype == np.float32 and data.train[0].shape[1:] == (4, 5)
    model = recipe.build_model(recipe.Config.quick(), data.images.image_shape, len(data.images.class_names))
    assert model.input_shape == (None, 4, 5) and model.output_shape == (None, 3)
    with pytest.raises(DataError, match="12 training image.s. are too few to hold out 95% for validation"):
        recipe.load_data(recipe.Config(data=str(tmp_path / "idx"), validation_fraction=0.95))


def test_evaluation_pieces():
    from rnn_cookbook.core import scores
    from rnn_cookbook.images import plots

    labels = np.array([0, 1, 2, 2])
    probabilities = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])
    measured = scores.multiclass_scores(labels, probabilities)
    assert measured["accuracy"] == 0.75
    assert measured["loss"] == pytest.approx(-np.mean(np.log([0.8, 0.7, 0.8, 0.1])))
    shares = scores.class_frequencies(np.array([2, 2, 1, 0]), (3,), 3)
    assert shares.shape == (3, 3) and shares[0].tolist() == [0.25, 0.25, 0.5]
    images = np.zeros((4, 8, 8))
    figure = plots.misclassified_grid(images, labels, probabilities, ("a", "b", "c"), title="t", pixel_max=16)
    titles = [axis.get_title() for axis in figure.axes if axis.get_title()]
    assert titles == ["true c\nsaid a 60%"] and "1 of 4 misclassified" in figure.get_suptitle()
    perfect = plots.misclassified_grid(images[:3], labels[:3], probabilities[:3], ("a", "b", "c"), title="t")
    assert "0 of 3 misclassified" in perfect.get_suptitle()


# --- loaders -----------------------------------------------------------------------------------
def test_digits_split_is_stratified_and_normalised_as_the_seed_does():
    images = digits(test_fraction=0.2, seed=0)
    assert (len(images.train_labels), len(images.test_labels)) == (1437, 360)
    assert images.image_shape == (8, 8) and images.pixel_max == 16 and images.class_names == DIGIT_CLASSES
    assert np.bincount(images.test_labels).min() >= 35  # every digit in the test set, about 36 each
    assert images.train_images.max() == 16
    normalised = images.normalise(images.train_images)
    assert normalised.dtype == np.float32
    assert abs(normalised.mean()) < 1e-4 and normalised.std() == pytest.approx(1.0, abs=1e-4)
    np.testing.assert_array_equal(digits(seed=0).test_labels, images.test_labels)  # the split is fixed


def test_idx_folder_gzipped_or_not(tmp_path):
    x_train, y_train, x_test, y_test = write_idx_folder(tmp_path / "gz", gz=True)
    images = load_images(str(tmp_path / "gz"))
    np.testing.assert_array_equal(images.train_images, x_train)
    np.testing.assert_array_equal(images.test_labels, y_test)
    assert images.name == "gz" and images.class_names == ("0", "1", "2") and images.image_shape == (4, 5)
    assert images.pixel_max == 255
    write_idx_folder(tmp_path / "plain", gz=False)
    plain = from_idx_folder(tmp_path / "plain")
    np.testing.assert_array_equal(plain.train_images, x_train)
    # Kaggle's names, in a folder whose path mentions fashion: Fashion-MNIST's class names
    kaggle = ["train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"]
    write_idx_folder(tmp_path / "fashion-mnist", names=kaggle)
    assert from_idx_folder(tmp_path / "fashion-mnist").class_names == FASHION_CLASSES


def test_idx_folder_with_both_gz_and_unpacked_reads_the_unpacked(tmp_path):
    folder = tmp_path / "both"
    write_idx_folder(folder, gz=True)
    x_train, *_ = write_idx_folder(folder, gz=False)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"not read")
    np.testing.assert_array_equal(from_idx_folder(folder).train_images, x_train)
    (folder / "train-images-idx3-ubyte-copy").write_bytes(b"")
    with pytest.raises(DataError, match="several train-images-idx3-ubyte.*files .*keep one"):
        from_idx_folder(folder)


def test_read_idx_types_and_errors(tmp_path):
    for dtype in ("uint8", "int16", "int32", "float32", "float64"):
        array = np.arange(24, dtype=dtype).reshape(2, 3, 4)
        np.testing.assert_array_equal(read_idx(write_idx(tmp_path / f"a-{dtype}", array)), array)
    good = write_idx(tmp_path / "good", np.zeros((3, 2, 2), dtype="uint8")).read_bytes()
    (tmp_path / "short").write_bytes(good[:-1])
    with pytest.raises(DataError, match=r"header says shape \(3, 2, 2\) \(12 bytes of data\) but the file holds 11; it is truncated"):
        read_idx(tmp_path / "short")
    (tmp_path / "png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(DataError, match="is not an IDX file .magic number 0x89504e47"):
        read_idx(tmp_path / "png")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(DataError, match="is not an IDX file .magic number 0xempty"):
        read_idx(tmp_path / "empty")
    (tmp_path / "cut.gz").write_bytes(gzip.compress(good)[:-10])
    with pytest.raises(DataError, match="cut.gz is a damaged gzip file"):
        read_idx(tmp_path / "cut.gz")
    with pytest.raises(DataError, match="cannot read .*missing"):
        read_idx(tmp_path / "missing")


def test_idx_files_that_do_not_belong_together(tmp_path):
    folder = tmp_path / "mixed"
    write_idx_folder(folder, gz=False)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(5, dtype="uint8"))  # 6 test images, 5 labels
    with pytest.raises(DataError, match="6 test images but 5 labels; the files do not belong together"):
        from_idx_folder(folder)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros((6, 1), dtype="uint8"))
    with pytest.raises(DataError, match=r"the test labels must have 1 dimension\(s\)"):
        from_idx_folder(folder)
    (folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match=r"has no t10k-labels-idx1-ubyte\[\.gz\] file; an IDX folder needs"):
        from_idx_folder(folder)


def test_npz_file_and_bad_sources(tmp_path):
    (x_train, y_train), (x_test, y_test) = tiny_split(9, 0), tiny_split(3, 1)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    images = load_images(str(tmp_path / "mnist.npz"))
    assert images.name == "mnist" and len(images.train_labels) == 9
    np.savez(tmp_path / "partial.npz", x_train=x_train, y_train=y_train)
    with pytest.raises(DataError, match="partial.npz has no array 'x_test'"):
        load_images(str(tmp_path / "partial.npz"))
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DataError, match="cannot read .*broken.npz as .npz"):
        load_images(str(tmp_path / "broken.npz"))
    with pytest.raises(DataError, match="no image data at 'cifar': use digits, mnist, fashion_mnist"):
        load_images("cifar")


# --- downloads, never from the real network ----------------------------------------------------
@pytest.mark.parametrize("loader, dataset, first_file", [
    (mnist, "MNIST", "mnist.npz"),
    (fashion_mnist, "Fashion-MNIST", "train-images-idx3-ubyte.gz"),
])
def test_download_without_network_is_one_clear_error(tmp_path, loader, dataset, first_file):
    with pytest.raises(DataError) as failure:
        loader(origin="http://127.0.0.1:9/", cache_dir=tmp_path)
    message = str(failure.value)
    assert message.startswith(f"{dataset}: download of {first_file} failed (")
    assert "without network, use a local copy: --set data=path/to/folder" in message and "\n" not in message


def test_mnist_download_from_a_local_file_url(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (x_train, y_train), (x_test, y_test) = tiny_split(9, 0, shape=(28, 28), classes=10), tiny_split(3, 1, shape=(28, 28))
    np.savez(served / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    sha256 = hashlib.sha256((served / "mnist.npz").read_bytes()).hexdigest()
    images = mnist(origin=served.as_uri(), file_hash=sha256, cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache" / "datasets" / "mnist.npz").is_file()  # where keras.datasets.mnist caches it
    assert images.name == "mnist" and images.class_names == DIGIT_CLASSES and images.image_shape == (28, 28)
    np.testing.assert_array_equal(images.test_images, x_test)
    with pytest.raises(DataError, match="MNIST: download of mnist.npz failed"):
        mnist(origin=served.as_uri(), file_hash="0" * 64, cache_dir=tmp_path / "other")


def test_fashion_mnist_download_from_a_local_file_url(tmp_path):
    served = tmp_path / "served"
    x_train, y_train, x_test, y_test = write_idx_folder(served, gz=True)
    hashes = {name: hashlib.md5((served / name).read_bytes()).hexdigest() for name in FASHION_MNIST_FILES}
    images = fashion_mnist(origin=served.as_uri() + "/", file_hashes=hashes, cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in (tmp_path / "cache" / "datasets" / "fashion-mnist").iterdir()) == sorted(FASHION_MNIST_FILES)
    assert images.name == "fashion_mnist" and images.class_names == FASHION_CLASSES
    np.testing.assert_array_equal(images.train_images, x_train)
    np.testing.assert_array_equal(images.test_labels, y_test)
    with pytest.raises(DataError, match="Fashion-MNIST: download of train-images-idx3-ubyte.gz failed"):
        fashion_mnist(origin=served.as_uri(), cache_dir=tmp_path / "other")  # Zalando's MD5s: not these files
