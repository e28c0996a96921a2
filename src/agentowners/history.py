"""Commits of a revision range with their changed paths, streamed from one `git log`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from agentowners import gitcmd, shallow
from agentowners.actor import Evidence
from agentowners.errors import GitError
from agentowners.git import DIFF_ARGS, decode, numstat_entry, trailer_value

_TRAILER_SEPARATOR = b"\x1f"


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    timestamp: int
    subject: str
    evidence: Evidence
    paths: tuple[str, ...]  # for a merge: the paths that differ from every parent
    lines: int | None  # added + deleted lines when counted

    @property
    def short(self) -> str:
        return self.sha[:10]


def _format(trailer: str) -> str:
    def trailers(key: str) -> str:
        return f"%(trailers:key={key},valueonly,unfold,separator=%x1f)"

    fields = (
        "%H", "%P", "%ct", "%an", "%ae", "%cn", "%ce", "%s",
        trailers(trailer), trailers("Co-authored-by"), trailers("Assisted-by"),
    )  # fmt: skip
    return "%x00".join(fields) + "%x00"


_HEADER_FIELDS = 11


def _split_trailers(raw: bytes) -> tuple[str, ...]:
    return tuple(trailer_value(decode(v)) for v in raw.split(_TRAILER_SEPARATOR) if v.strip())


def _commit(header: Sequence[bytes], paths: list[str], lines: int | None) -> Commit:
    sha, parents, timestamp, an, ae, cn, ce, subject, agent, coauthors, assisted = header
    return Commit(
        sha=decode(sha),
        parents=tuple(decode(parents).split()),
        timestamp=int(timestamp or 0),
        subject=decode(subject),
        evidence=Evidence(
            trailer_values=_split_trailers(agent),
            author_name=decode(an),
            author_email=decode(ae),
            committer_name=decode(cn),
            committer_email=decode(ce),
            coauthors=_split_trailers(coauthors),
            assisted_by=_split_trailers(assisted),
        ),
        paths=tuple(dict.fromkeys(paths)),
        lines=lines,
    )


def commits(revisions: Sequence[str], *, trailer: str, count_lines: bool) -> Iterator[Commit]:
    """Every commit `git log REVISIONS` lists, newest first, one at a time.

    One git process for the whole range. Merges are shown as combined diffs
    (`-c`), which list exactly the paths that differ from every parent: the
    merge's own edits and conflict resolutions, not the history it brings in.
    A commit whose parents a shallow clone lacks fails closed (GitError).
    """
    for commit in _logged(revisions, trailer=trailer, count_lines=count_lines):
        # git shows such a commit without parents, so its diff would be its
        # whole tree: every file "changed". Only a parentless commit can be one.
        if not commit.parents and shallow.cut_among([commit.sha]):
            raise shallow.cut_error(commit.sha, "its parents are missing, so what it changed")
        yield commit


def _logged(revisions: Sequence[str], *, trailer: str, count_lines: bool) -> Iterator[Commit]:
    args = ["log", "--root", "-c", *DIFF_ARGS, f"--format={_format(trailer)}"]
    if count_lines:
        args.append("--numstat")
    tokens = gitcmd.stream(*args, "--end-of-options", *revisions, "--")
    header: list[bytes] = []
    paths: list[str] = []
    lines = 0
    merge_numstat: dict[str, int] = {}
    for token in tokens:
        if len(header) < _HEADER_FIELDS:
            header.append(token)
            continue
        if not token:
            continue
        body = token.removeprefix(b"\n")
        if body.startswith(b":"):
            paths.append(decode(next(tokens)))
            continue
        counted = numstat_entry(body) if count_lines else None
        if counted is not None:
            # For a merge git's numstat is against the first parent: keep it per
            # path and count only the paths of the combined diff.
            merge_numstat[decode(counted[1])] = counted[0]
            lines += counted[0]
            continue
        yield _finish(header, paths, lines, merge_numstat, count_lines)
        header, paths, lines, merge_numstat = [body], [], 0, {}
    if header:
        yield _finish(header, paths, lines, merge_numstat, count_lines)


def _finish(
    header: list[bytes],
    paths: list[str],
    lines: int,
    numstat: dict[str, int],
    count_lines: bool,
) -> Commit:
    if len(header) != _HEADER_FIELDS:
        raise GitError("git log printed a commit this version cannot read")
    is_merge = len(header[1].split()) > 1
    if not count_lines:
        return _commit(header, paths, None)
    if is_merge:
        lines = sum(numstat.get(path, 0) for path in paths)
    return _commit(header, paths, lines)
