"""How long `agentowners guard` keeps an agent waiting, against a bare Python start.

    .venv/bin/python benchmarks/guard_bench.py [RUNS]

Runs each case RUNS times (default 30) in a throwaway repository and prints
the median wall time and CPU time (the guard's and its git calls') with their
ratio to `python -c pass` with the same interpreter; on a busy machine the CPU
column is the steadier one. The target for the guard is at most 3x a bare start: about one
Python start plus one git call. Do not run it next to a long test suite.
"""

from __future__ import annotations

import json
import os
import resource
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


def timed(argv: list[str], stdin: bytes, cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU counts git's children too."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, input=stdin, cwd=cwd, env=ENV, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


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
        for argv, stdin in cases.values():
            timed(argv, stdin, repo)  # warm the file cache and write the bytecode
        # round robin, so that a busy moment on the machine hits every case alike
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, (argv, stdin) in cases.items():
                samples[name].append(timed(argv, stdin, repo))
    base_wall, base_cpu = (statistics.median(s) * 1000 for s in zip(*samples["python -c pass"]))
    print(f"{'median of ' + str(runs) + ' runs':40} {'wall':>9} {'':5} {'cpu':>9}")
    for name, values in samples.items():
        wall, cpu = (statistics.median(s) * 1000 for s in zip(*values))
        print(
            f"{name:40} {wall:6.1f} ms {wall / base_wall:4.1f}x "
            f"{cpu:6.1f} ms {cpu / base_cpu:4.1f}x"
        )
    print(f"target: guard within {TARGET_RATIO:.0f}x of python -c pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
