"""The command line's parsers (argparse), imported only when a command line is parsed.

The edit-time guard and the hooks read their usual command lines without
them: importing argparse (with gettext and locale) costs 2 ms a call.
"""

from __future__ import annotations

import argparse
import importlib
import os

from agentowners.cli import COMMANDS


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
