"""Small named git queries, one git call each; failures become GitError with a fix."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from agentowners import commit_start, gitcmd
from agentowners.actor import Evidence
from agentowners.commit_start import CommitStart
from agentowners.errors import GitError
from agentowners.gitcmd import decode
from agentowners.worktree import rebased_branch


def repo_info(cwd: str | None = None) -> tuple[str, bool]:
    """(the git directory, whether the repository is bare); fails outside a repository."""
    result = gitcmd.run("rev-parse", "--absolute-git-dir", "--is-bare-repository", cwd=cwd)
    if result.code:
        raise GitError("not a git repository (or git cannot read it): run this inside a repository")
    git_dir, bare = decode(result.out).splitlines()[:2]
    return git_dir, bare == "true"


def current_branch(cwd: str | None = None) -> str | None:
    """The checked-out branch; during a rebase, the branch being rebased; else None."""
    result = gitcmd.run("symbolic-ref", "--quiet", "--short", "HEAD", cwd=cwd)
    if result.code == 0:
        return decode(result.out).strip()
    git_dir, _ = repo_info(cwd)
    return rebased_branch(git_dir)


def is_branch_name(name: str) -> bool:
    """Whether git accepts `name` as a branch name (no `..`, `*`, control characters...)."""
    return gitcmd.run("check-ref-format", "--branch", name).code == 0


def resolve_commit(rev: str) -> str:
    """The full id of a commit, or GitError naming the revision."""
    if not rev or rev.startswith("-") or "\n" in rev:
        raise GitError(f"unknown revision {rev!r}: name a commit, branch or tag")
    result = gitcmd.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.code:
        repo_info()  # a clearer error when this is no repository at all
        gitcmd.require_version()  # before 2.30 rev-parse refuses --end-of-options, silently
        raise GitError(f"unknown revision {rev!r}: fetch it or check the name (git log {rev})")
    return decode(result.out).strip()


def ident(kind: str) -> tuple[str, str]:
    """(name, e-mail) git would record now for GIT_AUTHOR_IDENT or GIT_COMMITTER_IDENT."""
    raw = decode(gitcmd.git("var", kind)).strip()
    name, _, rest = raw.partition(" <")
    return name, rest.partition(">")[0]


_LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t\r\f\v]*\n)+")


def trailer_value(raw: str) -> str:
    """A trailer value with its whitespace normalised.

    An unfolded value keeps the CR of a CRLF line in a commit made with
    `--cleanup=verbatim` and loses it otherwise; both must read the same.
    """
    return " ".join(raw.split())


def message_trailers(message: bytes) -> list[tuple[str, str]]:
    """(key, value) trailers of a message, parsed by git itself (comments ignored).

    `--no-divider`: a `---` line is part of a commit message, and git reads a
    commit's trailers (`%(trailers)`, which `history` and so CI use) without
    stopping there; stopping would judge a commit by other trailers at commit
    time than in CI.
    """
    # git skips blank lines before the subject when it reads a commit (and the
    # message cleanup drops them): the first text is the subject, never trailers.
    message = _LEADING_BLANK_LINES.sub(b"", message)
    out = decode(gitcmd.git("interpret-trailers", "--parse", "--no-divider", stdin=message))
    pairs = []
    for line in out.split("\n"):  # not splitlines(): a CR in an unfolded value is no line end
        key, sep, value = line.partition(":")
        if sep:
            pairs.append((key.strip(), trailer_value(value)))
    return pairs


# A line that may be a comment: it starts with one of the characters
# `core.commentChar = auto` picks from ("#", the default, first).
_COMMENT_LINE = re.compile(rb"^[#;@!$%^&|:]", re.M)
# `git commit -v` puts the diff below this line; git cuts there before cleaning up.
_SCISSORS_LINE = re.compile(rb"^[#;@!$%^&|:] -{24} >8 -{24}$", re.M)


def message_as_stored(message: bytes, *, strips_comments: Callable[[], bool]) -> bytes:
    """The message as git will store it, as far as its trailers can tell.

    git deletes comment lines after the hooks ran when its cleanup mode is
    `strip` (`strips_comments()` says whether it will), and that can change
    the trailers: a comment line between a trailer and its continuation line
    splits them, and after leading comment lines the next paragraph becomes
    the subject. So a message with comment lines is read as stripped when git
    will strip it, by git itself (it knows the comment character);
    `strips_comments()` is asked only for such a message.
    """
    if not _COMMENT_LINE.search(message) or not strips_comments():
        return message
    scissors = _SCISSORS_LINE.search(message)
    kept = message[: scissors.start()] if scissors else message
    return gitcmd.git("stripspace", "--strip-comments", stdin=kept)


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
    # `--no-divider`: without it git puts the trailer above a `---` line, where
    # `%(trailers)` and so every later check would not find it.
    gitcmd.git(
        "interpret-trailers",
        "--in-place",
        "--no-divider",
        "--if-exists",
        "doNothing",
        "--trailer",
        f"{key}: {value}",
        "--end-of-options",
        message_file,
    )


# --- changed paths -----------------------------------------------------------


class StagedChange(NamedTuple):
    paths: tuple[str, ...]
    path_lines: Mapping[str, int] | None  # added + deleted lines of each path, when counted

    @property
    def lines(self) -> int | None:
        return None if self.path_lines is None else sum(self.path_lines.values())


class LineCounts(NamedTuple):
    added: int | None  # None for a binary file
    deleted: int | None
    path: bytes


def numstat_counts(token: bytes) -> LineCounts | None:
    """The counts of a `--numstat -z` entry, None if it is not one."""
    added, tab, rest = token.partition(b"\t")
    deleted, tab2, path = rest.partition(b"\t")
    if not (tab and tab2 and path):
        return None
    if added == deleted == b"-":  # binary file
        return LineCounts(None, None, path)
    if added.isdigit() and deleted.isdigit():
        return LineCounts(int(added), int(deleted), path)
    return None


def numstat_entry(token: bytes) -> tuple[int, bytes] | None:
    """(added + deleted, path) of a `--numstat -z` entry (0 for a binary file), or None."""
    counts = numstat_counts(token)
    if counts is None:
        return None
    return (counts.added or 0) + (counts.deleted or 0), counts.path


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


def diff_index(
    base: str | None, *, count_lines: bool, begun: CommitStart | None = None
) -> StagedChange:
    """Paths staged against `base` (None: against the empty tree, for a first commit).

    From the diff a commit-time hook started early (`begun`) when it is this one.
    """
    args = commit_start.diff_index_args(base or empty_tree(), count_lines=count_lines)
    out = begun.diff_output(args) if begun is not None else gitcmd.git(*args)
    tokens = [t for t in out.split(b"\0") if t]
    paths, path_lines = _parse_diff(tokens)
    return StagedChange(tuple(dict.fromkeys(paths)), path_lines if count_lines else None)


def first_parent_line(revisions: Sequence[str]) -> set[str]:
    """The commits of `git log REVISIONS` that are on the tips' first-parent line."""
    out = gitcmd.git("rev-list", "--first-parent", "--end-of-options", *revisions, "--")
    return set(decode(out).split())


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


