from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentowners.protocols import PROTOCOLS, PayloadError, answer, detect, parse

FIXTURES = Path(__file__).parent / "fixtures" / "guard"
PROJECT = "/path/to/project"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def written(name: str, protocol: str | None = None) -> list[str]:
    call = parse(fixture(name), protocol, {})
    return [target.path.removeprefix(PROJECT + "/") for target in call.targets]


@pytest.mark.parametrize(
    ("name", "protocol", "paths"),
    [
        ("claude-code-write", "claude-code", ["src/parser.py"]),
        ("claude-code-notebook-edit", "claude-code", ["docs/tour.ipynb"]),
        ("claude-code-bash", "claude-code", ["docs/notes.md"]),
        (
            "codex-apply-patch",
            "codex",
            ["src/new_module.py", "src/parser.py", "src/parsing.py", "tests/old_test.py"],
        ),
        ("codex-bash", "codex", []),
        ("gemini-write-file", "gemini", ["src/parser.py"]),
        ("gemini-replace", "gemini", ["docs/guide.md"]),
        ("gemini-run-shell-command", "gemini", ["docs/guide.md"]),
        ("copilot-create", "copilot", ["src/parser.py"]),
        ("copilot-edit", "copilot", ["docs/guide.md"]),
        ("copilot-bash", "copilot", ["dist"]),
        ("copilot-bash-object-args", "copilot", ["dist"]),
        ("cursor-pre-tool-use-write", "cursor", ["src/parser.py"]),
        ("cursor-pre-tool-use-shell", "cursor", ["docs/drafts"]),
        ("cursor-before-shell-execution", "cursor", []),
    ],
)
def test_each_documented_payload_names_what_it_writes(
    name: str, protocol: str, paths: list[str]
) -> None:
    assert written(name, protocol) == paths
    assert detect(json.loads(fixture(name))) == protocol
    assert parse(fixture(name), None, {}).protocol == protocol


def test_shell_payloads_carry_their_gate_switches() -> None:
    assert parse(fixture("codex-bash"), "codex", {}).switches
    assert parse(fixture("cursor-before-shell-execution"), "cursor", {}).switches


def test_moved_and_deleted_patch_files_are_the_entries_themselves() -> None:
    targets = parse(fixture("codex-apply-patch"), "codex", {}).targets
    assert [target.follow for target in targets] == [True, False, True, False]


def test_codex_shell_running_apply_patch_is_read_as_a_patch() -> None:
    payload = json.loads(fixture("codex-bash"))
    payload["tool_input"]["command"] = (
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: docs/x.md\n+hi\n*** End Patch\nEOF"
    )
    assert [t.path for t in parse(json.dumps(payload), "codex", {}).targets] == [
        f"{PROJECT}/docs/x.md"
    ]


def test_reads_write_nothing() -> None:
    read = {
        "cwd": PROJECT,
        "hook_event_name": "PreToolUse",
        "tool_name": "Read",
        "tool_input": {"file_path": f"{PROJECT}/.git/config"},
    }
    assert parse(json.dumps(read), "claude-code", {}).targets == ()
    view = {"cwd": PROJECT, "toolName": "view", "toolArgs": '{"path": "x"}'}
    assert parse(json.dumps(view), "copilot", {}).targets == ()


def test_an_empty_cursor_cwd_falls_back_to_the_workspace_root() -> None:
    call = parse(fixture("cursor-pre-tool-use-write"), "cursor", {})
    assert call.cwd == PROJECT


@pytest.mark.parametrize(
    ("raw", "protocol"),
    [
        ("not json", "claude-code"),
        ("[1, 2]", "codex"),
        ('{"toolName": "edit", "toolArgs": "{broken"}', "copilot"),
        ('{"something": "else"}', None),
    ],
)
def test_payloads_that_cannot_be_read_are_errors(raw: str, protocol: str | None) -> None:
    with pytest.raises(PayloadError):
        parse(raw, protocol, {})


def test_answers_follow_each_protocol() -> None:
    assert json.loads(answer("claude-code", "no")) == {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "no",
        }
    }
    assert answer("codex", "no") == answer("claude-code", "no")
    assert json.loads(answer("gemini", "no")) == {"decision": "deny", "reason": "no"}
    assert json.loads(answer("copilot", "no")) == {
        "permissionDecision": "deny",
        "permissionDecisionReason": "no",
    }
    assert json.loads(answer("cursor", "no")) == {
        "permission": "deny",
        "user_message": "no",
        "agent_message": "no",
    }
    assert [answer(protocol, None) for protocol in PROTOCOLS] == [
        "",
        "",
        "",
        "",
        '{"permission": "allow"}',
    ]
