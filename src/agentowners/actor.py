"""Who made a commit, or who is making one (SPEC §3)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from agentowners.builtin_agents import BUILTIN_AGENTS
from agentowners.policy import HUMAN, Policy

AGENTOWNERS_AGENT = "AGENTOWNERS_AGENT"

# How an actor was recognised, as a short stable kind (the audit's JSON reports
# it); `Actor.how` says the same in words, with the value that was seen.
SOURCE_TRAILER = "trailer"
SOURCE_AUTHOR_EMAIL = "author-email"
SOURCE_COMMITTER_EMAIL = "committer-email"
SOURCE_CO_AUTHOR = "co-authored-by"
SOURCE_AUTHOR_NAME = "author-name"
SOURCE_COMMITTER_NAME = "committer-name"
SOURCE_ASSISTED_BY = "assisted-by"
SOURCE_AGENTOWNERS_AGENT = "agentowners-agent"
SOURCE_ENVIRONMENT = "environment"
SOURCE_NONE = "none"  # a human: no trailer and no marker
SOURCES = (
    SOURCE_TRAILER,
    SOURCE_AUTHOR_EMAIL,
    SOURCE_COMMITTER_EMAIL,
    SOURCE_CO_AUTHOR,
    SOURCE_AUTHOR_NAME,
    SOURCE_COMMITTER_NAME,
    SOURCE_ASSISTED_BY,
    SOURCE_AGENTOWNERS_AGENT,
    SOURCE_ENVIRONMENT,
    SOURCE_NONE,
)
_EMAIL = re.compile(r"<([^<>]*)>\s*\Z")


class Evidence(NamedTuple):
    """What a commit (or a message about to be committed) says about its author."""

    trailer_values: tuple[str, ...]  # values of the policy's trailer key, in order
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    coauthors: tuple[str, ...]  # `Co-authored-by:` values, "Name <email>"
    assisted_by: tuple[str, ...]  # `Assisted-by: NAME:MODEL` values (Linux kernel convention)


class Problem(NamedTuple):
    code: str
    agent: str
    detail: str  # what was seen, in words, for the message


class Actor(NamedTuple):
    agent: str  # a declared agent id, an undeclared name (with a problem), or "human"
    how: str  # how it was recognised, for messages and the audit trail
    problems: tuple[Problem, ...] = ()
    source: str = ""  # one of SOURCES ("" when made outside this module without one)

    @property
    def is_agent(self) -> bool:
        return self.agent != HUMAN


class _Markers(NamedTuple):
    emails: dict[str, str]  # lowercase e-mail -> agent id
    names: dict[str, str]  # lowercase id or display name -> agent id
    name_suffixes: tuple[tuple[str, str], ...]  # committer-name suffix -> agent id
    env: tuple[tuple[str, str], ...]  # env marker -> agent id


@lru_cache(maxsize=8)
def _markers(policy: Policy) -> _Markers:
    """Built-in markers, always active, overridden by the policy's own `detect`."""
    emails: dict[str, str] = {}
    names: dict[str, str] = {}
    suffixes: list[tuple[str, str]] = []
    env: list[tuple[str, str]] = []
    for builtin in BUILTIN_AGENTS:
        if builtin.id in policy.agents:
            continue  # a declared agent's markers are its table's (inherited or its own)
        emails.update({email.lower(): builtin.id for email in builtin.emails})
        env.extend((marker, builtin.id) for marker in builtin.env)
    for builtin in BUILTIN_AGENTS:
        names.update({name.lower(): builtin.id for name in (builtin.id, *builtin.display_names)})
        if builtin.committer_name_suffix:
            suffixes.append((builtin.committer_name_suffix.lower(), builtin.id))
    for agent in policy.agents.values():
        emails.update(dict.fromkeys(agent.emails, agent.id))
        names[agent.id] = agent.id
        env.extend((marker, agent.id) for marker in agent.env)
    return _Markers(emails, names, tuple(suffixes), tuple(env))


def _email_of(value: str) -> str:
    match = _EMAIL.search(value)
    return (match.group(1) if match else value).strip().lower()


def _marked_agents(policy: Policy, evidence: Evidence) -> dict[str, tuple[str, str]]:
    """Agents named by markers other than the trailer: id -> (source, how, in words)."""
    markers = _markers(policy)
    found: dict[str, tuple[str, str]] = {}
    for source, how, email in (
        (SOURCE_AUTHOR_EMAIL, "author e-mail", evidence.author_email),
        (SOURCE_COMMITTER_EMAIL, "committer e-mail", evidence.committer_email),
        *((SOURCE_CO_AUTHOR, "Co-authored-by", _email_of(value)) for value in evidence.coauthors),
    ):
        agent = markers.emails.get(email.lower())
        if agent:
            found.setdefault(agent, (source, f"{how} {email}"))
    for source, how, name in (
        (SOURCE_AUTHOR_NAME, "author name", evidence.author_name),
        (SOURCE_COMMITTER_NAME, "committer name", evidence.committer_name),
    ):
        for suffix, agent in markers.name_suffixes:
            if name.lower().endswith(suffix):
                found.setdefault(agent, (source, f"{how} {name!r}"))
    for value in evidence.assisted_by:
        name = value.split(":", 1)[0].strip()
        if name:
            agent = markers.names.get(name.lower(), name.lower())
            found.setdefault(agent, (SOURCE_ASSISTED_BY, f"Assisted-by: {value.strip()}"))
    return found


