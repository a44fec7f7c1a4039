"""Nothing lost, nothing silently wrong: run folders that are not overwritten by accident, files
readable as the umask says, text decoded line by line, one text path for training and
prediction, settings too large refused before they are built, a forecaster that starts at its
linear baseline and keeps it when no epoch beats it.

The one-line messages themselves are checked, case by case, in `tests/test_hostile_table.py`.
"""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pandas as pd
import pytest

from conftest import cli_here
from synthetic_text import synthetic_reviews, write_acl_imdb


def test_overwrite_replaces_the_old_folder_whole(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"recipe": "sentiment_rnn", "config": {}}))
    (folder / "model.keras").write_bytes(b"an old model")
    (folder / "vocabulary.json").write_text("{}")  # what a half-replaced folder would keep beside the new run
    done = cli_here("run", "timeseries_forecaster", "--quick", "--epochs", "1", "--output", str(folder), "--overwrite")
    assert done.returncode == 0, done.stderr
    assert not (folder / "vocabulary.json").exists() and (folder / "series.json").is_file()
    assert json.loads((folder / "config.json").read_text())["recipe"] == "timeseries_forecaster"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the old folder was removed, not left aside


def test_run_folder_files_get_the_mode_a_plain_open_gives(tmp_path):
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    old = os.umask(0o022)
    try:
        run = recipe.train(recipe.Config.quick().replace(epochs=1), output=tmp_path / "run", verbose=0).run.path
    finally:
        os.umask(old)
    for name in ("config.json", "metrics.json", "history.csv", "model.keras", "series.json", "loss.png"):
        assert stat.S_IMODE((run / name).stat().st_mode) == 0o644, name


def test_a_mixed_file_is_decoded_line_by_line_and_the_note_names_the_lines(tmp_path):
    from rnn_cookbook.core.reading import EncodingLog, read_text_file
    from rnn_cookbook.recipes import sentiment_rnn

    rows = ["text,label"] + [f"{text} café – naïve,{label}" for text, label in synthetic_reviews(60, seed=3)]
    data = "\n".join(rows).encode("utf-8") + "\nun café correct,1\n".encode("latin-1")  # line 62 alone is Latin-1
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    log = EncodingLog()
    text = read_text_file(path, None, log)
    assert "cafÃ©" not in text and text.count("café") == 61 and "–" in text
    assert log.notes() == [f"{path}: 1 of 62 lines are not UTF-8 and were read as cp1252 (line 62); the others as UTF-8 (set encoding=... if that is wrong)"]
    data = sentiment_rnn.load_data(sentiment_rnn.Config.quick().replace(data=str(path)))
    words = data.encoded.vocabulary.tokens
    assert "café" in words and not any("Ã" in word for word in words)
    with pytest.raises(Exception, match="is not utf-8 text"):
        read_text_file(path, "utf-8")  # a forced encoding is still the whole file's


def test_predict_cleans_new_text_as_the_loader_cleaned_the_test_split(tmp_path):
    """aclImdb keeps HTML line breaks in its reviews; the loader turns them into spaces, and so must predict."""
    import rnn_cookbook
    from rnn_cookbook.recipes import sentiment_rnn

    def broken(reviews):  # SYNTHETIC reviews with the HTML breaks aclImdb has, several per review
        return [(text.replace(" ", " <br /><br /> ", 3), label) for text, label in reviews]

    reviews = synthetic_reviews(300, seed=4)
    root = write_acl_imdb(tmp_path / "aclImdb", broken(reviews[:200]), broken(reviews[200:]))
    cfg = sentiment_rnn.Config.quick().replace(data=str(root), epochs=4)
    result = sentiment_rnn.train(cfg, output=tmp_path / "run", verbose=0)
    assert json.loads((result.run.path / "vocabulary.json").read_text())["cleaning"] == ["html_line_breaks"]
    files = [(p, label) for label, polarity in enumerate(("neg", "pos")) for p in sorted((root / "test" / polarity).glob("*.txt"))]
    raw, labels = [p.read_text() for p, _ in files], np.array([label for _, label in files])
    assert all("<br />" in text for text in raw)
    for use, row in (("model", result.metrics["model"]), ("combined", result.metrics["baselines"]["combined"])):
        probabilities = rnn_cookbook.predict_texts(result.run.path, raw, use=use)
        cleaned = rnn_cookbook.predict_texts(result.run.path, [text.replace("<br />", " ") for text in raw], use=use)
        np.testing.assert_array_equal(probabilities, cleaned)
        accuracy = float(np.mean((probabilities >= 0.5) == labels))  # 0.5 counts as the second class, as in the run's scores
        assert accuracy == pytest.approx(row["accuracy"])


