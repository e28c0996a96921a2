"""The guard and the session commands in each agent's own hook configuration (SPEC §6, §7).

Every agent keeps its hooks in a JSON file of its own shape. Claude Code,
Codex and Gemini CLI group handlers under a tool matcher
(``{"matcher": …, "hooks": [handler, …]}``); Copilot and Cursor list the
handlers themselves. Install merges our handlers into that file and keeps
every other key and hook; check compares; uninstall takes out only ours.
Ours are recognised by their command, which always starts with
``agentowners guard`` or ``agentowners session``.

The command written runs from any directory of the repository: the guard
takes the directory from the payload, the session commands ask git. It names
the executable by PATH (the files are committed and shared, so no absolute
path of one machine) and falls back to ``python3 -m agentowners`` for an
agent whose PATH lacks the scripts directory; when neither runs, the
fallback prints an answer in the agent's own protocol: a refusal, so that a
guard that cannot start never lets a write through, or a session hook's
note that nothing will be reviewed. Entries written by earlier versions
(``agentowners session start`` without ``--protocol``) are ours too: install
replaces them, check reports them as altered, uninstall removes them.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from agentowners.errors import UsageError
from agentowners.policy import ALWAYS_PROTECTED, Policy
from agentowners.protocols import PROTOCOLS, answer
from agentowners.session_events import NOT_INSTALLED, SESSION_PROTOCOLS, unavailable

OUR_COMMANDS = ("agentowners guard ", "agentowners session ")
GUARD_NOT_INSTALLED = (
    f"agentowners: the edit-time guard could not run, so every write is refused until it "
    f"runs: {NOT_INSTALLED}"
)
# Agents that run no command before a tool call: what they get instead.
NO_HOOKS = {
    "aider": (
        "aider has no pre-tool hook, so no edit-time guard: set `git-commit-verify: true` in "
        ".aider.conf.yml so that its commits run the commit hooks, and rely on the push "
        "(check-agent-push) and CI (agentowners check-range) gates."
    ),
}


def _fallback_chain(arguments: str, cannot_start: str) -> str:
    """`agentowners ARGUMENTS`, else through python3, else print `cannot_start`."""
    last_resort = f"printf '%s\\n' {shlex.quote(cannot_start)}"
    return f"agentowners {arguments} || python3 -m agentowners {arguments} || {last_resort}"


def guard_command(protocol: str) -> str:
    """The guard as a shell command that refuses in `protocol` when it cannot start."""
    return _fallback_chain(f"guard --protocol {protocol}", answer(protocol, GUARD_NOT_INSTALLED))


def session_command(action: str, protocol: str) -> str:
    """`session start` or `session end` as `protocol`'s session hook."""
    assert protocol in SESSION_PROTOCOLS
    return _fallback_chain(f"session {action} --protocol {protocol}", unavailable(protocol, action))


class Hook(NamedTuple):
    role: str  # "guard", "session start" or "session end", for messages
    event: str
    handler: dict[str, Any]
    matcher: str | None = None  # for the grouped layouts only


class AgentConfig(NamedTuple):
    agent: str
    path: str  # repository-relative, '/'-separated
    grouped: bool  # handlers grouped under a matcher (Claude Code, Codex, Gemini CLI)
    hooks: tuple[Hook, ...]
    base: dict[str, Any]  # top-level keys the file must have


def _command(command: str) -> dict[str, Any]:
    return {"type": "command", "command": command}


def _fail_closed(command: str) -> dict[str, Any]:
    # Cursor lets a hook that crashes or times out allow the call, unless failClosed
    return {"command": command, "failClosed": True}


def _gemini(name: str, command: str) -> dict[str, Any]:
    # a name lets `/hooks disable <name>` address it; Gemini CLI warns when it changes
    return {"name": name, "type": "command", "command": command}


