"""`agentowners audit [REV-RANGE]`: which agent made which commit, totals, violations."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from agentowners import audit, git
from agentowners.audit_report import FORMATS, WRITERS
from agentowners.commands import add_branch, add_format
from agentowners.commands.check_range import landing_branch, parse_range
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError
from agentowners.policy import policy_at


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "range",
        nargs="?",
        metavar="REV-RANGE",
        help="BASE..HEAD, or a revision for its whole history (default: HEAD's whole history)",
    )
    add_branch(parser, "judge the commits as landing on this branch")
    parser.add_argument(
        "--policy-ref",
        metavar="REV",
        help="judge by the policy committed at REV (default: BASE of BASE..HEAD, else HEAD)",
    )
    add_format(parser, FORMATS)


def run(args: argparse.Namespace) -> int:
    return audit_history(args.range, branch=args.branch, policy_ref=args.policy_ref, fmt=args.fmt)


def plan(
    spec: str | None, *, branch: str | None = None, policy_ref: str | None = None
) -> audit.AuditPlan:
    """Resolve the commits, the policy in force and the landing branch of an audit.

    BASE..HEAD is judged by the policy committed at BASE, as `check-range`
    does (never by the rules the audited commits bring); a plain revision or
    the whole history by the policy at HEAD; `--policy-ref` overrides both.
    """
    git.repo_info()
    spec = spec or "HEAD"
    if ".." in spec:
        base, head = parse_range(spec)
        revisions: tuple[str, ...] = (git.resolve_commit(head), f"^{git.resolve_commit(base)}")
        ref, chosen_by = base, audit.CHOSEN_BY_BASE
    else:
        revisions = (git.resolve_commit(spec),)
        ref, chosen_by = "HEAD", audit.CHOSEN_BY_HEAD
    if policy_ref:
        ref, chosen_by = policy_ref, audit.CHOSEN_BY_OPTION
    commit = git.resolve_commit(ref)
    policy = policy_at(commit)
    # Without a policy nothing is judged, so no branch is needed to judge on.
    target = git.current_branch() if policy is None and not branch else landing_branch(branch)
    return audit.AuditPlan(
        spec, revisions, target, audit.PolicyInForce(policy, ref, commit, chosen_by)
    )


def audit_history(
    spec: str | None = None,
    *,
    branch: str | None = None,
    policy_ref: str | None = None,
    fmt: str = "text",
    out: TextIO | None = None,
    progress: TextIO | None = None,
) -> int:
    """Write the audit of `spec` in `fmt`; exit 1 when the policy in force is violated.

    Progress lines go to `progress`, by default stderr when it is a terminal.
    """
    if fmt not in WRITERS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    audit_plan = plan(spec, branch=branch, policy_ref=policy_ref)
    if progress is None and sys.stderr.isatty():
        progress = sys.stderr
    writer = WRITERS[fmt](audit_plan, out or sys.stdout)
    tally = audit.run(audit_plan, audit.plan_commits(audit_plan), writer, progress=progress)
    return EXIT_VIOLATIONS if tally.violations else EXIT_OK
