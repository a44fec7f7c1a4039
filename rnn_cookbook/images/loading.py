"""Labelled grayscale images for the recipes that read an image as a sequence of its rows.

Sources (`load_images(source, ...)`):

    "digits"               scikit-learn's 1,797 handwritten digits (8x8 pixels, values 0-16), bundled
                           with scikit-learn, so this works offline: the default. It has no test split
                           of its own; it is split once, stratified, with a fixed seed.
    "mnist"                MNIST: 60,000 training and 10,000 test digits of 28x28 pixels (0-255),
                           Keras' `mnist.npz`, downloaded once into the Keras cache (SHA-256 checked),
                           the same file `keras.datasets.mnist.load_data()` uses
    "fashion_mnist"        Fashion-MNIST: 60,000 + 10,000 28x28 pictures of ten kinds of clothing,
                           Zalando's four IDX files, downloaded once into the Keras cache folder
                           `datasets/fashion-mnist/` that `keras.datasets.fashion_mnist` uses (MD5 checked)
    path/to/folder         IDX files as LeCun and Zalando publish them: `train-images-idx3-ubyte`,
                           `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`,
                           each gzipped (`.gz`) or not (Debian's `dataset-fashion-mnist` package puts
                           them in /usr/share/datasets/fashion-mnist)
    path/to/file.npz       arrays `x_train`, `y_train`, `x_test`, `y_test` (the layout of Keras' mnist.npz)

Without network a download is one `DataError` that names the dataset and says how to point the
loader at a local copy; it never falls back to other data.

Normalisation follows the rnn-and-lstm tutorial, which feeds MNIST through `transforms.ToTensor()` (pixels / 255,
so values in [0, 1]) and `transforms.Normalize((0.1307,), (0.3081,))`, MNIST's training-set mean
and standard deviation. `ImageSet.normalise` does the same for any source: scale by the format's
largest value (255, or 16 for scikit-learn's digits), then subtract the training images' mean
pixel and divide by their standard deviation. On MNIST that computes exactly the tutorial's two
constants; on another dataset it computes that dataset's own, which is what the tutorial's constants are.

IDX, the format of MNIST's files: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte,
0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), a byte with the number of dimensions, each
dimension as a big-endian 32-bit integer, then the values in C order. `read_idx` checks each of those
and refuses a truncated or foreign file with a message that says which check failed.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import zipfile
import zlib
from pathlib import Path

import numpy as np

from rnn_cookbook.core.download import download
from rnn_cookbook.core.errors import DataError

KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # as keras.datasets.mnist
FASHION_MNIST_FILES = {  # Zalando's published MD5s (github.com/zalandoresearch/fashion-mnist, README)
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_CACHE = "datasets/fashion-mnist"  # the cache folder keras.datasets.fashion_mnist uses
DIGIT_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
SOURCES = ("digits", "mnist", "fashion_mnist")
LOCAL_HINT = "--set data=path/to/folder (IDX files train-*-idx3-ubyte[.gz], t10k-*) or path/to/mnist.npz"

_IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclasses.dataclass(frozen=True)
class ImageSet:
    """Grayscale images (n, rows, cols) with integer labels that index `class_names`, in two splits.

    Pixels keep their stored values (0-255, or 0-16 for the digits); `normalise` turns them into
    the model's inputs.
    """

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    pixel_max: float  # the format's largest value: 255 for MNIST's bytes, 16 for scikit-learn's digits
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_split(self.name, "training", self.train_images, self.train_labels, self.class_names)
        _check_split(self.name, "test", self.test_images, self.test_labels, self.class_names)
        if self.train_images.shape[1:] != self.test_images.shape[1:]:
            raise DataError(
                f"{self.name}: training images are {_size(self.train_images)} but test images "
                f"{_size(self.test_images)} pixels"
            )

    @property
    def image_shape(self) -> tuple[int, int]:
        """(rows, columns) of every image: the sequence length and the features per step."""
        rows, columns = self.train_images.shape[1:]
        return int(rows), int(columns)

    @functools.cached_property
    def pixel_stats(self) -> tuple[float, float]:
        """Mean and standard deviation of the training pixels scaled to [0, 1] (the rnn-and-lstm tutorial's constants on MNIST)."""
        mean = float(self.train_images.mean(dtype="float64")) / self.pixel_max
        std = float(self.train_images.std(dtype="float64")) / self.pixel_max
        return mean, std or 1.0

    def normalise(self, images: np.ndarray) -> np.ndarray:
        """The rnn-and-lstm tutorial's `ToTensor()` then `Normalize(mean, std)`, with this set's training statistics."""
        mean, std = self.pixel_stats
        return ((np.asarray(images, dtype="float32") / self.pixel_max - mean) / std).astype("float32")


def load_images(
    source: str, *, test_fraction: float = 0.2, seed: int = 0, cache_dir: str | Path | None = None
) -> ImageSet:
    """Images to classify from `source` (see the module docstring); `test_fraction` and `seed` split the digits."""
    if source == "digits":
        return digits(test_fraction=test_fraction, seed=seed)
    if source == "mnist":
        return mnist(cache_dir=cache_dir)
    if source == "fashion_mnist":
        return fashion_mnist(cache_dir=cache_dir)
    path = Path(source)
    if path.is_dir():
        return from_idx_folder(path)
    if path.is_file() and path.suffix == ".npz":
        return from_npz(path)
    raise DataError(
        f"no image data at {source!r}: use {', '.join(SOURCES)}, a folder of IDX files or a .npz file "
        "with x_train, y_train, x_test, y_test"
    )


def digits(*, test_fraction: float = 0.2, seed: int = 0) -> ImageSet:
    """scikit-learn's 8x8 digits (1,797 images scanned from 43 people's handwriting), split stratified."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = np.rint(bunch.images).astype("uint8")  # counts 0-16 of a 4x4 block's set pixels, stored as floats
    x_train, x_test, y_train, y_test = train_test_split(
        images, bunch.target, test_size=test_fraction, random_state=seed, stratify=bunch.target
    )
    return ImageSet(
        name="digits",
        train_images=x_train,
        train_labels=y_train.astype("int64"),
        test_images=x_test,
        test_labels=y_test.astype("int64"),
        class_names=DIGIT_CLASSES,
        pixel_max=16.0,
        notes=(
            f"digits: scikit-learn's 8x8 handwritten digits, stratified split (seed {seed}): "
            f"{len(x_train):,} training and {len(x_test):,} test images",
        ),
    )


def mnist(
    *, origin: str = KERAS_DATASETS, file_hash: str | None = MNIST_SHA256, cache_dir: str | Path | None = None
) -> ImageSet:
    """MNIST from Keras' `mnist.npz` at `origin`, downloaded once into the Keras cache and checked."""
    path = download("MNIST", "mnist.npz", origin.rstrip("/") + "/mnist.npz", file_hash, cache_dir, hint=LOCAL_HINT, subdir="datasets")
    return from_npz(path, name="mnist", class_names=DIGIT_CLASSES)


def fashion_mnist(
    *,
    origin: str = KERAS_DATASETS,
    file_hashes: dict[str, str] | None = None,
    cache_dir: str | Path | None = None,
) -> ImageSet:
    """Fashion-MNIST's four IDX files from `origin`, downloaded once into the Keras cache and checked.

    `file_hashes` maps each file name to its MD5 or SHA-256; by default Zalando's published MD5s.
    """
    hashes = FASHION_MNIST_FILES if file_hashes is None else file_hashes
    folder = origin.rstrip("/") + "/"
    paths = {
        name: Path(download("Fashion-MNIST", name, folder + name, hashes.get(name), cache_dir, hint=LOCAL_HINT, subdir=FASHION_CACHE))
        for name in FASHION_MNIST_FILES
    }
    return from_idx_files(
        *(paths[name] for name in FASHION_MNIST_FILES), name="fashion_mnist", class_names=FASHION_CLASSES
    )


def from_idx_folder(path: str | Path) -> ImageSet:
    """The four IDX files in `path`: `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, `t10k-...`.

    Names are matched loosely (Kaggle's `train-images.idx3-ubyte` works; `test-` for `t10k-` too). A
    folder whose name (or its parent's) mentions "fashion" gets Fashion-MNIST's class names, any other its label numbers.
    """
    path = Path(path)
    if not path.is_dir():
        raise DataError(f"no folder at {path}")
    files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith("."))
    chosen = [_one_idx_file(path, files, split, kind) for split in ("train", "t10k") for kind in ("idx3", "idx1")]
    name = path.parent.name if path.name.lower() == "raw" else path.name  # torchvision keeps them in <Name>/raw
    fashion = any("fashion" in part.lower() for part in path.resolve().parts[-2:])
    return from_idx_files(*chosen, name=name, class_names=FASHION_CLASSES if fashion else None)


