"""`agentowners check-range BASE..HEAD`: CI mode, SPEC §4 over every commit of a range."""

from __future__ import annotations

import argparse

from agentowners import engine, git
from agentowners.commands import add_branch, add_format, add_policy_ref
from agentowners.errors import EXIT_OK, UsageError
from agentowners.policy import policy_at
from agentowners.policy_source import no_policy_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("range", metavar="BASE..HEAD", help="the commits to check")
    add_branch(parser, "the branch the commits land on")
    add_policy_ref(parser, "BASE")
    add_format(parser)


def run(args: argparse.Namespace) -> int:
    return check_range(args.range, branch=args.branch, policy_ref=args.policy_ref, fmt=args.fmt)


def parse_range(spec: str) -> tuple[str, str]:
    base, dots, head = spec.partition("..")
    if not dots or not base or head.startswith("."):
        raise UsageError(f"expected a range BASE..HEAD (got {spec!r}), e.g. origin/main..HEAD")
    return base, head or "HEAD"


def landing_branch(branch: str | None) -> str:
    """The branch commits are judged against: the one given, else the checked-out one."""
    if branch:
        name = branch.removeprefix("refs/heads/")
        if not git.is_branch_name(name):
            # Judging a name no push can carry would only mislead, e.g.
            # 'codex/../main' matches 'codex/**' but is no branch of codex.
            raise UsageError(
                f"{branch!r} is not a valid branch name (git check-ref-format --branch "
                "refuses it): pass the name of the branch the commits land on"
            )
        return name
    current = git.current_branch()
    if current is None:
        raise UsageError(
            "HEAD is detached, so the branch is unknown: pass --branch NAME, the branch "
            'these commits land on (in GitHub Actions: --branch "$GITHUB_HEAD_REF")'
        )
    return current


def check_range(
    spec: str, *, branch: str | None = None, policy_ref: str | None = None, fmt: str = "text"
) -> int:
    base, head = parse_range(spec)
    # (resolve_commit says when this is no repository at all)
    base_id, head_id = git.resolve_commit(base), git.resolve_commit(head)
    target = landing_branch(branch)
    policy_rev = policy_ref or base
    policy = policy_at(git.resolve_commit(policy_ref) if policy_ref else base_id)
    if policy is None:
        print(no_policy_line(f"at {policy_rev}"))
        return EXIT_OK
    outcome = engine.check_revisions(policy, [head_id, f"^{base_id}"], target)
    return engine.print_outcome(outcome, fmt=fmt)
