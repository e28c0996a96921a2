"""The session hooks as the agents run them: the command `agent-hooks install` wrote, through
`sh -c`, a documented payload on stdin, in a real repository; the answer read by each agent's
own rules (tests/fixtures/session/README.md)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from agentowners import sessions
from agentowners.cli import main
from agentowners.commands.session import start_hook
from agentowners.session_events import SessionEvent, read_event
from tests.agent_hooks_test import ALL_AGENTS, BRANCH, agent_env, installed_command, run_hook
from tests.gitrepo import GitRepo

FIXTURES = Path(__file__).parent / "fixtures" / "session"
# agent -> (start event, start fixture, end event, end fixture)
EVENTS = {
    "claude-code": ("SessionStart", "claude-code-session-start", "Stop", "claude-code-stop"),
    "gemini": ("SessionStart", "gemini-session-start", "SessionEnd", "gemini-session-end"),
    "cursor": ("sessionStart", "cursor-session-start", "sessionEnd", "cursor-session-end"),
}
AGENTS = sorted(EVENTS)
IN_SCOPE = {"claude-code": "docs/new.md", "gemini": "src/new.py", "cursor": "src/new.py"}
OUT_OF_SCOPE = {"claude-code": "src/app.py", "gemini": "README.md", "cursor": "README.md"}


@pytest.fixture
def wired(repo: GitRepo) -> GitRepo:
    repo.init_policy(ALL_AGENTS)
    repo.commit("base", "src/app.py", "docs/guide.md", "README.md")
    assert main(["agent-hooks", "install"]) == 0
    return repo


def payload(repo: GitRepo, fixture: str, **fields: Any) -> str:
    text = (FIXTURES / f"{fixture}.json").read_text().replace("/path/to/project", str(repo.path))
    return json.dumps({**json.loads(text), **fields})


def hook(
    repo: GitRepo, agent: str, end: bool, raw: str | None = None, **fields: Any
) -> subprocess.CompletedProcess[str]:
    """Run the installed start (or end) hook of `agent` as the agent runs it."""
    start_event, start_fixture, end_event, end_fixture = EVENTS[agent]
    event, fixture = (end_event, end_fixture) if end else (start_event, start_fixture)
    stdin = payload(repo, fixture, **fields) if raw is None else raw
    result = run_hook(installed_command(repo, agent, event), stdin, repo.path)
    # never a failure, never a block by exit code: stderr would be its reason
    assert (result.returncode, result.stderr) == (0, ""), result
    return result


def answer(agent: str, result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The answer as the agent parses it: Gemini CLI and Cursor always get one JSON object."""
    if agent == "claude-code" and not result.stdout:
        return {}
    parsed = json.loads(result.stdout)
    assert isinstance(parsed, dict)
    return parsed


