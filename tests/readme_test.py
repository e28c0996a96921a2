"""The README cannot rot: its commands run, its policy loads, its tables hold.

Blocks and tables are picked by the `<!-- readme-test: KIND -->` comment just
before them. `console` blocks run line by line (`$ ` lines) in a real
temporary repository, all in one shell: KIND `empty` is a fresh repository,
`adopting` one holding only the README's `.pre-commit-config.yaml`, `sample`
one with the README's own policy, a `README.md` and a CI workflow committed on
`main`, pushed to a bare `origin`, and `codex/parser` checked out with one
in-scope codex commit. A command must
exit 0 unless it ends with `# exit N`; the output lines shown must appear in
that order (`...` elides). A block using an `agentowners` command that is not
registered yet in `agentowners.cli.COMMANDS` is skipped, and starts being
checked once the command exists.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from agentowners import actor, checks
from agentowners.builtin_agents import BUILTIN_AGENTS
from agentowners.cli import COMMANDS
from agentowners.commands import init
from agentowners.commands.audit import audit_history
from agentowners.patterns import ScopeMatcher, branch_regex
from agentowners.policy import load_policy
from tests.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

_MARKER = re.compile(r"\s*<!-- readme-test: ([\w-]+) -->\s*\Z")
_FENCE = re.compile(r"(\s*)```(\w*)\s*\Z")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_EXPECTED_EXIT = re.compile(r"#\s*exit\s+(\d+)\s*\Z")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

# Fenced blocks that show commands must be tested; these kinds are.
CONSOLE_KINDS = {"empty", "adopting", "sample", "first-commands"}
SHELL_KINDS = {"install", "pre-receive-hook", "pre-push-hook", "guard-command"}


class Block(NamedTuple):
    kind: str | None  # the readme-test marker before it
    lang: str
    text: str
    line: int  # where it starts in README.md, for test ids and messages


class Command(NamedTuple):
    line: str
    expected_output: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        match = _EXPECTED_EXIT.search(self.line)
        return int(match.group(1)) if match else 0

    @property
    def agentowners_command(self) -> str | None:
        """The sub-command it runs: `agentowners X`, or `python3 dev.py demo`."""
        words = shlex.split(self.line, comments=True)
        while words and _ASSIGNMENT.match(words[0]):
            words.pop(0)
        if words[:1] == ["agentowners"] and len(words) > 1:
            return words[1]
        if words[:2] == ["python3", "dev.py"] and words[2:3] == ["demo"]:
            return "demo"
        return None


def _marker(line: str) -> str | None:
    match = _MARKER.match(line)
    return match.group(1) if match else None


def _blocks(text: str) -> Iterator[Block]:
    lines = text.splitlines()
    kind: str | None = None
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if _marker(lines[i]):
            kind = _marker(lines[i])
        elif fence:
            indent, lang = fence.groups()
            end = i + 1
            while lines[end].strip() != "```":
                end += 1
            body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
            yield Block(kind, lang, body + "\n", i + 1)
            kind, i = None, end
        elif lines[i].strip():
            kind = None  # a marker belongs to the block right after it
        i += 1


BLOCKS = list(_blocks(README))


def _block(kind: str) -> Block:
    (block,) = [b for b in BLOCKS if b.kind == kind]
    return block


def _table(kind: str) -> list[list[str]]:
    """The rows (cells) of the table after `<!-- readme-test: KIND -->`, header dropped."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if _marker(line) == kind)
    rows = []
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows[2:]


def _spans(cell: str) -> list[str]:
    return _CODE_SPAN.findall(cell)


def _commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append(Command(line[2:], ()))
        elif commands:
            last = commands[-1]
            commands[-1] = last._replace(expected_output=(*last.expected_output, line))
        else:
            raise AssertionError(f"README.md:{block.line}: output before any command")
    return commands


