"""Errors a user can fix.

Every problem caused by input (a config key, a data file, a run folder) raises a subclass of
`CookbookError` with a message that names the problem and, where there is one, the fix. The CLI
prints that message on one line without a traceback; Python callers can catch `ValueError`.
"""


class CookbookError(ValueError):
    """Base class of the errors caused by what the user passed in."""

    exit_code = 1


class ConfigError(CookbookError):
    """An unknown recipe, an unknown config key, or a config value out of range (CLI exit 2)."""

    exit_code = 2


class DataError(CookbookError):
    """Data that cannot be loaded or cannot feed the model (too short, NaN, not numeric, ...)."""


class TrainingError(CookbookError):
    """Training that could not go on: a loss that turned NaN or infinite (the run folder says so in `failed.json`)."""


class RunFolderError(CookbookError):
    """A run folder that is missing, incomplete, from another recipe, or holds a foreign model."""
