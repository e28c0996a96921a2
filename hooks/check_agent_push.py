"""check-agent-push (pre-push): every commit being pushed, against the destination branch.

Under pre-commit this sees only the first ref of a multi-ref push (pre-commit
passes no more); `agentowners pre-push` as a plain git hook sees them all.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence

from agentowners import push
from agentowners.cli import run_guarded
from agentowners.commands import add_policy_ref


def check_agent_push(environ: Mapping[str, str], *, policy_ref: str | None = None) -> int:
    update, receiver = push.pre_commit_update(environ)
    return push.check([update], receiver, policy_ref=policy_ref)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check-agent-push", description=__doc__)
    add_policy_ref(parser, "the commit the remote already has")
    args = parser.parse_args(argv)
    return run_guarded(lambda: check_agent_push(os.environ, policy_ref=args.policy_ref))


if __name__ == "__main__":
    raise SystemExit(main())
