"""Run folders written before the task-folder move still load and answer as they did.

`tests/fixtures/runs_0_1/` holds quick runs written at commit a69c602 (version 0.1.0, when
`rnn_cookbook/` was one flat folder), and `expected.json` what `predict_texts`, `generate`,
`translate` and `forecast` answered on them then (`tests/fixtures/runs_0_1/README.md`). Each is
copied to a temporary folder first, so no test writes into the fixtures.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import REPO, cli_here

OLD_RUNS = REPO / "tests" / "fixtures" / "runs_0_1"
EXPECTED = json.loads((OLD_RUNS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def old_run(tmp_path):
    def copy(name: str):
        shutil.copytree(OLD_RUNS / name, tmp_path / name)
        return tmp_path / name

    return copy


@pytest.mark.parametrize("name", ["sentiment_rnn", "sentiment_lstm_mean"])
def test_an_old_classifier_predicts_what_it_predicted(old_run, name):
    import rnn_cookbook

    probabilities = rnn_cookbook.predict_texts(old_run(name), ["I love this movie.", "This is terrible."])
    np.testing.assert_allclose(probabilities, EXPECTED["predict_texts"][name], rtol=1e-5, atol=1e-6)


def test_an_old_generator_writes_the_same_text(old_run):
    from rnn_cookbook.generation import GeneratorRun

    written = GeneratorRun(old_run("char_lstm_generator")).generate("the quick", length=40, temperature=0.8, seed=0)
    assert written == EXPECTED["generate"]


def test_an_old_translator_translates_the_same(old_run):
    import rnn_cookbook

    assert rnn_cookbook.translate(old_run("translator"), ["我们明天见。", "他很忙。"]) == EXPECTED["translate"]


def test_an_old_forecaster_forecasts_the_same(old_run):
    import rnn_cookbook

    frame = pd.DataFrame({"co2": np.linspace(360, 370, 60)}, index=pd.date_range("2001-01-06", periods=60, freq="W-SAT"))
    ahead = rnn_cookbook.forecast(old_run("timeseries_forecaster"), frame)
    np.testing.assert_allclose(ahead["co2"], EXPECTED["forecast"]["co2"], rtol=1e-6)


def test_the_command_line_reads_old_runs(old_run):
    predicted = cli_here("predict", str(old_run("sentiment_rnn")), "I love this movie.")
    assert predicted.returncode == 0 and predicted.stdout.rstrip().endswith("I love this movie."), predicted.stderr
    translated = cli_here("translate", str(old_run("translator")), "他很忙。")
    assert translated.returncode == 0 and translated.stdout.strip() == EXPECTED["translate"][1], translated.stderr


def test_an_old_interrupted_run_resumes_after_its_last_saved_epoch(old_run, capsys):
    from rnn_cookbook.core.runs import RunFolder

    folder = old_run("interrupted_forecaster")
    assert RunFolder(folder).unfinished
    resumed = cli_here("run", "timeseries_forecaster", "--output", str(folder), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    history = pd.read_csv(folder / "history.csv")
    assert history["epoch"].tolist() == list(range(1, len(history) + 1)) and len(history) > 2
    assert not RunFolder.open(folder).unfinished and (folder / "metrics.json").is_file()
