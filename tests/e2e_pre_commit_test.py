"""End to end through the real pre-commit framework: install, commit, push.

The repositories' `.pre-commit-config.yaml` points at a snapshot of this
checkout (see tests/precommit.py), installed once per session.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agentowners.demo import hook_script
from agentowners.installation import INSTALL_COMMAND
from agentowners.shellwrites import HOOK_IDS
from tests import precommit
from tests.gitrepo import GitRepo, bare_remote, write_hook

CODEX = {"CODEX_SANDBOX": "seatbelt"}
CODEX_MSG = "parser\n\nAgent: codex"


@pytest.fixture
def project(
    repo: GitRepo,
    tmp_path: Path,
    project_snapshot: tuple[Path, str],
    pre_commit_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> GitRepo:
    """A repository with the standard policy and our hooks installed through pre-commit,
    pushing to a bare `origin` that holds main."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    server = bare_remote(tmp_path / "remote.git")
    repo.write(".pre-commit-config.yaml", precommit.config(*project_snapshot))
    repo.commit("readme", "README.md", "docs/guide.md", "src/app.py")
    repo.init_policy()
    repo.git("remote", "add", "origin", str(server.path))
    repo.git("push", "-q", "origin", "main")
    repo.git("remote", "set-head", "origin", "main")
    installed = precommit.pre_commit(repo, *INSTALL_COMMAND.split()[1:], "--install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def run(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = repo.git(*args, env=env, check=False)
    return result.returncode, result.stdout + result.stderr


def doctor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentowners.cli", "doctor"],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )


def remote_refs(repo: GitRepo) -> str:
    return repo.out("ls-remote", "origin")


def test_the_manifest_lists_the_five_hooks_for_pre_commit(
    project_snapshot: tuple[Path, str],
) -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {
        hook["id"]: hook for hook in load_manifest(str(precommit.ROOT / ".pre-commit-hooks.yaml"))
    }
    assert tuple(hooks) == HOOK_IDS
    assert hooks["check-agent-scope"]["stages"] == ["pre-commit"]
    assert hooks["add-agent-trailer"]["stages"] == ["prepare-commit-msg"]
    assert hooks["check-agent-trailer"]["stages"] == ["commit-msg"]
    assert hooks["check-agent-push"]["stages"] == ["pre-push"]
    for hook_id in ("check-agent-scope", "check-agent-push"):
        assert hooks[hook_id]["always_run"]
        assert not hooks[hook_id]["pass_filenames"]


def test_commits_through_pre_commit(project: GitRepo) -> None:
    project.git("switch", "-qc", "codex/parser")
    project.write("src/parser.py")
    project.git("add", "-A")
    code, output = run(project, "commit", "-m", "parser", env=CODEX)
    assert code == 0, output
    assert project.out("log", "-1", "--format=%(trailers:key=Agent,valueonly)") == "codex"

    head = project.out("rev-parse", "HEAD")
    project.write("docs/new.md")
    project.git("add", "-A")
    code, output = run(project, "commit", "-m", "docs", env=CODEX)
    assert code != 0
    assert "check-agent-scope" in output
    assert "out-of-scope: agent codex on branch codex/parser" in output
    code, output = run(project, "commit", "--no-verify", "-m", "docs", env=CODEX)
    assert code != 0
    assert "add-agent-trailer" in output
    assert "out-of-scope: agent codex on branch codex/parser" in output
    assert project.out("rev-parse", "HEAD") == head


def test_check_agent_policy_validates_a_staged_policy(project: GitRepo) -> None:
    project.write(".agentowners.toml", "version = 1\n[agents.codex]\nscope = []\n")
    project.git("add", "-A")
    code, output = run(project, "commit", "-m", "policy")
    assert code != 0
    assert ".agentowners.toml:3: agents.codex.scope is empty" in output


def test_pushes_through_pre_commit(project: GitRepo) -> None:
    project.git("switch", "-qc", "codex/parser")
    project.write("src/parser.py")
    project.git("add", "-A")
    assert run(project, "commit", "-m", "parser", env=CODEX)[0] == 0
    code, output = run(project, "push", "origin", "codex/parser")
    assert code == 0, output
    before = remote_refs(project)
    code, output = run(project, "push", "origin", "codex/parser:main")
    assert code != 0
    assert "check-agent-push" in output
    assert "foreign-agent: agent codex on branch main" in output
    assert remote_refs(project) == before


def test_a_push_reaching_a_root_commit_is_checked_without_from_and_to_refs(
    project: GitRepo,
) -> None:
    """pre-commit exports no PRE_COMMIT_FROM_REF/_TO_REF when the pushed history
    reaches a root commit the remote lacks: the hook finds the commits itself."""
    config = (project.path / ".pre-commit-config.yaml").read_text()
    project.git("switch", "-q", "--orphan", "codex/fresh")
    project.write(".pre-commit-config.yaml", config)  # untracked: pre-commit still finds it
    project.write("docs/guide.md")
    project.git("add", "docs/guide.md")
    project.git("commit", "-q", "-m", CODEX_MSG)  # no HEAD, no policy in the index: passes
    before = remote_refs(project)
    code, output = run(project, "push", "origin", "codex/fresh")
    assert code != 0
    assert "out-of-scope: agent codex on branch codex/fresh\n    docs/guide.md" in output
    assert remote_refs(project) == before


def push_codex_then_release(repo: GitRepo) -> tuple[int, str]:
    """codex/parser exists on the remote; push it again together with a new `release`.

    git lists the remote's existing refs first in a hook's input, so pre-commit
    sees codex/parser only, never release (whose executor is a human)."""
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    assert run(repo, "push", "-q", "origin", "codex/parser")[0] == 0
    repo.commit(CODEX_MSG, "src/lexer.py")
    return run(repo, "push", "origin", "codex/parser", "codex/parser:release")


def test_a_new_branch_under_pre_commit_judges_what_the_default_branch_lacks(
    project: GitRepo,
) -> None:
    """PRE_COMMIT_FROM_REF is then the parent of the first commit the remote lacks
    anywhere; the branch is new, so the commits it already has elsewhere count too."""
    project.git("switch", "-qc", "codex/parser")
    project.commit(CODEX_MSG, "src/parser.py")
    assert run(project, "push", "-q", "origin", "codex/parser")[0] == 0
    project.commit(CODEX_MSG, "src/lexer.py")
    code, output = run(project, "push", "origin", "codex/parser:release")
    assert code != 0
    assert "agentowners: 2 violations in 2 commits checked" in output


def test_pre_commit_alone_sees_only_the_first_ref_of_a_push(project: GitRepo) -> None:
    """The measured gap that `agentowners pre-push` closes (see the next test)."""
    code, output = push_codex_then_release(project)
    assert code == 0, output


def test_agentowners_pre_push_as_pre_push_legacy_checks_every_ref(
    repo: GitRepo,
    tmp_path: Path,
    project_snapshot: tuple[Path, str],
    pre_commit_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The set-up of README "Hooks": our own pre-push first, then pre-commit's install
    moves it to pre-push.legacy, which pre-commit runs with git's full input."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    server = bare_remote(tmp_path / "remote.git")
    repo.write(".pre-commit-config.yaml", precommit.config(*project_snapshot))
    repo.commit("readme", "README.md", "src/app.py")
    repo.init_policy()
    repo.git("remote", "add", "origin", str(server.path))
    repo.git("push", "-q", "origin", "main")
    hooks_dir = repo.path / ".git" / "hooks"
    write_hook(hooks_dir, "pre-push", hook_script(("agentowners", "pre-push")))
    installed = precommit.pre_commit(repo, "install", "-t", "pre-push")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (hooks_dir / "pre-push.legacy").exists()

    code, output = push_codex_then_release(repo)
    assert code != 0
    assert "foreign-agent: agent codex on branch release" in output
    before = remote_refs(repo)
    assert "refs/heads/release" not in before
    code, output = run(repo, "push", "origin", "codex/parser", "codex/parser:main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
    assert remote_refs(repo) == before

    report = doctor(repo.path)
    assert "pre-push.legacy, which pre-commit runs first, runs agentowners" in report.stdout
    assert "only the first ref" not in report.stdout


def test_doctor_sees_the_pre_commit_installation(project: GitRepo) -> None:
    report = doctor(project.path)
    assert report.returncode == 0, report.stdout + report.stderr
    for stage, hook_id in (
        ("pre-commit", "check-agent-scope"),
        ("prepare-commit-msg", "add-agent-trailer"),
        ("commit-msg", "check-agent-trailer"),
        ("pre-push", "check-agent-push"),
    ):
        assert f"{stage}: runs\n    pre-commit runs {hook_id} (.pre-commit-config.yaml)" in (
            report.stdout
        )
    assert "only the first ref of a multi-ref push" in report.stdout
