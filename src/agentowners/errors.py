"""Typed errors raised by the engine; only the CLI layer turns them into exit codes."""

from __future__ import annotations

from collections.abc import Sequence

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
