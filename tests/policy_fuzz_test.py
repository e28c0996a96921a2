"""Hostile and broken policy files: always PolicyError (exit 2), never a policy, never a crash."""

from __future__ import annotations

import contextlib
import datetime
import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentowners.errors import PolicyError
from agentowners.policy import POLICY_FILE, load_policy

# --- writing TOML (the standard library only reads it) ------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(value: str) -> str:
    escaped = "".join(
        ch if ch >= " " and ch not in '"\\\x7f' else f"\\u{ord(ch):04x}" for ch in value
    )
    return f'"{escaped}"'


def toml_inline(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, (int, datetime.date, datetime.time)):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{toml_key(k)} = {toml_inline(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    """Tables as `[a.b]` sections and arrays of tables as `[[a]]`, the way people write policies."""
    lines: list[str] = []

    def is_table_array(value: object) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)

    def section(path: tuple[str, ...], table: dict[str, Any]) -> None:
        nested = {k: v for k, v in table.items() if isinstance(v, dict) or is_table_array(v)}
        lines.extend(
            f"{toml_key(k)} = {toml_inline(v)}" for k, v in table.items() if k not in nested
        )
        for key, value in nested.items():
            name = ".".join(toml_key(part) for part in (*path, key))
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"[[{name}]]" if isinstance(value, list) else f"[{name}]")
                section((*path, key), item)

    section((), data)
    return "\n".join(lines) + "\n"


# --- a valid policy, and ways to break it ------------------------------------


def valid_policy() -> dict[str, Any]:
    return {
        "version": 1,
        "settings": {
            "trailer": "Agent",
            "protected": [".github/**"],
            "unmatched": "human",
            "require_trailer": True,
        },
        "agents": {
            "codex": {
                "scope": ["src/**", "!src/vendor/**"],
                "max_files": 40,
                "max_lines": 1500,
                "detect": {"env": ["CODEX_SANDBOX"], "emails": ["noreply@openai.com"]},
            },
            "claude-code": {"scope": ["docs/**"]},
        },
        "branch": [
            {"pattern": "main", "executor": "human"},
            {"pattern": "codex/**", "executor": "codex", "allow_human": False},
        ],
    }


NOT_A_TABLE = [1, "x", [1], True, 1.5, datetime.date(2026, 1, 1)]
NOT_STRINGS = ["src/**", [1], [""], ["  "], [["a"]], [{"a": 1}], 7]
BAD_PATTERNS = [["src\\"], ["#x"], ["/"], ["a**"], ["[z-a]"], ["[[:digit:]]"], ["src/ "]]
NOT_POSITIVE = [0, -1, True, 1.5, "3", [], {}, -(2**63)]
NOT_BOOLEAN = ["yes", "false", 0, 1, [], {}]
BAD_AGENT_IDS = ["Codex", "-x", "human", "", "a b", "ç", "a/b", ".x", "x\n"]

Path_ = tuple[Any, ...]
MUTATIONS: list[tuple[Path_, list[object]]] = [
    (("version",), [0, 2, "1", 1.0, True, [1], {}, -1]),
    (("settings",), NOT_A_TABLE),
    (("settings", "trailer"), ["", "Agent: x", "Ag ent", 5, [], "Ägent", "-x", "a_b"]),
    (("settings", "protected"), NOT_STRINGS + BAD_PATTERNS),
    (("settings", "unmatched"), ["nobody", "", 3, ["codex"], "Human!"]),
    (("settings", "require_trailer"), NOT_BOOLEAN),
    (("settings", "extra"), [1, "x"]),
    (("agents",), [[], "codex", 1, True]),
    (("agents", "codex"), [[], "x", 1, True]),
    (("agents", "codex", "scope"), [[], *NOT_STRINGS, *BAD_PATTERNS]),
    (("agents", "codex", "max_files"), NOT_POSITIVE),
    (("agents", "codex", "max_lines"), NOT_POSITIVE),
    (
        ("agents", "codex", "detect"),
        [[], "x", {"env": "X"}, {"env": [1]}, {"emails": [""]}, {"unknown": []}],
    ),
    (("agents", "codex", "owner"), ["me"]),
    (("branch",), [{}, "main", [1], [[]], 5]),
    (("branch", 0, "pattern"), ["", 1, [], {}]),
    (("branch", 1, "executor"), ["nobody", "", 1, [], "HUMAN?"]),
    (("branch", 1, "allow_human"), NOT_BOOLEAN),
    (("branch", 0, "protect"), [True]),
    (("extra",), [1, {}, "x"]),
]
REMOVALS: list[Path_] = [
    ("version",),
    ("agents", "codex", "scope"),
    ("branch", 0, "pattern"),
    ("branch", 1, "executor"),
]


def put(data: dict[str, Any], path: Path_, value: object) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def remove(data: dict[str, Any], path: Path_) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


Mutation = Callable[[dict[str, Any]], None]


def _mutations() -> st.SearchStrategy[Mutation]:
    def replaced(path: Path_, value: object) -> Mutation:
        return lambda data: put(data, path, value)

    def removed(path: Path_) -> Mutation:
        return lambda data: remove(data, path)

    def bad_id(agent_id: str) -> Mutation:
        return lambda data: put(data, ("agents", agent_id), {"scope": ["x/**"]})

    return st.one_of(
        st.sampled_from(MUTATIONS).flatmap(
            lambda m: st.sampled_from(m[1]).map(lambda value: replaced(m[0], value))
        ),
        st.sampled_from(REMOVALS).map(removed),
        st.sampled_from(BAD_AGENT_IDS).map(bad_id),
    )


