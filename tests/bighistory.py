"""Repositories too large to build commit by commit: streamed through `git fast-import`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from tests.gitrepo import POLICY

BRANCH = "codex/big"


class BigHistory(NamedTuple):
    path: Path
    base: str  # the policy commit on main
    commits: int  # on BRANCH, above base
    offender: str  # the one commit of BRANCH that leaves codex's scope


def _isolated_env() -> dict[str, str]:
    """git without user configuration: the session fixture runs before per-test isolation."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    # fast-import grows its heap in small steps; glibc trimming it back after
    # each one made the import three times slower (brk calls in strace -c).
    env["MALLOC_TOP_PAD_"] = str(256 << 20)
    return env


def _stream(commits: int, offender_at: int) -> Iterator[bytes]:
    def data(text: str) -> bytes:
        raw = text.encode()
        return b"data %d\n%s\n" % (len(raw), raw)

    who = b"committer Hu Man <human@example.com> 1700000000 +0000\n"
    # Two blobs, written once: each commit flips one file between them.
    yield b"blob\nmark :1\n" + data("a") + b"blob\nmark :2\n" + data("b")
    yield b"commit refs/heads/main\nmark :3\n" + who + data("policy")
    yield b"M 100644 inline .agentowners.toml\n" + data(POLICY)
    for i in range(commits):
        path = "docs/notes.md" if i == offender_at else f"src/module{i % 3}.py"
        yield b"commit refs/heads/%s\nmark :%d\n" % (BRANCH.encode(), i + 4)
        yield who + data(f"change {i}\n\nAgent: codex") + (b"" if i else b"from :3\n")
        yield b"M 100644 :%d %s\n" % (1 + (i // 3) % 2, path.encode())


def build(path: Path, *, commits: int, offender_at: int) -> BigHistory:
    """main: one policy commit; BRANCH: `commits` codex commits, one of them out of scope."""
    env = _isolated_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    marks = path / ".git" / "marks"
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", f"--export-marks={marks}"],
        cwd=path,
        stdin=subprocess.PIPE,
        env=env,
    )
    assert importer.stdin is not None
    for chunk in _stream(commits, offender_at):
        importer.stdin.write(chunk)
    importer.stdin.close()
    assert importer.wait() == 0
    ids = dict(line.split() for line in marks.read_text().splitlines())
    return BigHistory(path, ids[":3"], commits, ids[f":{offender_at + 4}"])
