"""Every sample in sample-configs/ loads with the real loader and means what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pre_commit.clientlib import load_config, load_manifest

from agentowners.actor import Actor
from agentowners.commands.init import PROJECT_URL
from agentowners.engine import check_change
from agentowners.policy import HUMAN, Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(path for path in (ROOT / "sample-configs").iterdir() if path.is_dir())
HOOK_IDS = {hook["id"] for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def sample_policy(name: str) -> Policy:
    path = ROOT / "sample-configs" / name / ".agentowners.toml"
    return load_policy(path.read_bytes(), str(path))


def test_the_four_samples_are_there() -> None:
    assert [path.name for path in SAMPLES] == [
        "codex-and-claude-code",
        "humans-only-main",
        "monorepo-agent-per-package",
        "one-agent-feature-branch",
    ]


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.name for path in SAMPLES])
def test_each_sample_is_a_valid_pair(sample: Path) -> None:
    sample_policy(sample.name)
    config = load_config(str(sample / ".pre-commit-config.yaml"))
    (repo,) = config["repos"]
    assert repo["repo"] == PROJECT_URL
    assert {hook["id"] for hook in repo["hooks"]} == HOOK_IDS


@pytest.mark.parametrize(
    ("sample", "agent", "branch", "path", "codes"),
    [
        ("one-agent-feature-branch", "codex", "codex/parser", "src/parser.py", []),
        ("one-agent-feature-branch", "codex", "main", "src/parser.py", ["foreign-agent"]),
        ("one-agent-feature-branch", "codex", "codex/x", "src/vendor/lib.py", ["out-of-scope"]),
        ("one-agent-feature-branch", HUMAN, "codex/x", "README.md", ["human-not-allowed"]),
        ("codex-and-claude-code", "claude-code", "claude/docs", "docs/guide.md", []),
        ("codex-and-claude-code", "claude-code", "codex/x", "docs/guide.md", ["foreign-agent"]),
        ("codex-and-claude-code", "claude-code", "claude/x", "AGENTS.md", ["protected-path"]),
        ("codex-and-claude-code", HUMAN, "main", ".github/ci.yml", []),
        ("monorepo-agent-per-package", "codex", "api/auth", "packages/api/auth.py", []),
        ("monorepo-agent-per-package", "codex", "api/x", "packages/web/app.ts", ["out-of-scope"]),
        ("monorepo-agent-per-package", "codex", "api/x", "packages/api/migrations/1.sql",
         ["out-of-scope"]),
        ("monorepo-agent-per-package", "claude-code", "web/x", "packages/web/package-lock.json",
         ["protected-path"]),
        ("monorepo-agent-per-package", "copilot", "copilot/fix-1", "packages/docs/a.md", []),
        ("humans-only-main", "codex", "codex/x", "lib/anything.py", []),
        ("humans-only-main", "codex", "release/1.2", "lib/anything.py", ["foreign-agent"]),
        ("humans-only-main", "claude-code", "claude/x", "CODEOWNERS", ["protected-path"]),
        ("humans-only-main", HUMAN, "feature/x", "lib/anything.py", []),
    ],
)  # fmt: skip
def test_each_sample_allows_and_refuses_what_its_comments_say(
    sample: str, agent: str, branch: str, path: str, codes: list[str]
) -> None:
    outcome = check_change(
        sample_policy(sample), Actor(agent, "test"), [path], lines=1, branch=branch
    )
    assert [violation.code for violation in outcome.violations] == codes
