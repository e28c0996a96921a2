"""`agentowners validate [FILE]`: check a policy file, FILE:LINE messages, exit 2 when bad."""

from __future__ import annotations

import argparse
import os

from agentowners import gitcmd
from agentowners.errors import EXIT_OK, UsageError
from agentowners.policy import POLICY_FILE, load_policy


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
    top = result.out.decode("utf-8", "surrogateescape").strip() if result.code == 0 else ""
    return top or None


def default_policy_path() -> str:
    """The work tree's policy file, or the current directory's outside a repository."""
    return os.path.join(work_tree_top() or os.curdir, POLICY_FILE)


def validate(file: str | None = None) -> int:
    path = file or default_policy_path()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    shown = file or POLICY_FILE
    policy = load_policy(raw, shown)
    print(
        f"{shown}: valid ({len(policy.agents)} agent{'s' if len(policy.agents) != 1 else ''}, "
        f"{len(policy.branches)} branch rule{'s' if len(policy.branches) != 1 else ''})"
    )
    return EXIT_OK
