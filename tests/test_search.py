"""Grid and random search (rnn_cookbook.search): scikeras around each recipe's own build_model.

Quick configs on data that ship offline (CO2 from statsmodels, scikit-learn's digits); the whole
file is meant to stay well under 90 s on two busy cores, so one 2x2 forecaster search is shared.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_absolute_error

from conftest import run_command
from rnn_cookbook.core.errors import ConfigError

GRID = {"units": [4, 8], "optimizer": ["adam", "rmsprop"]}


@pytest.fixture(scope="module")
def search():
    from rnn_cookbook import search as module

    return module


@pytest.fixture(scope="module")
def forecast_search(search, forecaster):
    """One 2x2 search of the quick forecaster with 2 time-ordered folds, with its progress lines."""
    lines: list[str] = []
    result = search.grid_search(
        "timeseries_forecaster",
        GRID,
        config=forecaster.Config.quick(),
        cv=2,
        progress=lambda *report: lines.append(search.progress_line(*report)),
    )
    return result, lines


def test_grid_search_finishes_and_ranks(forecast_search, forecaster):
    result, lines = forecast_search
    table = result.table
    assert len(table) == 4 and list(table["rank"]) == [1, 2, 3, 4]  # best first
    assert (np.diff(table["mean_score"]) <= 0).all()  # scores fall with rank (higher is better)
    assert {"units", "optimizer", "mean_score", "std_score", "mae_ppm", "split0", "split1", "fit_time_s"} <= set(table)
    assert (table["mae_ppm"] > 0).all() and (table["mean_score"] < 0).all()  # an error in ppm; a negated one to rank
    assert len(lines) == 4 and lines[0].startswith("[1/4] ") and lines[-1].startswith("[4/4] ")
    assert "score=" in lines[0] and lines[0].endswith(" s")
    # The winner is the candidate whose folds score highest on average, found here from the folds alone.
    fold_means = table[["split0", "split1"]].mean(axis=1)
    winner = table.loc[fold_means.idxmax()]
    assert fold_means.max() > fold_means.min()  # a real choice, not a tie
    assert result.best_params == {"optimizer": winner["optimizer"], "units": int(winner["units"])}
    assert result.best_score == pytest.approx(fold_means.max())
    assert isinstance(result.best_config, forecaster.Config)
    assert result.best_config.units == winner["units"] and result.best_config.optimizer == winner["optimizer"]
    assert result.best_config.window == forecaster.Config.quick().window  # the rest of the starting config
    # refit=True: the winner trained again on all the search's rows.
    refit = result.best_estimator
    assert refit.model_.get_layer("simple_rnn_1").units == result.best_params["units"]
    assert refit.model_.input_shape == (None, *result.data.x.shape[1:])


def test_fold_scores_are_the_error_of_a_model_trained_on_that_fold(forecast_search, search, forecaster):
    """Each fold's score, recomputed outside the search: fit on the fold's training rows, predict its
    test rows, and take scikit-learn's mean absolute error (and the same in ppm, for `mae_ppm`)."""
    result, _ = forecast_search
    data = result.data
    row = result.table.query("units == 4 and optimizer == 'adam'").iloc[0]
    fold_errors, fold_errors_ppm = [], []
    for train, test in result.folds.split(data.x, data.y):
        estimator = search.make_estimator(
            "timeseries_forecaster", forecaster.Config.quick(), task="regression", model_kwargs=data.model_kwargs,
            units=4, optimizer="adam",
        )
        predicted = estimator.fit(data.x[train], data.y[train]).predict(data.x[test])
        fold_errors.append(mean_absolute_error(data.y[test], predicted))
        fold_errors_ppm.append(mean_absolute_error(data.y[test] * data.target_scale, predicted * data.target_scale))
    assert [-row["split0"], -row["split1"]] == pytest.approx(fold_errors, rel=1e-5)
    assert row["mae_ppm"] == pytest.approx(np.mean(fold_errors_ppm), rel=1e-5)
    assert 0.05 < row["mae_ppm"] < 5  # CO2 a week ahead: tenths of a ppm, not standardised units


def test_best_config_round_trips_to_train(forecast_search, forecaster, tmp_path):
    result, _ = forecast_search
    path = tmp_path / "best_config.json"
    result.best_config.save_json(path)
    loaded = forecaster.Config.load_json(path)
    assert loaded == result.best_config
    trained = forecaster.train(loaded, output=tmp_path / "run", verbose=0)
    assert trained.model.get_layer("simple_rnn_1").units == loaded.units
    assert trained.metrics["model"]["mae"] > 0


