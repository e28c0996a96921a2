"""Edit-time decisions on real repositories (the engine's rules, resolved paths)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import pytest

from agentowners.guard import decide, respond
from agentowners.protocols import parse
from tests.gitrepo import POLICY, GitRepo


def write(
    repo: GitRepo,
    path: str,
    *,
    protocol: str = "codex",
    cwd: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The guard's refusal (None: allowed) for `protocol`'s agent writing `path`."""
    if protocol == "codex":
        tool, tool_input = "apply_patch", {"command": f"*** Begin Patch\n*** Add File: {path}\n"}
    else:
        tool = "write_file" if protocol == "gemini" else "Write"
        tool_input = {"file_path": path, "content": "x"}
    return call(repo, tool, tool_input, protocol=protocol, cwd=cwd, environ=environ)


def shell(repo: GitRepo, command: str, *, protocol: str = "codex") -> str | None:
    return call(repo, "Bash", {"command": command}, protocol=protocol)


def call(
    repo: GitRepo,
    tool: str,
    tool_input: dict[str, Any],
    *,
    protocol: str,
    cwd: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    payload = {
        "session_id": "s",
        "cwd": cwd or str(repo.path),
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }
    environ = environ or {}
    return decide(parse(json.dumps(payload), protocol, environ), environ)


@pytest.fixture
def codex_branch(repo: GitRepo) -> GitRepo:
    repo.init_policy()
    repo.git("switch", "-qc", "codex/parser")
    return repo


def test_in_scope_write_is_allowed(codex_branch: GitRepo) -> None:
    assert write(codex_branch, "src/parser.py") is None
    assert write(codex_branch, "tests/deep/new_test.py") is None


def test_out_of_scope_write_names_the_scope(codex_branch: GitRepo) -> None:
    refusal = write(codex_branch, "docs/guide.md")
    assert refusal == (
        "agentowners: codex may not write docs/guide.md: outside its scope (src/**, tests/**, "
        "!src/vendor/**). Write only inside that scope; leave these paths to their owner, or "
        "ask a human to change them."
    )
    assert write(codex_branch, "src/vendor/lib.py")


@pytest.mark.parametrize("path", [".agentowners.toml", ".github/workflows/ci.yml"])
def test_protected_paths_need_a_human(codex_branch: GitRepo, path: str) -> None:
    refusal = write(codex_branch, path)
    assert refusal is not None
    assert f"{path} is protected" in refusal
    assert "only a human changes protected paths" in refusal


def test_a_foreign_branch_refuses_every_write_and_names_the_agents_branches(
    repo: GitRepo,
) -> None:
    repo.init_policy()  # on main: humans only
    refusal = write(repo, "src/parser.py")
    assert refusal == (
        "agentowners: codex may not write on branch 'main': it belongs to humans only (rule "
        "'main'). Fix: codex may write only on branches matching 'codex/**' (e.g. git switch "
        "-c codex/<topic>); switch to such a branch and make the change there."
    )
    repo.git("switch", "-qc", "claude/docs")
    assert "belongs to agent claude-code" in (write(repo, "src/parser.py") or "")


def test_an_undeclared_agent_may_write_nowhere(codex_branch: GitRepo) -> None:
    refusal = write(codex_branch, "src/parser.py", protocol="gemini")
    assert refusal is not None
    assert "does not declare gemini" in refusal
    assert "A human must declare it: an [agents.gemini] table" in refusal


def test_an_agent_without_a_branch_rule_is_told_a_human_must_add_one(repo: GitRepo) -> None:
    repo.init_policy(POLICY + '\n[agents.gemini]\nscope = ["src/**"]\n')
    refusal = write(repo, "src/a.py", protocol="gemini")
    assert (
        "no branch rule names gemini as its executor: a human must add a [[branch]] rule for "
        "gemini to .agentowners.toml before gemini can write anywhere"
    ) in (refusal or "")


def test_the_environments_agent_wins_over_the_protocol(codex_branch: GitRepo) -> None:
    # Cursor and Copilot also run Claude Code's hooks: the marker names the writer
    as_codex = {"CODEX_THREAD_ID": "t"}
    assert write(codex_branch, "src/a.py", protocol="claude-code", environ=as_codex) is None
    refusal = write(codex_branch, "src/a.py", protocol="claude-code")
    assert "claude-code may not write on branch 'codex/parser'" in (refusal or "")


def test_agentowners_agent_cannot_hide_a_marker(codex_branch: GitRepo) -> None:
    environ = {"AGENTOWNERS_AGENT": "human", "CLAUDECODE": "1"}
    refusal = write(codex_branch, "src/a.py", environ=environ)
    assert "claude-code may not write on branch" in (refusal or "")
    several = {"AGENTOWNERS_AGENT": "codex", "CLAUDECODE": "1"}
    assert "names more than one agent" in (write(codex_branch, "src/a.py", environ=several) or "")


def test_relative_paths_resolve_against_the_payloads_cwd(codex_branch: GitRepo) -> None:
    codex_branch.write("src/keep.py")
    codex_branch.write("docs/keep.md")
    assert write(codex_branch, "util.py", cwd=str(codex_branch.path / "src")) is None
    refusal = write(codex_branch, "util.py", cwd=str(codex_branch.path / "docs"))
    assert "docs/util.py" in (refusal or "")
    assert write(codex_branch, "../README.md", cwd=str(codex_branch.path / "src"))


def test_symlinks_cannot_carry_a_write_into_another_scope(repo: GitRepo) -> None:
    repo.init_policy()
    repo.write("src/app.py")
    (repo.path / "docs").mkdir()
    os.symlink("../src", repo.path / "docs" / "link")
    repo.commit("link", "docs/index.md")
    repo.git("switch", "-qc", "claude/docs")
    refusal = write(repo, str(repo.path / "docs/link/app.py"), protocol="claude-code")
    assert "claude-code may not write src/app.py" in (refusal or "")
    # a parent that does not exist yet still resolves through the link
    refusal = write(repo, str(repo.path / "docs/link/new/dir/x.py"), protocol="claude-code")
    assert "src/new/dir/x.py" in (refusal or "")
    assert write(repo, str(repo.path / "docs/index.md"), protocol="claude-code") is None


def test_a_link_into_git_is_still_a_write_into_git(codex_branch: GitRepo) -> None:
    (codex_branch.path / "src").mkdir()
    os.symlink("../.git/hooks", codex_branch.path / "src" / "hooks", target_is_directory=True)
    refusal = write(codex_branch, "src/hooks/pre-commit")
    assert refusal is not None
    assert "no agent writes inside .git" in refusal


@pytest.mark.parametrize(
    "command",
    ["echo exit 0 > .git/hooks/pre-commit", "rm -rf .git/hooks", "cp x .git/config", "rm -rf ."],
)
def test_writes_under_git_are_refused(codex_branch: GitRepo, command: str) -> None:
    assert "no agent writes inside .git" in (shell(codex_branch, command) or "")


def test_an_agent_started_outside_the_repository_is_judged_by_the_repository(
    codex_branch: GitRepo,
) -> None:
    outside = str(codex_branch.path.parent)
    refusal = write(codex_branch, str(codex_branch.path / "docs/a.md"), cwd=outside)
    assert "codex may not write docs/a.md" in (refusal or "")
    assert write(codex_branch, str(codex_branch.path / "src/a.py"), cwd=outside) is None


def test_before_the_first_commit_the_staged_policy_judges(repo: GitRepo) -> None:
    """No HEAD: the policy in the index (as at commit time), from any directory."""
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", ".agentowners.toml")
    repo.git("switch", "-qc", "codex/first")
    (repo.path / "src").mkdir()
    assert "codex may not write docs/a.md" in (write(repo, "docs/a.md") or "")
    inside = str(repo.path / "src")
    assert write(repo, str(repo.path / "src/a.py"), cwd=inside) is None
    assert "codex may not write docs/a.md" in (
        write(repo, str(repo.path / "docs/a.md"), cwd=inside) or ""
    )


def test_paths_outside_the_work_tree_are_not_ours(codex_branch: GitRepo, tmp_path: Any) -> None:
    assert write(codex_branch, str(tmp_path / "scratch.txt")) is None
    assert shell(codex_branch, f"echo x > {tmp_path}/out.log && rm -rf /tmp/cache") is None


def test_reads_are_never_refused(repo: GitRepo) -> None:
    repo.init_policy()  # on main, where codex may write nothing
    read = call(repo, "Read", {"file_path": ".agentowners.toml"}, protocol="claude-code")
    assert read is None
    assert shell(repo, "cat .git/config && git log -1 && grep -r TODO docs") is None


@pytest.mark.parametrize(
    "command",
    [
        "ls",
        "git status",
        "pytest -q",
        "python -c 'print(1)'",
        "echo x > src/in_scope.py",
        "cd src && make",
        "git diff HEAD~1 -- src",
        "git commit -m 'Agent: codex'",
    ],
)
def test_everyday_commands_are_never_refused(codex_branch: GitRepo, command: str) -> None:
    assert shell(codex_branch, command) is None


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("git commit --no-verify -m x", "git commit --no-verify skips"),
        ("git commit -n -m x", "git commit -n skips"),
        ("git push --no-verify", "git push --no-verify skips"),
        ("git config core.hooksPath /dev/null", "core.hooksPath"),
        ("git -c core.hooksPath=x commit", "core.hooksPath"),
        ("git update-ref refs/heads/main HEAD", "update-ref"),
        ("echo x > docs/notes.md", "codex may not write docs/notes.md"),
        ("tee docs/a.md < src/a.py", "docs/a.md"),
        ("sed -i s/a/b/ README.md", "README.md"),
        ("cp src/a.py docs/", "docs/a.py"),
        ("mv docs/old.md src/new.md", "docs/old.md"),
        ("touch docs/new.md", "docs/new.md"),
        ("mkdir docs/drafts", "docs/drafts/"),
        ("git checkout -- README.md", "README.md"),
        ("git restore docs/guide.md", "docs/guide.md"),
    ],
)
def test_shell_writes_and_gate_switches_are_refused(
    codex_branch: GitRepo, command: str, said: str
) -> None:
    codex_branch.commit("docs", "docs/guide.md", "docs/old.md", "README.md", "src/a.py")
    refusal = shell(codex_branch, command)
    assert refusal is not None
    assert said in refusal


