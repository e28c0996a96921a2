"""Sessions (SPEC §7): a snapshot before an agent session, a scope verdict and an undo after.

A snapshot is a commit under ``refs/agentowners/sessions/<id>``. Its tree is
the work tree (tracked files as they are on disk, plus untracked files that
are not ignored); its parents are ``HEAD`` (when there is one) and a commit
of the index's tree, the way ``git stash`` records the two. It is built in a
throwaway copy of the index, so ``HEAD``, the index, the work tree and the
stash are never touched, and it is a ref, so ``git gc`` keeps it.

Restoring brings paths back as they were in a snapshot's work tree, and sets
their index entries as they were staged then. It never moves ``HEAD``: the
session's commits stay, and the restore shows up as staged changes that undo
them. It saves the current state as a new snapshot first, so a restore can
itself be undone, and it refuses to overwrite what no snapshot holds
(ignored files in the way).
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from agentowners import git, gitcmd, history
from agentowners.actor import Actor, commit_actor, environment_agent
from agentowners.checks import Violation, paths_refused
from agentowners.errors import GitError, UsageError
from agentowners.policy import (
    AGENT_ID,
    DEFAULT_TRAILER,
    HUMAN,
    POLICY_FILE,
    Policy,
    commit_time_policy,
    policy_at,
)

REF_PREFIX = "refs/agentowners/sessions/"
START = "start"  # taken by `session start`
BEFORE_RESTORE = "before-restore"  # taken by `session restore` before it changes anything
NONE = "(none)"  # how an absent value is written in a snapshot's message

# Snapshots are written by agentowners, not by whoever is at the keyboard: a
# fixed identity also works where none is configured (agent sandboxes).
_IDENTITY = {
    "GIT_AUTHOR_NAME": "agentowners",
    "GIT_AUTHOR_EMAIL": "agentowners@localhost",
    "GIT_COMMITTER_NAME": "agentowners",
    "GIT_COMMITTER_EMAIL": "agentowners@localhost",
}

# A path's verdict for the session's agent.
IN_SCOPE = "in scope"
OUT_OF_SCOPE = "out of scope"
PROTECTED = "protected"
NOT_LIMITED = "human, not limited"
UNJUDGED = "no policy"
REFUSED = frozenset({OUT_OF_SCOPE, PROTECTED})


class State(NamedTuple):
    worktree: str  # tree of the work tree: tracked files as on disk, untracked not ignored
    staged: str | None  # tree of the index; None while it has unmerged entries


class Snapshot(NamedTuple):
    id: str
    commit: str
    tree: str  # the work tree as it was
    kind: str  # START or BEFORE_RESTORE
    agent: str  # "" when no policy named one
    branch: str  # "" when HEAD was detached
    head: str | None
    staged: str | None  # commit of the index's tree; None during a conflict
    worktree: str  # top directory of the work tree it was taken in
    taken: str  # UTC, ISO 8601
    restores: str  # for BEFORE_RESTORE: the id of the snapshot that was being restored
    agent_session: str  # the agent's own id of the session its hook started ("" for none)


# --- taking and finding snapshots ----------------------------------------------


def one_line(value: str) -> str:
    """`value` as one line of a snapshot's message (an agent's session id can be anything)."""
    return " ".join(value.split())


@contextmanager
def _scratch_index(seed: str | None) -> Iterator[dict[str, str]]:
    """An environment for git calls that use a throwaway index: a copy of `seed`, or empty."""
    with tempfile.TemporaryDirectory(prefix="agentowners-") as scratch:
        path = os.path.join(scratch, "index")
        if seed and os.path.exists(seed):
            # copy2 keeps the modification time, so git's racy-entry check
            # (https://git-scm.com/docs/racy-git) trusts the copy's stat data
            # exactly as far as the original's.
            shutil.copy2(seed, path)
        yield {**os.environ, "GIT_INDEX_FILE": path}


def capture(top: str) -> State:
    """The trees of the index and of the work tree now, without touching either."""
    with _scratch_index(git.index_file()) as env:
        staged = gitcmd.run("write-tree", env=env)
        if staged.code and b"unmerged" not in staged.err:
            gitcmd.git("write-tree", env=env)  # raises with git's own message
        gitcmd.git("add", "--all", cwd=top, env=env)
        worktree = gitcmd.git("write-tree", env=env)
    return State(
        gitcmd.decode(worktree).strip(), None if staged.code else gitcmd.decode(staged.out).strip()
    )


def _commit_tree(tree: str, parents: Sequence[str], message: str) -> str:
    args = ["commit-tree", "--no-gpg-sign", tree]
    for parent in parents:
        args += ["-p", parent]
    out = gitcmd.git(*args, stdin=message.encode(), env={**os.environ, **_IDENTITY})
    return gitcmd.decode(out).strip()


def take(
    kind: str,
    agent: str,
    *,
    restores: str = "",
    state: State | None = None,
    agent_session: str = "",
) -> Snapshot:
    """Record the current state (or `state`) as a new snapshot."""
    top = git.toplevel()
    state = state or capture(top)
    head = git.head()
    branch = git.current_branch() or ""
    staged = None
    if state.staged:
        staged = _commit_tree(state.staged, [head] if head else [], "agentowners: the index")
    now = datetime.datetime.now(datetime.timezone.utc)
    fields = {
        "Kind": kind,
        "Agent": agent,
        "Branch": branch,
        "Head": head,
        "Staged": staged,
        "Worktree": top,
        "Taken": now.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "Restores": restores,
        "Agent-Session": one_line(agent_session),
    }
    message = f"agentowners session snapshot ({kind})\n\n" + "".join(
        f"{key}: {value or NONE}\n" for key, value in fields.items()
    )
    commit = _commit_tree(state.worktree, [p for p in (head, staged) if p], message)
    # The id sorts by time; the commit's id makes it unique within a microsecond.
    snapshot_id = f"{now:%Y%m%dT%H%M%S.%fZ}-{commit[:7]}"
    gitcmd.git("update-ref", REF_PREFIX + snapshot_id, commit, "")  # "": must not exist yet
    return _snapshot(snapshot_id, commit, state.worktree, message)


def _snapshot(snapshot_id: str, commit: str, tree: str, message: str) -> Snapshot:
    fields: dict[str, str] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key not in fields:
            fields[key] = "" if value == NONE else value

    def field(key: str) -> str:
        return fields.get(key, "")

    return Snapshot(
        id=snapshot_id,
        commit=commit,
        tree=tree,
        kind=field("Kind"),
        agent=field("Agent"),
        branch=field("Branch"),
        head=field("Head") or None,
        staged=field("Staged") or None,
        worktree=field("Worktree"),
        taken=field("Taken"),
        restores=field("Restores"),
        agent_session=field("Agent-Session"),
    )


_SNAPSHOT_FIELDS = 4  # refname, commit, tree, message


def snapshots() -> list[Snapshot]:
    """Every snapshot of the repository (all its work trees), oldest first."""
    out = gitcmd.git(
        "for-each-ref",
        "--format=%(refname)%00%(objectname)%00%(tree)%00%(contents)%00",
        REF_PREFIX,
    )
    tokens = out.split(b"\0")
    found = []
    for i in range(0, len(tokens) - _SNAPSHOT_FIELDS + 1, _SNAPSHOT_FIELDS):
        ref, commit, tree, message = (gitcmd.decode(t) for t in tokens[i : i + _SNAPSHOT_FIELDS])
        snapshot_id = ref.lstrip("\n").removeprefix(REF_PREFIX)
        found.append(_snapshot(snapshot_id, commit, tree, message))
    return sorted(found, key=lambda snapshot: snapshot.id)


def latest_start(agent_session: str | None = None) -> Snapshot | None:
    """This work tree's newest session snapshot: of any session (None), the one the
    agent's hook took for its session `agent_session`, or ("") one taken for no agent
    session in particular (by hand, or by a hook whose payload named none)."""
    top = git.toplevel()
    here = [s for s in snapshots() if s.kind == START and s.worktree == top]
    if agent_session is not None:
        here = [s for s in here if s.agent_session == one_line(agent_session)]
    return here[-1] if here else None


def find(snapshot_id: str | None) -> Snapshot:
    """The snapshot with this id (or unique id prefix); None: this work tree's newest session."""
    if snapshot_id is None:
        newest = latest_start()
        if newest is None:
            raise UsageError(
                "no session was started in this work tree: `agentowners session start` "
                "takes the snapshot a session is compared with"
            )
        return newest
    every = snapshots()
    wanted = snapshot_id.removeprefix(REF_PREFIX)
    exact = [s for s in every if s.id == wanted]
    matches = exact or [s for s in every if wanted and s.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(
            f"no session snapshot {snapshot_id!r}: `agentowners session list` shows them"
        )
    raise UsageError(
        f"{snapshot_id!r} names {len(matches)} snapshots: give more of the id "
        f"({', '.join(s.id for s in matches[:3])}…)"
    )


def session_agent(
    policy: Policy | None,
    requested: str | None,
    environ: Mapping[str, str],
    branch: str | None,
    *,
    hook_agent: str = "",
) -> str:
    """The agent a session is judged for: the one asked for, else the environment's, else
    the agent whose session hook runs this (Cursor also runs Claude Code's hooks, so the
    environment goes first), else the branch's executor ("" when nothing says)."""
    if requested:
        agent = requested.strip().lower()
        if agent != HUMAN and not AGENT_ID.match(agent):
            raise UsageError(f"--agent must be an agent id such as codex (got {requested!r})")
        return agent
    if policy is None:
        return hook_agent
    running = environment_agent(policy, environ)
    if running is not None:
        return one_line(running.agent)
    if hook_agent:
        return hook_agent
    if branch is None:
        raise UsageError(
            "HEAD is detached, so no branch executor names the session's agent: "
            "pass --agent A (the agent about to work here)"
        )
    return policy.owner(branch).executor


def start(
    requested: str | None,
    environ: Mapping[str, str],
    *,
    hook_agent: str = "",
    agent_session: str = "",
) -> Snapshot:
    policy = commit_time_policy()
    branch = git.current_branch()
    agent = session_agent(policy, requested, environ, branch, hook_agent=hook_agent)
    return take(START, agent, agent_session=agent_session)


def prune(keep: int) -> list[Snapshot]:
    """Delete all but the `keep` newest snapshots; return the deleted ones."""
    if keep < 0:
        raise UsageError(f"--keep must be 0 or more (got {keep})")
    every = snapshots()
    doomed = every[: len(every) - keep]
    if doomed:
        commands = b"".join(
            b"delete " + gitcmd.encode(REF_PREFIX + s.id) + b"\0" + s.commit.encode() + b"\0"
            for s in doomed
        )
        gitcmd.git("update-ref", "-z", "--stdin", stdin=commands)
    return doomed


# --- the verdict ---------------------------------------------------------------


def policy_of(snapshot: Snapshot) -> Policy | None:
    """The rules the session started under: the policy committed at its HEAD (the index's
    before a first commit), never the one the agent may have edited since."""
    rev = snapshot.head or snapshot.staged
    return policy_at(rev) if rev else None


def verdicts(policy: Policy | None, agent: str, paths: Sequence[str]) -> dict[str, str]:
    if policy is None:
        return dict.fromkeys(paths, UNJUDGED)
    if agent == HUMAN:
        return dict.fromkeys(paths, NOT_LIMITED)
    protected, outside = paths_refused(policy, agent, paths)
    found = dict.fromkeys(paths, IN_SCOPE)
    found.update(dict.fromkeys(outside, OUT_OF_SCOPE))
    found.update(dict.fromkeys(protected, PROTECTED))
    return found


class ChangedPath(NamedTuple):
    change: git.PathChange
    verdict: str


class SessionCommit(NamedTuple):
    commit: history.Commit
    actor: Actor | None  # None without a policy


class Review(NamedTuple):
    snapshot: Snapshot
    policy: Policy | None
    paths: tuple[ChangedPath, ...]
    commits: tuple[SessionCommit, ...]
    violations: tuple[Violation, ...]
    head: str | None  # HEAD now
    branch: str | None  # the branch now


def _commits_since(
    snapshot: Snapshot, head: str | None, policy: Policy | None
) -> tuple[SessionCommit, ...]:
    if head is None:
        return ()
    revisions = [head, f"^{snapshot.head}"] if snapshot.head else [head]
    trailer = policy.trailer if policy else DEFAULT_TRAILER
    return tuple(
        SessionCommit(commit, commit_actor(policy, commit.evidence) if policy else None)
        for commit in history.commits(revisions, trailer=trailer, count_lines=False)
    )


def _violations(
    snapshot: Snapshot, policy: Policy | None, verdict_of: Mapping[str, str]
) -> tuple[Violation, ...]:
    if policy is None:
        return ()
    agent, branch = snapshot.agent, snapshot.branch or "HEAD"
    undo = (
        f"run `agentowners session restore {snapshot.id}` to put them back as they were "
        "when the session started (it saves the current state first, so the restore can be "
        "undone too)"
    )
    found = []
    protected = sorted(path for path, verdict in verdict_of.items() if verdict == PROTECTED)
    if protected:
        message = (
            f"{agent} changed protected paths during the session; protected paths, "
            f"{POLICY_FILE} above all, are changed by a human only. Fix: {undo}."
        )
        found.append(
            Violation("session", "protected-path", agent, branch, tuple(protected), message)
        )
    outside = sorted(path for path, verdict in verdict_of.items() if verdict == OUT_OF_SCOPE)
    if outside:
        if agent in policy.agents:
            allowed = f"{agent} may change only {', '.join(policy.agents[agent].scope)}"
        else:
            allowed = (
                f"{policy.source} (as the session started) does not declare "
                f"{agent or 'the agent'}, so no path is in its scope"
            )
        message = (
            f"{allowed}. Fix: {undo}. If a human asked for these changes, leave them to that "
            f"human to review and commit (or to widen the scope in {POLICY_FILE})."
        )
        found.append(Violation("session", "out-of-scope", agent, branch, tuple(outside), message))
    return tuple(found)


def changes_since(snapshot: Snapshot, state: State) -> list[git.PathChange]:
    return git.tree_changes(snapshot.tree, state.worktree)


def review(snapshot: Snapshot) -> Review:
    """Every path changed since the snapshot with its verdict, and the commits made since."""
    changes = changes_since(snapshot, capture(git.toplevel()))
    policy = policy_of(snapshot)
    verdict_of = verdicts(policy, snapshot.agent, [change.path for change in changes])
    head = git.head()
    return Review(
        snapshot=snapshot,
        policy=policy,
        paths=tuple(ChangedPath(change, verdict_of[change.path]) for change in changes),
        commits=_commits_since(snapshot, head, policy),
        violations=_violations(snapshot, policy, verdict_of),
        head=head,
        branch=git.current_branch(),
    )


# --- restore -------------------------------------------------------------------

BRING_BACK = "bring back"
REMOVE = "remove"
SKIP = "skip"


class Step(NamedTuple):
    path: str
    action: str  # BRING_BACK, REMOVE or SKIP
    reason: str  # what happened to the path during the session, or why it is skipped


class Restore(NamedTuple):
    snapshot: Snapshot
    steps: tuple[Step, ...]
    before: Snapshot | None  # the state saved first; None on a dry run or when nothing is done


def _select(
    snapshot: Snapshot, changes: Sequence[git.PathChange], paths: Sequence[str], every: bool
) -> list[git.PathChange]:
    if paths and every:
        raise UsageError("give PATHs or --all, not both")
    if every:
        return list(changes)
    if not paths:
        verdict_of = verdicts(policy_of(snapshot), snapshot.agent, [c.path for c in changes])
        return [change for change in changes if verdict_of[change.path] in REFUSED]
    chosen: set[str] = set()
    unmatched = []
    for wanted in paths:
        under = "" if wanted in {"", "."} else wanted.rstrip("/") + "/"
        matched = {c.path for c in changes if c.path == wanted or c.path.startswith(under)}
        if not matched:
            unmatched.append(wanted)
        chosen |= matched
    if unmatched:
        raise UsageError(
            f"not changed since snapshot {snapshot.id}: {', '.join(map(repr, unmatched))} "
            f"(`agentowners session end {snapshot.id}` lists what changed)"
        )
    return [change for change in changes if change.path in chosen]


def _is_directory(full: str) -> bool:
    return os.path.isdir(full) and not os.path.islink(full)


def _files_under(top: str, path: str) -> Iterator[str]:
    """Every file and symlink under a directory of the work tree, ignored ones included."""
    for root, dirs, files in os.walk(os.path.join(top, path)):
        links = [name for name in dirs if os.path.islink(os.path.join(root, name))]
        for name in (*files, *links):
            yield os.path.relpath(os.path.join(root, name), top).replace(os.sep, "/")


def _step(top: str, change: git.PathChange, removing: set[str]) -> Step:
    """What restoring one path does, or why it must not (it would lose what no snapshot holds)."""
    path = change.path
    if git.GITLINK_MODE in (change.old_mode, change.new_mode):
        return Step(path, SKIP, "a submodule: check out its commit inside it (git -C PATH)")
    if change.status == "A":
        return Step(path, REMOVE, "created since the snapshot")
    parent = os.path.dirname(path)
    while parent:
        if os.path.lexists(os.path.join(top, parent)) and not _is_directory(
            os.path.join(top, parent)
        ):
            if parent not in removing:
                return Step(path, SKIP, f"{parent!r} is a file now: restore it too")
            break
        parent = os.path.dirname(parent)
    full = os.path.join(top, path)
    if change.status == "D" and os.path.lexists(full):
        if not _is_directory(full):
            return Step(
                path, SKIP, "an ignored file is there now, which no snapshot holds: move it away"
            )
        kept = [name for name in _files_under(top, path) if name not in removing]
        if kept:
            return Step(path, SKIP, f"a directory is there now, holding {kept[0]!r}")
    what = "deleted" if change.status == "D" else "modified"
    return Step(path, BRING_BACK, f"{what} since the snapshot")


def _prune_empty_parents(top: str, path: str) -> None:
    parent = os.path.dirname(path)
    while parent:
        try:
            os.rmdir(os.path.join(top, parent))
        except OSError:  # not empty (or already gone): git leaves it too
            return
        parent = os.path.dirname(parent)


def _apply(top: str, snapshot: Snapshot, steps: Sequence[Step]) -> None:
    for step in steps:
        if step.action == REMOVE:
            full = os.path.join(top, step.path)
            if os.path.lexists(full):
                os.unlink(full)
            _prune_empty_parents(top, step.path)
    back = [step.path for step in steps if step.action == BRING_BACK]
    if back:
        # checkout-index writes files as git does (modes, symlinks, smudge filters);
        # from a scratch index holding the snapshot's tree, so the real one is not read.
        with _scratch_index(None) as env:
            gitcmd.git("read-tree", snapshot.tree, env=env)
            gitcmd.git(
                "checkout-index",
                "--force",
                "-z",
                "--stdin",
                cwd=top,
                env=env,
                stdin=b"".join(gitcmd.encode(path) + b"\0" for path in back),
            )
    if snapshot.staged is None:
        return  # a conflicted index has no tree: leave the index (and the conflict) as it is
    # The index entries of these paths as they were staged at the snapshot; a path
    # staged as nothing leaves the index (mode 0).
    staged = git.tree_entries(snapshot.staged)
    missing = "0 " + "0" * len(snapshot.commit)
    records = []
    for step in steps:
        entry = staged.get(step.path)
        record = f"{entry.mode} {entry.kind} {entry.oid}" if entry else missing
        records.append(record.encode() + b"\t" + gitcmd.encode(step.path) + b"\0")
    gitcmd.git("update-index", "-z", "--index-info", cwd=top, stdin=b"".join(records))


def restore(
    snapshot: Snapshot, paths: Sequence[str], *, every: bool = False, dry_run: bool = False
) -> Restore:
    """Put paths back as they were at the snapshot (default: every one out of scope or
    protected), after saving the current state as a new snapshot."""
    top = git.toplevel()
    state = capture(top)
    selected = _select(snapshot, changes_since(snapshot, state), paths, every)
    removing = {change.path for change in selected if change.status == "A"}
    steps = tuple(_step(top, change, removing) for change in selected)
    acting = [step for step in steps if step.action != SKIP]
    if dry_run or not acting:
        return Restore(snapshot, steps, None)
    before = take(BEFORE_RESTORE, snapshot.agent, restores=snapshot.id, state=state)
    try:
        _apply(top, snapshot, acting)
    except (GitError, OSError) as exc:
        raise GitError(
            f"the restore stopped part way ({exc}); the state before it is saved: "
            f"`agentowners session restore {before.id} --all` puts it back"
        ) from exc
    return Restore(snapshot, steps, before)
