"""The engine's entry points: which policy is in force, and the checks over commits.

Every front end (CLI verbs, hooks, pre-push, pre-receive, audit) calls these;
none has its own copy of the rules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple, TextIO

from agentowners import git, history, policy_source, push, report
from agentowners.actor import Actor, commit_actor
from agentowners.checks import Change, Violation, judge
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError
from agentowners.policy import POLICY_FILE, Policy, load_policy

FORMATS = ("text", "json")


class Outcome(NamedTuple):
    checked: int
    violations: tuple[Violation, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_VIOLATIONS if self.violations else EXIT_OK


# The one line every check prints when there is no policy (hooks print it before
# the engine loads, so it lives in policy_source).
no_policy_line = policy_source.no_policy_line


def change_of(policy: Policy, commit: history.Commit) -> Change:
    return Change(commit.short, commit_actor(policy, commit.evidence), commit.paths, commit.lines)


def with_merged_in(
    commits: Iterable[history.Commit], revisions: Sequence[str]
) -> Iterator[tuple[history.Commit, bool]]:
    """Each commit of `git log REVISIONS` and whether it came in through a merge.

    A commit is merged in when it is not on the first-parent line of the tips.
    Until the walk meets a merge every commit it shows is on that line (git
    shows a commit only after a child that led to it), so the first-parent
    list is asked of git only for histories that contain merges.
    """
    first_parent: set[str] | None = None
    for commit in commits:
        if first_parent is None and len(commit.parents) > 1:
            first_parent = git.first_parent_line(revisions)
        yield commit, first_parent is not None and commit.sha not in first_parent


def check_commits(
    policy: Policy, commits: Iterable[history.Commit], branch: str, revisions: Sequence[str]
) -> Outcome:
    checked = 0
    violations: list[Violation] = []
    for commit, merged_in in with_merged_in(commits, revisions):
        checked += 1
        violations.extend(judge(policy, change_of(policy, commit), branch, merged_in=merged_in))
    return Outcome(checked, tuple(violations))


def check_revisions(policy: Policy, revisions: Sequence[str], branch: str) -> Outcome:
    """§4 over every commit `git log REVISIONS` lists, as if they landed on `branch`."""
    commits = history.commits(revisions, trailer=policy.trailer, count_lines=policy.counts_lines)
    return check_commits(policy, commits, branch, revisions)


def check_change(
    policy: Policy,
    actor: Actor,
    paths: Sequence[str],
    *,
    lines: int | None,
    branch: str | None,
    commit: str = "staged",
) -> Outcome:
    return Outcome(1, tuple(judge(policy, Change(commit, actor, tuple(paths), lines), branch)))


def check_push(checks: Sequence[push.PushCheck], policies: Mapping[str, bytes | None]) -> Outcome:
    """SPEC §4 over every branch a push updates, each with its own policy (see `push`)."""
    loaded: dict[str, Policy] = {}
    checked = 0
    violations: list[Violation] = []
    for check in checks:
        raw = policies.get(check.policy_rev) if check.policy_rev else None
        if check.policy_rev is None or raw is None:
            where = f"at {check.policy_rev}" if check.policy_rev else "on the receiving side"
            print(f"{no_policy_line(where)} (branch {check.branch})", file=sys.stderr)
            continue
        if check.policy_rev not in loaded:
            loaded[check.policy_rev] = load_policy(raw, POLICY_FILE)
        outcome = check_revisions(loaded[check.policy_rev], check.revisions, check.branch)
        checked += outcome.checked
        violations.extend(outcome.violations)
    return Outcome(checked, tuple(violations))


def print_outcome(
    outcome: Outcome,
    *,
    fmt: str = "text",
    what: str = "commit",
    out: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Print an outcome in `fmt` (and annotations under GitHub Actions); return the exit code."""
    out = out or sys.stdout
    environ = os.environ if environ is None else environ
    if fmt == "json":
        print(report.as_json(outcome.violations, outcome.checked), file=out)
    elif fmt == "text":
        print(report.text(outcome.violations, outcome.checked, what), file=out)
    else:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if environ.get("GITHUB_ACTIONS") == "true" and outcome.violations:
        # The runner reads workflow commands from stdout and stderr alike; keep
        # stdout valid JSON when JSON was asked for.
        annotations_to = sys.stderr if fmt == "json" else out
        print(report.github_annotations(outcome.violations), file=annotations_to)
    return outcome.exit_code
