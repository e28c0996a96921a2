"""The agents' pre-tool-call hook protocols (SPEC §6): payload in, answer out.

Each agent runs a command before a tool call, hands it one JSON payload on
stdin and reads one answer on stdout. This module turns a payload into a
:class:`ToolCall` (who the protocol says is calling, where, and every path
the call would write) and a verdict into the agent's own answer. What each
agent documents, and where, is listed in tests/fixtures/guard/README.md.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NamedTuple

PROTOCOLS = ("claude-code", "codex", "gemini", "copilot", "cursor")


class Target(NamedTuple):
    """One path a tool call would write."""

    path: str  # absolute, or relative to the repository root when root_relative
    follow: bool = True  # content written through a symlink (False: the link itself goes)
    recursive: bool = False  # a directory removed with everything in it
    root_relative: bool = False  # a patch path, relative to the repository root
    directory: bool = False  # a directory created (judged as "path/")


class ToolCall(NamedTuple):
    protocol: str  # also the id of the agent it belongs to (the environment may name another)
    tool: str
    cwd: str  # where relative paths of the call are resolved
    targets: tuple[Target, ...]  # every path the call would write
    switches: tuple[str, ...]  # gate switches of a shell command, in words


class PayloadError(ValueError):
    """The payload is not one this protocol (or any protocol) sends."""


# Claude Code: tool name -> the tool_input field naming the file it writes.
_CLAUDE_WRITES = {
    "Write": "file_path",
    "Edit": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
}
_GEMINI_WRITES = frozenset({"write_file", "replace"})
_COPILOT_WRITES = frozenset({"create", "edit"})
# Cursor documents its tool types only loosely (Shell, Read, Write, Grep,
# Task, MCP:*); the edit and delete tools seen in published configs are added.
_CURSOR_WRITES = frozenset({"Write", "Edit", "StrReplace", "MultiEdit", "EditNotebook"})
_CURSOR_DELETES = frozenset({"Delete"})
_PATH_KEYS = ("file_path", "path", "target_file", "notebook_path")

# Codex's apply_patch envelope: the lines naming the files it changes.
_PATCH_LINE = re.compile(r"^\*\*\* (Add File|Update File|Delete File|Move to): (.+?)\s*$", re.M)
_PATCH_MARKER = "*** Begin Patch"


def detect(payload: Mapping[str, Any]) -> str:
    """The protocol a payload's shape belongs to (agent-hooks always names it)."""
    event = payload.get("hook_event_name")
    if "toolName" in payload:
        return "copilot"
    if event in ("preToolUse", "beforeShellExecution") or "workspace_roots" in payload:
        return "cursor"
    if event == "BeforeTool":
        return "gemini"
    if event == "PreToolUse":
        # Codex sends a turn id and calls its edit tool apply_patch.
        codex = "turn_id" in payload or payload.get("tool_name") == "apply_patch"
        return "codex" if codex else "claude-code"
    raise PayloadError(
        "the payload is no pre-tool-call payload of "
        f"{', '.join(PROTOCOLS)}: name the agent's protocol with --protocol"
    )


