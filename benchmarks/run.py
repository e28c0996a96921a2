#!/usr/bin/env python3
"""Benchmarks: agentowners beside the same work done by plain git, in one run.

    .venv/bin/python benchmarks/run.py            # every case, 7 runs each
    .venv/bin/python benchmarks/run.py --runs 3 --case range-5k --case scope

Builds seeded, reproducible repositories with `git fast-import` under
benchmarks/.work/ (kept between runs; delete the folder to rebuild), then
prints, per case, the median wall time of agentowners and of its plain-git
baseline (runs interleaved), their ratio, and the peak RSS of agentowners'
process tree. Run it by hand on a quiet machine; it is not a test, but it
fails (exit 1) when a result is wrong, e.g. a missed out-of-scope commit.
Results and what each optimisation bought: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
# The interpreter this script runs under (the project's .venv), never a shim:
# a pyenv shim adds tens of milliseconds to every start.
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# The console scripts measured, and the module each runs (for the RSS probe).
SCRIPTS = {
    "agentowners": "agentowners.cli",
    "check-agent-scope": "agentowners_hooks.check_agent_scope",
    "add-agent-trailer": "agentowners_hooks.add_agent_trailer",
    "check-agent-trailer": "agentowners_hooks.check_agent_trailer",
    "check-agent-policy": "agentowners_hooks.check_agent_policy",
}

POLICY = """\
version = 1
branch = [{ pattern = "main", executor = "human" }, { pattern = "codex/**", executor = "codex" }]

[settings]
protected = [".github/**"]