CONFIGS = {
    config.agent: config
    for config in (
        AgentConfig(
            "claude-code",
            ".claude/settings.json",
            True,
            (
                Hook(
                    "guard",
                    "PreToolUse",
                    _command(guard_command("claude-code")),
                    "Write|Edit|MultiEdit|NotebookEdit|Bash",
                ),
                Hook(
                    "session start",
                    "SessionStart",
                    _command(session_command("start", "claude-code")),
                ),
                Hook("session end", "Stop", _command(session_command("end", "claude-code"))),
            ),
            {},
        ),
        AgentConfig(
            "codex",
            ".codex/hooks.json",
            True,
            (Hook("guard", "PreToolUse", _command(guard_command("codex")), "Bash|apply_patch"),),
            {},
        ),
        AgentConfig(
            "gemini",
            ".gemini/settings.json",
            True,
            (
                Hook(
                    "guard",
                    "BeforeTool",
                    _gemini("agentowners-guard", guard_command("gemini")),
                    "write_file|replace|run_shell_command",
                ),
                Hook(
                    "session start",
                    "SessionStart",
                    _gemini("agentowners-session-start", session_command("start", "gemini")),
                ),
                Hook(
                    "session end",
                    "SessionEnd",
                    _gemini("agentowners-session-end", session_command("end", "gemini")),
                ),
            ),
            {},
        ),
        AgentConfig(
            "copilot",
            ".github/hooks/agentowners.json",
            False,
            (Hook("guard", "preToolUse", {"type": "command", "bash": guard_command("copilot")}),),
            {"version": 1},
        ),
        AgentConfig(
            "cursor",
            ".cursor/hooks.json",
            False,
            (
                Hook("guard", "preToolUse", _fail_closed(guard_command("cursor"))),
                Hook("guard", "beforeShellExecution", _fail_closed(guard_command("cursor"))),
                Hook(
                    "session start", "sessionStart", {"command": session_command("start", "cursor")}
                ),
                Hook("session end", "sessionEnd", {"command": session_command("end", "cursor")}),
            ),
            {"version": 1},
        ),
    )
}
assert tuple(CONFIGS) == PROTOCOLS


def agents_to_wire(policy: Policy | None, named: Sequence[str]) -> list[str]:
    """The agents named, else those the policy declares; those with hooks first, in order."""
    if named:
        unknown = [agent for agent in named if agent not in CONFIGS and agent not in NO_HOOKS]
        if unknown:
            known = ", ".join((*CONFIGS, *NO_HOOKS))
            raise UsageError(f"no hook protocol known for {', '.join(unknown)} (known: {known})")
        agents = list(dict.fromkeys(named))
    elif policy is None:
        raise UsageError(
            "no .agentowners.toml here: write one (agentowners init) or name the agents "
            "with --agent"
        )
    else:
        agents = list(policy.agents)
    return [a for a in CONFIGS if a in agents] + [a for a in agents if a not in CONFIGS]


# --- Claude Code's own permission rules (--permissions) ----------------------


def claude_rule(pattern: str) -> str:
    """A gitignore-style scope pattern as a Claude Code Edit rule ('/' = project root)."""
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    # gitignore anchors a pattern with a slash at its start or middle; others match at any depth
    anchored = pattern.startswith("/") or "/" in body
    rule = body if anchored else f"**/{body}"
    return f"Edit(/{rule}/**)" if directory else f"Edit(/{rule})"


def permission_rules(policy: Policy) -> tuple[list[str], list[str]]:
    """(allow, deny) Edit rules for claude-code: its scope, and the protected paths.

    Claude Code rules cannot re-include: an exclusion that a later pattern
    narrows again is left to the guard, which applies the scope exactly.
    """
    scope = policy.agents["claude-code"].scope
    allow = [claude_rule(pattern) for pattern in scope if not pattern.startswith("!")]
    protected = (*policy.protected, ALWAYS_PROTECTED)
    # an exclusion from protection is no rule to deny by: the guard applies it
    deny = [claude_rule(pattern) for pattern in protected if not pattern.startswith("!")]
    for index, pattern in enumerate(scope):
        later_includes = any(not later.startswith("!") for later in scope[index + 1 :])
        if pattern.startswith("!") and not later_includes:
            deny.append(claude_rule(pattern[1:]))
    return list(dict.fromkeys(allow)), list(dict.fromkeys(deny))


# --- reading and writing the files ----------------------------------------------


