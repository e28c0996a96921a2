"""One module per `agentowners` command: `add_arguments(parser)` and `run(args) -> int`.

`run` only unpacks the namespace into a plain function that takes keyword
arguments, which is what the tests call. This package imports nothing heavy:
the hook commands (`pre-push`, `pre-receive`) answer a repository without a
policy before the engine is imported.
"""

from __future__ import annotations

TYPE_CHECKING = False  # argparse only where a parser is built: see agentowners.parsers
if TYPE_CHECKING:
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


def add_policy_ref(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--policy-ref", metavar="REV", help=f"read the policy from REV (default: {default})"
    )
