"""ScopeMatcher decides what pathspec decides."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pathspec import PathSpec
from pathspec.patterns.gitignore.base import GitIgnorePatternError
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from agentowners.patterns import Decision, ScopeMatcher, _plain_translation, pattern_regexes

ROOT = Path(__file__).resolve().parent.parent


def reference(patterns: list[str], path: str) -> Decision:
    """SPEC §2: gitignore syntax as pathspec implements it (gitwildmatch), last match wins.

    For a path with a newline, pathspec's regexes read the path as git does
    (docs/scope-semantics.md): `.` matches the newline, and the end is the end.
    """
    if "\n" not in path:
        result = PathSpec.from_lines(GitIgnoreSpecPattern, patterns).check_file(path)
        return Decision(bool(result.include), result.index)
    for index in reversed(range(len(patterns))):
        regex, include = GitIgnoreSpecPattern.pattern_to_regex(patterns[index])
        if regex is None or include is None:
            continue
        if re.search(regex.replace("|$)", r"|\Z)"), path, re.DOTALL):
            return Decision(include, index)
    return Decision(False, None)


SEGMENTS = st.one_of(
    st.sampled_from(["**", "*", "a", "b", "*.md", "a*", "?", "[ab]", "[!a]", "\\*", "x y"]),
    st.text(alphabet="ab.*?[]!\\- ", min_size=1, max_size=4),
)


@st.composite
def patterns(draw: st.DrawFn) -> str:
    segments = draw(st.lists(SEGMENTS, min_size=1, max_size=4))
    text = "/".join(segments)
    if draw(st.booleans()):
        text = "/" + text
    if draw(st.booleans()):
        text += "/"
    if draw(st.booleans()):
        text = "!" + text
    return text


# Paths as git lists them: "/"-separated, no empty, "." or ".." components, but
# any other character, newlines included.
COMPONENTS = st.one_of(
    st.sampled_from(["a", "b", "a.md", "x y", "*", "[ab]", "ab"]),
    st.text(alphabet="ab.*[]!\\ -\n", min_size=1, max_size=4).filter(
        lambda c: c not in {".", ".."}
    ),
)
PATHS = st.lists(COMPONENTS, min_size=1, max_size=5).map("/".join)


# More examples than the suite default: the fast matcher's correctness rests on this test.
@settings(max_examples=500, deadline=None)
@given(st.lists(patterns(), min_size=1, max_size=6), st.lists(PATHS, min_size=1, max_size=8))
@example(["*/"], ["a/b"])
@example(["**/"], ["a/b", "a"])
@example(["/"], ["a"])
@example(["a/*", "!a/b/c"], ["a/b/c", "a/b/d", "a/b"])
@example(["*.md", "!docs/**"], ["docs/x.md", "a\ndocs/x.md", "x.md\n"])
@example(["[!a]", "a/**/b"], ["a/b", "a/x/y/b", "b", "x/b"])
def test_decides_what_pathspec_decides(patterns: list[str], paths: list[str]) -> None:
    try:
        PathSpec.from_lines(GitIgnoreSpecPattern, patterns)
    except (ValueError, re.error) as exc:  # an invalid pattern: refused alike
        with pytest.raises(type(exc)):
            ScopeMatcher(patterns)
        return
    matcher = ScopeMatcher(patterns)
    for path in paths * 2:  # twice: the second time from what was remembered
        assert matcher.decide(path) == reference(patterns, path), (patterns, path)


# Patterns of the shapes agentowners translates itself (no "\\", no "["), and odd ones.
PLAIN_SEGMENTS = st.one_of(
    st.sampled_from(["**", "*", "a", "b", "*.md", "a*", "?", "x y", ".", "..", "", "a**b"]),
    st.text(alphabet="ab.*?!#-]é ", min_size=1, max_size=4),
)
PATTERN_TEXT = st.one_of(
    st.lists(PLAIN_SEGMENTS, min_size=1, max_size=5).map("/".join),
    st.lists(PLAIN_SEGMENTS, min_size=1, max_size=5).map(lambda s: "!" + "/".join(s)),
    st.text(alphabet="ab*?/!# \t\n-]é[\\", max_size=10),
    patterns(),
)


def pathspec_translation(pattern: str) -> tuple[str | None, bool | None] | type[Exception]:
    try:
        return GitIgnoreSpecPattern.pattern_to_regex(pattern)
    except ValueError as exc:
        return type(exc)


@settings(max_examples=1000, deadline=None)
@given(PATTERN_TEXT)
@example("!")
@example("!/")
@example("/")
@example("#a")
@example("")
@example(" a")
@example("a ")
@example("**/")
@example("*/")
@example("!*/**/")
@example("a//b")
@example("/**/**/a/**")
def test_translates_a_pattern_as_pathspec_does(pattern: str) -> None:
    """pathspec's import costs a third of a commit-time check: the patterns with
    no escape and no range are translated without it, to the very same regex."""
    expected = pathspec_translation(pattern)
    plain = _plain_translation(pattern)
    if plain is None:
        # Declined: left to pathspec (escapes, ranges, trailing blanks, invalid).
        assert (
            "\\" in pattern
            or "[" in pattern
            or pattern[-1:].isspace()
            or expected is GitIgnorePatternError
        ), pattern
    else:
        assert plain == expected, pattern
    if isinstance(expected, type):
        with pytest.raises(expected):
            pattern_regexes([pattern])
    else:
        assert pattern_regexes([pattern]) == [expected]


def test_a_policy_of_plain_patterns_never_imports_pathspec(tmp_path: Path) -> None:
    """Every pattern of the sample configurations is translated without pathspec."""
    code = """