def assert_refused(text: str | bytes) -> PolicyError:
    """Refused with one line per problem, each naming the file and a real line."""
    with pytest.raises(PolicyError) as error:
        load_policy(text)
    lines = error.value.lines()
    assert lines
    count = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 1
    for line in lines:
        assert "\n" not in line
        where = re.match(rf"{re.escape(POLICY_FILE)}(?::(\d+))?: \S", line)
        assert where, line
        assert where.group(1) is None or 1 <= int(where.group(1)) <= count, line
    return error.value


def test_the_unbroken_policy_loads() -> None:
    policy = load_policy(toml_document(valid_policy()))
    assert sorted(policy.agents) == ["claude-code", "codex"]
    assert [rule.pattern for rule in policy.branches] == ["main", "codex/**"]


@given(st.lists(_mutations(), min_size=1, max_size=3))
def test_every_broken_key_is_refused(mutations: list[Mutation]) -> None:
    data = valid_policy()
    for mutate in mutations:
        # An earlier mutation may have removed or replaced the parent.
        with contextlib.suppress(KeyError, IndexError, TypeError):
            mutate(data)
    assert_refused(toml_document(data))


# --- arbitrary input ---------------------------------------------------------

SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=10),
    st.dates(),
    st.times(),
)
KEYS = st.one_of(
    st.sampled_from(
        ["version", "settings", "agents", "branch", "scope", "pattern", "executor", "codex"]
    ),
    st.text(max_size=6),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_arbitrary_toml_is_a_policy_or_a_policy_error(data: dict[str, Any]) -> None:
    try:
        load_policy(toml_document(data))
    except PolicyError:
        return
    assert data.get("version") == 1  # nothing without `version = 1` is ever a policy


@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_refused(raw: bytes) -> None:
    assert_refused(raw)


TOML_CHARS = "[]{}=\"'.,#\n\r\t \\ab1-_:\x00\x7fé"


@given(st.text(alphabet=TOML_CHARS, max_size=80))
def test_toml_like_noise_is_refused(text: str) -> None:
    try:
        policy = load_policy(text)
    except PolicyError:
        return
    pytest.fail(f"{text!r} was accepted as {policy!r}")


# --- extreme files -----------------------------------------------------------

EXTREMES = {
    "nested arrays": "version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n",
    "nested inline tables": "version = 1\nx = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
    "a table path 5000 deep": "version = 1\n[" + ".".join(["a"] * 5000) + "]\n",
    "an integer of 5000 digits": "version = 1\nx = " + "1" * 5000 + "\n",
    "NUL bytes": "version = 1\n\x00\n",
    "a NUL inside a string": 'version = 1\n[settings]\ntrailer = "Ag\x00ent"\n',
    "a byte-order mark": "\ufeffversion = 1\n",
    "a 5 MB string in a wrong place": 'version = 1\nsettings = "' + "x" * 5_000_000 + '"\n',
}


@pytest.mark.parametrize("text", EXTREMES.values(), ids=EXTREMES.keys())
def test_extreme_files_are_refused(text: str) -> None:
    assert_refused(text)


def test_the_line_of_a_problem_survives_a_huge_file() -> None:
    error = assert_refused("#\n" * 300_000 + "version = 1\nbad = 1\n")
    assert error.lines() == [
        f"{POLICY_FILE}:300002: unknown key 'bad' in the policy "
        "(expected one of: version, settings, agents, branch)"
    ]


def test_non_utf8_bytes_are_refused_at_their_line() -> None:
    error = assert_refused(b'version = 1\n[settings]\ntrailer = "\xff"\n')
    assert error.lines() == [f"{POLICY_FILE}:3: not valid UTF-8 text"]


def test_a_byte_order_mark_is_named() -> None:
    error = assert_refused(b"\xef\xbb\xbfversion = 1\n")
    assert "byte-order mark" in error.lines()[0]


def test_a_huge_valid_policy_loads() -> None:
    scope = ", ".join(toml_string(f"src/module{i}/**") for i in range(2000))
    policy = load_policy(f"version = 1\n[agents.codex]\nscope = [{scope}]\n")
    assert policy.scope("codex").decide("src/module1999/x.py").included


def test_windows_line_endings_load() -> None:
    policy = load_policy(toml_document(valid_policy()).replace("\n", "\r\n"))
    assert policy.agents["codex"].max_files == 40


# --- the real CLI --------------------------------------------------------------

CLI_CASES = {
    "invalid TOML": b"version = 1\n[agents\n",
    "wrong types": b'version = "1"\n[agents.codex]\nscope = "src/**"\nmax_files = -1\n',
    "non-UTF-8": b"version = 1\n\xfe\xff\n",
    "deep nesting": b"version = 1\nx = " + b"{a = " * 5000 + b"1" + b"}" * 5000 + b"\n",
    "a huge integer": b"version = 1\nx = " + b"9" * 5000 + b"\n",
    "a bad pattern": b'version = 1\n[agents.codex]\nscope = ["src\\\\"]\n',
}


@pytest.mark.parametrize("raw", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_validate_exits_2_with_one_line_per_problem(tmp_path: Path, raw: bytes) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_bytes(raw)
    result = subprocess.run(
        [sys.executable, "-m", "agentowners.cli", "validate", str(policy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert lines
    assert all(line.startswith(f"{policy}:") for line in lines), result.stderr
    assert "Traceback" not in result.stderr
