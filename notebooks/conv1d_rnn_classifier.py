# %% [markdown]
# # Text classification with a convolution in front of a recurrent network
#
# *Recipe `conv1d_rnn_classifier`, from the "CNN + RNN" model of the rnn-practice tutorial ("RNN实战:从入门到上手"),
# trained on the texts and settings of the ithome-rnn tutorial ("RNN(循環神經網路)", iThome 2023, day 10).*
#
# The two halves of the model read a text in different ways:
#
# - **The convolution finds local features.** `Conv1D(64, 3)` slides over the text three words at a
#   time and learns 64 detectors of short phrases, n-grams such as "not very good" or "a must see",
#   wherever they occur. `MaxPooling1D(2)` keeps the stronger of each two neighbouring detections,
#   which halves the sequence: 200 words become 198 three-word windows, then 99 feature vectors.
# - **The recurrent layers read those features in order.** `SimpleRNN(100)` then `SimpleRNN(50)`
#   carry a state from one feature vector to the next, so the model can tell "good, but the ending
#   is awful" from "awful start, but good" (the same phrases, in another order), and the shorter
#   sequence leaves them fewer steps to remember across.
#
# The tutorial builds this model (`Conv1D(64, 3, relu)` → `MaxPooling1D(2)` → `SimpleRNN(100,
# return_sequences=True)` → `SimpleRNN(50)` → `Dense(1, sigmoid)`) but never trains it, and feeds it
# one number per step. Here it reads words through an `Embedding` and trains on the ithome-rnn tutorial's data and
# settings, like `sentiment_rnn`: the 10,000 most frequent words, texts cut or padded to 200 ids,
# Adam, 10 epochs of batch 128, early stopping after 3 epochs. Two additions: the learning rate is
# cut by 5 after 2 epochs without progress (the `ReduceLROnPlateau(factor=0.2)` of the rnn-practice tutorial's
# optimisation section), and the two SimpleRNNs start from recurrent weights at half Keras' usual
# scale. With the usual scale the stacked pair memorises the training texts and learns nothing that
# carries over (test accuracy 0.569 against 0.707 on the sentence-polarity data; the recipe's
# docstring explains why). The model is scored beside a **TF-IDF + logistic regression** baseline
# fitted on the same training texts.
#
# The default data is Keras' IMDB, downloaded once into the Keras cache. Without a network, set
# `DATA` to the unpacked `aclImdb` archive, a CSV of texts and labels, or a folder with one text
# file per class (one example per line, such as `rt-polarity.pos` and `rt-polarity.neg`).
#
# Full mode on IMDB has not been timed end to end (the benchmark machine cannot download it); an
# epoch over 20,000 reviews of 200 ids takes about 18 s on a 2-core CPU, so the 10 epochs take at
# most about 3 minutes, plus the download. On the sentence-polarity data (10,662 sentences)
# training takes about 13 s. `QUICK = True` trains a small version on the rnn-practice tutorial's four toy sentences
# in a few seconds: it shows every step working, but its accuracy and predictions mean nothing.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config on four toy sentences (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
DATA = None  # None: the config's own data (IMDB; the toy sentences when QUICK); else a path to labelled text
OUTPUT = None  # run folder for the trained model; None: runs/conv1d_rnn_classifier/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the rnn-practice tutorial's layer sizes on the ithome-rnn tutorial's data and training settings, and checks
# every value; `Config.quick()` is the small variant (the toy sentences, 20 ids per text, 8 filters
# and 8 units per layer, 3 epochs).

# %%
# %matplotlib inline
import numpy as np
import pandas as pd

