"""The one way a dataset is downloaded: `keras.utils.get_file`, cached and checked, or one clear error.

Without network (or with a file whose checksum does not match) every loader stops with the same
kind of message: which dataset, which file, why, and how to use a local copy instead. It never
falls back to other data.
"""

from __future__ import annotations

from pathlib import Path

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core.errors import DataError


def download(
    dataset: str,
    name: str,
    url: str,
    file_hash: str | None,
    cache_dir: str | Path | None,
    *,
    hint: str,
    subdir: str = "datasets",
) -> str:
    """Fetch `url` as `name` into the Keras cache's `subdir` (once), check `file_hash`, return the path."""
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp for a folder it cannot write
    try:
        return keras.utils.get_file(name, origin=url, file_hash=file_hash, cache_dir=cache_dir, cache_subdir=subdir)
    except Exception as exc:  # get_file raises bare Exception/OSError/ValueError for network and hash problems
        text = str(exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        raise DataError(f"{dataset}: download of {name} failed ({reason}); without network, use a local copy: {hint}") from None