# --- the repositories blocks run in ---------------------------------------


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's isolated environment, with this checkout's commands first on PATH."""
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ["PATH"]))
    return {**os.environ, "PATH": path, **(extra or {})}


def _sample_repo(tmp_path: Path) -> GitRepo:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    repo = GitRepo(work)
    repo.write("README.md", "# Sample\n")
    repo.write(".github/workflows/ci.yml", "name: build\n")
    repo.init_policy(_block("policy").text)
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "main")
    repo.git("switch", "-q", "-c", "codex/parser")
    repo.commit("Add the parser\n\nAgent: codex", "src/parser.py")
    return repo


def _repo(kind: str, tmp_path: Path) -> GitRepo:
    if kind == "sample":
        return _sample_repo(tmp_path)
    path = tmp_path / "fresh"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    repo = GitRepo(path)
    if kind == "adopting":
        repo.write(".pre-commit-config.yaml", _block("pre-commit-config").text)
    return repo


def _run(command: str, cwd: Path, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout


_END_OF_COMMAND = "@@readme-test: exit"


def _run_in_one_shell(commands: list[str], cwd: Path) -> list[tuple[int, str]]:
    """Each command's exit code and output, run one after the other in one shell.

    One shell, as a reader's terminal: a variable one line sets (`id=$(…)`)
    is there for the next.
    """
    script = "".join(f"{command}\nprintf '\\n{_END_OF_COMMAND} %d\\n' $?\n" for command in commands)
    _, output = _run(script, cwd)
    # output: OUT1 \n END 0 \n OUT2 \n END 1 \n ...: each code follows its output.
    first, *rest = output.split(f"\n{_END_OF_COMMAND} ")
    texts, codes = [first], []
    for part in rest:
        code, _, text = part.partition("\n")
        codes.append(int(code))
        texts.append(text)
    assert len(codes) == len(commands), f"the shell stopped early:\n{output}"
    return list(zip(codes, texts))


def _assert_shows(expected: tuple[str, ...], output: str, where: str) -> None:
    actual = [line.rstrip() for line in output.splitlines()]
    position = 0
    for line in expected:
        if not line.strip() or line.strip() == "...":
            continue
        try:
            position = actual.index(line.rstrip(), position) + 1
        except ValueError:
            raise AssertionError(
                f"{where}: the README shows\n    {line}\nbut the output was:\n{output}"
            ) from None


def _skip_unregistered(commands: list[Command]) -> None:
    for command in commands:
        name = command.agentowners_command
        if name is not None and name not in COMMANDS:
            pytest.skip(f"`agentowners {name}` is not registered yet in agentowners.cli.COMMANDS")


# --- the tests --------------------------------------------------------------


def test_every_block_that_shows_commands_is_tested() -> None:
    for block in BLOCKS:
        where = f"README.md:{block.line}"
        if block.lang == "console":
            assert block.kind in CONSOLE_KINDS, f"{where}: a console block needs a marker"
        elif block.lang in {"sh", "bash", "shell"}:
            assert block.kind in SHELL_KINDS, f"{where}: shell code that no test runs"
        elif block.lang not in {"yaml", "toml"}:
            # prose examples (an AGENTS.md snippet): no commands to run
            assert not any(line.startswith("$ ") for line in block.text.splitlines()), where


CONSOLE_BLOCKS = [b for b in BLOCKS if b.kind in CONSOLE_KINDS - {"first-commands"}]


@pytest.mark.parametrize(
    "block", CONSOLE_BLOCKS, ids=[f"line{b.line}-{b.kind}" for b in CONSOLE_BLOCKS]
)
def test_console_block(block: Block, tmp_path: Path) -> None:
    commands = _commands(block)
    _skip_unregistered(commands)
    assert block.kind is not None
    repo = _repo(block.kind, tmp_path)
    results = _run_in_one_shell([command.line for command in commands], repo.path)
    for command, (code, output) in zip(commands, results):
        where = f"README.md:{block.line}: $ {command.line}"
        assert code == command.exit_code, f"{where}: exit {code}\n{output}"
        _assert_shows(command.expected_output, output, where)


def test_readme_opens_with_demo_and_test() -> None:
    block = BLOCKS[0]
    assert block.kind == "first-commands"
    commands = _commands(block)
    assert [c.line for c in commands] == ["python3 dev.py demo", "python3 dev.py test"]
    # CI runs exactly the second, so a green CI proves it.
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("exec python3 dev.py test")
    _skip_unregistered(commands)
    code, output = _run("python3 dev.py demo", ROOT)
    assert code == 0, output


def test_policy_block_loads_and_sets_every_documented_key() -> None:
    text = _block("policy").text
    policy = load_policy(text, "README.md")
    assert policy.agents["codex"].max_lines == 1500
    assert policy.agents["build-bot"].emails == ("build-bot@example.com",)
    for key_cell, *_rest in _table("keys"):
        (key,) = _spans(key_cell)
        name = key.rsplit("].", 1)[-1].removeprefix("agents.<id>.").removeprefix("settings.")
        assert re.search(rf"^{re.escape(name)} = ", text, re.MULTILINE), key


@pytest.mark.parametrize("row", _table("scope-examples"), ids=lambda row: " ".join(row[:2]))
def test_scope_examples(row: list[str]) -> None:
    patterns, (path,), verdict = _spans(row[0]), _spans(row[1]), row[2]
    assert (path in ScopeMatcher(patterns)) == (verdict == "yes")


@pytest.mark.parametrize("row", _table("branch-examples"), ids=lambda row: " ".join(row[:2]))
def test_branch_examples(row: list[str]) -> None:
    (pattern,), (branch,), verdict = _spans(row[0]), _spans(row[1]), row[2]
    assert bool(branch_regex(pattern).fullmatch(branch)) == (verdict == "yes")


def test_builtin_agents_table_is_the_data() -> None:
    rows = {_spans(row[0])[0]: row for row in _table("builtin-agents")}
    assert list(rows) == [agent.id for agent in BUILTIN_AGENTS]
    for agent in BUILTIN_AGENTS:
        _, env, emails = rows[agent.id]
        assert _spans(env) == list(agent.env)
        suffix = [agent.committer_name_suffix] if agent.committer_name_suffix else []
        assert _spans(emails) == [*agent.emails, *suffix]


def test_violation_codes_table_is_complete() -> None:
    assert [_spans(row[0])[0] for row in _table("codes")] == list(checks.CODES)


def _install_line() -> str:
    (line,) = _block("install").text.splitlines()
    return line


def test_install_line_is_the_released_project() -> None:
    # Not run: it downloads. The CI recipes install the same (tested below).
    assert _install_line() == (
        f'pip install "agentowners @ git+{init.PROJECT_URL}@{init.PROJECT_REV}"'
    )


def test_pre_commit_snippet_is_what_init_prints() -> None:
    block = _block("pre-commit-config")
    assert block.text == init.PRE_COMMIT_SNIPPET
    hook_ids = [hook["id"] for hook in yaml.safe_load(block.text)["repos"][0]["hooks"]]
    assert init.INSTALL_COMMAND in README
    hooks_file = ROOT / ".pre-commit-hooks.yaml"
    if not hooks_file.exists():
        pytest.skip(".pre-commit-hooks.yaml does not exist yet")
    published = {hook["id"] for hook in yaml.safe_load(hooks_file.read_text())}
    assert set(hook_ids) <= published


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(_block("github-actions").text)
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _github_env(step: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, str]:
    """A step's `env:` with each `${{ expression }}` replaced by the test's value."""
    expression = re.compile(r"\$\{\{\s*([\w.]+)\s*\}\}")
    return {
        name: expression.sub(lambda match: values[match.group(1)], value)
        for name, value in step.get("env", {}).items()
    }


def test_github_actions_workflow_runs_check_range(tmp_path: Path) -> None:
    steps = _workflow_steps()
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    install, check, summary = [s for s in steps if "run" in s]
    assert install["run"] == _install_line()
    assert check["run"] == (
        'agentowners check-range "$BASE_SHA..$HEAD_SHA" --branch "$GITHUB_HEAD_REF"'
    )
    assert summary["if"] == "always()"

    repo = _sample_repo(tmp_path)
    summary_file = tmp_path / "summary.md"
    github = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_HEAD_REF": "codex/parser",
        "GITHUB_STEP_SUMMARY": str(summary_file),
    }

    def run(step: Mapping[str, Any]) -> tuple[int, str]:
        shas = {
            "github.event.pull_request.base.sha": repo.out("rev-parse", "origin/main"),
            "github.event.pull_request.head.sha": repo.out("rev-parse", "HEAD"),
        }
        return _run(step["run"], repo.path, {**github, **_github_env(step, shas)})

    assert run(check) == (0, "agentowners: 1 commit checked, no violations\n")
    assert run(summary)[0] == 0
    assert "**No violations** in 1 commit." in summary_file.read_text()

    repo.commit("Speed up CI\n\nAgent: codex", ".github/workflows/ci.yml")
    code, output = run(check)
    assert code == 1
    assert "::error file=.github/workflows/ci.yml,title=agentowners protected-path" in output
    assert run(summary)[0] == 1
    assert "**1 violation**:" in summary_file.read_text()


def test_gitlab_job_runs_check_range(tmp_path: Path) -> None:
    (job,) = yaml.safe_load(_block("gitlab-ci").text).values()
    assert job["variables"]["GIT_DEPTH"] == "0"
    install, check = job["script"]
    assert install == _install_line()
    repo = _sample_repo(tmp_path)
    gitlab = {
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": repo.out("rev-parse", "origin/main"),
        "CI_COMMIT_SHA": repo.out("rev-parse", "HEAD"),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "codex/parser",
    }
    repo.git("checkout", "-q", "--detach")  # as GitLab's runner checks it out
    assert _run(check, repo.path, gitlab) == (0, "agentowners: 1 commit checked, no violations\n")


def test_pre_receive_hook_rejects_a_violating_push(tmp_path: Path) -> None:
    _skip_unregistered([Command("agentowners pre-receive", ())])
    repo = _sample_repo(tmp_path)
    hook = tmp_path / "origin.git" / "hooks" / "pre-receive"
    hook.write_text(_block("pre-receive-hook").text)
    hook.chmod(0o755)
    push = ["push", "-q", "origin", "codex/parser"]
    assert repo.git(*push, env=_env(), check=False).returncode == 0
    repo.commit("Speed up CI\n\nAgent: codex", ".github/workflows/ci.yml")
    refused = repo.git(*push, env=_env(), check=False)
    assert refused.returncode != 0
    assert "protected-path" in refused.stderr


def test_pre_push_hook_checks_every_ref_of_a_push(tmp_path: Path) -> None:
    repo = _sample_repo(tmp_path)
    assert _run(_block("pre-push-hook").text, repo.path)[0] == 0
    push = ["push", "origin", "codex/parser", "codex/parser:main"]
    refused = repo.git(*push, env=_env(), check=False)
    assert refused.returncode != 0
    assert "foreign-agent: agent codex on branch main" in refused.stdout
    assert "refs/heads/codex/parser" not in repo.out("ls-remote", "origin")


def test_guard_command_is_what_agent_hooks_writes(tmp_path: Path) -> None:
    _skip_unregistered([Command("agentowners agent-hooks", ())])
    repo = _sample_repo(tmp_path)
    assert _run("agentowners agent-hooks install", repo.path)[0] == 0
    settings = json.loads((repo.path / ".claude" / "settings.json").read_text())
    (entry,) = settings["hooks"]["PreToolUse"]
    (written,) = [hook["command"] for hook in entry["hooks"]]
    # The README abbreviates the refusal JSON at the end of the command.
    shown = _block("guard-command").text.strip()
    fallback = "printf '%s\\n' '"
    assert shown.endswith(f"{fallback}<refusal in the agent's format>'")
    assert written.startswith(shown.split(fallback)[0] + fallback)


def _fields(value: object, prefix: str = "") -> Iterator[str]:
    """Dotted field names of a JSON document (`a[].b` inside arrays of objects)."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            nested = list(_fields(item, name))
            yield from nested or [name]
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            yield from _fields(item, f"{prefix}[]")


def test_audit_json_fields_are_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _sample_repo(tmp_path)
    repo.commit("Speed up CI\n\nAgent: codex", ".github/workflows/ci.yml")  # a violation
    monkeypatch.chdir(repo.path)
    out = io.StringIO()
    audit_history("origin/main..HEAD", fmt="json", out=out)
    emitted = set(_fields(json.loads(out.getvalue())))
    documented = {field for row in _table("audit-json") for field in _spans(row[0])}
    assert emitted == documented


def test_audit_sources_are_the_ones_documented() -> None:
    """A commit's `source` is any of actor.SOURCES but the two that only the
    environment of a commit being made can give."""
    (row,) = [row for row in _table("audit-json") if _spans(row[0]) == ["commits[].source"]]
    from_environment = {actor.SOURCE_AGENTOWNERS_AGENT, actor.SOURCE_ENVIRONMENT}
    assert set(_spans(row[2])) == set(actor.SOURCES) - from_environment


def test_every_registered_command_is_documented() -> None:
    for name in COMMANDS:
        assert f"agentowners {name}" in README, name