def context_of(agent: str, start: dict[str, Any]) -> str:
    if agent == "cursor":
        assert set(start) == {"additional_context"}
        return str(start["additional_context"])
    assert start["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    return str(start["hookSpecificOutput"]["additionalContext"])


def shown_to_person(agent: str, end: dict[str, Any]) -> str:
    return str(end.get("user_message" if agent == "cursor" else "systemMessage", ""))


def session_id_of(repo: GitRepo, agent: str) -> str:
    return str(json.loads(payload(repo, EVENTS[agent][1]))["session_id"])


@pytest.mark.parametrize("agent", AGENTS)
def test_start_then_end_round_trip(wired: GitRepo, agent: str) -> None:
    wired.git("switch", "-q", "-c", BRANCH[agent])
    context = context_of(agent, answer(agent, hook(wired, agent, end=False)))
    (snapshot,) = sessions.snapshots()
    assert (snapshot.agent, snapshot.agent_session) == (agent, session_id_of(wired, agent))
    assert f"agentowners took snapshot {snapshot.id} of this work tree" in context
    scope = ", ".join(load_scope(wired, agent))
    assert f"In this repository {agent} may change only {scope}" in context
    assert f"`agentowners session restore {snapshot.id}`" in context

    wired.write(IN_SCOPE[agent], "in scope\n")
    clean = answer(agent, hook(wired, agent, end=True, stop_hook_active=False))
    if agent == "claude-code":
        assert clean == {}  # a clean turn says nothing: Stop fires after every turn
    else:
        assert f"1 path changed since it started, all within {agent}'s scope" in (
            shown_to_person(agent, clean)
        )

    wired.write(OUT_OF_SCOPE[agent], "not yours\n")
    verdict = answer(agent, hook(wired, agent, end=True, stop_hook_active=False))
    restore = f"agentowners session restore {snapshot.id}"
    if agent == "claude-code":
        assert verdict["decision"] == "block"
        assert (
            f"session: out-of-scope: agent {agent} on branch {BRANCH[agent]}" in (verdict["reason"])
        )
        assert f"    {OUT_OF_SCOPE[agent]}\n" in verdict["reason"]
        assert restore in verdict["reason"]
        assert "Before you stop" in verdict["reason"]
        assert "it is asked to put them back" in verdict["systemMessage"]
    else:
        assert "decision" not in verdict  # a session end cannot block, and is not asked to
        assert f"    {OUT_OF_SCOPE[agent]}\n" in shown_to_person(agent, verdict)
        assert restore in shown_to_person(agent, verdict)

    # what the agent is told to do puts the session right
    assert run_hook(restore, "", wired.path).returncode == 0
    after = answer(agent, hook(wired, agent, end=True, stop_hook_active=False))
    assert "decision" not in after
    assert "out of scope" not in shown_to_person(agent, after)


def load_scope(repo: GitRepo, agent: str) -> tuple[str, ...]:
    policy = sessions.policy_of(sessions.snapshots()[-1])
    assert policy is not None
    return policy.agents[agent].scope


def test_a_stop_that_already_held_claude_back_only_tells_the_person(wired: GitRepo) -> None:
    wired.git("switch", "-q", "-c", BRANCH["claude-code"])
    hook(wired, "claude-code", end=True)  # no session yet: a note, no block
    hook(wired, "claude-code", end=False)
    wired.write("src/app.py", "not claude's\n")
    # the documented Stop payload: Claude is already going on because a Stop hook blocked
    held = answer("claude-code", hook(wired, "claude-code", end=True))
    assert set(held) == {"systemMessage"}
    assert "session: out-of-scope: agent claude-code" in held["systemMessage"]
    assert "agentowners session restore " in held["systemMessage"]


@pytest.mark.parametrize("agent", AGENTS)
def test_end_without_a_session_is_a_note_and_exit_0(wired: GitRepo, agent: str) -> None:
    note = answer(agent, hook(wired, agent, end=True, stop_hook_active=False))
    assert "decision" not in note
    assert "no session snapshot for this session in this work tree" in (
        shown_to_person(agent, note)
    )


def test_the_agent_is_the_environments_else_the_protocols(wired: GitRepo) -> None:
    hook(wired, "gemini", end=False)  # on main, whose executor is human
    assert sessions.snapshots()[-1].agent == "gemini"
    # Cursor runs Claude Code's hooks too: its marker names the agent
    command = installed_command(wired, "claude-code", "SessionStart")
    cursor_env = {**agent_env(), "CURSOR_AGENT": "1"}
    ran = run_hook(command, payload(wired, "claude-code-session-start"), wired.path, cursor_env)
    assert ran.returncode == 0
    assert sessions.snapshots()[-1].agent == "cursor"
    assert start_hook("gemini", b"", agent="codex", environ={}) == 0
    assert sessions.snapshots()[-1].agent == "codex"


def test_end_never_takes_another_agent_sessions_snapshot(wired: GitRepo) -> None:
    hook(wired, "gemini", end=False, session_id="first")
    wired.write("README.md", "changed in the first session\n")
    other = answer("gemini", hook(wired, "gemini", end=True, session_id="second"))
    assert "no session snapshot for this session" in other["systemMessage"]
    # one taken by hand (for no agent session in particular) will do
    assert main(["session", "start", "--agent", "gemini"]) == 0
    by_hand = answer("gemini", hook(wired, "gemini", end=True, session_id="second"))
    assert "0 paths changed since it started" in by_hand["systemMessage"]
    own = answer("gemini", hook(wired, "gemini", end=True, session_id="first"))
    assert "    README.md\n" in own["systemMessage"]


@pytest.mark.parametrize(
    ("source", "new_snapshot"),
    [("startup", True), ("clear", True), ("fork", True), ("resume", False), ("compact", False)],
)
def test_a_resumed_or_compacted_session_keeps_its_snapshot(
    wired: GitRepo, source: str, new_snapshot: bool
) -> None:
    hook(wired, "claude-code", end=False)
    (first,) = sessions.snapshots()
    again = context_of(
        "claude-code", answer("claude-code", hook(wired, "claude-code", False, source=source))
    )
    snapshots = sessions.snapshots()
    assert len(snapshots) == (2 if new_snapshot else 1)
    assert f"agentowners took snapshot {snapshots[-1].id} " in again  # briefed again
    # a session that resumes without a snapshot of its own gets one
    hook(wired, "claude-code", end=False, source=source, session_id="never seen")
    assert sessions.snapshots()[-1].agent_session == "never seen"
    assert first in sessions.snapshots()


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"session_id": 7}'])
def test_any_stdin_is_answered(wired: GitRepo, raw: str) -> None:
    for agent in AGENTS:
        context_of(agent, answer(agent, hook(wired, agent, end=False, raw=raw)))
        answer(agent, hook(wired, agent, end=True, raw=raw))
    assert [s.agent_session for s in sessions.snapshots()] == ["", "", ""]


