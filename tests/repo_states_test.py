"""The engine and `check-range` in unusual repository states, on real repositories."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentowners.cli import main
from tests import bighistory
from tests.gitrepo import POLICY, GitRepo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def violations(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    assert code == (1 if result["violations"] else 0)
    return result


def stage_blob(repo: GitRepo, entries: list[str], content: str = "x\n") -> None:
    """Stage files by index entry only: paths no file system would take are fine."""
    blob = repo.git("hash-object", "-w", "--stdin", stdin=content).stdout.strip()
    repo.git("update-index", "--add", "--index-info", stdin="".join(
        f"100644 {blob}\t{path}\n" for path in entries
    ))  # fmt: skip


# --- empty and unborn -----------------------------------------------------------


def test_check_range_in_an_empty_repository_names_the_missing_revision(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check-range", "main..HEAD") == (
        2,
        "",
        "agentowners: unknown revision 'main': fetch it or check the name (git log main)\n",
    )


def test_whoami_before_the_first_commit_reads_the_staged_policy(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "whoami")
    assert (code, out) == (0, "agentowners: no .agentowners.toml at HEAD: nothing to check "
                              "(run `agentowners init`)\n")  # fmt: skip
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", ".agentowners.toml")
    code, out, _ = run(capsys, "whoami")
    assert code == 0
    assert "branch: main\nexecutor: human (rule 'main'; humans may commit too)\n" in out


def test_an_unborn_branch_is_the_branch_commits_land_on(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    tip = repo.commit("parser\n\nAgent: codex", "src/parser.py")
    repo.git("checkout", "-q", "--orphan", "claude/fresh")  # unborn; the index keeps the policy
    result = violations(capsys, "check-range", f"{base}..{tip}")
    assert [(v["code"], v["branch"]) for v in result["violations"]] == [
        ("foreign-agent", "claude/fresh")
    ]
    code, out, _ = run(capsys, "whoami")
    assert code == 0
    assert "branch: claude/fresh\nexecutor: claude-code" in out


# --- shallow clones -----------------------------------------------------------------


@pytest.fixture
def codex_branch(repo: GitRepo) -> tuple[GitRepo, str]:
    """main: the policy; codex/x: three in-scope codex commits. Returns (origin, base)."""
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    for name in ("a", "b", "c"):
        repo.commit(f"{name}\n\nAgent: codex", f"src/{name}.py")
    return repo, base


@pytest.fixture
def shallow_clone(
    codex_branch: tuple[GitRepo, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[int], GitRepo]:
    """Clones codex/x `depth` commits deep (plus main's tip) and makes it the current directory."""
    origin, _ = codex_branch

    def clone(depth: int) -> GitRepo:
        into = tmp_path / "shallow"
        url = f"file://{origin.path}"  # file://: a plain path would ignore --depth
        subprocess.run(
            ["git", "clone", "-q", f"--depth={depth}", "--branch=codex/x", url, str(into)],
            check=True,
        )
        shallow = GitRepo(into)
        shallow.git("fetch", "-q", "--depth=1", "origin", "main:refs/remotes/origin/main")
        monkeypatch.chdir(into)
        return shallow

    return clone


def test_a_range_cut_by_a_shallow_clone_fails_closed(
    shallow_clone: Callable[[int], GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    """The cut commit looks like a root commit that adds every file: never judge it so."""
    clone = shallow_clone(2)
    edge = clone.out("rev-parse", "HEAD~1")
    code, out, err = run(capsys, "check-range", "origin/main..HEAD")
    assert (code, out) == (2, "")
    assert err.startswith(f"agentowners: commit {edge[:10]} is where this shallow clone's")
    assert "git fetch --deepen=100, or --unshallow" in err
    clone.git("fetch", "-q", "--unshallow")
    assert run(capsys, "check-range", "origin/main..HEAD")[:2] == (
        0,
        "agentowners: 3 commits checked, no violations\n",
    )


def test_a_range_inside_a_shallow_clone_is_checked(
    shallow_clone: Callable[[int], GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    shallow_clone(2)
    assert run(capsys, "check-range", "HEAD~1..HEAD") == (
        0,
        "agentowners: 1 commit checked, no violations\n",
        "",
    )


def test_a_base_the_shallow_clone_lacks_is_named(
    codex_branch: tuple[GitRepo, str],
    shallow_clone: Callable[[int], GitRepo],
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = codex_branch[0].out("rev-parse", "codex/x~2")
    shallow_clone(1)
    code, _, err = run(capsys, "check-range", f"{base}..HEAD")
    assert (code, err) == (2, f"agentowners: unknown revision {base!r}: fetch it or check the "
                              f"name (git log {base})\n")  # fmt: skip


# --- object formats, worktrees, submodules ---------------------------------------


def test_a_sha256_repository_is_checked_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sha256"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(path)], check=True)
    monkeypatch.chdir(path)
    repo = GitRepo(path)
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    sha = repo.commit("docs\n\nAgent: codex", "docs/guide.md")
    assert len(sha) == 64
    result = violations(capsys, "check-range", f"{base}..HEAD")
    assert [(v["commit"], v["code"], v["paths"]) for v in result["violations"]] == [
        (sha[:10], "out-of-scope", ["docs/guide.md"])
    ]


@pytest.fixture
def linked_worktree(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitRepo, str]:
    """A linked worktree on codex/x as the current directory, the main one on main."""
    base = repo.init_policy()
    repo.git("worktree", "add", "-q", "-b", "codex/x", str(tmp_path / "linked"))
    monkeypatch.chdir(tmp_path / "linked")
    return GitRepo(tmp_path / "linked"), base


def test_a_linked_worktree_is_judged_by_its_own_branch(
    linked_worktree: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    linked, base = linked_worktree
    linked.commit("parser\n\nAgent: codex", "src/parser.py")
    assert run(capsys, "check-range", f"{base}..HEAD")[:2] == (
        0,
        "agentowners: 1 commit checked, no violations\n",
    )
    assert "branch: codex/x\n" in run(capsys, "whoami")[1]


def test_a_rebase_in_a_linked_worktree_lands_on_the_branch_being_rebased(
    linked_worktree: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    linked, base = linked_worktree
    linked.commit("docs\n\nAgent: codex", "docs/guide.md")
    linked.git("rebase", "-q", "-i", base, env={"GIT_SEQUENCE_EDITOR": "sed -i 1ibreak"})
    assert linked.git("symbolic-ref", "-q", "HEAD", check=False).returncode == 1  # detached
    result = violations(capsys, "check-range", f"{base}..codex/x")
    assert [(v["code"], v["branch"]) for v in result["violations"]] == [("out-of-scope", "codex/x")]


@pytest.mark.parametrize(("where", "offending"), [("vendor/lib", ["vendor/lib"]), ("src/lib", [])])
def test_a_submodule_pointer_change_is_a_changed_path(
    repo: GitRepo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    offending: list[str],
) -> None:
    library = GitRepo(tmp_path / "library")
    subprocess.run(["git", "init", "-q", str(library.path)], check=True)
    library.commit("v1", "lib.txt", content="1\n")
    repo.write(".agentowners.toml", POLICY)
    repo.git("submodule", "add", "-q", str(library.path), where)
    base = repo.commit("policy and library")
    repo.git("switch", "-qc", "codex/x")
    new = library.commit("v2", "lib.txt", content="2\n")
    repo.git("-C", where, "fetch", "-q", "origin")
    repo.git("-C", where, "checkout", "-q", new)
    repo.commit("bump the library\n\nAgent: codex")
    result = violations(capsys, "check-range", f"{base}..HEAD")
    assert [v["paths"] for v in result["violations"]] == ([offending] if offending else [])


# --- size ------------------------------------------------------------------------


def test_very_long_paths_are_judged_and_reported_whole(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    inside = "src/" + "/".join(["d" * 200] * 40) + "/x.py"
    outside = "docs/" + "/".join(["é" * 100] * 30) + "/x.md"
    stage_blob(repo, [inside, outside])
    repo.git("commit", "-q", "--no-verify", "-m", "long\n\nAgent: codex")
    result = violations(capsys, "check-range", f"{base}..HEAD")
    assert [v["paths"] for v in result["violations"]] == [[outside]]


def test_ten_thousand_files_in_one_commit(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.init_policy(
        POLICY.replace('"!src/vendor/**"]', '"!src/vendor/**"]\nmax_files = 40')
    )
    repo.git("switch", "-qc", "codex/x")
    files = [f"docs/page{i:05}.md" for i in range(10_000)]
    stage_blob(repo, files)
    repo.git("commit", "-q", "--no-verify", "-m", "pages\n\nAgent: codex")
    result = violations(capsys, "check-range", f"{base}..HEAD")
    assert [(v["code"], len(v["paths"])) for v in result["violations"]] == [
        ("out-of-scope", 10_000),
        ("too-many-files", 0),
    ]
    assert result["violations"][0]["paths"] == files
    code, out, _ = run(capsys, "check-range", f"{base}..HEAD")
    assert code == 1
    assert "    docs/page00009.md\n    … and 9990 more\n" in out
    assert "codex changed 10000 files in one commit; the limit is 40" in out


def test_a_history_of_100000_commits_streams_through_check_range(
    big_history: bighistory.BigHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(big_history.path)
    result = violations(
        capsys, "check-range", f"{big_history.base}..{bighistory.BRANCH}",
        "--branch", bighistory.BRANCH,
    )  # fmt: skip
    assert result["checked"] == big_history.commits == 100_000
    assert [(v["commit"], v["code"], v["paths"]) for v in result["violations"]] == [
        (big_history.offender[:10], "out-of-scope", ["docs/notes.md"])
    ]
