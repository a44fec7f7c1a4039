# %% [markdown]
# # Grid-searching a recurrent network's hyperparameters
#
# *From the "模型优化技巧" (optimisation tips) section of the rnn-practice tutorial ("RNN实战:从入门到上手"), applied
# to the recipe `timeseries_forecaster`.*
#
# The rnn-practice tutorial tunes its SimpleRNN forecaster with scikit-learn: it wraps a model-building function in
# Keras' `KerasRegressor` and lets `GridSearchCV` cross-validate every combination of hidden size and
# optimizer:
#
# ```python
# from tensorflow.keras.wrappers.scikit_learn import KerasRegressor   # since removed from Keras
# model = KerasRegressor(build_fn=create_model, verbose=0)
# param_grid = {'hidden_size': [10, 50, 100], 'optimizer': ['rmsprop', 'adam']}
# grid = GridSearchCV(estimator=model, param_grid=param_grid)
# ```
#
# Keras has since dropped that wrapper; scikeras provides it now. `rnn_cookbook.search` wraps the
# recipe's *own* `build_model` in a scikeras estimator, so the model searched is the model `train`
# fits, and every `Config` field can be a search parameter (the tutorial's `hidden_size` is `units`
# here). Two things differ from the tutorial on purpose. Each candidate is cross-validated on the
# training and validation windows only, so the test stretch stays unseen until the winner is
# trained. And the folds respect time: with `TimeSeriesSplit` every fold trains on the past and is
# scored on the stretch that follows, while the tutorial's default folds would train on the future.
#
# The data is weekly CO2 at Mauna Loa, as in `notebooks/timeseries_forecaster.ipynb`, and each
# candidate is scored by its mean absolute error in ppm. Full mode searches the tutorial's grid
# (3 units x 2 optimizers) with 3 folds: about 270-320 s on a 2-core CPU (`benchmarks/README.md`),
# plus about half a minute to train the winner and the estimator example, so 5 to 6 minutes in all.
# `QUICK = True` searches 2 small candidates (two optimizers) with 2 folds and 1 epoch in seconds.

# %% tags=["parameters"]
QUICK = False  # True: a small grid on the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs (the maximum; early stopping ends most fits sooner)
CV = 3  # cross-validation folds (QUICK uses 2)
N_JOBS = 1  # processes fitting in parallel (joblib); -1: one per CPU core
OUTPUT = None  # run folder for the winner's training; None: runs/timeseries_forecaster/<timestamp>

# %% [markdown]
# ## The grid
#
# The starting configuration is the recipe's (`Config()`, or `Config.quick()`); the grid changes
# some of its fields. `search.DEFAULT_GRIDS` holds the tutorial's grid, which `rnn-cookbook search
# timeseries_forecaster` uses when it is given no `--grid`.

# %%
# %matplotlib inline
import numpy as np

from rnn_cookbook.recipes import timeseries_forecaster  # first: it imports TensorFlow quietly
from rnn_cookbook import search
from rnn_cookbook.core import plots

cfg = timeseries_forecaster.Config.quick() if QUICK else timeseries_forecaster.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
if QUICK:
    grid, cv = {"units": [4], "optimizer": ["adam", "rmsprop"]}, 2
    cfg = cfg.replace(epochs=1) if EPOCHS is None else cfg  # a look at the machinery, not at the scores
else:
    grid, cv = search.DEFAULT_GRIDS["timeseries_forecaster"], CV
candidates = int(np.prod([len(values) for values in grid.values()]))
print("starting config:", cfg.to_dict())
print(f"grid: {grid}")
print(f"{candidates} candidates x {cv} folds = {candidates * cv} fits")

# %% [markdown]
# ## The folds
#
# The search sees the recipe's training and validation windows, in time order (the recipe's
# `search_data` hook). `TimeSeriesSplit` cuts them into growing stretches: each fold trains on
# everything before its test stretch. Inside each fold's training part, the last
# `validation_fraction` of the windows is held out for early stopping, so the fold's test stretch
# never steers training either.

# %%
data = search.load_search_data(timeseries_forecaster, cfg)
folds = search.make_folds(data, cv)
print(f"{data.label}: {len(data.x)} windows of shape {data.x.shape[1:]}; folds: {type(folds).__name__}")

figure, (axis,) = plots.new_figure(9.0, 1.4 + 0.6 * cv)
for fold, (train_rows, test_rows) in enumerate(folds.split(data.x)):
    fit_rows = int(len(train_rows) * (1 - cfg.validation_fraction))
    parts = [
        (train_rows[0], fit_rows, "tab:blue", "training"),
        (train_rows[fit_rows], len(train_rows) - fit_rows, "tab:orange", "early-stopping slice"),
        (test_rows[0], len(test_rows), "tab:green", "scored (the fold's test stretch)"),
    ]
    for start, length, colour, label in parts:
        axis.broken_barh([(start, length)], (fold + 0.6, 0.8), color=colour, label=label if fold == 0 else None)
axis.set(title=f"{cv} time-series folds over the training and validation windows",
         xlabel="window (in time order)", ylabel="fold", yticks=range(1, cv + 1))
axis.invert_yaxis()
axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
figure

