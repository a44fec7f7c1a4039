"""How good a translation is: sacrebleu's BLEU and chrF, by sentence length, and two baselines.

Scores are sacrebleu's corpus BLEU and chrF on detokenised text, so they compare with published
figures computed the same way. The baselines need no model: `translation_memory` returns the
translation of the most similar training sentence (TF-IDF over token 1-2-grams), and
`most_frequent_sentence` the commonest training translation.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnn_cookbook.translation.pairs import CHARACTER_LANGUAGES, tokenize


# --- scores -----------------------------------------------------------------------------------------
def translation_scores(hypotheses: Sequence[str], references: Sequence[str], language: str) -> dict[str, float]:
    """sacrebleu's corpus `bleu` and `chrf` (0-100) against one reference per hypothesis. BLEU cuts Chinese
    with sacrebleu's `zh` tokenizer, the other character languages into characters (Japanese's MeCab is an
    extra install), the rest with `13a`."""
    return multi_reference_scores(hypotheses, [[reference] for reference in references], language)


def multi_reference_scores(hypotheses: Sequence[str], reference_sets: Sequence[Sequence[str]], language: str) -> dict[str, float]:
    """`bleu` and `chrf` of each hypothesis against every reference in its set (sets may differ in size).

    sacrebleu takes references as streams, one reference per hypothesis each; a set shorter than the
    longest is padded with empty strings, which sacrebleu reads as "no reference here".
    """
    import sacrebleu

    tokenizer = {"zh": "zh", "cmn": "zh", "yue": "zh"}.get(language, "char" if language in CHARACTER_LANGUAGES else "13a")
    if not len(reference_sets):
        return {"bleu": float("nan"), "chrf": float("nan")}
    width = max(len(references) for references in reference_sets)
    streams = [[references[k] if k < len(references) else "" for references in reference_sets] for k in range(width)]
    bleu = sacrebleu.corpus_bleu(list(hypotheses), streams, tokenize=tokenizer)
    chrf = sacrebleu.corpus_chrf(list(hypotheses), streams)
    return {"bleu": float(bleu.score), "chrf": float(chrf.score)}


def reference_sets(sources: Sequence[str], references: Sequence[str]) -> tuple[list[int], list[list[str]]]:
    """The first row of each distinct source sentence, and every distinct reference that sentence has.

    Tatoeba often holds several translations of one sentence, and the split keeps them in one part:
    scored row by row, a right translation counts as wrong against each of the other references.
    """
    first: dict[str, int] = {}
    every: dict[str, list[str]] = {}
    for row, (source, reference) in enumerate(zip(sources, references, strict=True)):
        first.setdefault(source, row)
        known = every.setdefault(source, [])
        if reference not in known:
            known.append(reference)
    rows = list(first.values())
    return rows, [every[sources[row]] for row in rows]


def scores_by_length(
    hypotheses: dict[str, Sequence[str]], references: Sequence[str], lengths: Sequence[int], language: str, edges: Sequence[int]
) -> dict[str, dict[str, float]]:
    """BLEU of each system in source-length bins `[edges[i], edges[i+1])` (the last bin open-ended)."""
    lengths = np.asarray(lengths)
    table: dict[str, dict[str, float]] = {}
    for low, high in zip(edges, [*edges[1:], None], strict=True):
        rows = np.flatnonzero((lengths >= low) & (lengths < high if high is not None else True))
        label = f"{low}-{high - 1}" if high is not None else f"{low}+"
        refs = [references[i] for i in rows]
        table[label] = {"count": float(len(rows))}
        for name, outputs in hypotheses.items():
            table[label][name] = translation_scores([outputs[i] for i in rows], refs, language)["bleu"] if len(rows) else float("nan")
    return table


def most_frequent_sentence(train_targets: Sequence[str], count: int) -> list[str]:
    """The baseline that knows only the training translations: their most frequent one, every time."""
    return [Counter(train_targets).most_common(1)[0][0]] * count


def translation_memory(train_sources: Sequence[str], train_targets: Sequence[str], sources: Sequence[str], level: str) -> list[str]:
    """The translation of the most similar training sentence (cosine of TF-IDF over token 1-2-grams).

    What a translator's "translation memory" does: no model, only retrieval. It shows how much of
    the test set is near-copies of training sentences, and what a model adds beyond that.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda s: _grams(tokenize(s, level)), sublinear_tf=True)
    memory = vectorizer.fit_transform(train_sources)
    queries = vectorizer.transform(sources)
    nearest = np.concatenate([(queries[i : i + 512] @ memory.T).toarray().argmax(axis=1) for i in range(0, queries.shape[0], 512)])
    return [train_targets[i] for i in nearest]


def _grams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """`function(*args, **kwargs)` and the seconds it took."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started
