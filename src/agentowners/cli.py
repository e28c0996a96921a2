"""The `agentowners` command: one parser, lazy sub-commands, errors.run_guarded around them."""

from __future__ import annotations

import argparse
import importlib
import os
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


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal's width.

    Left to find it, argparse imports shutil, and with it the compression
    modules, on every start: a few milliseconds on every hook and guard call.
    The width is found as shutil.get_terminal_size finds it.
    """

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, width=columns - 2)


def hook_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    """A hook's parser, built only for a command line that is more than plain arguments.

    (agentowners_hooks.plain_arguments: a hook spares itself argparse otherwise.)
    """
    return argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=HelpFormatter
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only `command`'s own module is imported to add its options.

    With a command, the parser knows only that one: every guard call and hook
    pays for one sub-parser, not for all of them (`--help` lists them all).
    """
    parser = argparse.ArgumentParser(
        prog="agentowners",
        description="Keep AI execution agents in their lanes (policy: .agentowners.toml).",
        formatter_class=HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in COMMANDS.items():
        if command not in (None, name):
            continue
        command_parser = sub.add_parser(
            name, help=help_text, description=help_text, formatter_class=HelpFormatter
        )
        if name == command:
            importlib.import_module(module).add_arguments(command_parser)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if arg in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_in(argv)
    args = build_parser(command).parse_args(argv)
    module = COMMANDS[args.command][0]
    return run_guarded(lambda: int(importlib.import_module(module).run(args)))


if __name__ == "__main__":
    raise SystemExit(main())