# --- trees and the work tree (sessions) ---------------------------------------

GITLINK_MODE = "160000"  # a submodule's commit recorded in a tree


def toplevel() -> str:
    """The top directory of the work tree; a bare repository has none."""
    result = gitcmd.run("rev-parse", "--show-toplevel")
    if result.code or not result.out.strip():
        repo_info()  # a clearer error when this is no repository at all
        raise GitError("this repository has no work tree (it is bare): run this in a checkout")
    return decode(result.out).rstrip("\n")


def index_file() -> str:
    """The index file git uses here: a linked worktree's own, or GIT_INDEX_FILE's."""
    return os.path.abspath(decode(gitcmd.git("rev-parse", "--git-path", "index")).rstrip("\n"))


def is_ancestor(ancestor: str, descendant: str) -> bool:
    return gitcmd.run("merge-base", "--is-ancestor", ancestor, descendant).code == 0


class PathChange(NamedTuple):
    """One path that differs between two trees (a rename is a deletion plus an addition)."""

    path: str
    status: str  # A(dded), D(eleted), M(odified) or T(ype changed), as `git diff --raw` says
    old_mode: str  # "000000" when added
    new_mode: str  # "000000" when deleted
    added: int | None  # lines; None for a binary file
    deleted: int | None


def tree_changes(old: str, new: str) -> list[PathChange]:
    """Every path that differs between two trees, with its line counts, sorted by path."""
    out = gitcmd.git("diff-tree", "-r", *gitcmd.DIFF_ARGS, "--numstat", old, new, "--")
    tokens = [t.removeprefix(b"\n") for t in out.split(b"\0")]
    raw: dict[str, tuple[str, str, str]] = {}
    counts: dict[str, tuple[int | None, int | None]] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith(b":"):
            old_mode, new_mode, _, _, status = decode(token[1:]).split()
            raw[decode(tokens[i + 1])] = (status[0], old_mode, new_mode)
            i += 2
            continue
        counted = numstat_counts(token)
        if counted is not None:
            counts[decode(counted.path)] = (counted.added, counted.deleted)
        i += 1
    return [
        PathChange(path, status, old_mode, new_mode, *counts.get(path, (0, 0)))
        for path, (status, old_mode, new_mode) in sorted(raw.items())
    ]


class TreeEntry(NamedTuple):
    mode: str
    kind: str  # blob, tree (never with -r) or commit (a submodule)
    oid: str


def tree_entries(tree: str) -> dict[str, TreeEntry]:
    """Every file of a tree (recursively), by repository path."""
    entries: dict[str, TreeEntry] = {}
    for record in gitcmd.git("ls-tree", "-r", "-z", "--full-tree", tree).split(b"\0"):
        meta, tab, path = record.partition(b"\t")
        if tab:
            mode, kind, oid = decode(meta).split()
            entries[decode(path)] = TreeEntry(mode, kind, oid)
    return entries
