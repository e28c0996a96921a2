"""history.commits on real repositories: every kind of change git can record."""

from __future__ import annotations

import os

import pytest

from agentowners import history
from agentowners.errors import GitError
from tests.gitrepo import GitRepo


def commits(*revisions: str, count_lines: bool = False) -> list[history.Commit]:
    return list(history.commits(revisions or ("HEAD",), trailer="Agent", count_lines=count_lines))


def one(*revisions: str, count_lines: bool = False) -> history.Commit:
    return commits(*revisions, count_lines=count_lines)[0]


def test_root_commit_lists_every_path_and_has_no_parents(repo: GitRepo) -> None:
    sha = repo.commit("first", "a.txt", "dir/b.txt")
    commit = one()
    assert commit.sha == sha
    assert commit.parents == ()
    assert commit.paths == ("a.txt", "dir/b.txt")
    assert commit.subject == "first"
    assert commit.short == sha[:10]


def test_commits_come_newest_first_with_parents_and_timestamps(repo: GitRepo) -> None:
    first = repo.commit("one", "a")
    second = repo.commit("two", "b", env={"GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z"})
    listed = commits()
    assert [c.sha for c in listed] == [second, first]
    assert listed[0].parents == (first,)
    assert listed[0].timestamp == 1704164645
    assert [c.paths for c in listed] == [("b",), ("a",)]


def test_evidence_has_identities_and_every_trailer_kind(repo: GitRepo) -> None:
    message = (
        "subject line\n\nbody\n\n"
        "Agent: codex\n"
        "Agent: Claude-Code\n"
        "Co-authored-by: Bot <bot@example.com>\n"
        "Assisted-by: Claude:claude-3-opus\n"
        "agent: folded\n  value\n"
    )
    repo.commit(
        message,
        "a",
        author="Ann Author <ann@example.com>",
        env={"GIT_COMMITTER_NAME": "Cy Committer", "GIT_COMMITTER_EMAIL": "cy@example.com"},
    )
    evidence = one().evidence
    assert evidence.trailer_values == ("codex", "Claude-Code", "folded value")
    assert evidence.author_name == "Ann Author"
    assert evidence.author_email == "ann@example.com"
    assert evidence.committer_name == "Cy Committer"
    assert evidence.committer_email == "cy@example.com"
    assert evidence.coauthors == ("Bot <bot@example.com>",)
    assert evidence.assisted_by == ("Claude:claude-3-opus",)


def test_trailer_key_is_the_policys(repo: GitRepo) -> None:
    repo.commit("s\n\nAI-Agent: codex\nAgent: other", "a")
    listed = list(history.commits(["HEAD"], trailer="AI-Agent", count_lines=False))
    assert listed[0].evidence.trailer_values == ("codex",)


def test_empty_commit_and_empty_message(repo: GitRepo) -> None:
    repo.commit("first", "a")
    repo.git("commit", "-q", "--allow-empty", "--allow-empty-message", "-m", "")
    repo.commit("after", "b")
    listed = commits()
    assert [c.paths for c in listed] == [("b",), (), ("a",)]
    assert listed[1].subject == ""


def test_rename_lists_both_sides_even_when_config_asks_for_renames(repo: GitRepo) -> None:
    repo.commit("add", "old/name.py", content="a fairly long line of content\n" * 20)
    repo.git("config", "diff.renames", "copies")
    (repo.path / "new").mkdir()
    repo.git("mv", "old/name.py", "new/name.py")
    repo.git("commit", "-q", "-m", "move")
    assert one().paths == ("new/name.py", "old/name.py")


def test_deletion_and_mode_change_are_changes(repo: GitRepo) -> None:
    repo.commit("add", "gone.txt", "tool.sh")
    repo.git("rm", "-q", "gone.txt")
    os.chmod(repo.path / "tool.sh", 0o755)
    repo.git("add", "tool.sh")
    repo.git("commit", "-q", "-m", "rm and chmod")
    assert one().paths == ("gone.txt", "tool.sh")


@pytest.mark.parametrize(
    "name",
    [
        "line\nbreak.txt",
        "-leading-dash",
        "--end-of-options",
        "ünïcödé/日本.md",
        " spaced  out ",
        "tab\there",
        'quote"back\\slash',
        "*glob?[x]",
    ],
)
def test_odd_file_names_come_back_exactly(repo: GitRepo, name: str) -> None:
    repo.commit("odd", name)
    assert one().paths == (name,)


