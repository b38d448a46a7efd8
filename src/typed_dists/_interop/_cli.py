"""The command line: `python -m typed_dists check path/to/file.py:model`.

Prints the `check_model` report of a model in a file (or an importable
module) and exits with 0 when it has no problems, 1 when it has, and 2 when
the model cannot be loaded or called: so it fits a pre-commit hook or a CI
step.
"""

from __future__ import annotations

import argparse
import importlib
import runpy
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from numpyro import infer

from ._report import check_model

__all__ = ["main"]

_INITS: dict[str, Callable[..., Any] | None] = {
    "prior": None,
    "uniform": infer.init_to_uniform,
    "median": infer.init_to_median,
}

_EPILOG = """\
The model's arguments come from a function in the same file, named with
--args: it takes no arguments and returns a tuple of positional arguments, a
dict of keyword arguments, or a pair (tuple, dict).

exit status: 0 no problems, 1 problems found, 2 the model could not be
loaded or its arguments built.

example:
  python -m typed_dists check models/regression.py:model --args data
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m typed_dists",
        description="typed_dists command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="check a NumPyro model's sample sites and print the report",
        description=(
            "Run a NumPyro model once, seeded, and report every sample site "
            "and its problems (see typed_dists.check_model)."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "target",
        metavar="FILE.py:MODEL",
        help="a Python file (or importable module) and the model in it",
    )
    check.add_argument(
        "--args",
        metavar="NAME",
        help="a function in the same file returning the model's arguments",
    )
    check.add_argument(
        "--seed", type=int, default=0, help="the seed of the run (default 0)"
    )
    check.add_argument(
        "--init",
        choices=sorted(_INITS),
        default="prior",
        help=(
            "the latent values: drawn from the prior (default), or NumPyro's "
            "init_to_uniform (what NUTS starts from) or init_to_median"
        ),
    )
    return parser


class _LoadError(Exception):
    """The model or its arguments could not be loaded (exit status 2)."""


def _namespace(source: str) -> dict[str, Any]:
    """The globals of a file (run as a script would be, not as `__main__`),
    or of an importable module."""
    path = Path(source)
    if source.endswith(".py") or "/" in source or "\\" in source or path.exists():
        if not path.is_file():
            raise _LoadError(f"no such file: {source}")
        # Local imports of the file work as they do when it is run.
        sys.path.insert(0, str(path.resolve().parent))
        try:
            return runpy.run_path(str(path), run_name="__typed_dists_check__")
        except Exception as error:
            raise _LoadError(f"running {source} raised {error!r}") from error
    try:
        return vars(importlib.import_module(source))
    except Exception as error:
        raise _LoadError(f"importing {source} raised {error!r}") from error


def _arguments(value: object, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The model's arguments, from what the `--args` function returned."""
    if isinstance(value, dict):
        return (), dict(cast(dict[str, Any], value))
    if isinstance(value, tuple | list):
        items: tuple[Any, ...] = tuple(cast(tuple[Any, ...], value))
        first: Any = items[0] if items else None
        second: Any = items[-1] if items else None
        if len(items) == 2 and isinstance(first, tuple) and isinstance(second, dict):
            return cast(tuple[object, ...], first), cast(dict[str, object], second)
        return items, {}
    raise _LoadError(
        f"{name}() returned {type(value).__name__}; return a tuple of "
        "positional arguments, a dict of keyword arguments, or (tuple, dict)"
    )


def _load(
    target: str, args_name: str | None
) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    source, colon, name = target.rpartition(":")
    if not colon or not source or not name:
        raise _LoadError(f"expected FILE.py:MODEL, got {target!r}")
    namespace = _namespace(source)
    model = namespace.get(name)
    if not callable(model):
        raise _LoadError(f"{source} has no function {name!r}")
    if args_name is None:
        return model, (), {}
    make = namespace.get(args_name)
    if not callable(make):
        raise _LoadError(f"{source} has no function {args_name!r} (--args)")
    try:
        value = make()
    except Exception as error:
        raise _LoadError(f"{args_name}() raised {error!r}") from error
    args, kwargs = _arguments(value, args_name)
    return model, args, kwargs


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default `sys.argv[1:]`); return the
    exit status."""
    options = _parser().parse_args(argv)
    try:
        model, args, kwargs = _load(options.target, options.args)
    except _LoadError as error:
        print(f"python -m typed_dists check: {error}", file=sys.stderr)
        return 2
    report = check_model(
        model,
        *args,
        rng_seed=options.seed,
        init_strategy=_INITS[options.init],
        **kwargs,
    )
    print(report)
    return 0 if report.ok else 1