def from_idx_files(
    train_images: str | Path,
    train_labels: str | Path,
    test_images: str | Path,
    test_labels: str | Path,
    *,
    name: str,
    class_names: tuple[str, ...] | None = None,
) -> ImageSet:
    """Four IDX files (gzipped or not) as an `ImageSet`; `class_names` default to the label numbers."""
    arrays = {}
    for role, file, ndim in (
        ("training images", train_images, 3), ("training labels", train_labels, 1),
        ("test images", test_images, 3), ("test labels", test_labels, 1),
    ):
        array = read_idx(file)
        if array.ndim != ndim:
            shape = "(images, rows, columns)" if ndim == 3 else "(labels,)"
            raise DataError(f"{file}: the {role} must have {ndim} dimension(s) {shape}, this file has shape {array.shape}")
        arrays[role] = array
    return _image_set(
        name,
        arrays["training images"], arrays["training labels"], arrays["test images"], arrays["test labels"],
        class_names,
        notes=(f"{name}: IDX files {Path(train_images).parent}",),
    )


def from_npz(path: str | Path, *, name: str | None = None, class_names: tuple[str, ...] | None = None) -> ImageSet:
    """Arrays `x_train`, `y_train`, `x_test`, `y_test` from an .npz file (Keras' mnist.npz layout)."""
    path = Path(path)
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in keys if k in archive.files}
            present = list(archive.files)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"cannot read {path} as .npz: {_first_line(exc)}") from None
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise DataError(f"{path} has no array {missing[0]!r} (it has {', '.join(present) or 'none'})")
    x_train, y_train, x_test, y_test = (arrays[k] for k in keys)
    return _image_set(name or path.stem, x_train, y_train, x_test, y_test, class_names, notes=(f"{name or path.stem}: {path}",))


