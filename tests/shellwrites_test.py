from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentowners.shellwrites import Target, analyse, diff_paths

CWD = "/repo"


def written(command: str, cwd: str | None = CWD) -> list[str]:
    return [target.path for target in analyse(command, cwd).targets]


@pytest.mark.parametrize(
    ("command", "paths"),
    [
        ("echo x > f", ["/repo/f"]),
        ("echo x >> logs/a.log", ["/repo/logs/a.log"]),
        ("make 2>err.txt >|out.txt", ["/repo/err.txt", "/repo/out.txt"]),
        ("build &> all.log", ["/repo/all.log"]),
        ("cat a | tee -a b c", ["/repo/b", "/repo/c"]),
        ("sed -i 's/a/b/' x y", ["/repo/x", "/repo/y"]),
        ("sed -i.bak -e 's/a/b/' x", ["/repo/x"]),
        ("sed -i '' 's/a/b/' x", ["/repo/x"]),
        ("sed --in-place=.orig 's/a/b/' x", ["/repo/x"]),
        ("cp a b", ["/repo/b"]),
        ("cp -r a b dir/", ["/repo/dir/a", "/repo/dir/b"]),
        ("cp -t dest a b", ["/repo/dest/a", "/repo/dest/b"]),
        ("mv old new", ["/repo/old", "/repo/new"]),
        ("ln -sf ../src docs/link", ["/repo/docs/link"]),
        ("rm -rf build dist", ["/repo/build", "/repo/dist"]),
        ("touch -d yesterday a", ["/repo/a"]),
        ("mkdir -p -m 755 a/b", ["/repo/a/b"]),
        ("git checkout HEAD~1 -- src/a.py", ["/repo/src/a.py"]),
        ("git restore --source=HEAD --staged -- b", ["/repo/b"]),
        ("git restore -s HEAD c", ["/repo/c"]),
        ("git -C sub checkout -- x", ["/repo/sub/x"]),
        ("cd docs && echo x > a.md", ["/repo/docs/a.md"]),
        ("cd /elsewhere; touch a", ["/elsewhere/a"]),
        ("(cd docs; touch a) && touch b", ["/repo/docs/a", "/repo/b"]),
        ("echo $(touch inner) > outer", ["/repo/inner", "/repo/outer"]),
        ("bash -lc 'echo x > nested'", ["/repo/nested"]),
        ("sudo -u root rm x", ["/repo/x"]),
        ("env A=1 timeout 5 touch y", ["/repo/y"]),
        ("ls\nrm z", ["/repo/z"]),
        (
            "cat > out.py <<'EOF'\nprint(1) > not_a_target\nEOF\ntouch after",
            ["/repo/out.py", "/repo/after"],
        ),
    ],
)
def test_write_targets(command: str, paths: list[str]) -> None:
    assert written(command) == paths


def test_deletes_and_moves_affect_the_entry_not_a_symlink_target() -> None:
    (moved, moved_to, removed) = (*analyse("mv a b", CWD).targets, *analyse("rm c", CWD).targets)
    assert not moved.follow
    assert not moved_to.follow
    assert not removed.follow
    assert removed.recursive
    assert analyse("echo x > d", CWD).targets[0].follow


@pytest.mark.parametrize(
    ("command", "switch"),
    [
        ("git commit --no-verify -m x", "--no-verify"),
        ("git commit --no-veri -m x", "--no-veri"),
        ("git commit -n -m x", "-n"),
        ("git commit -anm x", "-n"),
        ("git commit -s --no-verify", "--no-verify"),
        ("git push --no-verify origin main", "--no-verify"),
        ("git merge --no-verify topic", "--no-verify"),
        ("git -c core.hooksPath=/dev/null commit -m x", "core.hooksPath"),
        ("git --config-env=core.hooksPath=HOOKS commit", "core.hooksPath"),
        ("git config core.hooksPath /tmp/nothing", "core.hooksPath"),
        ("git config --local core.hookspath x", "core.hooksPath"),
        ("git config --unset core.hooksPath", "core.hooksPath"),
        ("git config set core.hooksPath x", "core.hooksPath"),
        ("GIT_CONFIG_PARAMETERS=\"'core.hooksPath'='/x'\" git commit", "core.hooksPath"),
        ("SKIP=check-agent-scope,check-agent-trailer git commit -m x", "SKIP="),
        ("git update-ref refs/heads/main HEAD~1", "update-ref"),
        ("cd sub && /usr/bin/git commit --no-verify", "--no-verify"),
        ("sh -c 'git commit -n'", "-n"),
    ],
)
def test_gate_switches_are_named(command: str, switch: str) -> None:
    switches = analyse(command, CWD).switches
    assert len(switches) == 1
    assert switch in switches[0]


@pytest.mark.parametrize(
    "command",
    [
        "ls",
        "ls -la src",
        "git status",
        "git log --oneline | head -5",
        "git diff --stat",
        "git commit -m 'mention --no-verify in docs'",
        "git commit -m --no-verify",
        "git commit -mn",
        "git push -n origin main",  # -n is --dry-run for push
        "git config --get core.hooksPath",
        "git config core.hooksPath",
        "git apply --check fix.patch",
        "pytest -q",
        "python -c 'import sys; print(sys.version)'",
        "python -c \"open('x','w')\"",  # Python's own writes are not shell syntax
        "cd sub && make",
        "grep -rn core.hooksPath .",
        'echo "a > b"',
        "make 2>&1 | less",
        "echo oops >&2",
        "sed 's/a/b/' file",
        "cat <<EOF\nrm -rf / > x\nEOF",
        "git checkout main",
        "cp onlyone",
        "echo 'unbalanced",
    ],
)
def test_everyday_commands_write_nothing_and_switch_nothing(command: str) -> None:
    assert analyse(command, CWD) == ((), ())


def test_words_only_the_shell_knows_are_no_targets() -> None:
    assert written('echo x > "$OUT"; cp a `pwd`/b; touch {a,b}.txt') == []


def test_without_a_known_directory_relative_paths_are_skipped() -> None:
    assert written("cd $SOMEWHERE && touch a && touch /abs") == ["/abs"]
    assert analyse("touch a", None).targets == ()
    assert written("cd - && touch a") == []


def test_globs_are_matched_against_the_work_tree(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("")
    (tmp_path / "b.md").write_text("")
    assert written("rm *.md", str(tmp_path)) == [str(tmp_path / "a.md"), str(tmp_path / "b.md")]


def test_git_apply_reads_the_paths_of_its_patch(tmp_path: Path) -> None:
    (tmp_path / "fix.patch").write_text(
        "diff --git a/src/a.py b/src/b.py\n"
        "similarity index 90%\n"
        "rename from src/a.py\n"
        "rename to src/b.py\n"
        "--- a/src/a.py\n"
        "+++ b/src/b.py\n"
        "@@ -1 +1 @@\n"
        "-x\n"
        "+y\n"
        "--- /dev/null\n"
        "+++ b/docs/new.md\t2026-01-01\n"
    )
    targets = analyse("git apply --index fix.patch", str(tmp_path)).targets
    assert targets == tuple(
        Target(path, follow=False, root_relative=True)
        for path in ("src/a.py", "src/b.py", "docs/new.md")
    )
    assert analyse("git apply missing.patch", str(tmp_path)).targets == ()
    assert analyse("git apply < fix.patch", str(tmp_path)).targets == ()


def test_diff_paths_strip_components() -> None:
    assert diff_paths("--- x/y/z.py\n+++ x/y/z.py\n", strip=2) == ["z.py"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_analysed_without_raising(command: str) -> None:
    analyse(command, CWD)
