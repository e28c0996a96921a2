"""`agentowners guard`: answer one agent's pre-tool-call hook (SPEC §6)."""

from __future__ import annotations

import os
import sys

from agentowners.errors import run_guarded
from agentowners.guard import respond
from agentowners.protocols import PROTOCOLS

TYPE_CHECKING = False  # for annotations only: argparse is imported for odd command lines
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from typing import BinaryIO, TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        help="the agent's hook protocol (default: recognised from the payload's shape)",
    )


def run(args: argparse.Namespace) -> int:
    return guard(sys.stdin.buffer, protocol=args.protocol, environ=os.environ)


def run_plain(args: Sequence[str]) -> int | None:
    """`guard` or `guard --protocol P` (as agent-hooks installs it) run without argparse,
    which costs every tool call 2 ms; None for any other command line (argparse's)."""
    if not args:
        protocol = None
    elif len(args) == 2 and args[0] == "--protocol" and args[1] in PROTOCOLS:
        protocol = args[1]
    else:
        return None
    return run_guarded(lambda: guard(sys.stdin.buffer, protocol=protocol, environ=os.environ))


def guard(
    payload: BinaryIO,
    *,
    protocol: str | None,
    environ: Mapping[str, str],
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    response = respond(payload.read(), protocol, environ)
    if response.output:
        print(response.output, file=out or sys.stdout)
    if response.error:
        print(response.error, file=err or sys.stderr)
    return response.exit_code
