"""Does a baseline beat the model? One line per baseline that does, on the validation split, with what to try.

Every recipe prints its model beside baselines, and a baseline that wins is the most useful thing
the table can say: the network is not yet worth its weights there. This module decides it the
same way for every recipe:

- `HEADLINE_METRICS` is the one declared table of metric names, in order of preference, each with
  its direction (`higher` or `lower` is better). The headline metric of a comparison is the first
  name in it that both the model and the baseline report: exact match before accuracy for the
  adder, BLEU for the translator, MAE for the forecaster, bits per character for a generator.
- `validation_notes(evaluation, advice)` reads an `Evaluation` made on the *validation* split and
  returns one note for each baseline that does better on its headline metric:
  `on the validation split, linear_regression beats the model (mae 0.1234 against 0.2345); try ...`.

Why validation and not test: what to try next is chosen on validation, as early stopping and the
TF-IDF baseline's regularisation are; a test score read to pick settings stops being a test.

Baselines that are ceilings rather than rivals (the tagger's forward filter, the best any causal
tagger can do, computed from the true process) are named in `Evaluation.ceilings` and never noted;
nor are rows made from the model itself (a text run's `combined`, in `Evaluation.companions`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnn_cookbook.core.training import Evaluation

#: Metric names in order of preference for the headline, each with the direction that is better.
#: Several say the same thing in other units (loss, bits per character and perplexity rise and fall
#: together), so the order only picks the one a person reads first.
HEADLINE_METRICS: dict[str, str] = {
    "exact_match": "higher",  # seq2seq_addition: whole answers right
    "bleu": "higher",  # translator (corpus BLEU)
    "chrf": "higher",
    "balanced_accuracy": "higher",  # classifiers with a rare class: accuracy alone hides never predicting it
    "accuracy": "higher",
    "char_accuracy": "higher",
    "macro_f1": "higher",
    "mae": "lower",  # forecaster: the error in the series' own unit
    "rmse": "lower",
    "mse": "lower",
    "bits_per_char": "lower",  # character generators
    "perplexity": "lower",  # word-level language models
    "loss": "lower",  # cross-entropy, whatever else is missing
}

SIGNIFICANT_DIGITS = 4


def headline_metric(model: Mapping[str, float], baseline: Mapping[str, float]) -> str | None:
    """The first name of `HEADLINE_METRICS` that both report as a finite number; None when none is shared."""
    for name in HEADLINE_METRICS:
        if _finite(model.get(name)) and _finite(baseline.get(name)):
            return name
    return None


def beats(name: str, baseline: float, model: float) -> bool:
    """Whether `baseline` is better than `model` on metric `name`, by more than shows in 4 significant digits.

    A difference too small to print (0.12341 against 0.12344) would read as "0.1234 against 0.1234":
    no note is better than a note that contradicts itself.
    """
    if _number(baseline) == _number(model):
        return False
    return baseline > model if HEADLINE_METRICS[name] == "higher" else baseline < model


def validation_notes(evaluation: Evaluation, advice: str) -> list[str]:
    """One note for each baseline that beats the model on the validation split, with `advice`: what to try.

    `evaluation` must have been made on the validation split (`split == "validation"`); the
    comparison uses each baseline's headline metric (`headline_metric`), so a baseline that
    reports different metrics from the model's is compared on what they share, or skipped. The
    baselines in `evaluation.ceilings` are limits of what any model can do, never rivals. Numbers
    are written with 4 significant digits. An empty list when the model beats or ties every one.
    """
    if evaluation.split != "validation":
        raise ValueError(f"validation_notes reads an evaluation of the validation split, not of {evaluation.split!r}")
    notes = []
    for name, scores in evaluation.baselines.items():
        rival = name not in evaluation.ceilings and name not in evaluation.companions
        metric = headline_metric(evaluation.model, scores) if rival else None
        if metric is None:
            continue
        theirs, ours = float(scores[metric]), float(evaluation.model[metric])
        if beats(metric, theirs, ours):
            notes.append(
                f"on the validation split, {name} beats the model ({metric} {_number(theirs)} against {_number(ours)}); "
                f"try {advice}"
            )
    return notes


def _number(value: float) -> str:
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def _finite(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)  # NumPy's floats too
