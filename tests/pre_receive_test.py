"""`agentowners pre-receive` on a real bare server, with real `git push`.

The push rules themselves run through this gate in push_test.py; here what is
the server's own: its messages, its policy, its install recipe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitrepo import (
    POLICY,
    GitRepo,
    bare_remote,
    guarded_remote,
    install_pre_receive,
    refs,
)

CODEX_MSG = "parser\n\nAgent: codex"


@pytest.fixture
def server(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A bare server holding main with the policy, guarded by our pre-receive hook."""
    return guarded_remote(repo, tmp_path / "server.git", "pre-receive")


def git_push(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = repo.git("push", *args, check=False)
    return result.returncode, result.stdout + result.stderr


def test_an_agent_commit_on_a_human_branch_is_rejected(repo: GitRepo, server: GitRepo) -> None:
    before = refs(server)
    repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "main")
    assert code != 0
    assert "remote: " in output
    assert "foreign-agent: agent codex on branch main" in output
    assert "pre-receive hook declined" in output
    assert refs(server) == before


def test_an_in_scope_agent_push_is_accepted(repo: GitRepo, server: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    sha = repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "codex/parser")
    assert code == 0, output
    assert "remote: agentowners: 1 commit checked, no violations" in output
    assert refs(server)["refs/heads/codex/parser"] == sha


def test_a_server_without_a_policy_accepts_with_one_line(repo: GitRepo, tmp_path: Path) -> None:
    bare = bare_remote(tmp_path / "plain.git")
    install_pre_receive(bare)
    repo.commit(CODEX_MSG, "docs/anything.md")
    code, output = git_push(repo, str(bare.path), "main")
    assert code == 0, output
    assert "remote: agentowners: no .agentowners.toml in the commits the receiver has" in output


def test_a_bad_policy_on_the_server_rejects_everything(repo: GitRepo, server: GitRepo) -> None:
    repo.init_policy(POLICY.replace("[agents.codex]", "[agents.Codex]"))
    assert git_push(repo, "origin", "main")[0] == 0  # a human may change the policy on main
    repo.commit("readme", "README.md", content="y\n")
    code, output = git_push(repo, "origin", "main")
    assert code != 0
    assert "agent id 'Codex' is invalid" in output
