"""Which git command is running the hook: is it an `--amend`? Does it strip comments?

git tells its commit hooks nothing about an amend: `prepare-commit-msg`
gets `commit HEAD` for `--amend` and for `-C HEAD` alike, and only
`message` for `--amend -m MSG`; `pre-commit` and `commit-msg` get no hint
at all. Nor does it tell them how it will clean the message up once they
ran. So, like overcommit (sds/overcommit `amendment?`), we read the
command line of the git process that runs the hook: the nearest ancestor
process that is git. Where no process table can be read, the commit is
taken as no amend: it is then judged on what it adds to HEAD, and the push
and CI checks still judge the whole commit.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterator, Sequence

from agentowners import gitcmd

# How far up the process tree git may be: git -> pre-commit's hook script
# (which execs python) -> the hook; a wrapper shell or two on top of that.
_MAX_DEPTH = 8
# git's global options that take their value as the next argument.
_GLOBAL_WITH_VALUE = frozenset(
    {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env"}
)
# `git commit` options whose value may be the next argument (so that
# `git commit -m --amend` is a message, not an amend).
_SHORT_WITH_VALUE = frozenset("mFCct")
_LONG_WITH_VALUE = frozenset(
    {
        "--message",
        "--file",
        "--reuse-message",
        "--reedit-message",
        "--template",
        "--author",
        "--date",
        "--cleanup",
        "--fixup",
        "--squash",
        "--trailer",
        "--pathspec-from-file",
    }
)
_ALIAS_DEPTH = 5


def _linux_process(pid: int) -> tuple[list[str], int] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [os.fsdecode(arg) for arg in f.read().split(b"\0")[:-1]]
        with open(f"/proc/{pid}/stat", "rb") as f:
            # The command name in parentheses may itself contain spaces and ")".
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return None
    return argv, int(fields[1])


def _ps_process(pid: int) -> tuple[list[str], int] | None:
    import subprocess  # where there is no /proc only: it costs a commit 3 ms

    try:
        out = subprocess.run(
            ("ps", "-o", "ppid=", "-o", "args=", "-p", str(pid)),
            capture_output=True,
            check=False,
        ).stdout
    except OSError:
        return None
    ppid, _, args = os.fsdecode(out).strip().partition(" ")
    if not ppid.isdigit():
        return None
    # ps joins the arguments with blanks; good enough to find options.
    return args.split(), int(ppid)


def git_command_line() -> list[str] | None:
    """The argv of the git process that runs this hook, None when it cannot be found."""
    if sys.platform == "win32":  # pragma: no cover - no process table to read
        return None
    read = _linux_process if os.path.isdir("/proc/self") else _ps_process
    pid = os.getppid()
    for _ in range(_MAX_DEPTH):
        if pid <= 1:
            return None
        process = read(pid)
        if process is None:
            return None
        argv, pid = process
        if argv and os.path.basename(argv[0]) in {"git", "git.exe"}:
            return argv
    return None


def _subcommand(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """(sub-command, its arguments) of a git command line."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_WITH_VALUE:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg, list(argv[i + 1 :])
    return None


def _alias(name: str) -> list[str] | None:
    result = gitcmd.run("config", "--get", f"alias.{name}")
    value = gitcmd.decode(result.out).strip()
    if result.code or not value or value.startswith("!"):
        return None  # a shell alias runs a git process of its own, found as such
    try:
        return shlex.split(value)
    except ValueError:
        return None


def _amend_option(option: str) -> bool | None:
    """True for `--amend` (or a prefix git accepts), False for `--no-amend`, else None."""
    name = option.partition("=")[0]
    if len(name) >= 4 and "--amend".startswith(name):
        return True
    if len(name) >= 7 and "--no-amend".startswith(name):
        return False
    return None


def _command(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """(sub-command, its arguments) of a git command line, aliases followed."""
    found = _subcommand(argv)
    for _ in range(_ALIAS_DEPTH):
        if found is None or found[0] in {"commit", "merge", "cherry-pick", "revert", "rebase"}:
            break
        expansion = _alias(found[0])
        found = (expansion[0], expansion[1:] + found[1]) if expansion else None
    return found


def _long_options(args: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """(option, value) of each long option of `git commit`-like arguments, up to `--`.

    The values of options that take one are skipped over, so that
    `git commit -m --amend` is a message, not an amend.
    """
    arguments = iter(args)
    for arg in arguments:
        if arg == "--":
            break
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if not equals and name in _LONG_WITH_VALUE:
                yield name, next(arguments, None)
            else:
                yield name, value if equals else None
        elif arg.startswith("-"):
            # A cluster of short options; one that takes a value ends it.
            for position, letter in enumerate(arg[1:], start=2):
                if letter in _SHORT_WITH_VALUE:
                    if position == len(arg):
                        next(arguments, None)
                    break


def amends(argv: Sequence[str]) -> bool:
    """Whether this git command line is a `git commit --amend` (aliases followed)."""
    found = _command(argv)
    if found is None or found[0] != "commit":
        return False
    amend = False
    for name, _ in _long_options(found[1]):
        verdict = _amend_option(name)
        if verdict is not None:
            amend = verdict
    return amend


def cleanup_option(argv: Sequence[str]) -> str | None:
    """The last `--cleanup=MODE` of a git command line (commit, merge, cherry-pick...)."""
    found = _command(argv)
    mode = None
    for name, value in _long_options(found[1] if found else []):
        if len(name) >= 4 and "--cleanup".startswith(name):
            mode = value
    return mode


def is_amend() -> bool:
    """Whether the commit being made replaces HEAD (`git commit --amend`)."""
    argv = git_command_line()
    return argv is not None and amends(argv)


def strips_comments(*, editor: bool) -> bool:
    """Whether git will delete comment lines from the message once the hooks ran.

    git's rule (`get_cleanup_mode` in sequencer.c, for commit, merge,
    cherry-pick and revert alike): the command's `--cleanup=MODE`, else
    `commit.cleanup`, else "default"; "strip" deletes them, and so does
    "default" when an editor opens (`editor`). Costs a look at the process
    table and maybe a git call.
    """
    argv = git_command_line()
    mode = cleanup_option(argv) if argv else None
    if mode is None:
        result = gitcmd.run("config", "--get", "commit.cleanup")
        mode = gitcmd.decode(result.out).strip() or "default"
    return mode == "strip" or (mode == "default" and editor)
