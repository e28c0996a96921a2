"""Compiled matchers: gitignore-style path scopes and GitHub-style branch globs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

Translation = tuple["str | None", "bool | None"]  # (regex, include) as pathspec writes them


class Decision(NamedTuple):
    included: bool
    pattern_index: int | None  # the deciding pattern's index, None when no pattern matched


# The shapes of the regexes pathspec's GitIgnoreSpecPattern writes. A shape not
# recognised here is still matched exactly, only without the shortcuts.
_ANY_DEPTH = "^(?:.+/)?"  # a pattern with no inner "/": it may match at any depth
_DIRECTORY_MARK = "(?P<ps_d>/)"  # what matched is a directory (pathspec's named group)
_DIRECTORY_OR_END = f"(?:{_DIRECTORY_MARK}|$)"  # `name`: a file or a directory of that name
# The same, ending only at the end of the path: `$` also matches before a final
# newline, so "notes.md\n" would match `*.md`. With re.DOTALL (`.` matches a
# newline too), paths with a newline match as git matches them.
_DIRECTORY_OR_PATH_END = rf"(?:{_DIRECTORY_MARK}|\Z)"
_DIRECTORY_ONLY = (_DIRECTORY_MARK, "/")  # `name/`, `**/name/**`: a directory only
_ANY_RUN = "[^/]*"  # `*` inside one path component
_ANY_CHAR = "[^/]"  # `?`
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_QUANTIFIERS = "*+?{"
_REGEX_SYNTAX = frozenset(".^$*+?{}[]|()\\")


def pattern_regexes(patterns: Sequence[str]) -> list[Translation]:
    """pathspec's (regex, include) for each gitignore pattern.

    Importing pathspec costs 14 to 16 ms (dataclasses, inspect, pathlib and
    its backends), a third of a commit-time check: patterns without escapes
    or ranges, most of any policy, are translated here as pathspec translates
    them (tests/patterns_test.py holds the two to the same regex), the others
    by pathspec itself. Nothing is cached between processes: a translation
    kept in a file could be edited (or pointed elsewhere through the
    environment) to widen a scope.
    """
    plain = [_plain_translation(pattern) for pattern in patterns]
    return [
        _pathspec_translation(pattern) if translation is None else translation
        for pattern, translation in zip(patterns, plain)
    ]


def _pathspec_translation(pattern: str) -> Translation:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    translation: Translation = GitIgnoreSpecPattern.pattern_to_regex(pattern)
    return translation


def _plain_translation(pattern: str) -> Translation | None:
    """GitIgnoreSpecPattern.pattern_to_regex(pattern) for a pattern with no `\\`, no `[`
    and no trailing whitespace; None for any other pattern.

    The steps are pathspec's: a leading "/" anchors; a single name may be at
    any depth ("**/name"); a trailing "/" is "/**" for a directory only;
    repeated "**" collapse; "**", "*" and "*/" have fixed regexes.
    """
    if "\\" in pattern or "[" in pattern or pattern[-1:].isspace():
        return None
    if not pattern or pattern.startswith("#") or pattern == "/":
        return None, None  # matches nothing
    include = not pattern.startswith("!")
    segments = pattern.removeprefix("!").split("/")
    directory_only = not segments[-1]
    if not segments[0]:
        del segments[0]
    elif segments[0] != "**" and (len(segments) == 1 or segments[1:] == [""]):
        segments.insert(0, "**")
    if not segments:
        return None  # "!" or "!/": invalid, pathspec says how
    if not segments[-1]:
        segments[-1] = "**"
    segments = [s for i, s in enumerate(segments) if not (i and s == segments[i - 1] == "**")]
    everything_below = _DIRECTORY_MARK if directory_only else "/"
    if segments == ["**"]:
        return _DIRECTORY_MARK if directory_only else ".", include
    if segments == ["**", "*"]:
        return ".", include
    if segments == ["**", "*", "**"]:
        return everything_below, include
    parts: list[str] = []
    last = len(segments) - 1
    after_segment = False  # a "/" is due before the next name
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                parts.append(_ANY_DEPTH)
            elif i < last:
                parts.append("(?:/.+)?")
                after_segment = True
            else:
                parts.append(everything_below)
            continue
        if i == 0:
            parts.append("^")
        if after_segment:
            parts.append("/")
        if segment == "*":
            parts.append("[^/]+")
        else:
            parts.extend(
                _ANY_RUN if char == "*" else _ANY_CHAR if char == "?" else re.escape(char)
                for char in segment
            )
        if i == last:
            parts.append(_DIRECTORY_OR_END)
        after_segment = True
    return "".join(parts), include


def _literal(regex: str) -> str | None:
    """The one string `regex` matches when it is escaped text (as re.escape writes it)."""
    text = _ESCAPED.sub(r"\1", regex)
    return text if re.escape(text) == regex else None


def _literal_prefix(regex: str) -> str:
    """The text every path an anchored `regex` matches starts with ("" when unknown)."""
    if not regex.startswith("^") or "|" in regex.replace(_DIRECTORY_OR_END, ""):
        return ""  # not anchored, or an alternative could start differently
    text: list[str] = []
    i = 1  # after "^"
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex) and not regex[i + 1].isalnum():
            text.append(regex[i + 1])
            i += 2
        elif char in _REGEX_SYNTAX:
            if char in _QUANTIFIERS and text:
                text.pop()  # the character before a quantifier is optional
            break
        else:
            text.append(char)
            i += 1
    return "".join(text)


def _alternation(regexes: Iterable[tuple[int, str]]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One regex trying `regexes` in the order given; its `lastgroup` names the index."""
    groups: dict[str, int] = {}
    alternatives: list[str] = []
    for index, regex in regexes:
        groups[f"p{index}"] = index
        # pathspec names a group in some regexes; only ours may have names here.
        alternatives.append(f"(?P<p{index}>{_NAMED_GROUP.sub('(?:', regex)})")
    return re.compile("|".join(alternatives), re.DOTALL), groups


