"""Translation with attention: a bidirectional GRU reads "我们明天见。", a GRU decoder writes "See you tomorrow."

Source: seeds 000, 001, 002 and 004 all name machine translation as what recurrent networks are
for, and seed 004 §2.3 describes the encoder-decoder for it: an encoder turns the sentence into
a fixed-size state, and a decoder writes the translation from it. That fixed-size state is the
weak point on long sentences (Cho et al. 2014); attention (Bahdanau et al. 2015) lets the decoder
look back at every encoder state at every step, and is the step from the seeds' encoder-decoder
to the Transformer that seed 000 ends on.

The model, Keras 3 layers only:

- **Encoder**: `Embedding` → `Bidirectional(GRU)` (or LSTM, or one direction) over the source
  tokens. It returns a state per source token (the *memory*) and its final states, which a
  `Dense` *bridge* turns into the decoder's first state.
- **Decoder**: `Embedding` → `GRU` over the translation shifted right by one (`[START] See you
  tomorrow .`), trained with teacher forcing to write the next token at every step.
- **Attention**: at each decoder step, its state (the query) scores every source position
  against a projection of the memory (the keys) and averages the memory by those weights into a
  context vector: `attention=luong` scores by dot product (`keras.layers.Attention`, Luong et al.
  2015), `attention=bahdanau` with a small additive network (`keras.layers.AdditiveAttention`).
  The query is the decoder state *after* its step (Luong's order), so a whole teacher-forced
  sentence trains in one pass of the GRU; Bahdanau's order, attention before the step, would
  need a Python loop over steps. Padding is masked out of the attention and of the loss.
- **Output**: `[query; context]` → `Dense(tanh)` → `Dense(softmax)` over the target tokens.
- `attention=none` drops the context: the seeds' fixed-vector encoder-decoder, trained by the
  same code. By default the run trains it too, on the same data, as a baseline.

Tokens: Chinese (and Japanese) as characters, so no word segmenter is needed; other languages as
words and punctuation marks, case kept (`rnn_cookbook.data.text.pairs.tokenize`). Vocabularies
come from `TextVectorization` on the training pairs and are saved as JSON beside the model.

Data (`rnn_cookbook.data.text.pairs`): `data=cmn-eng` downloads Tatoeba's 29,155 English-Chinese
pairs (CC BY 2.0 FR; the attribution column is kept beside each pair); any `source<TAB>target`
file loads, and `columns=`, `source=`, `target=` read other layouts and either direction. Pairs
sharing a sentence on either side stay in one split, so no test sentence was seen in training.

The run reports on the test split, decoded without teacher forcing:

- `bleu`, `chrf`: sacrebleu's corpus BLEU and chrF of the beam-search translations, and
  `greedy_bleu`, `greedy_chrf` of the greedy ones;
- `bleu_long`: BLEU on the pairs whose side written in words has 10 words or more, where
  attention should help most;
- `loss`: the teacher-forced cross-entropy per target token.

Baselines: `no_attention` (above), `translation_memory` (the translation of the most similar
training sentence, by TF-IDF over token 1-2-grams: retrieval, no model) and
`most_frequent_sentence`. The run folder holds `bleu_by_length.png` and `attention.png`, the
attention weights of a few test sentences: source characters against the words written.

    rnn-cookbook run translator --set data=path/to/cmn.txt
    rnn-cookbook run translator --quick                      # 60 hand-written pairs, seconds
    rnn-cookbook translate runs/translator/<run> "我们明天见。"

    from rnn_cookbook.recipes import translator
    result = translator.train(translator.Config.quick())
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import rnn_cookbook.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras
import numpy as np

from rnn_cookbook import callbacks as presets
from rnn_cookbook import plots, script
from rnn_cookbook.config import RecipeConfig, check_choice, check_fraction, check_positive
from rnn_cookbook.data.pipeline import array_dataset
from rnn_cookbook.data.text.pairs import TOKEN_LEVELS, SentencePairs, load_pairs, tokenize
from rnn_cookbook.data.text.vocabulary import VOCABULARY_FILE
from rnn_cookbook.errors import ConfigError
from rnn_cookbook.generation import EpochPrinter, PerModel, check_backend
from rnn_cookbook.training import Evaluation, TrainResult, compile_for_classes, set_seed, train_recipe
from rnn_cookbook.translation import (
    BEAM_BATCH,
    BRIDGE_PREFIX,
    GREEDY_BATCH,
    SideVocabulary,
    Translator,
    check_beam,
    most_frequent_sentence,
    scores_by_length,
    timed,
    translation_memory,
    translation_scores,
    vocabulary_record,
)

if TYPE_CHECKING:
    import tensorflow as tf

CELLS = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}
ATTENTION = {"luong": keras.layers.Attention, "bahdanau": keras.layers.AdditiveAttention, "none": None}
LONG_SENTENCE = 10  # words: `bleu_long` counts the pairs whose word side is at least this long
#: Why `rnn-cookbook search` refuses this recipe.
NOT_SEARCHABLE = (
    "its model takes two inputs (the source and the shifted translation) and its score, BLEU, needs the "
    "step-by-step decoder rather than model.predict; compare settings with `rnn-cookbook run translator --set ...` "
    "or benchmarks/translation.py"
)


@dataclasses.dataclass
class Config(RecipeConfig):
    """Chinese to English on Tatoeba's pairs: a bidirectional GRU(128) encoder, a GRU(128) decoder with attention."""

    recipe: ClassVar[str] = "translator"

    data: str = "cmn-eng"  # cmn-eng (download) | toy | path to a source<TAB>target file (a .zip holding one)
    source: str = "auto"  # the language translated from, a name in `columns`; auto: Chinese (or Japanese) if a column is
    target: str = "auto"  # ... and into; auto: the other column
    columns: str = "auto"  # the file's first two columns, e.g. en,zh; auto: a Chinese column by its script, the other en
    source_tokens: str = "auto"  # auto | chars | words (auto: characters for zh and ja)
    target_tokens: str = "auto"
    encoding: str | None = None  # the file's encoding; None: UTF-8 (byte-order mark allowed), then cp1252
    max_source_length: int = 32  # tokens; longer pairs are dropped, and counted in a note
    max_target_length: int = 24
    source_vocabulary: int = 3000  # most frequent training tokens kept, the rest read as [UNK] (cmn-eng: 2,700 characters)
    target_vocabulary: int = 5000  # cmn-eng: 7,300 English words, 4,400 of them seen twice or more
    validation_fraction: float = 0.1
    test_fraction: float = 0.1
    cell: str = "gru"  # gru | lstm
    bidirectional: bool = True
    attention: str = "luong"  # luong (dot product) | bahdanau (additive) | none (the fixed-vector baseline)
    embedding_dim: int = 128
    units: int = 128  # 256 doubles the time per epoch on a 2-core CPU
    dropout: float = 0.2  # on the embeddings and before the output layer
    epochs: int = 20  # early stopping usually ends training sooner
    batch_size: int = 64
    patience: int = 3
    beam: int = 4  # beam width for the reported translations (1 = greedy)
    length_penalty: float = 0.6  # GNMT's alpha: 0 ranks finished beams by log-probability alone
    compare_without_attention: bool = True  # also train attention=none on the same data, as a baseline
    heatmaps: int = 4  # test sentences whose attention is drawn in attention.png
    sample_every: int = 5  # print a few validation translations every n epochs (0: never)

    def validate(self) -> None:
        super().validate()
        for name in ("max_source_length", "max_target_length", "source_vocabulary", "target_vocabulary", "embedding_dim", "units"):
            check_positive(name, getattr(self, name))
        check_positive("heatmaps", self.heatmaps, allow_zero=True)
        check_positive("sample_every", self.sample_every, allow_zero=True)
        check_choice("cell", self.cell, CELLS)
        check_choice("attention", self.attention, ATTENTION)
        check_choice("source_tokens", self.source_tokens, TOKEN_LEVELS)
        check_choice("target_tokens", self.target_tokens, TOKEN_LEVELS)
        check_fraction("validation_fraction", self.validation_fraction)
        check_fraction("test_fraction", self.test_fraction)
        check_fraction("dropout", self.dropout, allow_zero=True)
        check_beam(self.beam, self.length_penalty)
        for name in ("bidirectional", "compare_without_attention"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, got {getattr(self, name)!r}")
        if self.source_vocabulary < 5 or self.target_vocabulary < 5:
            raise ConfigError("source_vocabulary and target_vocabulary must be at least 5 (4 ids are reserved)")
        if self.strategy == "data_parallel":
            raise ConfigError(
                "the translator decodes with compiled TensorFlow loops, and data_parallel trains on JAX; "
                "use strategy=default or mirrored"
            )

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the 60 toy pairs, a small model, a few epochs."""
        return cls(
            data="toy", embedding_dim=16, units=32, epochs=4, batch_size=8, learning_rate=0.01, patience=2,
            max_source_length=12, max_target_length=8, validation_fraction=0.15, test_fraction=0.15, heatmaps=2, sample_every=0,
        )


# --- the data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class TranslationData:
    """The split pairs, the two vocabularies, and the arrays the model reads and writes."""

    pairs: SentencePairs
    source: SideVocabulary
    target: SideVocabulary
    max_source_length: int
    max_target_length: int

    @property
    def label(self) -> str:
        return self.pairs.label

    def sentences(self, split: str) -> tuple[list[str], list[str]]:
        return self.pairs.part(split)

    def arrays(self, split: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """({"source": ids, "target_in": [START] + ids}, ids + [END]) of one split, for `fit` and `evaluate`.

        The decoder's input never holds `[END]`: its mask (id 0 is padding) then covers exactly the
        positions whose target is a token or `[END]`, so the loss counts no step that writes padding.
        """
        sources, targets = self.sentences(split)
        width = self.max_target_length + 1
        marked = self.target.encode(targets, width + 1, markers=True)  # [START] tokens [END], padded
        target_in = np.where(marked[:, :-1] == self.target.end_id, 0, marked[:, :-1])  # nothing is read after [END]
        return {"source": self.source.encode(sources, self.max_source_length), "target_in": target_in}, marked[:, 1:]

    def dataset(self, split: str, cfg: Config, *, shuffle: bool = False) -> tf.data.Dataset:
        return array_dataset(*self.arrays(split), cfg.batch_size, shuffle=shuffle, seed=cfg.seed)


def load_data(cfg: Config) -> TranslationData:
    """The pairs split without shared sentences, and vocabularies adapted on the training pairs only."""
    pairs = load_pairs(
        cfg.data,
        source_language=cfg.source,
        target_language=cfg.target,
        columns=cfg.columns,
        source_tokens=cfg.source_tokens,
        target_tokens=cfg.target_tokens,
        max_source_length=cfg.max_source_length,
        max_target_length=cfg.max_target_length,
        validation_fraction=cfg.validation_fraction,
        test_fraction=cfg.test_fraction,
        seed=cfg.seed,
        encoding=cfg.encoding,
    )
    sources, targets = pairs.part("train")
    return TranslationData(
        pairs=pairs,
        source=SideVocabulary.adapt(sources, pairs.source_level, cfg.source_vocabulary),
        target=SideVocabulary.adapt(targets, pairs.target_level, cfg.target_vocabulary),
        max_source_length=cfg.max_source_length,
        max_target_length=cfg.max_target_length,
    )


# --- the model --------------------------------------------------------------------------------------
def build_model(cfg: Config, source_size: int, target_size: int) -> keras.Model:
    """Encoder (memory + final states) → bridge → decoder GRU → attention over the memory → next token."""
    cell = CELLS[cfg.cell]
    source = keras.Input(shape=(cfg.max_source_length,), dtype="int32", name="source")
    target_in = keras.Input(shape=(cfg.max_target_length + 1,), dtype="int32", name="target_in")

    embedded = keras.layers.Embedding(source_size, cfg.embedding_dim, mask_zero=True, name="source_embedding")(source)
    embedded = keras.layers.Dropout(cfg.dropout, name="source_dropout")(embedded)
    encoder = cell(cfg.units, return_sequences=True, return_state=True, name="encoder_rnn" if cfg.bidirectional else "encoder")
    if cfg.bidirectional:
        memory, *final = keras.layers.Bidirectional(encoder, name="encoder")(embedded)
        half = len(final) // 2  # forward states, then backward states
        final = [keras.layers.Concatenate(name=f"encoder_state_{i}")([final[i], final[i + half]]) for i in range(half)]
    else:
        memory, *final = encoder(embedded)
    first_states = [
        keras.layers.Dense(cfg.units, activation="tanh", name=f"{BRIDGE_PREFIX}{i}")(state) for i, state in enumerate(final)
    ]

    decoded = keras.layers.Embedding(target_size, cfg.embedding_dim, mask_zero=True, name="target_embedding")(target_in)
    decoded = keras.layers.Dropout(cfg.dropout, name="target_dropout")(decoded)
    query, *_ = cell(cfg.units, return_sequences=True, return_state=True, name="decoder")(decoded, initial_state=first_states)
    keys = keras.layers.Dense(cfg.units, use_bias=False, name="keys")(memory)  # the memory, in the query's space
    if ATTENTION[cfg.attention] is None:
        features = query
    else:
        context = ATTENTION[cfg.attention](name="attention")([query, memory, keys])  # masks come with the tensors
        features = keras.layers.Concatenate(name="query_and_context")([query, context])
    features = keras.layers.Dropout(cfg.dropout, name="output_dropout")(features)
    hidden = keras.layers.Dense(cfg.units, activation="tanh", name="combine")(features)
    outputs = keras.layers.Dense(target_size, activation="softmax", name="next_token")(hidden)
    model = keras.Model([source, target_in], outputs, name=f"translator_{cfg.attention}")
    return compile_for_classes(model, cfg)  # teacher-forced accuracy per token, padding masked


# --- evaluation ---------------------------------------------------------------------------------------
_TRANSLATORS: PerModel[Translator] = PerModel()


def translator_for(model: keras.Model, data: TranslationData) -> Translator:
    """The decoder for `model`, built once per model (it compiles its loops once)."""
    return _TRANSLATORS.get(model, lambda: Translator(model, data.source, data.target))


def long_rows(data: TranslationData, sources: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """Test rows whose side written in words has at least `LONG_SENTENCE` words (punctuation not counted)."""
    pairs = data.pairs
    side, level = (targets, pairs.target_level) if pairs.target_level == "words" else (sources, pairs.source_level)
    counts = [sum(any(c.isalnum() for c in token) for token in tokenize(text, level)) for text in side]
    return np.flatnonzero(np.asarray(counts) >= LONG_SENTENCE) if level == "words" else np.arange(0)


def system_scores(outputs: Sequence[str], references: Sequence[str], long: np.ndarray, language: str) -> dict[str, float]:
    """BLEU and chrF on the whole test split, and BLEU on its long sentences."""
    scores = translation_scores(outputs, references, language)
    scores["bleu_long"] = translation_scores([outputs[i] for i in long], [references[i] for i in long], language)["bleu"]
    return scores


def train_without_attention(cfg: Config, data: TranslationData, verbose: int) -> tuple[keras.Model, dict[str, Any]]:
    """The `attention=none` baseline: the same data, settings and seed, early stopping on validation loss."""
    import time

    baseline_cfg = cfg.replace(attention="none")
    set_seed(cfg.seed)
    model = build_model(baseline_cfg, len(data.source), len(data.target))
    if verbose:
        print("\ntraining the attention=none baseline (the seeds' fixed-vector encoder-decoder)", flush=True)
    started = time.perf_counter()
    fit = model.fit(
        data.dataset("train", cfg, shuffle=True),
        validation_data=data.dataset("validation", cfg),
        epochs=cfg.epochs,
        callbacks=[presets.early_stopping(patience=cfg.patience)],
        shuffle=False,  # the dataset shuffles itself, seeded
        verbose=verbose,
    )
    return model, {"epochs_run": len(fit.history["loss"]), "wall_time_s": time.perf_counter() - started}


def evaluate(model: keras.Model, data: TranslationData, cfg: Config, *, verbose: int = 0) -> Evaluation:
    """Greedy and beam translations of the test split, scored beside the baselines, with the two figures."""
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
    loss, _ = model.evaluate(data.dataset("test", cfg), verbose=0)

    scores = system_scores(best, references, long, language)
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
        "pairs": {**data.pairs.sizes(), "long_test_sentences": len(long)},
        "vocabulary": {"source": len(data.source), "target": len(data.target)},
    }
    if cfg.compare_without_attention and cfg.attention != "none":
        baseline, trained = train_without_attention(cfg, data, verbose)
        plain = translator_for(baseline, data)
        warm_up(plain, ids, cfg)
        plain_ids, plain_s = timed(plain.beam_ids, ids, cfg.beam, cfg.length_penalty)
        outputs["no_attention"] = [data.target.decode(row) for row in plain_ids]
        details["no_attention"] = {**trained, "beam_sentences_per_s": len(sources) / plain_s}
    baselines = {name: system_scores(out, references, long, language) for name, out in outputs.items() if name != "model"}

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
        "bleu_by_length.png": plots.bleu_by_length(
            by_length, systems, title=f"translator ({cfg.attention} attention): test BLEU by source length", xlabel=f"source length ({unit})"
        )
    }
    if translator.attends and cfg.heatmaps:
        figures["attention.png"] = heatmap_figure(data, sources, greedy_ids, attention, cfg.heatmaps, cfg.attention)
    return Evaluation(data=data.label, split="test", model=model_scores, baselines=baselines, figures=figures, details=details)


def warm_up(translator: Translator, ids: np.ndarray, cfg: Config) -> None:
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
    level = data.pairs.source_level
    lengths = np.array([len(tokenize(s, level)) for s in sources])
    order = np.argsort(np.abs(lengths - min(12, data.max_source_length)), kind="stable")[:count]
    examples = []
    for row in sorted(order):
        written = [data.target.tokens[i] for i in output_ids[row] if i != 0]  # up to and with [END]
        examples.append((tokenize(sources[row], level)[: data.max_source_length], written, attention[row]))
    return plots.attention_heatmaps(examples, title=f"{kind} attention on test sentences (greedy decoding)")


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


def train(
    cfg: Config | None = None, *, output: str | Path | None = None, verbose: int | None = None, resume: bool = False
) -> TrainResult:
    """The whole recipe: split pairs, teacher-forced fit, greedy and beam translations scored with BLEU."""
    cfg = cfg or Config()
    check_backend()  # the decoding loops are TensorFlow functions
    data = load_data(cfg)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, len(data.source), len(data.target)),
        datasets=lambda: (data.dataset("train", cfg, shuffle=True), data.dataset("validation", cfg)),
        evaluate=lambda model: evaluate(model, data, cfg, verbose=2 if verbose is None else verbose),
        examples_per_epoch=len(data.sentences("train")[0]),
        extra_callbacks=[TranslationPrinter(data, every=cfg.sample_every if verbose != 0 else 0)],
        json_files={
            VOCABULARY_FILE: vocabulary_record(
                data.source, data.target, source_language=data.pairs.source_language, target_language=data.pairs.target_language
            )
        },
        notes=data.pairs.notes,
        output=output,
        verbose=verbose,
        resume=resume,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: `python -m rnn_cookbook.recipes.translator --help`."""
    return script.main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
