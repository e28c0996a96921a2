"""A shallow clone's cut: the commits whose parents the clone lacks.

git shows such a commit without parents, as if it were a root commit, so its
diff would be its whole tree, every file "added"; and what lies beyond it,
which a remote may well have, cannot be seen. Whoever walks history must stop
there and ask for more history instead (fail closed). Plumbing only, so that
the push planner can use it before the engine loads.
"""

from __future__ import annotations

from agentowners import gitcmd
from agentowners.errors import GitError

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable


def cut_among(commits: Iterable[str]) -> str | None:
    """The first of `commits` (parentless, as git shows them) that is a shallow cut."""
    path = gitcmd.decode(gitcmd.git("rev-parse", "--git-path", "shallow"))
    try:
        with open(path.strip(), encoding="ascii") as f:
            cut = {line.strip() for line in f}
    except FileNotFoundError:  # not a shallow clone
        return None
    return next((commit for commit in commits if commit in cut), None)


def cut_error(commit: str, what: str) -> GitError:
    """The error for a walk that reached the cut at `commit`: `what` cannot be known."""
    return GitError(
        f"commit {commit[:10]} is where this shallow clone's history is cut: {what} cannot "
        "be known. Fetch more history (git fetch --deepen=100, or --unshallow; in GitHub "
        "Actions: actions/checkout with fetch-depth: 0) and try again."
    )
