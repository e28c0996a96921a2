"""How long `agentowners guard` keeps an agent waiting, against a bare Python start.

    .venv/bin/python benchmarks/guard_bench.py [RUNS]

Runs each case RUNS times (default 30) in a throwaway repository and prints
the median wall time and its ratio to `python -c pass` with the same
interpreter. The target for the guard is at most 3x a bare start: about one
Python start plus one git call. Do not run it next to a long test suite.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLICY = (
    'version = 1\nsettings.protected = [".github/**"]\n'
    'agents.codex.scope = ["src/**", "tests/**", "!src/vendor/**"]\n'
    'branch = [{pattern = "codex/**", executor = "codex"}]\n'
)
TARGET_RATIO = 3.0


def payload(repo: Path, tool: str, tool_input: dict[str, str]) -> bytes:
    return json.dumps(
        {
            "session_id": "bench",
            "cwd": str(repo),
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": tool_input,
        }
    ).encode()


# As installed: pip writes bytecode at install time, so a shell that forbids writing
# it (PYTHONDONTWRITEBYTECODE) would time the compiler, not the guard.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def median_ms(argv: list[str], stdin: bytes, cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, input=stdin, cwd=cwd, env=ENV, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com"}
    env.update(GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.com")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def main(runs: int) -> int:
    agentowners = str(Path(sys.executable).with_name("agentowners"))
    guard = [agentowners, "guard", "--protocol", "codex"]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        git(repo, "init", "-q", "-b", "main")
        (repo / ".agentowners.toml").write_text(POLICY)
        git(repo, "add", ".agentowners.toml")
        git(repo, "commit", "-q", "-m", "policy")
        git(repo, "switch", "-q", "-c", "codex/bench")
        patch = "*** Begin Patch\n*** Add File: src/new.py\n+x = 1\n*** End Patch\n"
        cases = {
            "python -c pass": ([sys.executable, "-c", "pass"], b""),
            "guard: write in scope (allowed)": (
                guard,
                payload(repo, "apply_patch", {"command": patch}),
            ),
            "guard: write out of scope (refused)": (
                guard,
                payload(repo, "apply_patch", {"command": patch.replace("src/", "docs/")}),
            ),
            "guard: shell that writes nothing": (guard, payload(repo, "Bash", {"command": "ls"})),
        }
        baseline = None
        for name, (argv, stdin) in cases.items():
            median_ms(argv, stdin, repo, 3)  # warm the file cache
            ms = median_ms(argv, stdin, repo, runs)
            baseline = baseline or ms
            print(f"{name:40} {ms:7.1f} ms  {ms / baseline:4.1f}x")
    print(f"target: guard within {TARGET_RATIO:.0f}x of python -c pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
