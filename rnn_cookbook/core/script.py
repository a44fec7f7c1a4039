"""The command line every recipe shares: `python recipes/<name>.py` and `rnn-cookbook run <name>`.

Both take the same options, build the config the same way and report the same way:

    --quick                 start from Config.quick() instead of the tutorial's settings
    --config FILE           start from a saved config (a run's config.json, a search's best_config.json)
    --epochs N              shorthand for --set epochs=N
    --set KEY=VALUE         change any config field (repeatable); unknown keys list the valid ones
    --output DIR            write the run folder here instead of runs/<recipe>/<timestamp>/
    --show-config           print the resulting config as JSON and stop
    --quiet                 print only the metrics table (no progress, no notes)

A mistake in the input ends with one line, `error: ...`, and exit code 2 (usage and config) or
1 (data and run folders); no traceback.

This module does not import TensorFlow: the CLI builds its parser from it before any recipe loads.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from collections.abc import Callable
from typing import Any, NoReturn

from rnn_cookbook.core.distribute import cluster_from_environment
from rnn_cookbook.core.errors import CookbookError
from rnn_cookbook.core.runs import check_output


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def add_run_arguments(parser: argparse.ArgumentParser, *, resumable: bool = True) -> None:
    """The options of a recipe run (see the module docstring); `resumable` adds --resume."""
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--quick", action="store_true", help="start from the recipe's seconds-long Config.quick()")
    start.add_argument("--config", metavar="FILE", help="start from a saved config JSON (e.g. a run's config.json)")
    parser.add_argument("--epochs", type=int, metavar="N", help="number of epochs (same as --set epochs=N)")
    parser.add_argument(
        "--strategy",
        metavar="NAME",
        help="default | mirrored (TensorFlow, this machine's GPUs) | data_parallel (JAX, every device of every "
        "process; KERAS_DISTRIBUTION_* variables join processes); same as --set strategy=NAME",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a config field, e.g. --set cell=lstm --set units=32 (repeatable)",
    )
    parser.add_argument("--output", metavar="DIR", help="run folder to write (default: runs/<recipe>/<timestamp>/)")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace what --output DIR holds (a finished run, other files): the old folder is removed whole first",
    )
    parser.add_argument("--show-config", action="store_true", help="print the config as JSON and exit")
    if resumable:
        parser.add_argument(
            "--resume",
            action="store_true",
            help="continue the killed run in --output DIR from its last saved epoch (with the config it started with)",
        )
    parser.add_argument("--quiet", action="store_true", help="print only the metrics table (no progress, no notes)")


def config_from_args(config_class: Any, args: argparse.Namespace) -> Any:
    """Build the run's config: base (tutorial, quick or file), then --set, then --epochs.

    `--resume` with none of those options takes the config of the run being resumed.
    """
    changed = args.config or args.quick or args.overrides or args.epochs is not None or args.strategy
    if getattr(args, "resume", False) and args.output and not changed:
        saved = cluster_from_environment().folder(args.output) / "config.json"  # process K resumes its own
        if saved.is_file():
            return config_class.load_json(saved)
    if args.config:
        cfg = config_class.load_json(args.config)
    elif args.quick:
        cfg = config_class.quick()
    else:
        cfg = config_class()
    cfg = cfg.with_overrides(args.overrides)
    if args.epochs is not None:
        cfg = cfg.replace(epochs=args.epochs)
    if args.strategy is not None:
        cfg = cfg.replace(strategy=args.strategy)
    return cfg


def run(recipe: ModuleType, args: argparse.Namespace) -> int:
    """Train `recipe` as `args` say, print the metrics table and the run folder; return the exit code."""
    try:
        cfg = config_from_args(recipe.Config, args)
        if args.show_config:
            print(cfg.to_json())
            return 0
        if args.output is not None and not args.resume:  # refused at once, before any data loads
            check_output(cluster_from_environment().folder(args.output), overwrite=args.overwrite)
        result = recipe.train(
            cfg, output=args.output, verbose=0 if args.quiet else None, resume=args.resume, overwrite=args.overwrite
        )
    except CookbookError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    print()
    print(result.summary())
    return 0


def fail(exc: CookbookError) -> int:
    """Print a user error on one line; return its exit code."""
    message = " ".join(str(exc).split())
    print(f"error: {message}", file=sys.stderr)
    return exc.exit_code


def entry_point(module_name: str) -> Callable[[list[str] | None], int]:
    """A recipe's `main(argv=None)`: `main = script.entry_point(__name__)` at the end of its module.

    The recipe module is looked up when `main` runs, so it works for `python recipes/<name>.py`
    (`__main__`), `python -m rnn_cookbook.recipes.<name>` and `rnn_cookbook.recipes.<name>.main([...])`.
    """

    def main(argv: list[str] | None = None) -> int:
        return run_module(sys.modules[module_name], argv)

    main.__doc__ = f"Command-line entry point of {module_name}: parse `argv` (default sys.argv) and run the recipe."
    return main


def run_module(recipe: ModuleType, argv: list[str] | None = None) -> int:
    """Entry point of `python recipes/<name>.py`: parse `argv` and run the recipe."""
    name = recipe.Config.recipe
    parser = OneLineParser(
        prog=f"python -m rnn_cookbook.recipes.{name}",
        description=(recipe.__doc__ or "").strip().splitlines()[0],
        epilog=f"Same as `rnn-cookbook run {name} ...`. See `rnn-cookbook list` for every recipe.",
    )
    add_run_arguments(parser)
    return run(recipe, parser.parse_args(argv))
