# %% [markdown]
# # Reading an image row by row with an LSTM
#
# *Recipe `row_lstm_classifier`, from section 3.2 of the rnn-and-lstm tutorial ("循环神经网络(RNN)与长短时记忆网络(LSTM)"),
# a PyTorch tutorial ported to Keras.*
#
# Nothing in a recurrent layer says its steps must be moments in time. Here step *t* is row *t* of
# the image, from top to bottom: the LSTM reads one row of pixels per step, and its state carries
# what the rows above looked like (a loop closed at the top, a stroke leaning left). After the
# bottom row the last state has seen the whole picture, and a Dense softmax turns it into ten class
# probabilities. The rnn-and-lstm tutorial does this on MNIST with a 2-layer `nn.LSTM(28, 128)`; the recipe keeps its
# settings (128 units, 2 layers, Adam 1e-3, batch 100, 5 epochs) and adds dropout 0.3 between the
# two layers.
#
# A convolution is the better tool for images. The point here is what a recurrent layer can
# remember, on data where you can see every mistake. The default data is scikit-learn's 1,797
# handwritten digits of 8×8 pixels, which ship with scikit-learn, so nothing is downloaded; `DATA`
# picks MNIST, Fashion-MNIST or a folder of IDX files instead. The model's accuracy only means
# something next to a model that knows nothing about rows: logistic regression on the flattened
# pixels.
#
# Full mode trains for about 45 s on a 2-core CPU with the digits (Fashion-MNIST: about 2.5
# minutes; both from `benchmarks/README.md`), under two minutes for the whole notebook; `QUICK = True`
# takes under half a minute.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
OUTPUT = None  # run folder for the trained model; None: runs/row_lstm_classifier/<timestamp>
DATA = None  # None: the 8x8 digits (offline); "mnist", "fashion_mnist" (downloaded once) or a folder of IDX files

# %% [markdown]
# ## The configuration
#
# `Config()` holds the rnn-and-lstm tutorial's settings and checks every value; `Config.quick()` is a small
# variant (one LSTM layer of 32 units, three passes over the digits at a higher learning rate).
# `batches_per_epoch` keeps the tutorial's amount of training on any data: an epoch is about 600
# batches, one pass over MNIST, while the 1,293 training digits are read many times per epoch.

# %%
# %matplotlib inline
from matplotlib.figure import Figure

from rnn_cookbook.core import plots
from rnn_cookbook.recipes import row_lstm_classifier as recipe

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if DATA is not None:
    cfg = cfg.replace(data=DATA)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` loads the images, normalises the pixels as the rnn-and-lstm tutorial does (scaled to [0, 1], then
# standardised with the training images' mean and standard deviation), and holds out 10% of the
# training images, stratified, to validate on. The digits have no test split of their own, so 20%
# of them are set aside for testing once, with a fixed seed.

# %%
data = recipe.load_data(cfg)
images = data.images
for note in images.notes:
    print("note:", note)
rows, columns = images.image_shape
print(f"each image is a sequence of {rows} steps (rows) of {columns} features (pixels);",
      {split: len(getattr(data, split)[1]) for split in ("train", "validation", "test")})

shown = 16
figure = Figure(figsize=(10.0, 3.2), layout="constrained")
axes = figure.subplots(2, shown // 2)
for axis, image, label in zip(axes.ravel(), images.train_images[:shown], images.train_labels[:shown], strict=True):
    axis.imshow(image, cmap="gray_r", vmin=0, vmax=images.pixel_max, interpolation="nearest")
    axis.set_title(f"label: {images.class_names[label]}", fontsize=9)
    axis.set_axis_off()
figure.suptitle(f"{images.name}: the first {shown} training images, as the LSTM reads them, top row first")
figure

# %% [markdown]
# ## The model
#
# `build_model` stacks the LSTM layers (every layer but the last returns its whole sequence, so
# the next one reads one vector per row), then a Dense softmax on the last state. The image shape
# and the number of classes come from the data, so the same call works for any `DATA`.

# %%
model = recipe.build_model(cfg, images.image_shape, len(images.class_names))
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh, fits it with the shared callback presets (early stopping
# after 3 epochs without a better validation loss, best weights restored), scores it on the test
# images beside the baselines and saves everything into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2 if QUICK else 0)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="row_lstm_classifier: cross-entropy per epoch")

# %% [markdown]
# ## Evaluation beside the baselines
#
# Test accuracy and cross-entropy. *majority_class* always says the most frequent training class;
# *logreg_pixels* is scikit-learn's logistic regression on the 64 (or 784) pixels, which sees every
# pixel at once and knows nothing of rows or order. On 8×8 digits that linear model is already
# near 0.97, and the LSTM (about 0.976 in full mode, over three seeds) only just passes it; on
# Fashion-MNIST reading the rows pays more (0.885 against 0.840). In quick mode the small LSTM is
# trained for seconds and stays behind.

# %%
print(result.summary())

# %% [markdown]
# ## Where the model goes wrong
#
# `evaluate` returns the figures the run folder holds. The confusion matrix counts each true class
# (rows) against the class the model said (columns); the grid shows the model's most confident
# mistakes, the most confident first. In full mode several of them are digits a person would
# hesitate over too; the quick model, trained for seconds, also misses plain ones.

# %%
evaluation = recipe.evaluate(result.model, data, cfg)
accuracy = evaluation.model["accuracy"]
logreg = evaluation.baselines["logreg_pixels"]["accuracy"]
print(f"LSTM test accuracy {accuracy:.3f}, logistic regression on the pixels {logreg:.3f}")
evaluation.figures["confusion_matrix.png"]

# %%
evaluation.figures["misclassified.png"]

# %% [markdown]
# ## Where to go next
#
# - The rnn-and-lstm tutorial's own data: `DATA = "mnist"` (downloaded once into the Keras cache), or
#   `DATA = "fashion_mnist"` for pictures of clothes, where rows matter more; a folder of IDX files
#   (e.g. Debian's `/usr/share/datasets/fashion-mnist`) works too. On MNIST an epoch is one pass
#   over 54,000 images, so full mode takes a few minutes.
# - The rnn-and-lstm tutorial's model exactly, without the added dropout: `cfg.replace(dropout=0)`, or on the
#   command line `rnn-cookbook run row_lstm_classifier --set dropout=0`.
# - Reload the trained model later: `rnn_cookbook.core.runs.RunFolder.open(result.run.path).load_model()`.
