"""Commit-time checks through real `git commit`, with the hooks installed as plain git hooks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agentowners.cli import main
from tests.gitrepo import POLICY, GitRepo, install_native_hooks

CODEX = {"CODEX_SANDBOX": "seatbelt"}
CLAUDE = {"CLAUDECODE": "1"}


@pytest.fixture
def hooked(repo: GitRepo) -> GitRepo:
    """The standard policy committed on main by a human, then the hooks installed."""
    repo.commit("readme", "README.md", "docs/guide.md", ".github/ci.yml", "src/app.py")
    repo.init_policy()
    install_native_hooks(repo)
    return repo


def attempt(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Run a git command that commits; (whether HEAD moved, everything it printed)."""
    before = repo.git("rev-parse", "--verify", "-q", "HEAD", check=False).stdout
    result = repo.git(*args, env=env, check=False)
    after = repo.git("rev-parse", "--verify", "-q", "HEAD", check=False).stdout
    moved = before != after
    assert moved == (result.returncode == 0), result.stdout + result.stderr
    return moved, result.stdout + result.stderr


def stage(repo: GitRepo, *paths: str, branch: str | None = None) -> None:
    """On a new `branch` (if given), write and stage `paths`."""
    if branch:
        repo.git("switch", "-qc", branch)
    for path in paths:
        repo.write(path)
    repo.git("add", "-A")


def last_trailers(repo: GitRepo) -> str:
    return repo.out("log", "-1", "--format=%(trailers:key=Agent,valueonly)")


def test_in_scope_agent_commit_passes_and_gets_the_trailer(hooked: GitRepo) -> None:
    stage(hooked, "src/parser.py", branch="codex/parser")
    moved, output = attempt(hooked, "commit", "-m", "parser", env=CODEX)
    assert moved, output
    assert last_trailers(hooked) == "codex"


def test_the_trailer_goes_where_git_log_reads_it_past_a_divider(hooked: GitRepo) -> None:
    stage(hooked, "src/parser.py", branch="codex/parser")
    message = "parser\n\nbody\n---\nnotes below a divider"
    moved, output = attempt(hooked, "commit", "-m", message, env=CODEX)
    assert moved, output
    assert last_trailers(hooked) == "codex"


def test_no_verify_does_not_skip_the_prepare_commit_msg_gate(hooked: GitRepo) -> None:
    stage(hooked, "docs/new.md", branch="codex/parser")
    moved, output = attempt(hooked, "commit", "--no-verify", "-m", "docs", env=CODEX)
    assert not moved
    assert "staged: out-of-scope: agent codex on branch codex/parser\n    docs/new.md" in output


@pytest.mark.parametrize(
    ("change", "offending"),
    [
        (["rm", "-q", "docs/guide.md"], "docs/guide.md"),
        (["mv", "docs/guide.md", "src/guide.md"], "docs/guide.md"),
    ],
    ids=["deletion", "rename-out-of-scope-source"],
)
def test_staged_deletions_and_both_sides_of_renames_are_judged(
    hooked: GitRepo, change: list[str], offending: str
) -> None:
    hooked.git("switch", "-qc", "codex/parser")
    hooked.git(*change)
    moved, output = attempt(hooked, "commit", "-m", "move", env=CODEX)
    assert not moved
    assert f"out-of-scope: agent codex on branch codex/parser\n    {offending}\n" in output


def test_first_commit_is_judged_against_the_empty_tree_with_the_index_policy(
    repo: GitRepo,
) -> None:
    install_native_hooks(repo)
    repo.git("switch", "-qc", "codex/init")
    repo.write(".agentowners.toml", POLICY)
    stage(repo, "src/app.py")
    moved, output = attempt(repo, "commit", "-m", "init", env=CODEX)
    assert not moved
    assert "protected-path: agent codex on branch codex/init\n    .agentowners.toml" in output


def test_a_human_first_commit_of_the_policy_passes(repo: GitRepo) -> None:
    install_native_hooks(repo)
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", "-A")
    moved, output = attempt(repo, "commit", "-m", "policy")
    assert moved, output


