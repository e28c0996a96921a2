"""gitcmd: git's output as it arrives, whole records, and failures that are never silent."""

from __future__ import annotations

import os
import signal
import time

import pytest

from agentowners import gitcmd
from agentowners.errors import GitError
from tests.gitrepo import GitRepo


@pytest.fixture
def history(repo: GitRepo) -> GitRepo:
    for number in range(20):
        repo.commit(f"commit {number}", f"dir/file-{number}.txt")
    return repo


LOG = ("log", "--format=%x00%x00%H%x00%s", "--raw", "-z", "--no-abbrev")


@pytest.mark.parametrize("separator", [b"\0", b"\0\0\0"])
def test_records_do_not_depend_on_how_reads_split_the_output(
    history: GitRepo, separator: bytes
) -> None:
    whole = gitcmd.git(*LOG).split(separator)
    if not whole[-1]:
        whole.pop()  # the output ends with a separator: no record after it
    for chunk in (1, 2, 3, 7, 1 << 16):
        assert list(gitcmd.stream(*LOG, separator=separator, chunk=chunk)) == whole


def test_a_record_longer_than_many_reads_comes_whole(repo: GitRepo) -> None:
    names = [f"a-rather-long-directory-name/file-{n}.txt" for n in range(300)]
    repo.commit("many", *names)
    records = [r for r in gitcmd.stream(*LOG, separator=b"\0\0\0", chunk=64) if r]
    assert len(records) == 1
    assert records[0].count(b"file-") == 300


def test_failure_is_raised_after_the_output(repo: GitRepo) -> None:
    repo.commit("one", "a")
    with pytest.raises(GitError, match="nope"):
        list(gitcmd.stream("log", "--format=%H", "-z", "HEAD", "nope", "--"))


def test_git_that_cannot_start_is_a_git_error(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(GitError, match="not installed"):
        list(gitcmd.stream("log"))
    with pytest.raises(GitError, match="not installed"):
        gitcmd.run("status")


def test_input_and_output_larger_than_a_pipe_do_not_stall(repo: GitRepo) -> None:
    """cat-file answers while it reads: its output must be drained as its input is fed."""
    repo.commit("one", "a")
    head = repo.out("rev-parse", "HEAD")
    specs = b"HEAD\n" * 20_000  # 100 KB in, several MB out: both beyond a pipe's 64 KiB
    out = gitcmd.git("cat-file", "--batch", stdin=specs)
    assert out.count(f"{head} commit ".encode()) == 20_000


def test_a_failure_keeps_its_code_and_message(repo: GitRepo) -> None:
    result = gitcmd.run("rev-parse", "--verify", "no-such-revision")
    assert (result.code, result.out) == (128, b"")
    assert b"fatal: Needed a single revision" in result.err
    with pytest.raises(GitError, match="git rev-parse failed: fatal: Needed a single revision"):
        gitcmd.git("rev-parse", "--verify", "no-such-revision")


def test_git_is_found_on_the_given_environment_s_path(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = dict(os.environ)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert gitcmd.run("rev-parse", "--git-dir", env=environ).out == b".git\n"
    with pytest.raises(GitError, match="not installed"):
        gitcmd.run("status", env={**environ, "PATH": "/nonexistent"})


def test_cwd_is_where_git_runs(
    repo: GitRepo, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("one", "sub/a")
    top = str(repo.path)
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert gitcmd.git("rev-parse", "--show-prefix", cwd=f"{top}/sub") == b"sub/\n"


def test_a_started_git_works_before_it_is_waited_for(repo: GitRepo) -> None:
    """Small input is handed over at start: git answers while the caller imports."""
    started = gitcmd.start("hash-object", "-w", "--stdin", stdin=b"early\n")
    oid = repo.git("hash-object", "--stdin", stdin="early\n").stdout.strip()
    stored = repo.path / ".git" / "objects" / oid[:2] / oid[2:]
    deadline = time.monotonic() + 10
    while not stored.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stored.exists()  # written before finish() was called
    result = started.finish()
    assert (result.code, result.out) == (0, f"{oid}\n".encode())
    assert started.finish() is result  # waited for once


def test_a_started_git_left_unread_is_stopped(repo: GitRepo) -> None:
    """Input beyond a pipe's atomic size waits for finish(): this git waits for it."""
    repo.commit("one", "a")
    with gitcmd.start("cat-file", "--batch", stdin=b"HEAD\n" * 2_000) as started:
        pass  # not wanted after all
    assert started.finish().code == -signal.SIGKILL