# %% [markdown]
# ## The search
#
# `search.grid_search` checks every candidate's Config before training anything (a typo fails in a
# second), then fits each candidate on each fold with the recipe's callback presets (early stopping,
# learning-rate cuts). The `progress` callback is called once per candidate when its folds are done,
# with (k, n, parameters, mean score, seconds); `search.progress_line` formats it as the command
# line prints it. The score is scikit-learn's `neg_mean_absolute_error` in the scaled units the model
# trains on: higher is better. `refit=False` skips the search's final fit of the best candidate on
# all the windows: the winner is trained below by the recipe's own `train`.

# %%
def report(*candidate):
    print(search.progress_line(*candidate))


result = search.grid_search(
    "timeseries_forecaster", grid, config=cfg, cv=cv, n_jobs=N_JOBS, progress=report, refit=False
)
print(f"search took {result.wall_time_s:.0f} s")

# %% [markdown]
# ## The ranked table
#
# One row per candidate, best first: its parameters, the mean and standard deviation of the score
# over the folds, the same as a mean absolute error in ppm (`mae_ppm`, `mae_std_ppm`), the score of
# each fold (`split0`, ...) and the mean fit time per fold. On the full grid the benchmark found 10
# units clearly too few and everything from 50 up within one standard deviation.

# %%
result.table

# %% [markdown]
# The same as a heatmap: one cell per candidate, with its mean absolute error in ppm; the brighter
# the colour, the lower the error.

# %%
search.score_figure(result)

# %% [markdown]
# ## The winner
#
# `result.best_config` is a real `timeseries_forecaster.Config`: the starting config with the best
# candidate's values, checked like any other.

# %%
print("best parameters:", result.best_params)
result.best_config

# %% [markdown]
# Trained with the recipe's own `train`, the winner is finally scored on the test stretch that the
# search never saw, beside the same baselines as in the recipe's notebook: persistence (the last
# value), seasonal naive (the same week a year earlier) and linear regression on the same windows.
# The search's table, best config and heatmap are saved into the same run folder
# (`search.save_result`).

# %%
winner = timeseries_forecaster.train(result.best_config, output=OUTPUT, verbose=0)
saved = search.save_result(result, winner.run)
print(f"cross-validated MAE: {result.table['mae_ppm'].iloc[0]:.3f} ppm; "
      f"test MAE: {winner.metrics['model']['mae']:.3f} ppm ({winner.metrics['epochs_run']} epochs)")
print("search files:", ", ".join(path.name for path in saved.values()))
print(winner.summary())

# %% [markdown]
# ## The estimator on its own
#
# `search.make_estimator` returns the scikeras estimator the search used, for your own scikit-learn
# code (pipelines, `cross_val_score`, other searches). Every Config field is an estimator parameter
# (`set_params(units=16)`), and the recipe's 3-D windows (windows x steps x 1) go straight in:
# scikeras passes them to Keras as they are. Here it trains on the first 80% of the search windows
# and predicts the rest.

# %%
estimator = search.make_estimator("timeseries_forecaster", cfg, task="regression")
estimator.set_params(units=grid["units"][-1])
cut = int(0.8 * len(data.x))
estimator.fit(data.x[:cut], data.y[:cut])
predictions = estimator.predict(data.x[cut:])
mae = np.mean(np.abs(predictions - data.y[cut:])) * data.target_scale
print(f"{type(estimator).__name__} with units={estimator.get_params()['units']}, "
      f"optimizer={estimator.get_params()['optimizer']}")
print(f"inputs {data.x[:cut].shape} -> predictions {predictions.shape}; MAE on the last 20%: {mae:.3f} {data.unit}")

# %% [markdown]
# ## Faster: several processes, or a cluster
#
# `N_JOBS = k` fits folds in k separate processes (joblib's loky backend). Each process imports
# Keras itself and seeds it from the Config's `seed`, so the table is the same with any `n_jobs`, up
# to floating-point noise. On a 2-core CPU, `N_JOBS = 2` gives each process one core: small models
# like these gain, large ones much less, since TensorFlow already uses both cores for one fit.
#
# The same search runs on a Dask or Ray cluster without code changes, through joblib's backend
# switch (the workers need rnn-cookbook installed and, for file data, the same paths):
#
# ```python
# import joblib
# from dask.distributed import Client          # or: import ray; from ray.util.joblib import register_ray
# client = Client("scheduler-address:8786")     # register_ray(); ray.init(address="auto")
# with joblib.parallel_config(backend="dask"):  # backend="ray"
#     result = search.grid_search("timeseries_forecaster", grid, n_jobs=-1)
# ```

# %% [markdown]
# ## Where to go next
#
# - The same from the command line, with the files saved into `runs/timeseries_forecaster/search/`:
#   `rnn-cookbook search timeseries_forecaster` (the tutorial's grid), or
#   `rnn-cookbook search timeseries_forecaster --grid units=16,32 --grid cell=lstm,gru --cv 3 --n-jobs 2`;
#   then `rnn-cookbook run timeseries_forecaster --config .../best_config.json`.
# - Random search over wider ranges: `search.random_search("timeseries_forecaster",
#   {"units": [8, 16, 32, 64], "learning_rate": [1e-3, 3e-3]}, n_iter=4)`.
# - Other recipes: the text classifiers, `row_lstm_classifier`, `stacked_lstm_tagger` and the
#   generators are searchable too (README.md, "Grid-search hyperparameters").
