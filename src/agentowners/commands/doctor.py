"""`agentowners doctor`: would each hook stage really run here, and is the policy valid?

Exit 1 when git is too old, a stage would not run our hook or the policy is
missing or invalid: then commits or pushes go unchecked, or every one is refused.
"""

from __future__ import annotations

import argparse

from agentowners import gitcmd, installation, policy_source
from agentowners.commands.validate import describe
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS, PolicyError
from agentowners.policy import POLICY_FILE, load_policy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    return doctor()


def _policy_lines() -> tuple[bool, list[str]]:
    source = policy_source.commit_time_policy()
    if source.raw is None:
        return False, [
            f"policy: no {POLICY_FILE} {source.where}, so the hooks pass everything. "
            "Fix: agentowners init, then commit the policy"
        ]
    try:
        policy = load_policy(source.raw, POLICY_FILE)
    except PolicyError as exc:
        return False, [
            f"policy: {POLICY_FILE} {source.where} is invalid, so every check fails:",
            *(f"  {line}" for line in exc.lines()),
        ]
    return True, [f"policy: {POLICY_FILE} {source.where} is {describe(policy)}"]


def doctor() -> int:
    too_old = gitcmd.version_problem()
    if too_old:
        # Every check would fail (or this report mislead): nothing else is worth asking.
        print(f"git: {too_old}, so every hook fails. Fix: upgrade git")
        return EXIT_VIOLATIONS
    top = gitcmd.decode(gitcmd.git("rev-parse", "--show-toplevel")).strip()
    directory = installation.hooks_dir()
    setting = installation.hooks_path_setting()
    where = f" (core.hooksPath = {setting})" if setting else ""
    print(f"git runs hooks from {directory}{where}")
    healthy = True
    for stage in installation.STAGES:
        report = installation.inspect_stage(stage, directory, top)
        healthy = healthy and report.runs
        verdict = "runs" if report.runs else "DOES NOT RUN"
        print(f"{report.stage}: {verdict}")
        for line in report.lines:
            print(f"    {line}")
    policy_ok, lines = _policy_lines()
    print("\n".join(lines))
    return EXIT_OK if healthy and policy_ok else EXIT_VIOLATIONS
