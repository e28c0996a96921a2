from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from agentowners import audit, audit_report, history
from agentowners.cli import main
from agentowners.commands.audit import audit_history, plan
from tests.gitrepo import POLICY, GitRepo

# Agents for every recognition route, each with a branch of its own.
ROUTES_POLICY = """\
version = 1

[agents.codex]
scope = ["**"]

[agents.claude-code]
scope = ["**"]

[agents.aider]
scope = ["**"]

[agents.copilot]
scope = ["**"]

[[branch]]
pattern = "main"
executor = "human"

[[branch]]
pattern = "claude/**"
executor = "claude-code"

[[branch]]
pattern = "aider/**"
executor = "aider"

[[branch]]
pattern = "copilot/**"
executor = "copilot"

[[branch]]
pattern = "codex/**"
executor = "codex"
"""
BRANCH_OF = {"codex": "codex/x", "claude-code": "claude/x", "aider": "aider/x"}
BRANCH_OF |= {"copilot": "copilot/x", "human": "main"}


def audit_json(spec: str | None, **options: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = audit_history(spec, fmt="json", out=out, **options)
    return code, json.loads(out.getvalue())


def rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    commits = document["commits"]
    assert isinstance(commits, list)
    return commits


AIDER = "Aider <aider@aider.chat>"
CLAUDE = "Claude <noreply@anthropic.com>"


@pytest.mark.parametrize(
    ("made", "recognised"),
    [
        ({"message": "x\n\nAgent: codex"}, ("codex", "trailer", "trailer")),
        ({"author": AIDER}, ("aider", "author-email", "author e-mail aider@aider.chat")),
        (
            {"env": {"GIT_COMMITTER_EMAIL": "copilot@github.com"}},
            ("copilot", "committer-email", "committer e-mail copilot@github.com"),
        ),
        (
            {"message": f"x\n\nCo-authored-by: {CLAUDE}"},
            ("claude-code", "co-authored-by", "Co-authored-by noreply@anthropic.com"),
        ),
        (
            {"message": "x\n\nAssisted-by: Claude:claude-opus-4"},
            ("claude-code", "assisted-by", "Assisted-by: Claude:claude-opus-4"),
        ),
        (
            {"author": "Jo (aider) <jo@example.com>"},
            ("aider", "author-name", "author name 'Jo (aider)'"),
        ),
        (
            {"env": {"GIT_COMMITTER_NAME": "Jo (aider)"}},
            ("aider", "committer-name", "committer name 'Jo (aider)'"),
        ),
        ({}, ("human", "none", "no agent trailer or marker")),
    ],
)
def test_each_recognition_route_is_reported(
    repo: GitRepo, made: dict[str, Any], recognised: tuple[str, str, str]
) -> None:
    base = repo.init_policy(ROUTES_POLICY)
    repo.commit(
        made.get("message", "x"), "src/x.py", author=made.get("author"), env=made.get("env")
    )
    agent, source, _ = recognised
    code, document = audit_json(f"{base}..HEAD", branch=BRANCH_OF[agent])
    (row,) = rows(document)
    assert (row["agent"], row["source"], row["how"]) == recognised
    # A marker without the trailer is missing-trailer; the trailer or a human is clean.
    expected = [] if source in {"trailer", "none"} else ["missing-trailer"]
    assert row["violations"] == expected
    assert code == (1 if expected else 0)


def test_text_trail_names_actor_and_route_and_totals(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/parser")
    first = repo.commit("parse\n\nAgent: codex", "src/a.py", content="1\n2\n")
    second = repo.commit("more\n\nAgent: codex", "src/a.py", "src/b.py", content="3\n")
    assert main(["audit", f"{base}..HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        f"agentowners audit of {base}..HEAD, judged as landing on branch codex/parser",
        f"policy: .agentowners.toml at {base} ({base[:10]}, the range's base: the rules in "
        "force before these commits)",
    ]
    # newest first, each with its route
    commit_lines = [line for line in out.splitlines() if line[:10] in {first[:10], second[:10]}]
    assert [line[:10] for line in commit_lines] == [second[:10], first[:10]]
    assert all("  codex  (trailer)  " in line for line in commit_lines)
    # a.py: 2 added, then 2 deleted + 1 added; b.py: 1 added
    assert "codex        2      2      6" in out
    assert out.rstrip().endswith("agentowners: 2 commits checked, no violations")


def test_merge_counts_only_its_own_edits_and_merged_history_keeps_its_owner(repo: GitRepo) -> None:
    repo.init_policy()
    repo.git("switch", "-qc", "claude/docs")
    repo.commit("docs\n\nAgent: claude-code", "docs/guide.md")
    repo.git("switch", "-q", "main")
    repo.commit("readme", "README.md")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "claude/docs")
    repo.write("README.md", "resolved by hand\n")
    repo.git("add", "README.md")
    repo.git("commit", "-q", "--no-verify", "-m", "merge docs")
    merge = repo.out("rev-parse", "HEAD")

    code, document = audit_json(None)
    by_sha = {row["sha"]: row for row in rows(document)}
    assert len(by_sha[merge]["parents"]) == 2
    assert by_sha[merge]["paths"] == ["README.md"]  # not docs/guide.md, which it merged in
    assert document["branch"] == "main"
    assert document["policy"]["chosen_by"] == "head"
    agents = {a["agent"]: a for a in document["agents"]}
    assert agents["claude-code"] == {"agent": "claude-code", "commits": 1, "files": 1, "lines": 1}
    assert agents["human"]["commits"] == 3
    # claude-code's commit reached main through a human's merge: it was made on
    # claude's own branch and is not judged on main's ownership (its scope is).
    assert document["violations"] == []
    assert code == 0


ODD_PATHS = ["src/with space.py", "src/ünïcode.py", "src/new\nline.py", "src/-dash.py"]


def test_odd_names_and_hostile_subjects(repo: GitRepo) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/odd")
    subject = "fix | table `code` <details> @someone"
    sha = repo.commit(f"{subject}\n\nAgent: codex", *ODD_PATHS, "docs/odd | name.md", "-leading.md")

    code, document = audit_json(f"{base}..HEAD")
    (row,) = rows(document)
    assert row["paths"] == sorted([*ODD_PATHS, "docs/odd | name.md", "-leading.md"])
    assert row["subject"] == subject
    (violation,) = document["violations"]
    assert violation["paths"] == ["-leading.md", "docs/odd | name.md"]
    assert code == 1

    out = io.StringIO()
    audit_history(f"{base}..HEAD", fmt="markdown", out=out)
    md = out.getvalue()
    assert md.count("<details>") == 1  # the subject's own tag is escaped
    assert "\\<details\\>" in md
    assert "\\@someone" in md
    commit_row = next(line for line in md.splitlines() if line.startswith(f"| `{sha[:10]}`"))
    assert commit_row.count(" | ") == 5  # six cells: the `|` in the subject is escaped
    assert "- `docs/odd | name.md`" in md  # outside a table a code span keeps its `|`

    out = io.StringIO()
    audit_history(f"{base}..HEAD", out=out)
    assert "\n    -leading.md\n" in out.getvalue()


def test_range_is_judged_by_the_policy_at_its_base(repo: GitRepo) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/widen")
    widened = POLICY.replace('scope = ["src/**", "tests/**"', 'scope = ["**"')
    repo.write(".agentowners.toml", widened)
    repo.commit("widen my own scope\n\nAgent: codex", "docs/x.md")
    code, document = audit_json(f"{base}..HEAD")
    assert sorted(v["code"] for v in document["violations"]) == ["out-of-scope", "protected-path"]
    assert document["policy"] == {
        "found": True,
        "ref": base,
        "commit": base,
        "chosen_by": "range-base",
    }
    assert code == 1
    # Judged by the widened policy on purpose, the scope change passes; the
    # policy file itself stays protected.
    code, document = audit_json(f"{base}..HEAD", policy_ref="HEAD")
    assert [v["code"] for v in document["violations"]] == ["protected-path"]
    assert document["policy"]["chosen_by"] == "policy-ref"


def test_without_a_policy_the_trail_is_still_written(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("parse\n\nAgent: codex", "src/a.py")
    repo.commit("docs\n\nCo-authored-by: Claude <noreply@anthropic.com>", "docs/a.md")
    repo.git("checkout", "-q", "--detach")  # no branch is needed when nothing is judged
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "policy: none, there is no .agentowners.toml at HEAD" in out
    assert "codex  (trailer)" in out
    assert "claude-code  (Co-authored-by noreply@anthropic.com)" in out
    assert out.rstrip().endswith("agentowners: 2 commits audited")


def test_detached_head_with_a_policy_needs_a_branch(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.init_policy()
    repo.git("checkout", "-q", "--detach")
    assert main(["audit"]) == 2
    assert "pass --branch NAME" in capsys.readouterr().err
    assert main(["audit", "--branch", "main"]) == 0


@pytest.mark.parametrize("spec", ["main...HEAD", "nope..HEAD", "no-such-rev"])
def test_bad_ranges_are_usage_errors(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    repo.init_policy()
    assert main(["audit", spec]) == 2
    assert capsys.readouterr().err.startswith("agentowners: ")


def test_markdown_caps_rows_and_violations_with_a_note(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_report, "MARKDOWN_MAX_COMMITS", 2)
    monkeypatch.setattr(audit_report, "MARKDOWN_MAX_VIOLATIONS", 1)
    repo.init_policy()
    for n in range(3):
        repo.commit(f"agent work {n}\n\nAgent: codex", f"src/{n}.py")
    out = io.StringIO()
    assert audit_history(fmt="markdown", out=out) == 1
    md = out.getvalue()
    assert "**3 violations**:" in md
    assert "- … and 2 more (`agentowners audit --format json` lists them all)" in md
    assert "The first 2 commits (newest first) of 4;" in md
    assert "| `codex` | 3 | 3 | 3 |" in md


def test_json_of_an_empty_range_is_valid(repo: GitRepo) -> None:
    repo.init_policy()
    code, document = audit_json("HEAD..HEAD")
    assert (code, document["commits"], document["checked"], document["ok"]) == (0, [], 0, True)


class _Recorder(io.StringIO):
    """Notes how many commits had been read from git each time output was written."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0
        self.writes_after: list[int] = []

    def write(self, text: str) -> int:
        self.writes_after.append(self.read)
        return super().write(text)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rows_are_written_before_the_next_commit_is_read(repo: GitRepo, fmt: str) -> None:
    """Streaming: what holds in memory is per-agent totals, never the list of commits."""
    repo.init_policy()
    for n in range(5):
        repo.commit(f"change {n}", f"src/{n}.py")
    audit_plan = plan(None)
    out = _Recorder()

    def counted() -> Iterator[history.Commit]:
        for commit in audit.plan_commits(audit_plan):
            out.read += 1
            yield commit

    writer = audit_report.WRITERS[fmt](audit_plan, out)
    audit.run(audit_plan, counted(), writer)
    # The header before any commit is read, then each commit's row before the
    # next commit is read: a writer that waited for the whole history would
    # write only after 0 and after 6.
    assert set(out.writes_after) == set(range(7))


SLOTS = 50  # distinct files per kind of commit: keeps trees small, so fast-import stays fast


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stderr", "lines"), [(_Terminal, 2), (io.StringIO, 0)])
def test_progress_goes_to_stderr_only_on_a_terminal(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, stderr: type[io.StringIO], lines: int
) -> None:
    err = stderr()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(audit, "PROGRESS_EVERY", 2)
    repo.init_policy()
    for n in range(4):
        repo.commit(f"change {n}", f"src/{n}.py")
    out = io.StringIO()
    audit_history(out=out, fmt="json")
    assert err.getvalue().splitlines() == [
        f"agentowners audit: {n} commits read…" for n in (2, 4)[:lines]
    ]
    assert json.loads(out.getvalue())["checked"] == 5


def _fast_import_stream(policy: str, commits: int) -> bytes:
    """A history: a policy commit, then `commits` one-line commits cycling over four kinds.

    Kind k's n-th commit rewrites `<dir>/<k>-<n % SLOTS>` with one new line.
    """
    out = io.BytesIO()

    def data(text: str) -> None:
        raw = text.encode()
        out.write(b"data %d\n%s\n" % (len(raw), raw))

    def commit(mark: int, message: str, path: str, content: str) -> None:
        out.write(b"commit refs/heads/codex/big\nmark :%d\n" % mark)
        out.write(b"committer Hu Man <human@example.com> %d +0000\n" % (1_700_000_000 + mark))
        data(message)
        if mark > 1:
            out.write(b"from :%d\n" % (mark - 1))
        out.write(f"M 100644 inline {path}\n".encode())
        data(content)

    commit(1, "policy", ".agentowners.toml", policy)
    kinds = (
        ("in scope\n\nAgent: codex", "src"),
        ("out of scope\n\nAgent: codex", "docs"),
        ("docs\n\nCo-authored-by: Claude <noreply@anthropic.com>", "docs"),
        ("by hand", "src"),
    )
    for n in range(commits):
        kind = n % 4
        message, folder = kinds[kind]
        commit(n + 2, message, f"{folder}/{kind}-{n // 4 % SLOTS}", f"line {n}\n")
    return out.getvalue()


@pytest.mark.scale
def test_audit_streams_a_20000_commit_history(repo: GitRepo) -> None:
    """Proves the audit reads a long history through to exact totals, progress included.

    20,000 commits built in one `git fast-import` (about a second), then
    audited with line counts; the JSON document is parsed back whole.
    """
    total = 20_000
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo.path,
        input=_fast_import_stream(POLICY, total),
        check=True,
        # glibc hands memory back after every object fast-import frees (200,000
        # brk calls here); a top pad makes the import about four times faster.
        env={**os.environ, "MALLOC_TOP_PAD_": str(64 << 20)},
    )
    repo.git("checkout", "-q", "codex/big")
    root = repo.out("rev-list", "--max-parents=0", "HEAD")
    out, progress = io.StringIO(), io.StringIO()
    code = audit_history(f"{root}..HEAD", fmt="json", out=out, progress=progress)
    document = json.loads(out.getvalue())

    assert code == 1
    assert document["checked"] == len(rows(document)) == total
    quarter = total // 4
    # Each kind's first write of a slot adds one line; every later write
    # replaces it (one deleted, one added).
    lines = SLOTS + (quarter - SLOTS) * 2
    assert document["agents"] == [
        {"agent": "codex", "commits": 2 * quarter, "files": 2 * SLOTS, "lines": 2 * lines},
        {"agent": "claude-code", "commits": quarter, "files": SLOTS, "lines": lines},
        {"agent": "human", "commits": quarter, "files": SLOTS, "lines": lines},
    ]
    codes: dict[str, int] = {}
    for violation in document["violations"]:
        codes[violation["code"]] = codes.get(violation["code"], 0) + 1
    assert codes == {
        "out-of-scope": quarter,  # codex in docs/
        "foreign-agent": quarter,  # claude-code on a codex branch
        "missing-trailer": quarter,  # claude-code recognised by Co-authored-by only
        "human-not-allowed": quarter,  # codex/** has allow_human = false
    }
    assert progress.getvalue().splitlines() == [
        f"agentowners audit: {n:,} commits read…" for n in range(5000, total + 1, 5000)
    ]