def test_git_apply_is_judged_by_the_paths_in_its_patch(codex_branch: GitRepo) -> None:
    codex_branch.write(
        "src/fix.patch", "--- a/docs/guide.md\n+++ b/docs/guide.md\n@@ -1 +1 @@\n-x\n+y\n"
    )
    assert "docs/guide.md" in (shell(codex_branch, "git apply src/fix.patch") or "")
    assert "docs/guide.md" in (shell(codex_branch, "cd src && git apply fix.patch") or "")
    assert shell(codex_branch, "git apply --stat src/fix.patch") is None


def test_removing_a_directory_is_judged_by_its_tracked_files(codex_branch: GitRepo) -> None:
    codex_branch.commit("docs", "docs/a.md", "docs/b.md")
    (codex_branch.path / "scratch").mkdir()
    (codex_branch.path / "scratch" / "untracked.txt").write_text("x")
    refusal = shell(codex_branch, "rm -rf docs scratch gone")
    assert refusal is not None
    assert "docs/a.md, docs/b.md:" in refusal
    assert "scratch" not in refusal


def test_ignored_files_never_reach_a_commit_so_they_are_not_scope_checked(
    repo: GitRepo,
) -> None:
    repo.write(".gitignore", "build/\n*.log\n")
    repo.init_policy()
    repo.git("switch", "-qc", "codex/x")
    assert shell(repo, "mkdir -p build && echo x > build/out.txt && pytest > run.log") is None
    assert shell(repo, "echo x > notes.txt")


