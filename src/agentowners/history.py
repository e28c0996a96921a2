"""Commits of a revision range with their changed paths, streamed from one `git log`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from agentowners import gitcmd, shallow
from agentowners.actor import Evidence
from agentowners.errors import GitError
from agentowners.git import numstat_entry, trailer_value
from agentowners.gitcmd import decode


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


# Every header field starts with this byte, so that no field is empty. Inside a
# record git then writes at most two NULs in a row (a merge's combined diff
# follows the header after an empty line, "\0" under -z); paths and entries are
# never empty. The format starts with two NULs, which after the NUL ending the
# previous record make three: the record separator.
_FIELD_MARK = b"+"
_FIELD_SEPARATOR = "\0+"
_RECORD_SEPARATOR = b"\0\0\0"


def _format(trailer: str) -> str:
    def trailers(key: str) -> str:
        return f"%(trailers:key={key},valueonly,unfold,separator=%x1f)"

    fields = (
        "%H", "%P", "%ct", "%an", "%ae", "%cn", "%ce", "%s",
        trailers(trailer), trailers("Co-authored-by"), trailers("Assisted-by"),
    )  # fmt: skip
    mark = _FIELD_MARK.decode()
    return "%x00%x00" + "%x00".join(f"{mark}{field}" for field in fields)


_HEADER_FIELDS = 11
_TRAILER_SEPARATOR = "\x1f"


def _split_trailers(values: str) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(value for value in map(trailer_value, values.split(_TRAILER_SEPARATOR)) if value)


def _unreadable() -> GitError:
    return GitError("git log printed a commit this version cannot read")


def _commit(record: bytes, count_lines: bool) -> Commit:
    """One record: the header fields, then `--raw` entries (and `--numstat` lines)."""
    fields = record.strip(b"\0").split(b"\0")
    last = _HEADER_FIELDS - 1
    if (
        len(fields) < _HEADER_FIELDS
        or fields[0][:1] != _FIELD_MARK
        or fields[last][:1] != _FIELD_MARK
    ):
        raise _unreadable()
    # One decode for the header; no field holds a NUL, so "\0+" only separates them.
    header = decode(b"\0".join(fields[:_HEADER_FIELDS]))[1:]
    sha, parents, timestamp, an, ae, cn, ce, subject, agent, coauthors, assisted = header.split(
        "\0" + _FIELD_MARK.decode()
    )
    # The diff follows an empty line: "\n" before raw entries, "" (a NUL) before
    # a merge's combined diff.
    diff = fields[_HEADER_FIELDS:]
    if diff and not diff[0]:
        del diff[0]
    if diff:
        diff[0] = diff[0].removeprefix(b"\n")
    paths, lines = _changes(diff, count_lines, merge=" " in parents)
    return Commit(
        sha=sha,
        parents=tuple(parents.split()),
        timestamp=int(timestamp or 0),
        subject=subject,
        evidence=Evidence(
            trailer_values=_split_trailers(agent),
            author_name=an,
            author_email=ae,
            committer_name=cn,
            committer_email=ce,
            coauthors=_split_trailers(coauthors),
            assisted_by=_split_trailers(assisted),
        ),
        paths=tuple(dict.fromkeys(paths)),
        lines=lines,
    )


def _changes(diff: list[bytes], count_lines: bool, merge: bool) -> tuple[list[str], int | None]:
    """Paths of the `--raw` entries (`:meta`, path), and the `--numstat` line count."""
    if not count_lines:
        # Only raw entries: metadata and path alternate.
        if len(diff) % 2 or not all(meta.startswith(b":") for meta in diff[::2]):
            raise _unreadable()
        return [decode(path) for path in diff[1::2]], None
    paths: list[str] = []
    counted: dict[str, int] = {}
    tokens = iter(diff)
    for token in tokens:
        if token.startswith(b":"):
            paths.append(decode(next(tokens, b"")))
            continue
        entry = numstat_entry(token)
        if entry is None:
            raise _unreadable()
        counted[decode(entry[1])] = entry[0]
    if merge:
        # For a merge, git's numstat is against the first parent: count only
        # the paths of the combined diff, the merge's own changes.
        return paths, sum(counted.get(path, 0) for path in paths)
    return paths, sum(counted.values())


def commits(revisions: Sequence[str], *, trailer: str, count_lines: bool) -> Iterator[Commit]:
    """Every commit `git log REVISIONS` lists, newest first, one at a time.

    One git process for the whole range, read as it runs. Merges are shown as
    combined diffs (`-c`), which list exactly the paths that differ from every
    parent: the merge's own edits and conflict resolutions, not the history it
    brings in. A commit whose parents a shallow clone lacks fails closed (GitError).
    """
    for commit in _logged(revisions, trailer=trailer, count_lines=count_lines):
        # git shows such a commit without parents, so its diff would be its
        # whole tree: every file "changed". Only a parentless commit can be one.
        if not commit.parents and shallow.cut_among([commit.sha]):
            raise shallow.cut_error(commit.sha, "its parents are missing, so what it changed")
        yield commit


def _logged(revisions: Sequence[str], *, trailer: str, count_lines: bool) -> Iterator[Commit]:
    args = ["log", "--root", "-c", *gitcmd.DIFF_ARGS, f"--format={_format(trailer)}"]
    if count_lines:
        args.append("--numstat")
    records = gitcmd.stream(
        *args, "--end-of-options", *revisions, "--", separator=_RECORD_SEPARATOR
    )
    for record in records:
        if record.strip(b"\0"):  # the output starts with (part of) a separator
            yield _commit(record, count_lines)