@pytest.mark.parametrize(
    "command",
    [
        ["commit", "--amend", "--no-edit"],
        ["commit", "--amend", "-m", "docs and ci"],
        ["commit", "--am", "--no-edit"],
        ["-c", "alias.fixup-last=commit --amend", "fixup-last", "--no-edit"],
    ],
    ids=["amend", "amend-with-message", "abbreviated", "alias"],
)
def test_an_amend_is_judged_on_the_whole_amended_commit(
    hooked: GitRepo, command: list[str]
) -> None:
    stage(hooked, ".github/release.yml", branch="claude/docs")
    assert attempt(hooked, "commit", "-m", "release workflow")[0]  # a human may
    stage(hooked, "docs/release.md")
    moved, output = attempt(hooked, *command, env=CLAUDE)
    assert not moved
    assert "protected-path: agent claude-code on branch claude/docs\n    .github/release.yml" in (
        output
    )


def test_reusing_a_message_is_no_amend(hooked: GitRepo) -> None:
    stage(hooked, ".github/release.yml", branch="claude/docs")
    assert attempt(hooked, "commit", "-m", "release workflow")[0]
    stage(hooked, "docs/release.md")
    moved, output = attempt(hooked, "commit", "-C", "HEAD", env=CLAUDE)
    assert moved, output
    assert last_trailers(hooked) == "claude-code"


def test_a_merge_is_judged_on_its_own_edits_only(hooked: GitRepo) -> None:
    hooked.git("switch", "-qc", "claude/docs")
    hooked.git("switch", "-q", "main")
    hooked.commit("human work", "src/engine.py", ".github/deploy.yml")
    hooked.git("switch", "-q", "claude/docs")
    moved, output = attempt(hooked, "merge", "--no-ff", "-m", "merge main", "main", env=CLAUDE)
    assert moved, output
    assert last_trailers(hooked) == "claude-code"


def test_an_evil_merge_is_refused_for_the_paths_it_adds(hooked: GitRepo) -> None:
    hooked.git("switch", "-qc", "claude/docs")
    hooked.git("switch", "-q", "main")
    hooked.commit("human work", "src/engine.py")
    hooked.git("switch", "-q", "claude/docs")
    hooked.git("merge", "--no-ff", "--no-commit", "main")
    stage(hooked, "src/smuggled.py")
    moved, output = attempt(hooked, "commit", "--no-edit", env=CLAUDE)
    assert not moved
    assert "out-of-scope: agent claude-code on branch claude/docs\n    src/smuggled.py\n  " in (
        output
    )
    assert "src/engine.py" not in output


@pytest.mark.parametrize(
    "command", [["commit", "-a", "-m", "docs"], ["commit", "-m", "docs", "--", "docs/guide.md"]]
)
def test_commit_all_and_commit_paths_judge_gits_own_index(
    hooked: GitRepo, command: list[str]
) -> None:
    hooked.git("switch", "-qc", "codex/parser")
    hooked.write("docs/guide.md", "rewritten\n")
    moved, output = attempt(hooked, *command, env=CODEX)
    assert not moved
    assert "out-of-scope: agent codex on branch codex/parser\n    docs/guide.md" in output


def test_a_linked_worktree_runs_the_same_checks(hooked: GitRepo, tmp_path: Path) -> None:
    hooked.git("worktree", "add", "-q", "-b", "codex/wt", str(tmp_path / "wt"))
    worktree = GitRepo(tmp_path / "wt")
    stage(worktree, "docs/new.md")
    moved, output = attempt(worktree, "commit", "-m", "docs", env=CODEX)
    assert not moved
    assert "out-of-scope: agent codex on branch codex/wt" in output
    worktree.git("rm", "-q", "--cached", "docs/new.md")
    worktree.write("src/new.py")
    worktree.git("add", "src/new.py")
    assert attempt(worktree, "commit", "-m", "code", env=CODEX)[0]


def test_a_detached_head_is_judged_without_a_branch(hooked: GitRepo) -> None:
    hooked.git("switch", "-q", "--detach")
    stage(hooked, "src/new.py")
    moved, output = attempt(hooked, "commit", "-m", "code", env=CODEX)
    assert moved, output  # lands on no branch; pushing it is checked against its destination
    stage(hooked, "docs/new.md")
    moved, output = attempt(hooked, "commit", "-m", "docs", env=CODEX)
    assert not moved
    assert "out-of-scope: agent codex on branch (detached HEAD)" in output


def test_during_a_rebase_the_branch_being_rebased_decides(hooked: GitRepo) -> None:
    hooked.commit("human", "src/more.py")
    editor = {"GIT_SEQUENCE_EDITOR": "sed -i -e 's/^pick/edit/'"}
    hooked.git("rebase", "-q", "-i", "HEAD~1", env=editor)
    assert hooked.git("symbolic-ref", "-q", "HEAD", check=False).returncode != 0  # detached
    stage(hooked, "src/extra.py")
    moved, output = attempt(hooked, "commit", "-m", "extra", env=CODEX)
    assert not moved
    assert "foreign-agent: agent codex on branch main" in output
    hooked.git("rebase", "--abort")


