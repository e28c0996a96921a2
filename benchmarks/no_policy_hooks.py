"""How long each hook takes in a repository without a policy, beside `python -c pass`.

check-agent-push included: it pushes nothing, but runs with the environment
pre-commit gives it for a clone one commit ahead of its remote.

    python benchmarks/no_policy_hooks.py [--runs N]

Run it with the Python of an environment where agentowners is installed (a
non-editable install measures what pre-commit's environment runs). Target
(issue 5): every hook within 1.5x of a bare Python start; the hooks decide
"is there a policy?" with one git call, and a second that confirms its
absence (a lost object is no missing policy), before importing the engine. Runs are
interleaved and the minimum is reported, the least disturbed by other load.
Run by hand; results go to benchmarks/README.md, not into a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HOOKS = {
    "check-agent-scope": [],
    "add-agent-trailer": [".git/COMMIT_EDITMSG"],
    "check-agent-trailer": [".git/COMMIT_EDITMSG"],
    "check-agent-policy": [],
    "check-agent-push": [],
}


def make_repository(path: str) -> dict[str, str]:
    """A clone one commit ahead of its remote, without a policy; the environment
    pre-commit gives `check-agent-push` for pushing that commit."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> str:
        identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        return subprocess.run(
            ["git", *identity, *args], cwd=path, env=env, check=True, capture_output=True, text=True
        ).stdout.strip()

    remote = os.path.join(path, ".git", "remote.git")
    git("init", "-q", "-b", "main")
    git("init", "-q", "--bare", remote)
    git("commit", "-q", "--allow-empty", "-m", "pushed")
    git("remote", "add", "origin", remote)
    git("push", "-q", "-u", "origin", "main")
    git("commit", "-q", "--allow-empty", "-m", "to push")
    Path(path, ".git", "COMMIT_EDITMSG").write_text("message\n")
    return {
        **os.environ,
        "PRE_COMMIT_FROM_REF": git("rev-parse", "HEAD~1"),
        "PRE_COMMIT_TO_REF": git("rev-parse", "HEAD"),
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_REMOTE_URL": remote,
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands.update({hook: [str(BIN / hook), *args] for hook, args in HOOKS.items()})
    best = dict.fromkeys(commands, float("inf"))
    with tempfile.TemporaryDirectory() as repo:
        env = make_repository(repo)
        for _ in range(runs):
            for name, argv in commands.items():
                start = time.perf_counter()
                subprocess.run(argv, cwd=repo, env=env, stdout=subprocess.DEVNULL, check=True)
                best[name] = min(best[name], time.perf_counter() - start)
    floor = best["python -c pass"]
    for name, seconds in best.items():
        print(f"{name:<22} {seconds * 1000:7.1f} ms  {seconds / floor:4.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
