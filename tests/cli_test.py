from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentowners.cli import main, run_guarded
from agentowners.commands.init import PRE_COMMIT_SNIPPET, STARTER_POLICY
from agentowners.errors import GitError
from agentowners.policy import load_policy
from tests.gitrepo import GitRepo


def test_validate_good_and_bad(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_policy()
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == ".agentowners.toml: valid (2 agents, 3 branch rules)\n"
    repo.write("bad.toml", "version = 1\n[agents.codex]\nscope = 'src'\n")
    assert main(["validate", "bad.toml"]) == 2
    assert capsys.readouterr().err == (
        "bad.toml:3: agents.codex.scope must be an array of strings (got 'src')\n"
    )


def test_validate_missing_file(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_init_writes_a_valid_starter_and_never_overwrites(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.path / "sub").mkdir()
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert PRE_COMMIT_SNIPPET in out
    assert "pre-commit install -t pre-commit -t prepare-commit-msg -t commit-msg -t pre-push" in out
    written = (repo.path / ".agentowners.toml").read_text()
    assert written == STARTER_POLICY
    load_policy(written)  # the starter is valid as written
    (repo.path / ".agentowners.toml").write_text("mine")
    assert main(["init"]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert (repo.path / ".agentowners.toml").read_text() == "mine"


def test_explain_names_the_deciding_pattern_and_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.init_policy()
    assert main(["explain", "src/vendor/x.py", "src/a.py", ".github/ci.yml"]) == 0
    out = capsys.readouterr().out
    assert "  codex: denied, outside its scope by '!src/vendor/**' (.agentowners.toml:7)" in out
    assert "  codex: allowed, in scope by 'src/**' (.agentowners.toml:7)" in out
    assert "protected by '.github/**' (.agentowners.toml:4)" in out
    # paths are relative to the current directory
    (repo.path / "src").mkdir()
    monkeypatch.chdir(repo.path / "src")
    assert main(["explain", "--agent", "codex", "a.py"]) == 0
    assert capsys.readouterr().out.startswith("src/a.py\n  codex: allowed")
    assert main(["explain", "--agent", "codex", "../docs/x.md"]) == 1
    assert main(["explain", "--agent", "codex", "../../escape"]) == 2
    assert "outside the repository" in capsys.readouterr().err


def test_explain_branch(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_policy()
    assert main(["explain", "--agent", "codex", "--branch", "main", "src/a.py"]) == 1
    out = capsys.readouterr().out
    assert "branch main: executor human by rule 'main' (.agentowners.toml:12)" in out
    assert "codex: may not commit on main (foreign-agent)" in out
    assert main(["explain", "--agent", "ghost", "x"]) == 2


def test_whoami(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.init_policy()
    repo.git("switch", "-qc", "codex/a")
    monkeypatch.setenv("CODEX_SANDBOX", "seatbelt")
    assert main(["whoami"]) == 0
    out = capsys.readouterr().out
    assert "agent: codex (environment markers CODEX_SANDBOX)" in out
    assert "branch: codex/a" in out
    assert "executor: codex (rule 'codex/**'; humans may not commit)" in out
    assert "scope of codex: src/**, tests/**, !src/vendor/**" in out


def test_unexpected_errors_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def boom() -> int:
        raise ValueError("bad")

    def git_fails() -> int:
        raise GitError("unknown revision 'x'")

    def interrupted() -> int:
        raise KeyboardInterrupt

    assert run_guarded(boom) == 2
    assert "internal error (ValueError: bad); nothing was allowed" in capsys.readouterr().err
    assert run_guarded(git_fails) == 2
    assert capsys.readouterr().err == "agentowners: unknown revision 'x'\n"
    assert run_guarded(interrupted) == 130


def test_console_script_runs(repo: GitRepo) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "agentowners"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "check-range" in result.stdout


# What `agentowners --help` imports in a fresh interpreter, beyond what it started with.
HELP_PROBE = """
import runpy, sys
started_with = set(sys.modules)
sys.argv = ["agentowners", "--help"]
try:
    runpy.run_module("agentowners.cli", run_name="__main__")
except SystemExit:
    pass
print(" ".join(sorted(set(sys.modules) - started_with)))
"""


def test_help_starts_light() -> None:
    """No engine, no TOML parser, no pathspec; not even shutil, which argparse imports
    for the terminal's width unless its formatter is given one."""
    result = subprocess.run(
        [sys.executable, "-c", HELP_PROBE], capture_output=True, text=True, check=True
    )
    imported = result.stdout.splitlines()[-1].split()  # after the help text
    assert "agentowners.errors" in imported  # (the CLI itself runs as __main__)
    heavy = {"agentowners.engine", "agentowners.policy", "tomllib", "pathspec", "shutil"}
    assert heavy.isdisjoint(imported)


GUARD_PROBE = """
import json, sys
started_with = set(sys.modules)
from agentowners.cli import main
code = main(sys.argv[1:])
print("exit", code, "argparse" in set(sys.modules) - started_with)
"""


@pytest.mark.parametrize(
    ("argv", "uses_argparse"),
    [
        (["guard", "--protocol", "claude-code"], False),  # as agent-hooks installs it
        (["guard"], False),
        (["guard", "--protocol=claude-code"], True),  # any other spelling: argparse's
    ],
)
def test_the_guard_reads_its_usual_command_line_without_argparse(
    argv: list[str], uses_argparse: bool
) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Read", "cwd": "/", "tool_input": {}}
    result = subprocess.run(
        [sys.executable, "-c", GUARD_PROBE, *argv],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == f"exit 0 {uses_argparse}"


def test_a_guard_command_line_argparse_refuses_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agentowners", "guard", "--protocol", "nobody"],
        input="{}",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'nobody'" in result.stderr
