"""Small named git queries, one git call each; failures become GitError with a fix."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import NamedTuple

from agentowners import gitcmd
from agentowners.actor import Evidence
from agentowners.errors import GitError
from agentowners.policy import POLICY_FILE

# All-zero object ids of SHA-1 and SHA-256 repositories: "no commit" in hook input.
ZERO_IDS = frozenset({"0" * 40, "0" * 64})


def is_zero(oid: str) -> bool:
    return oid in ZERO_IDS


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
        raise GitError(f"unknown revision {rev!r}: fetch it or check the name (git log {rev})")
    return decode(result.out).strip()


def read_policy_at(rev: str) -> bytes | None:
    """The policy file as committed at `rev` (or the index for ":"); None if it has none."""
    spec = f"{rev}:{POLICY_FILE}" if rev != ":" else f":{POLICY_FILE}"
    out = gitcmd.git("cat-file", "--batch", stdin=spec.encode() + b"\n")
    header, _, body = out.partition(b"\n")
    if header.endswith(b" missing") or header.endswith(b" ambiguous"):
        # cat-file says "missing" both when the tree has no such file and when
        # the file's object is gone; only the first means "no policy".
        if gitcmd.run("rev-parse", "--verify", "--quiet", spec).code == 0:
            raise GitError(
                f"{spec} is in the tree but its object is missing: the repository is "
                "corrupt or incomplete (run git fsck; fetch again)"
            )
        return None
    parts = header.split()
    if len(parts) != 3 or parts[1] != b"blob":
        raise GitError(f"{spec} is not a file")
    return body[: int(parts[2])]


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
    lines: int | None


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


def _parse_diff(tokens: Sequence[bytes]) -> tuple[list[str], int]:
    paths: list[str] = []
    lines = 0
    i = 0
    while i < len(tokens):
        token = tokens[i].removeprefix(b"\n")
        if token.startswith(b":"):
            paths.append(decode(tokens[i + 1]))
            i += 2
            continue
        counted = numstat_entry(token)
        if counted is not None:
            lines += counted[0]
        i += 1
    return paths, lines


def diff_index(base: str | None, *, count_lines: bool) -> StagedChange:
    """Paths staged against `base` (None: against the empty tree, for a first commit)."""
    against = base or empty_tree()
    args = ["diff-index", "--cached", *DIFF_ARGS]
    if count_lines:
        args.append("--numstat")
    out = gitcmd.git(*args, against, "--")
    tokens = [t for t in out.split(b"\0") if t]
    paths, lines = _parse_diff(tokens)
    return StagedChange(tuple(dict.fromkeys(paths)), lines if count_lines else None)


def empty_tree() -> str:
    return decode(gitcmd.git("hash-object", "-t", "tree", "--stdin", stdin=b"")).strip()


def shallow_commits() -> frozenset[str]:
    """Commits whose parents this (shallow) clone lacks; git lists them in `shallow`."""
    path = decode(gitcmd.git("rev-parse", "--git-path", "shallow")).strip()
    try:
        with open(path, encoding="ascii") as f:
            return frozenset(line.strip() for line in f if line.strip())
    except FileNotFoundError:
        return frozenset()


def head() -> str | None:
    result = gitcmd.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return decode(result.out).strip() if result.code == 0 else None


def merge_heads(git_dir: str) -> list[str]:
    """Commits being merged (MERGE_HEAD), when a merge is being concluded."""
    try:
        with open(os.path.join(git_dir, "MERGE_HEAD"), encoding="ascii") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []
