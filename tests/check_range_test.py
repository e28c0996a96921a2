from __future__ import annotations

import json

import pytest

from agentowners.cli import main
from tests.gitrepo import GitRepo


def test_in_scope_agent_commit_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/parser")
    repo.commit("parse\n\nAgent: codex", "src/parser.py")
    assert main(["check-range", f"{base}..HEAD"]) == 0
    assert "1 commit checked, no violations" in capsys.readouterr().out


def test_out_of_scope_is_reported_with_paths_and_fix(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/parser")
    sha = repo.commit("parse\n\nAgent: codex", "src/parser.py", "docs/guide.md")
    assert main(["check-range", f"{base}..HEAD", "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "ok": False,
        "checked": 1,
        "violations": [
            {
                "commit": sha[:10],
                "code": "out-of-scope",
                "agent": "codex",
                "branch": "codex/parser",
                "paths": ["docs/guide.md"],
                "message": result["violations"][0]["message"],
            }
        ],
    }
    assert "src/**" in result["violations"][0]["message"]


def violations(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str, list[str]]]:
    """(code, agent, paths) of each violation `check-range ARGS --format json` reports."""
    main(["check-range", *args, "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    return [(v["code"], v["agent"], v["paths"]) for v in result["violations"]]


@pytest.fixture
def codex_branch(repo: GitRepo) -> str:
    repo.commit("seed", "src/a.py", "docs/a.md", "lib/keep.txt")
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/work")
    return base


def test_rename_counts_both_sides(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "docs/a.md", "src/a.md")
    repo.commit("move\n\nAgent: codex")
    assert violations(capsys, f"{codex_branch}..HEAD") == [("out-of-scope", "codex", ["docs/a.md"])]


def test_deletion_is_a_change(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("rm", "-q", "lib/keep.txt")
    repo.commit("delete\n\nAgent: codex")
    assert violations(capsys, f"{codex_branch}..HEAD") == [
        ("out-of-scope", "codex", ["lib/keep.txt"])
    ]


def test_mode_change_is_a_change(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("update-index", "--chmod=+x", "lib/keep.txt")
    repo.git("commit", "-qm", "chmod\n\nAgent: codex")
    assert violations(capsys, f"{codex_branch}..HEAD") == [
        ("out-of-scope", "codex", ["lib/keep.txt"])
    ]


ODD_NAMES = [
    "docs/with space.md",
    "docs/ünïcødé.md",
    "docs/new\nline.md",
    "-leading-dash",
    'docs/"quoted".md',
    "docs/tab\there",
]


def test_odd_names_are_reported_exactly(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("odd\n\nAgent: codex", *ODD_NAMES, "src/ok.py")
    assert violations(capsys, f"{codex_branch}..HEAD") == [
        ("out-of-scope", "codex", sorted(ODD_NAMES))
    ]


def test_text_output_quotes_unreadable_names_and_caps_at_ten(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"lib/f{i:02}" for i in range(12)]
    repo.commit("many\n\nAgent: codex", *names, "docs/new\nline.md")
    assert main(["check-range", f"{codex_branch}..HEAD"]) == 1
    out = capsys.readouterr().out
    assert "    'docs/new\\nline.md'\n" in out
    assert "    … and 3 more\n" in out
    assert "lib/f09" not in out  # sorted: 'docs/…' then lib/f00 … lib/f08 shown


def test_protected_policy_file_cannot_be_widened_by_the_change_itself(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    widened = (
        repo.path.joinpath(".agentowners.toml").read_text().replace('"src/**", "tests/**"', '"**"')
    )
    repo.commit("widen\n\nAgent: codex", ".agentowners.toml", content=widened)
    repo.commit("use it\n\nAgent: codex", "lib/keep.txt", content="changed\n")
    assert violations(capsys, f"{codex_branch}..HEAD") == [
        ("out-of-scope", "codex", ["lib/keep.txt"]),
        ("protected-path", "codex", [".agentowners.toml"]),
    ]


def test_merge_is_judged_on_its_own_edits_only(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("switch", "-q", "main")
    repo.commit("human work on docs", "docs/b.md", "docs/a.md", content="human\n")
    repo.git("switch", "-q", "codex/work")
    repo.commit("codex edits a.md\n\nAgent: claude-code", "docs/a.md", content="agent\n")
    # clean merge of main's docs changes: nothing of the merge's own
    repo.git("merge", "-q", "--no-ff", "main", "-m", "merge main\n\nAgent: codex", check=False)
    merge_head = repo.git("rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).stdout
    assert merge_head  # the merge stopped on the conflict in docs/a.md
    repo.write("docs/a.md", "resolved\n")
    repo.git("add", "docs/a.md")
    repo.git("commit", "-q", "--no-edit", "--no-verify")
    found = violations(capsys, "main..HEAD", "--branch", "codex/work")
    # docs/b.md came in with main's history: not the merge's edit. The conflict
    # resolution of docs/a.md is the merge's own edit.
    assert ("out-of-scope", "codex", ["docs/a.md"]) in found
    assert all("docs/b.md" not in paths for _, _, paths in found)


def test_clean_merge_brings_no_paths_of_its_own(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("switch", "-q", "main")
    repo.commit("human docs", "docs/b.md")
    repo.git("switch", "-q", "codex/work")
    repo.commit("codex\n\nAgent: codex", "src/b.py")
    repo.git("merge", "-q", "--no-ff", "main", "-m", "merge\n\nAgent: codex")
    # main's commits were judged where they landed; the range is the branch's own work
    assert violations(capsys, "main..HEAD") == []


def test_branch_rules(repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("human here", "src/h.py")
    repo.commit("claude here\n\nAgent: claude-code", "docs/c.md")
    assert violations(capsys, f"{codex_branch}..HEAD") == [
        ("foreign-agent", "claude-code", []),
        ("human-not-allowed", "human", []),
    ]
    assert violations(capsys, f"{codex_branch}..HEAD", "--branch", "main") == [
        ("foreign-agent", "claude-code", [])
    ]


def test_limits(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.init_policy(
        'version = 1\n[agents.codex]\nscope = ["**"]\nmax_files = 2\nmax_lines = 3\n'
        '[[branch]]\npattern = "**"\nexecutor = "codex"\n'
    )
    repo.commit("ok\n\nAgent: codex", "a", "b", content="1\n")
    repo.commit("files\n\nAgent: codex", "c", "d", "e")
    repo.commit("lines\n\nAgent: codex", "f", content="1\n2\n3\n4\n")
    assert violations(capsys, f"{base}..HEAD") == [
        ("too-many-lines", "codex", []),
        ("too-many-files", "codex", []),
    ]


def test_policy_is_read_from_base_or_policy_ref(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("seed", "README")
    first = repo.out("rev-parse", "HEAD")
    base = repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    repo.commit("x\n\nAgent: codex", "docs/x.md")
    assert violations(capsys, f"{base}..HEAD") == [("out-of-scope", "codex", ["docs/x.md"])]
    # the policy at BASE decides, not the commits under check: no policy at `first`
    assert main(["check-range", f"{base}..HEAD", "--policy-ref", first]) == 0
    assert "no .agentowners.toml at" in capsys.readouterr().out


def test_github_annotations(
    repo: GitRepo,
    codex_branch: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    repo.commit("x\n\nAgent: codex", "docs/x,y.md")
    assert main(["check-range", f"{codex_branch}..HEAD"]) == 1
    out = capsys.readouterr().out
    assert "::error file=docs/x%2Cy.md,title=agentowners out-of-scope (" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope..HEAD"], "unknown revision 'nope'"),
        (["HEAD"], "expected a range BASE..HEAD"),
        (["HEAD...HEAD"], "expected a range BASE..HEAD"),
        (["--policy-ref", "missing", "HEAD..HEAD"], "unknown revision 'missing'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    repo: GitRepo, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.init_policy()
    assert main(["check-range", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_outside_a_repository(tmp_path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check-range", "a..b"]) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_detached_head_needs_branch(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("switch", "-q", "--detach")
    assert main(["check-range", f"{codex_branch}..HEAD"]) == 2
    assert "pass --branch NAME" in capsys.readouterr().err


def test_bare_repository(
    repo: GitRepo, codex_branch: str, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    repo.commit("x\n\nAgent: codex", "docs/x.md")
    bare = tmp_path / "bare.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    monkeypatch.chdir(bare)
    assert violations(capsys, f"{codex_branch}..codex/work", "--branch", "codex/work") == [
        ("out-of-scope", "codex", ["docs/x.md"])
    ]


def test_empty_repository(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-range", "HEAD..HEAD"]) == 2
    assert "unknown revision 'HEAD'" in capsys.readouterr().err


def test_bad_policy_at_base_fails_closed(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.init_policy("version = 1\n[agents.codex]\nscope = []\n")
    repo.commit("x\n\nAgent: codex", "docs/x.md")
    assert main(["check-range", f"{base}..HEAD"]) == 2
    assert ".agentowners.toml:3: agents.codex.scope is empty" in capsys.readouterr().err


def test_merged_in_commits_are_not_judged_on_branch_ownership(
    repo: GitRepo, codex_branch: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Updating an agent's branch from main must not refuse main's human commits."""
    repo.git("switch", "-q", "main")
    repo.commit("human docs on main", "docs/b.md")
    repo.git("switch", "-qc", "claude/notes")
    repo.commit("claude notes\n\nAgent: claude-code", "docs/notes.md")
    repo.commit("claude strays\n\nAgent: claude-code", "src/strayed.py")
    repo.git("switch", "-q", "codex/work")
    repo.commit("codex\n\nAgent: codex", "src/b.py")
    repo.git("merge", "-q", "--no-ff", "main", "-m", "update from main\n\nAgent: codex")
    repo.git("merge", "-q", "--no-ff", "claude/notes", "-m", "take notes\n\nAgent: codex")
    found = violations(capsys, f"{codex_branch}..HEAD")
    # main's human commit (allow_human = false here) and claude's commits come in
    # through merges: no human-not-allowed or foreign-agent for them; claude's
    # out-of-scope change is still reported against claude's own scope.
    assert found == [("out-of-scope", "claude-code", ["src/strayed.py"])]
    # a commit on the branch's own first-parent line is still held to the owner
    repo.commit("human on codex branch", "src/c.py")
    assert violations(capsys, f"{codex_branch}..HEAD")[0] == ("human-not-allowed", "human", [])
