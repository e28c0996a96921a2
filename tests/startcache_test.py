"""The start-up cache: hooks skip importing pathspec and tomllib, and decide the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentowners import startcache
from agentowners.errors import PolicyError
from agentowners.policy import load_policy
from tests.gitrepo import POLICY

PATHS = ["src/a.py", "src/vendor/x.c", "docs/guide.md", "README.md", ".github/ci.yml", "lib/y"]

# What a hook does: load the policy, compile scopes, decide paths; and which of
# the heavy modules that took.
PROBE = """
import json, sys
from agentowners.policy import load_policy
policy = load_policy(sys.stdin.read())
decided = {
    agent: [list(policy.scope(agent).decide(path)) for path in json.loads(sys.argv[1])]
    for agent in sorted(policy.agents)
}
protected = [path in policy.protection for path in json.loads(sys.argv[1])]
print(json.dumps({
    "decided": decided,
    "protected": protected,
    "imported": sorted(name for name in ("pathspec", "tomllib", "tomli") if name in sys.modules),
}))
"""


def probe(policy: str = POLICY) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(PATHS)],
        input=policy,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def cache_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "agentowners").glob("*"))


def test_second_start_imports_neither_pathspec_nor_toml_and_decides_the_same() -> None:
    first = probe()
    second = probe()
    assert first["imported"] == ["pathspec", "tomllib" if sys.version_info >= (3, 11) else "tomli"]
    if sys.version_info >= (3, 11):
        assert second["imported"] == []
    assert second["decided"] == first["decided"]
    assert second["protected"] == first["protected"] == [False, False, False, False, True, False]
    (path,) = cache_files()
    assert "pathspec-" in path.name  # another pathspec version gets another file


def test_a_changed_policy_is_parsed_again() -> None:
    probe()
    changed = probe(POLICY.replace('"docs/**", "*.md"', '"docs/**"'))
    assert "pathspec" not in changed["imported"]  # its patterns were all seen before
    decided = changed["decided"]
    assert isinstance(decided, dict)
    assert decided["claude-code"][3] == [False, None]  # README.md: no longer in scope


def test_a_corrupt_cache_file_is_ignored_and_replaced() -> None:
    probe()
    (path,) = cache_files()
    path.write_bytes(b"\x00garbage")
    again = probe()
    assert again["imported"]  # worked from scratch
    assert probe()["decided"] == again["decided"]
    assert path.read_bytes() != b"\x00garbage"


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert probe()["decided"] == probe()["decided"]


def test_only_policies_that_load_are_remembered() -> None:
    with pytest.raises(PolicyError):
        load_policy("version = 1\n[agents.codex]\nscope = []\n")
    assert startcache.parsed_policy("version = 1\n[agents.codex]\nscope = []\n") is None
    load_policy(POLICY)
    if sys.version_info >= (3, 11):
        assert startcache.parsed_policy(POLICY) is not None


def test_invalid_patterns_fail_every_time() -> None:
    with pytest.raises(ValueError, match="Invalid git pattern"):
        startcache.pattern_regexes(["ok/**", "trailing\\"])
    with pytest.raises(ValueError, match="Invalid git pattern"):
        startcache.pattern_regexes(["trailing\\"])
    assert startcache.pattern_regexes(["ok/**"]) == [("^ok/", True)]


def test_more_patterns_than_the_cache_keeps() -> None:
    many = [f"dir{n}/**" for n in range(3000)]
    assert startcache.pattern_regexes(many)[-1] == ("^dir2999/", True)
    assert startcache.pattern_regexes(many)[0] == ("^dir0/", True)
