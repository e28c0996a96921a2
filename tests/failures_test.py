"""When things go wrong: exit 2 (130 for Ctrl-C), one clear line, the repository untouched.

Every case runs the real CLI in a subprocess and compares `git status
--porcelain` and `git for-each-ref` before and after.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import bighistory
from tests.gitrepo import GitRepo, install_native_hooks, write_hook

CLI = (sys.executable, "-m", "agentowners.cli")


def agentowners(
    *argv: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def snapshot(path: Path) -> tuple[str, str]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=path, capture_output=True, text=True, check=True
        ).stdout

    return git("status", "--porcelain", "--ignored"), git("for-each-ref")


@contextmanager
def untouched(path: Path) -> Iterator[None]:
    before = snapshot(path)
    yield
    assert snapshot(path) == before


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, line: str) -> None:
    assert (result.returncode, result.stdout, result.stderr) == (code, "", line + "\n")


@pytest.fixture
def codex_repo(repo: GitRepo) -> tuple[GitRepo, str]:
    """main: the policy; codex/x checked out with two codex commits. (repo, base)."""
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    repo.commit("a\n\nAgent: codex", "src/a.py")
    repo.commit("b\n\nAgent: codex", "src/b.py")
    return repo, base


# --- git missing -------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [("check-range", "main..HEAD"), ("whoami",), ("explain", "src/a.py"), ("validate",)]
)
def test_git_missing_from_path(
    codex_repo: tuple[GitRepo, str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    repo, _ = codex_repo
    no_git = tmp_path / "bin-without-git"
    no_git.mkdir()
    env = {**os.environ, "PATH": str(no_git)}
    with untouched(repo.path):
        result = agentowners(*argv, cwd=repo.path, env=env)
    assert_one_line(
        result, 2, "agentowners: git is not installed or not on PATH: install git and retry"
    )


# --- git too old -----------------------------------------------------------------------

# The real git posing as git 2.19: its version, and how 2.19 answers the options
# it does not have yet (rev-parse --verify --quiet: a silent exit 1; other rev-parse:
# the option echoed; parse-options: "unknown option" and the usage, exit 129).
OLD_GIT = """#!/bin/bash
case " $* " in
  *" version ") echo "git version 2.19.2"; exit 0;;
  *" rev-parse "*" --end-of-options "*) exit 1;;
  *" rev-parse "*" --path-format=absolute "*)  # echoed, like any option it does not know
    echo --path-format=absolute
    args=(); for arg; do [[ $arg != --path-format=absolute ]] && args+=("$arg"); done
    exec "{real}" "${args[@]}";;
  *" interpret-trailers "*" --no-divider "*)
    echo "error: unknown option \\`no-divider'" >&2
    echo "usage: git interpret-trailers [--in-place] [--trim-empty] [<file>...]" >&2
    exit 129;;
esac
exec "{real}" "$@"
"""
TOO_OLD = "git 2.31 or newer is needed (found 2.19.2)"


@pytest.fixture
def old_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose `git` is git 2.19, as far as agentowners can tell."""
    real = shutil.which("git")
    assert real
    write_hook(tmp_path / "old-git", "git", OLD_GIT.replace("{real}", real))
    return {**os.environ, "PATH": f"{tmp_path / 'old-git'}{os.pathsep}{os.environ['PATH']}"}


def test_git_too_old_is_named_not_taken_for_an_unknown_revision(
    codex_repo: tuple[GitRepo, str], old_git: dict[str, str]
) -> None:
    repo, _ = codex_repo
    with untouched(repo.path):
        result = agentowners("check-range", "main..HEAD", cwd=repo.path, env=old_git)
    assert_one_line(result, 2, f"agentowners: {TOO_OLD}: upgrade git and retry")
    result = agentowners("doctor", cwd=repo.path, env=old_git)
    assert (result.returncode, result.stdout) == (
        1,
        f"git: {TOO_OLD}, so every hook fails. Fix: upgrade git\n",
    )


def test_git_too_old_for_the_guard_refuses_the_write(
    codex_repo: tuple[GitRepo, str], old_git: dict[str, str]
) -> None:
    repo, _ = codex_repo
    payload = {
        "hook_event_name": "PreToolUse",
        "cwd": str(repo.path),
        "tool_name": "Write",
        "tool_input": {"file_path": str(repo.path / "src" / "c.py"), "content": ""},
    }
    result = subprocess.run(
        [*CLI, "guard", "--protocol", "claude-code"],
        cwd=repo.path,
        env=old_git,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    answer = json.loads(result.stdout)["hookSpecificOutput"]
    assert answer["permissionDecision"] == "deny"
    assert f"{TOO_OLD}: upgrade git and retry" in answer["permissionDecisionReason"]


def test_git_too_old_for_a_hook_option_refuses_the_commit(
    codex_repo: tuple[GitRepo, str], old_git: dict[str, str], tmp_path: Path
) -> None:
    """Run as git runs it, but directly: git puts its own directory first on a hook's PATH."""
    repo, _ = codex_repo
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("c\n\nAgent: codex\n")
    with untouched(repo.path):
        result = subprocess.run(
            [sys.executable, "-m", "agentowners_hooks.check_agent_trailer", str(message)],
            cwd=repo.path,
            env=old_git,
            capture_output=True,
            text=True,
            check=False,
        )
    assert_one_line(result, 2, f"agentowners: {TOO_OLD}: upgrade git and retry")


# --- a policy that cannot be had -------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("check-range", "main..HEAD", "--policy-ref", "no-such-ref"),
        ("explain", "src/a.py", "--policy-ref", "no-such-ref"),
    ],
)
def test_a_policy_ref_that_does_not_exist(
    codex_repo: tuple[GitRepo, str], argv: tuple[str, ...]
) -> None:
    repo, _ = codex_repo
    with untouched(repo.path):
        result = agentowners(*argv, cwd=repo.path)
    assert_one_line(
        result,
        2,
        "agentowners: unknown revision 'no-such-ref': fetch it or check the name "
        "(git log no-such-ref)",
    )


