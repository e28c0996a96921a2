"""Detection markers of well-known execution agents (SPEC §2, "Built-in agents").

Data only, one entry per agent, each with where its markers come from, so that
adding an agent or a marker is a one-line change. Environment markers are
``NAME`` (set at all), ``NAME=VALUE`` or ``NAME=PREFIX*``.
"""

from __future__ import annotations

from typing import NamedTuple


class BuiltinAgent(NamedTuple):
    id: str
    display_names: tuple[str, ...]  # names an ``Assisted-by: NAME:MODEL`` trailer may use
    env: tuple[str, ...]
    emails: tuple[str, ...]
    committer_name_suffix: str | None
    sources: tuple[str, ...]


BUILTIN_AGENTS: tuple[BuiltinAgent, ...] = (
    BuiltinAgent(
        id="claude-code",
        display_names=("Claude", "Claude Code", "Anthropic Claude"),
        env=("CLAUDECODE=1",),
        emails=("noreply@anthropic.com",),
        committer_name_suffix=None,
        sources=(
            "https://docs.anthropic.com/en/docs/claude-code/settings (CLAUDECODE=1 in tool shells)",
            "Claude Code commits: 'Co-Authored-By: Claude <noreply@anthropic.com>'",
        ),
    ),
    BuiltinAgent(
        id="codex",
        display_names=("Codex", "OpenAI Codex", "Codex CLI"),
        env=("CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED", "CODEX_THREAD_ID"),
        emails=("noreply@openai.com",),
        committer_name_suffix=None,
        sources=(
            "https://github.com/openai/codex (codex-rs/core: CODEX_SANDBOX, "
            "CODEX_SANDBOX_NETWORK_DISABLED set for sandboxed commands; CODEX_THREAD_ID)",
        ),
    ),
    BuiltinAgent(
        id="copilot",
        display_names=("Copilot", "GitHub Copilot", "Copilot CLI"),
        env=("COPILOT_AGENT", "COPILOT_CLI", "AI_AGENT=github_copilot_*"),
        emails=(
            "198982749+Copilot@users.noreply.github.com",
            "223556219+Copilot@users.noreply.github.com",
            "copilot@github.com",
        ),
        committer_name_suffix=None,
        sources=(
            "https://docs.github.com/en/copilot/concepts/agents/coding-agent (commit author)",
            "GitHub Copilot CLI environment (COPILOT_CLI, AI_AGENT=github_copilot_cli)",
        ),
    ),
    BuiltinAgent(
        id="cursor",
        display_names=("Cursor", "Cursor Agent"),
        env=("CURSOR_AGENT=1", "CURSOR_EXTENSION_HOST_ROLE=agent-exec"),
        emails=("cursoragent@cursor.com",),
        committer_name_suffix=None,
        sources=("Cursor background agent commits (cursoragent@cursor.com); agent terminal env",),
    ),
    BuiltinAgent(
        id="aider",
        display_names=("Aider",),
        env=(),
        emails=("aider@aider.chat",),
        committer_name_suffix=" (aider)",
        sources=(
            "https://aider.chat/docs/git.html (committer name gets ' (aider)'; "
            "Co-authored-by: aider (<model>) <aider@aider.chat>)",
        ),
    ),
    BuiltinAgent(
        id="gemini",
        display_names=("Gemini", "Gemini CLI"),
        env=("GEMINI_CLI=1",),
        emails=(),
        committer_name_suffix=None,
        sources=("https://github.com/google-gemini/gemini-cli (GEMINI_CLI=1 in shell commands)",),
    ),
    BuiltinAgent(
        id="devin",
        display_names=("Devin",),
        env=(),
        emails=("158243242+devin-ai-integration[bot]@users.noreply.github.com",),
        committer_name_suffix=None,
        sources=("Devin's GitHub app commits (devin-ai-integration[bot])",),
    ),
    BuiltinAgent(
        id="jules",
        display_names=("Jules", "Google Jules"),
        env=(),
        emails=("161369871+google-labs-jules[bot]@users.noreply.github.com",),
        committer_name_suffix=None,
        sources=("Jules' GitHub app commits (google-labs-jules[bot])",),
    ),
    BuiltinAgent(
        id="openhands",
        display_names=("OpenHands", "OpenHands Agent"),
        env=(),
        emails=("openhands@all-hands.dev",),
        committer_name_suffix=None,
        sources=(
            "https://docs.all-hands.dev (Co-authored-by: openhands <openhands@all-hands.dev>)",
        ),
    ),
    BuiltinAgent(
        id="amp",
        display_names=("Amp",),
        env=("AGENT=amp",),
        emails=("amp@ampcode.com",),
        committer_name_suffix=None,
        sources=("https://ampcode.com/manual (AGENT=amp; Co-authored-by: Amp <amp@ampcode.com>)",),
    ),
    BuiltinAgent(
        id="cline",
        display_names=("Cline",),
        env=("CLINE_ACTIVE=true",),
        emails=(),
        committer_name_suffix=None,
        sources=("https://github.com/cline/cline (CLINE_ACTIVE=true in its terminals)",),
    ),
)

BUILTIN_BY_ID = {agent.id: agent for agent in BUILTIN_AGENTS}
