"""Paths that try to escape a scope, and branch names with odd characters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentowners.cli import main
from agentowners.commands.explain import explain
from agentowners.errors import UsageError
from agentowners.patterns import branch_regex
from agentowners.policy import load_policy
from tests.gitrepo import POLICY, GitRepo

# --- explain: a path on the command line names one file, and only that file is judged ---

SEGMENTS = [".", "..", "", "src", "docs", ".github", "sub", "x.py", "a.md", "src\\..\\.github"]


@st.composite
def command_line_paths(draw: st.DrawFn) -> str:
    path = "/".join(draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6)))
    anchor = draw(st.sampled_from(["", "/", "TOP/"]))
    return anchor + path


def judged_target(path: str, top: Path, cwd: Path) -> str | None:
    """The repository path a command-line path points at; None when it is outside."""
    target = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(target, top)
    return None if relative == "." or relative.startswith("..") else relative


@given(path=command_line_paths(), in_subdirectory=st.booleans())
def test_explain_judges_the_file_a_path_points_at(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    in_subdirectory: bool,
) -> None:
    """`..`, absolute paths and backslashes never make explain allow another file."""
    repo.write(".agentowners.toml", POLICY)
    policy = load_policy(POLICY)
    cwd = repo.path / "sub" if in_subdirectory else repo.path
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    path = path.replace("TOP/", f"{repo.path}/")
    target = judged_target(path, repo.path, cwd)
    if target is None:
        with pytest.raises(UsageError):
            explain([path], agent="codex")
        return
    allowed = (
        policy.scope("codex").decide(target).included
        and not policy.protection.decide(target).included
    )
    capsys.readouterr()
    assert explain([path], agent="codex") == (0 if allowed else 1)
    assert capsys.readouterr().out.startswith(target + "\n")


@pytest.mark.parametrize(
    "path",
    [
        "src/../.github/workflows/ci.yml",
        "./src/../../repo/.github/workflows/ci.yml",
        "TOP/.github/workflows/ci.yml",
    ],
)
def test_a_protected_file_reached_by_a_detour_is_still_protected(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    repo.write(".agentowners.toml", POLICY.replace('scope = ["src/**"', 'scope = ["**"'))
    assert main(["explain", path.replace("TOP/", f"{repo.path}/"), "--agent", "codex"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(".github/workflows/ci.yml\n  protected by '.github/**'")


def test_a_backslash_is_part_of_a_name_not_a_separator(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """On POSIX git stores `src\\..\\.github` as one file name at the top: outside `src/**`."""
    repo.write(".agentowners.toml", POLICY)
    assert main(["explain", "src\\..\\.github\\ci.yml", "--agent", "codex"]) == 1
    assert "codex: denied, outside its scope" in capsys.readouterr().out


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.py", "."])
def test_paths_outside_the_work_tree_are_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    repo.write(".agentowners.toml", POLICY)
    assert main(["explain", path, "--agent", "codex"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"agentowners: {path} is ")


# --- branch names ----------------------------------------------------------------


def glob_matches(pattern: str, name: str) -> bool:
    """SPEC §2's branch globs, by recursion over the pattern (an independent reading)."""
    if not pattern:
        return not name
    if pattern.startswith("**/"):
        rest = pattern[3:]
        return glob_matches(rest, name) or any(
            name[i] == "/" and glob_matches(rest, name[i + 1 :]) for i in range(len(name))
        )
    if pattern.startswith("**"):
        return any(glob_matches(pattern[2:], name[i:]) for i in range(len(name) + 1))
    if pattern[0] == "*":
        return any(
            glob_matches(pattern[1:], name[i:]) for i in range(len(name) + 1) if "/" not in name[:i]
        )
    return bool(name) and name[0] == pattern[0] and glob_matches(pattern[1:], name[1:])


BRANCH_CHARS = "ab/*.-_[]?+()^$|\\{}ü\n "


@given(st.text(alphabet=BRANCH_CHARS, max_size=8), st.text(alphabet=BRANCH_CHARS, max_size=8))
def test_branch_patterns_are_globs_and_nothing_else(pattern: str, name: str) -> None:
    """Only `*` and `**` are special; regex and gitignore characters are literal."""
    assert (branch_regex(pattern).fullmatch(name) is not None) == glob_matches(pattern, name)


ODD_BRANCHES = {
    "codex/fix-ü": "codex",
    "codex/a.b": "codex",
    "codex/x/y/z": "codex",
    "codexx/a": "human",
    "Codex/a": "human",
    "release/1.0": "claude-code",
    "release/1x0": "human",
    "release/1.0/hotfix": "human",
}
ODD_POLICY = POLICY.replace('pattern = "claude/**"', 'pattern = "release/1.0"')


@pytest.mark.parametrize(("branch", "executor"), ODD_BRANCHES.items())
def test_odd_branch_names_get_the_executor_their_rule_says(branch: str, executor: str) -> None:
    assert load_policy(ODD_POLICY).owner(branch).executor == executor


@pytest.mark.parametrize("branch", ["codex/a*b", "codex/../main", "codex/a..b", "-x", "a b"])
def test_check_range_refuses_names_git_refuses(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], branch: str
) -> None:
    base = repo.init_policy()
    repo.commit("change\n\nAgent: codex", "src/x.py")
    assert main(["check-range", f"{base}..HEAD", f"--branch={branch}"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "is not a valid branch name" in line
