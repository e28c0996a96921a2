"""check-agent-push (pre-push): every commit being pushed, against the destination branch.

Under pre-commit this sees only the first ref of a multi-ref push (pre-commit
passes no more); `agentowners pre-push` as a plain git hook sees them all.
"""

from __future__ import annotations

import os

from agentowners import push
from agentowners.errors import run_guarded

from . import plain_arguments

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def check_agent_push(environ: Mapping[str, str], *, policy_ref: str | None = None) -> int:
    reads = push.RevisionReads()
    update, receiver = push.pre_commit_update(environ, reads)
    return push.check([update], receiver, policy_ref=policy_ref, reads=reads)


def main(argv: Sequence[str] | None = None) -> int:
    policy_ref = None
    if plain_arguments(argv, 0, 0) is None:
        from agentowners.commands import add_policy_ref
        from agentowners.parsers import hook_parser

        parser = hook_parser("check-agent-push", __doc__)
        add_policy_ref(parser, "the commit the remote already has")
        policy_ref = parser.parse_args(argv).policy_ref
    return run_guarded(lambda: check_agent_push(os.environ, policy_ref=policy_ref))


if __name__ == "__main__":
    raise SystemExit(main())
