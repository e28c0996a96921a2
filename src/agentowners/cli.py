"""The `agentowners` command: one parser, lazy sub-commands, errors.run_guarded around them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from agentowners.errors import run_guarded

# name -> (module implementing it, one-line help). Modules are imported only
# when their command runs, so that hooks and guards start fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "check-range": (
        "agentowners.commands.check_range",
        "CI mode: check every commit of BASE..HEAD as if pushed to a branch",
    ),
    "validate": ("agentowners.commands.validate", "validate a policy file"),
    "explain": (
        "agentowners.commands.explain",
        "which agents may change these paths, and the pattern that decided",
    ),
    "whoami": (
        "agentowners.commands.whoami",
        "the running agent, the branch, its executor and the scope that applies",
    ),
    "session": (
        "agentowners.commands.session",
        "snapshot before an agent session, scope verdict and undo after",
    ),
    "init": (
        "agentowners.commands.init",
        "write a starter .agentowners.toml and print the pre-commit snippet",
    ),
    "audit": ("agentowners.commands.audit", "which agent made each commit; totals; violations"),
    "show": ("agentowners.commands.show", "the policy as a table to paste into AGENTS.md"),
    "guard": ("agentowners.commands.guard", "edit-time guard an agent runs before each tool call"),
    "agent-hooks": (
        "agentowners.commands.agent_hooks",
        "write, check or remove the guard in each agent's own hook configuration",
    ),
    "pre-push": ("agentowners.commands.pre_push", "git pre-push hook: check every ref pushed"),
    "pre-receive": ("agentowners.commands.pre_receive", "server-side pre-receive hook"),
    "doctor": ("agentowners.commands.doctor", "say whether each hook stage would really run here"),
    "demo": ("agentowners.commands.demo", "play the whole story in a throwaway repository"),
}


def _command_in(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if arg in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["guard"]:
        # Before every tool call of an agent: its usual command line skips argparse.
        from agentowners.commands import guard

        code = guard.run_plain(argv[1:])
        if code is not None:
            return code
    from agentowners.parsers import build_parser

    command = _command_in(argv)
    args = build_parser(command).parse_args(argv)
    module = COMMANDS[args.command][0]
    return run_guarded(lambda: int(importlib.import_module(module).run(args)))


if __name__ == "__main__":
    raise SystemExit(main())
