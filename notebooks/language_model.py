# %% [markdown]
# # A word-level language model, pretrained once for every text classifier
#
# *Recipe `language_model`: the first stage of ULMFiT (Howard & Ruder 2018), the pretraining that
# the ithome-rnn tutorial's sentiment classifier lacks.*
#
# A language model reads a text one word at a time and, after each word, gives a probability to
# every word that could come next. To do that well it has to learn what words mean and how they
# combine, from text alone, without labels. A classifier that starts from its Embedding and LSTM
# (`sentiment_rnn --set encoder=RUN_DIR`) begins with that knowledge instead of learning it from a
# few thousand labelled examples; Dai & Le (2015) lift an LSTM on IMDB from 0.865 to 0.924 this way.
#
# The model: `Embedding(20000, 128)` → `LSTM(256)` → a *capped* head, a softmax over the 2,000 most
# frequent words plus one "rare word" class for all the others. The full softmax over 20,000 words
# would cost more than the LSTM itself on a CPU; the input side still reads every word. Training
# cuts the texts, end to end, into sequences of 70 words; each word's target is the next one.
#
# The default data is the rnn-practice tutorial's sentences, a toy that shows every step and means nothing. Set
# `DATA` to real unlabelled text: a text file (one text per line), a folder of files, a CSV column
# or a `.tar.gz` archive (with `INCLUDE` to keep some of its members). A language model of 75,000
# IMDB reviews (17 million words) takes hours on a 2-core CPU (`benchmarks/README.md`); the toy
# trains in seconds.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
DATA = None  # None: the config's own data (the rnn-practice tutorial's sentences); else text files, folders, CSVs or .tar.gz archives, joined by commas
INCLUDE = None  # folders and archives: keep only the files whose inner path matches, e.g. "*/train/*"
OUTPUT = None  # run folder for the trained model; None: runs/language_model/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the model's size and its training settings and checks every value;
# `Config.quick()` is a tiny model on short sequences, for a first look.

# %%
# %matplotlib inline
import numpy as np

from rnn_cookbook.recipes import language_model as recipe  # first: it loads TensorFlow without its start-up log
from rnn_cookbook.core import plots
from rnn_cookbook.generation.sampling import GeneratorRun

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if DATA is not None:
    cfg = cfg.replace(data=str(DATA), include=INCLUDE)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` reads every text, holds a random `validation_fraction` of them out, learns the
# vocabulary (the `num_words` most frequent words) from the rest, and turns both parts into one
# stream of word ids each. Ids are ordered by frequency, so the head's "rare word" class is every
# id from `output_words` on. How much of the text does the capped head predict word by word?

# %%
data = recipe.load_data(cfg)
for note in data.notes:
    print("note:", note)
vocabulary = data.vocabulary
covered = np.mean(data.train_stream < cfg.output_words)
print(f"the {cfg.output_words:,} most frequent words are {covered:.1%} of the training words; the rest are 'rare'")
print("the first words of the stream:", vocabulary.decode(data.train_stream[:25]))

# %% [markdown]
# ## The model
#
# `build_model` stacks the encoder (the part a classifier takes over: `embedding`, `lstm_1`, ...)
# and the head, and compiles it with cross-entropy from logits and gradients clipped to norm 1.

# %%
model = recipe.build_model(cfg, len(vocabulary))
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the model afresh and fits it with early stopping on the validation loss. On long
# runs it prints the words read per second and the time left every five minutes; the run folder
# keeps `model.keras`, `vocabulary.json` and the metrics, and `--resume` continues a killed run.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s "
      f"({result.metrics['samples_per_s']:,.0f} words/s); run folder: {result.run.path}")
plots.loss_curves(result.history, title="language_model: cross-entropy per word")

# %% [markdown]
# ## Perplexity beside word frequencies
#
# The validation loss is the mean cross-entropy per word in nats; its exponential, the perplexity,
# is how many equally likely words the model is choosing between on average. The unigram row knows
# only how frequent each word is. A language model that has learnt anything about word order is
# far below it.

# %%
print(result.summary())

# %% [markdown]
# ## Writing with it
#
# A language model run is also a generator: the same one-step sampler as the other generators,
# which never writes the "rare word" class or `[UNK]`. (The toy writes nonsense.)

# %%
generator = GeneratorRun(result.run.path)
for text in generator.generate("this movie", length=20, temperature=0.8, top_k=20, num_samples=3, seed=0):
    print("this movie", text)

# %% [markdown]
# ## Where to go next
#
# - Start a classifier from it: `rnn-cookbook run sentiment_rnn --set data=labelled.csv --set cell=lstm
#   --set pooling=mean --set encoder=RUN_DIR --set lm_finetune_epochs=1`
#   (`notebooks/sentiment_rnn.ipynb` shows the steps).
# - IMDB's 75,000 training and unlabelled reviews, straight from their archives:
#   `DATA = "aclImdb_labeled.tar.gz,aclImdb_unsup.tar.gz"`, `INCLUDE = "*/train/*"`.
# - Generate from the shell: `rnn-cookbook generate RUN_DIR --prompt "this movie" --top-k 40`.
