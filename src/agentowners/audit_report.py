"""The audit trail as text, JSON (streamed, schema in the README) or a pull-request comment."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from agentowners import markdown, report
from agentowners.audit import (
    AuditedCommit,
    AuditPlan,
    Tally,
    Writer,
    iso_date,
    policy_phrase,
)
from agentowners.checks import Violation

# A pull-request comment holds at most 65,536 characters: the markdown form
# lists this many commits and violations, then says how many it left out.
MARKDOWN_MAX_COMMITS = 200
MARKDOWN_MAX_VIOLATIONS = 50

JSON_SCHEMA_VERSION = 1


def _shown(value: str) -> str:
    """Untrusted text on one terminal line: control characters quoted, not obeyed."""
    return value if value.isprintable() else repr(value)


def _what(plan: AuditPlan) -> str:
    whole = " (whole history)" if ".." not in plan.spec else ""
    judged = f", judged as landing on branch {plan.branch}" if plan.in_force.policy else ""
    return f"{plan.spec}{whole}{judged}"


class TextWriter:
    """One line per commit as it comes; then the totals per agent and the violations."""

    def __init__(self, plan: AuditPlan, out: TextIO) -> None:
        self.plan = plan
        self.out = out
        print(f"agentowners audit of {_what(plan)}", file=out)
        print(f"policy: {policy_phrase(plan.in_force)}", file=out)
        print(file=out)

    def commit(self, row: AuditedCommit) -> None:
        commit = row.commit
        codes = sorted({v.code for v in row.violations})
        flagged = f"  [{', '.join(codes)}]" if codes else ""
        print(
            f"{commit.short}  {iso_date(commit.timestamp)}  {_shown(row.actor.agent)}  "
            f"({_shown(row.actor.how)})  {_shown(commit.subject)}{flagged}",
            file=self.out,
        )

    def finish(self, tally: Tally) -> None:
        rows = [("agent", "commits", "files", "lines")]
        rows += [
            (_shown(t.agent), str(t.commits), str(t.files), str(t.lines)) for t in tally.agents()
        ]
        print(file=self.out)
        print("\n".join(report.columns(rows, right={1, 2, 3})), file=self.out)
        print(file=self.out)
        if self.plan.in_force.policy is None:
            print(f"agentowners: {tally.checked} commits audited", file=self.out)
        else:
            print(report.text(tally.violations, tally.checked), file=self.out)


def commit_json(row: AuditedCommit) -> dict[str, object]:
    commit, evidence = row.commit, row.commit.evidence
    return {
        "sha": commit.sha,
        "short": commit.short,
        "date": iso_date(commit.timestamp),
        "timestamp": commit.timestamp,
        "parents": list(commit.parents),
        "author": {"name": evidence.author_name, "email": evidence.author_email},
        "committer": {"name": evidence.committer_name, "email": evidence.committer_email},
        "subject": commit.subject,
        "agent": row.actor.agent,
        "source": row.actor.source,
        "how": row.actor.how,
        "files": len(commit.paths),
        "lines": commit.lines,
        "paths": list(commit.paths),
        "violations": sorted({v.code for v in row.violations}),
    }


class JsonWriter:
    """One JSON document, written as it goes: the `commits` array grows row by row."""

    def __init__(self, plan: AuditPlan, out: TextIO) -> None:
        self.out = out
        self.rows = 0
        in_force = plan.in_force
        head = {
            "schema": JSON_SCHEMA_VERSION,
            "range": plan.spec,
            "branch": plan.branch,
            "policy": {
                "found": in_force.policy is not None,
                "ref": in_force.ref,
                "commit": in_force.commit,
                "chosen_by": in_force.chosen_by,
            },
        }
        out.write("{\n")
        for key, value in head.items():
            out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
        out.write('  "commits": [')

    def commit(self, row: AuditedCommit) -> None:
        separator = "," if self.rows else ""
        self.out.write(f"{separator}\n    {json.dumps(commit_json(row))}")
        self.rows += 1

    def finish(self, tally: Tally) -> None:
        tail = {
            "agents": [total._asdict() for total in tally.agents()],
            "violations": [report.violation_json(v) for v in tally.violations],
            "checked": tally.checked,
            "ok": not tally.violations,
        }
        self.out.write("\n  ]" if self.rows else "]")
        for key, value in tail.items():
            self.out.write(f",\n  {json.dumps(key)}: {json.dumps(value)}")
        self.out.write("\n}\n")


def _md_violation(v: Violation) -> list[str]:
    lines = [
        f"- {markdown.code(v.commit)} **{v.code}**, agent {markdown.code(v.agent)} on "
        f"{markdown.code(v.branch)}: {markdown.text(v.message)}"
    ]
    shown = v.paths[: report.MAX_PATHS_SHOWN]
    lines.extend(f"  - {markdown.code(path)}" for path in shown)
    if len(v.paths) > len(shown):
        lines.append(f"  - … and {len(v.paths) - len(shown)} more")
    return lines


def _commits(count: int) -> str:
    return f"{count} commit{'' if count == 1 else 's'}"


class MarkdownWriter:
    """A pull-request comment: summary table, violations, per-commit rows folded away."""

    def __init__(self, plan: AuditPlan, out: TextIO) -> None:
        self.plan = plan
        self.out = out
        self.rows: list[list[str]] = []

    def commit(self, row: AuditedCommit) -> None:
        if len(self.rows) >= MARKDOWN_MAX_COMMITS:
            return
        commit = row.commit
        self.rows.append(
            [
                markdown.code(commit.short),
                iso_date(commit.timestamp),
                markdown.code(row.actor.agent, in_table=True),
                markdown.text(row.actor.how),
                markdown.text(commit.subject),
                ", ".join(sorted({v.code for v in row.violations})),
            ]
        )

    def finish(self, tally: Tally) -> None:
        plan = self.plan
        lines = [
            "## agentowners audit",
            "",
            f"Commits {markdown.code(plan.spec)}"
            + (f" on branch {markdown.code(plan.branch)}" if plan.branch else "")
            + f". Policy: {markdown.text(policy_phrase(plan.in_force))}.",
            "",
        ]
        lines += markdown.table(
            ("agent", "commits", "files", "lines"),
            "lrrr",
            [
                (markdown.code(t.agent, in_table=True), str(t.commits), str(t.files), str(t.lines))
                for t in tally.agents()
            ],
        )
        lines.append("")
        if plan.in_force.policy is not None:
            lines += self._violations(tally)
        lines += [
            "<details>",
            f"<summary>{_commits(tally.checked)}</summary>",
            "",
            *markdown.table(
                ("commit", "date (UTC)", "agent", "recognised by", "subject", "violations"),
                "llllll",
                self.rows,
            ),
        ]
        if tally.checked > len(self.rows):
            lines += [
                "",
                f"The first {len(self.rows)} commits (newest first) of {tally.checked}; "
                "`agentowners audit --format json` lists them all.",
            ]
        lines += ["", "</details>"]
        print("\n".join(lines), file=self.out)

    def _violations(self, tally: Tally) -> list[str]:
        found = tally.violations
        if not found:
            return [f"**No violations** in {_commits(tally.checked)}.", ""]
        lines = [f"**{len(found)} violation{'' if len(found) == 1 else 's'}**:", ""]
        for violation in found[:MARKDOWN_MAX_VIOLATIONS]:
            lines += _md_violation(violation)
        if len(found) > MARKDOWN_MAX_VIOLATIONS:
            lines.append(
                f"- … and {len(found) - MARKDOWN_MAX_VIOLATIONS} more "
                "(`agentowners audit --format json` lists them all)"
            )
        return [*lines, ""]


WRITERS: dict[str, Callable[[AuditPlan, TextIO], Writer]] = {
    "text": TextWriter,
    "json": JsonWriter,
    "markdown": MarkdownWriter,
}
FORMATS = tuple(WRITERS)
