"""What a search leaves behind in its run folder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rnn_cookbook.core.files import atomic_write_text
from rnn_cookbook.search.plot import score_figure

if TYPE_CHECKING:
    from rnn_cookbook.search.running import SearchResult


def save_result(result: SearchResult, run: Any) -> dict[str, Any]:
    """Write search_results.csv, best_config.json (loadable by `run --config`), search.json and search.png."""
    paths = {
        "table": run.file("search_results.csv"),
        "best_config": run.file("best_config.json"),
        "plot": run.file("search.png"),
        "summary": run.file("search.json"),
    }
    atomic_write_text(paths["table"], result.table.to_csv(index=False))
    result.best_config.save_json(paths["best_config"])
    run.write_json(
        "search.json",
        {
            "recipe": result.recipe,
            "data": result.data.label,
            "scoring": result.scoring,
            "folds": type(result.folds).__name__,
            "n_splits": int(result.folds.get_n_splits()),
            "candidates": len(result.table),
            "best_params": result.best_params,
            "best_score": result.best_score,
            "wall_time_s": result.wall_time_s,
        },
    )
    run.save_figure(score_figure(result), "search.png")
    return paths
