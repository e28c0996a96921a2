"""The commit being made: its changed paths and who is making it (commit-time hooks).

One function computes the change being committed, for every kind of commit
git can be in the middle of; one function judges it with the engine's rules.
The hooks `check-agent-scope`, `add-agent-trailer` and `check-agent-trailer`
only gather their input and call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from agentowners import engine, git, invocation
from agentowners.actor import Actor, environment_agent, message_actor
from agentowners.commit_start import CommitStart
from agentowners.errors import EXIT_OK, UsageError
from agentowners.policy import HUMAN, POLICY_FILE, Policy, load_policy

# git runs the commit hooks with GIT_EDITOR=: when no editor will open, that
# is, when the message it hands `prepare-commit-msg` is the final one
# (https://git-scm.com/docs/githooks).
NO_EDITOR = ":"


class CommitInProgress(NamedTuple):
    branch: str | None  # the branch it lands on; None on a detached HEAD
    paths: tuple[str, ...]
    lines: int | None  # added + deleted lines, when counted
    kind: str  # "first commit", "commit", "amend" or "merge", for messages and tests


def commit_in_progress(begun: CommitStart, *, count_lines: bool) -> CommitInProgress:
    """The change the commit being made records, whatever git is in the middle of.

    * first commit (no HEAD): everything staged, against the empty tree;
    * `git commit --amend`: the amended commit's whole change, against HEAD's
      parents (so an agent cannot take over a commit by amending it);
    * concluding a merge (MERGE_HEAD): only the paths that differ from every
      parent, the merge's own edits and conflict resolutions, as for merges
      in history;
    * otherwise the index against HEAD.

    The index is git's: `git commit -a` and `git commit PATH` hand the hook a
    temporary one in GIT_INDEX_FILE, which every git call here inherits. A
    rebase or cherry-pick in progress lands on the branch being rebased or
    the current branch.
    """
    git_dir, _ = git.repo_info()
    head = begun.head
    merging = git.merge_heads(git_dir)
    bases: list[str | None]
    if head is None:
        kind, bases = "first commit", [None]
    elif merging:
        kind, bases = "merge", [head, *merging]
    elif invocation.is_amend():
        kind, bases = "amend", [*git.parents(head)] or [None]
    else:
        kind, bases = "commit", [head]
    if kind == "amend" and len(bases) > 1:
        kind = "merge"  # amending a merge: judged like a merge
    diffs = [git.diff_index(base, count_lines=count_lines, begun=begun) for base in bases]
    in_every = set(diffs[0].paths).intersection(*(diff.paths for diff in diffs[1:]))
    paths = tuple(path for path in diffs[0].paths if path in in_every)
    lines = None
    if diffs[0].path_lines is not None:
        # As for merges in history: lines against the first parent, of the paths kept.
        lines = sum(diffs[0].path_lines.get(path, 0) for path in paths)
    return CommitInProgress(git.current_branch(), paths, lines, kind)


def executor_actor(policy: Policy, branch: str | None) -> Actor | None:
    """The branch's executor, when only it may commit there (allow_human = false)."""
    if branch is None:
        return None
    owner = policy.owner(branch)
    if owner.allow_human or owner.executor == HUMAN:
        return None
    return Actor(owner.executor, f"the executor of branch {branch} (allow_human = false)")


def check_staged(
    policy: Policy, begun: CommitStart, environ: Mapping[str, str], *, message: bytes | None
) -> engine.Outcome:
    """SPEC §4 for the commit being made.

    With `message` (the commit message as git will store it): the actor is the
    message's checked against the environment's (SPEC §3). Without it (the
    `pre-commit` stage, or an editor still to open): the environment's
    agent, else the branch's executor when humans may not commit there; with
    neither, a human is committing and nothing is checked (`checked` is 0).
    """
    commit = commit_in_progress(begun, count_lines=policy.counts_lines)
    running = environment_agent(policy, environ)
    if message is not None:
        actor: Actor | None = message_actor(
            policy, git.message_evidence(message, policy.trailer), running
        )
    else:
        actor = running or executor_actor(policy, commit.branch)
    if actor is None:
        return engine.Outcome(0, ())
    return engine.check_change(
        policy, actor, commit.paths, lines=commit.lines, branch=commit.branch
    )


def _print(outcome: engine.Outcome) -> int:
    if outcome.checked:
        return engine.print_outcome(outcome)
    print(
        "agentowners: no agent is committing (no AGENTOWNERS_AGENT or agent marker in "
        "the environment) and humans may commit on this branch: nothing to check"
    )
    return EXIT_OK


def message_as_stored(message: bytes, environ: Mapping[str, str]) -> bytes:
    """The message as the git command running the hook will store it (see git.message_as_stored)."""
    editor = environ.get("GIT_EDITOR") != NO_EDITOR
    return git.message_as_stored(
        message, strips_comments=lambda: invocation.strips_comments(editor=editor)
    )


def _read(message_file: str) -> bytes:
    try:
        with open(message_file, "rb") as f:
            return f.read()
    except OSError as exc:
        raise UsageError(f"cannot read the commit message {message_file}: {exc.strerror}") from None


def _write(message_file: str, message: bytes) -> None:
    try:
        with open(message_file, "wb") as f:
            f.write(message)
    except OSError as exc:
        raise UsageError(
            f"cannot write the commit message {message_file}: {exc.strerror}"
        ) from None


def scope_hook(begun: CommitStart, environ: Mapping[str, str]) -> int:
    """`check-agent-scope` (pre-commit): the staged change for the running agent."""
    policy = load_policy(begun.raw_policy, POLICY_FILE)
    return _print(check_staged(policy, begun, environ, message=None))


def prepare_message_hook(begun: CommitStart, environ: Mapping[str, str], message_file: str) -> int:
    """`add-agent-trailer` (prepare-commit-msg): add the trailer, then check everything.

    git runs `prepare-commit-msg` even for `git commit --no-verify`, so this
    is the commit gate an agent cannot switch off with that flag. The message
    is judged when it is final (no editor will open); otherwise the staged
    change is judged for the running agent and `commit-msg` judges the message.
    """
    policy = load_policy(begun.raw_policy, POLICY_FILE)
    final = environ.get("GIT_EDITOR") == NO_EDITOR
    if final:
        # Comments git will delete go now, so that the trailer goes where it stays.
        message = _read(message_file)
        stored = message_as_stored(message, environ)
        if stored != message:
            _write(message_file, stored)
    running = environment_agent(policy, environ)
    if running is not None and not running.problems:
        git.add_trailer(message_file, policy.trailer, running.agent)
    judged = _read(message_file) if final else None
    return _print(check_staged(policy, begun, environ, message=judged))


def message_hook(begun: CommitStart, environ: Mapping[str, str], message_file: str) -> int:
    """`check-agent-trailer` (commit-msg): message, staged paths and branch."""
    policy = load_policy(begun.raw_policy, POLICY_FILE)
    message = message_as_stored(_read(message_file), environ)
    return _print(check_staged(policy, begun, environ, message=message))
