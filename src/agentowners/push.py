"""What a push lands where, and the policy each landing is judged by (SPEC §5).

Shared by the three push front ends: the `check-agent-push` hook under
pre-commit, `agentowners pre-push` (git's own pre-push input, every ref) and
`agentowners pre-receive` on the server. Given the ref updates of a push:

* deleted refs are skipped (an all-zero id, SHA-1 or SHA-256 length);
* only branches (`refs/heads/…`) are judged. Tags and other refs land no
  commit on any branch, and a branch that later takes their commits checks
  every commit it does not already have, so a tag cannot smuggle commits in;
* the branch judged is the *destination* (the remote ref), never the local one;
* an existing destination: the commits `new ^old` (after a force push, only
  the new ones), with the policy as committed at `old`;
* a new destination (or one whose old tip the pusher does not have): every
  commit of `new` not reachable from the receiving side's default branch
  (its HEAD), even commits it already has under another branch, with the
  policy of the newest pushed commit the receiver already has, else of its
  default branch;
* `--policy-ref REV` replaces the policy's commit for every update.

Planning needs git plumbing only (this module imports no engine), so that a
push to a repository without any policy is answered before the engine loads.
"""

from __future__ import annotations

from agentowners import gitcmd, policy_source, shallow
from agentowners.errors import EXIT_OK, GitError, UsageError
from agentowners.records import Record

TYPE_CHECKING = False  # not typing's, nor collections.abc at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Protocol

    class Receiver(Protocol):
        """The side that receives the push, as far as this repository can tell."""

        @property
        def known(self) -> tuple[str, ...]:
            """`git log` arguments naming commits the receiver already has."""

        @property
        def default_tip(self) -> str | None:
            """The commit of the receiver's default branch (HEAD), when this repository has it."""


# All-zero object ids of SHA-1 and SHA-256 repositories: "no commit" in hook input.
NO_COMMIT = "0" * 40
ZERO_IDS = frozenset({NO_COMMIT, "0" * 64})
BRANCH_PREFIX = "refs/heads/"


def is_zero(oid: str) -> bool:
    return oid in ZERO_IDS


class RefUpdate(Record):
    __slots__ = ("new", "old", "remote_ref")

    def __init__(self, new: str, remote_ref: str, old: str | None) -> None:
        self.new = new  # the pushed commit (all zeros: the ref is deleted)
        self.remote_ref = remote_ref  # the destination ref on the receiving side
        self.old = old  # its current commit there (all zeros: new ref; None: unknown)


class PushCheck(Record):
    __slots__ = ("branch", "policy_rev", "revisions")

    def __init__(self, branch: str, revisions: tuple[str, ...], policy_rev: str | None) -> None:
        self.branch = branch  # the destination branch, without refs/heads/
        self.revisions = revisions  # `git log` arguments listing the commits to judge
        self.policy_rev = policy_rev  # the commit whose policy judges them; None: there is none


def _commit_oid(obj: policy_source.GitObject | None) -> str | None:
    return obj.oid if obj is not None and obj.kind == "commit" else None


def _newest_known(new: str, receiver: Receiver, also_known: Sequence[str]) -> str | None:
    """The newest commit of `new`'s history that the receiver already has.

    `new` itself when the receiver has it; else the newest boundary commit
    between the pushed commits and what the receiver has (its default branch
    included); else (the whole history is new to it) its default branch's tip.
    A shallow clone's cut among the commits new to the receiver fails closed:
    the receiver may have what lies beyond it, and a newer policy there.
    """
    tip = receiver.default_tip
    known = [*receiver.known, *also_known, *([tip] if tip else [])]
    out = gitcmd.git("log", "--boundary", "--format=%m %H %ct %P", new, "--not", *known, "--")
    commits = [line.split() for line in gitcmd.decode(out).splitlines()]
    if not commits:
        return new
    boundary = [fields for fields in commits if fields[0] == "-"]
    # Listed without parents: a root commit, or a cut (the only case that asks git more).
    parentless = [fields[1] for fields in commits if fields[0] != "-" and len(fields) == 3]
    cut = shallow.cut_among(parentless) if parentless else None
    if cut:
        raise shallow.cut_error(
            cut, "which pushed commits the remote already has, and so its policy,"
        )
    if not boundary:
        return tip
    # Newest by committer date; on a tie, the one git lists first.
    return max(boundary, key=lambda fields: int(fields[2]))[1]