def test_n_jobs_2_gives_the_same_scores(forecast_search, search, forecaster):
    """Separate processes (joblib/loky), each seeding its own Keras from the Config: fresh
    interpreters score as this one did after whatever it ran before, so the same seed gives the
    same scores."""
    result, _ = forecast_search
    parallel = search.grid_search(
        "timeseries_forecaster", {"units": [4], "optimizer": ["adam"]}, config=forecaster.Config.quick(), cv=2,
        n_jobs=2, refit=False,
    )
    before = result.table.query("units == 4 and optimizer == 'adam'")
    assert parallel.table["mean_score"].iloc[0] == pytest.approx(before["mean_score"].iloc[0], rel=1e-4)


def test_dask_cluster_gives_the_same_scores(forecast_search, search, forecaster):
    """The cluster path of the README: joblib's dask backend on a local two-process cluster."""
    distributed = pytest.importorskip("distributed", reason="the optional extra `cluster` is not installed")
    import joblib

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, joblib.parallel_config(backend="dask"), \
            distributed.get_task_stream(client) as tasks:
        on_cluster = search.grid_search(
            "timeseries_forecaster", {"units": [4], "optimizer": ["adam"]}, config=forecaster.Config.quick(), cv=2,
            n_jobs=-1, refit=False,
        )
    assert tasks.data and all(task["worker"].startswith("tcp://") for task in tasks.data)  # the folds ran there
    before = forecast_search[0].table.query("units == 4 and optimizer == 'adam'")
    # Dask's workers pin math libraries to one thread, so float sums run in another order than in this
    # process: the same search, not the same bits. The quick model is tiny and trains for a few epochs,
    # so that order shows: one CI run differed by 1.5%, one on a loaded machine by 5.4%.
    assert on_cluster.table["mean_score"].iloc[0] == pytest.approx(before["mean_score"].iloc[0], rel=0.1)


def test_time_series_folds_never_train_on_the_future(forecast_search, search):
    result, _ = forecast_search
    assert type(result.folds).__name__ == "TimeSeriesSplit"
    splits = list(result.folds.split(result.data.x))
    assert len(splits) == 2
    for train, test in splits:
        assert train.max() < test.min()
        assert np.array_equal(train, np.arange(train.max() + 1))  # a prefix of the series, in order
    folds = search.make_folds(result.data, 4)
    assert all(train.max() < test.min() for train, test in folds.split(result.data.x))


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"unitz": [4, 8]}, "unknown config key 'unitz'.*valid keys: .*units"),
        ({"units": ["ten"]}, "units must be an integer.*'ten'.*valid keys: .*units"),
        ({"units": [4], "optimizer": ["adamm"]}, "optimizer must be one of"),
        ({"units": 8}, "must be a non-empty list"),
        ({"window": [12, 24]}, "'window' changes the data itself"),
    ],
)
def test_bad_grids_are_config_errors(search, forecaster, grid, message):
    with pytest.raises(ConfigError, match=message):
        search.grid_search("timeseries_forecaster", grid, config=forecaster.Config.quick(), cv=2)


def test_cli_grid_values_are_typed(search, forecaster):
    assert search.parse_grid(forecaster.Config, ["units=10,50,100", "optimizer=adam,rmsprop", "residual=true,false"]) == {
        "units": [10, 50, 100],
        "optimizer": ["adam", "rmsprop"],
        "residual": [True, False],
    }
    with pytest.raises(ConfigError, match="units must be an integer, got 'ten'"):
        search.parse_grid(forecaster.Config, ["units=ten"])
    with pytest.raises(ConfigError, match="unknown config key 'hidden_size'.*valid keys"):
        search.parse_grid(forecaster.Config, ["hidden_size=10"])


def test_three_dimensional_inputs_go_through_scikeras(search, forecaster):
    cfg = forecaster.Config.quick().replace(epochs=1)
    data = search.load_search_data(forecaster, cfg)
    x, y = data.x[:256], data.y[:256]
    assert x.shape == (256, cfg.window, 1)  # (samples, timesteps, features)
    estimator = search.make_estimator("timeseries_forecaster", cfg, task="regression", model_kwargs=data.model_kwargs)
    estimator.fit(x, y)
    assert estimator.model_.input_shape == (None, cfg.window, 1)
    assert estimator.predict(x).shape == (256,)
    # The recipe's presets were the callbacks of that fit, watching the validation slice.
    presets = estimator.get_params()["fit__callbacks"]
    assert [type(c).__name__ for c in presets] == ["EarlyStopping", "ReduceLROnPlateau"]
    assert all(c.model is estimator.model_ for c in presets)
    assert "val_loss" in estimator.history_