@pytest.mark.parametrize(
    "conclude", [("commit", "--no-edit"), ("rebase", "--continue")], ids=["commit", "continue"]
)
def test_a_conflicted_rebase_is_concluded_on_the_branch_being_rebased(
    hooked: GitRepo, conclude: tuple[str, ...]
) -> None:
    """`git rebase main` stops at a conflict with HEAD detached: the rebased branch decides.

    `git rebase --continue` commits with `git commit -n -e`: only prepare-commit-msg
    runs, before an editor, so it judges the staged change for the running agent.
    """
    hooked.git("switch", "-qc", "codex/parser")
    hooked.commit("parser\n\nAgent: codex", "src/app.py", content="codex\n")
    hooked.git("switch", "-q", "main")
    hooked.commit("human fix", "src/app.py", content="human\n")
    hooked.git("switch", "-q", "codex/parser")
    assert hooked.git("rebase", "main", env=CODEX, check=False).returncode != 0  # the conflict
    assert hooked.git("symbolic-ref", "-q", "HEAD", check=False).returncode != 0  # detached
    hooked.write("src/app.py", "both\n")
    hooked.git("add", "src/app.py")
    no_editor = {"GIT_EDITOR": "true"}
    moved, output = attempt(hooked, *conclude, env={**CLAUDE, **no_editor})
    assert not moved
    assert "foreign-agent: agent claude-code on branch codex/parser" in output
    moved, output = attempt(hooked, *conclude, env={**CODEX, **no_editor})
    assert moved, output
    hooked.git("rebase", "--continue", env=no_editor, check=conclude[0] == "commit")
    assert hooked.out("rev-parse", "codex/parser~1") == hooked.out("rev-parse", "main")
    assert last_trailers(hooked) == "codex"


def test_cherry_picking_another_agents_commit_is_foreign(hooked: GitRepo) -> None:
    """The replayed commit keeps its `Agent: claude-code`: codex committing it is
    foreign-agent (SPEC §3), as CI would judge it; codex commits it under its own name."""
    hooked.git("switch", "-qc", "claude/docs")
    stage(hooked, "src/helper.py")
    # Made where no hook runs: claude-code's scope would not allow src/ either.
    hooked.git("-c", "core.hooksPath=/dev/null", "commit", "-qm", "helper\n\nAgent: claude-code")
    picked = hooked.out("rev-parse", "HEAD")
    hooked.git("switch", "-qc", "codex/parser", "main")
    moved, output = attempt(hooked, "cherry-pick", picked, env=CODEX)
    assert not moved
    assert "foreign-agent: agent codex on branch codex/parser" in output
    assert "says codex is committing, but the message names 'claude-code'" in output
    moved, output = attempt(hooked, "commit", "-m", "port the helper\n\nAgent: codex", env=CODEX)
    assert moved, output
    assert hooked.out("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD") == "src/helper.py"


def test_cherry_pick_continue_after_a_conflict_is_judged(hooked: GitRepo) -> None:
    hooked.git("switch", "-qc", "codex/old")
    picked = hooked.commit("old parser\n\nAgent: codex", "src/app.py", content="old\n")
    hooked.git("switch", "-qc", "codex/parser", "main")
    hooked.commit("new parser\n\nAgent: codex", "src/app.py", content="new\n")
    assert hooked.git("cherry-pick", picked, env=CODEX, check=False).returncode != 0
    hooked.write("src/app.py", "merged\n")
    stage(hooked, "docs/smuggled.md")
    moved, output = attempt(hooked, "cherry-pick", "--continue", env=CODEX)
    assert not moved
    assert "out-of-scope: agent codex on branch codex/parser\n    docs/smuggled.md\n" in output
    hooked.git("rm", "-q", "--cached", "docs/smuggled.md")
    moved, output = attempt(hooked, "cherry-pick", "--continue", env=CODEX)
    assert moved, output
    assert last_trailers(hooked) == "codex"


def test_a_human_on_an_agent_only_branch_is_held_to_the_executor(hooked: GitRepo) -> None:
    hooked.git("switch", "-qc", "codex/parser")
    hooked.write(".github/ci.yml", "changed\n")
    hooked.git("add", "-A")
    moved, output = attempt(hooked, "commit", "-m", "ci")
    assert not moved
    assert "protected-path: agent codex on branch codex/parser" in output
    hooked.git("reset", "-q", "--hard")
    stage(hooked, "src/parser.py")
    moved, output = attempt(hooked, "commit", "-m", "parser")
    assert not moved
    assert "human-not-allowed: agent human on branch codex/parser" in output