def test_a_bad_policy_or_a_git_failure_never_blocks(wired: GitRepo) -> None:
    hook(wired, "claude-code", end=False)
    wired.write(".agentowners.toml", "version = 2\n")
    wired.commit("break the policy", ".agentowners.toml", content="version = 2\n")
    start = answer("claude-code", hook(wired, "claude-code", end=False, session_id="new"))
    assert start["systemMessage"].startswith(
        "agentowners: no session snapshot was taken (.agentowners.toml:1: "
    )
    assert context_of("claude-code", start) == start["systemMessage"]
    (wired.path / ".git" / "index").write_bytes(b"not an index")
    end = answer("claude-code", hook(wired, "claude-code", end=True, stop_hook_active=False))
    assert set(end) == {"systemMessage"}
    assert end["systemMessage"].startswith("agentowners: the session review could not run (")


@pytest.mark.parametrize(("agent", "end"), [(a, e) for a in AGENTS for e in (False, True)])
def test_a_hook_that_cannot_start_says_so_in_the_agents_protocol(
    wired: GitRepo, agent: str, end: bool
) -> None:
    start_event, start_fixture, end_event, end_fixture = EVENTS[agent]
    result = run_hook(
        installed_command(wired, agent, end_event if end else start_event),
        payload(wired, end_fixture if end else start_fixture),
        wired.path,
        agent_env("/usr/bin:/bin"),  # sh and git, but no agentowners
    )
    assert result.returncode == 0
    said = answer(agent, result)
    told = shown_to_person(agent, said) if end else context_of(agent, said)
    assert "agentowners is not installed where this agent runs its hooks" in told


@pytest.mark.parametrize(
    ("raw", "event"),
    [
        (b'{"session_id": "s", "source": "resume"}', SessionEvent("gemini", "s", "resume", False)),
        (b'{"conversation_id": "c"}', SessionEvent("gemini", "c", "", False)),
        (b'{"stop_hook_active": "yes"}', SessionEvent("gemini", "", "", False)),
        (b"\xff", SessionEvent("gemini", "", "", False)),
    ],
)
def test_read_event(raw: bytes, event: SessionEvent) -> None:
    assert read_event(raw, "gemini") == event
