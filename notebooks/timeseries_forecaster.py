# %% [markdown]
# # Forecasting a time series with a recurrent network
#
# *Recipe `timeseries_forecaster`, from the time-series part of the rnn-practice tutorial ("RNN实战:从入门到上手").*
#
# A recurrent layer reads a window of the past one step at a time and carries a hidden state from
# step to step, so by the last step the state summarises the whole window: the trend, the season,
# the last wiggle. A Dense layer turns that state into the next value. The tutorial fed one step per
# sample, which leaves the state nothing to remember; this recipe feeds windows of 52 weeks.
#
# The data is weekly CO2 at Mauna Loa (it ships with statsmodels, so nothing is downloaded). Two
# ideas make the model work on it, both explained in the recipe's docstring: each window is read
# *relative to its last value*, and the network predicts the *change* from that value. A forecast
# is only worth its error next to simple baselines, so the recipe reports three on the same test
# weeks.
#
# The second half trains on many columns at once (quarterly US macro data, also shipped with
# statsmodels) and uses the trained run to forecast the quarters after new data with `forecast`.
#
# Full mode takes about a minute on a 2-core CPU; `QUICK = True` takes a few seconds.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs
OUTPUT = None  # run folder for the trained model; None: runs/timeseries_forecaster/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` holds the tutorial's settings (SimpleRNN, Adam, 100 epochs, early stopping, learning
# rate cut on a plateau) and checks every value; `Config.quick()` is the small variant.

# %%
# %matplotlib inline
from rnn_cookbook.core import plots
from rnn_cookbook.recipes import timeseries_forecaster as recipe

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` loads the series, fills its gaps and cuts it into windows: train, validation and test
# are consecutive stretches of time (70/15/15), scaled with the training stretch's mean and
# standard deviation only, so nothing about the future leaks into training.

# %%
data = recipe.load_data(cfg)
series, windows = data.series, data.windows
for note in series.notes:
    print("note:", note)
print(f"{len(series.values)} weeks; windows of {cfg.window} steps:",
      {name: len(getattr(windows, name).inputs) for name in ("train", "validation", "test")})

figure, (axis,) = plots.new_figure(9.0, 3.5)
splits = [("train", windows.train), ("validation", windows.validation), ("test", windows.test)]
for name, split in splits:
    weeks = split.target_start
    axis.plot(series.index[weeks], series.values[weeks, 0], label=f"{name} targets")
axis.set(title=f"{series.label}: where each split's targets lie", xlabel="time", ylabel=series.unit)
axis.legend()
figure

# %% [markdown]
# ## The model
#
# `build_model` reads the window relative to its last value (`Cropping1D` picks that value out,
# `Subtract` removes it), runs the recurrent layer over the 52 steps, and adds the predicted change
# back. The change layer starts at zero, so the untrained model is the persistence forecast.

# %%
model = recipe.build_model(cfg)
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh, fits it with the shared callback presets (early stopping on
# the validation loss with the best weights restored, learning rate x0.2 after a plateau), scores it
# on the test weeks beside the baselines and saves everything into a run folder.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2 if QUICK else 0)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="timeseries_forecaster: mean squared error per epoch (scaled units)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# Mean absolute error and RMSE on the test weeks, in ppm. *Persistence* repeats the last value,
# *seasonal naive* the same week a year earlier, *linear regression* is scikit-learn's on the same
# windows. The recurrent model should beat all three.

# %%
print(result.summary())

# %% [markdown]
# ## The forecasts
#
# The last few years of the test period with the actual series and each forecast, and below, the
# error of each over the whole test period.

# %%
evaluation = recipe.evaluate(result.model, data, cfg)
evaluation.figures["forecast.png"]

# %% [markdown]
# ## Many columns in, many columns out
#
# Real series rarely come alone: a forecast of GDP can read consumption and unemployment beside
# it. `column` names what to forecast (one name, a comma list, or `all`), `features` the other
# columns the network reads (`all` takes every other column; words such as a wind direction are
# one-hot encoded). Each column is scaled with its own training mean and deviation, and windows
# become `(window, channels)` in and `(horizon, targets)` out.
#
# The `macro` series (quarterly, 1959-2009) spreads its date over `year` and `quarter`, which the
# loader assembles. Here the network forecasts real GDP and consumption two years (8 quarters)
# ahead from 5 years of all 12 columns, with one GRU reading each target column alone
# (`per_column`) in segments of 4 quarters (`segment`).

# %%
many = recipe.Config(
    series="macro", column="realgdp,realcons", features="all", window=20, horizon=8,
    cell="gru", units=32, segment=4, per_column=True, epochs=cfg.epochs, patience=cfg.patience,
    reduce_lr_patience=cfg.reduce_lr_patience,
)
many_data = recipe.load_data(many)
print(many_data.series.frequency, "steps; channels:", many_data.encoder.channels)
print("windows in:", many_data.windows.train.inputs.shape, " targets out:", many_data.windows.train.targets.shape)

# %% [markdown]
# Training is the same call. The table gives each error averaged over the targets (MAE in each
# target's own unit, then on standardised values, the scale of published tables) and a second
# table per target column. `lead_time.png` shows how the error grows with the quarters ahead.

# %%
many_result = recipe.train(many, output=None if OUTPUT is None else f"{OUTPUT}-many", verbose=0)
print(many_result.summary())
recipe.evaluate(many_result.model, many_data, many).figures["lead_time.png"]

# %% [markdown]
# ## Forecasting new data
#
# The run folder keeps the model and `series.json` (the scales, the categories, how dates were
# read), so `forecast` turns the last `window` rows of new data into the next `horizon` values,
# dated at the data's own step. Here the "new data" is the table up to the end of 2004; the same
# works from a file: `rnn-cookbook forecast RUN_DIR --series new.csv`.

# %%
from statsmodels.datasets import macrodata

from rnn_cookbook import forecast

table = macrodata.load_pandas().data
until_2004 = table[table["year"] <= 2004]
forecast(many_result.run.path, until_2004)

# %% [markdown]
# ## Where to go next
#
# - Other series and cells: `cfg.replace(series="sunspots", cell="lstm")`, or on the command line
#   `rnn-cookbook run timeseries_forecaster --set series=sunspots --set cell=lstm`.
# - Your own data: `cfg.replace(series="path/to/data.csv", column="value", date_column="date")`; a
#   date over several columns: `date_column="year,month,day,hour"`; `calendar=True` adds the hour
#   of day, day of week and day of year.
# - Search units and optimizer as the rnn-practice tutorial did: `notebooks/grid_search.ipynb`.
# - Reload the trained model later: `rnn_cookbook.core.runs.RunFolder.open(result.run.path).load_model()`.
