"""agent-hooks install/check/uninstall on realistic configurations, and the commands they
write run exactly as each agent runs them: `sh -c COMMAND`, payload on stdin, in the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentowners.agenthooks import claude_rule, permission_rules, session_command
from agentowners.cli import main
from agentowners.policy import load_policy
from tests.gitrepo import POLICY, GitRepo

FIXTURES = Path(__file__).parent / "fixtures" / "guard"
ALL_AGENTS = (
    POLICY
    + """
[agents.gemini]
scope = ["src/**"]

[agents.copilot]
scope = ["src/**"]

[agents.cursor]
scope = ["src/**"]

[agents.aider]
scope = ["src/**"]

[[branch]]
pattern = "gemini/**"
executor = "gemini"

[[branch]]
pattern = "copilot/**"
executor = "copilot"

[[branch]]
pattern = "cursor/**"
executor = "cursor"
"""
)

# What teams already have in these files (from the agents' own docs and examples).
EXISTING: dict[str, Any] = {
    ".claude/settings.json": {
        "model": "opus",
        "env": {"FOO": "bar"},
        "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]},
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "./scripts/block-rm.sh"}],
                }
            ],
            "PostToolUse": [
                {
                    "matcher": "Write|Edit",
                    "hooks": [{"type": "command", "command": "npx prettier --write"}],
                }
            ],
        },
    },
    ".codex/hooks.json": {
        "hooks": {
            "SessionStart": [
                {
                    "matcher": "startup|resume",
                    "hooks": [{"type": "command", "command": "sh .codex/load.sh"}],
                }
            ],
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "python3 .codex/policy.py"}],
                }
            ],
        }
    },
    ".gemini/settings.json": {
        "theme": "GitHub",
        "hooksConfig": {"enabled": True},
        "hooks": {
            "BeforeTool": [
                {
                    "matcher": "write_file|replace",
                    "hooks": [
                        {
                            "name": "security-check",
                            "type": "command",
                            "command": "$GEMINI_PROJECT_DIR/.gemini/hooks/security.sh",
                            "timeout": 5000,
                        }
                    ],
                }
            ]
        },
    },
    ".github/hooks/security.json": {
        "version": 1,
        "hooks": {"preToolUse": [{"type": "command", "bash": "./scripts/security-check.sh"}]},
    },
    ".cursor/hooks.json": {
        "version": 1,
        "hooks": {
            "afterFileEdit": [{"command": "./hooks/format.sh"}],
            "beforeShellExecution": [{"command": "./hooks/audit.sh", "matcher": "curl|wget"}],
        },
    },
}
FILES = {
    "claude-code": ".claude/settings.json",
    "codex": ".codex/hooks.json",
    "gemini": ".gemini/settings.json",
    "copilot": ".github/hooks/agentowners.json",
    "cursor": ".cursor/hooks.json",
}


def read(repo: GitRepo, path: str) -> Any:
    return json.loads((repo.path / path).read_text(encoding="utf-8"))


def contains(whole: Any, part: Any) -> bool:
    """Every key and list item of `part` is in `whole` (lists: in order, among others)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and contains(whole[key], value) for key, value in part.items()
        )
    if isinstance(part, list):
        remaining = iter(whole) if isinstance(whole, list) else iter(())
        return all(any(contains(item, wanted) for item in remaining) for wanted in part)
    return bool(whole == part)


@pytest.fixture
def configured(repo: GitRepo) -> GitRepo:
    for path, content in EXISTING.items():
        repo.write(path, json.dumps(content, indent=2) + "\n")
    repo.init_policy(ALL_AGENTS)
    return repo


def hooks_of(repo: GitRepo, agent: str, event: str) -> list[dict[str, Any]]:
    """Our handlers for `event` in `agent`'s file, as the agent would read them."""
    entries = read(repo, FILES[agent])["hooks"].get(event, [])
    if agent in ("copilot", "cursor"):
        handlers = entries
    else:
        handlers = [handler for group in entries for handler in group["hooks"]]
    return [
        h for h in handlers if str(h.get("command", h.get("bash", ""))).startswith("agentowners ")
    ]


def installed_command(repo: GitRepo, agent: str, event: str) -> str:
    (handler,) = hooks_of(repo, agent, event)
    return str(handler.get("command") or handler["bash"])


