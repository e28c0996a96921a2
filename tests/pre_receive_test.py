"""`agentowners pre-receive` on a real bare server, with real `git push`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import (
    POLICY,
    GitRepo,
    bare_remote,
    hook_script,
    readme_blocks,
    write_hook,
)

CODEX_MSG = "parser\n\nAgent: codex"


def install_pre_receive(server: GitRepo) -> None:
    write_hook(server.path / "hooks", "pre-receive", hook_script("agentowners.cli pre-receive"))


@pytest.fixture
def server(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A bare server holding main with the policy, guarded by our pre-receive hook."""
    bare = bare_remote(tmp_path / "server.git")
    repo.commit("readme", "README.md", "docs/guide.md", "src/app.py")
    repo.init_policy()
    repo.git("remote", "add", "origin", str(bare.path))
    repo.git("push", "-q", "origin", "main")
    install_pre_receive(bare)
    return bare


def refs(server: GitRepo) -> dict[str, str]:
    out = server.out("for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split() for line in out.splitlines())


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


def test_one_bad_ref_rejects_the_whole_push(repo: GitRepo, server: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    before = refs(server)
    code, output = git_push(repo, "origin", "codex/parser", "codex/parser:main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
    assert refs(server) == before


def test_an_in_scope_agent_push_is_accepted(repo: GitRepo, server: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    sha = repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "codex/parser")
    assert code == 0, output
    assert "remote: agentowners: 1 commit checked, no violations" in output
    assert refs(server)["refs/heads/codex/parser"] == sha


def test_commits_the_server_has_elsewhere_are_judged_on_a_new_branch(
    repo: GitRepo, server: GitRepo
) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    assert git_push(repo, "origin", "codex/parser")[0] == 0
    code, output = git_push(repo, "origin", "codex/parser:release")
    assert code != 0
    assert "foreign-agent: agent codex on branch release" in output
    assert "refs/heads/release" not in refs(server)


def test_the_servers_policy_is_enforced_not_the_pushed_one(repo: GitRepo, server: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    widened = POLICY.replace('"src/**", "tests/**"', '"**"')
    repo.commit(CODEX_MSG, ".agentowners.toml", "docs/new.md", content=widened)
    code, output = git_push(repo, "origin", "codex/parser")
    assert code != 0
    assert "out-of-scope: agent codex on branch codex/parser" in output
    assert "protected-path: agent codex on branch codex/parser" in output


def test_deletions_and_tags_are_accepted(repo: GitRepo, server: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    assert git_push(repo, "origin", "codex/parser")[0] == 0
    repo.git("tag", "v1")
    code, output = git_push(repo, "origin", "v1", ":codex/parser")
    assert code == 0, output
    assert "refs/tags/v1" in refs(server)
    assert "refs/heads/codex/parser" not in refs(server)


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


def test_the_readme_pre_receive_recipe_installs_a_working_hook(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = bare_remote(tmp_path / "server.git")
    repo.init_policy()
    repo.git("remote", "add", "origin", str(bare.path))
    repo.git("push", "-q", "origin", "main")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    (recipe,) = readme_blocks("On the server: `agentowners pre-receive`")
    recipe = recipe.replace("/srv/git/project.git", str(bare.path))
    subprocess.run(["sh", "-ec", recipe], check=True)
    repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
