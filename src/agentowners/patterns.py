"""Compiled matchers: gitignore-style path scopes and GitHub-style branch globs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

# pathspec names a group in some of its regexes; our combined regex needs the
# group names for itself, so inner groups become non-capturing.
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class Decision(NamedTuple):
    included: bool
    pattern_index: int | None  # the deciding pattern's index, None when no pattern matched


class ScopeMatcher:
    """gitignore semantics as pathspec implements them: the last matching pattern decides.

    All patterns are compiled into one regular expression, alternatives in
    reverse order, so one ``match`` per path finds the last matching pattern.
    """

    __slots__ = ("_combined", "_included", "patterns")

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        alternatives: list[str] = []
        self._included: dict[str, tuple[bool, int]] = {}
        for index in reversed(range(len(self.patterns))):
            regex, include = GitIgnoreSpecPattern.pattern_to_regex(self.patterns[index])
            if regex is None or include is None:  # blank line or comment
                continue
            group = f"p{index}"
            alternatives.append(f"(?P<{group}>{_NAMED_GROUP.sub('(?:', regex)})")
            self._included[group] = (include, index)
        self._combined = re.compile("|".join(alternatives)) if alternatives else None

    def decide(self, path: str) -> Decision:
        match = self._combined.match(path) if self._combined else None
        if match is None or match.lastgroup is None:
            return Decision(False, None)
        include, index = self._included[match.lastgroup]
        return Decision(include, index)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.decide(path).included

    def outside(self, paths: Iterable[str]) -> list[str]:
        """The paths this scope does not include, in the order given."""
        return [path for path in paths if not self.decide(path).included]


def branch_regex(pattern: str) -> re.Pattern[str]:
    """GitHub branch-protection globs: ``*`` within a segment, ``**`` across segments.

    Everything else is literal. ``a/**/b`` also matches ``a/b``.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.DOTALL)
