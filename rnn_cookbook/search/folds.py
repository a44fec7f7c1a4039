"""How a search cuts its rows into folds: never the future in training, classes kept in proportion."""

from __future__ import annotations

from sklearn.model_selection import BaseCrossValidator, KFold, StratifiedKFold, TimeSeriesSplit

from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.search.data import CLASSIFICATION, SearchData


def make_folds(data: SearchData, cv: int) -> BaseCrossValidator:
    """TimeSeriesSplit for time-ordered rows, StratifiedKFold for classes, KFold otherwise
    (unshuffled for contiguous rows)."""
    if not isinstance(cv, int) or isinstance(cv, bool) or cv < 2:
        raise ConfigError(f"cv must be an integer >= 2, got {cv!r}")
    if data.time_ordered:
        return TimeSeriesSplit(n_splits=cv)
    if data.task == CLASSIFICATION:
        return StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
    if data.contiguous:
        return KFold(n_splits=cv)
    return KFold(n_splits=cv, shuffle=True, random_state=0)
