"""Stand-in for the commit-time scope hook: what it runs, through the engine.

The same calls the hook makes (policy from HEAD, the environment's agent, the
staged paths, the rules), so the benchmark can time the engine path before the
hooks exist. Run inside a repository: `python benchmarks/commit_time.py`.
"""

from __future__ import annotations

import os

from agentowners import engine, git
from agentowners.actor import Actor, environment_agent
from agentowners.policy import HUMAN


def main() -> int:
    policy = engine.commit_time_policy()
    if policy is None:
        print(engine.no_policy_line("at HEAD"))
        return 0
    actor = environment_agent(policy, os.environ) or Actor(HUMAN, "environment")
    branch = git.current_branch() or "HEAD"
    staged = git.diff_index(git.head(), count_lines=policy.counts_lines)
    outcome = engine.check_change(policy, actor, staged.paths, lines=staged.lines, branch=branch)
    return engine.print_outcome(outcome, what="staged change")


if __name__ == "__main__":
    raise SystemExit(main())