def test_no_policy_allows_silently(repo: GitRepo) -> None:
    repo.commit("first", "README.md")
    assert write(repo, "anything/at/all.py") is None
    assert shell(repo, "git commit --no-verify -m x") is None


def test_a_bad_policy_at_head_refuses_every_write(repo: GitRepo) -> None:
    repo.init_policy("version = 1\n[agents.codex]\nscope = []\n")
    refusal = write(repo, "src/a.py")
    assert refusal is not None
    assert ".agentowners.toml:3: agents.codex.scope is empty" in refusal
    assert "no write is allowed until a human fixes it" in refusal


def test_the_policy_is_heads_not_the_work_trees(codex_branch: GitRepo) -> None:
    widened = POLICY.replace('scope = ["src/**", "tests/**", "!src/vendor/**"]', 'scope = ["**"]')
    codex_branch.write(".agentowners.toml", widened)
    codex_branch.git("add", ".agentowners.toml")
    assert write(codex_branch, "docs/guide.md")


def test_before_the_first_commit_the_index_policy_applies(repo: GitRepo) -> None:
    repo.write(".agentowners.toml", POLICY)
    repo.git("add", ".agentowners.toml")
    repo.git("switch", "-qc", "codex/first")
    assert write(repo, "src/a.py") is None
    assert write(repo, "docs/a.md")


