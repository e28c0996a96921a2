from __future__ import annotations

import pytest

from agentowners.cli import main
from tests.gitrepo import POLICY, GitRepo

LIMITS_POLICY = POLICY.replace(
    'scope = ["src/**", "tests/**", "!src/vendor/**"]',
    'scope = ["src/**", "tests/**", "!src/vendor/**"]\nmax_files = 40\nmax_lines = 1500',
)


def test_text_table(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_policy(LIMITS_POLICY)
    assert main(["show"]) == 0
    assert capsys.readouterr().out == (
        "agentowners policy (.agentowners.toml at HEAD)\n"
        "\n"
        "Branches (the first matching pattern decides):\n"
        "  branch pattern      executor     humans  the executor may change\n"
        "  main                human        yes     any path (humans are not scope-checked)\n"
        "  codex/**            codex        no      src/**, tests/**, !src/vendor/**\n"
        "  claude/**           claude-code  yes     docs/**, *.md\n"
        "  (any other branch)  human        yes     any path (humans are not scope-checked)\n"
        "\n"
        "Agents (scope: gitignore patterns, the last match decides, '!' excludes):\n"
        "  agent        may commit on  max files  max lines  scope\n"
        "  codex        codex/**              40       1500  src/**, tests/**, !src/vendor/**\n"
        "  claude-code  claude/**              -          -  docs/**, *.md\n"
        "\n"
        "Protected, no agent may change: .github/**, .agentowners.toml\n"
        "Every agent commit names its agent in a trailer: 'Agent: <id>'\n"
    )


def test_markdown_for_agents_md(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_policy(LIMITS_POLICY)
    assert main(["show", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "| `codex/**` | `codex` | no | `src/**`, `tests/**`, `!src/vendor/**` |" in md
    assert "| any other branch | human | yes | any path (humans are not scope-checked) |" in md
    assert "| `codex` | `codex/**` | `src/**`, `tests/**`, `!src/vendor/**` | 40 | 1500 |" in md
    assert "| `claude-code` | `claude/**` | `docs/**`, `*.md` | - | - |" in md
    assert "no agent may change `.github/**`, `.agentowners.toml`;" in md
    paragraph = md.rstrip().splitlines()[-1]
    assert paragraph.startswith("**If you are an agent**: commit only on branches matching")
    assert "(`codex`: `codex/**`; `claude-code`: `claude/**`)" in paragraph
    assert "`Agent: <your id>`" in paragraph
    assert "a policy change needs a human" in paragraph


def test_head_is_shown_not_the_work_tree_unless_asked(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    first = repo.init_policy()
    repo.init_policy(POLICY.replace('pattern = "codex/**"', 'pattern = "bots/codex/**"'))
    repo.write(".agentowners.toml", POLICY.replace('pattern = "main"', 'pattern = "trunk"'))

    assert main(["show"]) == 0
    assert "  bots/codex/**  " in capsys.readouterr().out
    assert main(["show", "--policy-ref", first]) == 0
    assert "  codex/**  " in capsys.readouterr().out
    assert main(["show", "--work-tree"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("agentowners policy (.agentowners.toml in the work tree)")
    assert "  trunk  " in out


def test_no_committed_policy_says_what_to_do(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".agentowners.toml", POLICY)
    assert main(["show"]) == 2
    assert capsys.readouterr().err == "agentowners: there is no .agentowners.toml at HEAD\n"
    assert main(["show", "--work-tree"]) == 0


def test_minimal_policy_and_an_agent_owning_unmatched_branches(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # No [settings] table at all, and a pattern with a `|` in it.
    repo.init_policy(
        'version = 1\nbranch = [{ pattern = "a|b", executor = "human" }]\n'
        '[agents.bot]\nscope = ["src/**"]\n'
    )
    repo.init_policy(
        'version = 1\n[settings]\nunmatched = "bot"\n'
        '[agents.bot]\nscope = ["src/**"]\n[[branch]]\npattern = "a|b"\nexecutor = "human"\n'
    )
    assert main(["show", "--format", "markdown", "--policy-ref", "HEAD~1"]) == 0
    md = capsys.readouterr().out
    assert "| `a\\|b` | human | yes |" in md
    assert "(`bot`: no branch yet (ask a human))" in md
    assert main(["show", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "| any other branch | `bot` | yes | `src/**` |" in md
    assert "| `bot` | any other branch | `src/**` | - | - |" in md
    assert "(`bot`: any other branch)" in md
