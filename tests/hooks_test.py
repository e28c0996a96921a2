"""The hook entry points: fast when there is no policy, fail closed otherwise."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentowners import policy_source
from agentowners.errors import GitError
from agentowners_hooks import check_agent_policy, check_agent_push, check_agent_trailer
from tests.gitrepo import POLICY, GitRepo, bare_remote

# Importing any of these before the policy is known to exist costs a multiple
# of Python's start-up (SPEC §2: no policy -> one line, exit 0, fast). Even
# argparse, subprocess and typing: 2 to 3.5 ms each, as much as the git call;
# re, collections, functools and warnings: 0.5 to 4.5 ms each.
HEAVY = (
    "agentowners.engine",
    "agentowners.policy",
    "tomllib",
    "pathspec",
    "git",
    "argparse",
    "subprocess",
    "typing",
    "re",
    "collections",
    "functools",
    "warnings",
)
ROOT = Path(__file__).resolve().parent.parent
# Modules Python itself loaded before the hook (an editable install's import
# finder brings typing on Python 3.9) are not the hook's cost.
PROBE = """\
import sys
at_start = set(sys.modules)
from agentowners_hooks.{module} import main
code = main({argv!r})
heavy = [name for name in {heavy!r} if name in sys.modules and name not in at_start]
print("exit", code, "heavy", heavy)
"""


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("check_agent_scope", []),
        ("add_agent_trailer", [".git/COMMIT_EDITMSG"]),
        ("check_agent_trailer", [".git/COMMIT_EDITMSG"]),
        ("check_agent_policy", []),
    ],
)
def test_without_a_policy_a_hook_imports_nothing_heavy(
    repo: GitRepo, module: str, argv: list[str]
) -> None:
    repo.commit("readme", "README.md")
    repo.write(".git/COMMIT_EDITMSG", "message\n")
    out = probe(repo, module, argv)
    assert "agentowners: no .agentowners.toml" in out
    assert out.splitlines()[-1] == "exit 0 heavy []"


def test_without_a_policy_check_agent_push_imports_nothing_heavy(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone pushing one new commit to its tracked branch, as pre-commit runs the hook;
    the pushed commit, the remote-tracking branch, the old tip and its policy take
    one git call."""
    push_one_commit(repo, tmp_path, monkeypatch)
    monkeypatch.setenv("GIT_TRACE", str(tmp_path / "trace"))
    out = probe(repo, "check_agent_push", [])
    assert "no .agentowners.toml in the commits the receiver has" in out
    assert out.splitlines()[-1] == "exit 0 heavy []"
    assert (tmp_path / "trace").read_text().count("trace: built-in: git ") == 1