def _named(values: Sequence[str]) -> list[str]:
    """Distinct agent ids named by trailer values; `human` names no agent."""
    ids: list[str] = []
    for value in values:
        agent = value.strip().lower()
        if agent and agent != HUMAN and agent not in ids:
            ids.append(agent)
    return ids


def _one_of(policy: Policy, agents: Sequence[str], how: str, key: str, source: str) -> Actor | None:
    """The actor when `agents` are a single agent, a problem actor otherwise."""
    if not agents:
        return None
    if len(agents) > 1:
        named = ", ".join(agents)
        problem = Problem("multiple-agents", named, f"{key} names {named}")
        return Actor(agents[0], how, (problem,), source)
    agent = agents[0]
    if agent not in policy.agents:
        problem = Problem("unknown-agent", agent, f"{key} names {agent!r}")
        return Actor(agent, how, (problem,), source)
    return Actor(agent, how, (), source)


def commit_actor(policy: Policy, evidence: Evidence) -> Actor:
    """The actor of a commit from its message and identities (SPEC §3, steps 1-3)."""
    trailer = f"{policy.trailer}: trailer"
    by_trailer = _one_of(
        policy, _named(evidence.trailer_values), "trailer", trailer, SOURCE_TRAILER
    )
    if by_trailer is not None:
        return by_trailer
    marked = _marked_agents(policy, evidence)
    if not marked:
        return Actor(HUMAN, "no agent trailer or marker", (), SOURCE_NONE)
    routes = list(marked.values())
    how = ", ".join(words for _, words in routes)
    by_marker = _one_of(policy, list(marked), how, "markers", routes[0][0])
    assert by_marker is not None
    if by_marker.problems or not policy.require_trailer:
        return by_marker
    missing = Problem("missing-trailer", by_marker.agent, f"recognised by {by_marker.how}")
    return by_marker._replace(problems=(missing,))


def _env_matches(marker: str, environ: Mapping[str, str]) -> bool:
    name, has_value, expected = marker.partition("=")
    if name not in environ:
        return False
    if not has_value:
        return True
    value = environ[name]
    if expected.endswith("*"):
        return value.startswith(expected[:-1])
    return value == expected


def environment_agent(policy: Policy, environ: Mapping[str, str]) -> Actor | None:
    """The agent the environment says is running, or None (SPEC §3).

    `AGENTOWNERS_AGENT` can name an agent but never hide one: markers that are
    set always count, and naming another agent than they show is a problem.
    """
    marked: list[str] = []
    for marker, agent in _markers(policy).env:
        if agent not in marked and _env_matches(marker, environ):
            marked.append(agent)
    named = environ.get(AGENTOWNERS_AGENT, "").strip().lower()
    if named and named != HUMAN:
        if not marked or named in marked:
            return _one_of(
                policy,
                [named],
                f"{AGENTOWNERS_AGENT}={named}",
                AGENTOWNERS_AGENT,
                SOURCE_AGENTOWNERS_AGENT,
            )
        marked.insert(0, named)
    how = "environment markers " + ", ".join(
        marker
        for marker, agent in _markers(policy).env
        if agent in marked and _env_matches(marker, environ)
    )
    return _one_of(policy, marked, how, "the environment", SOURCE_ENVIRONMENT)


def message_actor(policy: Policy, evidence: Evidence, running: Actor | None) -> Actor:
    """The actor of a commit being made: the message checked against the environment."""
    from_message = commit_actor(policy, evidence)
    if running is None or running.problems:
        return from_message if running is None else running
    if from_message.source == SOURCE_TRAILER and not from_message.problems:
        if from_message.agent == running.agent:
            return from_message
        return running._replace(
            problems=(
                Problem(
                    "foreign-agent",
                    running.agent,
                    f"{running.how} says {running.agent} is committing, "
                    f"but the message names {from_message.agent!r}",
                ),
            )
        )
    if from_message.problems and from_message.source == SOURCE_TRAILER:
        return from_message
    if not policy.require_trailer:
        return running
    return running._replace(
        problems=(
            Problem(
                "missing-trailer",
                running.agent,
                f"{running.how} says {running.agent} is committing",
            ),
        )
    )
