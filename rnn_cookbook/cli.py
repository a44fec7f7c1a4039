"""`rnn-cookbook`: list the recipes and run them.

    rnn-cookbook list
    rnn-cookbook run timeseries_forecaster [--quick] [--epochs N] [--set key=value ...] [--output DIR]
    rnn-cookbook predict RUN_DIR "I love this movie." "This is terrible."
    rnn-cookbook forecast RUN_DIR --series new.csv [--output forecast.csv]
    rnn-cookbook generate RUN_DIR --prompt "ROMEO:" [--length 400] [--temperature 0.8] [--top-k 20]
                          [--num-samples 3] [--seed 0]
    rnn-cookbook translate RUN_DIR "我们明天见。" [--beam 4] [--length-penalty 0.6]
    rnn-cookbook search timeseries_forecaster [--grid units=10,50,100 --grid optimizer=adam,rmsprop] [--cv 3]
                        [--random N] [--n-jobs K] [--quick] [--output DIR]
    rnn-cookbook notebook timeseries_forecaster [--dest DIR] [--force]

`--help` and `list` answer without importing TensorFlow. Recipes import TensorFlow with its
start-up log lines hidden (`rnn_cookbook.core.quiet`); `--verbose` shows them.
"""

from __future__ import annotations

import argparse
import os
import sys

from rnn_cookbook import __version__, registry
from rnn_cookbook.core import script
from rnn_cookbook.core.errors import CookbookError