def test_config_fields_drive_seed_validation_and_callbacks(search, forecaster):
    """A grid over seed, validation_fraction or patience reaches scikeras' own parameters, through
    set_params as GridSearchCV and cross_validate call it, and survives scikit-learn's clone."""
    from sklearn.base import clone

    cfg = forecaster.Config.quick()
    estimator = search.make_estimator("timeseries_forecaster", cfg, task="regression")
    params = estimator.get_params()
    assert (params["random_state"], params["validation_split"]) == (cfg.seed, cfg.validation_fraction)
    early_stopping, reduce_lr = params["fit__callbacks"]
    assert (early_stopping.patience, early_stopping.monitor, reduce_lr.patience) == (
        cfg.patience, "val_loss", cfg.reduce_lr_patience)
    candidate = clone(estimator).set_params(seed=7, validation_fraction=0.3, patience=cfg.patience + 4)
    params = candidate.get_params()
    assert (params["random_state"], params["validation_split"]) == (7, 0.3)
    assert params["fit__callbacks"][0].patience == cfg.patience + 4
    assert estimator.get_params()["random_state"] == cfg.seed  # the original is untouched
    again = clone(candidate).get_params()
    assert (again["random_state"], again["fit__callbacks"][0].patience) == (7, cfg.patience + 4)


def test_search_rows_join_the_splits_in_order(search):
    train = (np.arange(6).reshape(3, 2), np.array([0, 1, 2]))
    validation = (np.arange(6, 10).reshape(2, 2), np.array([3, 4]))
    data = search.SearchData.from_splits([train, validation], task="regression", time_ordered=True)
    assert data.x.tolist() == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]] and data.y.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ConfigError, match="at least one"):
        search.SearchData.from_splits([], task="regression")


def test_classifier_recipe_searches_with_stratified_folds(search):
    from rnn_cookbook.recipes import row_lstm_classifier as recipe

    cfg = recipe.Config.quick().replace(units=8, epochs=2)
    result = search.grid_search("row_lstm_classifier", {"optimizer": ["adam", "rmsprop"]}, config=cfg, cv=2)
    assert type(result.folds).__name__ == "StratifiedKFold"
    assert result.data.x.ndim == 3 and result.scoring == "accuracy"
    assert len(result.table) == 2 and (result.table["mean_score"] > 0.2).all()  # 10 classes: chance is 0.1
    # The Config has no optimizer field: the search recompiles, and reports the choice beside the Config.
    assert result.best_params["optimizer"] in ("adam", "rmsprop")
    assert isinstance(result.best_config, recipe.Config) and result.best_config.units == 8
    best = result.best_estimator.model_
    assert type(best.optimizer).__name__.lower() == result.best_params["optimizer"]


def test_text_classifier_searches_on_a_synthetic_csv(search, tmp_path):
    from synthetic_text import synthetic_reviews, write_csv

    from rnn_cookbook.recipes import sentiment_rnn as recipe

    path = write_csv(tmp_path / "reviews.csv", synthetic_reviews(240))  # SYNTHETIC reviews
    cfg = recipe.Config.quick().replace(data=str(path), epochs=1)
    result = search.grid_search("sentiment_rnn", {"rnn_units": [4, 8]}, config=cfg, cv=2, refit=False)
    assert type(result.folds).__name__ == "StratifiedKFold" and result.scoring == "accuracy"
    assert result.data.x.shape[1] == cfg.maxlen and set(np.unique(result.data.y)) == {0, 1}
    assert list(result.table["rank"]) == [1, 2] and result.best_config.rnn_units == result.table["rnn_units"].iloc[0]
    with pytest.raises(ConfigError, match="'cell' changes the data itself"):  # cell sets the padding side
        search.grid_search("sentiment_rnn", {"cell": ["lstm", "gru"]}, config=cfg, cv=2)


@pytest.mark.parametrize(
    ("recipe", "why"), [("numpy_rnn_scratch", "NumPy"), ("seq2seq_addition", "two inputs")]
)
def test_unsearchable_recipes_say_why(search, recipe, why):
    with pytest.raises(ConfigError, match=f"{recipe} cannot be searched: .*{why}.*; searchable: .*timeseries_forecaster"):
        search.grid_search(recipe, {"units": [8, 16]})


