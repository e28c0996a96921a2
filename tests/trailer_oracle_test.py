"""Who made a commit, judged against git itself: `git interpret-trailers` is the oracle.

Generated messages are committed for real. The actor agentowners reads from
the commit (`history.commits`, what CI and pushes check) and from the message
before it is committed (`git.message_evidence`, what the commit-time hooks
check) must both be the actor of the trailers git finds in the stored
message. git reads a commit's trailers without stopping at a `---` line
(`%(trailers)` sets no_divider), so the oracle is `--parse --no-divider`.
"""

from __future__ import annotations

import subprocess
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentowners import git, history
from agentowners.actor import Actor, Evidence, commit_actor
from agentowners.policy import Policy, load_policy
from tests.gitrepo import POLICY, GitRepo

CLEANUP_MODES = ("strip", "whitespace", "verbatim")

LINES = [
    "Agent: codex", "agent: claude-code", "AGENT:codex", "Agent : codex", "Agent:  claude-code  ",
    "Agent: Codex", "Agent: human", "Agent: gpt-bot", "Agent:", "Agent: codex, claude-code",
    "Agent codex", "AI-Agent: codex", "ai-agent: claude-code", "Agent: ćodex",
    "Signed-off-by: A U Thor <author@example.com>", "Reviewed-by: Someone Else",
    "Co-authored-by: Codex <noreply@openai.com>", "co-authored-by: Claude <noreply@anthropic.com>",
    "Assisted-by: Claude:claude-opus", "(cherry picked from commit 0123456789abcdef)",
    "  continued on a second line", "\tcontinued after a tab", "Fixes #12",
    "# Agent: codex", "# a comment", "---", "--- a/src/x.py", "plain words here",
    "Key With Space: value", "Agent: co", " dex", "",
]  # fmt: skip


class Message(NamedTuple):
    text: str
    cleanup: str
    trailer: str  # the policy's trailer key