@pytest.mark.parametrize("argv", [("validate",), ("explain", "src/a.py")])
def test_an_unreadable_policy_file(codex_repo: tuple[GitRepo, str], argv: tuple[str, ...]) -> None:
    """A directory where the policy file should be. (chmod 000 would not do: the tests
    may run as root, whom permissions do not stop from reading.)"""
    repo, _ = codex_repo
    policy = repo.path / ".agentowners.toml"
    policy.unlink()
    policy.mkdir()
    with untouched(repo.path):
        result = agentowners(*argv, cwd=repo.path)
    assert_one_line(result, 2, f"agentowners: cannot read {policy}: Is a directory")


@pytest.mark.parametrize("argv", [("check-range", "HEAD~1..HEAD"), ("whoami",)])
def test_a_committed_policy_that_is_not_a_file(repo: GitRepo, argv: tuple[str, ...]) -> None:
    repo.commit("policy as a directory", ".agentowners.toml/oops")
    repo.commit("more", "src/a.py")
    with untouched(repo.path):
        result = agentowners(*argv, cwd=repo.path)
    assert result.returncode == 2
    assert result.stderr.endswith(":.agentowners.toml is not a file\n")


# --- corrupt repositories -------------------------------------------------------------


def object_file(repo: GitRepo, rev: str) -> Path:
    oid = repo.out("rev-parse", rev)
    return repo.path / ".git" / "objects" / oid[:2] / oid[2:]


def test_a_missing_tree_in_the_range(codex_repo: tuple[GitRepo, str]) -> None:
    repo, _ = codex_repo
    tree = repo.out("rev-parse", "HEAD~1^{tree}")
    object_file(repo, "HEAD~1^{tree}").unlink()
    with untouched(repo.path):
        result = agentowners("check-range", "main..HEAD", cwd=repo.path)
    assert_one_line(result, 2, f"agentowners: git log failed: fatal: unable to read tree {tree}")


@pytest.mark.parametrize("gate", ["check-range", "pre-receive"])
def test_a_missing_policy_object_is_not_a_missing_policy(
    codex_repo: tuple[GitRepo, str], gate: str
) -> None:
    """cat-file calls both "missing": taking it for "no policy" would pass everything."""
    repo, base = codex_repo
    object_file(repo, f"{base}:.agentowners.toml").unlink()
    with untouched(repo.path):
        if gate == "check-range":
            result = agentowners("check-range", "main..HEAD", cwd=repo.path)
        else:
            pushed = f"{base} {repo.out('rev-parse', 'HEAD')} refs/heads/main\n"
            result = subprocess.run(
                [*CLI, "pre-receive"],
                cwd=repo.path,
                input=pushed,
                capture_output=True,
                text=True,
                check=False,
            )
    assert_one_line(
        result,
        2,
        f"agentowners: {base}:.agentowners.toml is in the tree but its object is missing: "
        "the repository is corrupt or incomplete (run git fsck; fetch again)",
    )


def test_a_missing_policy_object_refuses_every_commit(codex_repo: tuple[GitRepo, str]) -> None:
    """The commit-time hooks read the policy at HEAD: a lost object is no "no policy"."""
    repo, _ = codex_repo
    object_file(repo, "HEAD:.agentowners.toml").unlink()
    install_native_hooks(repo, ("pre-commit", "prepare-commit-msg", "commit-msg"))
    repo.write("src/c.py")
    repo.git("add", "src/c.py")
    with untouched(repo.path):
        result = repo.git("commit", "-m", "c\n\nAgent: codex", check=False)
    assert result.returncode != 0
    assert (
        "agentowners: HEAD:.agentowners.toml is in the tree but its object is missing: the "
        "repository is corrupt or incomplete (run git fsck; fetch again)\n"
    ) in result.stderr
    assert "nothing to check" not in result.stdout + result.stderr


def test_a_corrupt_commit_object(codex_repo: tuple[GitRepo, str]) -> None:
    repo, _ = codex_repo
    damaged = object_file(repo, "HEAD~1")
    damaged.chmod(0o644)
    damaged.write_bytes(b"this is not zlib data")
    with untouched(repo.path):
        result = agentowners("check-range", "main..HEAD", cwd=repo.path)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("agentowners: git log failed: fatal: ")


# --- Ctrl-C -----------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(child) for child in f.read().split()]
    except FileNotFoundError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("to_group", [True, False], ids=["terminal Ctrl-C", "SIGINT to python"])
def test_ctrl_c_during_a_long_check_range(
    big_history: bighistory.BigHistory, to_group: bool
) -> None:
    """A terminal's Ctrl-C reaches git and Python alike; either way: 130, one line."""
    path = big_history.path
    branch = bighistory.BRANCH
    with untouched(path):
        process = subprocess.Popen(
            [*CLI, "check-range", f"{big_history.base}..{branch}", "--branch", branch],
            cwd=path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        while not children(process.pid):  # `git log` started: the check is under way
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        if to_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "agentowners: interrupted\n")
