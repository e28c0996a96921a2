"""`agentowners doctor` on real repositories with hooks installed every way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agentowners.commands.doctor import doctor
from agentowners.installation import INSTALL_COMMAND
from tests.gitrepo import POLICY, GitRepo, install_native_hooks, write_hook

CONFIG = """\
repos:
  - repo: https://github.com/agentowners/agentowners
    rev: v1.0.0
    hooks:
      - id: check-agent-policy
      - id: check-agent-scope
      - id: add-agent-trailer
      - id: check-agent-trailer
        stages: [manual]
      - id: check-agent-push
"""


@pytest.fixture
def policed(repo: GitRepo) -> GitRepo:
    repo.init_policy()
    return repo


def run_doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = doctor()
    return code, capsys.readouterr().out


def test_nothing_installed(policed: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_doctor(capsys)
    assert code == 1
    hooks = policed.path / ".git" / "hooks"
    assert f"git runs hooks from {hooks}\n" in out
    assert f"pre-commit: DOES NOT RUN\n    no {hooks}/pre-commit. Fix: {INSTALL_COMMAND}" in out
    assert "policy: .agentowners.toml at HEAD is valid (2 agents, 3 branch rules)" in out


def test_agentowners_own_hooks(policed: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    install_native_hooks(policed)
    code, out = run_doctor(capsys)
    assert code == 0, out
    for stage in ("pre-commit", "prepare-commit-msg", "commit-msg", "pre-push"):
        assert f"{stage}: runs\n" in out
    assert "only the first ref" not in out


def test_a_hook_that_is_not_executable(
    policed: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    install_native_hooks(policed)
    script = policed.path / ".git" / "hooks" / "commit-msg"
    script.chmod(0o644)
    code, out = run_doctor(capsys)
    assert code == 1
    assert (
        f"commit-msg: DOES NOT RUN\n    {script} is not executable. Fix: chmod +x {script}" in out
    )


def test_core_hooks_path_elsewhere(
    policed: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_native_hooks(policed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    policed.git("config", "core.hooksPath", str(elsewhere))
    code, out = run_doctor(capsys)
    assert code == 1
    assert f"git runs hooks from {elsewhere} (core.hooksPath = {elsewhere})" in out
    assert "pre-commit: DOES NOT RUN" in out


def test_a_foreign_hook(policed: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    install_native_hooks(policed)
    write_hook(policed.path / ".git" / "hooks", "pre-commit", "#!/bin/sh\nexec lint\n")
    code, out = run_doctor(capsys)
    assert code == 1
    assert "pre-commit: DOES NOT RUN\n" in out
    assert "was not written by pre-commit and does not run agentowners" in out


def test_pre_commits_scripts_and_config(
    policed: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", *INSTALL_COMMAND.split()[1:]],
        cwd=policed.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    code, out = run_doctor(capsys)
    assert code == 1
    assert "there is no .pre-commit-config.yaml" in out

    policed.write(".pre-commit-config.yaml", CONFIG)
    code, out = run_doctor(capsys)
    assert code == 1
    assert (
        "pre-commit: runs\n    pre-commit runs check-agent-scope (.pre-commit-config.yaml)" in out
    )
    assert (
        "commit-msg: DOES NOT RUN\n    pre-commit's script, but .pre-commit-config.yaml does not "
        "run check-agent-trailer at commit-msg" in out
    )
    assert "pre-push: runs\n" in out
    assert "note: pre-commit checks only the first ref of a multi-ref push" in out


def test_husky(policed: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    install_native_hooks(policed)
    generic = '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n'
    for stage in ("pre-commit", "prepare-commit-msg", "commit-msg", "pre-push"):
        write_hook(policed.path / ".husky" / "_", stage, generic)
    policed.write(".husky/pre-commit", "check-agent-scope\n")
    policed.git("config", "core.hooksPath", ".husky/_")
    code, out = run_doctor(capsys)
    assert code == 1
    assert "pre-commit: runs\n    husky runs .husky/pre-commit, which runs agentowners" in out
    assert "commit-msg: DOES NOT RUN\n    husky's script, but .husky/commit-msg does not" in out


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (None, "policy: no .agentowners.toml at HEAD, so the hooks pass everything."),
        (
            POLICY.replace("version = 1", "version = 3"),
            "policy: .agentowners.toml at HEAD is invalid, so every check fails:\n"
            "  .agentowners.toml:1: version must be 1 (got 3)",
        ),
    ],
    ids=["missing", "invalid"],
)
def test_a_missing_or_invalid_policy(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], policy: str | None, expected: str
) -> None:
    if policy is None:
        repo.commit("readme", "README.md")
    else:
        repo.init_policy(policy)
    install_native_hooks(repo)
    code, out = run_doctor(capsys)
    assert code == 1
    assert expected in out


def test_a_linked_worktree_uses_the_common_hooks(
    policed: GitRepo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_native_hooks(policed)
    policed.git("worktree", "add", "-q", "-b", "wt", str(tmp_path / "wt"))
    monkeypatch.chdir(tmp_path / "wt")
    code, out = run_doctor(capsys)
    assert code == 0, out
    assert f"git runs hooks from {policed.path / '.git' / 'hooks'}\n" in out