class ConfigFile:
    """One agent's JSON configuration, read once, written back only when it changed."""

    def __init__(self, top: str, config: AgentConfig) -> None:
        self.top = top
        self.config = config
        self.path = os.path.join(top, *config.path.split("/"))
        self.existed = os.path.exists(self.path)
        self.data = self._read() if self.existed else {}
        self.original = json.dumps(self.data, sort_keys=True)

    def _read(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"{self.config.path} cannot be read as JSON ({exc}); fix it (comments are "
                "not kept by this command) or add the agentowners hooks by hand"
            ) from None
        if not isinstance(data, dict):
            raise UsageError(f"{self.config.path} is not a JSON object")
        return data

    @property
    def changed(self) -> bool:
        return json.dumps(self.data, sort_keys=True) != self.original

    def save(self) -> None:
        """Write the file; delete it when nothing but our own empty frame is left."""
        if self.data == self.config.base or not self.data:
            if self.existed:
                os.remove(self.path)
                self._remove_empty_dirs()
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(json.dumps(self.data, indent=2, ensure_ascii=False) + "\n")

    def _remove_empty_dirs(self) -> None:
        directory = os.path.dirname(self.path)
        while directory.startswith(self.top + os.sep) and not os.listdir(directory):
            os.rmdir(directory)
            directory = os.path.dirname(directory)

    def events(self) -> dict[str, Any]:
        hooks = self.data.setdefault("hooks", {})
        if not isinstance(hooks, dict):
            raise UsageError(f'{self.config.path}: "hooks" is not a JSON object')
        return hooks


def is_ours(handler: object) -> bool:
    if not isinstance(handler, dict):
        return False
    commands = (handler.get("command"), handler.get("bash"))
    return any(isinstance(c, str) and c.startswith(OUR_COMMANDS) for c in commands)


def _entries(events: dict[str, Any], event: str) -> list[Any]:
    entries = events.get(event, [])
    return entries if isinstance(entries, list) else []


def _groups(entries: Iterable[Any]) -> Iterable[dict[str, Any]]:
    return (group for group in entries if isinstance(group, dict))


def remove_ours(file: ConfigFile) -> None:
    """Take out every handler of ours (and containers left empty by that)."""
    events = file.events()
    for event in list(events):
        entries = _entries(events, event)
        if file.config.grouped:
            kept = []
            for group in entries:
                handlers = group.get("hooks") if isinstance(group, dict) else None
                if isinstance(handlers, list) and any(is_ours(h) for h in handlers):
                    group["hooks"] = [h for h in handlers if not is_ours(h)]
                    if not group["hooks"]:
                        continue
                kept.append(group)
        else:
            kept = [handler for handler in entries if not is_ours(handler)]
        if len(kept) != len(entries) or kept != entries:
            if kept:
                events[event] = kept
            else:
                del events[event]
    if not events:
        del file.data["hooks"]


def add_ours(file: ConfigFile) -> None:
    for key, value in file.config.base.items():
        file.data.setdefault(key, value)
    events = file.events()
    for hook in file.config.hooks:
        entry: dict[str, Any] = dict(hook.handler)
        if file.config.grouped:
            entry = {"hooks": [entry]}
            if hook.matcher is not None:
                entry = {"matcher": hook.matcher, **entry}
        entries = events.setdefault(hook.event, [])
        if not isinstance(entries, list):
            raise UsageError(f"{file.config.path}: hooks.{hook.event} is not a JSON array")
        entries.append(entry)


def hook_state(file: ConfigFile, hook: Hook) -> str:
    """'ok', 'altered' (ours is there but changed) or 'missing'."""
    hooks = file.data.get("hooks")
    entries = _entries(hooks, hook.event) if isinstance(hooks, dict) else []
    if file.config.grouped:
        handlers = [
            (group.get("matcher"), handler)
            for group in _groups(entries)
            if isinstance(group.get("hooks"), list)
            for handler in group["hooks"]
        ]
        if (hook.matcher, hook.handler) in handlers:
            return "ok"
        ours = any(is_ours(handler) for _, handler in handlers)
    else:
        if hook.handler in entries:
            return "ok"
        ours = any(is_ours(handler) for handler in entries)
    return "altered" if ours else "missing"


def set_permissions(file: ConfigFile, allow: Sequence[str], deny: Sequence[str]) -> None:
    if not allow and not deny:
        return
    permissions = file.data.setdefault("permissions", {})
    for key, rules in (("allow", allow), ("deny", deny)):
        present = permissions.setdefault(key, [])
        present.extend(rule for rule in rules if rule not in present)


