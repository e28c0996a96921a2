"""`agentowners demo`: the whole story in a throwaway repository (see agentowners.demo)."""

from __future__ import annotations

import argparse

from agentowners.demo import demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary repository and print its path, to explore it",
    )


def run(args: argparse.Namespace) -> int:
    return demo(keep=args.keep)
