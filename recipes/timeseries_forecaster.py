"""Time-series forecaster: a recurrent network reads a window of the past and predicts what comes next.

Source: the time-series part of the rnn-practice tutorial ("RNN实战:从入门到上手"): `SimpleRNN(10)` + `Dense(1)`,
Adam, mean squared error, 100 epochs, on a noisy sine, with a plot of predicted against actual.
What changes here, and why:

- **Windows, not single steps.** The tutorial fed one time step per sample (`input_shape=(1, 1)`), so
  the RNN had nothing to remember. Each sample here is `window` past steps (52 weeks by default)
  and the target is the next step, or the next `horizon` steps at once.
- **Real data by default.** Weekly CO2 at Mauna Loa (statsmodels; 59 missing weeks filled by time
  interpolation), yearly sunspots, the tutorial's noisy sine (synthetic), or any numeric CSV column.
  Train / validation / test are consecutive stretches of time (70/15/15), scaled on train only.
- **Normalise each window on its last value and predict the change** (`residual=True`). CO2
  rises through the whole record, so the test period lies above every level seen in training: a
  network fed scaled levels meets inputs it never saw and squashes its outputs back into the range
  it knows. Instead the network reads the window *relative to its last value* (the shape of the
  past year as seen from now) and outputs the change from that value:
  `forecast = last + Dense(rnn(window - last))`. Both sides are stationary, so what it learns on
  1958-1989 still applies in 1995-2001. The change layer starts at zero, so the untrained model
  *is* the persistence forecast. (Measured on CO2 with SimpleRNN(32), seed 0: test MAE 0.399 ppm
  with scaled levels in and out, 0.285 with this.)
- **Baselines on the same test windows.** Persistence (the last value), seasonal naive (one season
  earlier: the same week last year for CO2) and a linear model on each column's window
  (least squares, shared by the target columns). A forecaster is only worth its MAE next to theirs.

**Many columns** (`column=a,b` or `all`, `features=...`, `date_column=...`, `calendar=true`): the
window holds every input channel (targets first, then other numeric columns, one-hot categories,
calendar cycles; `rnn_cookbook.forecasting.encoding`), and the model forecasts `(horizon, targets)`.
Each target is read relative to its own last value. Three options come from the long-horizon
forecasting literature, each measured on ETTh1 (7 hourly columns, 96 hours in and out; validation
MSE chosen on, test MSE reported; benchmarks/README.md has every run):

- `per_column=True` (the default): one RNN reads each target column alone, with any other
  features beside it (channel independence, PatchTST). The columns share its weights, so it sees
  seven times the examples: validation MSE 0.657 against 0.663 for one RNN over all 7 columns
  (test 0.370 against 0.389). With one target both are the same model, so the rnn-practice tutorial's figures stand.
- `segment=24`: the RNN reads the window as 4 segments of 24 hours, each embedded by a Dense layer,
  instead of 96 single steps (SegRNN, Lin et al. 2023): 4 steps of recurrence to learn through,
  not 96, and 4x faster.
- `training_loss="mae"`: SegRNN trains on MAE; on ETTh1 it lowered validation MSE as well as
  test MSE (0.657 / 0.370 against 0.672 / 0.378 with MSE).
- `highway`: LSTNet's linear part from each target's relative window. On ETTh1 it did not help
  (validation 0.661 joint, 0.664 fitted and frozen, against 0.657 without); an option, off by default.

The single-column defaults stay the rnn-practice tutorial's (SimpleRNN(32), one step at a time, MSE), so every CO2
and sunspots figure is what it was; `benchmarks/etth1.py` gives the settings for long, many-column
series.

Run it:

    rnn-cookbook run timeseries_forecaster                 # CO2, full training
    python recipes/timeseries_forecaster.py --quick        # seconds
    rnn-cookbook run timeseries_forecaster --set series=sunspots --set cell=lstm --set units=32
    rnn-cookbook run timeseries_forecaster --set series=macro --set column=realgdp,realcons --set features=all
    rnn-cookbook forecast runs/timeseries_forecaster/<run> --series latest.csv
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, ClassVar

import rnn_cookbook.core.quiet  # noqa: F401  (before Keras: hides TensorFlow's start-up log lines)
import keras

from rnn_cookbook.core import script
from rnn_cookbook.core.config import FRACTION, FRACTION_OR_ZERO, POSITIVE_INT, OneOf, RecipeConfig
from rnn_cookbook.forecasting.encoding import SeriesEncoder
from rnn_cookbook.forecasting.series import load_series
from rnn_cookbook.forecasting.windows import chronological_borders, given_borders, split_windows
from rnn_cookbook.core.errors import ConfigError
from rnn_cookbook.forecasting.evaluation import ForecastData, fit_highway, series_settings, test_report
from rnn_cookbook.forecasting.forecast import SERIES_FILE
from rnn_cookbook.forecasting.layers import BatchToColumns, ColumnsToBatch, LastValues, RelativeToLast
from rnn_cookbook.core.training import Evaluation, TrainResult, compile_model, make_optimizer, train_recipe

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from rnn_cookbook.core.training import RunOptions

CELLS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
HIGHWAYS = ("none", "joint", "fitted")
LOSSES = ("mse", "mae")


@dataclasses.dataclass
class Config(RecipeConfig):
    """Settings of the forecaster; the defaults are the rnn-practice tutorial's, made to work (see the module docstring)."""

    recipe: ClassVar[str] = "timeseries_forecaster"
    constraints = {
        "cell": OneOf(CELLS), "units": POSITIVE_INT, "layers": POSITIVE_INT, "window": POSITIVE_INT,
        "horizon": POSITIVE_INT, "segment": POSITIVE_INT, "highway": OneOf(HIGHWAYS), "dropout": FRACTION_OR_ZERO,
        "training_loss": OneOf(LOSSES), "season_length": POSITIVE_INT,
        "validation_fraction": FRACTION, "test_fraction": FRACTION,
    }

    series: str = "co2"  # co2 | sunspots | macro | sine | path/to/file.csv (.tsv, ; and | separators too)
    column: str | None = None  # what to forecast: a column, a comma list, or all (every numeric column)
    features: str | None = None  # other input columns: a comma list, or all (default: the targets alone)
    date_column: str | None = None  # the dates: one column, or several from the year down (year,month,day,hour)
    sep: str | None = None  # the file's separator (default: read off the file; tab for .tsv)
    calendar: bool = False  # add hour of day, day of week, day of year (sine/cosine) read off the dates
    split_at: str | None = None  # where validation and test begin (and test ends): rows or dates, e.g. 8640,11520,14400
    cell: str = "simple_rnn"  # simple_rnn (the rnn-practice tutorial) | lstm | gru
    units: int = 32  # the rnn-practice tutorial uses 10 on its sine; on CO2, 32 beats linear regression by ~10%, 10 by ~3%
    layers: int = 1  # stacked recurrent layers
    window: int = 52  # past steps per sample: one year of weeks
    horizon: int = 1  # future steps predicted at once (1 = next step)
    residual: bool = True  # read targets relative to their last value and predict the change from it
    segment: int = 1  # steps the RNN reads at once: >1 cuts the window into segments (SegRNN)
    per_column: bool = True  # one RNN reads each target column alone (channel independence); the same model for one target
    highway: str = "none"  # none | joint | fitted: a linear map from each target's window added to the RNN (LSTNet)
    dropout: float = 0.0  # dropout on the RNN's last state, before the output layer
    training_loss: str = "mse"  # mse (the rnn-practice tutorial) | mae: SegRNN trains on mae, which heavy-tailed errors sway less
    optimizer: str = "adam"  # the rnn-practice tutorial: Adam
    learning_rate: float = 1e-3  # Adam's default, as in the rnn-practice tutorial
    epochs: int = 100  # the rnn-practice tutorial
    batch_size: int = 32  # Keras' default (the rnn-practice tutorial sets none)
    patience: int = 10  # early stopping on val_loss; above reduce_lr_patience so the rate can drop first
    reduce_lr_patience: int | None = 5  # the rnn-practice tutorial: ReduceLROnPlateau(factor=0.2, patience=5)
    season_length: int | None = None  # None = the series' own (52 for CO2, 11 for sunspots, 24 for hourly data)
    validation_fraction: float = 0.15
    test_fraction: float = 0.15
    seed: int = 0

    def validate(self) -> None:
        super().validate()
        if self.window % self.segment:
            raise ConfigError(f"window ({self.window}) must be a multiple of segment ({self.segment})")
        if self.validation_fraction + self.test_fraction >= 0.9:
            raise ConfigError("validation_fraction + test_fraction must leave at least 10% for training")
        if self.highway != "none" and not self.residual:
            raise ConfigError("highway needs residual=True: it maps each target's window, seen from its last value")

    @classmethod
    def quick(cls) -> Config:
        """A few seconds on CPU: short windows, a small cell, two epochs."""
        return cls(units=8, window=12, epochs=2, patience=2, reduce_lr_patience=1)

    @property
    def fractions(self) -> tuple[float, float, float]:
        train = 1.0 - self.validation_fraction - self.test_fraction
        return (train, self.validation_fraction, self.test_fraction)


