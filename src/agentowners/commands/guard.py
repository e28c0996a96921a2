"""`agentowners guard`: answer one agent's pre-tool-call hook (SPEC §6)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import BinaryIO, TextIO

from agentowners.guard import respond
from agentowners.protocols import PROTOCOLS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        help="the agent's hook protocol (default: recognised from the payload's shape)",
    )


def run(args: argparse.Namespace) -> int:
    return guard(sys.stdin.buffer, protocol=args.protocol, environ=os.environ)


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