import rnn_cookbook
from rnn_cookbook.recipes import conv1d_rnn_classifier as recipe  # first: it imports TensorFlow quietly
from rnn_cookbook.core import plots
from rnn_cookbook.text import classifier as text_classifier

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if DATA is not None:
    cfg = cfg.replace(data=str(DATA))
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` reads the texts and turns each into word ids: the vocabulary is learnt from the
# training texts only (Keras' IMDB comes with its own), id 0 is padding and unknown words share one
# id. Each text is cut or padded to `maxlen` ids, padding at the front: a convolution has no padding
# mask, so the text's last words stay next to the output. 20% of the training texts are held out
# for validation.

# %%
data = recipe.load_data(cfg)
encoded = data.encoded
for note in encoded.notes:
    print("note:", note)
print(f"data: {encoded.name}; classes: {', '.join(encoded.class_names)}; vocabulary: {data.vocabulary_size} words")
print("texts per split:", {name: len(getattr(data, name)[1]) for name in ("train", "validation", "test")})
print(f"padding: {data.padding}, to {data.maxlen} ids\n")

x_train, y_train = data.train
rows = [row for label in (0, 1) for row in np.flatnonzero(y_train == label)[:2]]  # two texts of each class
for row in rows:
    words = encoded.vocabulary.decode(x_train[row])
    shown = words if len(words) <= 160 else "..." + words[-157:]
    print(f"[{encoded.class_names[y_train[row]]}] {shown}")

# %% [markdown]
# What the convolution sees: with `kernel_size` 3, each position of its output looks at three
# neighbouring words. The first windows of the first text above, padding left out:

# %%
words = encoded.vocabulary.decode(x_train[rows[0]]).split()
windows = [" ".join(words[i : i + cfg.kernel_size]) for i in range(len(words) - cfg.kernel_size + 1)]
print(f"{len(windows)} windows of {cfg.kernel_size} words, e.g.:", windows[:6])

lengths = np.array([len(ids) for ids in encoded.train_ids])
figure, (axis,) = plots.new_figure(7.0, 3.5)
axis.hist(lengths, bins=min(50, len(np.unique(lengths))), color="tab:blue", label="training texts")
axis.axvline(cfg.maxlen, color="tab:red", linestyle="--", label=f"maxlen = {cfg.maxlen}")
axis.set(title=f"{encoded.name}: length of the training texts ({np.mean(lengths > cfg.maxlen):.0%} are cut)",
         xlabel="word ids per text", ylabel="texts")
axis.legend()
figure

# %% [markdown]
# ## The model
#
# `build_model` stacks the embedding, the convolution (`ngrams`), the pooling, the two SimpleRNNs
# and one sigmoid unit, compiled as the ithome-rnn tutorial does (Adam, binary cross-entropy, accuracy). The
# output shapes show the sequence shrinking: `maxlen` words, `maxlen - 2` three-word windows after
# the convolution, half as many after the pooling; the second SimpleRNN returns only its final
# state.

# %%
model = recipe.build_model(cfg, data.vocabulary_size)
model.summary()

# %% [markdown]
# ## Training
#
# `train` loads the data, builds the same model afresh and fits it with the shared callback presets:
# early stopping on the validation loss (best weights restored) and the learning rate x0.2 after 2
# epochs without a better validation loss. It then scores the model on the test texts beside the
# baseline and saves the model, its vocabulary and its metrics into a run folder. When the learning
# rate drops, the plot shows it on a second axis.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="conv1d_rnn_classifier: binary cross-entropy per epoch")

# %% [markdown]
# ## Evaluation beside the bag-of-words models
#
# Accuracy and binary cross-entropy on the test texts. *tfidf_logreg* is scikit-learn's logistic
# regression on TF-IDF word and bigram weights and *nbsvm* Wang & Manning's NBSVM, both fitted on
# the same training texts, their regularisation chosen on the validation texts; *combined* mixes
# the network with the better of them, its weight chosen on the validation texts (the
# `sentiment_rnn` notebook shows it in detail). On one 90/10 split of the sentence-polarity data
# this hybrid reached 0.707 ± 0.038 over three seeds, above the tutorial's plain SimpleRNN (0.678) but
# below the baseline as it was then (0.736, with its regularisation fixed) and a bidirectional LSTM
# (0.757; `benchmarks/README.md`).

# %%
print(result.summary())

# %% [markdown]
# ## The confusion matrix
#
# The text recipes share their evaluation, `text_classifier.TextScorer`: it fits the bag-of-words
# models, scores the trained model beside them and draws the test texts' true class against the predicted one (threshold 0.5), with the
# counts and the share of each true class.

# %%
evaluation = text_classifier.TextScorer(data, cfg).evaluate(result.model)
evaluation.figures["confusion_matrix.png"]

# %% [markdown]
# ## Predictions on new sentences
#
# The run folder holds everything a new process needs: `model.keras` and `vocabulary.json` (the
# words, the padded length and side, the class names). `rnn_cookbook.predict_texts` loads both, as a
# user would later, turns each new sentence into the same ids and returns the probability of the
# second class ("positive"). Words the model never saw in training are read as the unknown word.
# (In quick mode the model has seen four sentences, so its probabilities stay near 0.5.)

# %%
sentences = [
    "I love this movie.",
    "This is terrible.",
    "Not very good, but the ending is wonderful.",
    "A wonderful cast, but the story is not very good.",
    "A must see.",
    "I expected a lot more from this director.",
]
positive = rnn_cookbook.predict_texts(result.run.path, sentences)
negative_name, positive_name = encoded.class_names
pd.DataFrame({
    "sentence": sentences,
    f"P({positive_name})": positive.round(3),
    "verdict": [positive_name if p >= 0.5 else negative_name for p in positive],
    "unknown words": [", ".join(encoded.vocabulary.unknown(s)) for s in sentences],
})

# %% [markdown]
# ## Where to go next
#
# - Wider phrases or no pooling: `cfg.replace(kernel_size=5)`, `cfg.replace(pool_size=1)`; on the
#   command line `rnn-cookbook run conv1d_rnn_classifier --set kernel_size=5`.
# - The usual recurrent scale, to see the memorising for yourself: `cfg.replace(recurrent_gain=1.0)`.
# - Your own data: `cfg.replace(data="path/to/aclImdb")`, a CSV (`text_column`, `label_column`) or a
#   folder with one file per class.
# - Predict from the shell: `rnn-cookbook predict RUN_DIR "some review"`.
# - The recurrent layer alone, and the gated cells: `notebooks/sentiment_rnn.ipynb`.
# - Search the settings: `rnn-cookbook search conv1d_rnn_classifier --grid filters=32,64`, and
#   `notebooks/grid_search.ipynb` for how a search works.