import sys
from agentowners.policy import load_policy
for path in sys.argv[1:]:
    policy = load_policy(open(path, "rb").read(), path)
    for agent in policy.agents:
        policy.scope(agent).decide("src/a.py")
    policy.protection.decide("src/a.py")
print(sorted(m for m in sys.modules if m.split(".")[0] == "pathspec"))
"""
    policies = sorted(str(p) for p in (ROOT / "sample-configs").rglob(".agentowners.toml"))
    assert policies
    result = subprocess.run(
        [sys.executable, "-c", code, *policies], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["src/**"], "src/a/b.py", Decision(True, 0)),
        (["src/**"], "src", Decision(False, None)),
        (["src/**", "!src/vendor/**"], "src/vendor/x.c", Decision(False, 1)),
        (["!src/vendor/**", "src/**"], "src/vendor/x.c", Decision(True, 1)),
        (["*.md"], "deep/down/README.md", Decision(True, 0)),
        (["*.md"], "notes.md/inside.txt", Decision(True, 0)),  # a directory named *.md
        (["build/"], "build", Decision(False, None)),  # a file, not a directory
        (["build/"], "a/build/out.o", Decision(True, 0)),
        (["/build"], "a/build", Decision(False, None)),
        (["docs/*.md"], "docs/a.md", Decision(True, 0)),
        (["docs/*.md"], "docs/sub/a.md", Decision(False, None)),
        (["**/fixtures/**"], "tests/fixtures/data.json", Decision(True, 0)),
        (["a/**/b"], "a/b", Decision(True, 0)),
        (["*"], "anything/at/all", Decision(True, 0)),
        (["# comment", "x"], "x", Decision(True, 1)),  # (policies refuse empty ones)
        (["src/**"], "Src/a.py", Decision(False, None)),  # case-sensitive everywhere
        (["*.md"], "notes.md\n", Decision(False, None)),  # a newline is part of the name
        (["src/**", "!**/generated/**"], "src/a\nb/generated/x.py", Decision(False, 1)),
    ],
)
def test_scope_table(patterns: list[str], path: str, expected: Decision) -> None:
    assert ScopeMatcher(patterns).decide(path) == expected == reference(patterns, path)


def test_outside_and_contains() -> None:
    scope = ScopeMatcher(["src/**", "*.md", "!src/vendor/**"])
    paths = ["src/a.py", "README.md", "src/vendor/x.c", "lib/y.c"]
    assert scope.outside(paths) == ["src/vendor/x.c", "lib/y.c"]
    assert "src/a.py" in scope
    assert "lib/y.c" not in scope
    assert 42 not in scope


def test_no_patterns_include_nothing() -> None:
    assert ScopeMatcher([]).decide("a") == Decision(False, None)