def read_idx(path: str | Path) -> np.ndarray:
    """The array in an IDX file (gzipped or not, told apart by content): magic number, type and sizes checked."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{path} is a damaged gzip file ({_first_line(exc)}); download it again") from None
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] not in _IDX_TYPES:
        magic = data[:4].hex() or "empty"
        raise DataError(
            f"{path} is not an IDX file (magic number 0x{magic}; IDX starts 0x0000 then a type byte 08-0e "
            "and the number of dimensions)"
        )
    dtype, ndim = np.dtype(_IDX_TYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise DataError(f"{path}: IDX header is cut short or declares {ndim} dimensions")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        raise DataError(
            f"{path}: the IDX header says shape {shape} ({expected:,} bytes of data) but the file holds "
            f"{len(data) - header:,}; it is truncated or corrupt, download it again"
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


# --- helpers -----------------------------------------------------------------------------------
def _image_set(
    name: str,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    class_names: tuple[str, ...] | None,
    *,
    notes: tuple[str, ...],
) -> ImageSet:
    """Check labels, name the classes and say what was loaded."""
    for role, labels in (("training", y_train), ("test", y_test)):
        labels = np.asarray(labels)
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise DataError(f"{name}: {role} labels must be a 1-D array of integers, got {labels.dtype} {labels.shape}")
        if len(labels) and labels.min() < 0:
            raise DataError(f"{name}: {role} labels must be >= 0, found {labels.min()}")
    top = int(max(np.max(y_train, initial=0), np.max(y_test, initial=0)))
    if class_names is None or len(class_names) <= top:
        class_names = tuple(str(i) for i in range(top + 1))
    pixel_max = 255.0 if np.asarray(x_train).dtype == np.uint8 else float(max(np.max(x_train, initial=0), 1))
    return ImageSet(
        name=name,
        train_images=np.asarray(x_train),
        train_labels=np.asarray(y_train).astype("int64"),
        test_images=np.asarray(x_test),
        test_labels=np.asarray(y_test).astype("int64"),
        class_names=tuple(class_names),
        pixel_max=pixel_max,
        notes=(*notes, f"{name}: {len(y_train):,} training and {len(y_test):,} test images of {_size(np.asarray(x_train))} pixels"),
    )


def _check_split(name: str, role: str, images: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...]) -> None:
    if images.ndim != 3:
        raise DataError(f"{name}: {role} images must be (images, rows, columns), got shape {images.shape}")
    if len(images) != len(labels):
        raise DataError(f"{name}: {len(images):,} {role} images but {len(labels):,} labels; the files do not belong together")
    if not len(images):
        raise DataError(f"{name} has no {role} images")
    if labels.max() >= len(class_names):
        raise DataError(f"{name}: {role} label {labels.max()} but only {len(class_names)} class names")
    if not np.isfinite(images).all():
        raise DataError(f"{name}: {role} images contain NaN or infinite pixels")


def _one_idx_file(folder: Path, files: list[Path], split: str, kind: str) -> Path:
    """The one file in `folder` for `split` (train / t10k) and `kind` (idx3 images / idx1 labels)."""
    prefixes = ("train",) if split == "train" else ("t10k", "test")
    found = [f for f in files if f.name.lower().startswith(prefixes) and kind in f.name.lower()]
    unpacked = [f for f in found if not f.name.endswith(".gz")]
    if len(found) == 2 and len(unpacked) == 1 and found[0].name.removesuffix(".gz") == found[1].name.removesuffix(".gz"):
        found = unpacked  # the same file gzipped and unpacked (gunzip -k): read the unpacked one
    what = f"{split}-{'images' if kind == 'idx3' else 'labels'}-{kind}-ubyte[.gz]"
    if not found:
        raise DataError(f"{folder} has no {what} file; an IDX folder needs train- and t10k- images and labels")
    if len(found) > 1:
        raise DataError(f"{folder} has several {what} files ({', '.join(f.name for f in found)}); keep one")
    return found[0]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _size(images: np.ndarray) -> str:
    return "x".join(str(d) for d in images.shape[1:])