[agents.codex]
scope = ["src/**", "tests/**", "!src/vendor/**", "*.md"]
"""
BRANCH = "codex/bench"
HUMAN_EVERY = 10  # 1 commit in 10 is a human's
OUT_OF_SCOPE_EVERY = 50  # 1 agent commit in 50 touches a path outside codex's scope
PATHS_PER_COMMIT = 3
FILES_PER_DIRECTORY = 20
TOP_DIRECTORIES = {  # share of files
    "src": 45,
    "src/vendor": 5,
    "tests": 20,
    "docs": 10,
    "lib": 10,
    "tools": 5,
    ".github": 5,
}
EXTENSIONS = ("py", "py", "py", "md", "txt", "json", "c", "h", "yaml", "toml")

# Scope patterns for the matching case: 50 each, anchored, unanchored, mixed.
ANCHORED = [f"src/m{i}/**" for i in range(49)] + ["!src/vendor/**"]
UNANCHORED = [f"*.x{i}" for i in range(47)] + ["*.md", "*.py", "!*.txt"]
MIXED = [
    "src/**",
    "tests/**",
    "!src/vendor/**",
    "*.md",
    "docs/**",
    "**/fixtures/**",
    "!**/*.secret",
    "Makefile",
    "*.toml",
    "build/",
    *(f"lib/p{i}/*.py" for i in range(20)),
    *(f"*.e{i}" for i in range(20)),
]
assert len(ANCHORED) == len(UNANCHORED) == len(MIXED) == 50


# --- synthetic repositories ---------------------------------------------------


def tree(files: int, seed: int) -> list[str]:
    """`files` paths in directories of about 20 files, nested up to 5 deep."""
    rng = random.Random(seed)
    directories: list[str] = []
    for top, share in TOP_DIRECTORIES.items():
        wanted = max(1, files * share // 100 // FILES_PER_DIRECTORY)
        level = [top]
        directories.append(top)
        while len(level) < wanted:
            parent = rng.choice(level)
            if parent.count("/") < 5:
                level.append(f"{parent}/d{len(directories)}")
                directories.append(level[-1])
    paths = {".agentowners.toml"}
    while len(paths) < files:
        directory = rng.choice(directories)
        paths.add(f"{directory}/f{len(paths)}.{rng.choice(EXTENSIONS)}")
    return sorted(paths)


def protected(path: str) -> bool:
    return path.startswith(".github/") or path == ".agentowners.toml"


def in_codex_scope(path: str) -> bool:
    if path.endswith(".md"):
        return True
    return path.startswith(("src/", "tests/")) and not path.startswith("src/vendor/")


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def _blob_line(path: str, content: str) -> bytes:
    return b"M 100644 inline %s\n" % path.encode() + _data(content)


def _commit(ref: str, who: str, when: int, message: str, changes: list[bytes]) -> bytes:
    head = b"commit %s\nauthor %s %d +0000\ncommitter %s %d +0000\n" % (
        ref.encode(),
        who.encode(),
        when,
        who.encode(),
        when,
    )
    return head + _data(message) + b"".join(changes) + b"\n"


HUMAN_IDENT = "Dev Eloper <dev@example.com>"
CODEX_IDENT = "Codex <noreply@openai.com>"


class History(NamedTuple):
    path: Path
    commits: int
    out_of_scope: int  # agent commits that touch a path outside codex's scope


def _history_stream(files: list[str], commits: int, seed: int) -> Iterator[bytes]:
    """The base commit on main (every file and the policy), then `commits` on codex/bench."""
    rng = random.Random(seed)
    when = 1_700_000_000
    base = [_blob_line(".agentowners.toml", POLICY)]
    base += [_blob_line(path, f"{path}\n") for path in files if path != ".agentowners.toml"]
    yield _commit("refs/heads/main", HUMAN_IDENT, when, "base\n", base)
    # Protected paths would raise another violation (protected-path): leave them out.
    editable = [p for p in files if p != ".agentowners.toml"]
    inside = [p for p in files if in_codex_scope(p) and not protected(p)]
    outside = [p for p in files if not in_codex_scope(p) and not protected(p)]
    for number in range(1, commits + 1):
        if number % HUMAN_EVERY == 0:
            # Not the policy: the guard cases judge with the policy at the tip.
            who, message, pool = HUMAN_IDENT, f"human change {number}\n", editable
            paths = rng.sample(pool, PATHS_PER_COMMIT)
        else:
            who = CODEX_IDENT
            message = f"change {number}\n\nWhat and why.\n\nAgent: codex\n"
            paths = rng.sample(inside, PATHS_PER_COMMIT)
            if number % (HUMAN_EVERY * OUT_OF_SCOPE_EVERY) == 1:
                paths[0] = rng.choice(outside)
        changes = [_blob_line(path, f"{path}\n{number}\n") for path in paths]
        if number == 1:
            changes.insert(0, b"from refs/heads/main\n")
        yield _commit(f"refs/heads/{BRANCH}", who, when + number, message, changes)


def expected_out_of_scope(commits: int) -> int:
    period = HUMAN_EVERY * OUT_OF_SCOPE_EVERY
    return sum(1 for number in range(1, commits + 1) if number % period == 1)


def fast_import(repo: Path, stream: Iterator[bytes]) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    for chunk in stream:
        proc.stdin.write(chunk)
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait():
        raise SystemExit(f"git fast-import failed in {repo}")


def _built(repo: Path, stamp: str, build: Callable[[Path], None]) -> Path:
    """`repo` as `build` makes it; rebuilt only when the recipe (stamp) changed."""
    marker = repo / ".git" / "benchmark-recipe"
    if marker.exists() and marker.read_text() == stamp:
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    started = time.perf_counter()
    build(repo)
    marker.write_text(stamp)
    print(f"  built {repo.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return repo


def history_repo(commits: int, files: int = 20_000, seed: int = 5) -> History:
    def build(repo: Path) -> None:
        fast_import(repo, _history_stream(tree(files, seed), commits, seed))
        subprocess.run(
            ["git", "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"], cwd=repo, check=True
        )

    stamp = f"history v4 files={files} commits={commits} seed={seed} policy={POLICY!r}"
    path = _built(WORK / f"history-{commits}", stamp, build)
    return History(path, commits, expected_out_of_scope(commits))


def staged_repo(files: int = 100_000, staged: int = 1_000, seed: int = 7) -> Path:
    """HEAD on codex/bench with `files` files; `staged` paths in codex's scope staged."""

    def build(repo: Path) -> None:
        paths = tree(files, seed)
        rng = random.Random(seed)
        changed = rng.sample([p for p in paths if in_codex_scope(p) and not protected(p)], staged)

        def stream() -> Iterator[bytes]:
            blobs = [_blob_line(".agentowners.toml", POLICY)]
            blobs += [_blob_line(p, f"{p}\n") for p in paths if p != ".agentowners.toml"]
            yield _commit(f"refs/heads/{BRANCH}", HUMAN_IDENT, 1_700_000_000, "base\n", blobs)
            edits = [_blob_line(p, f"{p}\nedited\n") for p in changed]
            yield _commit("refs/bench/staged", CODEX_IDENT, 1_700_000_001, "staged\n", edits)

        fast_import(repo, stream())
        git = ["git", "-C", str(repo)]
        subprocess.run([*git, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"], check=True)
        subprocess.run([*git, "checkout", "-q", "-f", BRANCH], check=True)
        # Stage the edits: the index (and work tree) as refs/bench/staged has them.
        subprocess.run([*git, "checkout", "-q", "refs/bench/staged", "--", "."], check=True)
        subprocess.run([*git, "update-ref", "-d", "refs/bench/staged"], check=True)

    return _built(
        WORK / "staged-100k",
        f"staged v1 files={files} n={staged} seed={seed} policy={POLICY!r}",
        build,
    )


def no_policy_repo() -> Path:
    def build(repo: Path) -> None:
        subprocess.run(["git", "init", "-q", "-b", BRANCH, str(repo)], check=True)
        (repo / "README.md").write_text("no policy here\n")
        git = ["git", "-C", str(repo), "-c", "user.name=Dev", "-c", "user.email=dev@example.com"]
        subprocess.run([*git, "add", "README.md"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "readme"], check=True)
        (repo / "README.md").write_text("no policy here yet\n")
        subprocess.run([*git, "add", "README.md"], check=True)  # a change being committed
        (repo / ".git" / "COMMIT_EDITMSG").write_text("a message\n")

    return _built(WORK / "no-policy", "no-policy v2", build)


# --- measuring ----------------------------------------------------------------


class Run(NamedTuple):
    seconds: float
    cpu: float  # user + system seconds, the children it waited for (git) included
    peak_rss_mb: float  # the largest resident set among the process and those children
    code: int
    out: bytes


# The measured command is started by this small launcher, not by the benchmark
# process itself: Linux counts the memory a child had before exec (a copy of its
# parent's) in its peak RSS, and this script holds large lists. The launcher
# times the command and reports its rusage, which covers the children it waited
# for (git), on the file descriptor given as its first argument.
LAUNCHER = """
import os, subprocess, sys, time
report = int(sys.argv[1])
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], pass_fds=())
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - started
cpu = usage.ru_utime + usage.ru_stime
code = os.waitstatus_to_exitcode(status)
os.write(report, b"%r %r %d %d" % (elapsed, cpu, usage.ru_maxrss, code))
"""

# Runs a Python command in this process and reports the peak RSS of the Python
# process alone (git's, in its own process, is not counted): what "the log is
# streamed, nothing accumulates" is about. VmHWM, not ru_maxrss: the kernel
# resets it at exec, so the memory of the process this one was forked from
# does not count.
OWN_PEAK = """
import os, resource, runpy, sys
report = int(sys.argv.pop(1))
module = sys.argv.pop(1)
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
finally:
    try:
        with open("/proc/self/status") as status:
            peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    os.write(report, b"0 0 %d 0" % peak)
"""


def _launch(
    prefix: Sequence[str], argv: Sequence[str], cwd: Path, env: dict[str, str], stdin: bytes
) -> Run:
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.run(
            [*prefix, str(write_end), *argv],
            cwd=cwd,
            env=env,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_end,),
            check=False,
        )
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as report:
        elapsed, cpu, maxrss_kib, code = report.read().split()
    return Run(float(elapsed), float(cpu), int(maxrss_kib) / 1024, int(code), proc.stdout)


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str], stdin: bytes = b"") -> Run:
    return _launch([PYTHON, "-S", "-c", LAUNCHER], argv, cwd, env, stdin)


