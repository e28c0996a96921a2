"""One module per `agentowners` command: `add_arguments(parser)` and `run(args) -> int`.

`run` only unpacks the namespace into a plain function that takes keyword
arguments, which is what the tests call.
"""

from __future__ import annotations

import argparse

from agentowners.engine import FORMATS


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = FORMATS) -> None:
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=choices,
        default=choices[0],
        help=f"output format (default: {choices[0]})",
    )


def add_branch(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--branch", metavar="NAME", help=f"{what} (default: the current branch)")