def unset_permissions(file: ConfigFile, allow: Sequence[str], deny: Sequence[str]) -> None:
    permissions = file.data.get("permissions")
    if not isinstance(permissions, dict):
        return
    for key, rules in (("allow", allow), ("deny", deny)):
        present = permissions.get(key)
        if isinstance(present, list):
            permissions[key] = [rule for rule in present if rule not in rules]
            if not permissions[key]:
                del permissions[key]
    if not permissions:
        del file.data["permissions"]


def missing_permissions(file: ConfigFile, allow: Sequence[str], deny: Sequence[str]) -> list[str]:
    permissions = file.data.get("permissions")
    permissions = permissions if isinstance(permissions, dict) else {}
    return [
        f"permissions.{key}: {rule}"
        for key, rules in (("allow", allow), ("deny", deny))
        for rule in rules
        if rule not in (permissions.get(key) or [])
    ]


# --- the three actions ----------------------------------------------------------


class Outcome(NamedTuple):
    agent: str
    path: str | None  # the configuration file; None for an agent without hooks
    problems: tuple[str, ...]  # check: what is missing or changed
    changed: bool = False  # install/uninstall: the file was written


def _files(top: str, agents: Iterable[str]) -> list[ConfigFile]:
    # every file is read (and refused when unreadable) before any is written
    return [ConfigFile(top, CONFIGS[agent]) for agent in agents if agent in CONFIGS]


def _claude_rules(policy: Policy | None, file: ConfigFile) -> tuple[list[str], list[str]]:
    if file.config.agent != "claude-code" or policy is None or "claude-code" not in policy.agents:
        return [], []
    return permission_rules(policy)


def _install(file: ConfigFile, rules: tuple[list[str], list[str]] | None) -> None:
    remove_ours(file)  # an older or changed guard of ours is replaced, not doubled
    add_ours(file)
    if rules:
        set_permissions(file, *rules)


def _uninstall(file: ConfigFile, rules: tuple[list[str], list[str]] | None) -> None:
    if "hooks" in file.data:
        remove_ours(file)
    if rules:
        unset_permissions(file, *rules)


def _apply(
    edit: Callable[[ConfigFile, tuple[list[str], list[str]] | None], None],
    top: str,
    policy: Policy | None,
    agents: Sequence[str],
    *,
    permissions: bool,
) -> list[Outcome]:
    outcomes = []
    for file in _files(top, agents):
        edit(file, _claude_rules(policy, file) if permissions else None)
        changed = file.changed
        if changed:
            file.save()
        outcomes.append(Outcome(file.config.agent, file.config.path, (), changed))
    return outcomes + _without_hooks(agents)


def _without_hooks(agents: Iterable[str]) -> list[Outcome]:
    return [
        Outcome(agent, None, (NO_HOOKS.get(agent, ""),)) for agent in agents if agent not in CONFIGS
    ]


def install(
    top: str, policy: Policy | None, agents: Sequence[str], *, permissions: bool
) -> list[Outcome]:
    """Write our hooks (replacing older or changed ones of ours); twice is once."""
    return _apply(_install, top, policy, agents, permissions=permissions)


def uninstall(
    top: str, policy: Policy | None, agents: Sequence[str], *, permissions: bool
) -> list[Outcome]:
    """Take out only what install wrote (the permission rules with `permissions`)."""
    return _apply(_uninstall, top, policy, agents, permissions=permissions)


def check(
    top: str, policy: Policy | None, agents: Sequence[str], *, permissions: bool
) -> list[Outcome]:
    """For CI: what is missing or changed in each agent's configuration."""
    outcomes = []
    for file in _files(top, agents):
        problems = [
            f"{state}: the {hook.role} hook (hooks.{hook.event})"
            for hook in file.config.hooks
            if (state := hook_state(file, hook)) != "ok"
        ]
        if permissions:
            problems.extend(
                f"missing: {rule}"
                for rule in missing_permissions(file, *_claude_rules(policy, file))
            )
        outcomes.append(Outcome(file.config.agent, file.config.path, tuple(problems)))
    return outcomes + _without_hooks(agents)