def test_the_message_is_judged_only_once_final(hooked: GitRepo, tmp_path: Path) -> None:
    """With an editor still to open, prepare-commit-msg leaves the message to commit-msg."""
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "parser\\n\\nAgent: codex\\n" > "$1"\n')
    editor.chmod(0o755)
    stage(hooked, "src/parser.py", branch="codex/parser")
    moved, output = attempt(hooked, "commit", env={"GIT_EDITOR": str(editor)})
    assert moved, output
    assert last_trailers(hooked) == "codex"


STRIP = ("--cleanup=strip",)


@pytest.mark.parametrize(
    ("message", "options", "refused"),
    [
        ("# notes\n\nparser\n\nAgent: codex\n", STRIP, None),
        ("# notes\n\nAgent: codex\n", STRIP, None),  # the trailer would become the subject
        ("# notes\n\nAgent: codex\n", ("--cleanup=whitespace",), None),  # kept: a trailer
        ("parser\n\nAgent: codex\n\n# Conflicts:\n#\tsrc/app.py\n", STRIP, None),
        ("# notes\n\nAgent: codex\n", ("-c", "commit.cleanup=strip"), None),
        # Without the comment the next line continues the trailer's value.
        ("parser\n\nAgent: codex\n# notes\n  continued\n", STRIP, "agent codex continued"),
    ],
    ids=[
        "comment-before-subject",
        "comment-before-trailer",
        "whitespace-keeps-comments",
        "conflicts-block",
        "commit.cleanup",
        "comment-inside-trailer",
    ],
)
def test_the_message_is_judged_as_git_will_store_it(
    hooked: GitRepo, tmp_path: Path, message: str, options: tuple[str, ...], refused: str | None
) -> None:
    """git deletes comment lines after the hooks ran (`--cleanup=strip`): the hooks judge
    the message as stored and put the trailer where it stays, so CI agrees."""
    stage(hooked, "src/parser.py", branch="codex/parser")
    file = tmp_path / "message"
    file.write_text(message)
    git_options, commit_options = (options, ()) if options[0] == "-c" else ((), options)
    moved, output = attempt(
        hooked, *git_options, "commit", "-F", str(file), *commit_options, env=CODEX
    )
    if refused:
        assert not moved
        assert f"unknown-agent: {refused} on branch codex/parser" in output
        return
    assert moved, output
    assert last_trailers(hooked) == "codex"
    assert main(["check-range", "main..HEAD"]) == 0


@pytest.mark.parametrize(
    ("editor", "refused"),
    [
        # The trailer typed below a comment would become the subject: no trailer.
        ("printf '# notes\\n\\nAgent: codex\\n' > \"$1\"", True),
        # `git commit -v`: the diff below the scissors line is cut off, not read as text.
        ('printf \'fix\\n\\n\' | cat - "$1" > "$1.new"; mv "$1.new" "$1"', False),
    ],
    ids=["comment-before-trailer", "verbose"],
)
def test_an_edited_message_is_judged_as_git_will_store_it(
    hooked: GitRepo, tmp_path: Path, editor: str, refused: bool
) -> None:
    """With an editor git's default cleanup strips comments (and with -v, the diff)."""
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\n{editor}\n")
    script.chmod(0o755)
    stage(hooked, "src/parser.py", branch="codex/parser")
    moved, output = attempt(hooked, "commit", "-v", env={**CODEX, "GIT_EDITOR": str(script)})
    assert moved is not refused, output
    if refused:
        assert "missing-trailer: agent codex on branch codex/parser" in output
    else:
        assert hooked.out("log", "-1", "--format=%B") == "fix\n\nAgent: codex"


def test_the_policy_comes_from_head_not_from_the_change(hooked: GitRepo) -> None:
    hooked.git("switch", "-qc", "codex/parser")
    hooked.write(".agentowners.toml", POLICY.replace('"src/**", "tests/**"', '"**"'))
    stage(hooked, "docs/new.md")
    moved, output = attempt(hooked, "commit", "-m", "widen", env=CODEX)
    assert not moved
    assert "protected-path: agent codex on branch codex/parser\n    .agentowners.toml" in output
    assert "out-of-scope: agent codex on branch codex/parser\n    docs/new.md" in output


