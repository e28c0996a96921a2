"""Violations as people and agents read them: text blocks, JSON, workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from agentowners.checks import Violation

MAX_PATHS_SHOWN = 10


def text_block(violation: Violation) -> str:
    """One block: commit, code, agent and branch, at most ten paths, the fix."""
    lines = [
        f"{violation.commit}: {violation.code}: agent {violation.agent} "
        f"on branch {violation.branch}"
    ]
    shown = violation.paths[:MAX_PATHS_SHOWN]
    lines.extend(f"    {show_path(path)}" for path in shown)
    if len(violation.paths) > MAX_PATHS_SHOWN:
        lines.append(f"    … and {len(violation.paths) - MAX_PATHS_SHOWN} more")
    lines.append(f"  {violation.message}")
    return "\n".join(lines)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def show_path(path: str) -> str:
    """A path as text: quoted only when it would otherwise be unreadable or misleading."""
    return repr(path) if _needs_quoting(path) else path


def _needs_quoting(path: str) -> bool:
    # Paths with newlines, leading/trailing blanks or control characters would be
    # unreadable (or forge extra lines) unquoted.
    return (
        path != path.strip()
        or any(ord(ch) < 32 or ch == "\x7f" for ch in path)
        or (path.encode("utf-8", "surrogateescape") != path.encode("utf-8", "replace"))
    )


def text(violations: Sequence[Violation], checked: int, what: str = "commit") -> str:
    if not violations:
        plural = "" if checked == 1 else "s"
        return f"agentowners: {checked} {what}{plural} checked, no violations"
    blocks = [text_block(v) for v in violations]
    plural = "" if len(violations) == 1 else "s"
    blocks.append(
        f"agentowners: {len(violations)} violation{plural} in {checked} {what}"
        f"{'' if checked == 1 else 's'} checked"
    )
    return "\n\n".join(blocks)


def violation_json(v: Violation) -> dict[str, object]:
    """One violation as SPEC §4's JSON has it: every offending path, sorted."""
    return {
        "commit": v.commit,
        "code": v.code,
        "agent": v.agent,
        "branch": v.branch,
        "paths": sorted(v.paths),
        "message": v.message,
    }


def as_json(violations: Sequence[Violation], checked: int) -> str:
    """SPEC §4's JSON."""
    return json.dumps(
        {
            "ok": not violations,
            "checked": checked,
            "violations": [violation_json(v) for v in violations],
        },
        indent=2,
    )


def _escape_annotation(value: str, *, prop: bool = False) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github_annotations(violations: Sequence[Violation]) -> str:
    """`::error` workflow commands, one per violation (and per path, up to ten)."""
    out = []
    for v in violations:
        title = _escape_annotation(f"agentowners {v.code} ({v.commit})", prop=True)
        message = _escape_annotation(v.message)
        if not v.paths:
            out.append(f"::error title={title}::{message}")
        for path in v.paths[:MAX_PATHS_SHOWN]:
            file = _escape_annotation(path, prop=True)
            out.append(f"::error file={file},title={title}::{message}")
    return "\n".join(out)


def columns(rows: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> list[str]:
    """Rows as aligned text columns two blanks apart (`right`: right-aligned columns)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