def own_peak_rss_mb(
    module: str, args: Sequence[str], cwd: Path, env: dict[str, str], stdin: bytes = b""
) -> float:
    """Peak RSS of the Python process alone, running `module` as its console script does."""
    return _launch([PYTHON, "-c", OWN_PEAK], [module, module, *args], cwd, env, stdin).peak_rss_mb


def run_sequence(steps: Sequence[Sequence[str]], cwd: Path, env: dict[str, str]) -> Run:
    """Several commands back to back, timed as one."""
    runs = [run_once(step, cwd, env) for step in steps]
    return Run(
        sum(r.seconds for r in runs),
        sum(r.cpu for r in runs),
        max(r.peak_rss_mb for r in runs),
        max(r.code for r in runs),
        b"".join(r.out for r in runs),
    )


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without git redirections or agent markers."""
    dropped = {"CLAUDECODE", "CODEX_SANDBOX", "CODEX_THREAD_ID", "COPILOT_AGENT", "AGENT"}
    # As installed: pip writes bytecode, so a shell that forbids writing it
    # (PYTHONDONTWRITEBYTECODE) would time the compiler on every start.
    dropped |= {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GIT_", "AGENTOWNERS_")) and name not in dropped
    }
    env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(WORK / "home"), LC_ALL="C.UTF-8")
    env.update(extra)
    return env


class Result(NamedTuple):
    case: str
    ours: float  # median wall seconds
    baseline: float
    ours_cpu: float  # median CPU seconds
    baseline_cpu: float
    baseline_name: str
    peak_rss_mb: float  # agentowners' own process
    target: str
    ok: bool

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline


class Measured(NamedTuple):
    ours: float
    baseline: float
    ours_cpu: float
    baseline_cpu: float
    peak_rss_mb: float  # agentowners' own process; 0 when not measured


def compare(
    runs: int,
    ours: Callable[[], Run],
    baseline: Callable[[], Run],
    check: Callable[[Run], None] = lambda run: None,
) -> Measured:
    """Interleaved runs after one warm-up each (which also writes bytecode): medians."""
    check(ours())
    baseline()
    ours_runs: list[Run] = []
    baseline_runs: list[Run] = []
    for _ in range(runs):
        baseline_runs.append(baseline())
        ours_runs.append(ours())
    return Measured(
        statistics.median(r.seconds for r in ours_runs),
        statistics.median(r.seconds for r in baseline_runs),
        statistics.median(r.cpu for r in ours_runs),
        statistics.median(r.cpu for r in baseline_runs),
        0.0,
    )


class Command(NamedTuple):
    """A console script as users (and pre-commit) run it."""

    script: str
    args: tuple[str, ...] = ()
    stdin: bytes = b""

    @property
    def argv(self) -> list[str]:
        return [str(BIN / self.script), *self.args]

    def run(self, cwd: Path, env: dict[str, str]) -> Run:
        return run_once(self.argv, cwd, env, self.stdin)

    def own_peak_rss_mb(self, cwd: Path, env: dict[str, str]) -> float:
        return own_peak_rss_mb(SCRIPTS[self.script], self.args, cwd, env, self.stdin)


def result(case: str, measured: Measured, baseline_name: str, target: str, ok: bool) -> Result:
    return Result(case, *measured[:4], baseline_name, measured.peak_rss_mb, target, ok)


# --- cases --------------------------------------------------------------------


def check_range_case(history: History, runs: int, *, git_flush: str | None = None) -> Measured:
    """check-range beside plain `git log`; `git_flush` set: the baseline git's GIT_FLUSH."""
    repo, env = history.path, clean_env()
    baseline_env = env if git_flush is None else {**env, "GIT_FLUSH": git_flush}
    args = ("check-range", f"main..{BRANCH}", "--branch", BRANCH, "--format", "json")
    ours = Command("agentowners", args)
    plain = ["git", "log", "--no-renames", "--name-only", "--format=%H%x00%B", f"main..{BRANCH}"]

    def check(run: Run) -> None:
        report = json.loads(run.out)
        found = [v for v in report["violations"] if v["code"] == "out-of-scope"]
        if report["checked"] != history.commits or len(found) != history.out_of_scope:
            raise SystemExit(
                f"wrong result over {history.commits} commits: checked {report['checked']}, "
                f"{len(found)} out-of-scope commits reported, {history.out_of_scope} expected"
            )
        if len(report["violations"]) != len(found):
            raise SystemExit(f"unexpected violations: {report['violations'][:3]}")

    measured = compare(
        runs, lambda: ours.run(repo, env), lambda: run_once(plain, repo, baseline_env), check
    )
    return measured._replace(peak_rss_mb=ours.own_peak_rss_mb(repo, env))


