"""The policy file `.agentowners.toml`: load, validate, resolve (SPEC §2).

Validation is declarative: each table lists its keys with a checker; every
problem is collected with the line it is on, and the whole file is refused
if anything is wrong (fail closed: nothing is allowed by a policy that could
not be read).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from agentowners import gitcmd, policy_source
from agentowners.builtin_agents import BUILTIN_BY_ID
from agentowners.errors import PolicyError, PolicyProblem
from agentowners.patterns import ScopeMatcher, branch_regex, pattern_regexes

# At the top: whoever imports this module reads a policy. (Hooks that find no
# policy import neither: tests/hooks_test.py.) The guard and the commit-time
# hooks import it while git works for them.
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

# Defined beside the light "is there a policy?" probe that hooks run first.
POLICY_FILE = policy_source.POLICY_FILE
HUMAN = "human"
DEFAULT_TRAILER = "Agent"
AGENT_ID = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
# The policy file protects itself: it is always a protected path.
ALWAYS_PROTECTED = "/" + POLICY_FILE


class Agent(NamedTuple):
    id: str
    scope: tuple[str, ...]
    scope_lines: tuple[int | None, ...]  # the line of each scope pattern, for `explain`
    max_files: int | None
    max_lines: int | None
    env: tuple[str, ...]
    emails: tuple[str, ...]
    line: int | None


class BranchRule(NamedTuple):
    pattern: str
    executor: str
    allow_human: bool
    line: int | None
    regex: re.Pattern[str]


class BranchOwner(NamedTuple):
    """Who may commit on a branch, and which rule said so (None: `settings.unmatched`)."""

    executor: str
    allow_human: bool
    rule: BranchRule | None


class Policy(NamedTuple):
    """A loaded policy.

    A NamedTuple rather than a frozen dataclass: importing `dataclasses` costs
    every hook and guard about 7 ms, a third of Python's own start.
    """

    source: str
    trailer: str
    protected: tuple[str, ...]
    unmatched: str
    require_trailer: bool
    agents: Mapping[str, Agent]
    branches: tuple[BranchRule, ...]
    protected_lines: tuple[int | None, ...]
    # Compiled matchers by agent ("" for protection), built on first use and
    # reused for every commit checked: each policy gets its own dict (_build).
    matchers: dict[str, ScopeMatcher]

    # Compared and hashed by identity, as the dataclass was: what is worked out
    # from a policy is cached per policy (actor._markers), and `agents` is a dict.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def owner(self, branch: str) -> BranchOwner:
        """First matching rule decides; no match gets `settings.unmatched`."""
        for rule in self.branches:
            if rule.regex.fullmatch(branch):
                return BranchOwner(rule.executor, rule.allow_human, rule)
        return self.unmatched_owner

    @property
    def unmatched_owner(self) -> BranchOwner:
        """The owner of every branch no rule matches: `settings.unmatched`, humans allowed."""
        return BranchOwner(self.unmatched, True, None)

    def branch_patterns_for(self, agent: str) -> list[str]:
        """Patterns of the branches this agent is the executor of."""
        patterns = [rule.pattern for rule in self.branches if rule.executor == agent]
        if self.unmatched == agent:
            patterns.append("(any branch no rule matches)")
        return patterns

    def scope(self, agent: str) -> ScopeMatcher:
        """The compiled scope of a declared agent, built once and reused."""
        matcher = self.matchers.get(agent)
        if matcher is None:
            matcher = self.matchers[agent] = ScopeMatcher(self.agents[agent].scope)
        return matcher

    @property
    def protection(self) -> ScopeMatcher:
        matcher = self.matchers.get("")
        if matcher is None:
            matcher = self.matchers[""] = ScopeMatcher((*self.protected, ALWAYS_PROTECTED))
        return matcher

    @property
    def counts_lines(self) -> bool:
        """Whether any agent has `max_lines`, so that line counts must be computed."""
        return any(agent.max_lines is not None for agent in self.agents.values())


_POSIX_CLASS = re.compile(r"\[:[a-z]+:\]")
_ESCAPED = re.compile(r"\\.")
# A `[` not escaped, then a class body holding a backslash.
_BACKSLASH_IN_CLASS = re.compile(r"(?:\A|[^\\])(?:\\\\)*\[[!^]?\]?[^\]]*\\")
# Trailing whitespace, unless it is one space escaped by a backslash.
_TRAILING_BLANK = re.compile(r"(?<!\\)(?:\\\\)*\s\Z|\s\s\Z")


def pattern_problem(pattern: str) -> str | None:
    """Why a scope or protected pattern cannot be used as written, or None.

    pathspec silently drops some patterns (comments, a lone '/', ranges git
    discards) and fails on others only when the scope is first used. Dropped,
    a protected pattern would unprotect its paths and a scope pattern would
    quietly shrink the scope; refuse them when the policy is read instead.
    """
    if _TRAILING_BLANK.search(pattern):
        # git drops trailing spaces but keeps tabs; pathspec drops both. Refusing
        # them keeps the two in step (a wanted trailing space is written '\\ ').
        return "ends with whitespace: remove it (write a wanted trailing space as '\\ ')"
    if any(
        "**" in segment and segment != "**"
        for segment in _ESCAPED.sub("", pattern.removeprefix("!")).split("/")
    ):
        # gitignore documents such stars as plain '*', but git's matcher treats
        # some of them (e.g. 'a**/b') as '**': ambiguous, so refused.
        return "uses '**' inside a name: '**' must be a whole path segment ('a/**/b'); use '*'"
    if _POSIX_CLASS.search(pattern):
        # git supports [[:alpha:]]; pathspec hands it to `re`, where it means
        # something else entirely.
        return (
            "uses a POSIX class such as [[:alpha:]], which is not supported: "
            "list the characters instead, e.g. [a-zA-Z]"
        )
    if _BACKSLASH_IN_CLASS.search(pattern):
        # git escapes the next character inside [...]; pathspec takes '\' literally.
        return "has a '\\' inside [...]: list the character itself (']' goes first: '[]a]')"
    try:
        ((regex, _),) = pattern_regexes([pattern])
        if regex is not None:
            re.compile(regex)
    except (ValueError, re.error):
        return (
            "is not a valid pattern: look for a lone '\\' at the end, an escaped '/', "
            "a reversed range such as [z-a], or a '!' with nothing after it"
        )
    if regex is None:
        return (
            "matches nothing: it is a comment or '/', or has a [...] that is not closed "
            "or contains '/'"
        )
    return None


# --- locating keys in the source text (TOML parsers give no value positions) ---


class _Lines:
    """Finds the line of a table or key in the TOML source, best effort."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._headers = [(number, _header_key(line)) for number, line in enumerate(self.lines, 1)]

    def table(self, path: Sequence[str], occurrence: int = 0) -> int | None:
        found = [n for n, key in self._headers if key == tuple(path)]
        return found[occurrence] if occurrence < len(found) else None

    def key(self, table: Sequence[str], key: Sequence[str], occurrence: int = 0) -> int | None:
        """The line of dotted `key` inside `table` (its n-th occurrence for arrays).

        Handles `[a.b]` + `c = …`, `[a]` + `b.c = …`, `a.b.c = …` at the top,
        `[a.b.c]` sub-tables and inline tables (`c = { d = … }` answers for `c.d`).
        Falls back to the table's own line.
        """
        table, key = tuple(table), tuple(key)
        start = self.table(table, occurrence) if table else 0
        if start is not None:
            for number in range(start + 1, len(self.lines) + 1):
                line = self.lines[number - 1]
                if _header_key(line) is not None:
                    break
                assigned = _assigned_key(line)
                if assigned and key[: len(assigned)] == assigned:
                    return number
            if len(key) > 1 and self.table((*table, key[0])) is not None:
                return self.key((*table, key[0]), key[1:])
            return start or None
        if table:
            return self.key(table[:-1], (table[-1], *key))
        return None