class RevisionReads:
    """Revisions read with their policy file and root tree, and kept for the push.

    Planning asks which old tips this repository has, and the policy is most
    often read at one of them: one `git cat-file --batch` answers both.
    """

    __slots__ = ("_read",)

    def __init__(self) -> None:
        self._read: dict[str, list[policy_source.GitObject | None]] = {}

    def read(
        self, revs: Iterable[str], also: Sequence[str] = ()
    ) -> list[policy_source.GitObject | None]:
        """Read those of `revs` not read yet, and the objects `also` names (returned).

        One git call; none when there is nothing to read.
        """
        wanted = sorted({rev for rev in revs if rev not in self._read})
        if not wanted and not also:
            return []
        specs = [
            spec
            for rev in wanted
            for spec in (rev, f"{rev}:{policy_source.POLICY_FILE}", f"{rev}^{{tree}}")
        ]
        found = policy_source.read_objects([*also, *specs])
        for index, rev in enumerate(wanted):
            start = len(also) + 3 * index
            self._read[rev] = found[start : start + 3]
        return found[: len(also)]

    def is_commit(self, rev: str) -> bool:
        return _commit_oid(self._read[rev][0]) is not None

    def policy(self, rev: str) -> bytes | None:
        """The policy file as committed at `rev`; a missing commit is an error."""
        commit, policy, root = self._read[rev]
        if commit is None:
            raise GitError(f"unknown revision {rev!r}: fetch it or check the name (git log {rev})")
        spec = f"{rev}:{policy_source.POLICY_FILE}"
        if policy is None:
            policy_source.confirm_absent(spec, root=root)
        return policy_source.policy_blob(policy, spec)


def plan(
    updates: Sequence[RefUpdate],
    receiver: Receiver,
    *,
    policy_ref: str | None = None,
    reads: RevisionReads | None = None,
) -> list[PushCheck]:
    """One check per branch update: the commits to judge, the branch, the policy's commit."""
    branch_updates = [
        update
        for update in updates
        if not is_zero(update.new) and update.remote_ref.startswith(BRANCH_PREFIX)
    ]
    olds = [update.old for update in branch_updates if update.old and not is_zero(update.old)]
    if reads is None:
        reads = RevisionReads()
    reads.read(olds)
    have = {old for old in olds if reads.is_commit(old)}
    known_olds = sorted(have)
    checks = []
    for update in branch_updates:
        branch = update.remote_ref[len(BRANCH_PREFIX) :]
        if update.old in have:
            revisions: tuple[str, ...] = (update.new, f"^{update.old}")
            policy_rev: str | None = update.old
        else:
            tip = receiver.default_tip
            revisions = (update.new, f"^{tip}") if tip else (update.new,)
            policy_rev = _newest_known(update.new, receiver, known_olds)
        checks.append(PushCheck(branch, revisions, policy_ref or policy_rev))
    return checks


def read_policies(checks: Sequence[PushCheck], reads: RevisionReads) -> dict[str, bytes | None]:
    """The policy file at each check's commit (at most one git call)."""
    revs = sorted({check.policy_rev for check in checks if check.policy_rev})
    reads.read(revs)
    return {rev: reads.policy(rev) for rev in revs}