def test_settings_too_large_are_counted_without_being_built():
    import keras

    from rnn_cookbook.core.training import count_parameters
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    cfg = recipe.Config.quick().replace(units=100_000_000)
    count = count_parameters(lambda: recipe.build_model(cfg))  # 10^16 weights: never allocated
    assert count > 10**16
    # Keras' list of variables waiting to be initialised (keras.src.backend.common.global_state) is as it was:
    from keras.src.backend.common import global_state

    assert not global_state.get_global_attribute("uninitialized_variables", [])
    small = recipe.build_model(recipe.Config.quick())
    assert count_parameters(lambda: recipe.build_model(recipe.Config.quick())) == small.count_params()
    assert keras.Model.compile is not None and "compile" not in keras.Model.__dict__  # put back as it was


def monthly_series(path, months: int = 150, seed: int = 0):
    """SYNTHETIC: a monthly series with a rising trend and a season whose swing grows with the level."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = 112 * np.exp(0.0095 * t)
    values = level * (1 + 0.22 * np.sin(2 * np.pi * (t - 3) / 12)) * np.exp(rng.normal(0, 0.03, months))
    dates = pd.date_range("1949-01-01", periods=months, freq="MS").strftime("%Y-%m")
    pd.DataFrame({"month": dates, "passengers": values.round(1)}).to_csv(path, index=False)
    return path


def test_a_fitted_highway_starts_exactly_at_the_linear_baseline(tmp_path):
    from rnn_cookbook.forecasting import baselines
    from rnn_cookbook.forecasting.evaluation import fit_highway
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    cfg = recipe.Config.quick().replace(
        series=str(monthly_series(tmp_path / "monthly.csv")), column="passengers", date_column="month",
        window=12, season_length=12, highway="fitted",
    )
    data = recipe.load_data(cfg)
    model = recipe.build_model(cfg, data.channels, data.targets)
    fit_highway(model, data.windows, data.targets)
    for part in (data.windows.validation, data.windows.test):
        linear = baselines.linear_per_column(data.windows.train.inputs, data.windows.train.targets, part.inputs)
        np.testing.assert_allclose(model.predict(part.inputs, verbose=0), linear, atol=2e-4)


def test_the_start_is_kept_when_no_epoch_beats_it_on_validation(tmp_path, capsys):
    from rnn_cookbook.recipes import timeseries_forecaster as recipe

    cfg = recipe.Config.quick().replace(
        series=str(monthly_series(tmp_path / "monthly.csv")), column="passengers", date_column="month",
        window=12, season_length=12, highway="fitted", learning_rate=0.5, epochs=2, patience=2, reduce_lr_patience=None,
    )
    result = recipe.train(cfg, output=tmp_path / "run", verbose=2)
    kept = result.metrics["kept_start"]
    assert kept["what"] == "the fitted linear model (highway=fitted)" and kept["val_loss"] <= kept["best_epoch_val_loss"]
    assert "no epoch beat the starting point on validation" in capsys.readouterr().out
    linear = result.metrics["baselines"]["linear_regression"]["mae"]
    assert result.metrics["model"]["mae"] == pytest.approx(linear, rel=1e-3)  # the model kept is the baseline itself
