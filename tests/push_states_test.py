"""Pushes from a shallow clone and from a detached HEAD, through real pushes.

Each case runs through both push gates a developer installs: `agentowners
pre-push` as the plain git hook, and `check-agent-push` under the real
pre-commit framework.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import precommit
from tests.gitrepo import GitRepo, guarded_remote, install_native_hooks, refs

CODEX_MSG = "parser\n\nAgent: codex"
Gate = Callable[[GitRepo], None]


@pytest.fixture(params=["pre-push", "pre-commit"])
def gate(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Gate:
    """Installs one of the two client push gates in a repository."""
    if request.param == "pre-push":
        return lambda clone: install_native_hooks(clone, ("pre-push",))
    snapshot, sha = request.getfixturevalue("project_snapshot")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(request.getfixturevalue("pre_commit_home")))

    def install(clone: GitRepo) -> None:
        config = precommit.config(snapshot, sha, ("check-agent-push",), verbose=True)
        clone.write(".pre-commit-config.yaml", config)
        clone.write(".git/info/exclude", ".pre-commit-config.yaml\n")  # never committed
        installed = precommit.pre_commit(clone, "install", "-t", "pre-push")
        assert installed.returncode == 0, installed.stdout + installed.stderr

    return install


@pytest.fixture
def origin(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A bare remote with main (the policy) and codex/x (three codex commits in scope)."""
    server = guarded_remote(repo, tmp_path / "remote.git", None)
    repo.git("switch", "-qc", "codex/x")
    for name in ("a", "b", "c"):
        repo.commit(f"{name}\n\nAgent: codex", f"src/{name}.py")
    repo.git("push", "-q", "origin", "codex/x")
    return server


def clone_of(server: GitRepo, into: Path, *options: str) -> GitRepo:
    # file://: git ignores --depth for a plain path.
    url = f"file://{server.path}"
    subprocess.run(["git", "clone", "-q", *options, url, str(into)], check=True)
    return GitRepo(into)


def git_push(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = repo.git("push", *args, check=False)
    return result.returncode, result.stdout + result.stderr


# --- shallow clones -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "branch"),
    [(("--depth=1",), "codex/y"), (("--depth=3", "--branch=codex/x"), "codex/x")],
    ids=["depth-1-new-branch", "depth-3-existing-branch"],
)
def test_a_shallow_clone_pushes_only_its_new_commits(
    origin: GitRepo, gate: Gate, tmp_path: Path, options: tuple[str, ...], branch: str
) -> None:
    """The cut is where the remote's history goes on, never a commit that adds every file."""
    clone = clone_of(origin, tmp_path / "clone", *options)
    assert (clone.path / ".git" / "shallow").exists()
    gate(clone)
    clone.git("switch", "-qC", branch)
    clone.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(clone, "origin", branch)
    assert code == 0, output
    assert "agentowners: 1 commit checked, no violations" in output
    clone.commit(CODEX_MSG, "docs/notes.md")
    code, output = git_push(clone, "origin", branch)
    assert code != 0
    assert f"out-of-scope: agent codex on branch {branch}\n    docs/notes.md\n" in output
    assert "agentowners: 1 violation in 1 commit checked" in output


def test_a_push_reaching_past_a_shallow_clones_cut_fails_closed(
    origin: GitRepo, gate: Gate, tmp_path: Path
) -> None:
    """Pushed by URL, no remote-tracking branch says what the remote has: the walk of the
    pushed history reaches the cut, and what the remote has beyond it cannot be seen."""
    clone = clone_of(origin, tmp_path / "clone", "--depth=3", "--branch=codex/x")
    gate(clone)
    clone.commit(CODEX_MSG, "docs/notes.md")
    url = f"file://{origin.path}"
    before = refs(origin)
    code, output = git_push(clone, url, "HEAD:refs/heads/codex/z")
    assert code != 0
    edge = clone.out("rev-parse", "HEAD~3")
    assert f"agentowners: commit {edge[:10]} is where this shallow clone's history is cut" in output
    assert "Fetch more history (git fetch --deepen=100, or --unshallow;" in output
    assert refs(origin) == before
    clone.git("fetch", "-q", "--unshallow")
    code, output = git_push(clone, url, "HEAD:refs/heads/codex/z")
    assert code != 0
    assert "out-of-scope: agent codex on branch codex/z\n    docs/notes.md\n" in output
    assert "agentowners: 1 violation in 4 commits checked" in output  # codex/x's three too
    assert refs(origin) == before


# --- detached HEAD --------------------------------------------------------------------


def test_a_detached_head_push_is_judged_by_its_destination(
    repo: GitRepo, origin: GitRepo, gate: Gate
) -> None:
    gate(repo)
    repo.git("switch", "-q", "--detach", "codex/x")
    repo.commit(CODEX_MSG, "src/parser.py")
    # A new branch needs the full name: git cannot tell a branch from a tag here.
    code, output = git_push(repo, "origin", "HEAD:refs/heads/codex/copy")
    assert code == 0, output
    assert "agentowners: 4 commits checked, no violations" in output  # all that main lacks
    repo.commit(CODEX_MSG, "src/lexer.py")
    code, output = git_push(repo, "origin", "HEAD:codex/x")  # an existing branch
    assert code == 0, output
    assert "agentowners: 2 commits checked, no violations" in output
    before = refs(origin)
    code, output = git_push(repo, "origin", "HEAD:main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
    assert "agentowners: 5 violations in 5 commits checked" in output
    assert refs(origin) == before
