from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentowners import sessions
from agentowners.cli import main
from tests.gitrepo import POLICY, GitRepo

REF = "refs/agentowners/sessions/"


def start(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["session", "start", *args]) == 0
    return capsys.readouterr().out.strip()


def untouched_state(repo: GitRepo) -> tuple[object, ...]:
    """What `session start|end` must leave exactly as it was."""
    index = repo.path / ".git" / "index"
    return (
        repo.out("rev-parse", "HEAD"),
        index.read_bytes() if index.exists() else None,
        repo.git("stash", "list").stdout,
        repo.git("diff", "--cached", "--binary").stdout,
        # --no-optional-locks: status must not refresh the index it is checking on
        repo.git(
            "--no-optional-locks",
            "status",
            "--porcelain=v2",
            "-z",
            "--untracked-files=all",
            "--ignored",
        ).stdout,
        files(repo.path),
    )


def files(top: Path) -> dict[str, tuple[object, ...]]:
    """Every file of a work tree (ignored ones too): content, executable bit, symlink target."""
    found: dict[str, tuple[object, ...]] = {}
    for root, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(root, d)))]:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, top)
            if os.path.islink(full):
                found[rel] = ("symlink", os.readlink(full))
            else:
                executable = bool(os.stat(full).st_mode & stat.S_IXUSR)
                found[rel] = ("file", Path(full).read_bytes(), executable)
    return found


def index_entries(repo: GitRepo) -> str:
    return repo.git("ls-files", "--stage", "-z").stdout


def table(out: str) -> dict[str, tuple[str, ...]]:
    """The `session end` table: path -> (counts, what happened, verdict)."""
    rows = (line.split(" | ") for line in out.splitlines() if " | " in line)
    return {path.strip(): tuple(cell.strip() for cell in rest) for path, *rest in rows}


def snapshot_files(repo: GitRepo, rev: str) -> set[str]:
    return set(repo.git("ls-tree", "-r", "-z", "--name-only", rev).stdout.split("\0")) - {""}


@pytest.fixture
def busy(repo: GitRepo) -> GitRepo:
    """A repository with a policy, a stash, staged, unstaged, untracked and ignored files."""
    repo.write(".gitignore", "*.log\n")
    repo.init_policy()
    repo.commit("base", "src/a.py", "docs/guide.md", "README.md")
    repo.git("switch", "-qc", "codex/parser")
    repo.write("src/a.py", "stashed\n")
    repo.git("stash", "-q")
    repo.write("src/a.py", "staged\n")
    repo.git("add", "src/a.py")
    repo.write("src/a.py", "unstaged\n")
    repo.write("src/untracked.py", "new\n")
    repo.write("debug.log", "ignored\n")
    return repo


