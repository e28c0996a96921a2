"""The audit trail (SPEC §5 `audit`): who made each commit, per-agent totals, violations.

The commits stream past once, from one `git log`: each is judged by the same
rules as every other front end (`engine.change_of` + `checks.judge`) and
handed to a writer at once, so that a history of any length is never held in
memory; only the per-agent totals and the violations are kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple, Protocol, TextIO

from agentowners import engine, history
from agentowners.actor import Actor, commit_actor
from agentowners.checks import Violation, judge
from agentowners.policy import DEFAULT_TRAILER, POLICY_FILE, Policy, load_policy

# Why the policy in force is the one it is (the JSON's `policy.chosen_by`).
CHOSEN_BY_BASE = "range-base"  # BASE..HEAD: the policy the target already had
CHOSEN_BY_HEAD = "head"  # a plain revision or the whole history: HEAD's policy
CHOSEN_BY_OPTION = "policy-ref"  # --policy-ref REV

PROGRESS_EVERY = 5000


class PolicyInForce(NamedTuple):
    policy: Policy | None  # None: no policy file there, so actors only and no checks
    ref: str  # the revision as named: BASE, "HEAD" or --policy-ref's REV
    commit: str  # its full id
    chosen_by: str  # one of the CHOSEN_BY_* values


class AuditPlan(NamedTuple):
    """What one audit covers: the commits, the branch they are judged on, the policy."""

    spec: str  # the range as given, "HEAD" by default
    revisions: tuple[str, ...]  # `git log` arguments, full ids
    branch: str | None  # None only when there is no policy to judge by
    in_force: PolicyInForce


class AuditedCommit(NamedTuple):
    commit: history.Commit
    actor: Actor
    violations: tuple[Violation, ...]


class AgentTotals(NamedTuple):
    agent: str  # an agent id, an undeclared name, or "human"
    commits: int
    files: int  # distinct paths its commits changed
    lines: int  # added + deleted lines over all its commits


class Writer(Protocol):
    """An output format: told about each commit as it comes, then the totals."""

    def commit(self, row: AuditedCommit) -> None: ...

    def finish(self, tally: Tally) -> None: ...


@lru_cache(maxsize=1)
def markers_only() -> Policy:
    """A policy declaring nothing: recognises actors by trailer and built-in markers."""
    return load_policy("version = 1\n", "(built-in markers)")


def audited(plan: AuditPlan, commits: Iterable[history.Commit]) -> Iterator[AuditedCommit]:
    """Each commit with its actor and the violations the policy in force raises."""
    policy, branch = plan.in_force.policy, plan.branch
    for commit, merged_in in engine.with_merged_in(commits, plan.revisions):
        if policy is None or branch is None:  # nothing to judge by: the actor only
            yield AuditedCommit(commit, commit_actor(markers_only(), commit.evidence), ())
        else:
            change = engine.change_of(policy, commit)
            found = judge(policy, change, branch, merged_in=merged_in)
            yield AuditedCommit(commit, change.actor, tuple(found))


def plan_commits(plan: AuditPlan) -> Iterator[history.Commit]:
    """The plan's commits, newest first, streamed, with line counts."""
    policy = plan.in_force.policy or markers_only()
    return history.commits(plan.revisions, trailer=policy.trailer, count_lines=True)


class _Running:
    __slots__ = ("commits", "lines", "paths")

    def __init__(self) -> None:
        self.commits = 0
        self.lines = 0
        self.paths: set[str] = set()


class Tally:
    """Per-agent totals and every violation, built while the commits stream past."""

    def __init__(self) -> None:
        self.checked = 0
        self.violations: list[Violation] = []
        self._agents: dict[str, _Running] = {}

    def add(self, row: AuditedCommit) -> None:
        self.checked += 1
        self.violations.extend(row.violations)
        running = self._agents.get(row.actor.agent)
        if running is None:
            running = self._agents[row.actor.agent] = _Running()
        running.commits += 1
        running.lines += row.commit.lines or 0
        running.paths.update(row.commit.paths)

    def agents(self) -> list[AgentTotals]:
        """Totals per agent, most commits first."""
        totals = [
            AgentTotals(agent, running.commits, len(running.paths), running.lines)
            for agent, running in self._agents.items()
        ]
        return sorted(totals, key=lambda total: (-total.commits, total.agent))


def run(
    plan: AuditPlan,
    commits: Iterable[history.Commit],
    writer: Writer,
    *,
    progress: TextIO | None = None,
) -> Tally:
    """Judge and write every commit as it comes; finish with the totals.

    `progress` (a terminal's stderr) gets a line every PROGRESS_EVERY commits.
    """
    tally = Tally()
    for row in audited(plan, commits):
        tally.add(row)
        writer.commit(row)
        if progress is not None and tally.checked % PROGRESS_EVERY == 0:
            print(f"agentowners audit: {tally.checked:,} commits read…", file=progress, flush=True)
    writer.finish(tally)
    return tally


def iso_date(timestamp: int) -> str:
    """A commit time as ISO 8601 in UTC (the time zone git recorded is not kept)."""
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def policy_phrase(in_force: PolicyInForce) -> str:
    """Which policy judged the commits, and why that one (follows "policy: ")."""
    why = {
        CHOSEN_BY_BASE: "the range's base: the rules in force before these commits",
        CHOSEN_BY_HEAD: "the current one, as there is no range base",
        CHOSEN_BY_OPTION: "--policy-ref",
    }[in_force.chosen_by]
    where = f"{in_force.ref} ({in_force.commit[:10]}, {why})"
    if in_force.policy is None:
        return (
            f"none, there is no {POLICY_FILE} at {where}; actors are recognised by the "
            f"'{DEFAULT_TRAILER}' trailer and the built-in markers only, and no violations "
            "are checked"
        )
    return f"{POLICY_FILE} at {where}"
