"""Typed errors raised by the engine, and the one handler that turns them into exit codes.

Every front end (the CLI, each hook) runs its action in :func:`run_guarded`;
it lives here, not in the CLI, so that a hook need not import argparse.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

# Exit codes shared by every command and hook (SPEC §4).
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class AgentownersError(Exception):
    """An expected failure: printed as one line per problem, exit 2."""

    def lines(self) -> list[str]:
        return [f"agentowners: {self}"]


class GitError(AgentownersError):
    """git failed or is missing; the message says what to do."""


class UsageError(AgentownersError):
    """The command line or its input cannot be used."""


class PolicyProblem:
    """One thing wrong with a policy, at a line when it is knowable."""

    __slots__ = ("line", "message")

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line

    def __repr__(self) -> str:
        return f"PolicyProblem({self.message!r}, line={self.line!r})"


class PolicyError(AgentownersError):
    """The policy cannot be used. Nothing is ever allowed because of this."""

    def __init__(self, source: str, problems: Sequence[PolicyProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [
            f"{self.source}:{p.line}: {p.message}" if p.line else f"{self.source}: {p.message}"
            for p in self.problems
        ]


def run_guarded(action: Callable[[], int]) -> int:
    """The one error handler: expected errors -> lines on stderr and exit 2.

    Never exit 0 on a failure and never show a raw traceback.
    """
    try:
        return int(action())
    except AgentownersError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("agentowners: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        print(
            f"agentowners: internal error ({type(exc).__name__}: {exc}); nothing was "
            "allowed. Please report this with the command you ran.",
            file=sys.stderr,
        )
        return EXIT_ERROR
