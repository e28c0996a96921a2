from __future__ import annotations

import pytest

from agentowners.invocation import amends, cleanup_option
from tests.gitrepo import GitRepo


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["git", "commit", "--amend"], True),
        (["/usr/bin/git", "commit", "--amend", "--no-edit"], True),
        (["git", "-C", "sub", "-c", "user.name=x", "commit", "--amend"], True),
        (["git", "commit", "--amen"], True),
        (["git", "commit", "--am"], True),
        (["git", "commit", "--a"], False),  # ambiguous for git: no amend
        (["git", "commit", "--amend", "--no-amend"], False),
        (["git", "commit", "-m", "--amend"], False),  # the message text
        (["git", "commit", "-am", "--amend"], False),  # -a, then -m's value
        (["git", "commit", "--message", "--amend"], False),
        (["git", "commit", "--message=x", "--amend"], True),
        (["git", "commit", "-mx", "--amend"], True),
        (["git", "commit", "-C", "HEAD"], False),
        (["git", "commit", "--", "--amend"], False),  # a path
        (["git", "merge", "--amend"], False),
        (["git"], False),
    ],
)
def test_amend_options_are_read_as_git_parses_them(
    repo: GitRepo, argv: list[str], expected: bool
) -> None:
    assert amends(argv) is expected


def test_aliases_are_followed(repo: GitRepo) -> None:
    repo.git("config", "alias.fix", "commit --amend --no-edit")
    repo.git("config", "alias.fx", "fix")
    repo.git("config", "alias.shell", "!git commit --amend")
    assert amends(["git", "fix"])
    assert amends(["git", "fx", "-q"])
    assert not amends(["git", "shell"])  # a shell alias runs a git of its own, found as such


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["git", "commit", "--cleanup=strip"], "strip"),
        (["git", "commit", "--cleanup", "strip", "-m", "x"], "strip"),
        (["git", "commit", "--clean=strip"], "strip"),
        (["git", "commit", "--cleanup=strip", "--cleanup=verbatim"], "verbatim"),
        (["git", "commit", "-m", "--cleanup=strip"], None),  # the message text
        (["git", "commit", "--", "--cleanup=strip"], None),  # a path
        (["/usr/lib/git-core/git", "commit", "--no-edit", "--cleanup=strip"], "strip"),
        (["git", "cherry-pick", "--cleanup=strip", "HEAD~1"], "strip"),
        (["git", "rebase", "main"], None),
    ],
)
def test_the_cleanup_mode_is_read_as_git_parses_it(
    repo: GitRepo, argv: list[str], expected: str | None
) -> None:
    assert cleanup_option(argv) == expected
