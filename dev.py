#!/usr/bin/env python3
"""Set up .venv (once, and again when pyproject.toml changes) and run a task.

    python3 dev.py demo    # agentowners demo in a throwaway repository
    python3 dev.py test    # the whole test suite, plus mypy --strict and ruff
    python3 dev.py run ... # any agentowners command from the checkout

Only Python 3 and git are needed: everything else is installed from
pyproject.toml into .venv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"

# pytest's "no tests were collected": CI must not read it as a pass.
PYTEST_NO_TESTS = 5


def _pyproject_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    if STAMP.exists() and STAMP.read_text() == _pyproject_digest():
        return
    if not PYTHON.exists():
        print(f"dev.py: creating {VENV}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing agentowners with its test extras", file=sys.stderr)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_text(_pyproject_digest())


def run(*argv: str) -> int:
    return subprocess.run(argv, cwd=ROOT).returncode


def test(extra: list[str]) -> int:
    code = run(str(PYTHON), "-m", "pytest", *extra)
    if code == PYTEST_NO_TESTS:
        print("dev.py: pytest collected no tests: failing on purpose", file=sys.stderr)
        return 1
    if code:
        return code
    # ruff refuses a path that does not exist (benchmarks/ may not be there yet).
    linted = [p for p in ("src", "hooks", "tests", "benchmarks") if (ROOT / p).exists()]
    for check in (
        [str(PYTHON), "-m", "mypy", "--strict", "src", "hooks", "benchmarks"],
        [str(PYTHON), "-m", "ruff", "check", *linted],
        [str(PYTHON), "-m", "ruff", "format", "--check", *linted],
    ):
        code = run(*check)
        if code:
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "run"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    task, rest = argv[0], argv[1:]
    if task == "demo":
        return run(str(BIN / "agentowners"), "demo", *rest)
    if task == "run":
        return run(str(BIN / "agentowners"), *rest)
    return test(rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
