# %% [markdown]
# # A recurrent network from scratch in NumPy, with backpropagation through time
#
# *Recipe `numpy_rnn_scratch`, from the RNN equations and NumPy code of the rnn-practice tutorial ("RNN实战:从入门到上手")
# and the NumPy `RNN` class that the rnn-deep-dive tutorial opens with.*
#
# Before Keras, the recurrence itself: a hidden state that is updated from the previous state and
# the current input, one step at a time, and read out into a prediction at every step. The rnn-practice tutorial
# writes its equations and a NumPy forward and backward pass; the rnn-deep-dive tutorial writes a NumPy class. Neither
# learns anything: the rnn-practice tutorial's backward pass covers a single time step (so no gradient ever flows
# back through the recurrent weights to earlier steps), scores a softmax with mean squared error and
# returns no gradient for the output bias; the rnn-deep-dive tutorial's class has no softmax and no backward pass.
#
# This recipe is the working version, in the spirit of Andrej Karpathy's `min-char-rnn.py` and with
# its settings: a character-level model with 100 hidden units, trained on chunks of 25 characters
# with backpropagation through time, gradients clipped to [-5, 5], Adagrad at a learning rate of
# 0.1. The model, `rnn_cookbook/numpy_rnn.py`, imports NumPy only. This notebook writes out its
# equations, checks its gradients against finite differences, trains it and samples from it.
#
# The default data is the rnn-practice tutorial's sentence, "The quick brown fox jumps over the lazy dog.", which
# the model learns by heart. Full mode (min-char-rnn's settings, 100 epochs over the sentence)
# takes under half a minute on a 2-core CPU: about 10 s for the gradient check, under 2 s for
# training, the rest starting up. `QUICK = True` (32 hidden units, 30 epochs) takes about 20 s.
# With `DATA` set to tiny Shakespeare (1 MB), one epoch takes about 40 s.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs (passes over the text)
DATA = None  # None: the config's own data (the rnn-practice tutorial's sentence); or a UTF-8 text file or folder of *.txt
OUTPUT = None  # run folder for the trained model; None: runs/numpy_rnn_scratch/<timestamp>

# %% [markdown]
# ## The model in equations
#
# The text is a sequence of character ids $x_1, \dots, x_T$; each is read as a one-hot vector, so
# $W_{xh} x_t$ is simply column $x_t$ of $W_{xh}$. The target at step $t$ is the next character,
# $y_t = x_{t+1}$. Forward, from a given state $h_0$:
#
# $$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$$
# $$p_t = \mathrm{softmax}(W_{hy} h_t + b_y)$$
# $$L = -\sum_{t=1}^{T} \log p_t[y_t]$$
#
# $h_t$ is the hidden state: the only thing carried from one step to the next, so everything the
# model knows about the characters before step $t$ has to fit in it. $p_t$ is the predicted
# distribution of the next character, and the loss is the cross-entropy summed over the $T$ steps
# (in nats; divided by $T$ it is the figure Keras reports).
#
# **Backpropagation through time** runs the chain rule backwards over the whole chunk, last step
# first. With $dy_t = p_t - \mathrm{onehot}(y_t)$, the gradient of softmax and cross-entropy with
# respect to the logits:
#
# $$dh_t = W_{hy}^\top dy_t + W_{hh}^\top da_{t+1} \qquad da_t = (1 - h_t^2) \odot dh_t$$
# $$dW_{hy} = \sum_t dy_t\, h_t^\top \quad db_y = \sum_t dy_t \quad dW_{hh} = \sum_t da_t\, h_{t-1}^\top \quad dW_{xh} = \sum_t da_t\, x_t^\top \quad db_h = \sum_t da_t$$
#
# The term $W_{hh}^\top da_{t+1}$ is what makes it *through time*: the state $h_t$ is asked for its
# share of every later step's error, not only its own step's. It is exactly what the rnn-practice tutorial's
# one-step backward pass leaves out. After the loop, $W_{hh}^\top da_1$ is the gradient with respect
# to $h_0$.
#
# **Training** reads the text in consecutive chunks of `seq_length` characters, one update per
# chunk, and carries the hidden state from one chunk to the next while the gradient stops at the
# chunk's start (*truncated* BPTT). Each gradient entry is clipped to [-5, 5], because a product of
# many $W_{hh}$ can blow a gradient up; Adagrad divides each parameter's step by the root of its
# summed squared gradients, so rarely seen characters still get sizeable updates.

