"""check-agent-scope (pre-commit): the staged change vs the running agent's scope and branch.

The running agent is the environment's, else the branch's executor when
humans may not commit there; a human's staged change is not scope-checked.
"""

from __future__ import annotations

import os

from agentowners.errors import run_guarded

from . import check_commit_in_progress, plain_arguments

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from agentowners.commit_start import CommitStart


def check_agent_scope(environ: Mapping[str, str]) -> int:
    def judge(begun: CommitStart) -> int:
        from agentowners import staged  # the engine, imported only once a policy exists

        return staged.scope_hook(begun, environ)

    return check_commit_in_progress(judge)


def main(argv: Sequence[str] | None = None) -> int:
    if plain_arguments(argv, 0, 0) is None:
        from agentowners.parsers import hook_parser

        hook_parser("check-agent-scope", __doc__).parse_args(argv)
    return run_guarded(lambda: check_agent_scope(os.environ))


if __name__ == "__main__":
    raise SystemExit(main())