EXAMPLES = """\
examples:
  rnn-cookbook list
  rnn-cookbook run timeseries_forecaster                      # CO2, the tutorial's settings
  rnn-cookbook run timeseries_forecaster --quick              # a few seconds
  rnn-cookbook run timeseries_forecaster --set series=sunspots --set cell=lstm --set units=32
  rnn-cookbook run timeseries_forecaster --show-config        # every setting and its value
  rnn-cookbook run sentiment_rnn --set data=path/to/aclImdb --set cell=bilstm
  rnn-cookbook predict runs/sentiment_rnn/<run> "I love this movie." "This is terrible."
  rnn-cookbook run timeseries_forecaster --set series=air.csv --set column=pm2.5 --set features=all \\
               --set date_column=year,month,day,hour --set calendar=true
  rnn-cookbook forecast runs/timeseries_forecaster/<run> --series latest.csv --output forecast.csv
  rnn-cookbook run char_lstm_generator --set data=path/to/book.txt
  rnn-cookbook generate runs/char_lstm_generator/<run> --prompt "ROMEO:" --temperature 0.8 --num-samples 3
  rnn-cookbook run translator --set data=path/to/cmn.txt      # Chinese -> English, with attention
  rnn-cookbook translate runs/translator/<run> "我们明天见。" "他很忙。"
  rnn-cookbook search timeseries_forecaster                   # the rnn-practice tutorial's grid: units 10,50,100 x rmsprop,adam
  rnn-cookbook search timeseries_forecaster --quick --grid units=8,16 --grid cell=lstm,gru --cv 3
  rnn-cookbook notebook char_lstm_generator                   # copy the recipe's notebook here

Runs are written to runs/<recipe>/<timestamp>/ (config.json, history.csv, metrics.json,
model.keras, plots) unless --output DIR says otherwise.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = script.OneLineParser(
        prog="rnn-cookbook",
        description="Recurrent-network recipes on Keras 3: train, evaluate against baselines, keep the run.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_verbose(parser, default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=script.OneLineParser)
    commands.add_parser("list", help="the recipes: name, model, data, what it does")
    run = commands.add_parser(
        "run",
        help="train a recipe and keep its run folder",
        description="Train a recipe, print its metrics beside the baselines', and keep the run folder.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("recipe", metavar="RECIPE", help=f"one of: {', '.join(registry.names())}")
    add_verbose(run)
    script.add_run_arguments(run)
    predict = commands.add_parser(
        "predict",
        help="classify new texts with a trained text-classification run",
        description="Print the predicted class and its probability for each text, one line per text.",
    )
    predict.add_argument("run_dir", metavar="RUN_DIR", help="a finished sentiment_rnn or conv1d_rnn_classifier run")
    predict.add_argument("texts", metavar="TEXT", nargs="+", help="texts to classify")
    predict.add_argument("--top", type=int, default=1, metavar="K", help="print the K most probable classes of each text (default 1)")
    predict.add_argument(
        "--use", choices=("combined", "model"), default=None,
        help="combined: the model with the run's bag-of-words model; model: the network alone (default: the run's predict_with)",
    )
    add_verbose(predict)
    forecast = commands.add_parser(
        "forecast",
        help="forecast the next steps of new data with a trained timeseries_forecaster run",
        description=(
            "Read the last `window` rows of the file (the columns the run was trained on), print the next "
            "`horizon` values of each target, one row per step (dated when the data has dates)."
        ),
    )
    forecast.add_argument("run_dir", metavar="RUN_DIR", help="a finished timeseries_forecaster run")
    forecast.add_argument("--series", required=True, metavar="FILE", help="CSV/TSV with the run's columns, oldest row first")
    forecast.add_argument("--output", metavar="FILE", help="also write the forecast to this CSV file")
    add_verbose(forecast)
    generate = commands.add_parser(
        "generate",
        help="continue a prompt with a trained char_lstm_generator or word_generator run",
        description=(
            "Prime the model's state with the prompt, then sample the next tokens one at a time "
            "(characters or words, as the run was trained). Prints each sample after its prompt."
        ),
    )
    generate.add_argument("run_dir", metavar="RUN_DIR", help="a finished char_lstm_generator or word_generator run")
    generate.add_argument("--prompt", required=True, help="text to start from (its characters must be in the vocabulary)")
    generate.add_argument("--length", type=int, default=400, help="tokens to generate per sample (default 400)")
    generate.add_argument(
        "--temperature", type=float, default=1.0, help="0 = always the most likely token; higher = more varied (default 1.0)"
    )
    generate.add_argument("--top-k", type=int, default=None, metavar="K", help="sample only among the K most likely tokens")
    generate.add_argument("--num-samples", type=int, default=1, metavar="N", help="independent samples, generated as one batch")
    generate.add_argument("--seed", type=int, default=0, help="the same seed gives the same samples (default 0)")
    add_verbose(generate)
    translate = commands.add_parser(
        "translate",
        help="translate sentences with a trained translator run",
        description="Translate each text with beam search (--beam 1: greedy); prints one translation per line.",
    )
    translate.add_argument("run_dir", metavar="RUN_DIR", help="a finished translator run")
    translate.add_argument("texts", metavar="TEXT", nargs="+", help="sentences in the run's source language")
    translate.add_argument("--beam", type=int, default=None, metavar="K", help="beam width (default: the run's; 1 = greedy)")
    translate.add_argument(
        "--length-penalty", type=float, default=None, metavar="ALPHA",
        help="GNMT length penalty for ranking finished beams (default: the run's; 0 = none)",
    )
    add_verbose(translate)
    add_search_parser(commands)
    notebook = commands.add_parser(
        "notebook",
        help="copy a recipe's Jupyter notebook into the current folder",
        description=(
            "Copy NAME.ipynb (one per recipe, plus grid_search) out of the installed package and say how "
            "to open it. Running it needs Jupyter: pip install 'rnn-cookbook[notebooks]' jupyterlab."
        ),
    )
    notebook.add_argument("name", metavar="NAME", help="a recipe name, or grid_search")
    notebook.add_argument("--dest", default=".", help="folder (or .ipynb path) to copy to (default: here)")
    notebook.add_argument("--force", action="store_true", help="overwrite an existing copy")
    return parser


SEARCH_EPILOG = """\
Each candidate is cross-validated on the recipe's training + validation data (never its test
split): TimeSeriesSplit folds for series (no future in training), stratified folds for classes,
contiguous folds scored by the model's own loss for per-step labels and language models.
Every fit uses the recipe's early stopping on a validation slice of the fold's training part.

examples:
  rnn-cookbook search timeseries_forecaster                         # the rnn-practice tutorial's grid, cv=3
  rnn-cookbook search timeseries_forecaster --grid units=10,50,100 --grid optimizer=adam,rmsprop
  rnn-cookbook search timeseries_forecaster --quick --grid units=4,8,16,32 --random 3 --n-jobs 2
  rnn-cookbook search row_lstm_classifier --quick --grid units=16,32
  rnn-cookbook run timeseries_forecaster --config runs/timeseries_forecaster/search/<stamp>/best_config.json

