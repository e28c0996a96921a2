"""`agentowners validate [FILE]`: check a policy file, FILE:LINE messages, exit 2 when bad."""

from __future__ import annotations

import argparse
import os

from agentowners import git, gitcmd
from agentowners.errors import EXIT_OK, UsageError
from agentowners.policy import POLICY_FILE, Policy, load_policy, policy_at


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=f"the policy to validate (default: the repository's {POLICY_FILE})",
    )


def run(args: argparse.Namespace) -> int:
    return validate(args.file)


def work_tree_top() -> str | None:
    """The top directory of the work tree we are in, None outside one."""
    result = gitcmd.run("rev-parse", "--show-toplevel")
    top = gitcmd.decode(result.out).strip() if result.code == 0 else ""
    return top or None


def default_policy_path() -> str:
    """The work tree's policy file, or the current directory's outside a repository."""
    return os.path.join(work_tree_top() or os.curdir, POLICY_FILE)


def read_policy(policy_ref: str | None) -> Policy:
    """The policy committed at `policy_ref`, or the work tree's when it is None."""
    if policy_ref:
        policy = policy_at(policy_ref)
        if policy is None:
            if policy_ref != "HEAD":  # an unborn HEAD only means nothing is committed yet
                git.resolve_commit(policy_ref)  # a revision that does not exist is named so
            raise UsageError(f"there is no {POLICY_FILE} at {policy_ref}")
        return policy
    path = default_policy_path()
    try:
        with open(path, "rb") as f:
            return load_policy(f.read(), POLICY_FILE)
    except FileNotFoundError:
        raise UsageError(f"no {POLICY_FILE} here: run `agentowners init` to write one") from None
    except OSError as exc:  # a directory in its place, no permission, ...
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def validate(file: str | None = None) -> int:
    path = file or default_policy_path()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    return validate_policy(raw, file or POLICY_FILE)


def validate_policy(raw: bytes, shown: str) -> int:
    """Load a policy (PolicyError lists what is wrong) and say that it is valid."""
    print(f"{shown}: {describe(load_policy(raw, shown))}")
    return EXIT_OK


def describe(policy: Policy) -> str:
    agents, rules = len(policy.agents), len(policy.branches)
    return (
        f"valid ({agents} agent{'s' if agents != 1 else ''}, "
        f"{rules} branch rule{'s' if rules != 1 else ''})"
    )