def payload_of(raw: str | bytes) -> dict[str, Any]:
    """The JSON object an agent hands its hook on stdin."""
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        raise PayloadError(f"the payload is not JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise PayloadError("the payload is not a JSON object")
    return payload


def parse(raw: str | bytes, protocol: str | None, environ: Mapping[str, str]) -> ToolCall:
    """The tool call a payload describes; `protocol` None: recognised from its shape."""
    payload = payload_of(raw)
    protocol = protocol or detect(payload)
    return _PARSERS[protocol](payload, environ)


def string_of(value: object) -> str:
    """A payload field as text: "" when it is missing or not a string."""
    return value if isinstance(value, str) else ""


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cwd(*candidates: object) -> str:
    """The first usable directory named; the process's own as the last resort."""
    for candidate in candidates:
        if isinstance(candidate, str) and os.path.isabs(candidate):
            return candidate
    return os.getcwd()


def _file(path: object, cwd: str, *, follow: bool = True) -> tuple[Target, ...]:
    if not isinstance(path, str) or not path:
        return ()
    return (Target(os.path.normpath(os.path.join(cwd, os.path.expanduser(path))), follow),)


def _call(protocol: str, tool: str, cwd: str, files: tuple[Target, ...] = ()) -> ToolCall:
    return ToolCall(protocol, tool, cwd, files, ())


def _shell(protocol: str, tool: str, cwd: str, command: object) -> ToolCall:
    # Imported for shell commands only: a file tool's call does not pay for it (2 ms).
    from agentowners.shellwrites import analyse

    command = string_of(command)
    effects = analyse(command, cwd)
    # Codex may run its patch tool through the shell (`apply_patch <<'EOF'`).
    patch = patch_targets(command, cwd) if _PATCH_MARKER in command else ()
    return ToolCall(protocol, tool, cwd, effects.targets + patch, effects.switches)


def patch_targets(patch: str, cwd: str) -> tuple[Target, ...]:
    """Every file an apply_patch envelope adds, updates, deletes or moves (both sides)."""
    targets: list[Target] = []
    for action, path in _PATCH_LINE.findall(patch):
        # a deleted or moved-away file goes itself; added and updated ones are written
        follow = action in ("Add File", "Move to")
        targets.extend(_file(path, cwd, follow=follow))
    return tuple(targets)


def _pre_tool_use(protocol: str, payload: dict[str, Any], environ: Mapping[str, str]) -> ToolCall:
    """Claude Code's PreToolUse payload, which Codex follows (Bash, apply_patch)."""
    tool = string_of(payload.get("tool_name"))
    tool_input = _object(payload.get("tool_input"))
    cwd = _cwd(payload.get("cwd"), environ.get("CLAUDE_PROJECT_DIR"))
    if tool == "Bash":
        return _shell(protocol, tool, cwd, tool_input.get("command"))
    if tool == "apply_patch":
        return _call(protocol, tool, cwd, patch_targets(string_of(tool_input.get("command")), cwd))
    field = _CLAUDE_WRITES.get(tool)
    return _call(protocol, tool, cwd, _file(tool_input.get(field), cwd) if field else ())


def _gemini(payload: dict[str, Any], environ: Mapping[str, str]) -> ToolCall:
    tool = string_of(payload.get("tool_name"))
    tool_input = _object(payload.get("tool_input"))
    cwd = _cwd(payload.get("cwd"), environ.get("GEMINI_PROJECT_DIR"))
    if tool == "run_shell_command":
        # dir_path: "absolute or relative path from workspace root where the command runs"
        directory = string_of(tool_input.get("dir_path"))
        return _shell("gemini", tool, os.path.join(cwd, directory), tool_input.get("command"))
    if tool in _GEMINI_WRITES:
        return _call("gemini", tool, cwd, _file(tool_input.get("file_path"), cwd))
    return _call("gemini", tool, cwd)


def _copilot(payload: dict[str, Any], environ: Mapping[str, str]) -> ToolCall:
    tool = string_of(payload.get("toolName"))
    arguments = payload.get("toolArgs")
    if isinstance(arguments, str):  # the CLI and coding agent send a JSON string
        try:
            arguments = json.loads(arguments)
        except ValueError:
            raise PayloadError("toolArgs is not JSON") from None
    tool_args = _object(arguments)
    cwd = _cwd(payload.get("cwd"))
    if tool == "bash":
        return _shell("copilot", tool, cwd, tool_args.get("command"))
    if tool in _COPILOT_WRITES:
        return _call("copilot", tool, cwd, _file(_path_of(tool_args), cwd))
    return _call("copilot", tool, cwd)


def _cursor(payload: dict[str, Any], environ: Mapping[str, str]) -> ToolCall:
    roots = payload.get("workspace_roots")
    root = roots[0] if isinstance(roots, list) and roots else None
    # Cursor was seen sending an empty "cwd" to preToolUse: fall back to the workspace.
    cwd = _cwd(payload.get("cwd"), root, environ.get("CURSOR_PROJECT_DIR"))
    if payload.get("hook_event_name") == "beforeShellExecution":
        return _shell("cursor", "Shell", cwd, payload.get("command"))
    tool = string_of(payload.get("tool_name"))
    tool_input = _object(payload.get("tool_input"))
    if tool == "Shell":
        return _shell("cursor", tool, _cwd(tool_input.get("cwd"), cwd), tool_input.get("command"))
    if tool in _CURSOR_WRITES or tool in _CURSOR_DELETES:
        files = _file(_path_of(tool_input), cwd, follow=tool not in _CURSOR_DELETES)
        return _call("cursor", tool, cwd, files)
    return _call("cursor", tool, cwd)


def _path_of(arguments: Mapping[str, Any]) -> object:
    return next((arguments[key] for key in _PATH_KEYS if key in arguments), None)


_PARSERS: dict[str, Callable[[dict[str, Any], Mapping[str, str]], ToolCall]] = {
    "claude-code": partial(_pre_tool_use, "claude-code"),
    "codex": partial(_pre_tool_use, "codex"),
    "gemini": _gemini,
    "copilot": _copilot,
    "cursor": _cursor,
}


def answer(protocol: str, refusal: str | None) -> str:
    """The agent's own answer: a refusal with its reason, or the silent go-ahead.

    Cursor gets an explicit allow: its hooks are installed with failClosed, and
    Cursor counts a hook that printed nothing as failed (so: blocked).
    """
    if refusal is None:
        return json.dumps({"permission": "allow"}) if protocol == "cursor" else ""
    if protocol in ("claude-code", "codex"):
        output: dict[str, Any] = {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": refusal,
            }
        }
    elif protocol == "gemini":
        output = {"decision": "deny", "reason": refusal}
    elif protocol == "copilot":
        output = {"permissionDecision": "deny", "permissionDecisionReason": refusal}
    else:
        output = {"permission": "deny", "user_message": refusal, "agent_message": refusal}
    return json.dumps(output, ensure_ascii=False)
