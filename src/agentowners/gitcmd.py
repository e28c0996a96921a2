"""The one way this package runs git: an argv tuple, no shell, bytes out.

Every git call goes through :func:`git` (whole output) or :func:`stream`
(NUL-separated tokens, for histories too large to hold in memory).
"""

from __future__ import annotations

import os
import select

from agentowners.errors import GitError
from agentowners.records import Record

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

# Output that does not depend on the user's configuration: no pager, no colour,
# no quoting of non-ASCII path bytes, no external diff or text conversion.
BASE_ARGS = ("git", "--no-pager", "-c", "core.quotepath=off", "-c", "color.ui=never")

# Path lists that do not depend on configuration: no rename pairing (a rename is
# its deletion plus its addition, so both sides are listed), full object ids
# (abbreviating would cost a lookup per blob), submodule pointers included.
DIFF_ARGS = (
    "--no-renames",
    "--no-ext-diff",
    "--no-textconv",
    "--ignore-submodules=none",
    "--raw",
    "--no-abbrev",
    "-z",
)

# The oldest git that has every option this package uses, by git's release
# notes: `rev-parse --path-format` (2.31), `rev-parse --end-of-options` (2.30),
# `--end-of-options` elsewhere (2.24), `%(trailers:key=,valueonly,separator=)`
# (2.22), `interpret-trailers --no-divider` (2.20).
MINIMUM_VERSION = (2, 31)
# How git says it does not know an option: parse-options and the revision
# walker, and the usage text that follows.
_UNKNOWN_OPTION = (b"unknown option", b"unknown switch", b"unrecognized argument", b"usage: git ")


def decode(raw: bytes) -> str:
    """git's output as text: UTF-8, any other byte kept (as a surrogate) so that
    :func:`encode` gives the same bytes back; paths are bytes to git."""
    return raw.decode("utf-8", "surrogateescape")


def encode(path: str) -> bytes:
    """A path as git spells it: the inverse of :func:`decode`."""
    return path.encode("utf-8", "surrogateescape")


class Result(Record):
    """What a git call did (a Record, not a NamedTuple: see records)."""

    __slots__ = ("code", "err", "out")

    def __init__(self, code: int, out: bytes, err: bytes) -> None:
        self.code = code
        self.out = out
        self.err = err


def _describe(args: Sequence[str], result: Result) -> str:
    """One line: the git command and what went wrong (its `fatal:` line when it has one).

    Not the whole argv: a `git log` format string buries the reason.
    """
    detail = (
        result.err.decode(errors="replace").strip() or result.out.decode(errors="replace").strip()
    )
    lines = detail.splitlines()
    said = next((line for line in lines if line.startswith("fatal:")), None)
    return f"git {args[0]} failed: {said or (lines[0] if lines else f'exit code {result.code}')}"


def version_problem() -> str | None:
    """The line "git X.Y or newer is needed (found A.B)" when git is too old, else None.

    Costs a git call, so it is asked only by `agentowners doctor` and after a
    git call failed the way an older git fails: never while everything works.
    """
    said = run("version").out.decode(errors="replace").split()  # "git version 2.39.5 ..."
    found = said[2] if len(said) > 2 else ""
    numbers = []
    for part in found.split(".")[:2]:
        if not part.isdigit():
            return None  # a version this code cannot read: let git's own errors speak
        numbers.append(int(part))
    if tuple(numbers) >= MINIMUM_VERSION:
        return None
    needed = ".".join(map(str, MINIMUM_VERSION))
    return f"git {needed} or newer is needed (found {found})"


def require_version() -> None:
    """Raise GitError when git is older than MINIMUM_VERSION (a git call)."""
    problem = version_problem()
    if problem:
        raise GitError(f"{problem}: upgrade git and retry")


def _failure(args: Sequence[str], result: Result) -> GitError:
    """The error for a failed call; an option git does not know suggests an old git."""
    if any(marker in result.err for marker in _UNKNOWN_OPTION):
        require_version()
    return GitError(_describe(args, result))


