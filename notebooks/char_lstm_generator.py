# %% [markdown]
# # Generating text one character at a time with an LSTM
#
# *Recipe `char_lstm_generator`, from the text-generation example of the rnn-deep-dive tutorial (its section 4,
# "具体代码实例和详细解释说明": concrete code examples).*
#
# A character-level language model reads text one character at a time. Its LSTM carries a state
# from character to character, so at every position the state summarises what came before: which
# word it is in the middle of, whether a line has just started, whether a speaker's name is being
# written. A Dense layer turns that state into a probability for every possible next character.
# Sampling from those probabilities, feeding the chosen character back in and repeating writes new
# text.
#
# The recipe keeps the rnn-deep-dive tutorial's sizes (a 256-dimensional embedding, `LSTM(256)`, a softmax over the
# characters, Adam, batch 128) but trains them the way they work: the seed fed one character per
# sample, which leaves the LSTM nothing to remember; here the model reads sequences of 100
# characters and predicts the next character at every position. Generation carries the LSTM's
# state instead of re-reading the whole text for each new character, as the tutorial did.
#
# The default data is Shakespeare (1.1 MB, the text of TensorFlow's text-generation tutorial),
# downloaded once into the Keras cache; without a network, set `DATA` to a local text file, such as
# a copy of tiny Shakespeare's `input.txt`.
#
# **Full mode takes 20 to 30 minutes on a 2-core CPU**, well over 15 minutes: the benchmark runs on
# tiny Shakespeare trained for 47 to 48 epochs in 1,059 to 1,774 s (`benchmarks/README.md`).
# `QUICK = True` trains a tiny model on the rnn-practice tutorial's one sentence for three epochs and takes about
# half a minute; it shows every step, but the model learns almost nothing in that time.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs (early stopping ends training sooner)
DATA = None  # None: the config's own data (Shakespeare, downloaded; quick mode: the rnn-practice tutorial's sentence); or a text file or folder
OUTPUT = None  # run folder for the trained model; None: runs/char_lstm_generator/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the rnn-deep-dive tutorial's settings plus the recipe's own (100-character sequences, dropout 0.35
# on the LSTM's outputs, Adam at 2e-3, the learning rate cut by 5 after two flat epochs, early
# stopping after four) and checks every value; `Config.quick()` is the small variant.

# %%
# %matplotlib inline
import numpy as np
from scipy.special import softmax

from rnn_cookbook.recipes import char_lstm_generator as recipe  # first: it loads TensorFlow without its start-up log
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
# `load_data` reads the corpus, takes every distinct character as the vocabulary (there is no
# unknown-character token), and turns the text into character ids. The split is by position: the
# last 10% of the text validates, and the model never trains on it. The rnn-practice tutorial's sentence is too
# short to split, so it validates on its own training text, and its note says so.

# %%
data = recipe.load_data(cfg)
vocabulary = data.vocabulary
for note in data.corpus.notes:
    print("note:", note)
print(f"{len(vocabulary)} characters in the vocabulary: {''.join(vocabulary.tokens)!r}")
print(f"{len(data.train_ids):,} training characters, {len(data.validation_ids):,} validation characters")

# %% [markdown]
# How often each character occurs in the training text. This histogram *is* the unigram
# baseline of the evaluation below: a model that knows nothing but these frequencies.

# %%
def shown(character):
    """A character as a plot label: a space as ␣, a line break as ↵."""
    return {" ": "␣", "\n": "↵"}.get(character, character)


counts = np.bincount(data.train_ids, minlength=len(vocabulary))
top = np.argsort(counts)[::-1][:30]
figure, (axis,) = plots.new_figure(9.0, 3.5)
axis.bar(range(len(top)), counts[top] / counts.sum())
axis.set_xticks(range(len(top)), [shown(vocabulary.tokens[i]) for i in top])
axis.set(
    title=f"{data.corpus.label}: the {len(top)} most frequent characters of the training text",
    xlabel="character (␣ is a space, ↵ a line break)",
    ylabel="share of the training text",
)
figure

