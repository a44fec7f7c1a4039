# %% [markdown]
# # Predicting the next word with a SimpleRNN
#
# *Recipe `word_generator`, from the text-generation example of the rnn-practice tutorial ("RNN实战:从入门到上手").*
#
# The rnn-practice tutorial takes one sentence, "The quick brown fox jumps over the lazy dog.", uses every prefix of
# it as an input and the word that follows as the target, and trains `SimpleRNN(50)` →
# `Dense(softmax)` on those pairs. The recurrence is what reads the prefix: the SimpleRNN takes its
# words one at a time, mixing each into its hidden state, so after the last word the state
# summarises the whole prefix and a Dense layer turns it into a probability for every word of the
# vocabulary. Feeding the chosen word back in and repeating writes a sentence.
#
# The tutorial's code does not run as written: it feeds word ids to the SimpleRNN as numbers (word 7 is
# not "more" than word 6), and its `return_sequences=True` gives a prediction per step against one
# label per prefix. The recipe does it right: `TextVectorization` builds the vocabulary, an
# `Embedding` turns ids into vectors, the SimpleRNN returns only its last state, and the inputs
# are prefix windows of up to 10 words, padded at the front and masked so that padding never moves
# the state.
#
# The default data is the tutorial's one sentence, a toy: 8 (prefix, next word) pairs the model learns
# by heart, nothing more. Set `DATA` to a real text file to train a real language model (and
# `EPOCHS` to a few tens: 100 epochs over a book take long).
#
# Full mode (the tutorial's sentence, 100 epochs) takes about half a minute on a 2-core CPU, about
# 20 s of it training; `QUICK = True` (30 epochs of a smaller model) trains in under 10 s.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
DATA = None  # None: the config's own data (the rnn-practice tutorial's sentence); or a UTF-8 text file or folder of *.txt
OUTPUT = None  # run folder for the trained model; None: runs/word_generator/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the rnn-practice tutorial's settings (`SimpleRNN(50)`, Adam, 100 epochs) plus the embedding and
# the window, and checks every value; `Config.quick()` is the small variant, with a higher learning
# rate so that 30 epochs are enough.

# %%
# %matplotlib inline
import numpy as np
from scipy.special import softmax