def _first(regex: re.Pattern[str] | None, groups: dict[str, int], text: str) -> int:
    match = regex.match(text) if regex is not None else None
    return -1 if match is None or match.lastgroup is None else groups[match.lastgroup]


class _ComponentGlobs:
    """Globs of one path component: the highest index of those matching a name."""

    __slots__ = ("_groups", "_others", "_regex", "_suffixes", "exact")

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}  # `Makefile`, `build/`
        self._suffixes: dict[int, dict[str, int]] = {}  # `*.md`: length -> suffix -> index
        self._others: list[tuple[int, str]] = []  # `test_*.py`, `?.c`
        self._regex: re.Pattern[str] | None = None
        self._groups: dict[str, int] = {}

    def add(self, index: int, glob: str) -> None:
        """Add a glob; indexes come highest first, so the first entry for a key stays."""
        literal = _literal(glob)
        suffix = _literal(glob[len(_ANY_RUN) :]) if glob.startswith(_ANY_RUN) else None
        if literal is not None:
            self.exact.setdefault(literal, index)
        elif suffix:
            self._suffixes.setdefault(len(suffix), {}).setdefault(suffix, index)
        else:
            self._others.append((index, glob + r"\Z"))

    def __bool__(self) -> bool:
        return bool(self.exact or self._suffixes or self._others)

    def best(self, name: str) -> int:
        best = self.exact.get(name, -1)
        for length, suffixes in self._suffixes.items():
            # A shorter name comes back whole and equals no suffix of this length.
            best = max(best, suffixes.get(name[-length:], -1))
        if self._others:
            if self._regex is None:
                self._regex, self._groups = _alternation(self._others)
            best = max(best, _first(self._regex, self._groups, name))
        return best


class _Anchored(NamedTuple):
    """A pattern with "/" inside (or a shape not recognised): tried as a whole regex."""

    pattern_index: int
    regex: str  # for re.match, at the start of the path
    prefix: str  # literal text every path it matches starts with


class _Directory(NamedTuple):
    best: int  # highest index among the any-depth patterns matching one of its components
    candidates: tuple[_Anchored, ...]  # the other patterns that may match a path here
    regex: re.Pattern[str] | None  # the candidates in one regex, last pattern first
    groups: dict[str, int]


