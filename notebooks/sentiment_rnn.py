# %% [markdown]
# # Sentiment of movie reviews with a recurrent network
#
# *Recipe `sentiment_rnn`, from the ithome-rnn tutorial ("RNN(循環神經網路)", iThome 2023, day 10), which trains a
# SimpleRNN on IMDB reviews.*
#
# A review is a sequence of words. The recurrent layer reads it one word at a time and carries a
# hidden state from word to word, so by the last word the state holds what the review said so far:
# "not", then "bad", then "at all". A Dense layer turns that final state into the probability that
# the review is positive. The words enter as ids, and an `Embedding` turns each id into a vector of
# 64 numbers learnt with the rest of the model.
#
# The defaults are the ithome-rnn tutorial's, unchanged: the 10,000 most frequent words, reviews cut or padded to
# 200 ids, `Embedding(10000, 64)` → `SimpleRNN(32, relu)` → `Dense(1, sigmoid)`, Adam, 10 epochs of
# batch 128, 20% of the training reviews held out for validation and early stopping after 3 epochs
# without a better validation loss. The recipe's `cell` option swaps the recurrent layer and keeps
# everything else: `simple_rnn` (the tutorial's), `lstm`, `gru` or `bilstm` (a bidirectional LSTM). An
# accuracy means little on its own, so the recipe also fits a **TF-IDF + logistic regression**
# baseline on the same training texts and scores both on the same test reviews.
#
# The default data is Keras' IMDB (25,000 training and 25,000 test reviews), downloaded once into
# the Keras cache. Without a network, set `DATA` to the unpacked `aclImdb` archive, a CSV of texts
# and labels, or a folder with one text file per class (one example per line, such as the
# sentence-polarity files `rt-polarity.pos` and `rt-polarity.neg`).
#
# What to expect on IMDB at full size, from `benchmarks/imdb.py` (the aclImdb archive, its own
# 25,000 / 25,000 split; 2-core CPU; `benchmarks/README.md` has the whole table):
#
# | model | test accuracy | train time |
# |---|---|---|
# | these defaults (the ithome-rnn tutorial's SimpleRNN) | 0.850 ± 0.004 (3 runs) | about 40 s |
# | `cell="lstm"`, 128 units, `pooling="max"`, `maxlen=400` | 0.855; 0.863 with `embedding_dropout=0.3`, `output_dropout=0.5` | about 8 min |
# | the same started from the IMDB language model (`encoder=...`, `pooling="mean"`) | 0.881 (1 run) | 22 min, after a 34-minute language model |
# | TF-IDF + logistic regression, the line every run prints | 0.902 | seconds |
#
# On the sentence-polarity data (10,662 sentences) training takes about 8 s. `QUICK = True`
# trains on the rnn-practice tutorial's four toy sentences in a few seconds: it shows every step working, but its
# accuracy and predictions mean nothing.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config on four toy sentences (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
DATA = None  # None: the config's own data (IMDB; the toy sentences when QUICK); else a path to labelled text
OUTPUT = None  # run folder for the trained model; None: runs/sentiment_rnn/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the ithome-rnn tutorial's settings and checks every value; `Config.quick()` is the small
# variant (the toy sentences, a 1,000-word vocabulary, 20 ids per text, 8 units, 3 epochs).

# %%
# %matplotlib inline
import numpy as np
import pandas as pd

import rnn_cookbook
from rnn_cookbook.recipes import sentiment_rnn as recipe  # first: it imports TensorFlow quietly
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
# id. Each text is then cut or padded to `maxlen` ids. A SimpleRNN has no padding mask and reads
# padding like words, so its texts are padded at the front and the last word stays next to the
# output; the gated cells skip the padding through a mask and are padded at the back. 20% of the
# training texts are held out for validation.

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
print("\nthe last 20 ids of the first one, as the model reads them:", x_train[rows[0]].tolist()[-20:])

# %% [markdown]
# How long are the texts? Texts longer than `maxlen` lose their beginning; shorter ones are padded.

# %%
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
# `build_model` stacks the embedding, the recurrent layer chosen by `cell` and one sigmoid unit,
# and compiles it as the ithome-rnn tutorial does (Adam, binary cross-entropy, accuracy).

# %%
model = recipe.build_model(cfg, data.vocabulary_size)
model.summary()

# %% [markdown]
# ## Training
#
# `train` loads the data, builds the same model afresh and fits it with the shared callback presets
# (early stopping on the validation loss, best weights restored). It then scores the model on the
# test texts beside the baseline and saves the model, its vocabulary and its metrics into a run
# folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="sentiment_rnn: binary cross-entropy per epoch")

# %% [markdown]
# ## Evaluation beside the bag-of-words models, and combined with the better one
#
# Accuracy and binary cross-entropy on the test texts, beside two bag-of-words models fitted on the
# same training texts, which ignore word order beyond pairs or triples: a recurrent model has to
# beat them to show that reading in order pays. *tfidf_logreg* is logistic regression on TF-IDF
# word and bigram weights; *nbsvm* is Wang & Manning's NBSVM (each word and bigram present, and
# each trigram where the validation texts prefer it, scaled by how much more often it occurs in
# one class than in the other, then a linear classifier), the stronger on
# sentiment. Both choose their regularisation on the validation texts, as the network's early
# stopping does. On sentence polarity's ten folds neither the tutorial's SimpleRNN (0.635) nor an
# LSTM (0.755) beats them (TF-IDF 0.775, NBSVM 0.789, `benchmarks/README.md`).
#
# The row *combined* asks a better question: what does the network add to the n-grams? It mixes
# the two models' log-probabilities, the bag-of-words model and the weight chosen on the
# validation texts; the line under the table says the weight and the gain.