def test_another_agents_trailer_is_kept_and_refused(hooked: GitRepo) -> None:
    stage(hooked, "src/parser.py", branch="codex/parser")
    moved, output = attempt(
        hooked, "commit", "-m", "parser\n\nAgent: claude-code", "--no-verify", env=CODEX
    )
    assert not moved
    assert "foreign-agent: agent codex on branch codex/parser" in output
    message = (hooked.path / ".git" / "COMMIT_EDITMSG").read_text()
    assert "Agent: claude-code" in message
    assert "Agent: codex" not in message


def test_without_a_policy_the_hooks_pass_with_one_line(repo: GitRepo) -> None:
    repo.commit("readme", "README.md")
    install_native_hooks(repo)
    stage(repo, "docs/new.md")
    moved, output = attempt(repo, "commit", "-m", "docs", env=CODEX)
    assert moved
    assert "agentowners: no .agentowners.toml at HEAD: nothing to check" in output


def test_a_bad_policy_at_head_refuses_every_commit(repo: GitRepo) -> None:
    repo.init_policy(POLICY.replace("version = 1", "version = 2"))
    install_native_hooks(repo)
    stage(repo, "README.md")
    moved, output = attempt(repo, "commit", "-m", "readme")
    assert not moved
    assert ".agentowners.toml:1: version must be 1 (got 2)" in output


def test_an_agent_cannot_pass_as_human_by_environment(hooked: GitRepo) -> None:
    stage(hooked, "docs/new.md")
    moved, output = attempt(
        hooked, "commit", "-m", "docs", env={**CODEX, "AGENTOWNERS_AGENT": "human"}
    )
    assert not moved
    assert "foreign-agent: agent codex on branch main" in output


def test_git_runs_the_hooks_from_a_subdirectory(hooked: GitRepo) -> None:
    stage(hooked, "docs/new.md", branch="codex/parser")
    result = subprocess.run(
        ["git", "commit", "-m", "docs"],
        cwd=hooked.path / "docs",
        env={**dict(__import__("os").environ), **CODEX},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "out-of-scope: agent codex on branch codex/parser\n    docs/new.md" in result.stderr


LIMITED = """\
version = 1
[agents.codex]
scope = ["src/**"]
max_files = 3
{limit}
[[branch]]
pattern = "codex/**"
executor = "codex"
"""


def diff_index_calls(trace: Path) -> list[str]:
    return [line for line in trace.read_text().splitlines() if " diff-index --cached " in line]


@pytest.mark.parametrize(
    ("limit", "lines_counted"),
    [
        ("max_lines = 3", True),
        ("# max_lines: none yet", False),  # the raw text guesses a numstat diff; wrongly
        ("", False),
    ],
)
def test_the_diff_begun_early_is_used_only_when_it_is_the_one_needed(
    repo: GitRepo, tmp_path: Path, limit: str, lines_counted: bool
) -> None:
    """Each commit-time hook begins `git diff-index --cached HEAD` before loading the
    engine; it is used when the policy asks for that very diff, else run again."""
    repo.init_policy(LIMITED.format(limit=limit))
    install_native_hooks(repo)
    stage(repo, "src/a.py", branch="codex/a")
    repo.write("src/b.py", "1\n2\n3\n4\n")
    repo.git("add", "-A")
    trace = tmp_path / "trace"
    moved, output = attempt(repo, "commit", "-m", "a", env={**CODEX, "GIT_TRACE": str(trace)})
    assert moved != lines_counted, output
    assert ("too-many-lines" in output) == lines_counted
    guessed_right = ("max_lines" in limit) == lines_counted
    hooks_run = 3 if moved else 1  # a refusal at pre-commit stops the commit there
    # One diff per hook when the early one was right, two when it was not.
    assert len(diff_index_calls(trace)) == hooks_run * (1 if guessed_right else 2)


def test_an_amend_does_not_take_the_diff_begun_against_head(
    hooked: GitRepo, tmp_path: Path
) -> None:
    stage(hooked, "src/a.py", branch="codex/a")
    assert attempt(hooked, "commit", "-m", "a", env=CODEX)[0]
    hooked.write("src/a.py", "changed\n")
    hooked.git("add", "-A")
    trace = tmp_path / "trace"
    env = {**CODEX, "GIT_TRACE": str(trace)}
    moved, output = attempt(hooked, "commit", "--amend", "-m", "a, amended", env=env)
    assert moved, output
    parent = hooked.out("rev-parse", "HEAD~1")
    against = [call.split()[-2] for call in diff_index_calls(trace)]
    assert against.count(parent) == 3  # the amended commit's whole change, in each hook
