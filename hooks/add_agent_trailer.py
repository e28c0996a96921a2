"""add-agent-trailer (prepare-commit-msg): add `Agent: <id>` and check the whole commit.

git runs prepare-commit-msg even on `git commit --no-verify`, so this hook
always runs the full check as well: it is the commit gate that flag cannot
switch off.
"""

from __future__ import annotations

import os

from agentowners.errors import run_guarded

from . import check_commit_in_progress, plain_arguments

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from agentowners.commit_start import CommitStart


def add_agent_trailer(message_file: str, environ: Mapping[str, str]) -> int:
    def judge(begun: CommitStart) -> int:
        from agentowners import staged  # the engine, imported only once a policy exists

        return staged.prepare_message_hook(begun, environ, message_file)

    return check_commit_in_progress(judge)


def main(argv: Sequence[str] | None = None) -> int:
    # MSGFILE, then git's other prepare-commit-msg arguments when installed as a plain git hook.
    plain = plain_arguments(argv, 1, 3)
    if plain is None:
        import argparse

        from agentowners.parsers import hook_parser

        parser = hook_parser("add-agent-trailer", __doc__)
        parser.add_argument("message_file", metavar="MSGFILE", help="the commit message file")
        parser.add_argument("source", nargs="?", help=argparse.SUPPRESS)
        parser.add_argument("commit", nargs="?", help=argparse.SUPPRESS)
        plain = [parser.parse_args(argv).message_file]
    message_file = plain[0]
    return run_guarded(lambda: add_agent_trailer(message_file, os.environ))


if __name__ == "__main__":
    raise SystemExit(main())
