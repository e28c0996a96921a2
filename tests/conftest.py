"""Shared fixtures: real git repositories in temp dirs, isolated from the user's git setup."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from agentowners.builtin_agents import BUILTIN_AGENTS
from tests import bighistory, precommit
from tests.gitrepo import GitRepo

# Property tests run on a shared 2-core CI machine: the default profile keeps
# the whole suite fast; HYPOTHESIS_PROFILE=thorough explores far more locally.
# The example database has an absolute path because tests change directory
# into throwaway repositories, which must not get a .hypothesis folder.
_DATABASE = DirectoryBasedExampleDatabase(
    str(Path(__file__).resolve().parent.parent / ".hypothesis" / "examples")
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    database=_DATABASE,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Variables of the machine running the tests that would change results: every
# built-in agent marker (a test run inside an agent must still see a human),
# our own override, and CI's annotation switch.
_INHERITED_SWITCHES = frozenset(
    {marker.partition("=")[0] for agent in BUILTIN_AGENTS for marker in agent.env}
    | {"AGENTOWNERS_AGENT", "GITHUB_ACTIONS"}
)


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user or system git config, a fixed identity, no agent markers from the
    machine running the tests (a test run inside an agent must not change results)."""
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(("GIT_", "PRE_COMMIT_")) or name in _INHERITED_SWITCHES:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Hu Man")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "human@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Hu Man")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "human@example.com")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    subprocess.run(["git", "config", "--global", "init.defaultBranch", "main"], check=True)
    subprocess.run(["git", "config", "--global", "protocol.file.allow", "always"], check=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """An empty repository on `main`, as the current directory."""
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    monkeypatch.chdir(path)
    return GitRepo(path)


@pytest.fixture(scope="session")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> bighistory.BigHistory:
    """100,000 codex commits on one branch, one of them out of scope (read-only: shared)."""
    return bighistory.build(
        tmp_path_factory.mktemp("big") / "repo", commits=100_000, offender_at=54_321
    )


@pytest.fixture(scope="session")
def project_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(path, commit) of a repository holding this checkout's files as they are now."""
    snapshot = tmp_path_factory.mktemp("project")
    return snapshot, precommit.snapshot_checkout(snapshot)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the session: pre-commit builds our environment once."""
    return tmp_path_factory.mktemp("pre-commit-home")