def test_install_merges_into_every_agents_file_and_keeps_theirs(
    configured: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agent-hooks", "install"]) == 0
    out = capsys.readouterr().out
    for agent, path in FILES.items():
        assert f"{agent}: {path}: wrote" in out
    for path, content in EXISTING.items():
        assert contains(read(configured, path), content), path
    assert "aider: aider has no pre-tool hook" in out
    assert "`git-commit-verify: true` in .aider.conf.yml" in out
    # .github/** is protected already; the others are suggested
    assert (
        'Protect these files so that no agent can remove its own guard: add ".claude/settings.json"'
        ', ".codex/hooks.json", ".gemini/settings.json", ".cursor/hooks.json" to settings.protected'
    ) in out
    cursor = hooks_of(configured, "cursor", "preToolUse") + hooks_of(
        configured, "cursor", "beforeShellExecution"
    )
    assert [handler["failClosed"] for handler in cursor] == [True, True]
    assert read(configured, FILES["copilot"])["version"] == 1


# (agent, event) -> the session action it runs, in that agent's protocol
SESSION_EVENTS = {
    ("claude-code", "SessionStart"): "start",
    ("claude-code", "Stop"): "end",
    ("gemini", "SessionStart"): "start",
    ("gemini", "SessionEnd"): "end",
    ("cursor", "sessionStart"): "start",
    ("cursor", "sessionEnd"): "end",
}
# What the previous version wrote: plain terminal commands, no protocol.
PREVIOUS_VERSION = {"start": "agentowners session start", "end": "agentowners session end"}


def test_session_events_are_wired_where_agents_have_them(configured: GitRepo) -> None:
    assert main(["agent-hooks", "install"]) == 0
    for (agent, event), action in SESSION_EVENTS.items():
        command = installed_command(configured, agent, event)
        assert command == session_command(action, agent)
        assert command.startswith(
            f"agentowners session {action} --protocol {agent} || "
            f"python3 -m agentowners session {action} --protocol {agent} || printf "
        )
    assert hooks_of(configured, "codex", "SessionStart") == []


def test_entries_of_the_previous_version_are_ours(
    configured: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agent-hooks", "install"]) == 0
    for path in FILES.values():  # as the previous version wrote them
        text = (configured.path / path).read_text()
        for action in ("start", "end"):
            for agent in ("claude-code", "gemini", "cursor"):
                text = text.replace(
                    json.dumps(session_command(action, agent))[1:-1], PREVIOUS_VERSION[action]
                )
        configured.write(path, text)
    assert installed_command(configured, "cursor", "sessionEnd") == "agentowners session end"
    capsys.readouterr()
    assert main(["agent-hooks", "check"]) == 1
    found = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines()[:-1])
    assert found["claude-code"] == (
        ".claude/settings.json: altered: the session start hook (hooks.SessionStart); "
        "altered: the session end hook (hooks.Stop)"
    )
    assert "altered: the session end hook (hooks.sessionEnd)" in found["cursor"]
    assert found["codex"] == ".codex/hooks.json: ok"

    assert main(["agent-hooks", "install"]) == 0  # replaced, not doubled
    for (agent, event), action in SESSION_EVENTS.items():
        assert installed_command(configured, agent, event) == session_command(action, agent)
    assert main(["agent-hooks", "check"]) == 0

    for path in FILES.values():
        configured.write(
            path,
            (configured.path / path)
            .read_text()
            .replace(
                json.dumps(session_command("end", "claude-code"))[1:-1], PREVIOUS_VERSION["end"]
            ),
        )
    assert main(["agent-hooks", "uninstall"]) == 0
    for path, content in EXISTING.items():
        assert read(configured, path) == content, path


def test_install_twice_is_install_once(configured: GitRepo) -> None:
    assert main(["agent-hooks", "install", "--permissions"]) == 0
    first = {path: (configured.path / path).read_bytes() for path in FILES.values()}
    assert main(["agent-hooks", "install", "--permissions"]) == 0
    assert {path: (configured.path / path).read_bytes() for path in FILES.values()} == first


def test_check_finds_missing_and_altered_guards(
    configured: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agent-hooks", "check"]) == 1
    assert "claude-code: .claude/settings.json: missing: the guard hook (hooks.PreToolUse)" in (
        capsys.readouterr().out
    )
    assert main(["agent-hooks", "install"]) == 0
    assert main(["agent-hooks", "check"]) == 0
    capsys.readouterr()

    cursor = read(configured, FILES["cursor"])
    del cursor["hooks"]["preToolUse"][0]["failClosed"]  # an agent loosening its own guard
    configured.write(FILES["cursor"], json.dumps(cursor))
    gemini = read(configured, FILES["gemini"])
    gemini["hooks"]["SessionEnd"] = []
    configured.write(FILES["gemini"], json.dumps(gemini))
    assert main(["agent-hooks", "check"]) == 1
    out = capsys.readouterr().out
    assert "cursor: .cursor/hooks.json: altered: the guard hook (hooks.preToolUse)" in out
    assert "gemini: .gemini/settings.json: missing: the session end hook (hooks.SessionEnd)" in out
    assert "codex: .codex/hooks.json: ok" in out

    assert main(["agent-hooks", "install"]) == 0  # repairs
    assert main(["agent-hooks", "check"]) == 0


def test_uninstall_removes_only_ours(configured: GitRepo) -> None:
    assert main(["agent-hooks", "install", "--permissions"]) == 0
    assert main(["agent-hooks", "uninstall", "--permissions"]) == 0
    for path, content in EXISTING.items():
        assert read(configured, path) == content, path
    # the file install created holds nothing but ours: it goes, and so does nothing else
    assert not (configured.path / FILES["copilot"]).exists()
    assert (configured.path / ".github/hooks/security.json").exists()


def test_install_into_a_repository_without_configurations(repo: GitRepo) -> None:
    repo.init_policy(ALL_AGENTS)
    assert main(["agent-hooks", "install", "--agent", "codex", "--agent", "cursor"]) == 0
    assert sorted(p.name for p in repo.path.iterdir() if p.name.startswith(".c")) == [
        ".codex",
        ".cursor",
    ]
    assert main(["agent-hooks", "uninstall", "--agent", "codex", "--agent", "cursor"]) == 0
    assert not (repo.path / ".codex").exists()
    assert not (repo.path / ".cursor").exists()


def test_permissions_express_claude_codes_scope_and_the_protected_paths(
    configured: GitRepo,
) -> None:
    assert main(["agent-hooks", "check", "--permissions", "--agent", "claude-code"]) == 1
    assert main(["agent-hooks", "install", "--permissions"]) == 0
    permissions = read(configured, FILES["claude-code"])["permissions"]
    assert permissions == {
        "allow": ["Bash(npm run test:*)", "Edit(/docs/**)", "Edit(/**/*.md)"],
        "deny": ["Read(./.env)", "Edit(/.github/**)", "Edit(/.agentowners.toml)"],
    }
    assert main(["agent-hooks", "check", "--permissions", "--agent", "claude-code"]) == 0


@pytest.mark.parametrize(
    ("pattern", "rule"),
    [
        ("src/**", "Edit(/src/**)"),
        ("/README.md", "Edit(/README.md)"),
        ("*.md", "Edit(/**/*.md)"),
        ("build/", "Edit(/**/build/**)"),
        ("docs/api/", "Edit(/docs/api/**)"),
    ],
)
def test_scope_patterns_become_rules_anchored_at_the_project_root(pattern: str, rule: str) -> None:
    assert claude_rule(pattern) == rule


def test_exclusions_are_deny_rules_unless_a_later_pattern_narrows_them_again() -> None:
    policy = load_policy(
        POLICY.replace(
            'protected = [".github/**"]', 'protected = [".github/**", "!.github/ISSUE_TEMPLATE/**"]'
        ).replace(
            'scope = ["docs/**", "*.md"]',
            'scope = ["docs/**", "!docs/gen/**", "docs/gen/keep.md", "*.md", "!docs/private/**"]',
        )
    )
    assert permission_rules(policy) == (
        ["Edit(/docs/**)", "Edit(/docs/gen/keep.md)", "Edit(/**/*.md)"],
        ["Edit(/.github/**)", "Edit(/.agentowners.toml)", "Edit(/docs/private/**)"],
    )


def test_unknown_agents_and_unreadable_files_are_usage_errors(
    configured: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agent-hooks", "install", "--agent", "skynet"]) == 2
    assert "no hook protocol known for skynet" in capsys.readouterr().err
    configured.write(FILES["gemini"], '{\n  // Gemini CLI allows comments\n  "theme": "x"\n}\n')
    before = (configured.path / FILES["claude-code"]).read_bytes()
    assert main(["agent-hooks", "install"]) == 2
    assert ".gemini/settings.json cannot be read as JSON" in capsys.readouterr().err
    assert (configured.path / FILES["claude-code"]).read_bytes() == before  # nothing written


# --- the installed commands, run as the agents run them -------------------------

BRANCH = {
    "claude-code": "claude/docs",
    "codex": "codex/parser",
    "gemini": "gemini/x",
    "copilot": "copilot/x",
    "cursor": "cursor/x",
}
# fixture -> (the hook event whose command runs it, refused?)
EXPECTED = {
    "claude-code-write": ("PreToolUse", True),  # src/ is outside claude-code's scope
    "claude-code-notebook-edit": ("PreToolUse", False),
    "claude-code-bash": ("PreToolUse", False),
    "codex-apply-patch": ("PreToolUse", False),
    "codex-bash": ("PreToolUse", True),  # --no-verify
    "gemini-write-file": ("BeforeTool", False),
    "gemini-replace": ("BeforeTool", True),
    "gemini-run-shell-command": ("BeforeTool", True),
    "copilot-create": ("preToolUse", False),
    "copilot-edit": ("preToolUse", True),
    "copilot-bash": ("preToolUse", True),  # removes tracked files in dist/
    "copilot-bash-object-args": ("preToolUse", True),
    "cursor-pre-tool-use-write": ("preToolUse", False),
    "cursor-pre-tool-use-shell": ("preToolUse", True),
    "cursor-before-shell-execution": ("beforeShellExecution", True),
}


def agent_env(path: str = "") -> dict[str, str]:
    """The environment an agent gives its hooks; the venv's scripts on PATH by default."""
    bin_dir = os.path.dirname(sys.executable)
    return {**os.environ, "PATH": path or f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def run_hook(
    command: str, payload: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command],
        input=payload,
        cwd=cwd,
        env=env or agent_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def refusal_of(agent: str, stdout: str) -> str | None:
    """The reason in the agent's own deny format, None for its go-ahead."""
    if agent == "cursor":
        answer = json.loads(stdout)
        if answer == {"permission": "allow"}:
            return None
        assert answer["permission"] == "deny"
        assert answer["agent_message"] == answer["user_message"]
        return str(answer["user_message"])
    if not stdout:
        return None
    answer = json.loads(stdout)
    if agent in ("claude-code", "codex"):
        output = answer["hookSpecificOutput"]
        assert (output["hookEventName"], output["permissionDecision"]) == ("PreToolUse", "deny")
        return str(output["permissionDecisionReason"])
    if agent == "gemini":
        assert set(answer) == {"decision", "reason"}
        assert answer["decision"] == "deny"
        return str(answer["reason"])
    assert set(answer) == {"permissionDecision", "permissionDecisionReason"}
    assert answer["permissionDecision"] == "deny"
    return str(answer["permissionDecisionReason"])


@pytest.fixture
def wired(repo: GitRepo) -> GitRepo:
    repo.init_policy(ALL_AGENTS)
    repo.commit("dist", "dist/app.js", "docs/guide.md")
    assert main(["agent-hooks", "install"]) == 0
    return repo


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_installed_command_answers_each_documented_payload(wired: GitRepo, name: str) -> None:
    agent = next(agent for agent in FILES if name.startswith(agent))
    event, refused = EXPECTED[name]
    wired.git("switch", "-q", "-C", BRANCH[agent])
    payload = (FIXTURES / f"{name}.json").read_text().replace("/path/to/project", str(wired.path))
    # agents run their hooks in the project's root, where they were started
    result = run_hook(installed_command(wired, agent, event), payload, wired.path)
    assert (result.returncode, result.stderr) == (0, "")
    refusal = refusal_of(agent, result.stdout)
    assert (refusal is not None) == refused, refusal


def test_a_guard_that_cannot_start_refuses_in_the_agents_protocol(wired: GitRepo) -> None:
    payload = (FIXTURES / "claude-code-notebook-edit.json").read_text()
    # a PATH with sh and git but neither agentowners nor a python3 that has it
    result = run_hook(
        installed_command(wired, "claude-code", "PreToolUse"),
        payload.replace("/path/to/project", str(wired.path)),
        wired.path,
        agent_env("/usr/bin:/bin"),
    )
    assert result.returncode == 0
    assert "the edit-time guard could not run" in (refusal_of("claude-code", result.stdout) or "")


def test_python3_m_agentowners_runs_the_guard_when_path_lacks_the_script(
    wired: GitRepo, tmp_path: Path
) -> None:
    only_python = tmp_path / "bin"
    only_python.mkdir()
    python3 = only_python / "python3"  # a python3 that has agentowners installed
    python3.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python3.chmod(0o755)
    wired.git("switch", "-q", "-C", BRANCH["gemini"])
    payload = (FIXTURES / "gemini-replace.json").read_text()
    result = run_hook(
        installed_command(wired, "gemini", "BeforeTool"),
        payload.replace("/path/to/project", str(wired.path)),
        wired.path / "docs",  # from any directory of the repository
        agent_env(f"{only_python}{os.pathsep}/usr/bin:/bin"),
    )
    assert "gemini may not write docs/guide.md" in (refusal_of("gemini", result.stdout) or "")
