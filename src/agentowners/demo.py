"""`agentowners demo`: the whole story in a throwaway repository, as a transcript.

It plays a scenario with the installed agentowners the way a team's
repository runs it: real git commands in a temporary folder (beside a bare
`origin` remote), the hooks installed as plain git hooks that run this
interpreter's entry points (no pre-commit, no network), and each agent
recognised by the environment marker it really sets. Nothing here applies
the rules: the hooks and commands do, in child processes. The demo checks
what each step did, so it is also a self-test of an installation: exit 0
when every step behaved as expected, 1 when one did not.

The folder is removed at the end, also on Ctrl-C; `--keep` keeps it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple, TextIO

from agentowners import gitcmd
from agentowners.actor import AGENTOWNERS_AGENT
from agentowners.builtin_agents import BUILTIN_AGENTS, BUILTIN_BY_ID
from agentowners.commands.init import STARTER_POLICY
from agentowners.errors import EXIT_OK, EXIT_VIOLATIONS
from agentowners.policy_source import POLICY_FILE

FOLDER_PREFIX = "agentowners-demo-"
REMOTE = "origin"
POSIX = os.name == "posix"
HUMAN_BRANCH = "main"
CODEX_BRANCH = "codex/parser"

# What the human commits on main besides the policy (the one `agentowners init`
# writes): something in each agent's scope and a protected path.
STARTING_FILES = {
    "README.md": "# Parser\n",
    "docs/index.md": "# Parser documentation\n",
    ".github/workflows/ci.yml": "name: build\non: push\n",
}

# git hook -> the arguments of `python -m` it runs: the entry points that
# `pre-commit install` would run, installed without pre-commit so that the
# demo needs no network. The native pre-push hook sees every pushed ref.
NATIVE_HOOKS = {
    "pre-commit": ("agentowners_hooks.check_agent_scope",),
    "prepare-commit-msg": ("agentowners_hooks.add_agent_trailer",),
    "commit-msg": ("agentowners_hooks.check_agent_trailer",),
    "pre-push": ("agentowners", "pre-push"),
}

# The one identity every commit is made with: agents commit with the user's
# identity too, so only their environment (and then the trailer) tells them apart.
IDENTITY = {
    "GIT_AUTHOR_NAME": "Demo Human",
    "GIT_AUTHOR_EMAIL": "human@example.com",
    "GIT_COMMITTER_NAME": "Demo Human",
    "GIT_COMMITTER_EMAIL": "human@example.com",
}


def agent_environment(agent: str) -> dict[str, str]:
    """The first built-in environment marker of `agent`, as the agent sets it."""
    name, _, value = BUILTIN_BY_ID[agent].env[0].partition("=")
    return {name: value or "1"}


def isolated_environment(environ: Mapping[str, str], home: Path) -> dict[str, str]:
    """`environ` without anything that could change the demo's outcome.

    No inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, GIT_CONFIG_COUNT…
    would redirect git), no agent markers of the shell that runs the demo (run
    inside an agent, every commit would be that agent's), no user or system
    git configuration (hooksPath, templates, signing), no GitHub annotations.
    """
    markers = {marker.partition("=")[0] for agent in BUILTIN_AGENTS for marker in agent.env}
    dropped = markers | {AGENTOWNERS_AGENT, "GITHUB_ACTIONS"}
    env = {
        name: value
        for name, value in environ.items()
        if not name.startswith("GIT_") and name not in dropped
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        **IDENTITY,
    )
    return env


def hook_script(module_and_args: tuple[str, ...]) -> str:
    command = shlex.join((sys.executable, "-m", *module_and_args))
    return f'#!/bin/sh\nexec {command} "$@"\n'


class Ran(NamedTuple):
    code: int
    output: str  # stdout and stderr merged, in the order a terminal shows them


def run_command(argv: tuple[str, ...], cwd: Path, env: Mapping[str, str]) -> Ran:
    """Run a command of the transcript, as a user would, and wait for it.

    Not `gitcmd`: the transcript shows git's own output, stdout and stderr
    interleaved, and also runs the `agentowners` command. On Ctrl-C the
    command's whole process group (git and the hooks it started) is killed
    before the folder is removed, so that nothing writes into it while it is
    deleted: each command gets a group of its own, and Ctrl-C is held back
    while it starts, to arrive once there is a group to kill.
    """
    held = _hold_ctrl_c()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=POSIX,
            # The child starts with Ctrl-C as it was. preexec_fn is unsafe only
            # with threads running, and the demo starts none.
            preexec_fn=held.release if POSIX else None,  # noqa: PLW1509
        )
    except BaseException:
        held.release()
        raise
    try:
        held.release()  # a Ctrl-C held back is raised here
        out, _ = proc.communicate()
    except BaseException:
        if POSIX:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait()
        raise
    return Ran(proc.returncode, out.decode("utf-8", "replace"))


class _HeldCtrlC(NamedTuple):
    mask: set[int | signal.Signals]  # the signal mask before Ctrl-C was held back

    def release(self) -> None:
        if POSIX:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)


def _hold_ctrl_c() -> _HeldCtrlC:
    if not POSIX:
        return _HeldCtrlC(set())
    return _HeldCtrlC(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}))


class Scene:
    """The repository being played in, the transcript, and what did not go as expected."""

    def __init__(self, root: Path, out: TextIO) -> None:
        self.root = root
        self.work = root / "work"
        self.env = isolated_environment(os.environ, root / "home")
        self.out = out
        self.problems: list[str] = []

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def run(self, argv: tuple[str, ...], shown: tuple[str, ...], agent: str | None) -> Ran:
        marker = agent_environment(agent) if agent else {}
        assignments = tuple(f"{name}={value}" for name, value in marker.items())
        self.say(f"  $ {shlex.join((*assignments, *shown))}")
        ran = run_command(argv, self.work, {**self.env, **marker})
        for line in ran.output.rstrip().splitlines():
            self.say(f"      {line}".rstrip())
        return ran

    def git(self, *args: str, agent: str | None = None) -> Ran:
        return self.run(("git", *args), ("git", *args), agent)

    def agentowners(self, *args: str) -> Ran:
        return self.run((sys.executable, "-m", "agentowners", *args), ("agentowners", *args), None)

    def query(self, *args: str) -> str:
        """A git question the demo asks to check a step (not shown in the transcript)."""
        return gitcmd.git(*args, cwd=str(self.work), env=self.env).decode().strip()

    def head(self) -> str:
        return self.query("rev-parse", "HEAD")

    def note(self, text: str) -> None:
        self.say(f"  # {text}")

    def write(self, who: str, files: Mapping[str, str]) -> None:
        for path, text in files.items():
            target = self.work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "a" if target.exists() else "w", encoding="utf-8") as f:
                f.write(text)
        self.note(f"{who} edits {', '.join(files)}")

    def expect(self, holds: bool, problem: str) -> None:
        if not holds:
            self.problems.append(problem)

    def expect_passed(self, ran: Ran, what: str) -> None:
        self.expect(ran.code == 0, f"{what} should have passed, but exited {ran.code}")

    def expect_refused(self, ran: Ran, what: str, *codes: str) -> None:
        """Refused, and for the reasons the step is about (not, say, a broken install)."""
        reasons = ", ".join(codes)
        if ran.code == 0:
            self.problems.append(f"{what} passed, but should have been refused ({reasons})")
            return
        missing = [code for code in codes if code not in ran.output]
        self.expect(not missing, f"{what} was refused, but not for {', '.join(missing)}")

    def expect_unmoved(self, before: str, what: str) -> None:
        self.expect(self.head() == before, f"{what} was refused, yet HEAD moved")


# --- the scenario ------------------------------------------------------------


def _set_up(scene: Scene) -> str:
    for folder, bare in ((scene.root / f"{REMOTE}.git", ("--bare",)), (scene.work, ())):
        gitcmd.git("init", "-q", *bare, "-b", HUMAN_BRANCH, str(folder), env=scene.env)
    hooks = scene.work / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)  # git's templates may not have made it
    scene.note("the hooks, installed as plain git hooks (pre-commit would run the same):")
    for stage, module_and_args in NATIVE_HOOKS.items():
        path = hooks / stage
        path.write_text(hook_script(module_and_args), encoding="utf-8")
        path.chmod(0o755)
        scene.note(f"  .git/hooks/{stage:<18} python -m {' '.join(module_and_args)}")
    scene.note(f"{POLICY_FILE}: the starter policy that `agentowners init` writes")
    scene.write("a human", {POLICY_FILE: STARTER_POLICY, **STARTING_FILES})
    scene.git("add", ".")
    committed = scene.git("commit", "-m", "Add the agent policy")
    scene.expect_passed(committed, "the human's commit on main")
    scene.git("remote", "add", REMOTE, f"../{REMOTE}.git")
    scene.note("the remote has no policy yet, so this first push is not judged")
    pushed = scene.git("push", REMOTE, HUMAN_BRANCH)
    scene.expect_passed(pushed, "the human's push of main")
    scene.expect_passed(scene.agentowners("show"), "agentowners show")
    return "READY: main holds the policy, on the remote too"


def _in_scope_commit(scene: Scene) -> str:
    scene.git("switch", "-c", CODEX_BRANCH)
    scene.write("codex", {"src/parser.py": "def parse(text):\n    return text.split()\n"})
    scene.git("add", "src/parser.py")
    scene.note("each commit hook reports its check: pre-commit, prepare-commit-msg, commit-msg")
    scene.expect_passed(scene.git("commit", "-m", "Add the parser", agent="codex"), "the commit")
    message = scene.git("log", "-1", "--format=%B")
    scene.expect(
        "Agent: codex" in message.output.splitlines(),
        "add-agent-trailer did not add 'Agent: codex' to the commit message",
    )
    return "PASSED: codex committed in its scope, and add-agent-trailer added 'Agent: codex'"


def _out_of_scope_commit(scene: Scene) -> str:
    before = scene.head()
    scene.write(
        "codex",
        {
            "src/parser.py": "# faster now\n",
            "docs/index.md": "The parser is fast.\n",
            ".github/workflows/ci.yml": "# skip the slow tests\n",
        },
    )
    scene.git("add", ".")
    ran = scene.git("commit", "-m", "Speed up the parser", agent="codex")
    scene.expect_refused(ran, "the out-of-scope commit", "out-of-scope", "protected-path")
    scene.expect_unmoved(before, "the out-of-scope commit")
    return "REFUSED as expected: docs/ is outside codex's scope, .github/ is protected"


def _no_verify_commit(scene: Scene) -> str:
    before = scene.head()
    scene.note("--no-verify skips pre-commit and commit-msg, but git still runs prepare-commit-msg")
    ran = scene.git("commit", "--no-verify", "-m", "Speed up the parser", agent="codex")
    scene.expect_refused(ran, "git commit --no-verify", "out-of-scope", "protected-path")
    scene.expect_unmoved(before, "git commit --no-verify")
    scene.note("throw the refused change away")
    scene.expect_passed(scene.git("reset", "-q", "--hard"), "git reset --hard")
    return "REFUSED as expected: the prepare-commit-msg gate ran the whole check"


def _foreign_agent_commit(scene: Scene) -> str:
    before = scene.head()
    scene.write("claude-code", {"docs/parser.md": "# How the parser works\n"})
    scene.git("add", "docs/parser.md")
    ran = scene.git("commit", "-m", "Document the parser", agent="claude-code")
    scene.expect_refused(ran, "claude-code's commit on codex's branch", "foreign-agent")
    scene.expect_unmoved(before, "claude-code's commit on codex's branch")
    scene.note("throw the refused change away")
    scene.expect_passed(scene.git("reset", "-q", "--hard"), "git reset --hard")
    return f"REFUSED as expected: {CODEX_BRANCH} belongs to codex; claude-code works on claude/**"


def _push_to_human_branch(scene: Scene) -> str:
    main_before = scene.query("rev-parse", HUMAN_BRANCH)
    codex_tip = scene.head()
    own = scene.git("push", REMOTE, CODEX_BRANCH, agent="codex")
    scene.expect_passed(own, f"codex's push of its own branch {CODEX_BRANCH}")
    scene.note(f"the remote has this commit already: the push is still judged for {HUMAN_BRANCH}")
    landing = scene.git("push", REMOTE, f"{CODEX_BRANCH}:{HUMAN_BRANCH}", agent="codex")
    scene.expect_refused(landing, f"the push of codex's commit to {HUMAN_BRANCH}", "foreign-agent")
    listed = scene.git("ls-remote", REMOTE)
    refs = {}
    for line in listed.output.splitlines():
        oid, _, ref = line.partition("\t")
        refs[ref] = oid
    scene.expect(
        refs.get(f"refs/heads/{HUMAN_BRANCH}") == main_before,
        f"the remote's {HUMAN_BRANCH} moved: the refused push landed",
    )
    scene.expect(
        refs.get(f"refs/heads/{CODEX_BRANCH}") == codex_tip,
        f"the remote's {CODEX_BRANCH} is not codex's commit",
    )
    return f"REFUSED as expected: the remote's {HUMAN_BRANCH} did not move"


def _audit(scene: Scene) -> str:
    on_main = f"{REMOTE}/{HUMAN_BRANCH}"
    on_codex_branch = f"{on_main}..{REMOTE}/{CODEX_BRANCH}"
    for revisions, branch, whose in (
        (on_main, HUMAN_BRANCH, "the human's commit"),
        (on_codex_branch, CODEX_BRANCH, "codex's commit"),
    ):
        audited = scene.agentowners("audit", revisions, "--branch", branch)
        scene.expect_passed(audited, f"the audit of {branch}")
        count = scene.query("rev-list", "--count", revisions)
        scene.expect(count == "1", f"{revisions} holds {count} commits, not {whose} alone")
    return (
        f"PASSED: only the human's commit is on {HUMAN_BRANCH}, only codex's in-scope "
        f"commit on {CODEX_BRANCH}; everything refused left no trace"
    )


class Step(NamedTuple):
    title: str
    play: Callable[[Scene], str]  # plays the step; returns its verdict, if all went as expected


SETUP = Step("A human commits the policy on main and pushes it", _set_up)
STEPS = (
    Step(f"codex commits in its scope on {CODEX_BRANCH}", _in_scope_commit),
    Step("codex commits outside its scope", _out_of_scope_commit),
    Step("codex tries again with git commit --no-verify", _no_verify_commit),
    Step(f"claude-code commits on codex's branch {CODEX_BRANCH}", _foreign_agent_commit),
    Step(f"codex pushes its commit onto the human branch {HUMAN_BRANCH}", _push_to_human_branch),
    Step("The audit of what landed on the remote", _audit),
)


def _played(scene: Scene, step: Step, header: str) -> bool:
    """Play one step under its header; print its verdict; whether it behaved."""
    scene.say(f"\n== {header}{step.title}")
    verdict = step.play(scene)
    problems, scene.problems = scene.problems, []
    for problem in problems:
        scene.say(f"=> FAILED: {problem}")
    if not problems:
        scene.say(f"=> {verdict}")
    return not problems


def _play_in(scene: Scene) -> int:
    if not _played(scene, SETUP, ""):
        scene.say("\nagentowners demo: the set-up failed, so the scenario cannot be played")
        return EXIT_VIOLATIONS
    failed = [n for n, step in enumerate(STEPS, 1) if not _played(scene, step, f"{n}. ")]
    scene.say()
    if failed:
        steps = f"step {failed[0]}" if len(failed) == 1 else f"steps {', '.join(map(str, failed))}"
        scene.say(
            f"agentowners demo: {steps} did not behave as expected: this installation "
            "does not enforce the policy as it should"
        )
        return EXIT_VIOLATIONS
    scene.say(f"agentowners demo: all {len(STEPS)} steps behaved as expected")
    return EXIT_OK


def _folder(keep: bool) -> contextlib.AbstractContextManager[str]:
    if keep:
        return contextlib.nullcontext(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    return tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX)


def demo(*, keep: bool = False, out: TextIO | None = None) -> int:
    """Play the scenario in a temporary folder; exit 0 when every step behaved."""
    out = out or sys.stdout
    with _folder(keep) as folder:
        root = Path(folder)
        scene = Scene(root, out)
        fate = "kept" if keep else "removed at the end; --keep keeps it"
        scene.say(f"agentowners demo in {root} ({fate})")
        scene.say(f"The repository work/ pushes to {REMOTE}.git/ beside it, offline. The output")
        scene.say("is git's and agentowners' own; an agent is recognised by the marker it sets.")
        code = _play_in(scene)
        if keep:
            scene.say(f"The repository is kept: cd {shlex.quote(str(scene.work))}")
        return code
