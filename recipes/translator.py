"""Translation with attention: a bidirectional GRU reads "我们明天见。", a GRU decoder writes "See you tomorrow."

Source: the rnn-practice, rnn-anatomy, rnn-and-lstm and rnn-deep-dive tutorials all name machine translation as what recurrent networks are
for, and the rnn-deep-dive tutorial §2.3 describes the encoder-decoder for it: an encoder turns the sentence into
a fixed-size state, and a decoder writes the translation from it. That fixed-size state is the
weak point on long sentences (Cho et al. 2014); attention (Bahdanau et al. 2015) lets the decoder
look back at every encoder state at every step, and is the step from the tutorials' encoder-decoder
to the Transformer that the rnn-practice tutorial ends on.

The model, Keras 3 layers only:

- **Encoder**: `Embedding` → `Bidirectional(GRU)` (or LSTM, or one direction) over the source
  tokens. It returns a state per source token (the *memory*) and its final states, which a
  `Dense` *bridge* turns into the decoder's first state.
- **Decoder**: `Embedding` → `GRU` over the translation shifted right by one (`[START] See you
  tomorrow .`), trained with teacher forcing to write the next token at every step.
- **Attention**: at each decoder step, its state (the query) scores every source position
  against a projection of the memory (the keys) and averages the memory by those weights into a
  context vector: `attention=scaled` (the default) by dot product divided by √units, as in the
  Transformer (`keras.layers.Attention` after a `key_scale` layer), `attention=luong` by the plain
  dot product (Luong et al. 2015), `attention=bahdanau` with a small additive network
  (`keras.layers.AdditiveAttention`, Bahdanau et al. 2015). The query is the decoder state
  *after* its step (Luong's order), so a whole teacher-forced sentence trains in one pass of the
  GRU (Bahdanau's order needs a loop over steps). Padding is masked out of attention and loss.
- **Output**: `[query; context]` → `Dense(tanh)` → `Dense(softmax)` over the target tokens.
- `attention=none` drops the context: the tutorials' fixed-vector encoder-decoder, trained by the
  same code. By default the run trains it too, on the same data, as a baseline.

Tokens: Chinese (and Japanese) as characters, so no word segmenter is needed (or jieba's words:
`source_tokens=jieba`); other languages as words and punctuation marks, case kept (`.pairs.tokenize`).
Vocabularies come from `TextVectorization` on the training pairs, saved as JSON beside the model.

Data (`rnn_cookbook.translation.pairs`): `data=cmn-eng` downloads Tatoeba's 29,155 English-Chinese
pairs (CC BY 2.0 FR; the attribution column is kept beside each pair); any `source<TAB>target`
file loads, and `columns=`, `source=`, `target=` read other layouts and either direction. Pairs
sharing a sentence on either side stay in one split, so no test sentence was seen in training.

The run reports on the test split, decoded without teacher forcing (`rnn_cookbook.translation.evaluation`):

- `bleu`, `chrf`: sacrebleu's corpus BLEU and chrF of the beam-search translations, and
  `greedy_bleu`, `greedy_chrf` of the greedy ones;
- `bleu_long`: BLEU on the pairs whose side written in words has 10 words or more, where
  attention should help most;
- `bleu_multi`, `chrf_multi`: each distinct test sentence once, against every translation the test
  split holds for it (Tatoeba often has several; the pairs above score each against one);
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
import time
from typing import TYPE_CHECKING, Any, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core import callbacks as presets
from rnn_cookbook.core import script
from rnn_cookbook.core.config import (
    FRACTION,
    FRACTION_OR_ZERO,
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    Interval,
    OneOf,
    RecipeConfig,
)
from rnn_cookbook.core.distribute import MULTIWORKER_REFUSAL
from rnn_cookbook.translation.pairs import TOKEN_LEVELS, load_pairs
from rnn_cookbook.core.vocabulary import VOCABULARY_FILE
from rnn_cookbook.decoding import check_backend
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_for_classes, set_seed, train_recipe
from rnn_cookbook.translation.data import TranslationData
from rnn_cookbook.translation.evaluation import TranslationPrinter, test_report, validation_report
from rnn_cookbook.translation.translator import BRIDGE_PREFIX, KEY_SCALE, SideVocabulary, vocabulary_record

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions

CELLS = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}
ATTENTION = {"luong": keras.layers.Attention, "scaled": keras.layers.Attention, "bahdanau": keras.layers.AdditiveAttention, "none": None}
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
    constraints = {
        "strategy": OneOf(("default", "mirrored"), refused={
            "multiworker": MULTIWORKER_REFUSAL,
            "data_parallel": "the translator decodes with compiled TensorFlow loops, and data_parallel trains on JAX; "
            "use strategy=default or mirrored",
        }),
        "source_tokens": OneOf(TOKEN_LEVELS), "target_tokens": OneOf(TOKEN_LEVELS),
        "max_source_length": POSITIVE_INT, "max_target_length": POSITIVE_INT,
        "source_vocabulary": Interval(int, 5, text="at least 5", note="4 ids are reserved"),
        "target_vocabulary": Interval(int, 5, text="at least 5", note="4 ids are reserved"),
        "validation_fraction": FRACTION, "test_fraction": FRACTION, "max_pairs": Interval(int, 10, note="None: all"),
        "cell": OneOf(CELLS), "attention": OneOf(ATTENTION), "embedding_dim": POSITIVE_INT, "units": POSITIVE_INT,
        "dropout": FRACTION_OR_ZERO, "label_smoothing": FRACTION_OR_ZERO,
        "beam": Interval(int, 1, note="1 = greedy"),
        "length_penalty": Interval(float, 0, 5, note="0 = none; GNMT uses 0.6"),
        "heatmaps": NON_NEGATIVE_INT, "sample_every": NON_NEGATIVE_INT,
    }

    data: str = "cmn-eng"  # cmn-eng (download) | toy | path to a source<TAB>target file (a .zip holding one)
    source: str = "auto"  # the language translated from, a name in `columns`; auto: Chinese (or Japanese) if a column is
    target: str = "auto"  # ... and into; auto: the other column
    columns: str = "auto"  # the file's first two columns, e.g. en,zh; auto: a Chinese column by its script, the other en
    source_tokens: str = "auto"  # auto | chars | words | jieba (Chinese words; auto: characters for zh and ja)
    target_tokens: str = "auto"  # ... | subwords (SentencePiece pieces learnt from the training sentences)
    encoding: str | None = None  # the file's encoding; None: UTF-8 (byte-order mark allowed), then cp1252
    max_pairs: int | None = None  # a random sample of this many pairs (within the length limits); None: all
    max_source_length: int = 32  # tokens; longer pairs are dropped, and counted in a note
    max_target_length: int = 24
    source_vocabulary: int = 3000  # most frequent training tokens kept, the rest read as [UNK] (cmn-eng: 2,700 characters)
    target_vocabulary: int = 5000  # cmn-eng: 7,300 English words, 4,400 of them seen twice or more
    validation_fraction: float = 0.1
    test_fraction: float = 0.1
    cell: str = "gru"  # gru | lstm
    bidirectional: bool = True
    attention: str = "scaled"  # scaled (dot product / √units) | luong (dot product) | bahdanau (additive) | none (fixed vector)
    embedding_dim: int = 128
    units: int = 128  # 256 doubles the time per epoch on a 2-core CPU
    dropout: float = 0.2  # on the embeddings and before the output layer
    label_smoothing: float = 0.1  # train toward (1 - ε) on the right token and ε spread over all, as the Transformer; 0: none
    epochs: int = 100  # a ceiling: early stopping on validation loss ends training (the benchmark stopped at 20 before it had converged)
    batch_size: int = 64
    length_buckets: bool = True  # batches of sentences of one translation length, cut to their longest: fewer padded steps
    patience: int = 3
    beam: int = 4  # beam width for the reported translations (1 = greedy)
    length_penalty: float = 0.6  # GNMT's alpha: 0 ranks finished beams by log-probability alone
    compare_without_attention: bool = True  # also train attention=none on the same data, as a baseline
    heatmaps: int = 4  # test sentences whose attention is drawn in attention.png
    sample_every: int = 5  # print a few validation translations every n epochs (0: never)

    @classmethod
    def quick(cls) -> Config:
        """Seconds on CPU: the 60 toy pairs, a small model, a few epochs, no `attention=none` baseline (it would
        double the run); with `data=` a file, a random 2,000 of its pairs: a first look in about a minute."""
        return cls(
            data="toy", embedding_dim=16, units=32, epochs=4, batch_size=8, learning_rate=0.01, patience=2,
            max_source_length=12, max_target_length=8, validation_fraction=0.15, test_fraction=0.15, heatmaps=2, sample_every=0,
            compare_without_attention=False, max_pairs=2000,
        )


# --- the data ---------------------------------------------------------------------------------------


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
        max_pairs=cfg.max_pairs,
    )
    sources, targets = pairs.part("train")
    return TranslationData(
        pairs=pairs,
        source=SideVocabulary.adapt(sources, pairs.source_level, cfg.source_vocabulary),
        target=SideVocabulary.adapt(targets, pairs.target_level, cfg.target_vocabulary),
        max_source_length=cfg.max_source_length,
        max_target_length=cfg.max_target_length,
        length_buckets=cfg.length_buckets,
    )


# --- the model --------------------------------------------------------------------------------------
def build_model(cfg: Config, source_size: int, target_size: int) -> keras.Model:
    """Encoder (memory + final states) → bridge → decoder GRU → attention over the memory → next token."""
    cell = CELLS[cfg.cell]
    source = keras.Input(shape=(None,), dtype="int32", name="source")  # any length: batches are cut to their longest
    target_in = keras.Input(shape=(None,), dtype="int32", name="target_in")

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
    if cfg.attention == "scaled":  # smaller scores at the start: a softmax slower to turn one-hot
        keys = keras.layers.Rescaling(cfg.units ** -0.5, name=KEY_SCALE)(keys)
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
def evaluate(model: keras.Model, data: TranslationData, cfg: Config, *, verbose: int = 0) -> Evaluation:
    """The test report (`rnn_cookbook.translation.evaluation`), with the `attention=none` baseline trained when asked."""
    wanted = cfg.compare_without_attention and cfg.attention != "none"
    return test_report(model, data, cfg, no_attention=(lambda: train_without_attention(cfg, data, verbose)) if wanted else None)


def train_without_attention(cfg: Config, data: TranslationData, verbose: int) -> tuple[keras.Model, dict[str, Any]]:
    """The `attention=none` baseline: the same data, settings and seed, early stopping on validation loss."""
    baseline_cfg = cfg.replace(attention="none")
    set_seed(cfg.seed)
    model = build_model(baseline_cfg, len(data.source), len(data.target))
    if verbose:
        print("\ntraining the attention=none baseline (the tutorials' fixed-vector encoder-decoder)", flush=True)
    started = time.perf_counter()
    fit = model.fit(
        data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed),
        validation_data=data.dataset("validation", cfg.batch_size),
        epochs=cfg.epochs,
        callbacks=[presets.early_stopping(patience=cfg.patience)],
        shuffle=False,  # the dataset shuffles itself, seeded
        verbose=verbose,
    )
    return model, {"epochs_run": len(fit.history["loss"]), "wall_time_s": time.perf_counter() - started}


#: What to try when a retrieval baseline translates the validation pairs better than the model.
ADVICE = "more pairs (data=cmn-eng has 29,155), or more epochs with a larger patience; with few pairs, retrieval may simply be the better tool"


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: split pairs, teacher-forced fit, greedy and beam translations scored with BLEU."""
    cfg = cfg or Config()
    check_backend()  # the decoding loops are TensorFlow functions
    verbose = run.get("verbose")
    data = load_data(cfg)
    return train_recipe(
        cfg,
        build_model=lambda: build_model(cfg, len(data.source), len(data.target)),
        datasets=lambda: (data.dataset("train", cfg.batch_size, shuffle=True, seed=cfg.seed), data.dataset("validation", cfg.batch_size)),
        evaluate=lambda model: evaluate(model, data, cfg, verbose=2 if verbose is None else verbose),
        validate=lambda model: validation_report(model, data, cfg),  # greedy, beside the retrieval baselines only
        advice=ADVICE,
        examples_per_epoch=len(data.sentences("train")[0]),
        extra_callbacks=[TranslationPrinter(data, every=cfg.sample_every if verbose != 0 else 0)] + ([] if verbose == 0 else [
            presets.Throughput(len(data.sentences("train")[0]), cfg.epochs, label="translator", unit="sentences", quiet_below_s=30)]),
        json_files={
            VOCABULARY_FILE: vocabulary_record(
                data.source, data.target, source_language=data.pairs.source_language, target_language=data.pairs.target_language
            )
        },
        notes=data.pairs.notes,
        **run,
    )


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
