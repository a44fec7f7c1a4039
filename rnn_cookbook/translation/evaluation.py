"""The translator's test report: greedy and beam translations scored with BLEU and chrF beside the baselines.

`test_report` decodes the test split twice (greedy, and beam search with the run's width and
length penalty), times both, and scores them with sacrebleu on the whole split, on sentences of
`LONG_SENTENCE` words or more, by source length, and (`bleu_multi`, `chrf_multi`) once per distinct
source sentence against every translation the test split holds for it, beside the retrieval baselines
(`translation_memory`, `most_frequent_sentence`) and, when the recipe trains it, the same model
without attention. It draws `bleu_by_length.png` and `attention.png`. `validation_report` is its
cheap counterpart on the validation split, which the run reads first to say when a baseline beats
the model: greedy decoding only, beside the retrieval baselines only. `TranslationPrinter` prints a
few greedy translations while training.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TYPE_CHECKING

import numpy as np

from rnn_cookbook.core.training import Evaluation
from rnn_cookbook.decoding import EpochPrinter, PerModel
from rnn_cookbook.translation import plots as translation_plots
from rnn_cookbook.translation.pairs import tokenize
from rnn_cookbook.translation.scores import (
    most_frequent_sentence,
    multi_reference_scores,
    reference_sets,
    scores_by_length,
    timed,
    translation_memory,
    translation_scores,
)
from rnn_cookbook.translation.translator import BEAM_BATCH, GREEDY_BATCH, Translator

if TYPE_CHECKING:
    from rnn_cookbook.translation.data import TranslationData
    import keras

LONG_SENTENCE = 10  # words: `bleu_long` counts the pairs whose word side is at least this long


_TRANSLATORS: PerModel[Translator] = PerModel()


def translator_for(model: keras.Model, data: TranslationData) -> Translator:
    """The decoder for `model`, built once per model (it compiles its loops once)."""
    return _TRANSLATORS.get(model, lambda: Translator(
        model, data.source, data.target, max_source_length=data.max_source_length, max_target_length=data.max_target_length
    ))


def long_rows(data: TranslationData, sources: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """Test rows whose side written in words has at least `LONG_SENTENCE` words (punctuation not counted)."""
    pairs = data.pairs
    in_words = ("words", "subwords")  # (subword sides count their words here)
    side, level = (targets, pairs.target_level) if pairs.target_level in in_words else (sources, pairs.source_level)
    counts = [sum(any(c.isalnum() for c in token) for token in tokenize(text, level)) for text in side]
    return np.flatnonzero(np.asarray(counts) >= LONG_SENTENCE) if level in in_words else np.arange(0)


def system_scores(
    outputs: Sequence[str],
    references: Sequence[str],
    long: np.ndarray,
    language: str,
    sets: tuple[list[int], list[list[str]]] | None = None,
) -> dict[str, float]:
    """BLEU and chrF on the whole test split, and BLEU on its long sentences; with `sets` (from
    `reference_sets`), also `bleu_multi` and `chrf_multi`: each distinct source once, against all its references."""
    scores = translation_scores(outputs, references, language)
    scores["bleu_long"] = translation_scores([outputs[i] for i in long], [references[i] for i in long], language)["bleu"]
    if sets is not None:
        rows, references_of = sets
        multi = multi_reference_scores([outputs[i] for i in rows], references_of, language)
        scores.update(bleu_multi=multi["bleu"], chrf_multi=multi["chrf"])
    return scores


def test_report(
    model: keras.Model,
    data: TranslationData,
    cfg: Any,
    *,
    no_attention: Callable[[], tuple[keras.Model, dict[str, Any]]] | None = None,
) -> Evaluation:
    """Greedy and beam translations of the test split, scored beside the baselines, with the two figures.

    `cfg` is the translator recipe's Config (its decoding and plot settings); `no_attention`, when
    given, trains the `attention=none` baseline and returns it with what its training took.
    """
    sources, references = data.sentences("test")
    language = data.pairs.target_language
    long = long_rows(data, sources, references)
    translator = translator_for(model, data)
    ids = translator.source_ids(sources)
    warm_up(translator, ids, cfg)  # sentences/s below are decoding, not tracing
    (greedy_ids, attention), greedy_s = timed(translator.greedy_ids, ids)
    beam_ids, beam_s = timed(translator.beam_ids, ids, cfg.beam, cfg.length_penalty)
    greedy = [data.target.decode(row) for row in greedy_ids]
    best = [data.target.decode(row) for row in beam_ids]
    evaluated = model.evaluate(data.dataset("test", cfg.batch_size), verbose=0, return_dict=True)
    loss = evaluated.get("cross_entropy", evaluated["loss"])  # unsmoothed where training smoothed its labels

    sets = reference_sets(sources, references)
    scores = system_scores(best, references, long, language, sets)
    greedy_scores = system_scores(greedy, references, long, language)
    model_scores = {**scores, "greedy_bleu": greedy_scores["bleu"], "greedy_chrf": greedy_scores["chrf"], "loss": float(loss)}
    train_sources, train_targets = data.sentences("train")
    outputs = {
        "model": best,
        "translation_memory": translation_memory(train_sources, train_targets, sources, data.pairs.source_level),
        "most_frequent_sentence": most_frequent_sentence(train_targets, len(sources)),
    }
    details: dict[str, Any] = {
        "decoding": {
            "beam": cfg.beam,
            "length_penalty": cfg.length_penalty,
            "greedy_sentences_per_s": len(sources) / greedy_s,
            "beam_sentences_per_s": len(sources) / beam_s,
        },
        "pairs": {
            **data.pairs.sizes(),
            "long_test_sentences": len(long),
            "distinct_test_sources": len(sets[0]),
            "test_sources_with_several_references": sum(len(r) > 1 for r in sets[1]),
        },
        "vocabulary": {"source": len(data.source), "target": len(data.target)},
    }
    if no_attention is not None:
        baseline, trained = no_attention()
        plain = translator_for(baseline, data)
        warm_up(plain, ids, cfg)
        plain_ids, plain_s = timed(plain.beam_ids, ids, cfg.beam, cfg.length_penalty)
        outputs["no_attention"] = [data.target.decode(row) for row in plain_ids]
        details["no_attention"] = {**trained, "beam_sentences_per_s": len(sources) / plain_s}
    baselines = {name: system_scores(out, references, long, language, sets) for name, out in outputs.items() if name != "model"}

    source_lengths = [len(tokenize(s, data.pairs.source_level)) for s in sources]
    edges = length_bins(cfg.max_source_length)
    by_length = scores_by_length(outputs, references, source_lengths, language, edges)
    details["bleu_by_length"] = by_length
    details["examples"] = [
        {"source": s, "reference": r, **{name: out[i] for name, out in outputs.items()}}
        for i, (s, r) in enumerate(zip(sources[:8], references[:8], strict=True))
    ]
    unit = "characters" if data.pairs.source_level == "chars" else "words"
    systems = [name for name in ("model", "no_attention", "translation_memory") if name in outputs]
    figures = {
        "bleu_by_length.png": translation_plots.bleu_by_length(
            by_length, systems, title=f"translator ({cfg.attention} attention): test BLEU by source length", xlabel=f"source length ({unit})"
        )
    }
    if translator.attends and cfg.heatmaps:
        figures["attention.png"] = heatmap_figure(data, sources, greedy_ids, attention, cfg.heatmaps, cfg.attention)
    return Evaluation(data=data.label, split="test", model=model_scores, baselines=baselines, figures=figures, details=details)


def validation_report(model: keras.Model, data: TranslationData, cfg: Any) -> Evaluation:
    """BLEU and chrF of the greedy translations of the validation split, beside the retrieval baselines.

    Kept cheap, since the test report follows: no beam search (the model's `bleu` here is greedy,
    its `greedy_bleu` on test), no teacher-forced loss, no figures, and no `no_attention` baseline
    (training a second model to compare on validation would double the run).
    """
    sources, references = data.sentences("validation")
    language = data.pairs.target_language
    long = long_rows(data, sources, references)
    translator = translator_for(model, data)
    greedy_ids, _ = translator.greedy_ids(translator.source_ids(sources))
    train_sources, train_targets = data.sentences("train")
    outputs = {
        "translation_memory": translation_memory(train_sources, train_targets, sources, data.pairs.source_level),
        "most_frequent_sentence": most_frequent_sentence(train_targets, len(sources)),
    }
    return Evaluation(
        data=data.label,
        split="validation",
        model=system_scores([data.target.decode(row) for row in greedy_ids], references, long, language),
        baselines={name: system_scores(out, references, long, language) for name, out in outputs.items()},
    )


def warm_up(translator: Translator, ids: np.ndarray, cfg: Any) -> None:
    """Trace both decoding loops on one batch of the shape the timed calls use."""
    translator.greedy_ids(ids[:GREEDY_BATCH])
    translator.beam_ids(ids[:BEAM_BATCH], cfg.beam, cfg.length_penalty)


def length_bins(longest: int) -> list[int]:
    """Bin edges for BLEU by source length: five bins up to the longest source read."""
    step = max(1, -(-longest // 5))
    return list(range(1, longest + 1, step))


def heatmap_figure(
    data: TranslationData, sources: Sequence[str], output_ids: np.ndarray, attention: np.ndarray, count: int, kind: str
) -> Any:
    """Attention of the greedy decoder on `count` test sentences of middling length (the readable ones)."""
    read = [data.source.split(s)[: data.source.width(data.max_source_length)] for s in sources]  # as the model read them
    lengths = np.array([len(tokens) for tokens in read])
    order = np.argsort(np.abs(lengths - min(12, data.max_source_length)), kind="stable")[:count]
    examples = []
    for row in sorted(order):
        written = [data.target.tokens[i] for i in output_ids[row] if i != 0]  # up to and with [END]
        examples.append((read[row], written, attention[row]))
    return translation_plots.attention_heatmaps(examples, title=f"{kind} attention on test sentences (greedy decoding)")


class TranslationPrinter(EpochPrinter):
    """Print the greedy translations of a few validation sentences every `every` epochs."""

    def __init__(self, data: TranslationData, *, count: int = 3, every: int = 5) -> None:
        super().__init__(every=every)
        self.data = data
        self.sources, self.references = (part[:count] for part in data.sentences("validation"))

    def heading(self, epoch: int) -> str:
        return f"greedy translations after epoch {epoch + 1}"

    def report(self, epoch: int) -> str:
        translator = translator_for(self.model, self.data)
        written = [self.data.target.decode(row) for row in translator.greedy_ids(translator.source_ids(self.sources))[0]]
        return "\n".join(f"{s}\n  -> {w}\n  (reference: {r})" for s, w, r in zip(self.sources, written, self.references, strict=True))