class ScopeMatcher:
    """gitignore semantics as pathspec implements them: the last matching pattern decides.

    Decides what ``PathSpec.from_lines(GitIgnoreSpecPattern, patterns)`` decides
    (a property test holds it to that; paths with a newline aside, see below),
    but reads each directory once:

    * a pattern with no inner "/" (``*.md``, ``build/``, ``**/fixtures/**``)
      matches a path when it matches one of its components: names and suffixes
      are looked up in dicts, other globs in one regex per component;
    * every other pattern (``src/**``, ``docs/*.md``) is tried only on paths in
      a directory its literal prefix allows, all of them in one regex whose
      alternatives run from the last pattern to the first;
    * both are worked out once per directory and remembered.

    The deciding pattern is the highest index that matches. A path with a
    newline matches as git matches it (pathspec's regexes stop at a newline:
    see _DIRECTORY_OR_PATH_END). Paths git never writes (a leading "/") take
    pathspec's own route: each pattern's regex, last first.
    """

    __slots__ = (
        "_decisions",
        "_directories",
        "_directory_globs",
        "_name_globs",
        "_regexes",
        "_unions",
        "patterns",
    )

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self._decisions = {-1: Decision(False, None)}  # -1: no pattern matched
        self._regexes: list[tuple[int, re.Pattern[str]]] = []  # highest index first
        self._directory_globs = _ComponentGlobs()
        name_globs = _ComponentGlobs()
        anchored: list[_Anchored] = []
        translations = pattern_regexes(self.patterns)
        for index in reversed(range(len(self.patterns))):
            regex, include = translations[index]
            if regex is None or include is None:  # blank line, comment, invalid range
                continue
            self._decisions[index] = Decision(include, index)
            whole = regex.replace(_DIRECTORY_OR_END, _DIRECTORY_OR_PATH_END)
            self._regexes.append((index, re.compile(whole, re.DOTALL)))  # a bad one fails here
            if not self._add_component_glob(index, regex, name_globs):
                # match() tries at the start only; pathspec searches.
                anchored_regex = whole if whole.startswith("^") else f".*?(?:{whole})"
                anchored.append(_Anchored(index, anchored_regex, _literal_prefix(regex)))
        self._name_globs = name_globs if name_globs else None  # checked per path: skip when empty
        self._unions: dict[tuple[int, ...], tuple[re.Pattern[str], dict[str, int]]] = {}
        # "" is the top directory: the files without "/" are in it.
        self._directories = {"": self._entry(-1, "", anchored)}

    def _add_component_glob(self, index: int, regex: str, name_globs: _ComponentGlobs) -> bool:
        if not regex.startswith(_ANY_DEPTH):
            return False
        rest = regex[len(_ANY_DEPTH) :]
        tables: tuple[_ComponentGlobs, ...]
        if rest.endswith(_DIRECTORY_OR_END):
            glob, tables = rest[: -len(_DIRECTORY_OR_END)], (self._directory_globs, name_globs)
        else:
            end = next((end for end in _DIRECTORY_ONLY if rest.endswith(end)), None)
            if end is None:
                return False
            glob, tables = rest[: -len(end)], (self._directory_globs,)
        # Only wildcards that stay inside one component, and text without "/".
        text = _literal(glob.replace(_ANY_RUN, "").replace(_ANY_CHAR, ""))
        if text is None or "/" in text:
            return False
        for table in tables:
            table.add(index, glob)
        return True

    def _directory(self, head: str) -> _Directory:
        """A directory's entry, made from the nearest known ancestor's (the top's at worst)."""
        missing: list[str] = []
        known = head
        while known not in self._directories:
            missing.append(known)
            known = known.rpartition("/")[0]
        entry = self._directories[known]
        for directory in reversed(missing):
            entry = self._directories[directory] = self._child(entry, directory)
        return entry

    def _child(self, parent: _Directory, directory: str) -> _Directory:
        """A directory's entry: its parent's and one more component (`directory`'s name)."""
        best = max(parent.best, self._directory_globs.best(directory.rpartition("/")[2]))
        return self._entry(best, f"{directory}/", parent.candidates)

    def _entry(self, best: int, lead: str, candidates: Iterable[_Anchored]) -> _Directory:
        """The entry of the directory whose paths start with `lead` ("" for the top).

        A path there can match a pattern only if it starts with the pattern's
        literal prefix: so only if `lead` starts with it, or it with `lead` (the
        file name decides). Patterns below the best index the any-depth patterns
        found cannot change the decision. The rest are tried last pattern first.
        """
        kept = tuple(
            candidate
            for candidate in candidates
            if candidate.pattern_index > best
            and (lead.startswith(candidate.prefix) or candidate.prefix.startswith(lead))
        )
        key = tuple(candidate.pattern_index for candidate in kept)
        union = self._unions.get(key)
        if union is None and kept:
            union = self._unions[key] = _alternation((c.pattern_index, c.regex) for c in kept)
        regex, groups = union or (None, {})
        return _Directory(best, kept, regex, groups)

    def decide(self, path: str) -> Decision:
        # The hot loop of every range check: one dict lookup per directory, and
        # the Decision objects made once per pattern.
        if path.startswith("/"):
            return self._decide_by_each_pattern(path)
        head, _, name = path.rpartition("/")
        directory = self._directories.get(head) or self._directory(head)
        best = directory.best
        if self._name_globs is not None:
            best = max(best, self._name_globs.best(name))
        if directory.regex is not None:
            best = max(best, _first(directory.regex, directory.groups, path))
        return self._decisions[best]

    def _decide_by_each_pattern(self, path: str) -> Decision:
        for index, regex in self._regexes:
            if regex.search(path):
                return self._decisions[index]
        return self._decisions[-1]

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