_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'"
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"\s*{_KEY}(?:\s*\.\s*{_KEY})*\s*"
_HEADER_LINE = re.compile(rf"\s*\[\[?({_DOTTED})\]\]?\s*(?:#.*)?\Z")
_ASSIGN_LINE = re.compile(rf"({_DOTTED})=")
_KEY_PART = re.compile(_KEY)


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART.findall(dotted))


def _header_key(line: str) -> tuple[str, ...] | None:
    match = _HEADER_LINE.match(line)
    return _split_key(match.group(1)) if match else None


def _assigned_key(line: str) -> tuple[str, ...] | None:
    match = _ASSIGN_LINE.match(line)
    return _split_key(match.group(1)) if match else None


# --- validation ---

Check = Callable[[object, "int | None"], bool]


class _Validator:
    """Collects every problem with its line; the checkers are small declarative rules."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.where = _Lines(text)
        self.problems: list[PolicyProblem] = []

    def problem(self, message: str, line: int | None) -> None:
        self.problems.append(PolicyProblem(message, line))

    def table(
        self,
        value: object,
        name: str,
        line: int | None,
        keys: Mapping[str, Check],
        key_line: Callable[[str], int | None],
    ) -> dict[str, Any]:
        """Check a table's keys and value types; return the valid entries."""
        if not isinstance(value, dict):
            self.problem(f"{name} must be a table (got {_show(value)})", line)
            return {}
        valid: dict[str, Any] = {}
        for key, item in value.items():
            check = keys.get(key)
            if check is None:
                expected = ", ".join(keys)
                self.problem(
                    f"unknown key {key!r} in {name} (expected one of: {expected})", key_line(key)
                )
            elif check(item, key_line(key)):
                valid[key] = item
        return valid

    def strings(self, name: str) -> Check:
        def check(value: object, line: int | None) -> bool:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.problem(f"{name} must be an array of strings (got {_show(value)})", line)
                return False
            if any(not item.strip() for item in value):
                self.problem(f"{name} must not contain empty strings", line)
                return False
            return True

        return check

    def patterns(self, name: str) -> Check:
        """An array of strings, each a usable gitignore pattern (see `pattern_problem`)."""
        strings = self.strings(name)

        def check(value: object, line: int | None) -> bool:
            if not strings(value, line):
                return False
            assert isinstance(value, list)
            valid = True
            for item, item_line in zip(value, _item_lines(self.where.lines, line, value)):
                problem = pattern_problem(item)
                if problem:
                    self.problem(f"{name}: pattern {item!r} {problem}", item_line)
                    valid = False
            return valid

        return check

    def text(self, name: str) -> Check:
        def check(value: object, line: int | None) -> bool:
            if isinstance(value, str) and value.strip():
                return True
            self.problem(f"{name} must be a non-empty string (got {_show(value)})", line)
            return False

        return check

    def boolean(self, name: str) -> Check:
        def check(value: object, line: int | None) -> bool:
            if isinstance(value, bool):
                return True
            self.problem(f"{name} must be true or false (got {_show(value)})", line)
            return False

        return check

    def positive(self, name: str) -> Check:
        def check(value: object, line: int | None) -> bool:
            # bool is an int in Python; `max_files = true` is still wrong.
            if type(value) is int and value > 0:
                return True
            self.problem(f"{name} must be a positive integer (got {_show(value)})", line)
            return False

        return check

    def matching(self, name: str, regex: re.Pattern[str], what: str) -> Check:
        def check(value: object, line: int | None) -> bool:
            if isinstance(value, str) and regex.match(value):
                return True
            self.problem(f"{name} must be {what} (got {_show(value)})", line)
            return False

        return check

    def accept(self, value: object, line: int | None) -> bool:
        """For tables checked on their own further down."""
        return True


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def policy_at(rev: str, cwd: str | None = None) -> Policy | None:
    """The policy committed at `rev` (":" for the index), None when there is none."""
    raw = policy_source.read_policy_at(rev, cwd)
    return None if raw is None else load_policy(raw, POLICY_FILE)


