"""The start of every commit-time hook: the policy in force, and the staged change begun.

A commit-time hook needs the staged change, `git diff-index --cached HEAD`
(git reads the whole index and HEAD's tree: about 20 ms for 100,000 files),
and the engine, which Python takes about as long to import. Once a policy
is known to exist, git is started on the first while Python imports the
second: on two cores the hook costs the longer of the two, not their sum.
This module imports only the git helper, like policy_source.
"""

from __future__ import annotations

from agentowners import gitcmd, policy_source
from agentowners.records import Record

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Sequence

# A policy that sets a line limit needs the diff with --numstat. The raw bytes
# only guess which diff to begin; the parsed policy decides which one is used.
_LINE_LIMIT_KEY = b"max_lines"


def diff_index_args(base: str, *, count_lines: bool) -> tuple[str, ...]:
    """`git diff-index` of the index against `base`, with line counts when asked."""
    numstat = ("--numstat",) if count_lines else ()
    return ("diff-index", "--cached", *gitcmd.DIFF_ARGS, *numstat, base, "--")


class CommitStart(Record):
    """The policy in force for the commit being made, and the diff begun against HEAD.

    A context manager: on leaving it, a diff nobody read is stopped.
    """

    __slots__ = ("_diff", "_diff_args", "head", "raw_policy")

    def __init__(self, raw_policy: bytes, head: str | None) -> None:
        self.raw_policy = raw_policy
        self.head = head  # HEAD's commit, None before the first commit
        # Before a first commit there is no HEAD to begin a diff against.
        count_lines = _LINE_LIMIT_KEY in raw_policy
        self._diff_args = () if head is None else diff_index_args(head, count_lines=count_lines)
        self._diff = gitcmd.start(*self._diff_args) if self._diff_args else None

    def diff_output(self, args: Sequence[str]) -> bytes:
        """The stdout of `git ARGS`: the diff begun, when it is that one; else run now."""
        if self._diff is not None and tuple(args) == self._diff_args:
            return gitcmd.output(args, self._diff.finish())
        return gitcmd.git(*args)

    def __enter__(self) -> CommitStart:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._diff is not None:
            self._diff.__exit__(*exc_info)


def begin() -> CommitStart | None:
    """The commit-time policy with the diff against HEAD begun; None when there is no
    policy, after saying so in one line."""
    source = policy_source.commit_time_policy()
    if source.raw is None:
        print(policy_source.no_policy_line(source.where))
        return None
    return CommitStart(source.raw, source.head)
