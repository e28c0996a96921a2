"""`agentowners session start|end|restore|list|prune` (SPEC §7): snapshot, verdict, undo."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from agentowners import engine, git, report, session_events, sessions
from agentowners.commands import add_format
from agentowners.commands.explain import repo_relative
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS
from agentowners.policy import POLICY_FILE
from agentowners.report import plural

DEFAULT_KEEP = 20
_PATH_COLUMN = 50  # widest path column of the table; longer paths just push the rest right
_STATUS = {"A": "added", "D": "deleted", "M": "modified", "T": "type changed"}  # --raw


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=help_text, description=help_text)

    start_parser = action("start", "snapshot HEAD, the index and the work tree; print the id")
    start_parser.add_argument(
        "--agent",
        metavar="A",
        help="the session's agent (default: the environment's, else the protocol's agent, "
        "else the branch's executor)",
    )
    _add_protocol(start_parser)
    end_parser = action("end", "every path changed since the snapshot, judged for its agent")
    end_parser.add_argument(
        "snapshot_id",
        nargs="?",
        metavar="ID",
        help="default: this work tree's newest session (with --protocol: the agent session's)",
    )
    add_format(end_parser)
    _add_protocol(end_parser)
    restore_parser = action("restore", "put paths back as they were at a snapshot")
    restore_parser.add_argument("snapshot_id", metavar="ID")
    restore_parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories, relative to the current directory "
        "(default: every path out of scope or protected)",
    )
    restore_parser.add_argument(
        "--all",
        dest="every",
        action="store_true",
        help="every path changed since the snapshot, in scope or not",
    )
    restore_parser.add_argument(
        "--dry-run", action="store_true", help="say what would be done; change nothing"
    )
    action("list", "the snapshots, oldest first")
    prune_parser = action("prune", "delete all but the newest snapshots")
    prune_parser.add_argument(
        "--keep", type=int, default=DEFAULT_KEEP, metavar="N", help=f"default: {DEFAULT_KEEP}"
    )


def _add_protocol(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        choices=session_events.SESSION_PROTOCOLS,
        help="run as that agent's session hook: read its payload on stdin, answer in its "
        "protocol, always exit 0",
    )


def run(args: argparse.Namespace) -> int:
    if args.action in ("start", "end") and args.protocol:
        payload = sys.stdin.buffer.read()
        if args.action == "start":
            return start_hook(args.protocol, payload, agent=args.agent, environ=os.environ)
        return end_hook(args.protocol, payload, snapshot_id=args.snapshot_id)
    if args.action == "start":
        return start(agent=args.agent, environ=os.environ)
    if args.action == "end":
        return end(args.snapshot_id, fmt=args.fmt)
    if args.action == "restore":
        return restore(args.snapshot_id, args.paths, every=args.every, dry_run=args.dry_run)
    if args.action == "list":
        return list_snapshots()
    return prune(keep=args.keep)


def start(*, agent: str | None, environ: Mapping[str, str]) -> int:
    print(sessions.start(agent, environ).id)
    return EXIT_OK


def start_hook(
    protocol: str, payload: bytes, *, agent: str | None, environ: Mapping[str, str]
) -> int:
    event = session_events.read_event(payload, protocol)
    answer = session_events.on_start(event, agent, environ)
    return _answer(session_events.start_output(protocol, answer))


def end_hook(protocol: str, payload: bytes, *, snapshot_id: str | None = None) -> int:
    event = session_events.read_event(payload, protocol)
    answer = session_events.on_end(event, snapshot_id)
    return _answer(session_events.end_output(protocol, answer))


def _answer(output: str) -> int:
    if output:
        print(output)
    return EXIT_OK  # a hook's exit 2 would hold the agent back (Claude Code's Stop: a loop)


def _agent_name(snapshot: sessions.Snapshot) -> str:
    return snapshot.agent or "(unknown: no policy at the start)"


def _counts(change: git.PathChange) -> str:
    if change.added is None:
        return "binary"
    return f"+{change.added} -{change.deleted}"


def _status(change: git.PathChange) -> str:
    if change.status == "M" and change.old_mode != change.new_mode:
        # Within one type, git records only the executable bit.
        executable = change.new_mode == "100755"
        return "made executable" if executable else "made not executable"
    return _STATUS.get(change.status, change.status)


def _table(review: sessions.Review) -> list[str]:
    if not review.paths:
        return ["no path changed since the snapshot"]
    shown = [report.show_path(entry.change.path) for entry in review.paths]
    width = min(max(map(len, shown)), _PATH_COLUMN)
    counts = [_counts(entry.change) for entry in review.paths]
    counts_width = max(map(len, counts))
    statuses = [_status(entry.change) for entry in review.paths]
    status_width = max(map(len, statuses))
    lines = []
    for path, count, status, entry in zip(shown, counts, statuses, review.paths):
        verdict = entry.verdict.upper() if entry.verdict in sessions.REFUSED else entry.verdict
        lines.append(
            f" {path:<{width}} | {count:>{counts_width}} | {status:<{status_width}} | {verdict}"
        )
    added = sum(entry.change.added or 0 for entry in review.paths)
    deleted = sum(entry.change.deleted or 0 for entry in review.paths)
    lines.append(
        f" {plural(len(review.paths), 'path')} changed, {plural(added, 'insertion')}(+), "
        f"{plural(deleted, 'deletion')}(-)"
    )
    return lines


def _commit_lines(review: sessions.Review) -> list[str]:
    if not review.commits:
        return ["no commits during the session"]
    lines = [f"commits during the session ({len(review.commits)}):"]
    for entry in review.commits:
        actor = entry.actor
        who = "" if actor is None else f"{actor.agent} ({actor.how}) "
        problems = "".join(f" [{problem.code}]" for problem in actor.problems) if actor else ""
        lines.append(f" {entry.commit.short} {who}{entry.commit.subject}{problems}")
    return lines


def _worktree_note(snapshot: sessions.Snapshot) -> list[str]:
    if snapshot.worktree == git.toplevel():
        return []
    return [f"note: the snapshot was taken in the work tree {snapshot.worktree}"]


def _notes(review: sessions.Review) -> list[str]:
    snapshot = review.snapshot
    notes = _worktree_note(snapshot)
    if snapshot.branch and review.branch != snapshot.branch:
        notes.append(f"note: the session started on {snapshot.branch}, now on {review.branch}")
    if snapshot.head and review.head and not git.is_ancestor(snapshot.head, review.head):
        notes.append(
            "note: HEAD no longer contains the commit the session started from (reset, "
            "rebase or switch); the table still compares the files"
        )
    return notes


def end(snapshot_id: str | None, *, fmt: str = "text") -> int:
    review = sessions.review(sessions.find(snapshot_id))
    outcome = engine.Outcome(1, review.violations)
    if fmt != "text":
        return engine.print_outcome(outcome, fmt=fmt, what="session")
    snapshot = review.snapshot
    print(
        f"agentowners: session {snapshot.id}: agent {_agent_name(snapshot)} on branch "
        f"{snapshot.branch or '(detached HEAD)'}, started {snapshot.taken}"
    )
    if review.policy is None:
        print(engine.no_policy_line("where the session started"))
    elif snapshot.head:
        print(f"policy: {POLICY_FILE} as committed at {snapshot.head[:10]}, when it started")
    else:
        print(f"policy: {POLICY_FILE} as staged when it started (no commit yet)")
    for line in (*_notes(review), "", *_table(review), "", *_commit_lines(review), ""):
        print(line)
    if review.policy is None:
        return EXIT_OK
    return engine.print_outcome(outcome, what="session")


def _undo_line(before: sessions.Snapshot) -> str:
    return f"to undo this restore: agentowners session restore {before.id} --all"


def restore(snapshot_id: str, paths: Sequence[str], *, every: bool, dry_run: bool) -> int:
    snapshot = sessions.find(snapshot_id)
    wanted = [repo_relative(path) for path in paths]
    result = sessions.restore(snapshot, wanted, every=every, dry_run=dry_run)
    for note in _worktree_note(snapshot):
        print(note)
    if not result.steps:
        print(
            f"agentowners: nothing changed since {snapshot.id}"
            if every
            else f"agentowners: nothing to restore: no path changed since {snapshot.id} is out "
            f"of scope or protected for {_agent_name(snapshot)} (name PATHs, or --all for "
            "every changed path)"
        )
        return EXIT_OK
    if result.before:
        print(f"agentowners: saved the current state first as snapshot {result.before.id}")
    verbs = {
        sessions.BRING_BACK: "would bring back" if dry_run else "brought back",
        sessions.REMOVE: "would remove" if dry_run else "removed",
        sessions.SKIP: "left alone",
    }
    for step in result.steps:
        print(f" {verbs[step.action]} {report.show_path(step.path)} ({step.reason})")
    done = sum(step.action != sessions.SKIP for step in result.steps)
    skipped = len(result.steps) - done
    if dry_run:
        print(f"agentowners: dry run: {plural(done, 'path')} would be restored; nothing changed")
    elif result.before:
        staged = (
            "and their staged state as it was then"
            if snapshot.staged
            else "but the index was mid-conflict at the snapshot, so it is left as it is"
        )
        print(
            f"agentowners: restored {plural(done, 'path')} as at {snapshot.id}, {staged}; "
            "HEAD and its commits are unchanged"
        )
        print(_undo_line(result.before))
    if skipped:
        print(f"agentowners: {plural(skipped, 'path')} left alone: see the reasons above")
        return EXIT_VIOLATIONS
    return EXIT_OK


def list_snapshots() -> int:
    every = sessions.snapshots()
    if not every:
        print("agentowners: no session snapshots (`agentowners session start` takes one)")
        return EXIT_OK
    top = git.toplevel()
    width = max(len(snapshot.id) for snapshot in every)
    for snapshot in every:
        kind = snapshot.kind
        if snapshot.restores:
            kind = f"{kind} {snapshot.restores}"
        where = "this work tree" if snapshot.worktree == top else snapshot.worktree
        head = (snapshot.head or "(no commit)")[:10]
        print(
            f"{snapshot.id:<{width}}  {kind}  agent {snapshot.agent or '-'}  "
            f"branch {snapshot.branch or '-'}  HEAD {head}  {where}"
        )
    return EXIT_OK


def prune(*, keep: int) -> int:
    deleted = sessions.prune(keep)
    for snapshot in deleted:
        print(f"deleted {snapshot.id}")
    print(f"agentowners: deleted {plural(len(deleted), 'snapshot')} (--keep {keep})")
    return EXIT_OK
