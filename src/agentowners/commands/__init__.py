"""One module per `agentowners` command: `add_arguments(parser)` and `run(args) -> int`.

`run` only unpacks the namespace into a plain function that takes keyword
arguments, which is what the tests call.
"""

from __future__ import annotations

import argparse

from agentowners import engine
from agentowners.commands.validate import default_policy_path
from agentowners.engine import FORMATS
from agentowners.errors import UsageError
from agentowners.policy import POLICY_FILE, Policy, load_policy


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


def read_policy(policy_ref: str | None) -> Policy:
    """The policy committed at `policy_ref`, or the work tree's when it is None."""
    if policy_ref:
        policy = engine.policy_at(policy_ref)
        if policy is None:
            raise UsageError(f"there is no {POLICY_FILE} at {policy_ref}")
        return policy
    path = default_policy_path()
    try:
        with open(path, "rb") as f:
            return load_policy(f.read(), POLICY_FILE)
    except FileNotFoundError:
        raise UsageError(f"no {POLICY_FILE} here: run `agentowners init` to write one") from None
