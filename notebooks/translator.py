# %% [markdown]
# # Translation with attention: from "我们明天见。" to "See you tomorrow."
#
# *Recipe `translator`, from all five tutorials, which all name machine translation as what recurrent
# networks are for, and from section 2.3 of the rnn-deep-dive tutorial ("序列到序列(Sequence-to-Sequence)任务"), which
# describes the encoder-decoder that does it.*
#
# The rnn-deep-dive tutorial's encoder-decoder has two recurrent networks. The *encoder* reads the source sentence
# and turns it into a state of fixed size; the *decoder* starts from that state and writes the
# translation one token at a time. Every sentence, five characters or thirty, has to pass through
# the same fixed-size vector, and that vector is the weak point: Cho et al. (2014) found such models
# get worse as sentences get longer.
#
# *Attention* removes the bottleneck. The encoder keeps one state per source token (its *memory*),
# and at every step the decoder scores each of them against its own state, turns the scores into
# weights that sum to 1, and reads the weighted average of the memory (the *context*) beside its
# own state. Bahdanau et al. (2015) score with a small additive network; Luong et al. (2015) with a
# dot product. Drop the recurrence and keep only (scaled) dot-product attention, and you have the
# Transformer that the rnn-practice tutorial ends on: this notebook is the step between the two.
#
# The recipe translates Chinese into English on Tatoeba's 29,155 English-Chinese pairs
# (`data=cmn-eng`, downloaded once, CC BY 2.0 FR). Chinese is read one character at a time, so no
# word segmenter is needed; English is written in words. The model, decoding, scores and
# baselines are the recipe's own functions, called here one step at a time.
#
# **Full mode trains two models**, the attention model and, on the same data, the `attention=none`
# baseline (the tutorials' fixed-vector encoder-decoder), each until early stopping ends it;
# `benchmarks/translation.py` measures that run, and `benchmarks/README.md` gives the measured time.
# `QUICK = True` trains the attention model alone on 60 hand-written toy pairs and takes seconds: it
# shows every step, but its scores mean little.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs (early stopping usually ends sooner)
OUTPUT = None  # run folder for the trained model; None: runs/translator/<timestamp>
DATA = None  # None: the config's own data (cmn-eng, downloaded once; quick mode: the 60 toy pairs); or a pair file
# A pair file: manythings.org's cmn.txt (English<TAB>Chinese<TAB>attribution), or any source<TAB>target file

# %% [markdown]
# ## The configuration
#
# `Config()` is Chinese to English: a bidirectional GRU(128) encoder over 128-dimensional character
# embeddings, a GRU(128) decoder with the Transformer's scaled dot-product attention, dropout 0.2,
# label smoothing 0.1, batch 64, trained
# until 3 epochs in a row bring no better validation loss (at most 100), and beam search of width 4 with GNMT's length
# penalty 0.6 for the reported translations. Sentences longer than 32 source characters or 24
# target words are dropped. `Config.quick()` is the same model, much smaller, on the toy pairs.

# %%
# %matplotlib inline
import time

import numpy as np

