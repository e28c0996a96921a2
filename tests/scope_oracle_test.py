"""Scope patterns judged against git itself: `git check-ignore --no-index` is the oracle.

A scope is gitignore syntax as pathspec implements it (SPEC §2): the last
pattern matching a path, or one of the directories above it, decides. Every
pattern a policy accepts must match exactly the paths git's own matcher
matches; where a whole scope differs from the same lines in a .gitignore,
the difference must be one of those documented in docs/scope-semantics.md.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agentowners.errors import PolicyError
from agentowners.patterns import ScopeMatcher
from agentowners.policy import Policy, load_policy, pattern_problem

# --- the oracle --------------------------------------------------------------


class Verdict(NamedTuple):
    line: int | None  # 0-based index of the deciding .gitignore line, None: no line matched
    negated: bool

    @property
    def ignored(self) -> bool:
        return self.line is not None and not self.negated


# Every path on stdin, NUL-separated; for each: source, line, pattern, path.
CHECK_IGNORE = (
    *("git", "-c", "core.ignorecase=false", "check-ignore", "--no-index"),
    *("--stdin", "-z", "--verbose", "--non-matching"),
)


class GitIgnore:
    """A scratch repository whose .gitignore holds the patterns under test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        subprocess.run(["git", "init", "-q", str(root)], check=True)

    def plant(self, files: Sequence[str]) -> None:
        """Make the work tree hold exactly these files, so that git sees their directories."""
        for entry in self.root.iterdir():
            if entry.name == ".git":
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for name in files:
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"")

    def verdicts(self, patterns: Sequence[str], paths: Sequence[str]) -> dict[str, Verdict]:
        """What git says about each path with `patterns` as the top-level .gitignore."""
        (self.root / ".gitignore").write_bytes("".join(f"{p}\n" for p in patterns).encode())
        result = subprocess.run(
            CHECK_IGNORE,
            cwd=self.root,
            input=b"".join(path.encode() + b"\0" for path in paths),
            capture_output=True,
            check=False,
        )
        assert result.returncode in (0, 1), result.stderr
        fields = result.stdout.split(b"\0")[:-1]
        verdicts = {}
        for i in range(0, len(fields), 4):
            _source, line, pattern, path = fields[i : i + 4]
            verdicts[path.decode()] = Verdict(
                int(line) - 1 if line else None, pattern.startswith(b"!")
            )
        assert len(verdicts) == len(set(paths))
        return verdicts


@pytest.fixture(scope="module")
def gitignore(tmp_path_factory: pytest.TempPathFactory) -> GitIgnore:
    return GitIgnore(tmp_path_factory.mktemp("oracle"))


def ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def scope_of(patterns: Sequence[str]) -> Policy:
    """The patterns as a real policy's scope, loaded the way every command loads it."""

    def toml_string(value: str) -> str:
        escaped = "".join(
            ch if ch >= " " and ch not in '"\\\x7f' else f"\\u{ord(ch):04x}" for ch in value
        )
        return f'"{escaped}"'

    scope = ", ".join(toml_string(p) for p in patterns)
    return load_policy(f"version = 1\n[agents.codex]\nscope = [{scope}]\n")


def positive(pattern: str) -> str:
    """The pattern without its negation, as a .gitignore line matching the same paths."""
    body = pattern.removeprefix("!")
    # `!#a` and `!!a` negate the names `#a` and `!a`; alone they need an escape.
    return "\\" + body if body != pattern and body.startswith(("#", "!")) else body


# --- generated patterns and paths -------------------------------------------

RESERVED_NAMES = {".", "..", ".git", ".gitignore"}
NAME_WORDS = [
    "a", "b", "ab", "src", "docs", ".a", "a.py", "b.py", "x.md", "a b", " a", "a ",
    "A", "...", "a.", "*", "?", "[a]", "!a", "#a", "a\\b", "a\tb", "-a",
    "é", "ü.md", "日本", "a\U0001f600",
]  # fmt: skip
NAME_CHARS = "ab.* ?[]!#\\-é"


def names(*, ascii_only: bool) -> st.SearchStrategy[str]:
    words = [w for w in NAME_WORDS if w.isascii() or not ascii_only]
    chars = NAME_CHARS.encode("ascii", "ignore").decode() if ascii_only else NAME_CHARS
    return st.one_of(
        st.sampled_from(words), st.text(alphabet=chars, min_size=1, max_size=4)
    ).filter(lambda name: name not in RESERVED_NAMES)