def range_cases(runs: int, results: list[Result]) -> None:
    small = check_range_case(history_repo(5_000), runs)
    results.append(
        result(
            "check-range, 5,000 commits",
            small,
            "git log --name-only",
            "<= 1.3x",
            small.ours <= 1.3 * small.baseline,
        )
    )
    # Into a pipe, plain git log flushes after every commit; agentowners' own git
    # log does not (GIT_FLUSH=0). The same comparison against a buffered git log:
    buffered = check_range_case(history_repo(5_000), runs, git_flush="0")
    results.append(
        result(
            "check-range, 5,000 commits (baseline also GIT_FLUSH=0)",
            buffered,
            "GIT_FLUSH=0 git log --name-only",
            "(for information)",
            True,
        )
    )
    large = check_range_case(history_repo(50_000), max(3, runs // 2))
    growth, git_growth = large.ours / small.ours, large.baseline / small.baseline
    # Linear: within 11x for 10x the commits; git's own walk may grow faster than
    # that (its delta cache misses more in the larger pack), and agentowners
    # cannot be faster than git.
    results.append(
        result(
            "check-range, 50,000 commits",
            large,
            "git log --name-only",
            f"<= 11x the 5,000 case, or no more than git's own growth (is {growth:.1f}x; "
            f"git's {git_growth:.1f}x); own RSS <= 150 MB",
            (growth <= 11 or growth <= git_growth) and large.peak_rss_mb <= 150,
        )
    )


def commit_time_case(runs: int, results: list[Result]) -> None:
    """The pre-commit hook an agent's commit runs: 1,000 staged paths, all in its scope."""
    repo = staged_repo()
    env = clean_env(AGENTOWNERS_AGENT="codex")
    floor = [[PYTHON, "-c", "pass"], ["git", "diff", "--cached", "--name-status", "-z"]]
    hook = Command("check-agent-scope")

    def check(run: Run) -> None:
        if run.code != 0:
            raise SystemExit(f"check-agent-scope failed: {run.out.decode()[-500:]}")

    measured = compare(
        runs, lambda: hook.run(repo, env), lambda: run_sequence(floor, repo, env), check
    )
    results.append(
        result(
            "commit time: check-agent-scope, 1,000 staged of 100,000 files",
            measured._replace(peak_rss_mb=hook.own_peak_rss_mb(repo, env)),
            "python -c pass + git diff --cached",
            "<= 2x",
            measured.ours <= 2 * measured.baseline,
        )
    )


def guard_payload(repo: Path, path: str) -> bytes:
    """Codex's pre-tool-call payload for an apply_patch adding `path`."""
    patch = f"*** Begin Patch\n*** Add File: {path}\n+x = 1\n*** End Patch\n"
    return json.dumps(
        {
            "session_id": "benchmark",
            "cwd": str(repo),
            "hook_event_name": "PreToolUse",
            "tool_name": "apply_patch",
            "tool_input": {"command": patch},
        }
    ).encode()


def startup_cases(runs: int, results: list[Result]) -> None:
    """Commands that must cost little more than starting Python."""
    floor = [PYTHON, "-c", "pass"]
    with_policy, without = history_repo(5_000).path, no_policy_repo()
    env = clean_env()
    guard = ("guard", "--protocol", "codex")
    refused = b'"permissionDecision": "deny"'
    # (case, command, repository, target ratio or None, what its output must be)
    cases: list[tuple[str, Command, Path, float | None, Callable[[bytes], bool]]] = [
        (
            "agentowners --help",
            Command("agentowners", ("--help",)),
            with_policy,
            None,
            lambda out: b"usage: agentowners" in out,
        ),
        (
            "edit time: agentowners guard, a write in scope",
            Command("agentowners", guard, guard_payload(with_policy, "src/new.py")),
            with_policy,
            3.0,
            lambda out: out == b"",
        ),
        (
            "edit time: agentowners guard, a write out of scope (refused)",
            Command("agentowners", guard, guard_payload(with_policy, "lib/new.py")),
            with_policy,
            3.0,
            lambda out: refused in out and b"outside its scope" in out,
        ),
        *(
            (
                f"no policy: {script}",
                Command(script, args),
                without,
                1.5,
                lambda out: out.startswith(b"agentowners: no .agentowners.toml"),
            )
            for script, args in (
                ("check-agent-scope", ()),
                ("add-agent-trailer", (".git/COMMIT_EDITMSG",)),
                ("check-agent-trailer", (".git/COMMIT_EDITMSG",)),
                ("check-agent-policy", ()),
            )
        ),
    ]
    for name, command, repo, limit, said_right in cases:

        def check(
            run: Run, name: str = name, said_right: Callable[[bytes], bool] = said_right
        ) -> None:
            if run.code != 0 or not said_right(run.out):
                raise SystemExit(f"{name}: exit {run.code}, printed {run.out[-500:]!r}")

        measured = compare(
            runs,
            functools.partial(command.run, repo, env),
            functools.partial(run_once, floor, repo, env),
            check,
        )
        ok = limit is None or measured.ours <= limit * measured.baseline
        target = "(for information)" if limit is None else f"<= {limit}x"
        results.append(result(name, measured, "python -c pass", target, ok))
    engine = compare(
        runs,
        lambda: run_once([PYTHON, "-c", "import agentowners.engine"], with_policy, env),
        lambda: run_once(floor, with_policy, env),
    )
    results.append(
        result("import agentowners.engine", engine, "python -c pass", "(for information)", True)
    )


def scope_case(runs: int, results: list[Result]) -> None:
    """In-process: 100,000 paths of a real-shaped tree against 50 patterns."""
    from pathspec import PathSpec
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    from agentowners.patterns import Decision, ScopeMatcher

    paths = tree(100_000, seed=7)
    for name, patterns in (("anchored", ANCHORED), ("unanchored", UNANCHORED), ("mixed", MIXED)):

        def ours(patterns: list[str] = patterns) -> list[Decision]:
            matcher = ScopeMatcher(patterns)
            return [matcher.decide(path) for path in paths]

        def reference(patterns: list[str] = patterns) -> list[Decision]:
            spec = PathSpec.from_lines(GitIgnoreSpecPattern, patterns)
            checked = (spec.check_file(path) for path in paths)
            return [Decision(bool(r.include), r.index) for r in checked]

        if ours() != reference():
            raise SystemExit(f"ScopeMatcher and pathspec disagree on the {name} patterns")
        ours_time = _median_time(ours, runs)
        reference_time = _median_time(reference, max(1, runs // 2))
        measured = Measured(ours_time, reference_time, ours_time, reference_time, 0.0)
        results.append(
            result(
                f"scope: 100,000 paths x 50 {name} patterns (in process)",
                measured,
                "pathspec PathSpec.check_file",
                "<= 0.3 s",
                ours_time <= 0.3,
            )
        )


def _median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        action()
        times.append(time.process_time() - started)
    return statistics.median(times)


CASES: dict[str, Callable[[int, list[Result]], None]] = {
    "range": range_cases,
    "commit": commit_time_case,
    "startup": startup_cases,
    "scope": scope_case,
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    git = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()} ({PYTHON}); {git}"
    )


def installed_package() -> str:
    """Where the measured commands import agentowners from."""
    argv = [PYTHON, "-c", "import agentowners, os; print(os.path.dirname(agentowners.__file__))"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


def table(results: list[Result]) -> str:
    lines = [
        "| case | agentowners | baseline | ratio | CPU ratio | own peak RSS | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        rss = f"{r.peak_rss_mb:.0f} MB" if r.peak_rss_mb else "-"
        lines.append(
            f"| {r.case} | {r.ours * 1000:.1f} ms | {r.baseline * 1000:.1f} ms "
            f"({r.baseline_name}) | {r.ratio:.2f}x | {r.ours_cpu / r.baseline_cpu:.2f}x | "
            f"{rss} | {r.target} | {'yes' if r.ok else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (median)")
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), help="only these cases (repeatable)"
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        help="time the agentowners package in DIR (a checkout's src/) instead of this one, "
        "to compare with an older commit (range and scope cases)",
    )
    args = parser.parse_args(argv)
    if args.source:
        # Found before the editable install's finder, in this process and in children.
        source = os.path.abspath(args.source)
        sys.path.insert(0, source)
        os.environ["PYTHONPATH"] = source
    WORK.mkdir(exist_ok=True)
    (WORK / "home").mkdir(exist_ok=True)
    results: list[Result] = []
    for name in args.case or list(CASES):
        print(f"case {name} …", file=sys.stderr)
        CASES[name](args.runs, results)
    print(f"Machine: {machine()}")
    print(f"agentowners from: {installed_package()}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
