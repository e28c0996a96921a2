"""check-agent-policy (pre-commit): validate `.agentowners.toml` when it is staged.

It validates the index's copy, the one being committed, with the same loader
every check uses; a bad policy fails with FILE:LINE messages (exit 2).
"""

from __future__ import annotations

from agentowners import policy_source
from agentowners.errors import EXIT_OK, run_guarded

from . import plain_arguments

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Sequence


def check_agent_policy() -> int:
    raw_policy = policy_source.read_policy_at(":")
    if raw_policy is None:
        print(policy_source.no_policy_line("in the index"))
        return EXIT_OK
    from agentowners.commands.validate import validate_policy

    return validate_policy(raw_policy, policy_source.POLICY_FILE)


def main(argv: Sequence[str] | None = None) -> int:
    if plain_arguments(argv, 0, 0) is None:
        from agentowners.parsers import hook_parser

        hook_parser("check-agent-policy", __doc__).parse_args(argv)
    return run_guarded(check_agent_policy)


if __name__ == "__main__":
    raise SystemExit(main())
