"""`agentowners whoami`: the environment's agent, the branch, its executor, the scope."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from agentowners import git
from agentowners.actor import environment_agent
from agentowners.errors import EXIT_OK
from agentowners.policy import HUMAN, commit_time_policy
from agentowners.policy_source import no_policy_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    return whoami(os.environ)


def whoami(environ: Mapping[str, str]) -> int:
    git.repo_info()
    policy = commit_time_policy()
    if policy is None:
        print(no_policy_line("at HEAD"))
        return EXIT_OK
    running = environment_agent(policy, environ)
    branch = git.current_branch()
    if running is None:
        print("agent: none (no AGENTOWNERS_AGENT and no agent marker in the environment)")
    elif running.problems:
        print(
            f"agent: {running.agent} ({running.how}): {running.problems[0].detail}, "
            f"{running.problems[0].code}"
        )
    else:
        print(f"agent: {running.agent} ({running.how})")
    if branch is None:
        print("branch: none (HEAD is detached)")
        return EXIT_OK
    owner = policy.owner(branch)
    rule = f"rule '{owner.rule.pattern}'" if owner.rule else "settings.unmatched"
    humans = "humans may commit too" if owner.allow_human else "humans may not commit"
    print(f"branch: {branch}")
    print(f"executor: {owner.executor} ({rule}; {humans})")
    agent = running.agent if running and not running.problems else owner.executor
    if agent in policy.agents:
        print(f"scope of {agent}: {', '.join(policy.agents[agent].scope)}")
        if agent != owner.executor:
            print(
                f"note: {agent} is not this branch's executor; its commits here are refused "
                f"(branches for {agent}: {', '.join(policy.branch_patterns_for(agent)) or 'none'})"
            )
    elif agent == HUMAN:
        print("scope: not limited for humans")
    print(f"protected: {', '.join(policy.protection.patterns)}")
    return EXIT_OK