# %% [markdown]
# `recipe.datasets` cuts the stream of ids into sequences of `sequence_length` characters, each
# with a target that is the same text shifted by one character: at every position the model
# predicts the next character, so one sequence holds `sequence_length` training examples. Every
# epoch starts the cut at a new random offset and shuffles the sequences. Three sequences from the
# first training batch, decoded:

# %%
train_batches, validation_batches = recipe.datasets(data, cfg)
inputs, targets = next(iter(train_batches))
print(f"one batch: inputs {tuple(inputs.shape)}, targets {tuple(targets.shape)} (sequences x characters)\n")
for row in range(3):
    print("input: ", repr(vocabulary.decode(inputs[row].numpy())))
    print("target:", repr(vocabulary.decode(targets[row].numpy())))
    print()

# %% [markdown]
# ## The model
#
# `build_model` stacks an `Embedding` (a learned vector for each character), the LSTM with
# `return_sequences=True` (a state, and so a prediction, at every position), dropout on the LSTM's
# outputs, and a Dense softmax over the vocabulary. Its input length is left open: training reads
# 100 characters at a time, generation will read one.

# %%
model = recipe.build_model(cfg, len(vocabulary))
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh and fits it with the shared callback presets (early
# stopping on the validation loss with the best weights restored, the learning rate x0.2 after two
# flat epochs). After every epoch it prints a short sample, written from the opening of the training
# text at temperature 0.8, so you can watch the model learn to spell; in quick mode, three epochs
# are far too few for that, and the samples stay noise. Then it scores the model on the validation
# text beside the baselines and saves everything into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")

# %%
plots.loss_curves(result.history, title="char_lstm_generator: cross-entropy per character and epoch (nats)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# The loss is the cross-entropy of the next character: on average, how many nats of surprise each
# character of the validation text brings, `-ln p(the actual character)`. The same figure in bits
# per character is `loss / ln 2`, and the perplexity `e^loss` reads as "as unsure as a uniform
# choice among that many characters". The model reads the validation text in 16 long streams with
# its state carried along, as it does when generating (`recipe.stream_loss`).
#
# Two n-gram models are counted on the training text and scored on the same characters: the
# *unigram* model (the character frequencies above) and a *5-gram* model (the next character from
# the four before it, Witten-Bell interpolation). The LSTM is worth its training time only if it
# beats the 5-gram. On tiny Shakespeare the benchmark runs with these defaults reached 1.474 to
# 1.484 nats per character over four seeds, against 1.669 for the 5-gram and 3.347 for the unigram
# model.
#
# In quick mode the toy sentence validates on its own training text: the 5-gram model has memorised
# it and the three-epoch LSTM is still close to a uniform guess (`ln 29 ≈ 3.37` nats), so those
# figures say nothing.

# %%
print(result.summary())

# %% [markdown]
# ## Generating text
#
# `rnn_cookbook.generation` does not feed the whole text back into the model for every new
# character, as the rnn-deep-dive tutorial does (each step then costs as much as all the steps before it). Instead:
#
# 1. `one_step_model` rebuilds the trained network as a model that reads *one* character and the
#    LSTM's state, and returns the logits of the next character and the new state. It is built from
#    the trained layers' configs and weights, so it computes exactly what the full model computes
#    over the same prefix, at the cost of one step.
# 2. `Sampler` runs the prompt through it to prime the state, then samples characters one at a time
#    in a single compiled `tf.function` loop, each new character costing one LSTM step. It writes
#    about 14,000 characters a second on the 2-core CPU, against 21 for the rnn-deep-dive tutorial's loop
#    (`benchmarks/README.md`).
#
# A `Sampler` is built once and passed to every `generate` call below, so its loop is compiled once.
# The one-step model's inputs and outputs:

# %%
sampler = generation.Sampler(result.model, forbidden=generation.forbidden_ids(vocabulary))
print("inputs: ", [f"{t.name} {tuple(t.shape)}" for t in sampler.step.inputs])
print("outputs:", [tuple(t.shape) for t in sampler.step.outputs], "(next-character logits, then the new h and c)")

# %% [markdown]
# The prompt is `"ROMEO:"` where the text has those characters (Shakespeare does), otherwise the
# opening of the training text. The one-step model, fed the prompt character by character, gives
# the same next-character probabilities as the full model reading the whole prompt at once:

# %%
prompt = "ROMEO:" if not vocabulary.unknown("ROMEO:") else data.corpus.train_text[:10]
prompt_ids = vocabulary.encode_text(prompt)
one_step = softmax(sampler.next_logits(prompt_ids))
full = result.model.predict(np.array([prompt_ids]), verbose=0)[0, -1]
print(f"prompt {prompt!r}: largest difference between the two distributions {np.abs(one_step - full).max():.1e}")

# %% [markdown]
# ### Temperature and top-k
#
# The model gives logits `z` for the next character; the sampler draws from `softmax(z / T)`.
# The temperature `T` reshapes the distribution without changing the order of the characters:
#
# - `T = 1` samples the model's own distribution;
# - `T < 1` sharpens it: likely characters take more of the probability, the text is safer and
#   more repetitive;
# - `T > 1` flattens it: rare characters come up more often, with more invented words and typos;
# - `T = 0` always takes the most likely character (the rnn-deep-dive tutorial's `argmax`), which soon loops.
#
# `top_k=k` keeps only the k most likely characters before drawing: it cuts off the long tail of
# unlikely characters, where most typos come from, while still sampling among the plausible ones.
# The distribution of the character after the prompt at three temperatures (in quick mode the
# model is still close to uniform, so the bars are nearly flat):

# %%
temperatures = (0.5, 1.0, 1.5)
logits = sampler.next_logits(prompt_ids)
top = np.argsort(logits)[::-1][:15]
figure, (axis,) = plots.new_figure(9.0, 3.5)
width = 0.8 / len(temperatures)
for i, temperature in enumerate(temperatures):
    probabilities = softmax(logits / temperature)
    axis.bar(np.arange(len(top)) + (i - 1) * width, probabilities[top], width, label=f"T = {temperature}")
axis.set_xticks(range(len(top)), [shown(vocabulary.tokens[i]) for i in top])
axis.set(
    title=f"Next character after {prompt!r}: the 15 most likely, at three temperatures",
    xlabel="next character (␣ is a space, ↵ a line break)",
    ylabel="probability",
)
axis.legend()
figure

# %% [markdown]
# Three samples at each temperature. `generate` returns the continuation only; the samples of one
# call are generated together as a batch, and the same `seed` always gives the same text.

# %%
length = cfg.sample_length
for temperature in (0.0, 0.5, 1.0):
    samples = generation.generate(
        result.model, vocabulary, prompt, length=length, temperature=temperature, num_samples=3, seed=0, sampler=sampler
    )
    print(f"===== temperature {temperature} =====")
    for sample in samples:
        print(prompt + sample)
        print("-----")

# %% [markdown]
# At temperature 1, the three samples again, keeping only the 5 most likely characters at each
# step (`top_k=5`):

# %%
samples = generation.generate(
    result.model, vocabulary, prompt, length=length, temperature=1.0, top_k=5, num_samples=3, seed=0, sampler=sampler
)
for sample in samples:
    print(prompt + sample)
    print("-----")

# %% [markdown]
# ## Where to go next
#
# - Your own text: `DATA = "path/to/book.txt"` here, or
#   `rnn-cookbook run char_lstm_generator --set data=path/to/book.txt` on the command line.
# - Generate from the saved run in a new process:
#   `rnn-cookbook generate <run folder> --prompt "ROMEO:" --temperature 0.8 --top-k 20 --num-samples 3`,
#   or in Python `rnn_cookbook.generation.sampling.GeneratorRun(result.run.path).generate("ROMEO:", length=400)`.
# - A word-level model of the same kind: `notebooks/word_generator.ipynb`; the recurrence written
#   out in NumPy, with its backward pass: `notebooks/numpy_rnn_scratch.ipynb`.
# - Search sizes and learning rates: `notebooks/grid_search.ipynb`
#   (`rnn-cookbook search char_lstm_generator`).
