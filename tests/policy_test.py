from __future__ import annotations

import pytest

from agentowners.errors import PolicyError
from agentowners.policy import load_policy
from tests.gitrepo import POLICY


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(text)
    return info.value.lines()


def test_standard_policy_loads_with_defaults() -> None:
    policy = load_policy(POLICY)
    assert policy.trailer == "Agent"
    assert policy.unmatched == "human"
    assert policy.require_trailer is True
    assert set(policy.agents) == {"codex", "claude-code"}
    assert policy.agents["codex"].scope == ("src/**", "tests/**", "!src/vendor/**")
    # codex inherits the built-in markers because it sets no `detect`
    assert "CODEX_SANDBOX" in policy.agents["codex"].env
    assert "noreply@openai.com" in policy.agents["codex"].emails


def test_own_detect_replaces_builtin_markers() -> None:
    policy = load_policy(
        'version = 1\n[agents.codex]\nscope = ["src/**"]\n'
        'detect.env = ["MY_CODEX"]\ndetect.emails = ["Bot@Example.com"]\n'
    )
    assert policy.agents["codex"].env == ("MY_CODEX",)
    assert policy.agents["codex"].emails == ("bot@example.com",)


@pytest.mark.parametrize(
    ("branch", "executor", "allow_human"),
    [
        ("main", "human", True),
        ("codex/x", "codex", False),
        ("codex/a/b/c", "codex", False),
        ("claude/fix", "claude-code", True),
        ("feature/x", "human", True),  # settings.unmatched
        ("codex", "human", True),  # `codex/**` needs the slash
        ("mainline", "human", True),  # literal pattern, no prefix match
    ],
)
def test_branch_owner_first_match(branch: str, executor: str, allow_human: bool) -> None:
    owner = load_policy(POLICY).owner(branch)
    assert (owner.executor, owner.allow_human) == (executor, allow_human)


def test_first_matching_rule_wins_and_star_stays_in_one_segment() -> None:
    policy = load_policy(
        'version = 1\n[agents.codex]\nscope = ["src/**"]\n'
        '[[branch]]\npattern = "release/*"\nexecutor = "human"\n'
        '[[branch]]\npattern = "release/**"\nexecutor = "codex"\n'
        '[[branch]]\npattern = "*"\nexecutor = "codex"\n'
    )
    assert policy.owner("release/1.0").executor == "human"
    assert policy.owner("release/1.0/hotfix").executor == "codex"
    assert policy.owner("topic").executor == "codex"
    assert policy.owner("a/b").executor == "human"


def test_unmatched_can_name_an_agent() -> None:
    policy = load_policy(
        'version = 1\n[settings]\nunmatched = "Codex"\n[agents.codex]\nscope = ["src/**"]\n'
    )
    assert policy.owner("anything").executor == "codex"
    assert policy.branch_patterns_for("codex") == ["(any branch no rule matches)"]


