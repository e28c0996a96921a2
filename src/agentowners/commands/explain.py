"""`agentowners explain PATH…`: who may change each path, and which pattern decided."""

from __future__ import annotations

import argparse
import os

from agentowners.commands import add_branch
from agentowners.commands.validate import read_policy, work_tree_top
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError
from agentowners.policy import POLICY_FILE, Policy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="paths, relative to the current directory"
    )
    parser.add_argument(
        "--agent",
        metavar="A",
        help="only this agent (default: every declared agent); "
        "exit 1 when it may not change a path",
    )
    add_branch(parser, "also say whether the agent may commit on this branch")
    parser.add_argument(
        "--policy-ref",
        metavar="REV",
        help=f"explain the policy committed at REV (default: the work tree's {POLICY_FILE})",
    )


def run(args: argparse.Namespace) -> int:
    return explain(args.paths, agent=args.agent, branch=args.branch, policy_ref=args.policy_ref)


def repo_relative(path: str) -> str:
    """A command-line path as the repository path it names (`/`-separated, from the top).

    Resolved against the current directory the way the shell would, so that
    `..`, `.` and absolute paths judge the file they point at, never another.
    """
    top = work_tree_top() or os.getcwd()
    absolute = os.path.normpath(os.path.join(os.getcwd(), path))
    try:
        relative = os.path.relpath(absolute, top)
    except ValueError:  # another drive on Windows
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise UsageError(f"{path} is outside the repository ({top})")
    if relative == os.curdir:
        raise UsageError(f"{path} is the top of the repository: name a file or directory in it")
    return relative.replace(os.sep, "/")


def _where(policy: Policy, line: int | None) -> str:
    return f"{policy.source}:{line}" if line else policy.source


def explain_path(policy: Policy, path: str, agents: list[str]) -> tuple[list[str], bool]:
    """Lines explaining one path, and whether any of `agents` is denied it."""
    lines = [path]
    denied = False
    protection = policy.protection.decide(path)
    if protection.included and protection.pattern_index is not None:
        patterns = policy.protection.patterns
        line = (
            policy.protected_lines[protection.pattern_index]
            if protection.pattern_index < len(policy.protected_lines)
            else None
        )
        lines.append(
            f"  protected by '{patterns[protection.pattern_index]}' ({_where(policy, line)}): "
            "no agent may change it; a human must"
        )
    for agent in agents:
        decision = policy.scope(agent).decide(path)
        spec = policy.agents[agent]
        if decision.pattern_index is None:
            verdict = f"outside its scope: no pattern matches (scope: {', '.join(spec.scope)})"
        else:
            pattern = spec.scope[decision.pattern_index]
            where = _where(policy, spec.scope_lines[decision.pattern_index])
            verdict = (
                f"in scope by '{pattern}' ({where})"
                if decision.included
                else f"outside its scope by '{pattern}' ({where})"
            )
        allowed = decision.included and not protection.included
        denied = denied or not allowed
        lines.append(f"  {agent}: {'allowed' if allowed else 'denied'}, {verdict}")
    return lines, denied


def explain(
    paths: list[str],
    *,
    agent: str | None = None,
    branch: str | None = None,
    policy_ref: str | None = None,
) -> int:
    policy = read_policy(policy_ref)
    if agent is not None:
        agent = agent.lower()
        if agent not in policy.agents:
            raise UsageError(
                f"{agent!r} is not declared in {POLICY_FILE} "
                f"(declared: {', '.join(sorted(policy.agents)) or 'none'})"
            )
    agents = [agent] if agent else sorted(policy.agents)
    denied = False
    if branch:
        owner = policy.owner(branch)
        rule = (
            f"rule '{owner.rule.pattern}' ({_where(policy, owner.rule.line)})"
            if owner.rule
            else "settings.unmatched"
        )
        humans = "humans may commit too" if owner.allow_human else "humans may not commit"
        print(f"branch {branch}: executor {owner.executor} by {rule}; {humans}")
        for name in agents:
            if name != owner.executor:
                denied = True
                print(f"  {name}: may not commit on {branch} (foreign-agent)")
    for path in paths:
        lines, path_denied = explain_path(policy, repo_relative(path), agents)
        denied = denied or path_denied
        print("\n".join(lines))
    if agent and denied:
        return EXIT_VIOLATIONS
    return EXIT_OK