from rnn_cookbook.recipes import word_generator as recipe  # first: it loads TensorFlow without its start-up log
from rnn_cookbook.generation import sampling as generation
from rnn_cookbook.core import plots

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if DATA is not None:
    cfg = cfg.replace(data=DATA)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` reads the text and adapts a `TextVectorization` vocabulary on the training part only
# (lower case, punctuation stripped, the `num_words` most frequent words). Id 0 is padding and id 1
# is `[UNK]`, which any word outside the vocabulary becomes. On a real text the last 10% validates;
# the toy sentence is too short to split and validates on its own training text.

# %%
data = recipe.load_data(cfg)
vocabulary = data.vocabulary
for note in data.corpus.notes:
    print("note:", note)
print(f"{len(vocabulary)} tokens in the vocabulary; the first ones: {list(vocabulary.tokens[:12])}")
print(f"{len(data.train_ids):,} training words, {len(data.validation_ids):,} validation words")

# %% [markdown]
# Every word after the first is a target, and the `window` words before it are its input, padded
# at the front with id 0 (shown as `_`). A few (prefix window → next word) pairs, decoded:

# %%
windows, next_words = data.train
print(f"inputs {windows.shape} (pairs x window), targets {next_words.shape}\n")
for window, word in list(zip(windows, next_words, strict=True))[:8]:
    prefix = " ".join(vocabulary.tokens[i] if i else "_" for i in window)
    print(f"{prefix}  ->  {vocabulary.tokens[word]}")

# %% [markdown]
# ## The model
#
# `build_model` stacks the `Embedding` (with `mask_zero=True`, so the SimpleRNN skips the padding),
# the `SimpleRNN`, which returns its last state only, and a Dense softmax over the vocabulary.

# %%
model = recipe.build_model(cfg, len(vocabulary))
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh and fits it with the shared callback presets (early
# stopping on the validation loss, best weights restored), scores it beside the n-gram baselines
# and saves the model, its vocabulary and its history into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2 if QUICK else 0)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="word_generator: cross-entropy per word and epoch (nats)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# The loss is the cross-entropy of the next word in nats, `-ln p(the actual word)` averaged over
# the validation targets; the perplexity `e^loss` reads as "as unsure as a uniform choice among
# that many words". Two n-gram models are counted on the same training words: the *unigram* model
# (word frequencies) and a *trigram* model (the next word from the two before it, Witten-Bell
# interpolation). On the toy sentence, which validates on its own training text, a model that has
# learned the sentence by heart scores close to 0 and the figures only show that training worked;
# on a real text, the recurrent model must beat the trigram to be worth its training.

# %%
print(result.summary())

# %% [markdown]
# ## Generating continuations
#
# Generation uses the same stateful sampler as `char_lstm_generator`: a one-step copy of the
# trained network reads the prompt word by word to prime the SimpleRNN's state, then draws one
# word at a time, feeding each back in, without re-reading the prompt (see
# `rnn_cookbook/generation.py`). The padding id is never drawn. The sampler is built once and
# reused by every call below.
#
# The prompt is the first two words of the training text. First, the model's next-word
# probabilities after it:

# %%
sampler = generation.Sampler(result.model, forbidden=generation.forbidden_ids(vocabulary))
prompt = vocabulary.decode(data.train_ids[:2])
probabilities = softmax(sampler.next_logits(vocabulary.encode_text(prompt)))
print(f"after {prompt!r}:")
for i in np.argsort(probabilities)[::-1][:5]:
    print(f"  {vocabulary.tokens[i]!r:10} {probabilities[i]:.3f}")

# %% [markdown]
# Three continuations at each of three temperatures. The sampler draws from `softmax(logits / T)`:
# temperature 0 always takes the most likely word, 1 samples the model's own distribution, and
# higher values flatten it so that unlikely words come up more often. The same `seed` gives the
# same text. On the toy sentence, nothing ever followed "dog" in training, so past that word the
# model is guessing from a state it has never been trained on.

# %%
for temperature in (0.0, 1.0, 2.0):
    samples = generation.generate(
        result.model, vocabulary, prompt, length=cfg.sample_length, temperature=temperature,
        num_samples=3, seed=0, sampler=sampler,
    )
    print(f"temperature {temperature}:")
    for sample in samples:
        print(f"  {prompt} | {sample}")

# %% [markdown]
# `top_k=2` keeps only the two most likely words at each step before drawing, which cuts the
# unlikely ones even at a high temperature:

# %%
samples = generation.generate(
    result.model, vocabulary, prompt, length=cfg.sample_length, temperature=2.0, top_k=2,
    num_samples=3, seed=0, sampler=sampler,
)
for sample in samples:
    print(f"  {prompt} | {sample}")

# %% [markdown]
# A new prompt can hold words the model never saw: they are read as `[UNK]`, and
# `vocabulary.unknown` names them.

# %%
new_prompt = "the quick red fox"
print("read as [UNK]:", vocabulary.unknown(new_prompt))
samples = generation.generate(
    result.model, vocabulary, new_prompt, length=cfg.sample_length, temperature=0.0, sampler=sampler
)
print(f"  {new_prompt} | {samples[0]}")

# %% [markdown]
# ## Where to go next
#
# - A real text: `DATA = "path/to/book.txt"` and `EPOCHS = 20` here, or
#   `rnn-cookbook run word_generator --set data=path/to/book.txt --set epochs=20`.
# - Generate from the saved run in a new process:
#   `rnn-cookbook generate <run folder> --prompt "the quick" --length 8 --temperature 0`, or
#   `rnn_cookbook.generation.sampling.GeneratorRun(result.run.path).generate("the quick", length=8)`.
# - The same idea one character at a time, with an LSTM: `notebooks/char_lstm_generator.ipynb`.
# - Search sizes and learning rates: `notebooks/grid_search.ipynb`
#   (`rnn-cookbook search word_generator`).