def test_tagger_is_scored_by_its_loss_and_keeps_the_optimizer(search):
    from rnn_cookbook.recipes import stacked_lstm_tagger as tagger

    cfg = tagger.Config.quick().replace(epochs=2)
    result = search.grid_search("stacked_lstm_tagger", {"optimizer": ["adam", "sgd"]}, config=cfg, cv=2)
    assert result.scoring == "neg_loss" and type(result.folds).__name__ == "KFold"
    data = result.data
    assert data.y.ndim == 2  # a label per step, through scikeras untouched
    table = result.table
    assert result.best_config.optimizer == table["optimizer"].iloc[0]  # a Config field, so it is kept
    # `loss` is the per-step cross-entropy in nats, recomputed here with scikit-learn's log_loss on the
    # refitted winner's predicted probabilities; adam learns the regimes better than chance, ln(3).
    refit = result.best_estimator
    probabilities = refit.model_.predict(data.x, verbose=0).reshape(-1, cfg.n_regimes).astype("float64")
    probabilities /= probabilities.sum(axis=1, keepdims=True)  # float32 softmax rows sum to 1 only within 1e-7
    per_step = log_loss(data.y.ravel(), probabilities, labels=range(cfg.n_regimes))
    assert -refit.score(data.x, data.y) == pytest.approx(per_step, rel=1e-4)
    assert (table["loss"] > 0).all() and table.set_index("optimizer").loc["adam", "loss"] < np.log(cfg.n_regimes)
    with pytest.raises(ConfigError, match="scored by its own loss"):
        search.grid_search("stacked_lstm_tagger", {"lstm_units": [4]}, config=cfg, cv=2, scoring="accuracy")


@pytest.mark.parametrize("recipe", ["char_lstm_generator", "word_generator"])
def test_language_models_search_on_contiguous_folds(search, recipe):
    from rnn_cookbook import registry

    module = registry.load(recipe)
    cfg = module.Config.quick().replace(epochs=1, sample_every=0)
    result = search.grid_search(recipe, {"units": [4, 8]}, config=cfg, cv=2, refit=False)
    folds = result.folds
    assert type(folds).__name__ == "KFold" and not folds.shuffle  # stretches of the text, in order
    assert list(result.table["rank"]) == [1, 2] and (result.table["loss"] > 0).all()
    assert result.data.model_kwargs["vocabulary_size"] > int(result.data.x.max())
    with pytest.raises(ConfigError, match="'data' changes the data itself"):
        search.grid_search(recipe, {"data": ["fox", "shakespeare"]}, config=cfg, cv=2)


def test_cli_search_writes_its_files(tmp_path, capsys, forecaster):
    from rnn_cookbook import cli

    output = tmp_path / "search"
    code = cli.main(
        ["search", "timeseries_forecaster", "--quick", "--grid", "units=4", "--grid", "optimizer=adam,rmsprop",
         "--cv", "2", "--output", str(output)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "[1/2] optimizer=adam units=4" in out and "[2/2] optimizer=rmsprop units=4" in out
    assert "2 candidates x 2 TimeSeriesSplit folds" in out and f"search folder: {output}" in out
    for name in ("search_results.csv", "best_config.json", "search.json", "search.png"):
        assert (output / name).is_file()
    loaded = forecaster.Config.load_json(output / "best_config.json")  # what `run --config` reads
    assert loaded.units == 4 and loaded.epochs == forecaster.Config.quick().epochs
    summary = json.loads((output / "search.json").read_text())
    assert summary["folds"] == "TimeSeriesSplit" and summary["candidates"] == 2


def test_cli_search_errors_are_one_line(capsys):
    from rnn_cookbook import cli

    assert cli.main(["search", "numpy_rnn_scratch", "--quick", "--grid", "hidden_size=8,16"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: numpy_rnn_scratch cannot be searched") and err.count("\n") == 1
    assert cli.main(["search", "timeseries_forecaster", "--grid", "unitz=1,2"]) == 2
    assert "valid keys" in capsys.readouterr().err


def test_search_help_does_not_import_tensorflow():
    code = (
        "import sys, io, contextlib\n"
        "from rnn_cookbook import cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        cli.main(['search', '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
        "print(out.getvalue())\n"
    )
    result = run_command(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "False False"
    assert "--grid" in result.stdout and "TimeSeriesSplit" in result.stdout
