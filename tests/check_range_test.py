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