from rnn_cookbook.recipes import translator as recipe  # first: it loads TensorFlow without its start-up log
from rnn_cookbook.core import plots
from rnn_cookbook.translation import plots as translation_plots
from rnn_cookbook.translation.pairs import connected_groups, tokenize

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if DATA is not None:
    cfg = cfg.replace(data=str(DATA))
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` reads the pairs (`rnn_cookbook.translation.pairs.load_pairs`), finds which column is
# Chinese by its script, drops the pairs that are too long, splits them into training, validation
# and test pairs, and learns the two vocabularies from the training pairs only. Its notes say what
# it read and what it dropped.

# %%
data = recipe.load_data(cfg)
for note in data.pairs.notes:
    print("note:", note)
print(data.pairs.sizes())
sources, targets = data.sentences("train")
for source, target in list(zip(sources, targets, strict=True))[:8]:
    print(f"  {source}  ->  {target}")

# %% [markdown]
# ### A split without leaks
#
# Tatoeba repeats sentences: "Which book is yours?" has six Chinese translations. Split the lines at
# random, and the same English sentence lands in training and in test; the test score then rewards
# memory, not translation. `load_pairs` treats every pair as a node, joins the pairs that share
# their source *or* their target sentence, and puts each connected group whole into one split.
#
# `connected_groups` on a hand-made example: the first two pairs share their English sentence; the
# third and fourth share their Chinese one, and the fifth shares "I'm OK." with the fourth, so the
# third, fourth and fifth are one group even though the third and fifth share nothing directly.

# %%
example = [
    ("哪本书是你的？", "Which book is yours?"),
    ("哪一本书是你的？", "Which book is yours?"),
    ("我很好。", "I'm fine."),
    ("我很好。", "I'm OK."),
    ("我没事。", "I'm OK."),
    ("谢谢。", "Thank you."),
]
groups = connected_groups([zh for zh, _ in example], [en for _, en in example])
for (zh, en), group in zip(example, groups, strict=True):
    print(f"group {group}:  {zh}  ->  {en}")

# %% [markdown]
# And the check on the data loaded above: no sentence of the test split, on either side, is in
# the training split.

# %%
train_sources, train_targets = data.sentences("train")
test_sources, test_references = data.sentences("test")
shared_targets = set(test_references) & set(train_targets)
shared_sources = set(test_sources) & set(train_sources)
print(f"{len(test_references)} test pairs; test target sentences also in training: {len(shared_targets)}; "
      f"test source sentences also in training: {len(shared_sources)}")
assert not shared_targets and not shared_sources

# %% [markdown]
# ## Tokens and vocabularies
#
# `tokenize` cuts Chinese (and Japanese) into characters, since their words are not separated by
# spaces, and every other language into words and punctuation marks, case kept.

# %%
print(tokenize("我们明天见。", "chars"))
print(tokenize("I'll see you tomorrow.", "words"))

# %% [markdown]
# Each side has its own vocabulary, learnt by `TextVectorization` from the training pairs: id 0 is
# padding (shown as `''`), 1 the unknown token `[UNK]`, then `[START]` and `[END]`, then the
# tokens, most frequent first. A source character never seen in training is read as `[UNK]`.

# %%
print(f"source ({data.pairs.source_language}, {data.source.level}): {len(data.source)} tokens, first {list(data.source.tokens[:12])}")
print(f"target ({data.pairs.target_language}, {data.target.level}): {len(data.target)} tokens, first {list(data.target.tokens[:12])}")

# %% [markdown]
# `data.arrays(split)` gives what the model reads and what it should write, as ids padded with 0.
# The model has two inputs: `source`, the source sentence, and `target_in`, the translation after
# a `[START]` token; its target is the same translation followed by `[END]`. Decoded back to
# tokens, the target is `target_in` shifted one step left: at each step the decoder reads one
# token of the *true* translation and must write the next one. That is teacher forcing, and it is
# why a whole sentence trains in one pass. The decoder never reads `[END]` (it is padding in
# `target_in`), so its mask covers exactly the steps that write a token or `[END]`, and the loss
# counts no step that would write padding.

# %%
inputs, expected = data.arrays("train")
print({name: array.shape for name, array in inputs.items()}, "target", expected.shape)


def tokens_of(ids, vocabulary):
    """Ids as tokens, padding left out."""
    return [vocabulary.tokens[i] for i in ids if i != 0]


row = 0
print("source ids:     ", inputs["source"][row])
print("source tokens:  ", tokens_of(inputs["source"][row], data.source))
print("decoder reads:  ", tokens_of(inputs["target_in"][row], data.target))
print("decoder writes: ", tokens_of(expected[row], data.target))
for step, (read, write) in enumerate(zip(inputs["target_in"][row], expected[row], strict=True), start=1):
    if read == 0:
        break
    print(f"  step {step}: reads {data.target.tokens[read]!r}, should write {data.target.tokens[write]!r}")

# %% [markdown]
# ## The model
#
# `build_model` wires seven parts together (the names are the layers' names in the summary):
#
# - **`source_embedding` → `encoder`**: a bidirectional GRU over the source characters. It returns
#   a state for every character, forward and backward joined (the *memory*), and its final states.
# - **`bridge_0`**: a Dense layer that turns the encoder's final states into the decoder's first
#   state (the two directions are joined first: `encoder_state_0`).
# - **`target_embedding` → `decoder`**: a GRU over `target_in`, started from the bridge. Its output
#   at each step is the *query*.
# - **`keys`**: a Dense layer (no bias) that projects the memory into the query's space: the
#   bidirectional memory is twice as wide as the query.
# - **`attention`**: scores the query against every key (`attention=scaled`, the default: the dot
#   product divided by √units, after a `key_scale` layer; `luong`: the plain dot product; `bahdanau`:
#   a small additive network), softmax over the source positions, padding masked out,
#   and averages the memory by those weights into the *context*. The query is the decoder's state
#   after its step (Luong's order), so the whole teacher-forced sentence runs through the GRU in
#   one pass.
# - **`combine`**: `[query; context]` → Dense(tanh).
# - **`next_token`**: Dense(softmax) over the target vocabulary: the probability of each next word.
#
# With `attention=none` the context is dropped: `combine` reads the query alone, and the encoder's
# final state, through the bridge, is all the decoder knows about the sentence.

# %%
model = recipe.build_model(cfg, len(data.source), len(data.target))
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh and fits it with teacher forcing and early stopping on the
# validation loss (best weights restored). In full mode it prints the greedy translations of three
# validation sentences every 5 epochs (`sample_every`); quick mode turns that off. It then
# translates the test split without teacher forcing, greedily and with beam search, trains the
# `attention=none` baseline on the same data, scores everything and saves it into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="translator: cross-entropy per target token (teacher-forced)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# All scores are on the test split, translated without teacher forcing (the decoder reads its own
# output):
#
# - `bleu`: sacrebleu's corpus BLEU (0 to 100) of the beam-search translations: how many of their
#   1- to 4-word sequences appear in the references, with a penalty for being too short;
# - `chrf`: chrF, the same idea on character sequences, kinder to a word almost right;
# - `greedy_bleu`, `greedy_chrf`: the same scores for greedy decoding (the most likely word at
#   every step, no search);
# - `bleu_long`: BLEU on the test pairs whose English side has 10 words or more, where the
#   fixed-vector bottleneck hurts most (`-` when the test split has none, as in quick mode);
# - `bleu_multi`, `chrf_multi`: each distinct test sentence once, scored against every translation the
#   test split holds for it (Tatoeba often translates one sentence several ways; the scores above
#   take one reference per pair, so a right translation can count as wrong against another);
# - `loss`: the teacher-forced cross-entropy per target token.
#
# The baselines: `no_attention`, the same model with `attention=none`, trained in the same run on
# the same data and seed (not in quick mode, which trains one model only); `translation_memory`, the English of the most similar *training*
# sentence (TF-IDF over character 1- and 2-grams; retrieval, no model), which shows how much of the
# test split is near-copies of training sentences; and `most_frequent_sentence`, the most frequent
# training translation, every time. Attention should beat `no_attention`, most of all on long
# sentences; the benchmark (`benchmarks/translation.py`, results in `benchmarks/README.md`) checks
# that over three seeds.
#
# In quick mode these numbers mean little: 60 toy pairs, a handful of test sentences, a few
# seconds of training.

# %%
print(result.summary())

# %% [markdown]
# ## Decoding, opened up
#
# At translation time there is no true translation to read: the decoder must read its own output.
# `evaluation.translator_for(model, data)` (from `rnn_cookbook.translation.evaluation`) gives the model's `rnn_cookbook.translation.translator.Translator`,
# which calls the trained layers themselves in two parts:
#
# - `encode(source_ids)` → the memory, its keys, the decoder's first state and the source mask;
# - `step(token, states, memory, keys, mask)` → the next-token probabilities, the attention
#   weights over the source, and the decoder's new state.
#
# Here is greedy decoding run by hand on one test sentence: each step reads the token written
# before (first `[START]`), takes the most likely next token (never padding, `[UNK]` or
# `[START]`, as the compiled loop does), and prints it with the source character that got the most
# attention.

# %%
from rnn_cookbook.translation import evaluation

translator = evaluation.translator_for(result.model, data)
sentence, reference = test_sources[0], test_references[0]
source_ids = translator.source_ids([sentence])
characters = tokenize(sentence, data.source.level)
memory, keys, states, mask = translator.encode(source_ids)
print(f"{sentence!r} (reference: {reference!r}); memory {tuple(memory.shape)}, keys {tuple(keys.shape)}")
token = np.array([data.target.start_id], dtype="int32")
written = []
for step in range(1, translator.max_steps + 1):
    probabilities, weights, states = translator.step(token, states, memory, keys, mask)
    probabilities = np.array(probabilities[0])  # a copy: the next line changes it
    probabilities[list(translator.never_written)] = 0.0  # never padding, [UNK] or [START]
    best = int(probabilities.argmax())
    focus = int(np.argmax(weights.numpy()[0]))
    looked = f"looked most at {characters[focus]!r} ({weights.numpy()[0, focus]:.2f})" if translator.attends else "no attention"
    print(f"  step {step}: writes {data.target.tokens[best]!r} (p = {probabilities[best]:.2f}), {looked}")
    if best == data.target.end_id:
        break
    written.append(best)
    token = np.array([best], dtype="int32")
print("by hand:      ", data.target.decode(written))
print("greedy_ids:   ", data.target.decode(translator.greedy_ids(source_ids)[0][0]))

# %% [markdown]
# `greedy_ids` runs that loop for a whole batch of sentences at once, compiled as one `tf.function`,
# and returns the attention weights of every step too. `beam_ids` keeps the `beam` most likely
# partial translations of each sentence instead of one, and picks among the finished ones by
# log-probability divided by GNMT's length penalty `((5 + length) / 6) ** length_penalty` (without
# it, short translations win). Greedy and beam side by side on the test sentences:

# %%
test_ids = translator.source_ids(test_sources)
greedy_ids, attention = translator.greedy_ids(test_ids)
beam_ids = translator.beam_ids(test_ids, cfg.beam, cfg.length_penalty)
greedy = [data.target.decode(row) for row in greedy_ids]
beam = [data.target.decode(row) for row in beam_ids]
for i in range(min(8, len(test_sources))):
    print(f"{test_sources[i]}\n  reference: {test_references[i]}\n  greedy:    {greedy[i]}\n  beam {cfg.beam}:    {beam[i]}")
print(f"\n{sum(g != b for g, b in zip(greedy, beam, strict=True))} of {len(beam)} test sentences translate differently with beam search")

# %% [markdown]
# ## Speed
#
# The first call of each loop traces it into a TensorFlow graph, which takes far longer than
# decoding; `evaluation.warm_up` makes that first call on one batch, as the evaluation does before it
# times anything. Then both decoders over the whole test split (these are this machine's figures,
# measured here; in quick mode the test split is a handful of sentences, too few to time well):

# %%
evaluation.warm_up(translator, test_ids, cfg)
started = time.perf_counter()
translator.greedy_ids(test_ids)
greedy_s = time.perf_counter() - started
started = time.perf_counter()
translator.beam_ids(test_ids, cfg.beam, cfg.length_penalty)
beam_s = time.perf_counter() - started
print(f"greedy: {len(test_ids) / greedy_s:,.0f} sentences/s; beam search (width {cfg.beam}): {len(test_ids) / beam_s:,.0f} sentences/s "
      f"({len(test_ids)} test sentences)")
print("as the run measured them:", {k: round(v, 1) if isinstance(v, float) else v for k, v in result.metrics["decoding"].items()})

# %% [markdown]
# ## Using a finished run
#
# The run folder holds the model (`model.keras`) and both vocabularies (`vocabulary.json`), so any
# later process can translate with it: `rnn_cookbook.translation.run.translate(run_dir, texts)` in
# Python, or on the command line
#
#     rnn-cookbook translate runs/translator/<run> "我们明天见。" "他很忙。"
#
# Both reload the model in Keras' safe mode and use beam search with the run's own width and length
# penalty.

# %%
from rnn_cookbook.translation.run import TranslatorRun, translate

print(translate(result.run.path, ["我们明天见。", "他很忙。"]))

# %% [markdown]
# Texts are checked first. An empty text, a text with no character the model knows, or one longer
# than the model reads is a `DataError` with a message that says what is wrong; characters the
# model never saw, among known ones, are read as `[UNK]`, and `check` returns a note about them.

# %%
from rnn_cookbook.core.errors import DataError

reopened = TranslatorRun(result.run.path)
try:
    reopened.translate([""])
except DataError as error:
    print("DataError:", error)
_, notes = reopened.check(["我们明天见吗？"])
print(notes)

# %% [markdown]
# ## BLEU by source length
#
# The evaluation also scores each system on test sentences grouped by their length in source
# characters (BLEU of a group with no sentence is `nan`). This is where the fixed-vector
# bottleneck should show: `no_attention` falling behind as sentences get longer. In quick mode the
# groups hold a few sentences each, so the lines are noise.

# %%
by_length = result.metrics["bleu_by_length"]
systems = [name for name in next(iter(by_length.values())) if name != "count"]
print(f"{'source length':<15}{'sentences':>10}" + "".join(f"{name:>24}" for name in systems))
for group, scores in by_length.items():
    print(f"{group:<15}{int(scores['count']):>10}" + "".join(f"{scores[name]:>24.1f}" for name in systems))
translation_plots.bleu_by_length(
    by_length, [name for name in ("model", "no_attention", "translation_memory") if name in systems],
    title="translator: test BLEU by source length", xlabel="source length (characters)",
)

# %% [markdown]
# ## Where the decoder looked
#
# The attention weights of greedy decoding (`attention` from `greedy_ids` above) for four test
# sentences of middling length, the readable ones, drawn by `evaluation.heatmap_figure`, which also
# draws the run's `attention.png`.
# Each row is one word the decoder wrote, top to bottom, ending with `[END]`; each column is one
# source character; each row's weights sum to 1, and a bright cell says "this word was written
# mostly from this character". A well-trained model shows a rough diagonal that bends where word
# order differs between the languages. After a few seconds on toy pairs, expect a blur.
#
# Matplotlib's own fonts have no Chinese characters. When no font that has them is installed
# (`translation_plots.cjk_font()` looks for one of `translation_plots.CJK_FONTS`), `translation_plots.attention_heatmaps` numbers the
# characters instead, and the sentences are printed below with their numbers. To see the
# characters in the figure, install a CJK font (`apt install fonts-noto-cjk` on Debian or Ubuntu),
# then restart the kernel.

# %%
if translator.attends:
    lengths = np.array([len(tokenize(source, data.source.level)) for source in test_sources])
    rows = np.sort(np.argsort(np.abs(lengths - 10), kind="stable")[:4])  # the 4 test sentences nearest 10 characters
    chosen = [test_sources[i] for i in rows]
    figure = evaluation.heatmap_figure(data, chosen, greedy_ids[rows], attention[rows], len(rows), cfg.attention)
    if translation_plots.cjk_font() is None:
        print("no CJK font installed: the columns are numbered")
        for source in chosen:
            print("  ", "  ".join(f"{i}:{c}" for i, c in enumerate(tokenize(source, data.source.level), start=1)))
else:
    figure = None
    print("attention=none: there are no attention weights to draw")
figure

# %% [markdown]
# ## Where to go next
#
# - Luong's plain dot product: `cfg.replace(attention="luong")`, or `rnn-cookbook run translator --set
#   attention=luong`; Bahdanau's additive score: `attention="bahdanau"`.
# - Label smoothing: the default `label_smoothing=0.1` trains toward 0.9 on the right word (the run
#   still reports the plain cross-entropy); `0` turns it off. What each of these levers was worth on `cmn.txt`:
#   `python benchmarks/translation_levers.py --table` and benchmarks/README.md#translation.
# - What training costs: on `cmn.txt` (23,314 training pairs) an epoch takes about 40 s on 2 idle cores
#   with the default length buckets, and early stopping ended the default run after 39 epochs.
# - The tutorials' encoder-decoder alone: `attention="none"` (then no second model is trained).
# - Skip the baseline model when you do not need it: `compare_without_attention=False`.
# - The other direction, English to Chinese: `source="en", target="zh"` (English read in words,
#   Chinese written in characters; BLEU then uses sacrebleu's `zh` tokenizer).
# - Another language pair: `DATA` set to its `source<TAB>target` file, and the config's `source`
#   and `target` set to the two languages' codes (e.g. `cfg.replace(source="fr", target="en")`;
#   the defaults are `zh` and `en`); `columns="en,fr"` names the columns of a file laid out the
#   other way round.
# - Decoding: a wider `beam`, or `length_penalty` (0 ranks by log-probability alone and favours
#   short outputs; GNMT uses 0.6); `beam=1` is greedy. Both can be passed to `translate(...)` and
#   `rnn-cookbook translate --beam K --length-penalty A` without retraining.
# - Attention against no attention over several seeds, with BLEU by length averaged:
#   `python benchmarks/translation.py --data path/to/cmn.txt`.
