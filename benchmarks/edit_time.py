"""Stand-in for the edit-time guard's decision: the policy at HEAD, a few paths judged.

What the guard costs beyond reading its payload: one Python start, the engine
modules it needs, one git call for the policy, and compiling the scopes it uses.
"""

from __future__ import annotations

from agentowners import engine

PATHS = ("src/app/main.py", "src/vendor/lib.c", "docs/guide.md", ".github/ci.yml", "lib/x.py")


def main() -> int:
    policy = engine.policy_at("HEAD")
    if policy is None:
        return 0
    scope = policy.scope("codex")
    denied = [p for p in PATHS if p in policy.protection or p not in scope]
    print("\n".join(denied))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
