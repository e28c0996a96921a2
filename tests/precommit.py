"""The real pre-commit framework in tests.

A test repository's `.pre-commit-config.yaml` points at a snapshot of this
checkout (its current files, committed in a throwaway repository), so
pre-commit clones it and pip-installs agentowners into its own environment,
exactly as for a user. The session fixtures in conftest.py build the snapshot
and share one PRE_COMMIT_HOME, so that the environment is built once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from agentowners.shellwrites import HOOK_IDS
from tests.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[1]


def snapshot_checkout(snapshot: Path) -> str:
    """Commit this checkout's files as they are now in a new repository at `snapshot`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    identity = ["-c", "user.name=snapshot", "-c", "user.email=snapshot@example.com"]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=snapshot, env=env, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=snapshot,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def config(
    snapshot: Path, sha: str, ids: tuple[str, ...] = HOOK_IDS, *, verbose: bool = False
) -> str:
    """A config running our hooks `ids`; `verbose`: their output also when they pass."""
    shown = "        verbose: true\n" if verbose else ""
    hooks = "".join(f"      - id: {hook_id}\n{shown}" for hook_id in ids)
    return f"repos:\n  - repo: {snapshot}\n    rev: {sha}\n    hooks:\n{hooks}"


def pre_commit(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
