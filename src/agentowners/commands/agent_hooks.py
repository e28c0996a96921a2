"""`agentowners agent-hooks install|check|uninstall`: the guard in each agent's own hooks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from agentowners import agenthooks, worktree
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS, GitError
from agentowners.policy import POLICY_FILE, Policy, load_policy

ACTIONS = {
    "install": agenthooks.install,
    "check": agenthooks.check,
    "uninstall": agenthooks.uninstall,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=tuple(ACTIONS))
    parser.add_argument(
        "--agent",
        dest="agents",
        action="append",
        default=[],
        metavar="ID",
        help="an agent to wire (repeatable; default: every agent the policy declares)",
    )
    parser.add_argument(
        "--permissions",
        action="store_true",
        help="also Claude Code's own permissions: Edit rules for its scope, deny protected paths",
    )


def run(args: argparse.Namespace) -> int:
    return agent_hooks(args.action, agents=args.agents, permissions=args.permissions)


def agent_hooks(
    action: str,
    *,
    agents: Sequence[str] = (),
    permissions: bool = False,
    cwd: str | None = None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    checkout = worktree.checkout(cwd or os.getcwd())
    if checkout is None:
        raise GitError("not inside a git work tree: run this in the repository to configure")
    # The work tree's policy: this is a human's setup command, run while writing it.
    policy = _policy(checkout.top)
    wired = agenthooks.agents_to_wire(policy, agents)
    outcomes = ACTIONS[action](checkout.top, policy, wired, permissions=permissions)
    failed = False
    for outcome in outcomes:
        if outcome.path is None:
            advice = outcome.problems[0] or (
                f"no pre-tool hook protocol is known for {outcome.agent}: its work is judged "
                "by the commit, push and CI gates"
            )
            print(f"{outcome.agent}: {advice}", file=out)
        elif action == "check":
            failed = failed or bool(outcome.problems)
            state = "; ".join(outcome.problems) or "ok"
            print(f"{outcome.agent}: {outcome.path}: {state}", file=out)
        else:
            done = (
                ("wrote" if action == "install" else "cleaned") if outcome.changed else "unchanged"
            )
            print(f"{outcome.agent}: {outcome.path}: {done}", file=out)
    if action == "check" and failed:
        print(
            "agentowners: some guards are missing or changed: run `agentowners agent-hooks "
            "install` and commit the files it writes",
            file=out,
        )
        return EXIT_VIOLATIONS
    if action == "install":
        _suggest_protection(policy, [o.path for o in outcomes if o.path], out)
    return EXIT_OK


def _policy(top: str) -> Policy | None:
    path = os.path.join(top, POLICY_FILE)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    return load_policy(raw, POLICY_FILE)


def _suggest_protection(policy: Policy | None, paths: Sequence[str], out: TextIO) -> None:
    unprotected = [p for p in paths if policy is None or p not in policy.protection]
    if unprotected:
        listed = ", ".join(f'"{path}"' for path in unprotected)
        print(
            f"Protect these files so that no agent can remove its own guard: add {listed} "
            f"to settings.protected in {POLICY_FILE}, and commit them.",
            file=out,
        )
