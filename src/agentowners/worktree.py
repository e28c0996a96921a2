"""The work tree a directory is in, as the edit-time guard needs it: one git call.

It imports only the git helper, like policy_source: the guard starts this
call and the policy's before it imports the rules, so that git answers
while Python imports (the guard runs before every tool call of an agent).
"""

from __future__ import annotations

import os

from agentowners import gitcmd
from agentowners.errors import GitError
from agentowners.records import Record

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Sequence

PATH_FORMAT = "--path-format=absolute"
_CHECKOUT = (
    "rev-parse",
    "--show-toplevel",
    "--absolute-git-dir",
    PATH_FORMAT,
    "--git-common-dir",
    "HEAD",
    "--symbolic-full-name",
    "HEAD",
)


class Checkout(Record):
    """A work tree: where it is, its git directories, HEAD and the branch."""

    __slots__ = ("branch", "git_dirs", "head", "top")

    def __init__(
        self, top: str, git_dirs: tuple[str, ...], head: str | None, branch: str | None
    ) -> None:
        self.top = top  # the work tree's root
        self.git_dirs = git_dirs  # its git directory and the common one (linked worktrees)
        self.head = head  # HEAD's commit; None before the first commit
        self.branch = branch  # the checked-out branch (rebase-aware); None when detached


def start_checkout(cwd: str) -> gitcmd.Started:
    """The git call `checkout` reads, started now."""
    return gitcmd.start(*_CHECKOUT, cwd=cwd)


def checkout(cwd: str, started: gitcmd.Started | None = None) -> Checkout | None:
    """The work tree `cwd` is in, or None when it is in none (bare, .git, no repository).

    `started`: the call start_checkout(cwd) began, when it did.
    """
    result = (started or start_checkout(cwd)).finish()
    lines = gitcmd.decode(result.out).splitlines()
    if PATH_FORMAT in lines:  # before 2.31 rev-parse echoes an option it does not know
        gitcmd.require_version()
    if len(lines) < 3:
        return None
    top, git_dir, common_dir = lines[:3]
    if result.code:  # HEAD does not resolve: no commit yet
        return Checkout(top, (git_dir, common_dir), None, _unborn_branch(cwd, git_dir))
    head, symbolic = lines[3:5]
    branch = symbolic.removeprefix("refs/heads/") if symbolic.startswith("refs/heads/") else None
    return Checkout(top, (git_dir, common_dir), head, branch or rebased_branch(git_dir))


def _unborn_branch(cwd: str, git_dir: str) -> str | None:
    result = gitcmd.run("symbolic-ref", "--quiet", "--short", "HEAD", cwd=cwd)
    if result.code == 0:
        return gitcmd.decode(result.out).strip()
    return rebased_branch(git_dir)


def rebased_branch(git_dir: str) -> str | None:
    """The branch a rebase in progress will update (HEAD is detached meanwhile)."""
    for state in ("rebase-merge", "rebase-apply"):
        try:
            with open(os.path.join(git_dir, state, "head-name"), encoding="utf-8") as f:
                head = f.read().strip()
        except OSError:
            continue
        return head.removeprefix("refs/heads/") if head.startswith("refs/heads/") else None
    return None


def tracked(path: str, top: str) -> list[str]:
    """Tracked files at or under `path`, both relative to the root `top`."""
    out = gitcmd.git("ls-files", "-z", "--full-name", "--", f":(top,literal){path}", cwd=top)
    return [gitcmd.decode(token) for token in out.split(b"\0") if token]


def ignored(paths: Sequence[str], top: str) -> set[str]:
    """Those of `paths` (relative to the root `top`) that .gitignore keeps out of commits."""
    stdin = b"".join(gitcmd.encode(path) + b"\0" for path in paths)
    result = gitcmd.run("check-ignore", "-z", "--stdin", cwd=top, stdin=stdin)
    if result.code not in (0, 1):  # 1: none of them is ignored
        raise GitError(f"git check-ignore failed: {gitcmd.decode(result.err).strip()}")
    return {gitcmd.decode(token) for token in result.out.split(b"\0") if token}
