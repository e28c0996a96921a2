"""`agentowners demo`: the installed command plays the scenario, checks it, leaves nothing."""

from __future__ import annotations

import io
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from agentowners import demo
from agentowners.errors import EXIT_INTERRUPTED

AGENTOWNERS = str(Path(sys.executable).parent / "agentowners")


def _temp_dir(tmp_path: Path) -> Path:
    """An empty folder for the demo's TMPDIR: whatever it leaves behind shows up here."""
    path = tmp_path / "tmp"
    path.mkdir()
    return path


def test_demo_plays_every_step_from_a_hostile_shell(tmp_path: Path) -> None:
    # Everything a user's shell could bring that would change the outcome.
    subprocess.run(["git", "config", "--global", "core.hooksPath", "/nonexistent"], check=True)
    subprocess.run(["git", "config", "--global", "commit.gpgSign", "true"], check=True)
    hostile = {
        "CLAUDECODE": "1",
        "AGENTOWNERS_AGENT": "codex",
        "GITHUB_ACTIONS": "true",
        "GIT_DIR": str(tmp_path / "elsewhere.git"),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.hooksPath",
        "GIT_CONFIG_VALUE_0": "/nonexistent",
    }
    temp = _temp_dir(tmp_path)
    result = subprocess.run(
        [AGENTOWNERS, "demo"],
        env={**os.environ, **hostile, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    lines = result.stdout.splitlines()
    expected_in_order = [
        "=> READY: main holds the policy, on the remote too",
        "== 1. codex commits in its scope on codex/parser",
        "  $ CODEX_SANDBOX=1 git commit -m 'Add the parser'",
        "      Agent: codex",
        "=> PASSED: codex committed in its scope, and add-agent-trailer added 'Agent: codex'",
        "== 2. codex commits outside its scope",
        "      staged: protected-path: agent codex on branch codex/parser",
        "          .github/workflows/ci.yml",
        "      staged: out-of-scope: agent codex on branch codex/parser",
        "          docs/index.md",
        "=> REFUSED as expected: docs/ is outside codex's scope, .github/ is protected",
        "  $ CODEX_SANDBOX=1 git commit --no-verify -m 'Speed up the parser'",
        "      staged: out-of-scope: agent codex on branch codex/parser",
        "=> REFUSED as expected: the prepare-commit-msg gate ran the whole check",
        "  $ CLAUDECODE=1 git commit -m 'Document the parser'",
        "      staged: foreign-agent: agent claude-code on branch codex/parser",
        "=> REFUSED as expected: codex/parser belongs to codex; claude-code works on claude/**",
        "  $ CODEX_SANDBOX=1 git push origin codex/parser:main",
        "      error: failed to push some refs to '../origin.git'",
        "  $ git ls-remote origin",
        "=> REFUSED as expected: the remote's main did not move",
        "  $ agentowners audit origin/main..origin/codex/parser --branch codex/parser",
        "=> PASSED: only the human's commit is on main, only codex's in-scope commit on "
        "codex/parser; everything refused left no trace",
        "agentowners demo: all 6 steps behaved as expected",
    ]
    position = 0
    for line in expected_in_order:
        assert line in lines[position:], f"missing, or out of order: {line}\n{result.stdout}"
        position = lines.index(line, position) + 1
    refusal = lines.index("  $ CODEX_SANDBOX=1 git push origin codex/parser:main")
    assert lines[refusal + 1].endswith(": foreign-agent: agent codex on branch main")
    assert "FAILED" not in result.stdout
    assert "::error" not in result.stdout
    assert list(temp.iterdir()) == []


def test_demo_says_so_when_the_hooks_do_not_enforce(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(_temp_dir(tmp_path)))
    monkeypatch.setattr(demo, "hook_script", lambda module_and_args: "#!/bin/sh\nexit 0\n")
    out = io.StringIO()
    assert demo.demo(out=out) == 1
    lines = out.getvalue().splitlines()
    for failure in [
        "=> FAILED: add-agent-trailer did not add 'Agent: codex' to the commit message",
        "=> FAILED: the out-of-scope commit passed, but should have been refused "
        "(out-of-scope, protected-path)",
        "=> FAILED: the remote's main moved: the refused push landed",
    ]:
        assert failure in lines
    assert lines[-1] == (
        "agentowners demo: steps 1, 2, 3, 4, 5, 6 did not behave as expected: this "
        "installation does not enforce the policy as it should"
    )
    assert list(Path(tempfile.tempdir).iterdir()) == []


def test_keep_leaves_the_repository_to_explore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = _temp_dir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = io.StringIO()
    assert demo.demo(keep=True, out=out) == 0
    (kept,) = temp.iterdir()
    work = kept / "work"
    assert out.getvalue().splitlines()[-1] == f"The repository is kept: cd {work}"
    log = subprocess.run(
        ["git", "log", "--format=%s", "codex/parser"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert log.stdout.splitlines() == ["Add the parser", "Add the agent policy"]


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT; kills process groups")
def test_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    """Ctrl-C while a hook runs: git and the hook are killed, then the folder removed."""
    # The `git` first on PATH stops at the --no-verify commit with a "hook" of
    # its own running, which holds a FIFO open for writing as long as it lives.
    hook_alive = tmp_path / "hook-alive"
    os.mkfifo(hook_alive)
    reader = os.open(hook_alive, os.O_RDONLY | os.O_NONBLOCK)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "git").write_text(
        "#!/bin/sh\n"
        'case "$*" in *--no-verify*)\n'
        f'  (echo running; exec sleep 600) > "{hook_alive}" &\n'
        "  wait;;\n"
        "esac\n"
        f'exec "{shutil.which("git")}" "$@"\n'
    )
    (fake_bin / "git").chmod(0o755)
    temp = _temp_dir(tmp_path)
    path = f"{fake_bin}{os.pathsep}{os.environ['PATH']}"
    proc = subprocess.Popen(
        [AGENTOWNERS, "demo"],
        env={**os.environ, "TMPDIR": str(temp), "PATH": path},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert select.select([reader], [], [], 60)[0], "the demo never reached step 3"
        assert os.read(reader, 100) == b"running\n"
        (folder,) = temp.iterdir()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, err) == (EXIT_INTERRUPTED, "agentowners: interrupted\n"), out
    assert "== 3. codex tries again with git commit --no-verify" in out
    # End of file: no process holds the FIFO open any more, the "hook" is dead.
    assert select.select([reader], [], [], 60)[0], "the hook survived the interruption"
    assert os.read(reader, 100) == b""
    os.close(reader)
    assert not folder.exists()
    assert list(temp.iterdir()) == []
