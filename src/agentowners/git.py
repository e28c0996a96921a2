"""Small named git queries, one git call each; failures become GitError with a fix."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from agentowners import gitcmd, policy_source
from agentowners.actor import Evidence
from agentowners.errors import GitError


def decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def repo_info() -> tuple[str, bool]:
    """(the git directory, whether the repository is bare); fails outside a repository."""
    result = gitcmd.run("rev-parse", "--absolute-git-dir", "--is-bare-repository")
    if result.code:
        raise GitError("not a git repository (or git cannot read it): run this inside a repository")
    git_dir, bare = decode(result.out).splitlines()[:2]
    return git_dir, bare == "true"


def current_branch() -> str | None:
    """The checked-out branch; during a rebase, the branch being rebased; else None."""
    result = gitcmd.run("symbolic-ref", "--quiet", "--short", "HEAD")
    if result.code == 0:
        return decode(result.out).strip()
    git_dir, _ = repo_info()
    for state in ("rebase-merge", "rebase-apply"):
        try:
            with open(os.path.join(git_dir, state, "head-name"), encoding="utf-8") as f:
                head = f.read().strip()
        except OSError:
            continue
        return head.removeprefix("refs/heads/") if head.startswith("refs/heads/") else None
    return None


def resolve_commit(rev: str) -> str:
    """The full id of a commit, or GitError naming the revision."""
    if not rev or rev.startswith("-") or "\n" in rev:
        raise GitError(f"unknown revision {rev!r}: name a commit, branch or tag")
    result = gitcmd.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.code:
        repo_info()  # a clearer error when this is no repository at all
        raise GitError(f"unknown revision {rev!r}: fetch it or check the name (git log {rev})")
    return decode(result.out).strip()


# The policy file at a commit (or ":" for the index), read without the engine.
read_policy_at = policy_source.read_policy_at


def ident(kind: str) -> tuple[str, str]:
    """(name, e-mail) git would record now for GIT_AUTHOR_IDENT or GIT_COMMITTER_IDENT."""
    raw = decode(gitcmd.git("var", kind)).strip()
    name, _, rest = raw.partition(" <")
    return name, rest.partition(">")[0]


def message_trailers(message: bytes) -> list[tuple[str, str]]:
    """(key, value) trailers of a message, parsed by git itself (comments ignored)."""
    out = decode(gitcmd.git("interpret-trailers", "--parse", stdin=message))
    pairs = []
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            pairs.append((key.strip(), value.strip()))
    return pairs


def message_evidence(message: bytes, trailer: str) -> Evidence:
    """What a message about to be committed, and the identities git would use, say."""
    trailers = message_trailers(message)

    def values(key: str) -> tuple[str, ...]:
        return tuple(v for k, v in trailers if k.lower() == key.lower())

    author_name, author_email = ident("GIT_AUTHOR_IDENT")
    committer_name, committer_email = ident("GIT_COMMITTER_IDENT")
    return Evidence(
        trailer_values=values(trailer),
        author_name=author_name,
        author_email=author_email,
        committer_name=committer_name,
        committer_email=committer_email,
        coauthors=values("Co-authored-by"),
        assisted_by=values("Assisted-by"),
    )


def add_trailer(message_file: str, key: str, value: str) -> None:
    """Add `key: value` to a message file with git's own trailer rules, unless `key` is there.

    An existing trailer with the key (naming another agent, say) is left for
    the check to judge, never overwritten.
    """
    # `git merge -m MSG` writes MERGE_MSG without a final newline, and git then
    # glues the trailer to the last line, where it is no trailer at all.
    with open(message_file, "rb+") as f:
        message = f.read()
        if message and not message.endswith(b"\n"):
            f.write(b"\n")
    gitcmd.git(
        "interpret-trailers",
        "--in-place",
        "--if-exists",
        "doNothing",
        "--trailer",
        f"{key}: {value}",
        "--end-of-options",
        message_file,
    )


# --- changed paths -----------------------------------------------------------

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


class StagedChange(NamedTuple):
    paths: tuple[str, ...]
    path_lines: Mapping[str, int] | None  # added + deleted lines of each path, when counted

    @property
    def lines(self) -> int | None:
        return None if self.path_lines is None else sum(self.path_lines.values())


def numstat_entry(token: bytes) -> tuple[int, bytes] | None:
    """(added + deleted, path) of a `--numstat -z` entry, None if it is not one."""
    added, tab, rest = token.partition(b"\t")
    deleted, tab2, path = rest.partition(b"\t")
    if not (tab and tab2 and path):
        return None
    if added == deleted == b"-":  # binary file
        return 0, path
    if added.isdigit() and deleted.isdigit():
        return int(added) + int(deleted), path
    return None


def _parse_diff(tokens: Sequence[bytes]) -> tuple[list[str], dict[str, int]]:
    paths: list[str] = []
    path_lines: dict[str, int] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i].removeprefix(b"\n")
        if token.startswith(b":"):
            paths.append(decode(tokens[i + 1]))
            i += 2
            continue
        counted = numstat_entry(token)
        if counted is not None:
            path = decode(counted[1])
            path_lines[path] = path_lines.get(path, 0) + counted[0]
        i += 1
    return paths, path_lines


def diff_index(base: str | None, *, count_lines: bool) -> StagedChange:
    """Paths staged against `base` (None: against the empty tree, for a first commit)."""
    against = base or empty_tree()
    args = ["diff-index", "--cached", *DIFF_ARGS]
    if count_lines:
        args.append("--numstat")
    out = gitcmd.git(*args, against, "--")
    tokens = [t for t in out.split(b"\0") if t]
    paths, path_lines = _parse_diff(tokens)
    return StagedChange(tuple(dict.fromkeys(paths)), path_lines if count_lines else None)


def empty_tree() -> str:
    return decode(gitcmd.git("hash-object", "-t", "tree", "--stdin", stdin=b"")).strip()


def head() -> str | None:
    result = gitcmd.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return decode(result.out).strip() if result.code == 0 else None


def parents(rev: str) -> list[str]:
    """The parents of commit `rev`, first parent first (none for a root commit)."""
    out = decode(gitcmd.git("rev-list", "--parents", "--max-count=1", rev, "--"))
    return out.split()[1:]


def merge_heads(git_dir: str) -> list[str]:
    """Commits being merged (MERGE_HEAD), when a merge is being concluded."""
    try:
        with open(os.path.join(git_dir, "MERGE_HEAD"), encoding="ascii") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []
