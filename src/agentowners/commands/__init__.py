"""One module per `agentowners` command: `add_arguments(parser)` and `run(args) -> int`.

`run` only unpacks the namespace into a plain function that takes keyword
arguments, which is what the tests call.
"""

from __future__ import annotations

import argparse


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] | None = None) -> None:
    if choices is None:
        # imported here: the engine is heavy, and `guard` must start fast
        from agentowners.engine import FORMATS

        choices = FORMATS
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=choices,
        default=choices[0],
        help=f"output format (default: {choices[0]})",
    )


def add_branch(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--branch", metavar="NAME", help=f"{what} (default: the current branch)")
