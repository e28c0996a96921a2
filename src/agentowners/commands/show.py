"""`agentowners show`: the policy as tables to paste into CONTRIBUTING.md or AGENTS.md.

So that agents and people read the same rules the hooks enforce, rendered
from the policy itself rather than restated by hand.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from agentowners import markdown, report
from agentowners.commands import add_format
from agentowners.commands.validate import read_policy
from agentowners.errors import EXIT_OK
from agentowners.policy import HUMAN, POLICY_FILE, BranchOwner, Policy

FORMATS = ("text", "markdown")
ANY_PATH = "any path (humans are not scope-checked)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--policy-ref",
        metavar="REV",
        help=f"show the {POLICY_FILE} committed at REV (default: HEAD, the one in force)",
    )
    source.add_argument(
        "--work-tree",
        action="store_true",
        help=f"show the work tree's {POLICY_FILE}, e.g. while editing it, before committing",
    )
    add_format(parser, FORMATS)


def run(args: argparse.Namespace) -> int:
    return show(policy_ref=args.policy_ref, work_tree=args.work_tree, fmt=args.fmt)


def _branch_rows(policy: Policy) -> list[BranchOwner]:
    """Every rule in order, then the owner of the branches no rule matches (rule None)."""
    rules = [BranchOwner(rule.executor, rule.allow_human, rule) for rule in policy.branches]
    return [*rules, policy.unmatched_owner]


def _branches_of(policy: Policy, agent: str) -> list[str | None]:
    """The branch patterns `agent` is the executor of; None for "any other branch"."""
    return [
        row.rule.pattern if row.rule else None
        for row in _branch_rows(policy)
        if row.executor == agent
    ]


def _md_branches(patterns: Sequence[str | None], *, in_table: bool = False) -> str:
    return ", ".join(
        markdown.code(p, in_table=in_table) if p is not None else "any other branch"
        for p in patterns
    )


def protected_paths(policy: Policy) -> list[str]:
    return [*policy.protected, POLICY_FILE]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _limit(value: int | None) -> str:
    return str(value) if value is not None else "-"


def as_text(policy: Policy, where: str) -> str:
    branches = [("branch pattern", "executor", "humans", "the executor may change")]
    for row in _branch_rows(policy):
        scope = ", ".join(policy.agents[row.executor].scope) if row.executor != HUMAN else ANY_PATH
        pattern = row.rule.pattern if row.rule else "(any other branch)"
        branches.append((pattern, row.executor, _yes(row.allow_human), scope))
    agents = [("agent", "may commit on", "max files", "max lines", "scope")]
    for agent in policy.agents.values():
        agents.append(
            (
                agent.id,
                ", ".join(p or "(any other branch)" for p in _branches_of(policy, agent.id))
                or "(no branch)",
                _limit(agent.max_files),
                _limit(agent.max_lines),
                ", ".join(agent.scope),
            )
        )
    lines = [
        f"agentowners policy ({POLICY_FILE} {where})",
        "",
        "Branches (the first matching pattern decides):",
        *(f"  {line}" for line in report.columns(branches)),
        "",
        "Agents (scope: gitignore patterns, the last match decides, '!' excludes):",
        *(f"  {line}" for line in report.columns(agents, right={2, 3})),
        "",
        f"Protected, no agent may change: {', '.join(protected_paths(policy))}",
        f"Every agent commit names its agent in a trailer: '{policy.trailer}: <id>'",
    ]
    return "\n".join(lines)


def _codes(values: Sequence[str]) -> str:
    return ", ".join(markdown.code(value, in_table=True) for value in values)


def agent_instructions(policy: Policy) -> str:
    """The paragraph telling an agent what to do, in the agent's own terms."""
    where = "; ".join(
        f"{markdown.code(agent)}: "
        + (_md_branches(_branches_of(policy, agent)) or "no branch yet (ask a human)")
        for agent in policy.agents
    )
    trailer = policy.trailer
    return (
        f"**If you are an agent**: commit only on branches matching your pattern ({where}), "
        f"and end every commit message with the trailer `{trailer}: <your id>` "
        f"(e.g. `git commit -m '…' --trailer '{trailer}: <your id>'`). "
        "Change only the paths inside your scope, and never touch the protected paths: "
        "a policy change needs a human. To check a path before you edit it, run "
        "`agentowners explain PATH --agent <your id>`."
    )


def as_markdown(policy: Policy, where: str) -> str:
    branch_rows = []
    for row in _branch_rows(policy):
        executor = row.executor
        branch_rows.append(
            (
                markdown.code(row.rule.pattern, in_table=True) if row.rule else "any other branch",
                markdown.code(executor, in_table=True) if executor != HUMAN else HUMAN,
                _yes(row.allow_human),
                _codes(policy.agents[executor].scope) if executor != HUMAN else ANY_PATH,
            )
        )
    agent_rows = [
        (
            markdown.code(agent.id, in_table=True),
            _md_branches(_branches_of(policy, agent.id), in_table=True) or "no branch",
            _codes(agent.scope),
            _limit(agent.max_files),
            _limit(agent.max_lines),
        )
        for agent in policy.agents.values()
    ]
    lines = [
        "## Agent rules",
        "",
        f"<!-- generated by `agentowners show --format markdown` from {POLICY_FILE} {where}; "
        "regenerate it instead of editing -->",
        "",
        "Which agent may commit on which branch, and which paths it may change. The commit "
        f"hooks, CI and the server enforce these rules from `{POLICY_FILE}`. The first "
        "matching branch pattern decides; a scope is a list of gitignore patterns where the "
        "last match decides and `!` excludes.",
        "",
        *markdown.table(
            ("branch", "executor", "humans may commit", "the executor may change"),
            "llll",
            branch_rows,
        ),
        "",
        *markdown.table(
            ("agent", "may commit on", "scope", "max files per commit", "max lines per commit"),
            "lllrr",
            agent_rows,
        ),
        "",
        "**Protected paths**: no agent may change "
        + ", ".join(markdown.code(p) for p in protected_paths(policy))
        + "; a human changes them, on a human branch.",
        "",
        agent_instructions(policy),
    ]
    return "\n".join(lines)


def show(*, policy_ref: str | None = None, work_tree: bool = False, fmt: str = "text") -> int:
    """Print the policy in force (HEAD's), REV's, or the work tree's as tables."""
    ref = None if work_tree else policy_ref or "HEAD"
    policy = read_policy(ref)
    where = "in the work tree" if ref is None else f"at {ref}"
    print(as_markdown(policy, where) if fmt == "markdown" else as_text(policy, where))
    return EXIT_OK
