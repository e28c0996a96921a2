"""A small driver for real git repositories in tests (no mocks of git)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

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
