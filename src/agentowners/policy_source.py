"""Where the policy in force is, and its raw bytes: one git call when HEAD has one.

Hooks run on every commit, and most repositories that install them may not
have a policy yet. This module answers "is there a policy?" importing only
the git helper: no TOML parser, no pathspec, no engine (SPEC §2: a repository
with no policy passes with one line saying so).
"""

from __future__ import annotations

from agentowners import gitcmd
from agentowners.errors import GitError
from agentowners.records import Record

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Sequence

POLICY_FILE = ".agentowners.toml"


# Plain classes, not NamedTuples: importing `typing` costs a hook without a policy 2 ms.


class GitObject(Record):
    __slots__ = ("data", "kind", "oid")

    def __init__(self, oid: str, kind: str, data: bytes) -> None:
        self.oid = oid
        self.kind = kind  # "commit", "tree", "blob" or "tag"
        self.data = data


class PolicySource(Record):
    __slots__ = ("head", "raw", "where")

    def __init__(self, raw: bytes | None, where: str, head: str | None = None) -> None:
        self.raw = raw  # the policy file's bytes, None when there is none
        self.where = where  # where it was looked for, for messages: "at HEAD", "in the index"
        self.head = head  # HEAD's commit when it was read with it


_READ = ("cat-file", "--batch")


def start_reading(specs: Sequence[str], cwd: str | None = None) -> gitcmd.Started:
    """The git call read_objects(specs) makes, started now (see its `started`)."""
    if any("\n" in spec for spec in specs):
        raise GitError("an object name cannot contain a newline")
    stdin = "".join(f"{spec}\n" for spec in specs).encode()
    return gitcmd.start(*_READ, stdin=stdin, cwd=cwd)


def read_objects(
    specs: Sequence[str], cwd: str | None = None, *, started: gitcmd.Started | None = None
) -> list[GitObject | None]:
    """Each object named by `specs` (`REV`, `REV:PATH`, `:PATH`), None when it does not exist.

    One `git cat-file --batch` for all of them; `started`: the one
    start_reading(specs) began, when it did.
    """
    out = gitcmd.output(_READ, (started or start_reading(specs, cwd)).finish())
    found: list[GitObject | None] = []
    for spec in specs:
        header, _, out = out.partition(b"\n")
        parts = header.split()
        if len(parts) == 3 and parts[2].isdigit():
            size = int(parts[2])
            found.append(GitObject(parts[0].decode(), parts[1].decode(), out[:size]))
            out = out[size + 1 :]  # the content is followed by a newline
        elif header.endswith((b" missing", b" ambiguous")):
            found.append(None)
        else:
            raise GitError(f"git cat-file printed an unexpected line for {spec!r}: {header!r}")
    return found


def policy_blob(obj: GitObject | None, spec: str) -> bytes | None:
    """The bytes of a policy file object; a policy path that is no file is an error."""
    if obj is None:
        return None
    if obj.kind != "blob":
        raise GitError(f"{spec} is not a file")
    return obj.data


def read_policy_at(rev: str, cwd: str | None = None) -> bytes | None:
    """The policy file as committed at `rev` (or the index for ":"); None if it has none."""
    if rev == ":":
        return index_policy(cwd)
    spec = f"{rev}:{POLICY_FILE}"
    (found,) = read_objects([spec], cwd)
    if found is None:
        confirm_absent(spec, cwd)
    return policy_blob(found, spec)


def index_policy(cwd: str | None = None) -> bytes | None:
    """The policy file staged in the index (stage 0); None when the index has none.

    `git ls-files --stage` tells a path the index lacks from a staged blob
    that is missing, which `cat-file` calls "missing" alike: an index without
    a policy is told so by one git call, a staged one read with a second.
    """
    pathspec = f":(top,literal){POLICY_FILE}"  # whatever the current directory
    listed = gitcmd.git("ls-files", "--stage", "--full-name", "-z", "--", pathspec, cwd=cwd)
    for entry in listed.split(b"\0"):
        info, _, path = entry.partition(b"\t")
        mode, _, rest = info.partition(b" ")
        oid, _, stage = rest.partition(b" ")
        if path.decode(errors="replace") != POLICY_FILE or stage != b"0":
            continue  # a path below a directory of that name, or a conflict's side
        spec = f":{POLICY_FILE}"
        if mode == b"160000":  # a submodule: its commit is not in this repository
            raise GitError(f"{spec} is not a file")
        (blob,) = read_objects([oid.decode()], cwd)
        if blob is None:
            raise GitError(
                f"{spec} is in the index but its object is missing: the repository is "
                "corrupt or incomplete (run git fsck; fetch again)"
            )
        return policy_blob(blob, spec)
    return None


def confirm_absent(spec: str, cwd: str | None = None, *, root: GitObject | None = None) -> None:
    """Raise unless `REV:PATH`, which cat-file called missing, is really not in the tree.

    cat-file says "missing" both when the tree has no such path and when the
    path's object is gone (a corrupt or incomplete repository); only the first
    may pass as "no policy". `root`, REV's root tree read in the same batch
    (`REV^{tree}`), answers it with no more git calls: a repository without a
    policy is told so by one. Without it, it costs a git call.
    """
    if root is not None and root.kind == "tree":
        listed = _lists(root, spec.rpartition(":")[2])
    else:
        listed = gitcmd.run("rev-parse", "--verify", "--quiet", spec, cwd=cwd).code == 0
    if listed:
        raise GitError(
            f"{spec} is in the tree but its object is missing: the repository is "
            "corrupt or incomplete (run git fsck; fetch again)"
        )


def _lists(tree: GitObject, name: str) -> bool:
    """Whether `tree`'s own entries (git's raw tree format) include `name`."""
    entries, wanted, oid_size = tree.data, name.encode(), len(tree.oid) // 2
    start = 0
    while start < len(entries):  # each entry: MODE SP NAME NUL OID (binary)
        end = entries.index(b"\0", start)
        if entries[entries.index(b" ", start) + 1 : end] == wanted:
            return True
        start = end + 1 + oid_size
    return False


# HEAD, its policy file and its root tree: what commit_time_policy reads.
AT_HEAD = ("HEAD", f"HEAD:{POLICY_FILE}", "HEAD^{tree}")


def commit_time_policy(
    cwd: str | None = None, *, started: gitcmd.Started | None = None
) -> PolicySource:
    """The policy commit-time hooks enforce: HEAD's, or the index's before a first commit.

    Never the work tree's or the index's when HEAD exists: a change must not
    bring the rules it is judged by (SPEC §5, "Which policy is in force").
    `started`: start_reading(AT_HEAD, cwd), when it was begun.
    """
    # The index only when needed: reading it costs git ~10 ms per 100,000 files,
    # more than the rest of this call; a second call before the first commit
    # is cheaper than that on every commit.
    head, head_policy, root = read_objects(AT_HEAD, cwd, started=started)
    at_head = AT_HEAD[1]
    if head is None:
        return PolicySource(index_policy(cwd), "in the index")
    if head_policy is None:
        confirm_absent(at_head, cwd, root=root)
    return PolicySource(policy_blob(head_policy, at_head), "at HEAD", head.oid)


def no_policy_line(where: str) -> str:
    """The one line a check prints when there is no policy (`where`: "at HEAD", …)."""
    return f"agentowners: no {POLICY_FILE} {where}: nothing to check (run `agentowners init`)"