def test_start_snapshots_everything_and_touches_nothing(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    head = busy.out("rev-parse", "HEAD")
    staged_entries = busy.git("ls-files", "--stage").stdout
    before = untouched_state(busy)
    snapshot_id = start(capsys)
    assert untouched_state(busy) == before
    ref = REF + snapshot_id
    assert busy.out("rev-parse", ref) == busy.out("for-each-ref", "--format=%(objectname)", ref)
    # work tree: tracked as on disk, untracked included, ignored left out
    assert busy.out("show", f"{ref}:src/a.py") == "unstaged"
    assert busy.out("show", f"{ref}:src/untracked.py") == "new"
    assert "debug.log" not in snapshot_files(busy, ref)
    # parents: HEAD, then a commit of the index
    head_parent, staged = busy.out("rev-list", "--parents", "-n1", ref).split()[1:]
    assert head_parent == head
    assert busy.out("show", f"{staged}:src/a.py") == "staged"
    staged_listing = busy.git("ls-tree", "-r", staged).stdout
    assert [line.split() for line in staged_listing.splitlines()] == [
        [mode, "blob", sha, path]
        for mode, sha, _, path in (line.split() for line in staged_entries.splitlines())
    ]
    message = busy.out("log", "-1", "--format=%B", ref)
    assert "Agent: codex" in message  # the branch's executor
    assert "Branch: codex/parser" in message
    assert f"Head: {head}" in message
    assert snapshot_id.endswith(busy.out("rev-parse", "--short=7", ref))


def test_ids_sort_by_time_and_the_newest_session_is_the_default(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [start(capsys) for _ in range(3)]
    assert ids == sorted(ids)
    assert sessions.find(None).id == ids[-1]
    assert sessions.find(ids[0][:-3]).id == ids[0]  # a unique prefix is enough
    assert main(["session", "end", ids[0][:4]]) == 2
    assert "names 3 snapshots" in capsys.readouterr().err
    assert main(["session", "end", "nope"]) == 2
    assert "session list" in capsys.readouterr().err


def test_agent_from_option_environment_or_executor(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.init_policy()
    assert sessions.find(start(capsys)).agent == "human"  # main's executor
    monkeypatch.setenv("CLAUDECODE", "1")
    assert sessions.find(start(capsys)).agent == "claude-code"
    assert sessions.find(start(capsys, "--agent", "Codex")).agent == "codex"
    assert main(["session", "start", "--agent", "no agent"]) == 2
    monkeypatch.delenv("CLAUDECODE")
    repo.git("switch", "-q", "--detach")
    assert main(["session", "start"]) == 2
    assert "pass --agent A" in capsys.readouterr().err


def test_end_lists_every_kind_of_change_with_verdicts(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    busy.write("src/gone.py", "old\n")
    busy.write("docs/moved.md", "text\n")
    busy.write("tool.sh", "echo\n")
    busy.commit("more")
    snapshot_id = start(capsys)
    busy.commit("feature\n\nAgent: codex", "src/feature.py")
    busy.commit("sneaky", "docs/sneaky.md")  # no trailer: a human's commit here
    busy.git("mv", "docs/moved.md", "src/moved.md")  # staged rename: both sides
    busy.write("src/a.py", "edited again\n")  # unstaged
    (busy.path / "src/gone.py").unlink()  # deleted, not staged
    busy.write(".github/ci.yml", "ci\n")  # untracked, protected
    busy.write("image.bin", b"\x00\x01\xff")  # binary, untracked
    (busy.path / "tool.sh").chmod(0o755)  # mode only
    busy.write("more.log", "ignored\n")
    before = untouched_state(busy)
    assert main(["session", "end"]) == 1
    out = capsys.readouterr().out
    assert untouched_state(busy) == before
    rows = [line for line in out.splitlines() if " | " in line]
    assert rows == [
        " .github/ci.yml |  +1 -0 | added           | PROTECTED",
        " docs/moved.md  |  +0 -1 | deleted         | OUT OF SCOPE",
        " docs/sneaky.md |  +1 -0 | added           | OUT OF SCOPE",
        " image.bin      | binary | added           | OUT OF SCOPE",
        " src/a.py       |  +1 -1 | modified        | in scope",
        " src/feature.py |  +1 -0 | added           | in scope",
        " src/gone.py    |  +0 -1 | deleted         | in scope",
        " src/moved.md   |  +1 -0 | added           | in scope",
        " tool.sh        |  +0 -0 | made executable | OUT OF SCOPE",
    ]
    assert " 9 paths changed, 5 insertions(+), 3 deletions(-)" in out
    assert "commits during the session (2):" in out
    assert "codex (trailer) feature" in out
    assert "human (no agent trailer or marker) sneaky" in out
    assert f"agentowners session restore {snapshot_id}" in out
    assert "more.log" not in out

    assert main(["session", "end", snapshot_id, "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [
        (v["commit"], v["code"], v["agent"], v["branch"], v["paths"]) for v in result["violations"]
    ] == [
        ("session", "protected-path", "codex", "codex/parser", [".github/ci.yml"]),
        (
            "session",
            "out-of-scope",
            "codex",
            "codex/parser",
            ["docs/moved.md", "docs/sneaky.md", "image.bin", "tool.sh"],
        ),
    ]
    assert result["ok"] is False
    assert result["checked"] == 1
    assert "src/**, tests/**" in result["violations"][1]["message"]


def test_end_in_scope_and_human_sessions_pass(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start(capsys)
    busy.write("src/b.py", "ok\n")
    assert main(["session", "end"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("agentowners: 1 session checked, no violations")
    start(capsys, "--agent", "human")
    busy.write(".github/ci.yml", "a human may\n")
    assert main(["session", "end"]) == 0
    assert table(capsys.readouterr().out)[".github/ci.yml"] == (
        "+1 -0",
        "added",
        "human, not limited",
    )


def test_an_undeclared_agent_has_no_scope(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start(capsys, "--agent", "gemini")
    busy.write("src/b.py", "x\n")
    assert main(["session", "end", "--format", "json"]) == 1
    (violation,) = json.loads(capsys.readouterr().out)["violations"]
    assert violation["code"] == "out-of-scope"
    assert violation["paths"] == ["src/b.py"]
    assert "does not declare gemini, so no path is in its scope" in violation["message"]


def test_end_judges_by_the_policy_the_session_started_under(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start(capsys)
    widened = POLICY.replace('scope = ["src/**", "tests/**"', 'scope = ["**"')
    busy.commit("widen my scope\n\nAgent: codex", ".agentowners.toml", content=widened)
    busy.write("docs/guide.md", "mine now\n")
    assert main(["session", "end", "--format", "json"]) == 1
    violations = json.loads(capsys.readouterr().out)["violations"]
    assert [(v["code"], v["paths"]) for v in violations] == [
        ("protected-path", [".agentowners.toml"]),
        ("out-of-scope", ["docs/guide.md"]),
    ]


def test_end_notes_a_switched_branch_and_a_rewound_head(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.init_policy()
    repo.git("switch", "-qc", "codex/a")
    repo.commit("work\n\nAgent: codex", "src/a.py")
    start(capsys)
    repo.git("switch", "-qc", "codex/b", "HEAD~")
    assert main(["session", "end"]) == 0
    out = capsys.readouterr().out
    assert "note: the session started on codex/a, now on codex/b" in out
    assert "note: HEAD no longer contains the commit the session started from" in out
    assert table(out) == {"src/a.py": ("+0 -1", "deleted", "in scope")}
    assert "no commits during the session" in out


def test_no_policy_lists_changes_and_passes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("notes.txt", "n\n")  # an empty repository: no HEAD, no index yet
    snapshot_id = start(capsys)
    assert repo.git("rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 1
    assert repo.out("rev-list", "--parents", "-n1", REF + snapshot_id).count(" ") == 1
    repo.write("notes.txt", "m\n")
    repo.commit("first")
    assert main(["session", "end"]) == 0
    out = capsys.readouterr().out
    assert "agentowners: no .agentowners.toml where the session started" in out
    assert table(out) == {"notes.txt": ("+1 -1", "modified", "no policy")}
    assert "first" in out


def test_a_staged_policy_judges_a_session_in_an_empty_repository(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", ".agentowners.toml")
    start(capsys, "--agent", "codex")
    repo.write("src/ok.py")
    repo.write("docs/no.md")
    assert main(["session", "end"]) == 1
    out = capsys.readouterr().out
    assert "policy: .agentowners.toml as staged when it started (no commit yet)" in out
    assert table(out)["docs/no.md"] == ("+1 -0", "added", "OUT OF SCOPE")


def test_linked_worktree_has_its_own_sessions(
    busy: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main_session = start(capsys)
    linked = busy.path.parent / "linked"
    busy.git("worktree", "add", "-q", "-b", "codex/other", str(linked), "HEAD")
    other = GitRepo(linked)
    monkeypatch.chdir(linked)
    other.write("docs/x.md", "x\n")
    other.git("add", "docs/x.md")
    index = Path(other.out("rev-parse", "--git-path", "index"))
    index = index if index.is_absolute() else linked / index
    before = (
        index.read_bytes(),
        other.git("--no-optional-locks", "status", "--porcelain=v2", "-z").stdout,
    )
    with pytest.raises(sessions.UsageError, match="no session was started in this work tree"):
        sessions.find(None)
    linked_session = start(capsys)
    assert (
        index.read_bytes(),
        other.git("--no-optional-locks", "status", "--porcelain=v2", "-z").stdout,
    ) == before
    other.write("docs/y.md", "y\n")
    assert main(["session", "end"]) == 1
    out = capsys.readouterr().out
    assert f"session {linked_session}" in out
    assert table(out) == {"docs/y.md": ("+1 -0", "added", "OUT OF SCOPE")}  # not docs/x.md
    assert main(["session", "end", main_session]) == 1
    assert f"note: the snapshot was taken in the work tree {busy.path}" in capsys.readouterr().out


# Names that break naive tools: spaces, unicode, a newline, a leading dash.
ODD_NAMES = ("docs/with space.md", "docs/ünïcode.md", "docs/new\nline.md", "docs/-dash.md")


def agent_session(repo: GitRepo) -> None:
    """What a careless agent does: in-scope work plus edits, deletions and creations elsewhere,
    of binary files, executable bits, symlinks and odd names, committed, staged or not."""
    repo.write("docs/committed.md", "committed out of scope\n")
    repo.git("add", "docs/committed.md")
    repo.git("commit", "-qm", "agent work\n\nAgent: codex")
    repo.write("src/mine.py", "in scope\n")
    repo.write("docs/guide.md", "rewritten\n")
    repo.git("add", "docs/guide.md")  # staged
    repo.write("docs/guide.md", "rewritten twice\n")  # and changed again
    (repo.path / "docs/logo.png").write_bytes(b"\x89PNG\x00changed")
    (repo.path / "docs/run.sh").chmod(0o644)
    (repo.path / "docs/link").unlink()
    (repo.path / "docs/link").symlink_to("elsewhere.md")
    for name in ODD_NAMES:
        (repo.path / name).unlink()
        (repo.path / name.replace("docs/", "docs/new-")).write_text("created\n")
    repo.git("rm", "-q", "docs/deleted.md")
    (repo.path / "docs/sub/deep").mkdir(parents=True)
    repo.write("docs/sub/deep/created.md", "created\n")


@pytest.fixture
def worked(busy: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[GitRepo, str]:
    """A session started on a rich state, then an agent's session on top of it."""
    busy.write("docs/logo.png", b"\x89PNG\x00\x01\x02")
    busy.write("docs/run.sh", "#!/bin/sh\n")
    (busy.path / "docs/run.sh").chmod(0o755)
    (busy.path / "docs/link").symlink_to("guide.md")
    for name in ODD_NAMES:
        busy.write(name, f"{name}\n")
    busy.write("docs/deleted.md", "bye\n")
    busy.commit("rich")
    busy.write("docs/guide.md", "user's unstaged edit\n")
    snapshot_id = start(capsys)
    agent_session(busy)
    capsys.readouterr()
    return busy, snapshot_id


def test_restore_brings_back_out_of_scope_paths_and_can_be_undone_exactly(
    worked: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, snapshot_id = worked
    head = repo.out("rev-parse", "HEAD")
    agent_files, agent_index = files(repo.path), index_entries(repo)
    stash = repo.git("stash", "list").stdout

    assert main(["session", "restore", snapshot_id]) == 0
    out = capsys.readouterr().out
    before_id = out.split("snapshot ", 1)[1].split("\n", 1)[0]
    assert f"to undo this restore: agentowners session restore {before_id} --all" in out
    assert " removed docs/sub/deep/created.md (created since the snapshot)" in out
    assert " brought back 'docs/new\\nline.md' (deleted since the snapshot)" in out
    # every out-of-scope path is as at the start; in-scope work and ignored files stay
    restored = files(repo.path)
    at_start = {
        name: value
        for name, value in files_of_snapshot(repo, snapshot_id).items()
        if name.startswith("docs/")
    }
    assert {k: v for k, v in restored.items() if k.startswith("docs/")} == at_start
    assert restored["src/mine.py"] == agent_files["src/mine.py"]
    assert restored["debug.log"] == ("file", b"ignored\n", False)
    assert not (repo.path / "docs/sub").exists()  # emptied directories go, as with git
    # the index: those paths staged as they were at the start; HEAD and the stash unchanged
    assert repo.out("rev-parse", "HEAD") == head
    assert repo.git("stash", "list").stdout == stash
    assert repo.out("diff", "--cached", "--name-only", "--", "docs/guide.md") == ""
    assert repo.out("diff", "--name-only", "--", "docs/guide.md") == "docs/guide.md"
    assert repo.out("diff", "--cached", "--name-only", "--", "docs/committed.md") == (
        "docs/committed.md"  # the agent's commit stays; its undoing is staged
    )
    assert main(["session", "end", snapshot_id]) == 0
    assert main(["session", "list"]) == 0
    assert f"before-restore {snapshot_id}  agent codex" in capsys.readouterr().out

    assert main(["session", "restore", before_id, "--all"]) == 0
    assert files(repo.path) == agent_files
    assert index_entries(repo) == agent_index
    assert repo.out("rev-parse", "HEAD") == head
    assert repo.git("stash", "list").stdout == stash


def files_of_snapshot(repo: GitRepo, snapshot_id: str) -> dict[str, tuple[object, ...]]:
    """The snapshot's work tree, checked out elsewhere by git itself."""
    elsewhere = repo.path.parent / f"checkout-{snapshot_id}"
    elsewhere.mkdir()
    env = {"GIT_INDEX_FILE": str(elsewhere.parent / f"index-{snapshot_id}")}
    repo.git("read-tree", REF + snapshot_id, env=env)
    repo.git("checkout-index", "-a", f"--prefix={elsewhere}/", env=env)
    return files(elsewhere)


def test_restore_named_paths_relative_to_the_current_directory(
    worked: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, snapshot_id = worked
    monkeypatch.chdir(repo.path / "docs")
    assert main(["session", "restore", "--dry-run", snapshot_id, "sub", "--", "-dash.md"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        " would bring back docs/-dash.md (deleted since the snapshot)",
        " would remove docs/sub/deep/created.md (created since the snapshot)",
        "agentowners: dry run: 2 paths would be restored; nothing changed",
    ]
    assert (repo.path / "docs/sub/deep/created.md").exists()
    assert sessions.snapshots()[-1].id == snapshot_id  # a dry run saves nothing
    assert main(["session", "restore", snapshot_id, "missing.md"]) == 2
    assert "not changed since snapshot" in capsys.readouterr().err
    assert main(["session", "restore", snapshot_id, "sub", "--all"]) == 2
    assert "give PATHs or --all, not both" in capsys.readouterr().err
    assert main(["session", "restore", snapshot_id, "../src/mine.py"]) == 0
    assert not (repo.path / "src/mine.py").exists()


def test_restore_never_overwrites_what_no_snapshot_holds(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    busy.write("docs/kept.log", "tracked though ignored\n")
    busy.git("add", "-f", "docs/kept.log")
    busy.commit("force-added")
    snapshot_id = start(capsys)
    busy.git("rm", "-q", "--cached", "docs/kept.log")
    busy.write("docs/kept.log", "now untracked, so ignored\n")
    assert main(["session", "restore", snapshot_id]) == 1
    out = capsys.readouterr().out
    assert "left alone docs/kept.log (an ignored file is there now" in out
    assert (busy.path / "docs/kept.log").read_text() == "now untracked, so ignored\n"


def test_restore_swaps_a_file_and_a_directory_back_and_forth(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    busy.commit("a directory", "docs/dir/one.md", "docs/dir/two.md")
    snapshot_id = start(capsys)
    busy.git("rm", "-rq", "docs/dir")
    busy.write("docs/dir", "now a file\n")
    agent_files = files(busy.path)
    assert main(["session", "restore", snapshot_id]) == 0
    before_id = sessions.snapshots()[-1].id
    assert files(busy.path)["docs/dir/one.md"] == ("file", b"x\n", False)
    assert main(["session", "restore", before_id, "--all"]) == 0
    assert files(busy.path) == agent_files
    capsys.readouterr()
    # only the directory's files named: the file in the way is not removed behind one's back
    assert main(["session", "restore", snapshot_id, "docs/dir/one.md"]) == 1
    assert "left alone docs/dir/one.md ('docs/dir' is a file now" in capsys.readouterr().out
    assert files(busy.path) == agent_files


def test_restore_leaves_submodules_alone(busy: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    inner = GitRepo(busy.path / "docs" / "inner")
    inner.path.mkdir()
    inner.git("init", "-q")
    inner.commit("one", "a.txt")
    busy.git("add", "docs/inner")  # recorded as a submodule commit (a gitlink)
    busy.commit("embed")
    snapshot_id = start(capsys)
    inner.commit("two", "b.txt")
    assert main(["session", "end"]) == 1
    assert table(capsys.readouterr().out)["docs/inner"][1:] == ("modified", "OUT OF SCOPE")
    assert main(["session", "restore", snapshot_id]) == 1
    assert "left alone docs/inner (a submodule" in capsys.readouterr().out
    assert (inner.path / "b.txt").exists()


def test_restore_never_deletes_ignored_files_in_a_directory_in_the_way(
    busy: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    busy.commit("a file", "docs/f")
    snapshot_id = start(capsys)
    busy.git("rm", "-q", "docs/f")
    busy.write("docs/f/inner.md", "made by the agent\n")
    busy.write("docs/f/trace.log", "ignored\n")
    assert main(["session", "restore", snapshot_id, "docs/f"]) == 1
    out = capsys.readouterr().out
    assert " removed docs/f/inner.md (created since the snapshot)" in out
    assert "left alone docs/f (a directory is there now, holding 'docs/f/trace.log')" in out
    assert (busy.path / "docs/f/trace.log").read_text() == "ignored\n"


def test_a_restore_that_fails_part_way_can_be_undone(
    worked: tuple[GitRepo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, snapshot_id = worked
    agent_files, agent_index = files(repo.path), index_entries(repo)
    lock = repo.path / ".git" / "index.lock"
    lock.write_text("")  # another git process is writing the index
    assert main(["session", "restore", snapshot_id]) == 2
    error = capsys.readouterr().err
    assert "the restore stopped part way" in error
    undo = error.split("`")[1]
    assert undo.startswith("agentowners session restore ")
    assert undo.endswith(" --all")
    lock.unlink()
    assert main(undo.split()[1:]) == 0
    assert files(repo.path) == agent_files
    assert index_entries(repo) == agent_index


def test_restore_with_nothing_to_do(busy: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    snapshot_id = start(capsys)
    busy.write("src/fine.py")
    assert main(["session", "restore", snapshot_id]) == 0
    assert "nothing to restore" in capsys.readouterr().out
    assert [s.id for s in sessions.snapshots()] == [snapshot_id]


def test_start_during_a_conflict(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.init_policy()
    repo.commit("one", "docs/a.md", content="one\n")
    repo.git("switch", "-qc", "other", "HEAD~")
    repo.commit("two", "docs/a.md", content="two\n")
    assert repo.git("merge", "-q", "main", check=False).returncode == 1
    snapshot_id = start(capsys, "--agent", "codex")
    assert repo.out("rev-list", "--parents", "-n1", REF + snapshot_id).count(" ") == 1
    assert "Staged: (none)" in repo.out("log", "-1", "--format=%B", REF + snapshot_id)
    repo.write("docs/a.md", "resolved by the agent\n")
    assert main(["session", "restore", snapshot_id]) == 0
    assert "the index was mid-conflict" in capsys.readouterr().out
    assert "<<<<<<<" in (repo.path / "docs/a.md").read_text()
    assert repo.out("ls-files", "--unmerged", "docs/a.md")  # the conflict is still there


def test_list_prune_gc_and_push(busy: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [start(capsys) for _ in range(3)]
    assert main(["session", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == ids
    assert "start  agent codex  branch codex/parser" in listed[0]
    assert listed[0].endswith("this work tree")

    busy.git("gc", "-q", "--prune=now")
    assert busy.out("show", f"{REF}{ids[0]}:src/untracked.py") == "new"

    remote = busy.path.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    busy.git("remote", "add", "origin", str(remote))
    busy.git("tag", "v1")
    for push in (["codex/parser"], ["--all"], ["--tags"]):
        busy.git("push", "-q", "origin", *push)
    remote_refs = GitRepo(remote).out("for-each-ref", "--format=%(refname)").split()
    assert remote_refs == ["refs/heads/codex/parser", "refs/heads/main", "refs/tags/v1"]
    clone = busy.path.parent / "clone"
    subprocess.run(["git", "clone", "-q", str(busy.path), str(clone)], check=True)
    assert "refs/agentowners" not in GitRepo(clone).out("for-each-ref")
    busy.git("push", "-q", "--mirror", "origin")  # a mirror sends every ref: documented
    assert "refs/agentowners/sessions/" in GitRepo(remote).out("for-each-ref")

    assert main(["session", "prune", "--keep", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"deleted {ids[0]}",
        f"deleted {ids[1]}",
        "agentowners: deleted 2 snapshots (--keep 1)",
    ]
    assert [s.id for s in sessions.snapshots()] == ids[2:]
    assert main(["session", "prune", "--keep", "-1"]) == 2
    assert main(["session", "prune", "--keep", "0"]) == 0
    assert main(["session", "list"]) == 0
    assert "no session snapshots" in capsys.readouterr().out


# --- property: restore, then undo, whatever the agent did to whatever files ---

_COMPONENT = st.text(alphabet=list("ab -*?[]:'\"\\\tñ€\n"), min_size=1, max_size=4).filter(
    lambda name: name not in {".", ".."}
)
_PATH = st.lists(_COMPONENT, min_size=1, max_size=2).map(lambda parts: "docs/" + "/".join(parts))
_ENTRY = st.one_of(
    st.tuples(st.just("file"), st.binary(max_size=12), st.booleans()),
    st.tuples(st.just("symlink"), st.sampled_from(["target", "../x", "a b"])),
)


def _tree(paths: dict[str, tuple[object, ...]]) -> bool:
    """A set of files a file system can hold: no path is also another's directory."""
    return not any(other.startswith(path + "/") for path in paths for other in paths)


_STATE = st.dictionaries(_PATH, _ENTRY, max_size=5).filter(_tree)


def _write_state(top: Path, state: dict[str, tuple[object, ...]]) -> None:
    shutil.rmtree(top / "docs", ignore_errors=True)
    for path, entry in state.items():
        full = top / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if entry[0] == "symlink":
            full.symlink_to(str(entry[1]))
        else:
            full.write_bytes(bytes(entry[1]))  # type: ignore[arg-type]
            full.chmod(0o755 if entry[2] else 0o644)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=_STATE, after=_STATE, stage=st.booleans())
def test_restore_and_undo_round_trip(
    before: dict[str, tuple[object, ...]],
    after: dict[str, tuple[object, ...]],
    stage: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    top = tmp_path_factory.mktemp("prop")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    repo = GitRepo(top)
    cwd = os.getcwd()
    os.chdir(top)
    try:
        repo.init_policy()
        repo.git("switch", "-qc", "codex/x")
        _write_state(top, before)
        repo.commit("before")
        snapshot = sessions.take(sessions.START, "codex")
        _write_state(top, after)
        if stage:
            repo.git("add", "--all")
        agent_files, agent_index = files(top), index_entries(repo)
        result = sessions.restore(snapshot, [])
        assert {p: e for p, e in files(top).items() if p.startswith("docs")} == files_of(before)
        assert repo.out("status", "--porcelain") == ""  # the index is as it was, too
        if result.before is not None:
            sessions.restore(result.before, [], every=True)
        assert files(top) == agent_files
        assert index_entries(repo) == agent_index
    finally:
        os.chdir(cwd)


def files_of(state: dict[str, tuple[object, ...]]) -> dict[str, tuple[object, ...]]:
    return {
        path: entry if entry[0] == "symlink" else ("file", entry[1], entry[2])
        for path, entry in state.items()
    }
