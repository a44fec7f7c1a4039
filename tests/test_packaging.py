"""The built wheel carries the recipes as `rnn_cookbook.recipes` and its CLI trains from there."""

from __future__ import annotations

import sys
import zipfile

from conftest import REPO, run_command


def test_wheel_maps_recipes_into_the_package_and_runs(tmp_path):
    wheels = tmp_path / "wheels"
    built = run_command(
        sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(wheels),
        env={"PIP_NO_INDEX": "1"},
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("rnn_cookbook-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "rnn_cookbook/recipes/timeseries_forecaster.py" in names
    assert not [n for n in names if n.startswith("recipes/")]  # no generic top-level package

    site = tmp_path / "site"
    installed = run_command(
        sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel),
        env={"PIP_NO_INDEX": "1"},
    )
    assert installed.returncode == 0, installed.stderr
    # Run from an empty folder so only the installed copy (first on PYTHONPATH) can be imported.
    env = {"PYTHONPATH": str(site)}
    where = run_command(  # find_spec imports the light parent packages only, not TensorFlow
        sys.executable, "-c",
        "import importlib.util; print(importlib.util.find_spec('rnn_cookbook.recipes.timeseries_forecaster').origin)",
        cwd=tmp_path, env=env,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(site))
    trained = run_command(
        sys.executable, str(site / "bin" / "rnn-cookbook"), "run", "timeseries_forecaster", "--quick", "--epochs", "1",
        "--output", str(tmp_path / "run"), cwd=tmp_path, env=env,
    )
    assert trained.returncode == 0, trained.stderr
    assert (tmp_path / "run" / "metrics.json").is_file()
    assert not [n for n in names if n.startswith("notebooks/")]
    copied = run_command(
        sys.executable, str(site / "bin" / "rnn-cookbook"), "notebook", "timeseries_forecaster", "--dest",
        str(tmp_path / "mine"), cwd=tmp_path, env=env,
    )
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "mine" / "timeseries_forecaster.ipynb").read_bytes() == (
        REPO / "notebooks" / "timeseries_forecaster.ipynb"
    ).read_bytes()  # the notebook travels inside the wheel as package data