Writes runs/<recipe>/search/<timestamp>/ (or --output DIR): search_results.csv, best_config.json,
search.json and search.png (score per value, or a heatmap for two parameters).
"""


def add_search_parser(commands: argparse._SubParsersAction) -> None:
    """`rnn-cookbook search`: its options (the search itself imports TensorFlow only when it runs)."""
    search = commands.add_parser(
        "search",
        help="grid- or random-search a recipe's settings with cross-validation (scikeras + scikit-learn)",
        description="Cross-validate combinations of config values, print them ranked, keep the best config.",
        epilog=SEARCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("recipe", metavar="RECIPE", help=f"one of: {', '.join(registry.names())}")
    search.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="values to try for one config field (repeatable); default: the recipe's own grid (the rnn-practice tutorial's for the forecaster)",
    )
    search.add_argument("--cv", type=int, default=3, metavar="K", help="cross-validation folds (default 3)")
    search.add_argument("--random", type=int, metavar="N", help="try N random combinations of the --grid values instead of all")
    search.add_argument("--n-jobs", type=int, default=1, metavar="K", help="parallel processes (default 1; -1: every core)")
    search.add_argument(
        "--scoring", help="a scikit-learn scorer name (default: neg_mean_absolute_error, accuracy or neg_loss by task)"
    )
    script.add_run_arguments(search, resumable=False)
    add_verbose(search)


def add_verbose(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """`--verbose`, accepted before or after the command (a command's copy keeps the top-level value)."""
    parser.add_argument("--verbose", action="store_true", default=default, help="show TensorFlow's own log lines")


def list_recipes() -> str:
    columns = ("name", "model", "data", "description", "tutorials")
    rows = [[recipe.name, recipe.model, recipe.data, recipe.description, ", ".join(recipe.sources)] for recipe in registry.RECIPES]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "list":
        print(list_recipes())
        return 0
    if args.verbose:
        os.environ["RNN_COOKBOOK_VERBOSE"] = "1"
    if args.command == "predict":
        return predict_command(args.run_dir, args.texts, args.top, args.use)
    if args.command == "forecast":
        return forecast_command(args.run_dir, args.series, args.output)
    if args.command == "generate":
        return generate_command(args)
    if args.command == "translate":
        return translate_command(args.run_dir, args.texts, beam=args.beam, length_penalty=args.length_penalty)
    if args.command == "search":
        return search_command(args)
    if args.command == "notebook":
        return notebook_command(args.name, args.dest, overwrite=args.force)
    try:
        recipe = registry.load(args.recipe)
    except CookbookError as exc:
        return script.fail(exc)
    return script.run(recipe, args)


def notebook_command(name: str, destination: str, *, overwrite: bool) -> int:
    """`rnn-cookbook notebook`: copy the notebook, then say how to open it."""
    from rnn_cookbook import notebook

    try:
        path = notebook.copy_notebook(name, destination, overwrite=overwrite)
    except CookbookError as exc:
        return script.fail(exc)
    print(f"copied {path}")
    print(f"open it with:  jupyter lab {path}    (needs: pip install 'rnn-cookbook[notebooks]' jupyterlab)")
    return 0


def predict_command(run_dir: str, texts: list[str], top: int = 1, use: str | None = None) -> int:
    """`rnn-cookbook predict`: one line per text, `class<TAB>probability<TAB>text`.

    With `--top K`, the K most probable classes, `class probability` pairs separated by tabs, then the text.
    """
    import rnn_cookbook.core.quiet  # noqa: F401

    from rnn_cookbook.text.predict import TextClassifierRun

    try:
        results = TextClassifierRun(run_dir, use).top(texts, top)
    except CookbookError as exc:
        return script.fail(exc)
    for text, ranked in zip(texts, results, strict=True):
        print("\t".join(f"{label}\t{probability:.3f}" for label, probability in ranked) + f"\t{text}")
    return 0


def forecast_command(run_dir: str, series: str, output: str | None) -> int:
    """`rnn-cookbook forecast`: the forecast table, one row per step ahead; notes on stderr."""
    import rnn_cookbook.core.quiet  # noqa: F401

    from rnn_cookbook.core.files import atomic_write_text
    from rnn_cookbook.forecasting.forecast import ForecasterRun

    try:
        result = ForecasterRun(run_dir).forecast(series)
    except CookbookError as exc:
        return script.fail(exc)
    for note in result.attrs.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    print(result.to_string(float_format=lambda v: f"{v:.6g}"))
    if output:
        from pathlib import Path

        atomic_write_text(Path(output), result.to_csv())
        print(f"forecast written to {output}", file=sys.stderr)
    return 0


def generate_command(args: argparse.Namespace) -> int:
    """`rnn-cookbook generate`: each sample is printed after its prompt, samples separated by a rule."""
    import rnn_cookbook.core.quiet  # noqa: F401

    from rnn_cookbook.generation.sampling import GeneratorRun

    try:
        run = GeneratorRun(args.run_dir)
        unknown = run.unknown(args.prompt) if run.level == "word" else []
        samples = run.generate(
            args.prompt,
            length=args.length,
            temperature=args.temperature,
            top_k=args.top_k,
            num_samples=args.num_samples,
            seed=args.seed,
        )
    except CookbookError as exc:
        return script.fail(exc)
    if unknown:
        print(f"note: not in the vocabulary, read as [UNK]: {', '.join(unknown)}", file=sys.stderr)
    separator = " " if run.level == "word" else ""
    for i, sample in enumerate(samples):
        if i:
            print("-" * 40)
        print(f"{args.prompt}{separator}{sample}")
    return 0


def translate_command(run_dir: str, texts: list[str], *, beam: int | None = None, length_penalty: float | None = None) -> int:
    """`rnn-cookbook translate`: one translation per line, in the order of the texts; notes on stderr.

    An empty translation prints as `(empty translation)`, with a note that the model is undertrained.
    """
    import rnn_cookbook.core.quiet  # noqa: F401

    from rnn_cookbook.translation.run import EMPTY_TRANSLATION, TranslatorRun

    try:
        run = TranslatorRun(run_dir)
        checked, notes = run.check(texts)
        translations = run.translate(
            checked,
            beam=run.beam if beam is None else beam,
            length_penalty=run.length_penalty if length_penalty is None else length_penalty,
        )
        empty = run.empty_note(translations)
    except CookbookError as exc:
        return script.fail(exc)
    for note in [*notes, *([empty] if empty else [])]:
        print(f"note: {note}", file=sys.stderr)
    for translation in translations:
        print(translation if translation.strip() else EMPTY_TRANSLATION)
    return 0


def search_command(args: argparse.Namespace) -> int:
    """`rnn-cookbook search`: a line per candidate as it finishes, then the ranked table and the files."""
    import rnn_cookbook.core.quiet  # noqa: F401

    try:
        module = registry.load(args.recipe)
        from rnn_cookbook import search
        from rnn_cookbook.core.runs import RunFolder

        search.searchable_module(args.recipe)
        cfg = script.config_from_args(module.Config, args)
        grid = search.parse_grid(module.Config, args.grid) if args.grid else None
        if args.show_config:
            print(cfg.to_json())
            return 0
        progress = None if args.quiet else (lambda *report: print(search.progress_line(*report), flush=True))
        common = dict(config=cfg, cv=args.cv, scoring=args.scoring, n_jobs=args.n_jobs, progress=progress)
        if args.random is not None:
            if grid is None:
                grid = search.DEFAULT_GRIDS.get(args.recipe)
            result = search.random_search(args.recipe, grid or {}, n_iter=args.random, **common)
        else:
            result = search.grid_search(args.recipe, grid, **common)
        run = RunFolder.create(f"{args.recipe}/search", output=args.output)
        paths = search.save_result(result, run)
    except CookbookError as exc:
        return script.fail(exc)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    folds = type(result.folds).__name__
    print()
    print(f"{args.recipe} on {result.data.label}: {len(result.table)} candidates x {args.cv} {folds} folds, "
          f"scoring {result.scoring}, {result.wall_time_s:.0f} s")
    print(result.summary())
    print()
    print(f"best: {' '.join(f'{k}={v}' for k, v in result.best_params.items())}")
    print(f"search folder: {run.path}")
    print(f"train it: rnn-cookbook run {args.recipe} --config {paths['best_config']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
