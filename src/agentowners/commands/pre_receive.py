"""`agentowners pre-receive`: the server-side gate, rejecting a whole push on any violation.

Install it as `hooks/pre-receive` of the (bare) repository people push to.
Each `<old> <new> <ref>` line on stdin is judged against the destination
branch with the policy of the server's own history, which no one pushing
can skip.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from agentowners import push
from agentowners.commands import add_policy_ref


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_ref(parser, "the commit this repository already has")


def run(args: argparse.Namespace) -> int:
    return pre_receive(sys.stdin, policy_ref=args.policy_ref)


def pre_receive(lines: Iterable[str], *, policy_ref: str | None = None) -> int:
    updates = push.read_updates(lines, "pre-receive")
    return push.check(updates, push.ThisRepository(), policy_ref=policy_ref)