def test_non_utf8_name_round_trips_through_surrogateescape(repo: GitRepo) -> None:
    raw = b"latin1-\xe9.txt"
    (repo.path / os.fsdecode(raw)).write_bytes(b"x\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "latin-1")
    (path,) = one().paths
    assert path.encode("utf-8", "surrogateescape") == raw


def test_submodule_pointer_is_a_changed_path(repo: GitRepo) -> None:
    pointed = repo.commit("base", "a")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{pointed},vendor/sub")
    repo.git("commit", "-q", "-m", "add submodule pointer")
    assert one().paths == ("vendor/sub",)
    other = repo.out("commit-tree", "HEAD^{tree}", "-m", "another commit to point at")
    repo.git("update-index", "--cacheinfo", f"160000,{other},vendor/sub")
    repo.git("commit", "-q", "-m", "move submodule pointer")
    assert one().paths == ("vendor/sub",)


def _merge_setup(repo: GitRepo) -> None:
    repo.commit("base", "shared.txt", content="base\n")
    repo.git("switch", "-qc", "side")
    repo.commit("side", "side.txt", "shared.txt", content="side\n")
    repo.git("switch", "-q", "main")
    repo.commit("main", "main.txt", "shared.txt", content="main\n")


def test_clean_merge_lists_no_paths_of_the_history_it_brings_in(repo: GitRepo) -> None:
    repo.commit("base", "a")
    repo.git("switch", "-qc", "side")
    repo.commit("side", "side.txt")
    repo.git("switch", "-q", "main")
    repo.commit("main", "main.txt")
    repo.git("merge", "-q", "--no-edit", "side")
    merge = one()
    assert len(merge.parents) == 2
    assert merge.paths == ()


def test_conflict_resolution_and_evil_merge_edits_are_listed(repo: GitRepo) -> None:
    _merge_setup(repo)
    assert repo.git("merge", "-q", "side", check=False).returncode != 0
    repo.write("shared.txt", "resolved\n")
    repo.write("evil.txt", "in no parent\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit")
    merge = one()
    assert len(merge.parents) == 2
    assert merge.paths == ("evil.txt", "shared.txt")


def test_line_counts_text_binary_and_merges(repo: GitRepo) -> None:
    repo.commit("text", "t.txt", content="1\n2\n3\n")
    assert one(count_lines=True).lines == 3
    repo.write("bin.dat", b"\x00\x01\x02" * 100)
    repo.write("t.txt", "1\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "binary and edit")
    assert one(count_lines=True).lines == 2  # binary counts 0; two lines deleted
    assert one(count_lines=False).lines is None


def test_merge_lines_count_only_the_merges_own_paths(repo: GitRepo) -> None:
    _merge_setup(repo)
    repo.git("merge", "-q", "side", check=False)
    repo.write("shared.txt", "r1\nr2\nr3\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit")
    merge = one(count_lines=True)
    assert merge.paths == ("shared.txt",)
    # numstat is against the first parent: "main" -> three new lines, one deleted;
    # side.txt (brought in from side) is not the merge's own change.
    assert merge.lines == 4


def test_a_range_excludes_the_base(repo: GitRepo) -> None:
    base = repo.commit("base", "a")
    head = repo.commit("head", "b")
    assert [c.sha for c in commits(head, f"^{base}")] == [head]


def test_unknown_revision_raises_git_error(repo: GitRepo) -> None:
    repo.commit("base", "a")
    with pytest.raises(GitError, match="no-such-rev"):
        commits("no-such-rev")


def _children() -> list[str]:
    with open(f"/proc/self/task/{os.getpid()}/children") as f:
        return f.read().split()


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
def test_a_consumer_that_stops_early_leaves_no_git_running(repo: GitRepo) -> None:
    for number in range(30):
        repo.commit(f"c{number}", f"f{number}")
    before = _children()
    stream = history.commits(["HEAD"], trailer="Agent", count_lines=False)
    first = next(stream)
    assert len(_children()) == len(before) + 1  # git log is still running
    stream.close()
    assert first.subject == "c29"
    assert _children() == before


def test_many_commits_stream_in_order(repo: GitRepo) -> None:
    """Enough output to cross several read chunks."""
    names = [f"dir{n % 7}/file-{n}-" + "x" * 200 for n in range(400)]
    for start in range(0, 400, 100):
        for name in names[start : start + 100]:
            repo.write(name)
        repo.commit(f"batch {start}")
    listed = commits()
    assert [c.subject for c in listed] == ["batch 300", "batch 200", "batch 100", "batch 0"]
    assert sorted(p for c in listed for p in c.paths) == sorted(names)
