"""check-agent-trailer (commit-msg): the full check of the commit being made.

The message's trailer (checked against the environment's agent), the staged
paths and the current branch (SPEC §4).
"""

from __future__ import annotations

import os

from agentowners.errors import run_guarded

from . import check_commit_in_progress, plain_arguments

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from agentowners.commit_start import CommitStart


def check_agent_trailer(message_file: str, environ: Mapping[str, str]) -> int:
    def judge(begun: CommitStart) -> int:
        from agentowners import staged  # the engine, imported only once a policy exists

        return staged.message_hook(begun, environ, message_file)

    return check_commit_in_progress(judge)


def main(argv: Sequence[str] | None = None) -> int:
    plain = plain_arguments(argv, 1, 1)
    if plain is None:
        from agentowners.parsers import hook_parser

        parser = hook_parser("check-agent-trailer", __doc__)
        parser.add_argument("message_file", metavar="MSGFILE", help="the commit message file")
        plain = [parser.parse_args(argv).message_file]
    message_file = plain[0]
    return run_guarded(lambda: check_agent_trailer(message_file, os.environ))


if __name__ == "__main__":
    raise SystemExit(main())