# %%
print(result.summary())
chosen = result.metrics["combination"]
print(f"combined with {chosen['bag_of_words']} at weight {chosen['weight']:.2f} on the network: "
      f"{chosen['adds_accuracy']:+.4f} test accuracy over {chosen['bag_of_words']} alone")

# %% [markdown]
# `predict` and `predict_texts` answer with this combination by default (the run keeps the
# bag-of-words model as JSON and `.npz`, loaded without pickle); `use="model"` asks the network alone.

# %%
new_texts = ["I love this movie.", "This is terrible."]
print("combined:     ", rnn_cookbook.predict_texts(result.run.path, new_texts).round(3))
print("network alone:", rnn_cookbook.predict_texts(result.run.path, new_texts, use="model").round(3))

# %% [markdown]
# ## From scratch or from a pretrained language model?
#
# A recurrent model trained from scratch on a few thousand labelled texts learns its word vectors
# and its reading of word order from the labels alone. ULMFiT (Howard & Ruder 2018) first trains a
# **language model** on plenty of unlabelled text of the same kind (recipe `language_model`: an
# Embedding and an LSTM that predict each next word), once; any classifier can then start from it
# with `encoder=RUN_DIR`: its vocabulary, Embedding and LSTM are the language model's, and only the
# pooling and output layer on top are new. `lm_finetune_epochs` first lets the language model read
# the task's own training texts (never its test texts). Set `ENCODER` to a finished
# `language_model` run to use yours; in quick mode a seconds-long language model of the toy
# sentences shows the steps (and means nothing).

# %%
ENCODER = None  # a language_model run folder, or None
if ENCODER is None and QUICK:
    from rnn_cookbook.recipes import language_model as language_model_recipe

    ENCODER = language_model_recipe.train(language_model_recipe.Config.quick(), verbose=0).run.path
if ENCODER is not None and cfg.data != "imdb":
    pretrained = recipe.train(cfg.replace(cell="lstm", encoder=str(ENCODER), pooling="mean"), verbose=0)
    encoder = pretrained.metrics["encoder"]
    print(f"encoder: {encoder['run']} (validation perplexity {encoder.get('validation_perplexity')}); "
          f"layers taken: {', '.join(encoder['transferred_layers'])}")
    print(pretrained.summary())
else:
    print("set ENCODER to a language_model run and DATA to raw text (an aclImdb folder or archive, a CSV, ...) to compare")

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
    "A moving story with wonderful acting.",
    "Boring, far too long, and the plot makes no sense.",
    "Not bad at all.",
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
# ## More than two classes
#
# Nothing above is tied to two classes. With three or more label values the model ends in a
# softmax over the classes (two keep the ithome-rnn tutorial's sigmoid), the loss is sparse categorical
# cross-entropy, and the report adds macro-F1 and each class's precision and recall, for the model
# and the TF-IDF baseline alike. Files of `LABEL text` lines are read as they come: TREC's
# `DESC:manner How did ...` (`label_level="coarse"`: 6 classes, or `"fine"`: 50) and fastText's
# `__label__x text`; `test_data` names a separate test file. Set `QUESTIONS` to TREC's
# `train_5500.label` and `QUESTIONS_TEST` to its `TREC_10.label` for the real thing (the training
# file is Latin-1; the loader says so in a note). Otherwise a toy file of a few handwritten
# questions in three classes shows the steps, and its scores mean nothing.

# %%
QUESTIONS = None  # a file of `LABEL text` lines, e.g. TREC's train_5500.label
QUESTIONS_TEST = None  # its test file, e.g. TREC_10.label
if QUESTIONS is None:
    import tempfile
    from pathlib import Path

    toy = {  # a toy: three classes, four questions each
        "HUM": ["who wrote the film ?", "who directed this movie ?", "who played the lead ?", "who composed the music ?"],
        "LOC": ["where was the film shot ?", "where is the studio ?", "where does the story take place ?", "where was it released ?"],
        "NUM": ["how long is the film ?", "how many awards did it win ?", "when was it released ?", "how much did it cost ?"],
    }
    QUESTIONS = Path(tempfile.mkdtemp()) / "toy_questions.label"
    QUESTIONS.write_text("".join(f"{label}:toy {q}\n" for label, questions in toy.items() for q in questions) * 3)
questions = cfg.replace(data=str(QUESTIONS), test_data=None if QUESTIONS_TEST is None else str(QUESTIONS_TEST), cell="lstm")
many = recipe.train(questions, verbose=0)
print(many.summary())

# %%
from rnn_cookbook.text.predict import TextClassifierRun

TextClassifierRun(many.run.path).top(["who wrote the music ?", "how many films did she make ?"], k=3)

# %% [markdown]
# ## Where to go next
#
# - A gated cell, everything else equal: `cfg.replace(cell="bilstm")` (or `"lstm"`, `"gru"`), or on
#   the command line `rnn-cookbook run sentiment_rnn --set cell=bilstm`.
# - Your own data: `cfg.replace(data="path/to/aclImdb")`, a CSV or TSV (`text_column`,
#   `label_column`, `sep`, `header="none"`, `split_column`), a folder of class folders or a folder
#   with one file per class (the README's loader table).
# - Predict from the shell: `rnn-cookbook predict RUN_DIR "some review"`.
# - A convolution in front of the recurrent layers: `notebooks/conv1d_rnn_classifier.ipynb`.
# - Search the settings: `rnn-cookbook search sentiment_rnn --grid rnn_units=16,32,64`, and
#   `notebooks/grid_search.ipynb` for how a search works.
