# %% [markdown]
# # Tagging every step of a sequence with a stacked LSTM
#
# *Recipe `stacked_lstm_tagger`, from the Keras example of the rnn-anatomy tutorial ("RNN模型全解析").*
#
# The rnn-anatomy tutorial stacks `LSTM(64, return_sequences=True)` → `LSTM(32, return_sequences=True)` →
# `Dense(softmax)` and never says what data it is for. Because the second LSTM returns its whole
# sequence, the Dense layer is applied at every step: the model gives one class distribution *per
# step*. That makes it a sequence tagger, like a part-of-speech tagger, and this recipe gives it a
# task where tagging a step needs memory. (The tutorial also calls LSTM a 2014 invention; it is
# Hochreiter and Schmidhuber's, 1997.)
#
# The task is synthetic. A hidden *regime* (one of three) follows a sticky Markov chain: at each
# step it stays with probability 0.95, so runs last about 20 steps. Each step shows only a noisy
# observation, the regime's mean (-1, 0 or 1) plus Gaussian noise as wide as the gap between the
# means. The label of a step is the regime it is in. One observation is weak evidence; the run of
# observations before it is strong evidence, for a model that remembers it. The first LSTM reads
# the observations, the second reads the first one's states, and each step's softmax reads the
# second one's state at that step, which summarises everything seen so far.
#
# Because the process is known, the recipe also computes what is possible: the best rule that
# looks at one step alone, and the best any model reading only the past can do (the forward
# filter of the hidden Markov model). Full mode takes about a minute on a 2-core CPU (55 s in
# `benchmarks/README.md`); `QUICK = True` takes under half a minute.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
OUTPUT = None  # run folder for the trained model; None: runs/stacked_lstm_tagger/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the rnn-anatomy tutorial's model and training settings (LSTM 64 → LSTM 32, Adam, 10 epochs of
# batch 32) and the task's: 3 regimes, stay probability 0.95, noise 1.0, 2,000 training sequences of
# 100 steps. `Config.quick()` uses fewer, shorter sequences and a smaller stack.

# %%
# %matplotlib inline
import numpy as np

