"""A small driver for real git repositories in tests (no mocks of git)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from agentowners.demo import NATIVE_HOOKS, hook_script

POLICY = """\
version = 1

[settings]
protected = [".github/**"]

[agents.codex]
scope = ["src/**", "tests/**", "!src/vendor/**"]

[agents.claude-code]
scope = ["docs/**", "*.md"]

[[branch]]
pattern = "main"
executor = "human"

[[branch]]
pattern = "codex/**"
executor = "codex"
allow_human = false

[[branch]]
pattern = "claude/**"
executor = "claude-code"
"""


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    def git(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = None if env is None else {**os.environ, **env}
        return subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=full_env,
            check=check,
            text=True,
            capture_output=True,
            input=stdin,
        )

    def out(self, *args: str) -> str:
        return self.git(*args).stdout.strip()

    def write(self, path: str, content: str | bytes = "x\n") -> None:
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def commit(
        self,
        message: str = "change",
        *paths: str,
        content: str = "x\n",
        author: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        """Write each path (unless it exists with the same content), stage all, commit."""
        for path in paths:
            self.write(path, content)
        self.git("add", "-A")
        args = ["commit", "-q", "--allow-empty", "--no-verify", "-m", message]
        if author:
            args += ["--author", author]
        self.git(*args, env=env)
        return self.out("rev-parse", "HEAD")

    def init_policy(self, policy: str = POLICY) -> str:
        self.write(".agentowners.toml", policy)
        return self.commit("policy", ".agentowners.toml", content=policy)


def write_hook(hooks_dir: Path, name: str, script: str) -> Path:
    hooks_dir.mkdir(parents=True, exist_ok=True)
    path = hooks_dir / name
    path.write_text(script)
    path.chmod(0o755)
    return path


def install_native_hooks(repo: GitRepo, stages: tuple[str, ...] = tuple(NATIVE_HOOKS)) -> None:
    """The hooks as plain git hooks running this checkout's code, exactly as
    `agentowners demo` installs them (pre-commit itself: the e2e tests)."""
    hooks_dir = Path(repo.out("rev-parse", "--path-format=absolute", "--git-path", "hooks"))
    for stage in stages:
        write_hook(hooks_dir, stage, hook_script(NATIVE_HOOKS[stage]))


def bare_remote(path: Path, branch: str = "main") -> GitRepo:
    """An empty bare repository whose HEAD names `branch`."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", branch, str(path)], check=True)
    return GitRepo(path)


def install_pre_receive(server: GitRepo) -> None:
    write_hook(server.path / "hooks", "pre-receive", hook_script(("agentowners", "pre-receive")))


def guarded_remote(repo: GitRepo, path: Path, gate: str | None) -> GitRepo:
    """A bare remote holding main (policy included), guarded by one of our push gates."""
    server = bare_remote(path)
    repo.commit("readme", "README.md", "docs/guide.md", "src/app.py")
    repo.init_policy()
    repo.git("remote", "add", "origin", str(server.path))
    repo.git("push", "-q", "origin", "main")
    if gate == "pre-push":
        install_native_hooks(repo, ("pre-push",))
    elif gate == "pre-receive":
        install_pre_receive(server)
    return server


def refs(server: GitRepo) -> dict[str, str]:
    out = server.out("for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split() for line in out.splitlines())