def run(
    *args: str,
    cwd: str | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> Result:
    """Run git; never raises on a non-zero exit (the caller decides)."""
    return start(*args, cwd=cwd, stdin=stdin, env=env).finish()


def start(
    *args: str,
    cwd: str | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> Started:
    """Start git and return at once: `finish()` waits for what `run` would return.

    For work git can do while Python does its own: a commit-time hook starts
    reading the index before it imports the engine.
    """
    # `-C` rather than a working directory for the child: posix_spawn cannot set one.
    argv = (*BASE_ARGS, *(("-C", cwd) if cwd is not None else ()), *args)
    try:
        return Started(argv, stdin, os.environ if env is None else env)
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH: install git and retry") from exc


def _program(name: str, env: Mapping[str, str]) -> str:
    """`name` on `env`'s PATH, as subprocess finds it (posix_spawn does not search).

    PATH is split here as os.get_exec_path splits it, which imports `warnings`.
    """
    path = env.get("PATH")
    for directory in (os.defpath if path is None else path).split(os.pathsep):
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(name)


class Started:
    """A running git, as subprocess.Popen(argv, stdout=PIPE, stderr=PIPE) but without it.

    Importing subprocess (with threading, signal, selectors, locale) costs a
    hook more than the git call itself, so git is spawned with posix_spawn;
    where there is none (Windows), subprocess runs it to the end at once.
    stdin is inherited unless given; git restores SIGPIPE's default itself,
    so the child needs no signal reset. As a context manager, it stops git
    if its output was not read: not wanted after all.
    """

    __slots__ = ("_chunks", "_fds", "_pid", "_result", "_stdin")

    def __init__(self, argv: tuple[str, ...], stdin: bytes | None, env: Mapping[str, str]) -> None:
        self._result: Result | None = None
        self._stdin = stdin
        if not hasattr(os, "posix_spawn"):
            import subprocess

            proc = subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False)
            self._result = Result(proc.returncode, proc.stdout, proc.stderr)
            return
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        actions = [(os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_DUP2, err_write, 2)]
        child_ends = [out_write, err_write]
        self._fds = [out_read, err_read]  # our ends, open until git is done with them
        self._chunks: dict[int, list[bytes]] = {out_read: [], err_read: []}
        if stdin is not None:
            in_read, in_write = os.pipe()
            actions.append((os.POSIX_SPAWN_DUP2, in_read, 0))
            child_ends.append(in_read)
            self._fds.append(in_write)
        try:
            self._pid = os.posix_spawn(_program(argv[0], env), argv, env, file_actions=actions)
        except BaseException:
            for fd in self._fds:
                os.close(fd)
            raise
        finally:
            for fd in child_ends:
                os.close(fd)
        if stdin is not None and len(stdin) <= select.PIPE_BUF:
            # Handed over now (a write this small to an empty pipe never blocks), so
            # that git can work before finish() is called.
            self._stdin = b""
            self._fds.remove(in_write)
            try:
                os.write(in_write, stdin)
            except BrokenPipeError:  # git exited already: finish() says how
                pass
            finally:
                os.close(in_write)

    def finish(self) -> Result:
        """Feed stdin, read stdout and stderr to the end and wait for git (once)."""
        if self._result is None:
            self._result = self._communicate()
        return self._result

    def _communicate(self) -> Result:
        out_read, err_read = self._chunks
        pending = memoryview(self._stdin or b"")
        poller = select.poll()
        for fd in self._fds:
            poller.register(fd, select.POLLIN if fd in self._chunks else select.POLLOUT)
        try:
            # Like subprocess's communicate: feed stdin and drain both pipes as
            # git allows, so that neither side waits on a full pipe.
            while self._fds:
                for fd, _ in poller.poll():
                    if fd in self._chunks:
                        data = os.read(fd, 1 << 16)
                        self._chunks[fd].append(data)
                        done = not data
                    else:
                        try:
                            # PIPE_BUF bytes or fewer: a write to a ready pipe never blocks.
                            pending = pending[os.write(fd, pending[: select.PIPE_BUF]) :]
                        except BrokenPipeError:  # git stopped reading: the rest is not wanted
                            pending = pending[:0]
                        done = not pending
                    if done:
                        poller.unregister(fd)
                        self._fds.remove(fd)
                        os.close(fd)
        except BaseException:  # as subprocess.run does on an interruption
            self._kill()
            raise
        finally:
            code = self._reap()
        out, err = (b"".join(self._chunks[fd]) for fd in (out_read, err_read))
        return Result(code, out, err)

    def _kill(self) -> None:
        import signal

        os.kill(self._pid, signal.SIGKILL)

    def _reap(self) -> int:
        """Close our ends of the pipes and wait for git: its exit code."""
        for fd in self._fds:
            os.close(fd)
        self._fds = []
        _, status = os.waitpid(self._pid, 0)
        return os.waitstatus_to_exitcode(status)

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._result is None:
            self._kill()
            self._result = Result(self._reap(), b"", b"")


def git(
    *args: str,
    cwd: str | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run git and return its stdout; a failure raises :class:`GitError`."""
    return output(args, run(*args, cwd=cwd, stdin=stdin, env=env))


def output(args: Sequence[str], result: Result) -> bytes:
    """The stdout of the finished call `git ARGS`; a failure raises :class:`GitError`."""
    if result.code:
        raise _failure(args, result)
    return result.out


def stream(
    *args: str, separator: bytes = b"\0", cwd: str | None = None, chunk: int = 1 << 16
) -> Iterator[bytes]:
    """Yield the `separator`-terminated records of git's stdout as they arrive.

    A failure (including one after output started) raises :class:`GitError`
    once the output is exhausted, so a truncated history is never taken as
    a complete one.
    """
    # Imported here, not at the top: hooks that only ask one question of git
    # must not pay for them (see policy_source).
    import subprocess
    import tempfile

    # stderr goes to a file, not a pipe: a pipe nobody reads while stdout is
    # drained could fill up and stall git.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                (*BASE_ARGS, *args),
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=errors,
                # Into a pipe git flushes after every commit: one write, and one
                # wake-up here, per commit. Fully buffered it writes 8 KiB at a time.
                # https://git-scm.com/docs/git#Documentation/git.txt-codeGITFLUSHcode
                env={**os.environ, "GIT_FLUSH": "0"},
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH: install git and retry") from exc
        assert proc.stdout is not None
        pending = bytearray()
        finished = False
        try:
            while block := proc.stdout.read(chunk):
                # Look for separators only in the new bytes (and the one before,
                # for a separator split across reads): a record of many blocks
                # (a commit with 100,000 paths) must not be rescanned per block.
                start = max(0, len(pending) - len(separator) + 1)
                pending += block
                end = pending.rfind(separator, start)
                if end >= 0:
                    complete = bytes(pending[:end])
                    del pending[: end + len(separator)]
                    yield from complete.split(separator)
            finished = True
        finally:
            # A consumer that stops early (or an error) must not leave git running.
            if not finished:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code:
            errors.seek(0)
            raise _failure(args, Result(code, b"", errors.read()))
    if pending:
        yield bytes(pending)