def file_sets(*, ascii_only: bool) -> st.SearchStrategy[list[str]]:
    """Files of one work tree: no file is also a directory of another."""
    paths = st.lists(names(ascii_only=ascii_only), min_size=1, max_size=4).map("/".join)

    def leaves(found: list[str]) -> list[str]:
        return [p for p in found if not any(q.startswith(p + "/") for q in found)]

    return st.lists(paths, min_size=1, max_size=10, unique=True).map(leaves)


PATTERN_WORDS = [
    "a", "b", "ab", "src", "*", "**", "?", "a*", "*a", "*.py", "*.md", ".*", "?b",
    "[ab]", "[!a]", "[^a]", "[a-c]", "[]a]", "[!]]", "[a-]", "[\\]]", "[é]",
    "\\*", "\\?", "\\[a]", "\\#a", "\\!a", "\\a", "a b", " a", "a\\ ", "a\\b",
    "é", "日*", "x.md", "...", "-a",
]  # fmt: skip
PATTERN_SEGMENTS = st.one_of(
    st.sampled_from(PATTERN_WORDS),
    st.text(alphabet="ab*?[]!\\.é -^#", min_size=1, max_size=4),
)


@st.composite
def patterns(draw: st.DrawFn) -> str:
    """A pattern a policy accepts, outside the documented per-pattern differences."""
    negated, rooted, directory = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    segments = draw(st.lists(PATTERN_SEGMENTS, min_size=1, max_size=3))
    pattern = ("!" if negated else "") + ("/" if rooted else "") + "/".join(segments)
    pattern += "/" if directory else ""
    assume(pattern_problem(pattern) is None)
    # Documented differences (docs/scope-semantics.md), shown by their own tests below.
    assume(not positive(pattern).rstrip("/").endswith("**") or not directory)
    # Patterns of stars and slashes only: pathspec has its own answers for them
    # ('!/' matches every path in a directory); the ones a policy means are
    # compared with git on their own (test_star_slash_patterns_match_like_git).
    assume(not all(set(segment) <= {"*"} for segment in positive(pattern).strip("/").split("/")))
    return pattern


class Example(NamedTuple):
    patterns: list[str]
    files: list[str]


@st.composite
def examples(draw: st.DrawFn) -> Example:
    chosen = draw(st.lists(patterns(), min_size=1, max_size=4))
    # git matches `?` and `[...]` against bytes, agentowners against characters
    # (documented): pair those patterns with ASCII paths.
    ascii_only = any("?" in p or "[" in p for p in chosen)
    files = draw(file_sets(ascii_only=ascii_only))
    assume(files)
    return Example(chosen, files)


# --- properties ---------------------------------------------------------------


@given(examples())
def test_the_deciding_pattern_is_the_last_one_git_matches(
    gitignore: GitIgnore, example: Example
) -> None:
    """Pattern by pattern git decides what matches; the last match decides the scope.

    Alone in a .gitignore, a pattern makes git ignore a file exactly when the
    pattern matches the file or a directory above it, which is what a scope
    pattern matching a path means.
    """
    gitignore.plant(example.files)
    matched: dict[str, int | None] = dict.fromkeys(example.files)
    for index, pattern in enumerate(example.patterns):
        for path, verdict in gitignore.verdicts([positive(pattern)], example.files).items():
            if verdict.ignored:
                matched[path] = index
    scope = scope_of(example.patterns).scope("codex")
    for path in example.files:
        index = matched[path]
        expected = index is not None and not example.patterns[index].startswith("!")
        assert scope.decide(path) == (expected, index), (example.patterns, path)


@given(examples())
def test_a_scope_agrees_with_gitignore_unless_a_directory_is_matched(
    gitignore: GitIgnore, example: Example
) -> None:
    """The same lines as a .gitignore: in scope exactly when git ignores the file,
    except where a pattern matches a directory above it (git's directory rule,
    a deliberate difference: test_directory_rule_differs_from_git)."""
    gitignore.plant(example.files)
    whole = gitignore.verdicts(example.patterns, example.files)
    directories = sorted({d for path in example.files for d in ancestors(path)})
    matched_directories = {
        directory
        for pattern in example.patterns
        for directory, verdict in gitignore.verdicts([positive(pattern)], directories).items()
        if verdict.ignored
    }
    scope = scope_of(example.patterns).scope("codex")
    for path in example.files:
        if not matched_directories.intersection(ancestors(path)):
            assert scope.decide(path).included == whole[path].ignored, (example.patterns, path)


# --- documented differences (docs/scope-semantics.md) --------------------------


class Difference(NamedTuple):
    scope: list[str]
    path: str
    in_scope: bool  # agentowners
    ignored_by_git: bool  # the same lines as a .gitignore