def push_one_commit(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clone about to push one new commit to its tracked branch, in the environment
    pre-commit gives `check-agent-push` (README.md is committed and pushed)."""
    server = bare_remote(tmp_path / "remote.git")
    repo.commit("readme", "README.md")
    repo.git("remote", "add", "origin", str(server.path))
    repo.git("push", "-q", "-u", "origin", "main")
    old = repo.out("rev-parse", "HEAD")
    repo.commit("parser", "src/parser.py")
    for name, value in {
        "PRE_COMMIT_FROM_REF": old,
        "PRE_COMMIT_TO_REF": repo.out("rev-parse", "HEAD"),
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_REMOTE_URL": str(server.path),
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
    }.items():
        monkeypatch.setenv(name, value)


def probe(repo: GitRepo, module: str, argv: list[str]) -> str:
    """What a hook's `main(argv)` printed, then its exit code and the HEAVY modules it imported."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module, argv=argv, heavy=HEAVY)],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def installed_hook_scripts() -> dict[str, str]:
    """{hook id: the executable pip installed for its `entry`} (.pre-commit-hooks.yaml)."""
    entries = re.findall(r"^  entry: (\S+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.M)
    return {entry: str(Path(sys.executable).parent / entry) for entry in entries}


@pytest.mark.parametrize("entry", sorted(installed_hook_scripts()))
def test_the_installed_hook_executables_import_only_their_hook(
    repo: GitRepo, entry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pre-commit runs. The wrapper pip writes for an entry point imports `re`
    first (half again Python's start-up); ours import the hook's module alone, whose
    imports test_without_a_policy_* hold to HEAVY."""
    if entry == "check-agent-push":
        push_one_commit(repo, tmp_path, monkeypatch)
    else:
        repo.commit("readme", "README.md")
    repo.write(".git/COMMIT_EDITMSG", "message\n")
    script = Path(installed_hook_scripts()[entry])
    code = ast.parse(script.read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(code)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert imported == [f"agentowners_hooks.{entry.replace('-', '_')}"]
    args = [".git/COMMIT_EDITMSG"] if entry in ("add-agent-trailer", "check-agent-trailer") else []
    result = subprocess.run(
        [script, *args], cwd=repo.path, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "agentowners: no .agentowners.toml" in result.stdout


@pytest.mark.parametrize(
    ("module", "argv", "said"),
    [
        ("check_agent_scope", ["--bogus"], "unrecognized arguments: --bogus"),
        ("check_agent_trailer", [], "the following arguments are required: MSGFILE"),
        ("check_agent_trailer", ["a", "b"], "unrecognized arguments: b"),
        ("add_agent_trailer", ["a", "b", "c", "d"], "unrecognized arguments: d"),
        ("check_agent_push", ["--policy-ref"], "expected one argument"),
    ],
)
def test_without_a_policy_a_wrong_command_line_is_still_refused(
    repo: GitRepo, module: str, argv: list[str], said: str
) -> None:
    """Plain arguments skip argparse; anything else still meets it, policy or not."""
    repo.commit("readme", "README.md")
    result = subprocess.run(
        [sys.executable, "-m", f"agentowners_hooks.{module}", *argv],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert said in result.stderr


def test_a_message_file_that_looks_like_an_option_is_passed_after_double_dash(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("readme", "README.md")
    assert check_agent_trailer.main(["--", "-message"]) == 0
    assert "no .agentowners.toml at HEAD" in capsys.readouterr().out


def test_with_a_policy_the_engine_is_loaded(repo: GitRepo) -> None:
    repo.init_policy()
    assert "heavy []" not in probe(repo, "check_agent_scope", [])


def test_check_agent_policy_validates_the_staged_copy(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", "-A")
    repo.write(".agentowners.toml", "version = 2\n")  # the work tree's copy is not committed
    assert check_agent_policy.main([]) == 0
    assert capsys.readouterr().out == ".agentowners.toml: valid (2 agents, 3 branch rules)\n"
    repo.git("add", "-A")
    assert check_agent_policy.main([]) == 2
    assert ".agentowners.toml:1: version must be 1 (got 2)" in capsys.readouterr().err


def test_check_agent_push_outside_a_push_fails_closed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.init_policy()
    assert check_agent_push.main([]) == 2
    assert "install it with `pre-commit install -t pre-push`" in capsys.readouterr().err


def test_a_policy_path_that_is_not_a_file_is_an_error(repo: GitRepo) -> None:
    repo.commit("odd", ".agentowners.toml/inner")
    with pytest.raises(GitError, match=r"HEAD:\.agentowners\.toml is not a file"):
        policy_source.commit_time_policy()


MISSING_BLOB = "1" * 40  # an object id no repository here has


@pytest.mark.parametrize(
    ("staged", "expected"),
    [
        ("100644 {blob} 0\t.agentowners.toml", "policy"),
        ("100644 {blob} 0\t.agentowners.toml/inner", None),  # a directory of that name
        ("100644 {blob} 0\tsrc/.agentowners.toml", None),  # not at the top
        # A conflict's sides only (git refuses to commit those): no stage-0 policy.
        ("100644 {blob} 2\t.agentowners.toml\n100644 {blob} 3\t.agentowners.toml", None),
        ("100644 " + MISSING_BLOB + " 0\t.agentowners.toml", "in the index but its object"),
        ("160000 " + MISSING_BLOB + " 0\t.agentowners.toml", ":.agentowners.toml is not a file"),
    ],
)
def test_the_index_policy_is_read_from_its_stage_0_entry(
    repo: GitRepo, staged: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One `git ls-files` answers "no policy"; a staged one whose object is lost, or a
    submodule in its place, is an error, not a missing policy."""
    blob = repo.git("hash-object", "-w", "--stdin", stdin=POLICY).stdout.strip()
    repo.git("update-index", "--index-info", stdin=staged.format(blob=blob) + "\n")
    (repo.path / "src").mkdir()
    monkeypatch.chdir(repo.path / "src")  # the pathspec is the top's, wherever git runs
    if expected is None:
        assert policy_source.read_policy_at(":") is None
    elif expected == "policy":
        assert policy_source.read_policy_at(":") == POLICY.encode()
        assert policy_source.commit_time_policy().raw == POLICY.encode()  # no HEAD yet
    else:
        with pytest.raises(GitError, match=expected):
            policy_source.read_policy_at(":")


def test_objects_are_read_in_one_call(repo: GitRepo) -> None:
    repo.init_policy()
    head, policy, missing = policy_source.read_objects(
        ["HEAD", "HEAD:.agentowners.toml", "HEAD:nothing"]
    )
    assert head is not None
    assert head.kind == "commit"
    assert policy is not None
    assert policy.data == POLICY.encode()
    assert missing is None


def test_check_agent_push_does_not_take_the_commit_from_the_environment(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.init_policy()
    first = repo.out("rev-parse", "HEAD")
    repo.commit("parser\n\nAgent: codex", "src/parser.py")
    for name, value in {
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_REMOTE_URL": "/nowhere",
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
        "PRE_COMMIT_TO_REF": first,  # a harmless commit, set by the pusher itself
    }.items():
        monkeypatch.setenv(name, value)
    assert check_agent_push.main([]) == 2
    assert "PRE_COMMIT_TO_REF is not the commit of refs/heads/main" in capsys.readouterr().err


def test_no_policy_is_told_by_one_git_call(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HEAD's root tree comes in the same batch, so "missing" needs no second call;
    names that merely contain the policy's are not it."""
    repo.commit("look-alikes", "a.agentowners.toml", ".agentowners.toml.bak", "docs/x")
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    assert policy_source.commit_time_policy().raw is None
    assert trace.read_text().count("trace: built-in: git cat-file") == 1
    assert "rev-parse" not in trace.read_text()
