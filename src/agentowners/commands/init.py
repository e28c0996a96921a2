"""`agentowners init`: a commented starter policy (never overwritten) and the hook snippet."""

from __future__ import annotations

import argparse
import os

from agentowners.commands.validate import default_policy_path
from agentowners.errors import EXIT_OK, UsageError

PROJECT_URL = "https://github.com/agentowners/agentowners"
PROJECT_REV = "v1.0.0"

STARTER_POLICY = """\
# agentowners policy: which agent may commit where, and which paths it may touch.
# Reference: agentowners README, "Policy reference". Check it: agentowners validate
version = 1

[settings]
trailer = "Agent"              # agent commits end with a trailer line "Agent: <id>"
# Paths no agent may change (this file is always protected as well).
protected = [".pre-commit-config.yaml", ".github/**", ".claude/**", ".codex/**"]
unmatched = "human"            # branches no rule below matches belong to humans
require_trailer = true         # an agent's commit must name its agent in the trailer

# One table per agent you let work here. Scope: gitignore patterns, last match wins.
[agents.codex]
scope = ["src/**", "tests/**", "!src/vendor/**"]
# max_files = 40               # at most this many paths per commit
# max_lines = 1500             # at most this many added+deleted lines per commit

[agents.claude-code]
scope = ["docs/**", "*.md"]

# Branch rules: the first pattern that matches a branch decides its executor.
[[branch]]
pattern = "main"
executor = "human"             # no agent commits on main

[[branch]]
pattern = "codex/**"
executor = "codex"
allow_human = false            # humans commit elsewhere and merge

[[branch]]
pattern = "claude/**"
executor = "claude-code"
"""

PRE_COMMIT_SNIPPET = f"""\
repos:
  - repo: {PROJECT_URL}
    rev: {PROJECT_REV}
    hooks:
      - id: check-agent-policy
      - id: check-agent-scope
      - id: add-agent-trailer
      - id: check-agent-trailer
      - id: check-agent-push
"""

INSTALL_COMMAND = "pre-commit install -t pre-commit -t prepare-commit-msg -t commit-msg -t pre-push"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    return init(default_policy_path())


def init(path: str) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists and is never overwritten: edit it, then run "
            "`agentowners validate`"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(STARTER_POLICY)
    print(f"wrote {path}: edit the agents, scopes and branch rules, then commit it.")
    print(f"\nAdd the hooks to .pre-commit-config.yaml:\n\n{PRE_COMMIT_SNIPPET}")
    print(f"and install them:\n\n    {INSTALL_COMMAND}")
    return EXIT_OK
