"""Session hooks in each agent's own protocol (SPEC §7): payload in, answer out.

`agent-hooks install` runs `agentowners session start --protocol P` and
`agentowners session end --protocol P` at the agents' session events. Each
agent hands its hook a JSON payload on stdin and reads the answer by its own
rules (what each documents, and where, is in tests/fixtures/session/README.md):

* claude-code: `SessionStart` (startup, resume, clear, compact, fork) and
  `Stop`, which fires after every turn. The agent reads
  `hookSpecificOutput.additionalContext` at the start and a Stop's
  `decision: "block"` + `reason`; the person reads `systemMessage`.
* gemini: `SessionStart` and `SessionEnd`; the same `additionalContext` at the
  start, `systemMessage` for the person, and nothing but JSON on stdout.
* cursor: `sessionStart` (`additional_context`) and `sessionEnd`, whose answer
  Cursor only logs.

A session hook never keeps an agent from starting and always exits 0: Claude
Code reads a Stop hook's exit 2 as "keep working" (a loop when the cause never
goes away), so every failure becomes a message instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from agentowners import report, sessions
from agentowners.checks import where_agent_may
from agentowners.errors import AgentownersError
from agentowners.policy import HUMAN, POLICY_FILE, Policy
from agentowners.protocols import PROTOCOLS, PayloadError, payload_of, string_of

SESSION_PROTOCOLS = ("claude-code", "gemini", "cursor")
assert set(SESSION_PROTOCOLS) <= set(PROTOCOLS)

# Sources that go on with the session already under way: its snapshot stays the one
# its changes are judged against (a compacted context gets the briefing again).
CONTINUING = frozenset({"resume", "compact"})

# When the verdict comes, as the briefing tells the agent.
_REVIEWED = {
    "claude-code": "at the end of every turn",
    "gemini": "when the session ends",
    "cursor": "when the session ends",
}

NOT_INSTALLED = (
    "agentowners is not installed where this agent runs its hooks. A human should install "
    "agentowners on the PATH the agent uses, or for python3 (python3 -m agentowners)."
)


class SessionEvent(NamedTuple):
    protocol: str
    session: str  # the agent's own id of its session; "" when the payload names none
    source: str  # how the session (re)started: startup, resume, clear, compact, …
    stop_hook_active: bool  # Claude Code: already going on because a Stop hook blocked


def read_event(raw: bytes, protocol: str) -> SessionEvent:
    """The event a payload describes; an empty or broken payload is a new session
    that no Stop hook has held back yet (a hook must answer even then)."""
    try:
        payload = payload_of(raw)
    except PayloadError:
        payload = {}
    # Cursor documents its session_id as its conversation_id: either will do
    session = string_of(payload.get("session_id")) or string_of(payload.get("conversation_id"))
    source = string_of(payload.get("source"))
    return SessionEvent(protocol, session, source, payload.get("stop_hook_active") is True)


class Answer(NamedTuple):
    context: str = ""  # for the agent, at the start of its session
    notice: str = ""  # for the person
    block: str = ""  # Claude Code's Stop: why the agent must go on before it stops


def start_output(protocol: str, answer: Answer) -> str:
    """The answer to a session-start hook, as `protocol` reads it."""
    output: dict[str, Any] = {}
    if protocol == "cursor":
        # sessionStart takes `env` and `additional_context`; nothing reaches the person
        if answer.context:
            output["additional_context"] = answer.context
    else:
        if answer.context:
            output["hookSpecificOutput"] = {
                "hookEventName": "SessionStart",
                "additionalContext": answer.context,
            }
        if answer.notice:
            output["systemMessage"] = answer.notice
    return _json(protocol, output)


def end_output(protocol: str, answer: Answer) -> str:
    """The answer to a session-end hook (Claude Code: Stop), as `protocol` reads it."""
    output: dict[str, Any] = {}
    if answer.block and protocol == "claude-code":
        output = {"decision": "block", "reason": answer.block}
    if answer.notice:
        # Cursor uses no field of a sessionEnd answer, but logs it in its Hooks output
        output["user_message" if protocol == "cursor" else "systemMessage"] = answer.notice
    return _json(protocol, output)


def _json(protocol: str, output: Mapping[str, Any]) -> str:
    if not output and protocol == "claude-code":
        return ""  # Claude Code: nothing to say is an empty stdout
    # Gemini CLI and Cursor parse stdout as JSON: an empty answer is the empty object
    return json.dumps(output, ensure_ascii=False)


def unavailable(protocol: str, action: str) -> str:
    """What a session hook answers when agentowners itself cannot start."""
    if action == "start":
        note = f"agentowners: no session snapshot was taken: {NOT_INSTALLED}"
        return start_output(protocol, Answer(context=note, notice=note))
    note = f"agentowners: the session review could not run: {NOT_INSTALLED}"
    return end_output(protocol, Answer(notice=note))


# --- what the hooks say ---------------------------------------------------------


def on_start(event: SessionEvent, requested: str | None, environ: Mapping[str, str]) -> Answer:
    """Take the session's snapshot (or find it again when the session goes on) and brief
    the agent on the rules it is judged by; a failure is told, never raised."""
    try:
        snapshot = None
        if event.source in CONTINUING and event.session:
            snapshot = sessions.latest_start(event.session)
        if snapshot is None:
            snapshot = sessions.start(
                requested, environ, hook_agent=event.protocol, agent_session=event.session
            )
        return Answer(context=briefing(event.protocol, sessions.policy_of(snapshot), snapshot))
    except Exception as exc:
        note = (
            f"agentowners: no session snapshot was taken ({_why(exc)}), so this session's "
            "changes will not be reviewed or undone by agentowners."
        )
        return Answer(context=note, notice=note)


def briefing(protocol: str, policy: Policy | None, snapshot: sessions.Snapshot) -> str:
    """One paragraph of facts: the session's snapshot, its agent's scope and branches."""
    agent, branch = snapshot.agent, snapshot.branch
    facts = [
        f"agentowners took snapshot {snapshot.id} of this work tree when this session started."
    ]
    if policy is None:
        facts.append(f"There is no {POLICY_FILE} here, so no path or branch is limited.")
        return " ".join(facts)
    if agent == HUMAN:
        facts.append("The session's agent is human, so no path is limited.")
    elif agent in policy.agents:
        facts.append(
            f"In this repository {agent} may change only {', '.join(policy.agents[agent].scope)};"
            f" the protected paths ({', '.join(policy.protection.patterns)}) are changed by "
            "humans only."
        )
    else:
        facts.append(
            f"{POLICY_FILE} does not declare {agent}, so no path is in its scope until a "
            f"human declares it ([agents.{agent}])."
        )
    if agent != HUMAN:
        owner = policy.owner(branch).executor if branch else None
        if owner != agent:
            where = f"The branch {branch} is not {agent}'s" if branch else "HEAD is detached"
            facts.append(f"{where}: {where_agent_may(policy, agent)}.")
        facts.append(f"Its commits carry the trailer '{policy.trailer}: {agent}'.")
    facts.append(
        f"agentowners compares the work tree with the snapshot {_REVIEWED[protocol]} and "
        "reports every changed path outside that scope; `agentowners session restore "
        f"{snapshot.id}` puts such paths back as they were."
    )
    return " ".join(facts)


def on_end(event: SessionEvent, snapshot_id: str | None = None) -> Answer:
    """The session's verdict where the agent and the person read it; never raised."""
    try:
        snapshot = sessions.find(snapshot_id) if snapshot_id else _snapshot_of(event)
        if snapshot is None:
            return Answer(
                notice="agentowners: no session snapshot for this session in this work tree, "
                "so there is nothing to review (`agentowners session start` takes one; "
                "`agentowners agent-hooks install` runs it when a session starts)."
            )
        review = sessions.review(snapshot)
    except Exception as exc:
        return Answer(notice=f"agentowners: the session review could not run ({_why(exc)}).")
    if not review.violations:
        # Claude Code's Stop fires after every turn: a clean turn says nothing
        return Answer() if event.protocol == "claude-code" else Answer(notice=_summary(review))
    verdict = f"{_summary(review)}\n\n{report.text(review.violations, 1, 'session')}"
    if event.protocol != "claude-code" or event.stop_hook_active:
        # Stop hooks already held this turn back once: the person decides now
        return Answer(notice=verdict)
    agent = review.snapshot.agent
    return Answer(
        block=f"{verdict}\n\nBefore you stop: put these paths back with the restore command "
        "above, or, if the person asked for these changes, say so and leave them for a "
        "human to review and commit.",
        notice=f"agentowners: {agent} changed paths outside its scope or protected paths "
        f"during session {review.snapshot.id}; it is asked to put them back before it stops.",
    )


def _snapshot_of(event: SessionEvent) -> sessions.Snapshot | None:
    """The snapshot the agent's session started from; never another session's."""
    if not event.session:
        return sessions.latest_start()
    return sessions.latest_start(event.session) or sessions.latest_start("")


def _summary(review: sessions.Review) -> str:
    snapshot = review.snapshot
    changed = len(review.paths)
    refused = sum(entry.verdict in sessions.REFUSED for entry in review.paths)
    if review.policy is None:
        verdict = f"no {POLICY_FILE} when it started, so nothing is judged"
    elif snapshot.agent == HUMAN:
        verdict = "the session's agent is human, so no path is limited"
    elif refused:
        verdict = f"{refused} of them out of scope or protected"
    else:
        verdict = f"all within {snapshot.agent}'s scope" if changed else "nothing to judge"
    return (
        f"agentowners: session {snapshot.id} ({snapshot.agent or 'no agent'} on "
        f"{snapshot.branch or 'a detached HEAD'}): {report.plural(changed, 'path')} changed "
        f"since it started, {verdict}."
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, AgentownersError):
        return "; ".join(line.removeprefix("agentowners: ") for line in exc.lines())
    return f"internal error: {type(exc).__name__}: {exc}"
