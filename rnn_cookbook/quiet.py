"""Import TensorFlow without its start-up chatter.

TensorFlow 2.21 writes several lines to stderr while it is imported (oneDNN, CUDA drivers, CPU
instructions) before its logger is configured, so `TF_CPP_MIN_LOG_LEVEL` alone does not hide them.
Importing this module imports TensorFlow with file descriptor 2 sent to a temporary file and sets
`TF_CPP_MIN_LOG_LEVEL=3` for what it logs later (a value the user set is kept). If the import
fails, what TensorFlow wrote is replayed, so no real error is lost.

Recipes import this module before Keras, so scripts, notebooks and the CLI start quietly. Set
`RNN_COOKBOOK_VERBOSE=1` (the CLI's `--verbose`) to see everything.
"""

from __future__ import annotations

import os
import sys
import tempfile


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once, hiding what it prints to stderr while it loads."""
    if os.environ.get("RNN_COOKBOOK_VERBOSE", "") not in ("", "0"):
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


import_tensorflow_quietly()