def test_scope_last_match_decides_and_protection_wins() -> None:
    policy = load_policy(POLICY)
    scope = policy.scope("codex")
    assert "src/a.py" in scope
    assert "src/vendor/lib.py" not in scope
    assert "docs/a.md" not in scope
    assert "Src/a.py" not in scope  # case-sensitive on every platform
    assert ".agentowners.toml" in policy.protection
    assert ".github/workflows/ci.yml" in policy.protection
    assert "src/.agentowners.toml" not in policy.protection  # only the root file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version = 2\n", ".agentowners.toml:1: version must be 1 (got 2)"),
        ("[settings]\n", ".agentowners.toml:1: missing required key 'version'"),
        (
            "version = 1\nverison = 1\n",
            ".agentowners.toml:2: unknown key 'verison' in the policy",
        ),
        (
            'version = 1\n[settings]\ntrailer = "Agent Name"\n',
            ".agentowners.toml:3: settings.trailer must be a trailer key",
        ),
        (
            "version = 1\n[settings]\nrequire_trailer = 'yes'\n",
            ".agentowners.toml:3: settings.require_trailer must be true or false (got 'yes')",
        ),
        (
            'version = 1\n[settings]\nunmatched = "codex"\n',
            ".agentowners.toml:3: settings.unmatched names 'codex', which is not a declared agent",
        ),
        (
            'version = 1\n\n[agents.Codex]\nscope = ["src/**"]\n',
            ".agentowners.toml:3: agent id 'Codex' is invalid",
        ),
        (
            'version = 1\n[agents.human]\nscope = ["src/**"]\n',
            ".agentowners.toml:2: 'human' is reserved",
        ),
        (
            "version = 1\n[agents.codex]\nscope = []\n",
            ".agentowners.toml:3: agents.codex.scope is empty",
        ),
        (
            "version = 1\n[agents.codex]\nmax_files = 3\n",
            ".agentowners.toml:2: [agents.codex] needs a scope",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**"]\nmax_files = -1\n',
            ".agentowners.toml:4: agents.codex.max_files must be a positive integer (got -1)",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**"]\nmax_lines = true\n',
            ".agentowners.toml:4: agents.codex.max_lines must be a positive integer (got True)",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**"]\nscop = ["x"]\n',
            ".agentowners.toml:4: unknown key 'scop' in [agents.codex]",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**"]\ndetect.env = "X"\n',
            ".agentowners.toml:4: agents.codex.detect.env must be an array of strings",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**"]\n[agents.codex.detect]\n'
            'mails = ["a@b"]\n',
            ".agentowners.toml:5: unknown key 'mails' in agents.codex.detect",
        ),
        (
            'version = 1\n[agents.codex]\nscope = ["src/**", ""]\n',
            ".agentowners.toml:3: agents.codex.scope must not contain empty strings",
        ),
        (
            'version = 1\n[[branch]]\npattern = "main"\nexecutor = "human"\n'
            '[[branch]]\npattern = "x/**"\nexecutor = "codex"\n',
            ".agentowners.toml:7: branch 'x/**' executor names 'codex', which is not a declared",
        ),
        (
            'version = 1\n[[branch]]\nexecutor = "human"\n',
            ".agentowners.toml:2: [[branch]] needs a 'pattern'",
        ),
        (
            'version = 1\n[[branch]]\npattern = "main"\nexecutor = "human"\nallow_human = 1\n',
            ".agentowners.toml:5: branch[0].allow_human must be true or false (got 1)",
        ),
        ("version = 1\nbranch = 3\n", ".agentowners.toml:2: branch must be an array"),
        (
            "version = 1\n[agents]\ncodex = 3\n",
            ".agentowners.toml:3: [agents.codex] must be a table",
        ),
        ("version = 1\n[settings\n", ".agentowners.toml:2: invalid TOML"),
        ("version = = 1\n", ".agentowners.toml:1: invalid TOML"),
    ],
)
def test_bad_policies_point_at_the_line(text: str, expected: str) -> None:
    lines = problems(text)
    assert any(line.startswith(expected) for line in lines), lines


def test_every_problem_is_reported_at_once() -> None:
    lines = problems(
        "version = 3\n[agents.codex]\nscope = []\nmax_files = 0\n[settings]\nfoo = 1\n"
    )
    assert len(lines) == 4, lines


def test_non_utf8_policy_is_refused() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(b"version = 1\n# \xff\xfe\n")
    assert info.value.lines() == [".agentowners.toml:2: not valid UTF-8 text"]


def test_dotted_and_inline_tables_are_accepted() -> None:
    policy = load_policy(
        'version = 1\nagents.codex.scope = ["src/**"]\n'
        '[agents.aider]\nscope = ["lib/**"]\ndetect = { emails = ["x@y"] }\n'
    )
    assert policy.agents["codex"].scope == ("src/**",)
    assert policy.agents["aider"].emails == ("x@y",)


def test_scope_lines_point_at_each_pattern() -> None:
    policy = load_policy(
        'version = 1\n[agents.codex]\nscope = [\n  "src/**",\n  "!src/vendor/**",\n]\n'
    )
    assert policy.agents["codex"].scope_lines == (4, 5)
