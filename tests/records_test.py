from __future__ import annotations

import pytest

from agentowners.gitcmd import Result
from agentowners.push import RefUpdate


def test_records_compare_hash_and_show_by_value() -> None:
    a, b = RefUpdate("n", "refs/heads/x", None), RefUpdate("n", "refs/heads/x", None)
    assert a == b
    assert hash(a) == hash(b)
    assert a != RefUpdate("n", "refs/heads/y", None)
    assert a != Result(0, b"", b"")  # another record type is never equal
    assert repr(a) == "RefUpdate(new='n', old=None, remote_ref='refs/heads/x')"


def test_records_are_read_only() -> None:
    result = Result(1, b"out", b"err")
    with pytest.raises(AttributeError, match=r"Result\.code is read-only"):
        result.code = 0  # type: ignore[misc]
    assert result.code == 1