DIFFERENCES = {
    # git never looks below an ignored directory; a scope's later pattern still decides.
    "directory-rule: a later pattern carves a directory out": Difference(
        ["docs/", "!docs/internal/"], "docs/internal/notes.md", False, True
    ),
    "directory-rule: an excluded directory excludes its files": Difference(
        ["*.py", "!vendor/"], "vendor/lib.py", False, True
    ),
    # git matches bytes, agentowners characters.
    "'?' is one character": Difference(["?.md"], "é.md", True, False),
    "'[...]' is one character": Difference(["[!a]"], "é", True, False),
    # pathspec reads 'dir/**/' as 'dir/'; git only matches inside dir's subdirectories.
    "'dir/**/' includes dir's own files": Difference(["src/**/"], "src/main.py", True, False),
}


@pytest.mark.parametrize("case", DIFFERENCES.values(), ids=DIFFERENCES.keys())
def test_documented_difference_from_gitignore(gitignore: GitIgnore, case: Difference) -> None:
    gitignore.plant([case.path])
    assert scope_of(case.scope).scope("codex").decide(case.path).included is case.in_scope
    assert gitignore.verdicts(case.scope, [case.path])[case.path].ignored is case.ignored_by_git


REFUSED = {
    "src/** ": "ends with whitespace",
    "src/\t": "ends with whitespace",
    "src/**.py": "'**' inside a name",
    "a**/b": "'**' inside a name",
    "[[:alpha:]]*": "POSIX class",
    "[\\]]": "'\\' inside [...]",
    "src/[a\\-]": "'\\' inside [...]",
    "src\\": "not a valid pattern",
    "a\\/b": "not a valid pattern",
    "[z-a]": "not a valid pattern",
    "!": "not a valid pattern",
    "#src": "matches nothing",
    "/": "matches nothing",
    "src/[ab": "matches nothing",
    "[^/]*": "matches nothing",
}


@pytest.mark.parametrize(("pattern", "problem"), REFUSED.items())
def test_patterns_git_and_agentowners_would_read_differently_are_refused(
    pattern: str, problem: str
) -> None:
    with pytest.raises(PolicyError) as error:
        scope_of(["docs/**", pattern])
    (line,) = error.value.lines()
    assert line.startswith(".agentowners.toml:3: agents.codex.scope: pattern ")
    assert problem in line


def test_a_trailing_space_can_be_escaped_as_in_git(gitignore: GitIgnore) -> None:
    gitignore.plant(["a ", "a"])
    verdicts = gitignore.verdicts(["a\\ "], ["a ", "a"])
    scope = scope_of(["a\\ "]).scope("codex")
    assert [scope.decide(p).included for p in ("a ", "a")] == [True, False]
    assert [verdicts[p].ignored for p in ("a ", "a")] == [True, False]


@given(st.text(alphabet="ab*?[]!\\/.é -^#:\t", max_size=8))
def test_every_accepted_pattern_compiles(pattern: str) -> None:
    """A pattern the policy accepts never fails later, when a scope is first used."""
    try:
        policy = scope_of([pattern])
    except PolicyError:
        return
    assert pattern_problem(pattern) is None
    ScopeMatcher([pattern]).decide("a/b")
    policy.scope("codex").decide("a/b")


# --- known ScopeMatcher defects (patterns.py, owned by the performance work) ---


def _last_git_match(gitignore: GitIgnore, scope: Sequence[str], path: str) -> tuple[bool, int]:
    """The pathspec rule computed from git: the last pattern git matches decides."""
    gitignore.plant([path])
    matched = [
        index
        for index, pattern in enumerate(scope)
        if gitignore.verdicts([positive(pattern)], [path])[path].ignored
    ]
    assert matched, "each case needs a pattern that git matches"
    return not scope[matched[-1]].startswith("!"), matched[-1]


NEWLINE_CASES = {
    "an exclusion below a directory with a newline": (
        ["src/**", "!**/generated/**"],
        "src/a\nb/generated/x.py",
    ),
    "a name ending in a newline": (["docs/**", "!*.md"], "docs/notes.md\n"),
}


@pytest.mark.parametrize(("scope", "path"), NEWLINE_CASES.values(), ids=NEWLINE_CASES.keys())
def test_paths_with_newlines_match_like_git(
    gitignore: GitIgnore, scope: list[str], path: str
) -> None:
    assert scope_of(scope).scope("codex").decide(path) == _last_git_match(gitignore, scope, path)


@pytest.mark.parametrize("pattern", ["**/", "*/", "/**/", "!*/"])
def test_star_slash_patterns_match_like_git(gitignore: GitIgnore, pattern: str) -> None:
    scope = ["docs/**", pattern]
    path = "docs/a/b.md"
    assert scope_of(scope).scope("codex").decide(path) == _last_git_match(gitignore, scope, path)