def load_data(cfg: Config) -> ForecastData:
    """Load the configured series, encode its columns (fitted on the training part) and cut windows."""
    series = load_series(cfg.series, cfg.column, features=cfg.features, date_column=cfg.date_column, sep=cfg.sep)
    if cfg.season_length is not None:
        series = dataclasses.replace(series, season_length=cfg.season_length)
    borders = given_borders(cfg.split_at, series.index) if cfg.split_at else None
    train_rows = borders[0] if borders else chronological_borders(len(series), cfg.fractions)[0]
    encoder = SeriesEncoder.fit(series, train_rows, calendar=cfg.calendar)
    encoded, notes = encoder.transform(series.frame)
    windows = split_windows(
        encoded, cfg.window, cfg.horizon, borders, fractions=cfg.fractions, targets=len(series.targets)
    )
    return ForecastData(series, encoder, windows, notes=(*series.notes, *notes))


def build_model(cfg: Config, channels: int = 1, targets: int = 1, *, flat_output: bool = False) -> keras.Model:
    """Recurrent layer(s) over the window, then a Dense layer with the forecast: (horizon, targets).

    The window has `channels` inputs, the first `targets` of which are forecast. With
    `residual=True` the targets are read relative to their last value and the output is the change
    from it (`RelativeToLast`, `LastValues`: registered layers, so the model loads in safe mode).
    `segment > 1` feeds the RNN segments of that many steps, each embedded by a Dense layer;
    `per_column` folds the target columns into the batch so one RNN reads each column alone;
    `highway` adds a linear map from each target's own window. `flat_output` ends with one
    vector of horizon x targets values per window, for scikit-learn's 2-D targets in a search.
    """
    window = keras.Input(shape=(cfg.window, channels), name="window")
    relative = RelativeToLast(targets, name="relative_to_last")(window) if cfg.residual else window
    body = ColumnsToBatch(targets, name="columns_to_batch")(relative) if cfg.per_column else relative
    if cfg.segment > 1:
        segments = keras.layers.Reshape((cfg.window // cfg.segment, -1), name="segments")(body)
        body = keras.layers.Dense(cfg.units, activation="relu", name="segment_embedding")(segments)
    for depth in range(cfg.layers):
        last_layer = depth == cfg.layers - 1
        body = CELLS[cfg.cell](cfg.units, return_sequences=not last_layer, name=f"{cfg.cell}_{depth + 1}")(body)
    if cfg.dropout:
        body = keras.layers.Dropout(cfg.dropout, name="dropout")(body)
    per_row = cfg.horizon if cfg.per_column else cfg.horizon * targets
    change = keras.layers.Dense(per_row, kernel_initializer="zeros", name="change")(body)
    if cfg.per_column:
        change = BatchToColumns(targets, name="batch_to_columns")(change)
    else:
        change = keras.layers.Reshape((cfg.horizon, targets), name="change_by_target")(change)
    if cfg.highway != "none":
        own = ColumnsToBatch(targets, shared=False, name="own_windows")(window)  # with its level, as linear regression reads it
        linear = keras.layers.Dense(
            cfg.horizon, kernel_initializer="zeros", trainable=cfg.highway == "joint", name="highway"
        )(keras.layers.Flatten(name="own_window")(own))
        change = keras.layers.Add(name="rnn_plus_highway")([change, BatchToColumns(targets, name="highway_by_target")(linear)])
    if cfg.residual:
        outputs = keras.layers.Add(name="forecast")([LastValues(targets, cfg.horizon, name="last_values")(window), change])
    else:
        outputs = change
    if flat_output:
        outputs = keras.layers.Flatten(name="flat_forecast")(outputs)
    model = keras.Model(window, outputs, name=f"{cfg.cell}_forecaster")
    other = (keras.metrics.MeanAbsoluteError(name="mae") if cfg.training_loss == "mse"
             else keras.metrics.MeanSquaredError(name="mse"))
    return compile_model(model, make_optimizer(cfg), cfg.training_loss, [other])


def evaluate(model: keras.Model, data: ForecastData, cfg: Config, split: str = "test") -> Evaluation:
    """Errors on the test (or validation) windows beside the three baselines, plots of the test (`test_report`)."""
    return test_report(model, data, batch_size=cfg.batch_size, horizon=cfg.horizon, split=split)


def train(cfg: Config | None = None, **run: Unpack[RunOptions]) -> TrainResult:
    """The whole recipe: load, build, fit with the presets, evaluate beside baselines, save the run."""
    cfg = cfg or Config()
    data = load_data(cfg)
    windows = data.windows

    def build() -> keras.Model:
        model = build_model(cfg, data.channels, data.targets)
        if cfg.highway == "fitted":
            fit_highway(model, windows, data.targets)
        return model

    return train_recipe(
        cfg,
        build_model=build,
        datasets=lambda: (
            windows.train.dataset(cfg.batch_size, shuffle=True, seed=cfg.seed),
            windows.validation.dataset(cfg.batch_size),
        ),
        evaluate=lambda model: evaluate(model, data, cfg),
        validate=lambda model: evaluate(model, data, cfg, "validation"),
        advice=advice(cfg),
        examples_per_epoch=len(windows.train),
        json_files={SERIES_FILE: series_settings(data, window=cfg.window, horizon=cfg.horizon, sep=cfg.sep)},
        notes=data.notes,
        keep_start=starting_point(cfg),
        **run,
    )


def starting_point(cfg: Config) -> str | None:
    """What the built model forecasts before any training, kept when no epoch beats it on validation."""
    if cfg.highway == "fitted":
        return "the fitted linear model (highway=fitted)"
    return "persistence (its change from the last value starts at zero)" if cfg.residual else None


def advice(cfg: Config) -> str:
    """What to try when a baseline forecasts the validation windows better than the model."""
    fitted = "" if cfg.highway == "fitted" else "highway=fitted (the linear model, with the RNN on top), "
    return f"{fitted}a shorter window, or fewer units"


def search_data(cfg: Config) -> dict:
    """The rows `rnn-cookbook search` cross-validates on: train + validation windows, in time order.

    The test stretch stays unseen, so a searched config is still judged on new data by `train`.
    Targets are flattened to (windows, horizon x targets), as scikit-learn wants them, and the
    model ends with the matching `flat_output`. With one target, errors in scaled units times
    `target_scale` are in the series' own unit (ppm for CO2); with several they stay standardised.
    """
    data = load_data(cfg)
    one_target = data.targets == 1

    def rows(windows):  # the inputs, and the targets as one column per (step, target): a vector if just one
        targets = windows.targets.reshape(len(windows), -1)
        return windows.inputs.astype("float32"), (targets[:, 0] if targets.shape[1] == 1 else targets).astype("float32")

    return {
        "splits": [rows(data.windows.train), rows(data.windows.validation)],
        "task": "regression",
        "label": data.series.label,
        "time_ordered": True,
        "model_kwargs": {"channels": data.channels, "targets": data.targets, "flat_output": True},
        "data_keys": (
            "series", "column", "features", "date_column", "sep", "calendar", "split_at", "window", "horizon",
            "season_length", "validation_fraction", "test_fraction",
        ),
        "target_scale": float(data.encoder.scaler.std[0]) if one_target else 1.0,
        "unit": data.series.unit if one_target else "standardised",
    }


main = script.entry_point(__name__)


if __name__ == "__main__":
    sys.exit(main())
