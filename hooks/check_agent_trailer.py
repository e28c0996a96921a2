"""check-agent-trailer (commit-msg): the full check of the commit being made.

The message's trailer (checked against the environment's agent), the staged
paths and the current branch (SPEC §4).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence

from agentowners import policy_source
from agentowners.cli import run_guarded
from agentowners.errors import EXIT_OK


def check_agent_trailer(message_file: str, environ: Mapping[str, str]) -> int:
    raw_policy = policy_source.commit_time_policy_or_say_none()
    if raw_policy is None:
        return EXIT_OK
    from agentowners import staged  # the engine, imported only once a policy exists

    return staged.message_hook(raw_policy, environ, message_file)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check-agent-trailer", description=__doc__)
    parser.add_argument("message_file", metavar="MSGFILE", help="the commit message file")
    args = parser.parse_args(argv)
    return run_guarded(lambda: check_agent_trailer(args.message_file, os.environ))


if __name__ == "__main__":
    raise SystemExit(main())