def check(
    updates: Sequence[RefUpdate],
    receiver: Receiver,
    *,
    policy_ref: str | None = None,
    fmt: str = "text",
    reads: RevisionReads | None = None,
) -> int:
    """Plan, read the policies, and (only when there is one) judge with the engine.

    `reads`: revisions already read with their policies (see pre_commit_update).
    """
    reads = reads or RevisionReads()
    checks = plan(updates, receiver, policy_ref=policy_ref, reads=reads)
    if not checks:
        print("agentowners: the push updates no branch (only deletions or tags): nothing to check")
        return EXIT_OK
    policies = read_policies(checks, reads)
    if not any(policies.values()):
        where = f"at {policy_ref}" if policy_ref else "in the commits the receiver has"
        print(policy_source.no_policy_line(where))
        return EXIT_OK
    from agentowners import engine  # the engine, imported only once a policy exists

    return engine.print_outcome(engine.check_push(checks, policies), fmt=fmt)


# --- the receiving side, as each front end sees it ----------------------------


class _AsksDefaultTipOnce:
    """A receiver whose default branch is looked up at most once, when first needed.

    (Not functools.cached_property: functools costs a push without a policy 1 ms.)
    """

    def __init__(self) -> None:
        self._default_tip: list[str | None] = []  # empty until asked

    @property
    def default_tip(self) -> str | None:
        if not self._default_tip:
            self._default_tip.append(self._find_default_tip())
        return self._default_tip[0]

    def _find_default_tip(self) -> str | None:
        raise NotImplementedError


class ThisRepository(_AsksDefaultTipOnce):
    """pre-receive: the repository receiving the push; its refs are not updated yet.

    Inside a pre-receive hook the pushed objects sit in a quarantine directory
    that git names in GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES;
    every git call inherits that environment and so sees them.
    """

    known = ("--all",)

    def _find_default_tip(self) -> str | None:
        result = gitcmd.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return gitcmd.decode(result.out).strip() if result.code == 0 else None


class PushRemote(_AsksDefaultTipOnce):
    """pre-push: a remote (a name, or a URL) as the pushing repository knows it.

    What it has: its remote-tracking branches. Its default branch: the
    `refs/remotes/<remote>/HEAD` that clone and `git remote set-head` write,
    else asked with `git ls-remote --symref` (never the local branch).
    """

    def __init__(self, remote: str) -> None:
        super().__init__()
        self.remote = remote
        self.known = (f"--remotes={remote}",)

    def tracking_ref(self, ref: str) -> str:
        """The remote-tracking ref of the remote's `ref` (`refs/heads/X` or HEAD)."""
        name = ref[len(BRANCH_PREFIX) :] if ref.startswith(BRANCH_PREFIX) else ref
        return f"refs/remotes/{self.remote}/{name}"

    def _tracking(self, ref: str) -> str | None:
        """The remote-tracking ref's commit for the remote's `ref`."""
        return _commit_oid(policy_source.read_objects([self.tracking_ref(ref)])[0])

    def ask(self, *patterns: str) -> tuple[dict[str, str], dict[str, str]]:
        """({ref: commit}, {symbolic ref: target}) as the remote itself advertises them."""
        out = gitcmd.git("ls-remote", "--symref", "--", self.remote, *patterns)
        refs: dict[str, str] = {}
        symrefs: dict[str, str] = {}
        for line in gitcmd.decode(out).splitlines():
            value, _, ref = line.partition("\t")
            if value.startswith("ref: "):
                symrefs[ref] = value[len("ref: ") :]
            else:
                refs[ref] = value
        return refs, symrefs

    def _find_default_tip(self) -> str | None:
        tip = self._tracking("HEAD")
        if tip is not None:
            return tip
        refs, symrefs = self.ask("HEAD")
        advertised = refs.get("HEAD")
        if advertised and _commit_oid(policy_source.read_objects([advertised])[0]):
            return advertised
        target = symrefs.get("HEAD")
        # Not fetched lately: the remote-tracking copy of its default branch is
        # older, so judging from it checks more commits, never fewer.
        return self._tracking(target) if target else None

    def old_tip(self, remote_ref: str, pushed_from: str | None, tracked: str | None) -> str:
        """The commit `remote_ref` has on the remote (all zeros when it has none).

        `pushed_from` is pre-commit's PRE_COMMIT_FROM_REF: the remote's old tip
        when it exists here, but for a new branch the parent of the first
        commit the remote lacks. It is taken as the old tip only when the
        remote-tracking branch (`tracked`: its commit, None without one)
        agrees; otherwise the remote is asked.
        """
        if pushed_from and tracked == pushed_from:
            return pushed_from
        refs, _ = self.ask(remote_ref)
        return refs.get(remote_ref, NO_COMMIT)