def test_on_a_detached_head_the_scope_still_applies(codex_branch: GitRepo) -> None:
    codex_branch.commit("one", "src/a.py")
    codex_branch.git("switch", "-q", "--detach")
    assert write(codex_branch, "src/b.py") is None
    assert "outside its scope" in (write(codex_branch, "docs/b.md") or "")


def test_during_a_rebase_the_branch_being_rebased_owns_the_edit(codex_branch: GitRepo) -> None:
    codex_branch.commit("base", "src/a.py", content="base\n")
    codex_branch.git("switch", "-qc", "codex/other")
    codex_branch.commit("other", "src/a.py", content="other\n")
    codex_branch.git("switch", "-q", "codex/parser")
    codex_branch.commit("mine", "src/a.py", content="mine\n")
    codex_branch.git("rebase", "codex/other", check=False)  # stops on the conflict
    assert codex_branch.out("rev-parse", "--abbrev-ref", "HEAD") == "HEAD"
    assert write(codex_branch, "src/a.py") is None
    assert "claude-code may not write on branch 'codex/parser'" in (
        write(codex_branch, "src/a.py", protocol="claude-code") or ""
    )


def test_a_payload_that_cannot_be_read_is_refused_in_the_protocol() -> None:
    response = respond(b'{"toolName": "edit", "toolArgs": "{oops"}', "copilot", {})
    assert response.exit_code == 0
    refusal = json.loads(response.output)
    assert refusal["permissionDecision"] == "deny"
    assert "cannot read this call (toolArgs is not JSON)" in refusal["permissionDecisionReason"]


def test_without_a_protocol_an_unknown_payload_exits_2_which_blocks() -> None:
    response = respond(b'{"what": "ever"}', None, {})
    assert response == (
        "",
        2,
        "agentowners: the guard cannot read this call (the payload is no pre-tool-call payload "
        "of claude-code, codex, gemini, copilot, cursor: name the agent's protocol with "
        "--protocol), so it is refused.",
    )


def test_an_internal_error_refuses(repo: GitRepo) -> None:
    # a policy "file" that git holds as a directory: reading it fails, nothing is allowed
    repo.commit("odd", ".agentowners.toml/inner")
    repo.git("switch", "-qc", "codex/x")
    payload = {
        "cwd": str(repo.path),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "touch src/a.py"},
    }
    response = respond(json.dumps(payload).encode(), "claude-code", {})
    assert response.exit_code == 0
    reason = json.loads(response.output)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason == (
        "agentowners: internal error in the edit-time guard (GitError: HEAD:.agentowners.toml "
        "is not a file); the call is refused to stay safe. Please report this to a human."
    )
