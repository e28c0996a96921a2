"""The push rules, through real pushes to a real bare remote.

Each rule runs through both gates that see every ref of a push: the
client's `agentowners pre-push` and the server's `agentowners pre-receive`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentowners import push
from agentowners.commands.pre_push import pre_push
from tests.gitrepo import (
    POLICY,
    GitRepo,
    bare_remote,
    guarded_remote,
    install_native_hooks,
    refs,
)

CODEX_MSG = "parser\n\nAgent: codex"


@pytest.fixture(params=["pre-push", "pre-receive"])
def remote(request: pytest.FixtureRequest, repo: GitRepo, tmp_path: Path) -> GitRepo:
    return guarded_remote(repo, tmp_path / "remote.git", request.param)


@pytest.fixture
def origin(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """For what only the pushing side does: `origin`, guarded by `agentowners pre-push`."""
    return guarded_remote(repo, tmp_path / "remote.git", "pre-push")


def land_unchecked(server: GitRepo, repo: GitRepo, branch: str) -> None:
    """Put a branch on the server as history from before the gates (a fetch runs no hook)."""
    server.git("fetch", "-q", str(repo.path), f"+refs/heads/{branch}:refs/heads/{branch}")


def git_push(repo: GitRepo, *args: str) -> tuple[int, str]:
    """(exit code, everything printed), the server's lines without git's "remote:" frame."""
    result = repo.git("push", *args, check=False)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, "\n".join(line.removeprefix("remote: ").rstrip() for line in lines)


def test_a_multi_ref_push_is_refused_as_a_whole(repo: GitRepo, remote: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    before = refs(remote)
    code, output = git_push(repo, "origin", "codex/parser", "codex/parser:main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
    assert refs(remote) == before  # not even codex/parser landed


def test_the_destination_branch_is_judged_not_the_local_one(repo: GitRepo, remote: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "HEAD:refs/heads/main")
    assert code != 0
    assert "foreign-agent: agent codex on branch main" in output
    assert git_push(repo, "-q", "origin", "codex/parser")[0] == 0


def test_a_new_branch_checks_what_the_default_branch_lacks(repo: GitRepo, remote: GitRepo) -> None:
    """Commits the remote has under another branch are judged against the new one too."""
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    assert git_push(repo, "-q", "origin", "codex/parser")[0] == 0
    code, output = git_push(repo, "origin", "codex/parser:refs/heads/release")
    assert code != 0
    assert "foreign-agent: agent codex on branch release" in output
    assert "refs/heads/release" not in refs(remote)
    # The human commits on main (the policy's) are not the new branch's to judge.
    assert "human-not-allowed" not in output


@pytest.mark.parametrize("origin_head", [False, True], ids=["ls-remote", "origin-HEAD"])
def test_the_pusher_finds_the_remotes_default_branch(
    repo: GitRepo, origin: GitRepo, origin_head: bool
) -> None:
    """From refs/remotes/origin/HEAD, else from the remote itself (never the local main)."""
    if origin_head:
        repo.git("remote", "set-head", "origin", "main")
    repo.commit("local human work", "README.md", content="local\n")
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "src/parser.py")
    code, output = git_push(repo, "origin", "codex/parser")
    assert code != 0
    assert "human-not-allowed: agent human on branch codex/parser" in output  # local main's
    assert "agentowners: 1 violation in 2 commits checked" in output


def test_a_force_push_checks_only_the_new_commits(repo: GitRepo, remote: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit("human fix", "src/fix.py")  # on the remote from before the gates
    pushed = repo.commit(CODEX_MSG, "src/parser.py")
    land_unchecked(remote, repo, "codex/parser")
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit(CODEX_MSG, "src/other.py")
    code, output = git_push(repo, "-f", "origin", "codex/parser")
    assert code == 0, output
    assert "1 commit checked, no violations" in output
    assert refs(remote)["refs/heads/codex/parser"] != pushed


def test_deleted_refs_and_tags_are_skipped(repo: GitRepo, remote: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    repo.commit(CODEX_MSG, "docs/off-scope.md")
    land_unchecked(remote, repo, "codex/parser")
    repo.git("tag", "-a", "-m", "wip", "codex-wip")
    code, output = git_push(repo, "origin", "codex-wip", ":codex/parser")
    assert code == 0, output
    assert "the push updates no branch (only deletions or tags): nothing to check" in output
    assert "refs/tags/codex-wip" in refs(remote)
    assert "refs/heads/codex/parser" not in refs(remote)


def test_the_policy_is_the_one_the_remote_has(repo: GitRepo, remote: GitRepo) -> None:
    repo.git("switch", "-qc", "codex/parser")
    widened = POLICY.replace('"src/**", "tests/**"', '"**"')
    repo.commit(CODEX_MSG, ".agentowners.toml", "docs/new.md", content=widened)
    code, output = git_push(repo, "origin", "codex/parser")
    assert code != 0
    assert "protected-path: agent codex on branch codex/parser" in output
    assert "out-of-scope: agent codex on branch codex/parser\n    docs/new.md" in output


def test_a_first_push_to_an_empty_remote_has_no_policy_to_enforce(
    repo: GitRepo, tmp_path: Path
) -> None:
    empty = bare_remote(tmp_path / "empty.git")
    repo.init_policy()
    repo.commit(CODEX_MSG, "docs/off-scope.md")
    install_native_hooks(repo, ("pre-push",))
    code, output = git_push(repo, str(empty.path), "main")
    assert code == 0, output
    assert "no .agentowners.toml in the commits the receiver has" in output


def test_policy_ref_replaces_the_remotes_policy(
    repo: GitRepo, origin: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("switch", "-qc", "codex/parser")
    new = repo.commit(CODEX_MSG, "src/parser.py")
    old = repo.out("rev-parse", "main")
    strict = repo.commit(
        "strict", ".agentowners.toml", content=POLICY.replace('"src/**", "tests/**", ', "")
    )
    line = f"refs/heads/codex/parser {new} refs/heads/codex/parser {old}\n"
    assert pre_push("origin", [line]) == 0
    assert pre_push("origin", [line], policy_ref=strict) == 1
    assert "out-of-scope: agent codex on branch codex/parser\n    src/parser.py" in (
        capsys.readouterr().out
    )


def test_an_unknown_policy_ref_fails_closed(repo: GitRepo, origin: GitRepo) -> None:
    line = f"refs/heads/main {repo.out('rev-parse', 'main')} refs/heads/main {'0' * 40}\n"
    with pytest.raises(push.GitError, match="unknown revision 'no-such-ref'"):
        pre_push("origin", [line], policy_ref="no-such-ref")


@pytest.mark.parametrize("zero", ["0" * 40, "0" * 64])
def test_all_zero_ids_of_either_length_delete(zero: str) -> None:
    updates = push.read_updates([f"(delete) {zero} refs/heads/main {'1' * 40}\n"], "pre-push")
    assert updates == [push.RefUpdate(zero, "refs/heads/main", "1" * 40)]
    assert push.plan(updates, push.ThisRepository()) == []


def test_hook_input_is_read_field_by_field() -> None:
    pre_push_line = f"HEAD@{{1 day ago}} {'a' * 40} refs/heads/x {'0' * 40}\n"
    pre_receive_line = f"{'0' * 40} {'a' * 40} refs/heads/x\n"
    expected = [push.RefUpdate("a" * 40, "refs/heads/x", "0" * 40)]
    assert push.read_updates([pre_push_line, "\n"], "pre-push") == expected
    assert push.read_updates([pre_receive_line], "pre-receive") == expected
    with pytest.raises(push.UsageError, match="unexpected pre-receive input line"):
        push.read_updates(["garbage\n"], "pre-receive")
