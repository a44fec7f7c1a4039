"""Import TensorFlow without its start-up chatter, and only when Keras runs on it.

TensorFlow 2.21 writes several lines to stderr while it is imported (oneDNN, CUDA drivers, CPU
instructions) before its logger is configured, so `TF_CPP_MIN_LOG_LEVEL` alone does not hide them.
`import_tensorflow_quietly()` imports TensorFlow with file descriptor 2 sent to a temporary file and
sets `TF_CPP_MIN_LOG_LEVEL=3` for what it logs later (a value the user set is kept). If the import
fails, what TensorFlow wrote is replayed, so no real error is lost.

Importing this module does that only when TensorFlow is the Keras backend, so a run under JAX or
PyTorch does not load TensorFlow for nothing. The backend is read the way Keras 3 picks it when it
is first imported, without importing Keras (`keras_backend()`). A module that needs TensorFlow
whatever the backend (`tf.data` pipelines) calls `import_tensorflow_quietly()` itself.

Recipes import this module before Keras, so scripts, notebooks and the CLI start quietly. Set
`RNN_COOKBOOK_VERBOSE=1` (the CLI's `--verbose`) to see everything.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

DEFAULT_BACKEND = "tensorflow"  # Keras 3's own default


def keras_backend() -> str:
    """The backend Keras 3 runs on, or will pick when it is imported, without importing it.

    Keras' rule (`keras/src/backend/config.py`): a non-empty `KERAS_BACKEND` environment variable
    wins; otherwise the `"backend"` of `keras.json` in `$KERAS_HOME`, or else in `~/.keras` (in
    `/tmp/.keras` when the home folder is not writable); otherwise TensorFlow. A file that is not
    valid JSON counts as absent. Once Keras is imported, its own answer is returned.
    """
    if "keras" in sys.modules:
        import keras

        return keras.backend.backend()
    chosen = os.environ.get("KERAS_BACKEND")
    if chosen:
        return chosen
    if "KERAS_HOME" in os.environ:
        folder = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        folder = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.expanduser(os.path.join(folder, "keras.json"))) as handle:
            backend = json.load(handle).get("backend", DEFAULT_BACKEND)
    except (OSError, ValueError, AttributeError):  # no file, not JSON, not a JSON object
        return DEFAULT_BACKEND
    return str(backend)


def verbose() -> bool:
    """Whether the user asked to see every log line (`RNN_COOKBOOK_VERBOSE`, the CLI's `--verbose`)."""
    return os.environ.get("RNN_COOKBOOK_VERBOSE", "") not in ("", "0")


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once, hiding what it prints to stderr while it loads."""
    if verbose():
        return
    # Set even when TensorFlow is already imported: TensorFlow reads it again when it first touches
    # a device (the "failed call to cuInit" line on machines without a GPU), and child processes inherit it.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


if not verbose():
    # Whatever the backend: XLA under JAX reads TensorFlow's log level too, and so do child processes.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if keras_backend() == "tensorflow":
        import_tensorflow_quietly()