def commit_time_policy(
    cwd: str | None = None, *, started: gitcmd.Started | None = None
) -> Policy | None:
    """The policy commit-time hooks and edit-time guards enforce: HEAD's, or the index's
    before a first commit (see policy_source.commit_time_policy, and its `started`)."""
    raw = policy_source.commit_time_policy(cwd, started=started).raw
    return None if raw is None else load_policy(raw, POLICY_FILE)


def load_policy(raw: bytes | str, source: str = POLICY_FILE) -> Policy:
    """Parse and validate a policy; raise :class:`PolicyError` listing every problem."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = raw[: exc.start].count(b"\n") + 1
            raise PolicyError(source, [PolicyProblem("not valid UTF-8 text", bad_line)]) from None
    else:
        text = raw
    if text.startswith("\ufeff"):
        raise PolicyError(
            source,
            [PolicyProblem("starts with a byte-order mark: save it as UTF-8 without a BOM", 1)],
        )
    return _build(_parse_toml(text, source), text, source)


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        line: int | None = int(position.group(1)) if position else None
        if line is None and "end of document" in str(exc):
            line = text.count("\n") + 1
        raise PolicyError(source, [PolicyProblem(f"invalid TOML: {message}", line)]) from None
    except RecursionError:
        raise PolicyError(source, [PolicyProblem("invalid TOML: nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        message = str(exc).split(";")[0]  # not Python's advice on raising its limit
        raise PolicyError(source, [PolicyProblem(f"invalid TOML: {message}")]) from None


def _build(data: dict[str, Any], text: str, source: str) -> Policy:
    v = _Validator(source, text)
    top = v.table(
        data,
        "the policy",
        None,
        {
            "version": _version_check(v),
            "settings": v.accept,
            "agents": v.accept,
            "branch": v.accept,
        },
        lambda key: v.where.key((), (key,)) or v.where.table((key,)),
    )
    if "version" not in data:
        v.problem("missing required key 'version' (add `version = 1` at the top)", 1)

    settings = v.table(
        top.get("settings", {}),
        "[settings]",
        v.where.table(("settings",)),
        {
            "trailer": v.matching(
                "settings.trailer", TRAILER_KEY, "a trailer key of letters, digits and '-'"
            ),
            "protected": v.patterns("settings.protected"),
            "unmatched": v.text("settings.unmatched"),
            "require_trailer": v.boolean("settings.require_trailer"),
        },
        lambda key: v.where.key(("settings",), (key,)),
    )
    agents = _agents(v, top.get("agents", {}))
    branches = _branches(v, top.get("branch", []), agents)

    unmatched = str(settings.get("unmatched", HUMAN)).lower()
    if "unmatched" in settings:
        _check_executor(
            v, unmatched, agents, "settings.unmatched", v.where.key(("settings",), ("unmatched",))
        )
    if v.problems:
        raise PolicyError(source, v.problems)
    protected = tuple(settings.get("protected", ()))
    return Policy(
        source=source,
        trailer=settings.get("trailer", DEFAULT_TRAILER),
        protected=protected,
        protected_lines=_item_lines(
            v.where.lines, v.where.key(("settings",), ("protected",)), protected
        ),
        unmatched=unmatched,
        require_trailer=settings.get("require_trailer", True),
        agents=agents,
        branches=tuple(branches),
        matchers={},
    )


def _version_check(v: _Validator) -> Check:
    def check(value: object, line: int | None) -> bool:
        if value == 1 and type(value) is int:
            return True
        v.problem(f"version must be 1 (got {_show(value)})", line)
        return False

    return check


def _agents(v: _Validator, value: object) -> dict[str, Agent]:
    if not isinstance(value, dict):
        v.problem(
            f"agents must be a table of [agents.<id>] tables (got {_show(value)})",
            v.where.key((), ("agents",)),
        )
        return {}
    agents: dict[str, Agent] = {}
    for agent_id, body in value.items():
        line = v.where.table(("agents", agent_id)) or v.where.key(("agents",), (agent_id,))
        if agent_id == HUMAN:
            v.problem("'human' is reserved and cannot be an agent id", line)
        elif not AGENT_ID.match(agent_id):
            v.problem(
                f"agent id {agent_id!r} is invalid: use lowercase letters, digits, '.', '_' "
                "and '-', starting with a letter or digit",
                line,
            )
        else:
            agent = _agent(v, agent_id, body, line)
            if agent is not None:
                agents[agent_id] = agent
    return agents


def _agent(v: _Validator, agent_id: str, body: object, line: int | None) -> Agent | None:
    table = ("agents", agent_id)
    prefix = f"agents.{agent_id}"

    def key_line(key: str) -> int | None:
        return v.where.key(table, (key,))

    detect_keys = {
        "env": v.strings(f"{prefix}.detect.env"),
        "emails": v.strings(f"{prefix}.detect.emails"),
    }

    def detect(value: object, line: int | None) -> bool:
        before = len(v.problems)
        v.table(
            value,
            f"{prefix}.detect",
            line,
            detect_keys,
            lambda key: v.where.key(table, ("detect", key)),
        )
        return len(v.problems) == before

    before = len(v.problems)
    entries = v.table(
        body,
        f"[{prefix}]",
        line,
        {
            "scope": v.patterns(f"{prefix}.scope"),
            "max_files": v.positive(f"{prefix}.max_files"),
            "max_lines": v.positive(f"{prefix}.max_lines"),
            "detect": detect,
        },
        key_line,
    )
    if isinstance(body, dict) and "scope" not in body:
        v.problem(
            f'[{prefix}] needs a scope: the paths this agent may change, e.g. scope = ["src/**"]',
            line,
        )
    elif entries.get("scope") == []:
        v.problem(
            f"{prefix}.scope is empty: list the paths this agent may change", key_line("scope")
        )
    if len(v.problems) != before:
        return None
    builtin = BUILTIN_BY_ID.get(agent_id)
    markers = entries.get("detect")
    if markers is None:
        env = builtin.env if builtin else ()
        emails = builtin.emails if builtin else ()
    else:
        env = tuple(markers.get("env", ()))
        emails = tuple(markers.get("emails", ()))
    scope = tuple(entries["scope"])
    return Agent(
        id=agent_id,
        scope=scope,
        scope_lines=_item_lines(v.where.lines, key_line("scope"), scope),
        max_files=entries.get("max_files"),
        max_lines=entries.get("max_lines"),
        env=env,
        emails=tuple(email.lower() for email in emails),
        line=line,
    )


def _item_lines(
    lines: list[str], start: int | None, items: Sequence[str]
) -> tuple[int | None, ...]:
    """The line of each string of an array starting at `start` (arrays may span lines)."""
    found: list[int | None] = []
    number = start
    for item in items:
        line: int | None = None
        if number is not None:
            for candidate in range(number, min(number + 200, len(lines)) + 1):
                text = lines[candidate - 1]
                if f'"{item}"' in text or f"'{item}'" in text:
                    line = number = candidate
                    break
        found.append(line if line is not None else start)
    return tuple(found)


def _check_executor(
    v: _Validator, executor: str, agents: Mapping[str, Agent], name: str, line: int | None
) -> bool:
    if executor == HUMAN or executor in agents:
        return True
    declared = ", ".join(sorted(agents)) or "none"
    v.problem(
        f"{name} names {executor!r}, which is not a declared agent "
        f"(declared: {declared}; add an [agents.{executor}] table or use 'human')",
        line,
    )
    return False


def _branches(v: _Validator, value: object, agents: Mapping[str, Agent]) -> list[BranchRule]:
    if not isinstance(value, list):
        v.problem(
            f"branch must be an array of [[branch]] tables (got {_show(value)})",
            v.where.key((), ("branch",)),
        )
        return []
    rules: list[BranchRule] = []
    for index, body in enumerate(value):
        line = v.where.table(("branch",), index)

        def key_line(key: str, index: int = index) -> int | None:
            return v.where.key(("branch",), (key,), index)

        before = len(v.problems)
        entries = v.table(
            body,
            "[[branch]]",
            line,
            {
                "pattern": v.text(f"branch[{index}].pattern"),
                "executor": v.text(f"branch[{index}].executor"),
                "allow_human": v.boolean(f"branch[{index}].allow_human"),
            },
            key_line,
        )
        for required in ("pattern", "executor"):
            if isinstance(body, dict) and required not in body:
                v.problem(f"[[branch]] needs a {required!r}", line)
        if len(v.problems) != before:
            continue
        executor = entries["executor"].lower()
        if _check_executor(
            v, executor, agents, f"branch {entries['pattern']!r} executor", key_line("executor")
        ):
            rules.append(
                BranchRule(
                    pattern=entries["pattern"],
                    executor=executor,
                    allow_human=entries.get("allow_human", True),
                    line=line,
                    regex=branch_regex(entries["pattern"]),
                )
            )
    return rules