# %% [markdown]
# ## The configuration
#
# `Config()` holds min-char-rnn's settings and checks every value; `Config.quick()` is the small
# variant. This recipe is not a Keras model: `batch_size` stays 1 (one chunk per update), and the
# optimizer is `adagrad` or `sgd`, both written in NumPy.

# %%
# %matplotlib inline
import numpy as np

from rnn_cookbook.recipes import numpy_rnn_scratch as recipe  # first: it loads TensorFlow without its start-up log
from rnn_cookbook.core import plots
from rnn_cookbook.numpy_rnn import PARAMETER_NAMES, numerical_gradients

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if DATA is not None:
    cfg = cfg.replace(data=DATA)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` reads the corpus and takes every distinct character as the vocabulary. On a real text
# the last 10% validates; the rnn-practice tutorial's sentence is too short to split and validates on its own
# training text (its note says so). A training chunk and its targets, the same characters shifted
# by one:

# %%
data = recipe.load_data(cfg)
vocabulary = data.vocabulary
for note in data.corpus.notes:
    print("note:", note)
print(f"{len(vocabulary)} characters in the vocabulary: {''.join(vocabulary.tokens)!r}")
updates = -(-(len(data.train_ids) - 1) // cfg.seq_length)
print(f"{len(data.train_ids):,} training characters: {updates:,} chunks of up to {cfg.seq_length}, one update each per epoch\n")
chunk_inputs, chunk_targets = data.train_ids[: cfg.seq_length], data.train_ids[1 : cfg.seq_length + 1]
print("inputs: ", repr(vocabulary.decode(chunk_inputs)))
print("targets:", repr(vocabulary.decode(chunk_targets)))

# %% [markdown]
# ## The model
#
# `build_model` returns a `NumpyRNN`, not a Keras model, so there is no `model.summary()`: the
# model is its five parameter arrays, weights drawn from N(0, 0.01²) and biases at zero, as in
# min-char-rnn. Their shapes, with V characters and H hidden units:

# %%
model = recipe.build_model(cfg, len(vocabulary))
print(model)
for name in PARAMETER_NAMES:
    array = model.params[name]
    print(f"  {name:5} {str(array.shape):11} {array.size:7,} numbers")
print(f"  total {sum(array.size for array in model.params.values()):,} parameters")

# %% [markdown]
# ## Checking the gradients
#
# A backward pass written by hand has to be checked before it is trusted. The check needs nothing
# but the forward pass: nudge one parameter entry by ±ε, run `forward` twice, and the slope
# `(L(θ+ε) - L(θ-ε)) / 2ε` is that entry's gradient, up to an error of order ε². The notebook
# compares it with what `loss_and_gradients` (forward, then `backward`) returns, for every entry of
# every parameter and of $h_0$, on the first training chunk.
#
# The check uses a model with larger weights (`init_scale=0.1`), so tanh really bends, and a
# random $h_0$: its gradient reaches the loss only through $W_{hh}$, step after step, so it checks
# the whole path back through time. The relative error `‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖)`
# should be around 1e-7 or below in float64; a wrong backward pass gives something near 1.

# %%
check = recipe.build_model(cfg.replace(init_scale=0.1), len(vocabulary))
h0 = np.random.default_rng(0).normal(0.0, 0.5, check.hidden_size)
loss, grads, dh0, _ = check.loss_and_gradients(chunk_inputs, chunk_targets, h0)
analytic = {**grads, "h0": dh0}
numeric = numerical_gradients(check, chunk_inputs, chunk_targets, h0)
print(f"loss of the chunk: {loss:.4f} nats (summed over {len(chunk_inputs)} steps)")
for name in (*PARAMETER_NAMES, "h0"):
    difference = np.linalg.norm(analytic[name] - numeric[name]) / (np.linalg.norm(analytic[name]) + np.linalg.norm(numeric[name]))
    print(f"  {name:5} {numeric[name].size:6,} entries   relative error {difference:.1e}")

# %% [markdown]
# ## Training
#
# `train` builds the model afresh and runs epochs of truncated BPTT: one pass over the training
# text per epoch, one Adagrad update per chunk. Every `print_every` updates it prints the recent
# loss and a sample drawn at temperature 1 from the first character of the text, so you can watch
# the sentence emerge. After each epoch it measures the validation loss and keeps the best
# parameters (early stopping after `patience` flat epochs, as in the Keras recipes); at the end it
# scores the model beside the baselines and writes `model.npz`, the history and the metrics into a
# run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=1)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.2f} s; run folder: {result.run.path}")

# %% [markdown]
# The training loss of an epoch is the mean over its chunks while the parameters were still being
# updated; the validation loss is measured after the epoch, on the whole validation text with the
# state carried along.

# %%
plots.loss_curves(result.history, title="numpy_rnn_scratch: cross-entropy per character and epoch (nats)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# The validation loss in nats per character, in bits per character (`loss / ln 2`) and as a
# perplexity (`e^loss`, "as unsure as a uniform choice among that many characters"), beside a
# unigram model (character frequencies) and a 5-gram model (the next character from the four
# before it) counted on the training text. On the rnn-practice tutorial's sentence, which validates on its own
# training text, the figures only show how well the sentence was memorised: the 5-gram model knows
# it almost by heart. On a real text the RNN has to beat the 5-gram to be worth anything.

# %%
print(result.summary())

# %% [markdown]
# ## Sampling
#
# `NumpyRNN.sample` reads a prompt to set the hidden state, then draws one character at a time
# from `softmax(logits / temperature)` and feeds it back in. Temperature 0 always takes the most
# likely character; 1 samples the model's own distribution; values in between are safer than 1
# and less repetitive than 0. The same `rng` seed gives the same text.

# %%
prompt = data.train_ids[:1].tolist()
for temperature in (0.0, 0.5, 1.0):
    sample = result.model.sample(prompt, cfg.sample_length, temperature=temperature, rng=0)
    print(f"temperature {temperature}: {vocabulary.decode(prompt + sample)!r}")

# %% [markdown]
# ## What the hidden state does
#
# The trained model's hidden state $h_t$ after each character of the opening of the text (at most
# 32 hidden units shown). Each column is everything the model carries forward at that point, and
# it must be enough to predict the next character: in the rnn-practice tutorial's sentence, the state after "the "
# has to tell the first "the" (followed by "quick") from the second (followed by "lazy"), which
# the last character alone cannot.

# %%
opening = data.train_ids[:60]
hidden = result.model.forward(opening).hidden[:, :32]
figure, (axis,) = plots.new_figure(10.0, 4.0)
image = axis.imshow(hidden.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
axis.set_xticks(range(len(opening)), [{" ": "␣", "\n": "↵"}.get(c, c) for c in vocabulary.decode(opening)])
axis.set(
    title="Hidden state h_t after each input character",
    xlabel="input character (␣ is a space, ↵ a line break)",
    ylabel="hidden unit",
)
figure.colorbar(image, ax=axis, label="h_t (tanh: -1 to 1)")
figure

# %% [markdown]
# ## Where to go next
#
# - A real text: `DATA = "path/to/book.txt"` here (an epoch of tiny Shakespeare takes about 40 s),
#   or `rnn-cookbook run numpy_rnn_scratch --set data=shakespeare --epochs 2`.
# - Reload the trained parameters: `rnn_cookbook.numpy_rnn.NumpyRNN.load(result.run.file("model.npz"))`.
# - The same numbers in Keras' layout (`SimpleRNN` on one-hot inputs, then `Dense`):
#   `result.model.keras_weights()`; `tests/test_numpy_rnn.py` checks that Keras then computes the
#   same probabilities.
# - The Keras version of a character model, with an LSTM, batches and a compiled sampler:
#   `notebooks/char_lstm_generator.ipynb`.
