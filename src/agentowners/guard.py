"""Edit-time guard (SPEC §6): may this tool call write where it is about to?

The rules are the engine's: the policy committed at HEAD (as commit-time
hooks read it), the branch's executor from ``Policy.owner``, scope and
protection from ``checks.judge`` over the paths the call would write, as if
they were a change landing on the current branch. This module only finds
those paths in the work tree and words each refusal for an agent that has
not written anything yet. It fails closed: a policy that cannot be read, a
payload that cannot be understood, any internal error refuses the call.

Reads and shell commands that write nothing cost no git call and do not
import the policy machinery at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from agentowners import gitcmd, policy_source, protocols, worktree
from agentowners.protocols import PayloadError, Target, ToolCall

if TYPE_CHECKING:  # the policy machinery is imported only when a write is judged
    from agentowners.actor import Actor
    from agentowners.checks import Violation
    from agentowners.policy import Policy
    from agentowners.worktree import Checkout

MAX_PATHS_SHOWN = 10


class Response(NamedTuple):
    output: str  # what the agent reads on stdout ("" for a silent go-ahead)
    exit_code: int  # 0 always, but for a payload no protocol recognises (2 blocks there)
    error: str = ""  # for stderr, only with exit code 2


def respond(raw: bytes, protocol: str | None, environ: Mapping[str, str]) -> Response:
    """The answer to one payload, in its agent's protocol. Never exit 1: several agents
    take a hook that exits 1 as a go-ahead."""
    try:
        call = protocols.parse(raw, protocol, environ)
        return Response(protocols.answer(call.protocol, decide(call, environ)), 0)
    except PayloadError as exc:
        refusal = f"agentowners: the guard cannot read this call ({exc}), so it is refused."
    except Exception as exc:
        refusal = (
            f"agentowners: internal error in the edit-time guard ({type(exc).__name__}: "
            f"{exc}); the call is refused to stay safe. Please report this to a human."
        )
    if protocol is None:
        # No protocol to answer in: exit 2, which Claude Code, Codex, Gemini CLI and
        # Cursor all read as "block" with stderr as the reason.
        return Response("", 2, refusal)
    return Response(protocols.answer(protocol, refusal), 0)


def decide(call: ToolCall, environ: Mapping[str, str]) -> str | None:
    """The refusal for `call` (why, and what to do instead), or None when it may go ahead."""
    if not call.targets and not call.switches:
        return None  # reads, and commands that write nothing we can see
    cwd = _existing_dir(call.cwd)
    # git finds the work tree and reads the policy at its HEAD, two calls at once,
    # while Python imports the rules: this runs before every tool call.
    finding = worktree.start_checkout(cwd)
    with finding, policy_source.start_reading(policy_source.AT_HEAD, cwd) as reading:
        return _decide(call, environ, cwd, finding, reading)


def _decide(
    call: ToolCall,
    environ: Mapping[str, str],
    cwd: str,
    finding: gitcmd.Started,
    reading: gitcmd.Started | None,
) -> str | None:
    # Imported while git works (TOML parser included).
    from agentowners.errors import PolicyError
    from agentowners.policy import commit_time_policy

    checkout = worktree.checkout(cwd, finding)
    if checkout is None and call.targets and not call.targets[0].root_relative:
        # started outside the repository, writing into one: that repository judges
        cwd, reading = _existing_dir(os.path.dirname(call.targets[0].path)), None
        checkout = worktree.checkout(cwd)
    if checkout is None:
        return None  # not in a work tree: not ours to judge
    try:
        policy = commit_time_policy(cwd, started=reading)
    except PolicyError as exc:
        problems = "; ".join(exc.lines())
        return (
            f"agentowners: the policy committed at HEAD cannot be used ({problems}), so no "
            "write is allowed until a human fixes it (agentowners validate lists every problem)."
        )
    if policy is None:
        return None  # no policy: installing the guard first must not block anyone
    refusals: list[str] = []
    if call.switches:
        refusals.append(
            "agentowners: this command switches the commit gates off: "
            f"{'; '.join(call.switches)}. Run it with the hooks on; when a hook refuses, fix "
            "what it reports instead of skipping it."
        )
    inside, internal = _resolve(call.targets, checkout)
    if internal:
        refusals.append(
            f"agentowners: no agent writes inside .git ({_listing(internal)}): git's hooks, "
            "config and refs live there, and the commit gates with them. Change git's state "
            "with git commands (git commit, git switch, …) and leave .git itself alone."
        )
    if inside:
        refusals.extend(_judged(policy, call, environ, inside, checkout))
    return "\n".join(refusals) or None


def _existing_dir(path: str) -> str:
    """`path`, or its nearest existing parent (a shell may `cd` into a new directory)."""
    while not os.path.isdir(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


def _resolve(targets: Iterable[Target], checkout: Checkout) -> tuple[list[str], list[str]]:
    """(repository-relative paths written, paths written inside git's own directories).

    Symlinks inside the repository are resolved, so that a link to another
    directory cannot carry a write there; paths outside the work tree are dropped.
    """
    top = os.path.realpath(checkout.top)
    git_dirs = [os.path.realpath(git_dir) for git_dir in checkout.git_dirs]
    inside: list[str] = []
    internal: list[str] = []
    for target in targets:
        path = os.path.join(top, target.path) if target.root_relative else target.path
        real = _real(os.path.normpath(path), follow=target.follow)
        relative = os.path.relpath(real, top).replace(os.sep, "/")
        if any(_within(real, git_dir) for git_dir in git_dirs) or _within(relative, ".git"):
            internal.append(relative if _within(real, top) else real)
        elif relative == ".." or relative.startswith("../"):
            continue  # outside the work tree
        elif target.recursive and not os.path.lexists(real):
            continue  # removing what is not there changes nothing
        elif target.recursive and os.path.isdir(real):
            if relative == ".":
                internal.append(".git")  # removing the whole work tree removes .git too
            inside.extend(worktree.tracked("" if relative == "." else relative, top))
        elif relative != ".":
            inside.append(f"{relative}/" if target.directory else relative)
    return list(dict.fromkeys(inside)), list(dict.fromkeys(internal))


def _real(path: str, *, follow: bool) -> str:
    if follow:
        return os.path.realpath(path)
    # the entry itself is written (deleted, replaced): resolve only its directory
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _writer(policy: Policy, call: ToolCall, environ: Mapping[str, str]) -> Actor:
    """The environment's agent when a marker is set (Cursor and Copilot also run Claude
    Code's hooks), else the protocol's own agent."""
    from agentowners.actor import Actor, Problem, environment_agent

    running = environment_agent(policy, environ)
    if running is not None:
        return running
    how = f"the {call.protocol} hook"
    if call.protocol in policy.agents:
        return Actor(call.protocol, how)
    return Actor(call.protocol, how, (Problem("unknown-agent", call.protocol, how),))


def _judged(
    policy: Policy,
    call: ToolCall,
    environ: Mapping[str, str],
    paths: Sequence[str],
    checkout: Checkout,
) -> list[str]:
    """The engine's verdict on these writes as a change on the current branch."""
    from agentowners.checks import Change, judge

    actor = _writer(policy, call, environ)
    branch = checkout.branch
    change = Change("edit", actor, tuple(paths), None)
    refusals = []
    for found in judge(policy, change, branch or "HEAD"):
        violation = found
        if violation.code == "foreign-agent" and branch is None:
            continue  # detached HEAD: no branch to own; the push gate judges the target
        if violation.code == "out-of-scope":
            # ignored files (build output, caches) never reach a commit
            kept = set(violation.paths) - worktree.ignored(violation.paths, checkout.top)
            if not kept:
                continue
            violation = violation._replace(paths=tuple(sorted(kept)))
        refusal = _refusal(policy, actor, violation, branch)
        if refusal:
            refusals.append(refusal)
    return refusals


def _refusal(policy: Policy, actor: Actor, violation: Violation, branch: str | None) -> str:
    """One violation worded for an agent that is about to write (not one that committed)."""
    from agentowners.checks import where_agent_may
    from agentowners.policy import HUMAN, POLICY_FILE

    agent = violation.agent
    if violation.code == "unknown-agent":
        declared = ", ".join(sorted(policy.agents)) or "none"
        return (
            f"agentowners: {actor.how} says {agent} is writing, but {POLICY_FILE} does not "
            f"declare {agent} (declared agents: {declared}), so it may write nowhere here. "
            f"A human must declare it: an [agents.{agent}] table with its scope, and a "
            f"[[branch]] rule for the branches it works on."
        )
    if violation.code == "multiple-agents":
        return (
            f"agentowners: the environment names more than one agent ({actor.how}); one "
            "write has one agent. Run each agent with only its own markers set, or set "
            "AGENTOWNERS_AGENT to the agent that is running."
        )
    if violation.code == "foreign-agent":
        owner = policy.owner(branch or "")
        owned_by = "humans only" if owner.executor == HUMAN else f"agent {owner.executor}"
        rule = f"rule '{owner.rule.pattern}'" if owner.rule else "settings.unmatched"
        return (
            f"agentowners: {agent} may not write on branch '{branch}': it belongs to "
            f"{owned_by} ({rule}). Fix: {where_agent_may(policy, agent, 'write')}; switch to "
            "such a branch and make the change there."
        )
    if violation.code == "protected-path":
        return (
            f"agentowners: {_listing(violation.paths)} "
            f"{'is' if len(violation.paths) == 1 else 'are'} protected (settings.protected in "
            f"{POLICY_FILE}, which protects itself too): only a human changes protected "
            "paths. Leave them as they are and ask a human to make this change."
        )
    if violation.code == "out-of-scope":
        return (
            f"agentowners: {agent} may not write {_listing(violation.paths)}: outside its "
            f"scope ({', '.join(policy.agents[agent].scope)}). Write only inside that scope; "
            "leave these paths to their owner, or ask a human to change them."
        )
    # too-many-files / too-many-lines count a commit, not one edit: the commit gate
    # judges them; any other code is worded as the engine words it.
    return "" if violation.code.startswith("too-many-") else f"agentowners: {violation.message}"


def _listing(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:MAX_PATHS_SHOWN])
    more = len(paths) - MAX_PATHS_SHOWN
    return f"{shown} … and {more} more" if more > 0 else shown