@st.composite
def messages(draw: st.DrawFn) -> Message:
    subject = draw(st.sampled_from(["fix the parser", "Agent: codex", "", "# not a subject"]))
    paragraphs = draw(
        st.lists(st.lists(st.sampled_from(LINES), min_size=1, max_size=5), max_size=4)
    )
    separator = draw(st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
    text = separator.join(["\n".join(p) for p in [[subject], *paragraphs]])
    text += draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return Message(
        text,
        draw(st.sampled_from(CLEANUP_MODES)),
        draw(st.sampled_from(["Agent", "AI-Agent"])),
    )


def policy_with_trailer(key: str) -> Policy:
    return load_policy(POLICY.replace("[settings]\n", f'[settings]\ntrailer = "{key}"\n'))


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = tmp_path_factory.mktemp("trailers")
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return GitRepo(path)


def commit_message(repo: GitRepo, message: Message) -> tuple[str, bytes]:
    """Commit the message as `git commit -F` would; (sha, the message as git reads it)."""
    file = repo.path.parent / "message.txt"
    file.write_bytes(message.text.encode())
    repo.git(
        "commit", "-q", "--allow-empty", "--allow-empty-message", "--no-verify",
        f"--cleanup={message.cleanup}", "-F", str(file),
    )  # fmt: skip
    sha = repo.out("rev-parse", "HEAD")
    # The message as git reads it: its subject (`%s`, the first text after any
    # blank lines, never a trailer) and its body (`%b`).
    stored = subprocess.run(
        ["git", "log", "-1", "--format=%s%n%n%b", sha],
        cwd=repo.path,
        capture_output=True,
        check=True,
    ).stdout
    return sha, stored


def oracle_values(stored: bytes, key: str) -> tuple[str, ...]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=stored,
        capture_output=True,
        check=True,
    ).stdout.decode()
    values = []
    for line in out.split("\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == key.lower():
            values.append(value)
    return named(tuple(values))


def expected_actor(policy: Policy, stored: bytes, identities: Evidence) -> Actor:
    return commit_actor(
        policy,
        identities._replace(
            trailer_values=oracle_values(stored, policy.trailer),
            coauthors=oracle_values(stored, "Co-authored-by"),
            assisted_by=oracle_values(stored, "Assisted-by"),
        ),
    )


def named(values: tuple[str, ...]) -> tuple[str, ...]:
    """Values as names: blanks dropped, whitespace normalised (no id contains any)."""
    return tuple(" ".join(v.split()) for v in values if v.strip())


@given(message=messages())
def test_a_commits_actor_is_the_one_its_git_trailers_name(
    history_repo: GitRepo, message: Message, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(history_repo.path)
    policy = policy_with_trailer(message.trailer)
    parent = history_repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).stdout
    sha, stored = commit_message(history_repo, message)
    revisions = [sha, f"^{parent.strip()}"] if parent else [sha]
    (commit,) = history.commits(revisions, trailer=policy.trailer, count_lines=False)
    assert named(commit.evidence.trailer_values) == oracle_values(stored, policy.trailer)
    assert commit_actor(policy, commit.evidence) == expected_actor(
        policy, stored, commit.evidence
    ), message


@given(message=messages())
def test_a_message_being_committed_names_the_actor_its_commit_will_have(
    repo: GitRepo, message: Message
) -> None:
    """The commit-time hooks judge the message git is about to store: same actor as CI.

    `--cleanup=strip` (the default when git opens an editor) deletes comment
    lines after the hooks ran; the hooks read the message as that mode will
    store it (`message_as_stored`, told the mode as the hooks learn it from
    git's command line and configuration).
    """
    policy = policy_with_trailer(message.trailer)
    as_stored = git.message_as_stored(
        message.text.encode(), strips_comments=lambda: message.cleanup == "strip"
    )
    evidence = git.message_evidence(as_stored, policy.trailer)
    _, stored = commit_message(repo, message)
    assert named(evidence.trailer_values) == oracle_values(stored, policy.trailer), message
    assert commit_actor(policy, evidence) == expected_actor(policy, stored, evidence), message


DIVIDED = "fix the parser\n\nSee below.\n---\n\nAgent: codex\n"


def test_a_dashed_line_does_not_hide_the_trailer(repo: GitRepo) -> None:
    """`---` ends a patch's message, not a commit's: CI and the hooks agree on codex."""
    evidence = git.message_evidence(DIVIDED.encode(), "Agent")
    sha = repo.commit(DIVIDED)
    (commit,) = history.commits([sha], trailer="Agent", count_lines=False)
    assert evidence.trailer_values == commit.evidence.trailer_values == ("codex",)


def test_only_the_last_paragraph_holds_trailers(repo: GitRepo) -> None:
    policy = load_policy(POLICY)
    repo.commit("root")
    for text in ("Agent: codex", "subject\n\nAgent: codex\n\nplain last paragraph"):
        sha = repo.commit(text)
        (commit,) = history.commits([sha, f"^{sha}~"], trailer="Agent", count_lines=False)
        assert commit.evidence.trailer_values == ()
        assert commit_actor(policy, commit.evidence).agent == "human"


EDITOR_TEMPLATE = """
# Please enter the commit message for your changes. Lines starting
# with '#' will be ignored, and an empty message aborts the commit.
#
# On branch codex/parser
# ------------------------ >8 ------------------------
# Do not modify or remove the line above.
# Everything below it will be ignored.
diff --git a/src/parser.py b/src/parser.py
--- a/src/parser.py
+++ b/src/parser.py
@@ -0,0 +1 @@
+Agent: claude-code
"""


@pytest.mark.parametrize("typed", ["fix\n\nAgent: codex\n", "fix\n\nAgent: codex"])
def test_an_editor_template_does_not_change_the_actor(repo: GitRepo, typed: str) -> None:
    """`git commit -v` in an editor: the message file holds git's comments and the diff."""
    message = Message(typed + EDITOR_TEMPLATE, "scissors", "Agent")
    evidence = git.message_evidence(message.text.encode(), "Agent")
    _, stored = commit_message(repo, message)
    assert evidence.trailer_values == oracle_values(stored, "Agent") == ("codex",)
