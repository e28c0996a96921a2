"""The rules of SPEC §4, in one place: an actor, a branch, changed paths -> violations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from agentowners.actor import Actor, Problem
from agentowners.policy import HUMAN, POLICY_FILE, Policy

# Every violation code (SPEC §4); messages below say how to fix each.
CODES = (
    "foreign-agent",
    "human-not-allowed",
    "out-of-scope",
    "protected-path",
    "unknown-agent",
    "multiple-agents",
    "missing-trailer",
    "too-many-files",
    "too-many-lines",
)


class Violation(NamedTuple):
    commit: str  # short sha, "staged" or "session"
    code: str
    agent: str
    branch: str
    paths: tuple[str, ...]  # sorted
    message: str  # what is wrong and how to fix it


# Records one violation: code, agent, offending paths, message.
_Add = Callable[[str, str, Sequence[str], str], None]


class Change(NamedTuple):
    """One commit, or one commit being made, reduced to what the rules look at."""

    commit: str
    actor: Actor
    paths: tuple[str, ...]  # every changed path, both sides of renames
    lines: int | None  # added + deleted lines, None when not counted


def where_agent_may(policy: Policy, agent: str, action: str = "commit") -> str:
    """Which branches `agent` may `action` on (commit, write), as advice to it."""
    patterns = policy.branch_patterns_for(agent)
    if not patterns:
        return (
            f"no branch rule names {agent} as its executor: a human must add a [[branch]] "
            f"rule for {agent} to {POLICY_FILE} before {agent} can {action} anywhere"
        )
    shown = ", ".join(f"'{pattern}'" for pattern in patterns)
    example = patterns[0].replace("**", "<topic>").replace("*", "<topic>")
    hint = f" (e.g. git switch -c {example})" if not example.startswith("(") else ""
    return f"{agent} may {action} only on branches matching {shown}{hint}"


def _scope_text(policy: Policy, agent: str) -> str:
    return ", ".join(policy.agents[agent].scope)


def _problem_message(policy: Policy, problem: Problem, branch: str) -> str:
    trailer = policy.trailer
    declared = ", ".join(sorted(policy.agents)) or "none"
    if problem.code == "unknown-agent":
        return (
            f"{problem.detail}, which {POLICY_FILE} does not declare (declared agents: "
            f"{declared}). Fix: name a declared agent in the '{trailer}:' trailer; an "
            f"undeclared agent is allowed nowhere until a human adds [agents.{problem.agent}] "
            "to the policy."
        )
    if problem.code == "multiple-agents":
        return (
            f"{problem.detail}: one commit must have one agent. Fix: split the change into "
            f"one commit per agent, each with a single '{trailer}: <id>' trailer; if the "
            "environment names several agents, set AGENTOWNERS_AGENT to the one running."
        )
    if problem.code == "missing-trailer":
        return (
            f"this is {problem.agent}'s commit ({problem.detail}) but it has no "
            f"'{trailer}:' trailer. Fix: add the line '{trailer}: {problem.agent}' at the end "
            f"of the message (git commit --amend --trailer '{trailer}: {problem.agent}'), or "
            "install the add-agent-trailer hook to add it for you."
        )
    # foreign-agent raised by the environment/message comparison
    branches = where_agent_may(policy, problem.agent)
    return (
        f"{problem.detail}. Fix: an agent commits under its own name: use "
        f"'{trailer}: {problem.agent}' in the message; {branches}."
    )


def paths_refused(policy: Policy, agent: str, paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """(protected paths, other paths outside the agent's scope): protection wins over scope.

    An agent the policy does not declare has no scope: every path is outside it.
    """
    protected = [path for path in paths if path in policy.protection]
    protected_set = set(protected)
    others = [path for path in paths if path not in protected_set]
    if agent not in policy.agents:
        return protected, others
    return protected, policy.scope(agent).outside(others)


# The branch shown for a commit made on a detached HEAD, which lands on no branch.
DETACHED = "(detached HEAD)"


def judge(
    policy: Policy, change: Change, branch: str | None, *, merged_in: bool = False
) -> list[Violation]:
    """Every violation of one change landing on `branch`.

    `branch` None: the commit lands on no branch (a detached HEAD), so who may
    commit on which branch is not judged here; it is when the commit is pushed.
    `merged_in`: the commit reaches the branch only through a merge (it is not
    on the branch's first-parent line). It was made on, and judged for, its own
    branch, so who may commit on `branch` is not asked of it; its trailer, scope,
    protected paths and limits still are. Merging main into an agent's branch,
    or an agent's branch into main, is then judged on the merge commit itself.
    """
    actor = change.actor
    found: list[Violation] = []
    shown = DETACHED if branch is None else branch

    def add(code: str, agent: str, paths: Sequence[str], message: str) -> None:
        found.append(Violation(change.commit, code, agent, shown, tuple(sorted(paths)), message))

    for problem in actor.problems:
        add(problem.code, problem.agent, (), _problem_message(policy, problem, shown))
    if any(p.code in {"unknown-agent", "multiple-agents"} for p in actor.problems):
        return found  # no single declared agent to hold to a branch or a scope
    if branch is not None and not merged_in:
        _judge_branch(policy, actor, branch, add)
    if actor.is_agent:
        _judge_paths(policy, change, actor.agent, add)
    return found


def _judge_branch(policy: Policy, actor: Actor, branch: str, add: _Add) -> None:
    """foreign-agent and human-not-allowed: who may commit on `branch`."""
    owner = policy.owner(branch)
    rule = f"rule '{owner.rule.pattern}'" if owner.rule else "settings.unmatched"
    if not actor.is_agent:
        if not owner.allow_human:
            add(
                "human-not-allowed",
                HUMAN,
                (),
                f"branch '{branch}' is reserved for {owner.executor} ({rule}, allow_human = "
                "false) and this commit carries no agent trailer. Fix: if "
                f"{owner.executor} made it, add '{policy.trailer}: {owner.executor}' to the "
                "message; a human commits on another branch and merges from there.",
            )
        return
    agent = actor.agent
    if agent != owner.executor:
        owned_by = "humans only" if owner.executor == HUMAN else f"agent {owner.executor}"
        add(
            "foreign-agent",
            agent,
            (),
            f"branch '{branch}' belongs to {owned_by} ({rule}), not to {agent}. Fix: "
            f"{where_agent_may(policy, agent)}; move the commits there "
            "(git switch -c <branch>; then reset this branch) and open a pull request.",
        )


def _judge_paths(policy: Policy, change: Change, agent: str, add: _Add) -> None:
    """protected-path, out-of-scope and the size limits of an agent's change."""
    protected, outside = paths_refused(policy, agent, change.paths)
    if protected:
        add(
            "protected-path",
            agent,
            protected,
            f"{agent} changed protected paths. Fix: drop these changes from the commit "
            "(git restore --staged --worktree -- PATH, or git reset HEAD~ and recommit); "
            f"protected paths, {POLICY_FILE} above all, are changed by a human only, "
            "on a human branch.",
        )
    if outside:
        add(
            "out-of-scope",
            agent,
            outside,
            f"{agent} may change only {_scope_text(policy, agent)}. Fix: drop these paths "
            "from the commit (git restore --staged --worktree -- PATH, or git reset HEAD~ and "
            "recommit without them) and leave them to their owner or a human.",
        )

    limits = policy.agents[agent]
    if limits.max_files is not None and len(change.paths) > limits.max_files:
        add(
            "too-many-files",
            agent,
            (),
            f"{agent} changed {len(change.paths)} files in one commit; the limit is "
            f"{limits.max_files}. Fix: split the change into smaller commits.",
        )
    if (
        limits.max_lines is not None
        and change.lines is not None
        and change.lines > limits.max_lines
    ):
        add(
            "too-many-lines",
            agent,
            (),
            f"{agent} changed {change.lines} lines in one commit; the limit is "
            f"{limits.max_lines}. Fix: split the change into smaller commits.",
        )
