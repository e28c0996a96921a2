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


def test_the_samples_are_there() -> None:
    assert [path.name for path in SAMPLES] == [
        "ci-only",
        "codex-and-claude-code",
        "humans-only-main",
        "monorepo-agent-per-package",
        "one-agent-feature-branch",
    ]


HOOKED = [path for path in SAMPLES if path.name != "ci-only"]


@pytest.mark.parametrize("sample", HOOKED, ids=[path.name for path in HOOKED])
def test_each_sample_is_a_valid_pair(sample: Path) -> None:
    sample_policy(sample.name)
    config = load_config(str(sample / ".pre-commit-config.yaml"))
    (repo,) = config["repos"]
    assert repo["repo"] == PROJECT_URL
    assert {hook["id"] for hook in repo["hooks"]} == HOOK_IDS


def test_the_ci_only_sample_runs_the_readmes_tested_workflow() -> None:
    """The README's GitHub Actions block is run by tests/readme_test.py; the sample is it."""
    sample = ROOT / "sample-configs" / "ci-only"
    sample_policy("ci-only")
    assert not (sample / ".pre-commit-config.yaml").exists()  # no local hooks by design
    workflow = (sample / ".github" / "workflows" / "agentowners.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    assert f"<!-- readme-test: github-actions -->\n```yaml\n{workflow}```" in readme


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
        ("ci-only", "copilot", "copilot/fix-1", "docs/a.md", []),
        ("ci-only", "codex", "codex/x", "docs/a.md", ["out-of-scope"]),
        ("ci-only", "codex", "codex/x", ".github/workflows/agentowners.yml",
         ["protected-path"]),
        ("ci-only", "copilot", "main", "src/a.py", ["foreign-agent"]),
    ],
)  # fmt: skip
def test_each_sample_allows_and_refuses_what_its_comments_say(
    sample: str, agent: str, branch: str, path: str, codes: list[str]
) -> None:
    outcome = check_change(
        sample_policy(sample), Actor(agent, "test"), [path], lines=1, branch=branch
    )
    assert [violation.code for violation in outcome.violations] == codes