# --- reading each front end's input --------------------------------------------


# The fields of each hook's input lines (githooks(5)), the update's own names.
_HOOK_FIELDS = {
    "pre-push": ("local_ref", "new", "remote_ref", "old"),
    "pre-receive": ("old", "new", "remote_ref"),
}


def read_updates(lines: Iterable[str], hook: str) -> list[RefUpdate]:
    """The ref updates of git's `pre-push` or `pre-receive` input, one per line."""
    names = _HOOK_FIELDS[hook]
    updates = []
    for line in lines:
        if not line.strip():
            continue
        # Only a pre-push local ref (a revision as typed) may hold blanks: it comes first.
        fields = dict(zip(names, line.rsplit(maxsplit=len(names) - 1)))
        if len(fields) != len(names):
            raise UsageError(
                f"unexpected {hook} input line {line.strip()!r}: is this git's {hook} hook?"
            )
        updates.append(RefUpdate(fields["new"], fields["remote_ref"], fields["old"]))
    return updates


def pre_commit_update(
    environ: Mapping[str, str], reads: RevisionReads
) -> tuple[RefUpdate, PushRemote]:
    """The one ref update pre-commit hands a pre-push hook, from its environment.

    pre-commit exports PRE_COMMIT_REMOTE_NAME, _REMOTE_BRANCH (the destination
    ref) and _LOCAL_BRANCH, and PRE_COMMIT_FROM_REF / _TO_REF except when a
    new branch's history reaches a root commit (pre_commit/commands/hook_impl.py
    `_pre_push_ns`); then the pushed commit is the local ref's.
    """
    remote = environ.get("PRE_COMMIT_REMOTE_NAME")
    remote_ref = environ.get("PRE_COMMIT_REMOTE_BRANCH")
    local_ref = environ.get("PRE_COMMIT_LOCAL_BRANCH")
    if not (remote and remote_ref and local_ref):
        raise UsageError(
            "check-agent-push checks a push: install it with `pre-commit install -t pre-push` "
            "and it runs on git push. To check commits in CI use "
            "`agentowners check-range BASE..HEAD --branch NAME`."
        )
    # The pushed commit is the local ref's: pre-commit exports the ref names
    # on every push, but PRE_COMMIT_TO_REF not always, so a value inherited
    # from the pusher's own environment must not choose what is checked.
    receiver = PushRemote(remote)
    pushed_from = environ.get("PRE_COMMIT_FROM_REF")
    # The old tip pre-commit names is most often the remote's: read with its policy
    # in the same git call, a push to a repository without a policy takes one call.
    pushed, tracked = reads.read(
        [pushed_from] if pushed_from else [], also=[local_ref, receiver.tracking_ref(remote_ref)]
    )
    if pushed is None:
        raise GitError(f"cannot find the pushed commit {local_ref!r}")
    new = pushed.oid
    if environ.get("PRE_COMMIT_TO_REF", new) != new:
        raise UsageError(
            f"PRE_COMMIT_TO_REF is not the commit of {local_ref}: this is no push pre-commit "
            "started; nothing was allowed"
        )
    old = receiver.old_tip(remote_ref, pushed_from, _commit_oid(tracked))
    return RefUpdate(new, remote_ref, old), receiver
