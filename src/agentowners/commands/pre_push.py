"""`agentowners pre-push REMOTE URL`: git's own pre-push hook, judging every ref pushed.

pre-commit hands its pre-push hooks only the first ref of a push; this reads
git's input, every ref, so `git push origin codex/x codex/x:main` is refused
as a whole. Install it as `.git/hooks/pre-push`; it keeps working when
`pre-commit install -t pre-push` moves it aside to `pre-push.legacy`, because
pre-commit runs the legacy hook with the same arguments and input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from agentowners import push
from agentowners.commands import add_policy_ref


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("remote", metavar="REMOTE", help="the remote's name (or URL), from git")
    parser.add_argument("url", metavar="URL", help="the remote's URL, from git")
    add_policy_ref(parser, "the commit the remote already has")


def run(args: argparse.Namespace) -> int:
    return pre_push(args.remote, sys.stdin, policy_ref=args.policy_ref)


def pre_push(remote: str, lines: Iterable[str], *, policy_ref: str | None = None) -> int:
    updates = push.read_updates(lines, "pre-push")
    return push.check(updates, push.PushRemote(remote), policy_ref=policy_ref)