from rnn_cookbook.core import plots
from rnn_cookbook.recipes import stacked_lstm_tagger as recipe

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` samples the three splits from the hidden Markov model, each from its own random
# stream of the seed. The inputs have shape (sequences, steps, 1), one observation per step; the
# labels have shape (sequences, steps), one regime per step. Below is one training sequence: the
# dots are what the model sees, the line is the hidden regime it has to name.

# %%
data = recipe.load_data(cfg)
for note in data.notes:
    print("note:", note)
observations, labels = data.train
print("observations", observations.shape, "labels", labels.shape, "classes", data.class_names)

steps = np.arange(cfg.sequence_length)
figure, (axis,) = plots.new_figure(10.0, 3.8)
axis.plot(steps, observations[0, :, 0], ".", color="0.35", label="observation (what the model sees)")
axis.step(steps, data.task.means[labels[0]], where="mid", color="tab:red", linewidth=2,
          label="hidden regime's mean (what it must tag)")
axis.set(title="One training sequence: noisy observations of a hidden regime (synthetic)",
         xlabel="step", ylabel="observation")
axis.set_yticks(data.task.means, labels=[f"{name} ({mean:g})" for name, mean in zip(data.class_names, data.task.means, strict=True)])
axis.legend(loc="upper right", fontsize="small")
axis.grid(alpha=0.3)
figure

# %% [markdown]
# ## The model
#
# `build_model` is the rnn-anatomy tutorial's stack. Both LSTMs return sequences, so the output has one softmax
# over the regimes per step: shape (batch, steps, 3). The input takes sequences of any length.
# Beside it, `build_per_step_baseline` is the memoryless baseline the recipe trains on the same
# data: one Dense softmax applied to each step on its own, 6 weights, no way to see other steps.

# %%
model = recipe.build_model(cfg)
model.summary()
recipe.build_per_step_baseline(cfg).summary()

# %% [markdown]
# ## Training
#
# `train` builds the stack afresh and fits it with the shared callback presets (early stopping on
# the validation loss, best weights restored), with sparse categorical cross-entropy on one integer
# label per step. It then scores it on the test sequences beside the references and saves everything
# into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2 if QUICK else 0)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="stacked_lstm_tagger: cross-entropy per step")

# %% [markdown]
# ## Evaluation beside the baselines and the limits
#
# Accuracy and cross-entropy per step, on every step of the test sequences:
#
# - *majority_class* always says the most frequent training regime (about a third);
# - *per_step_dense* is the Dense layer applied to each step alone, trained on the same data;
# - *memoryless_bayes* is the best rule from one observation, computed from the true parameters:
#   the ceiling of any model that looks at one step at a time (about 0.59 with the defaults);
# - *forward_filter* is the hidden Markov model's forward algorithm with the true parameters: the
#   ceiling of any model that reads the past but not the future, as this one-directional stack
#   does (about 0.80).
#
# With the defaults the stack reaches about 0.80, the filter's figure, learned from examples alone,
# while the per-step Dense stops at the memoryless ceiling, 0.59. In quick mode the small stack,
# trained for seconds on shorter sequences, ends between the two.

# %%
print(result.summary())

# %% [markdown]
# ## A tagged test sequence
#
# `evaluate` returns the figures the run folder holds. The first shows a test sequence of typical
# accuracy: the observations over the true regime (background colour), then one colour strip per
# tagger, its accuracy on this sequence in its name. The per-step Dense flickers with every noisy
# observation; the stack and the filter switch far less often, only once the evidence for a change
# piles up, so both lag a few steps behind each change, which no model reading only the past can
# avoid.

# %%
evaluation = recipe.evaluate(result.model, data, cfg)
evaluation.figures["sequence.png"]

# %% [markdown]
# The stack's mistakes by regime, over every test step. Most confusions are between neighbouring
# regimes, whose observations overlap most: the middle regime, 0, is confused with both.

# %%
evaluation.figures["confusion.png"]

# %% [markdown]
# ## Why memory matters
#
# One observation drawn with noise as wide as the gap between the means says little about its
# regime: the best one-step rule is right 59% of the time, and the per-step Dense learns exactly
# that rule, no better. What separates the regimes is the *run* of observations: twenty draws
# around 1 are unmistakable, though any one of them could have come from 0. The LSTM state is that
# run, summarised. The plot below makes it visible: the share of test steps tagged right, by how
# long the regime had lasted at that step. Right after a change every causal tagger is still
# reporting the old regime, so for the first two steps memory even costs accuracy (the stack is
# below the memoryless rule); after that it pays, and the longer the regime lasts, the more
# evidence the state holds (in full mode, about 0.95 of the steps 15 or more into a regime are
# tagged right). The memoryless rule cannot use that evidence, so its line stays flat.

# %%
test_observations, test_labels = data.test
tags = {
    "stacked LSTM": result.model.predict(test_observations, batch_size=cfg.batch_size, verbose=0).argmax(-1),
    "forward filter (best causal)": data.task.filter_posterior(test_observations).argmax(-1),
    "memoryless rule (best one-step)": data.task.memoryless_posterior(test_observations).argmax(-1),
}
since_change = np.zeros_like(test_labels)
for step in range(1, test_labels.shape[1]):
    same = test_labels[:, step] == test_labels[:, step - 1]
    since_change[:, step] = np.where(same, since_change[:, step - 1] + 1, 0)

horizon = [k for k in range(30) if np.sum(since_change == k) >= 20]  # regime ages with enough steps to average
figure, (axis,) = plots.new_figure(8.0, 4.0)
for name, tagged in tags.items():
    right = tagged == test_labels
    axis.plot(horizon, [right[since_change == k].mean() for k in horizon], "o-", markersize=3, label=name)
axis.set(title="Share of test steps tagged right, by how long the regime has lasted",
         xlabel="steps since the regime last changed (or the sequence began)", ylabel="accuracy", ylim=(0, 1))
axis.legend(loc="lower right")
axis.grid(alpha=0.3)
figure

# %% [markdown]
# ## Where to go next
#
# - Make memory matter more or less: `cfg.replace(stay_probability=0.98, noise=1.5)`, or on the
#   command line `rnn-cookbook run stacked_lstm_tagger --set stay_probability=0.98 --set noise=1.5`;
#   the references move with the task, so the table still says what is possible.
# - More regimes: `cfg.replace(n_regimes=5)`.
# - Search the stack's sizes: `rnn-cookbook search stacked_lstm_tagger` (cross-validated on the
#   per-step loss), or `notebooks/grid_search.ipynb`.
# - Reload the trained model later: `rnn_cookbook.core.runs.RunFolder.open(result.run.path).load_model()`.
