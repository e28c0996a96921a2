from __future__ import annotations

import pytest

from agentowners.actor import Actor, Evidence, commit_actor, environment_agent, message_actor
from agentowners.policy import load_policy
from tests.gitrepo import POLICY

policy = load_policy(POLICY)


def evidence(
    trailers: tuple[str, ...] = (),
    *,
    author: str = "human@example.com",
    author_name: str = "Hu Man",
    committer: str = "human@example.com",
    committer_name: str = "Hu Man",
    coauthors: tuple[str, ...] = (),
    assisted: tuple[str, ...] = (),
) -> Evidence:
    return Evidence(trailers, author_name, author, committer_name, committer, coauthors, assisted)


def codes(actor: Actor) -> list[str]:
    return [p.code for p in actor.problems]


@pytest.mark.parametrize(
    ("ev", "agent", "expected_codes"),
    [
        (evidence(("codex",)), "codex", []),
        (evidence(("Codex",)), "codex", []),  # ids compare case-insensitively
        (evidence(("codex", "CODEX")), "codex", []),  # one distinct agent
        (evidence(("codex", "claude-code")), "codex", ["multiple-agents"]),
        (evidence(("gpt-9",)), "gpt-9", ["unknown-agent"]),
        (evidence(("cursor",)), "cursor", ["unknown-agent"]),  # built-in, undeclared
        (evidence(), "human", []),
        (evidence(("human",)), "human", []),
        (evidence(author="noreply@openai.com"), "codex", ["missing-trailer"]),
        (evidence(committer="NoReply@OpenAI.com"), "codex", ["missing-trailer"]),
        (
            evidence(coauthors=("Claude <noreply@anthropic.com>",)),
            "claude-code",
            ["missing-trailer"],
        ),
        (evidence(assisted=("Claude:claude-opus-4",)), "claude-code", ["missing-trailer"]),
        (evidence(assisted=("codex:gpt-5 [tool]",)), "codex", ["missing-trailer"]),
        (evidence(assisted=("Devin:1",)), "devin", ["unknown-agent"]),
        (evidence(committer_name="Hu Man (aider)"), "aider", ["unknown-agent"]),
        (evidence(author="cursoragent@cursor.com"), "cursor", ["unknown-agent"]),
        (
            evidence(author="noreply@openai.com", coauthors=("C <noreply@anthropic.com>",)),
            "codex",
            ["multiple-agents"],
        ),
        # the trailer decides over markers
        (evidence(("codex",), author="noreply@anthropic.com"), "codex", []),
    ],
)
def test_commit_actor(ev: Evidence, agent: str, expected_codes: list[str]) -> None:
    actor = commit_actor(policy, ev)
    assert (actor.agent, codes(actor)) == (agent, expected_codes)


def test_missing_trailer_is_not_raised_when_not_required() -> None:
    relaxed = load_policy(POLICY.replace("[settings]\n", "[settings]\nrequire_trailer = false\n"))
    actor = commit_actor(relaxed, evidence(author="noreply@openai.com"))
    assert (actor.agent, codes(actor)) == ("codex", [])


def test_custom_trailer_key_and_detect_emails() -> None:
    custom = load_policy(
        'version = 1\n[settings]\ntrailer = "Made-by"\n'
        '[agents.bot]\nscope = ["**"]\ndetect.emails = ["bot@corp.example"]\n'
    )
    assert commit_actor(custom, evidence(("bot",))).agent == "bot"
    assert codes(commit_actor(custom, evidence(author="BOT@corp.example"))) == ["missing-trailer"]


@pytest.mark.parametrize(
    ("environ", "agent", "expected_codes"),
    [
        ({}, None, []),
        ({"CODEX_SANDBOX": "seatbelt"}, "codex", []),
        ({"CODEX_SANDBOX": ""}, "codex", []),  # presence is enough
        ({"CLAUDECODE": "1"}, "claude-code", []),
        ({"CLAUDECODE": "0"}, None, []),
        ({"AGENTOWNERS_AGENT": "codex"}, "codex", []),
        ({"AGENTOWNERS_AGENT": "Claude-Code"}, "claude-code", []),
        ({"AGENTOWNERS_AGENT": "nobody"}, "nobody", ["unknown-agent"]),
        # naming an agent never hides one the markers show
        ({"AGENTOWNERS_AGENT": "human", "CLAUDECODE": "1"}, "claude-code", []),
        ({"AGENTOWNERS_AGENT": "", "CODEX_THREAD_ID": "t"}, "codex", []),
        ({"AGENTOWNERS_AGENT": "codex", "CLAUDECODE": "1"}, "codex", ["multiple-agents"]),
        ({"AGENTOWNERS_AGENT": "codex", "CODEX_SANDBOX": "x"}, "codex", []),
        ({"CURSOR_AGENT": "1"}, "cursor", ["unknown-agent"]),
        ({"AI_AGENT": "github_copilot_cli"}, "copilot", ["unknown-agent"]),
        ({"AI_AGENT": "other"}, None, []),
        ({"CLAUDECODE": "1", "CODEX_SANDBOX": "x"}, "codex", ["multiple-agents"]),
    ],
)
def test_environment_agent(
    environ: dict[str, str], agent: str | None, expected_codes: list[str]
) -> None:
    actor = environment_agent(policy, environ)
    if agent is None:
        assert actor is None
    else:
        assert actor is not None
        assert (actor.agent, codes(actor)) == (agent, expected_codes)


@pytest.mark.parametrize(
    ("trailers", "environ", "agent", "expected_codes"),
    [
        (("codex",), {"CODEX_SANDBOX": "x"}, "codex", []),
        ((), {"CODEX_SANDBOX": "x"}, "codex", ["missing-trailer"]),
        (("claude-code",), {"CODEX_SANDBOX": "x"}, "codex", ["foreign-agent"]),
        (("codex",), {}, "codex", []),
        ((), {}, "human", []),
        (("nope",), {"CODEX_SANDBOX": "x"}, "nope", ["unknown-agent"]),
    ],
)
def test_message_actor_against_environment(
    trailers: tuple[str, ...], environ: dict[str, str], agent: str, expected_codes: list[str]
) -> None:
    actor = message_actor(policy, evidence(trailers), environment_agent(policy, environ))
    assert (actor.agent, codes(actor)) == (agent, expected_codes)
