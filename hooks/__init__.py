"""Thin entry points of the pre-commit hooks in .pre-commit-hooks.yaml."""

from __future__ import annotations

import sys

from agentowners import commit_start
from agentowners.errors import EXIT_OK

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from agentowners.commit_start import CommitStart


def plain_arguments(argv: Sequence[str] | None, fewest: int, most: int) -> list[str] | None:
    """The command line when it is `fewest` to `most` arguments and no option, else None.

    That is all pre-commit and git ever pass a hook; only anything else (an
    option, `--help`, a mistake) is left to argparse, whose import and parser
    cost a hook in a repository without a policy a third of its time.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if fewest <= len(args) <= most and not any(arg.startswith("-") for arg in args):
        return args
    return None


def check_commit_in_progress(judge: Callable[[CommitStart], int]) -> int:
    """What each commit-time hook does: find the policy in force (with none, say so
    in one line and pass), begin the staged diff, then `judge`, which imports the
    engine itself: only once a policy exists."""
    begun = commit_start.begin()
    if begun is None:
        return EXIT_OK
    with begun:  # stops git if the engine fails before reading the staged change
        return judge(begun)
