"""Sequence tagging with memory: hidden regimes seen through noise, and what the best tagger could do.

`HiddenRegimes` is the `stacked_lstm_tagger` recipe's task: a hidden Markov model whose sticky
regimes are seen only through Gaussian noise, so each step's regime can be told only by
remembering the steps before it. Because the process is known, it also gives the exact limits
the metrics table prints beside the model: the best memoryless rule (`memoryless_posterior`) and
the forward filter (`filter_posterior`), the best any tagger reading only the past can do.
`tagged_sequence` draws one test sequence tagged by each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import ListedColormap
from sklearn import metrics

from rnn_cookbook.core.plots import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def tagged_sequence(
    observations: np.ndarray,
    truth: np.ndarray,
    taggers: Mapping[str, np.ndarray],
    *,
    class_names: Sequence[str],
    title: str,
    levels: Sequence[float] | None = None,
) -> Figure:
    """One sequence and its tags: the observations on top, a colour strip per tagger below.

    The top panel draws the observations over the true classes (background colour) and, if given,
    each class's `levels` (here, the regime means). The bottom panel has one strip for the truth
    and one for each tagger, coloured by class, its accuracy on this sequence in the row name:
    mistakes show as colour that differs from the truth strip above it.
    """
    truth = np.asarray(truth)
    steps = np.arange(len(truth))
    colours = [_class_colour(k) for k in range(len(class_names))]
    cmap = ListedColormap(colours)
    figure, (values_axis, tags_axis) = new_figure(10.0, 5.5, rows=2)
    extent = (-0.5, len(truth) - 0.5)
    low, high = float(np.min(observations)), float(np.max(observations))
    values_axis.imshow(
        truth[None, :], aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(class_names) - 0.5, alpha=0.25,
        extent=(*extent, low - 0.5, high + 0.5), interpolation="nearest",
    )
    values_axis.plot(steps, observations, ".-", color="black", linewidth=0.6, markersize=3, label="observation")
    for k, level in enumerate(levels if levels is not None else []):
        values_axis.axhline(level, color=colours[k], linestyle="--", linewidth=1.2, label=f"{class_names[k]}")
    values_axis.set(title=title, ylabel="observation", ylim=(low - 0.5, high + 0.5))
    values_axis.legend(loc="upper right", fontsize="small", ncols=min(4, len(class_names) + 1))

    rows = {"truth": truth, **{name: np.asarray(tags) for name, tags in taggers.items()}}
    names = ["truth"] + [f"{name} ({metrics.accuracy_score(truth, tags):.0%})" for name, tags in taggers.items()]
    tags_axis.imshow(
        np.stack(list(rows.values())), aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(class_names) - 0.5,
        extent=(*extent, len(rows) - 0.5, -0.5), interpolation="nearest",
    )
    tags_axis.set_yticks(range(len(rows)), labels=names)
    tags_axis.set(title="Class at each step (colour as above)", xlabel="step")
    return figure


def _class_colour(index: int) -> str:
    """Matplotlib's default colour cycle, by index."""
    return f"C{index % 10}"


@dataclasses.dataclass(frozen=True)
class HiddenRegimes:
    """A hidden Markov model: sticky regimes, each seen through Gaussian noise around its mean.

    It samples sequences and gives the two exact references the metrics table reports: the best
    guess from one observation alone (`memoryless_posterior`) and from every observation so far
    (`filter_posterior`, the forward algorithm).
    """

    n_regimes: int
    stay_probability: float
    noise: float

    @property
    def means(self) -> np.ndarray:
        """Regime means one unit apart, centred on 0: (-1, 0, 1) for three regimes."""
        return np.arange(self.n_regimes) - (self.n_regimes - 1) / 2

    @property
    def transition(self) -> np.ndarray:
        """P(next regime | regime): `stay_probability` on the diagonal, the rest shared evenly."""
        move = (1 - self.stay_probability) / (self.n_regimes - 1)
        matrix = np.full((self.n_regimes, self.n_regimes), move)
        np.fill_diagonal(matrix, self.stay_probability)
        return matrix

    def sample(self, count: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """`count` sequences of `length` steps: observations (count, length, 1) and regimes (count, length).

        The first regime is uniform, which is also the chain's stationary distribution (the
        transition matrix is symmetric), so every step has the same marginal distribution.
        """
        regimes = np.empty((count, length), dtype="int32")
        regimes[:, 0] = rng.integers(0, self.n_regimes, count)
        stays = rng.random((count, length)) < self.stay_probability
        jumps = rng.integers(1, self.n_regimes, (count, length))  # to any *other* regime, evenly
        for step in range(1, length):
            previous = regimes[:, step - 1]
            regimes[:, step] = np.where(stays[:, step], previous, (previous + jumps[:, step]) % self.n_regimes)
        observations = self.means[regimes] + self.noise * rng.standard_normal((count, length))
        return observations[..., None].astype("float32"), regimes

    def _likelihoods(self, observations: np.ndarray) -> np.ndarray:
        """p(observation | regime) up to a factor per step: (count, length, n_regimes)."""
        values = np.asarray(observations, dtype=float).reshape(len(observations), -1, 1)
        log_likelihood = -0.5 * ((values - self.means) / self.noise) ** 2
        return np.exp(log_likelihood - log_likelihood.max(axis=-1, keepdims=True))

    def memoryless_posterior(self, observations: np.ndarray) -> np.ndarray:
        """P(regime | this step's observation): the best any one-step-at-a-time tagger can do."""
        likelihoods = self._likelihoods(observations)
        return likelihoods / likelihoods.sum(axis=-1, keepdims=True)

    def filter_posterior(self, observations: np.ndarray) -> np.ndarray:
        """P(regime | observations up to and including this step), by the forward algorithm.

        The best any causal tagger can do, a one-directional LSTM included. Normalising at every
        step keeps the recursion in range for sequences of any length.
        """
        likelihoods = self._likelihoods(observations)
        posterior = np.empty_like(likelihoods)
        prior = np.full((len(likelihoods), self.n_regimes), 1.0 / self.n_regimes)
        transition = self.transition
        for step in range(likelihoods.shape[1]):
            joint = prior * likelihoods[:, step]
            posterior[:, step] = joint / joint.sum(axis=-1, keepdims=True)
            prior = posterior[:, step] @ transition
        return posterior

    def describe(self) -> str:
        means = ", ".join(f"{m:g}" for m in self.means)
        return (
            f"synthetic: {self.n_regimes} hidden regimes (means {means}) in a Markov chain that stays with "
            f"probability {self.stay_probability:g}, seen through Gaussian noise of sd {self.noise:g}"
        )
