"""Results kept between runs so that hooks and guards start fast.

Every commit-time hook and edit-time guard is a new Python process that loads
the policy and compiles a scope or two. Importing tomllib (to parse the policy)
costs about a third of a bare Python start, and importing pathspec (to turn
scope patterns into regexes) about as much as the start itself. Both results
are pure functions of their input and of the library doing the work, so they
are kept in one file per Python and pathspec version under the user's cache
directory:

* the regex and include flag pathspec gives each scope pattern;
* the parsed TOML of each policy text that loaded without a problem.

A hit skips the import; a miss does the work as before and adds it to the
file. The file only saves time: a missing, unreadable or unwritable file is
ignored (and rewritten when possible). Like the hooks themselves, it is
trusted as far as the user's own files are; CI and server-side checks stay
the guarantee (SPEC §8).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Sequence
from typing import Any

_FORMAT = 1
# Small enough to read in well under a millisecond.
_MAX_PATTERNS = 1024
_MAX_DOCUMENTS = 16

Translation = tuple["str | None", "bool | None"]  # (regex, include) as pathspec writes them


class _Store:
    """The cache file's content, read once per process."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.patterns: dict[str, Translation] = {}
        self.documents: dict[str, bytes] = {}  # policy text -> marshalled TOML data
        if path is None:
            return
        try:
            with open(path, "rb") as f:
                content = marshal.load(f)
        except (OSError, EOFError, ValueError, TypeError):
            return  # no cache yet, or one this version cannot read: start empty
        if isinstance(content, dict):
            patterns, documents = content.get("patterns"), content.get("documents")
            if isinstance(patterns, dict) and isinstance(documents, dict):
                self.patterns, self.documents = patterns, documents

    def save(self) -> None:
        if self.path is None:
            return
        _trim(self.patterns, _MAX_PATTERNS)
        _trim(self.documents, _MAX_DOCUMENTS)
        content = marshal.dumps({"patterns": self.patterns, "documents": self.documents})
        temporary = f"{self.path}.{os.getpid()}"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(temporary, "wb") as f:
                f.write(content)
            os.replace(temporary, self.path)  # readers see the old file or the new one
        except OSError:
            pass  # a read-only home, a full disk: run uncached


def _trim(entries: dict[Any, Any], most: int) -> None:
    """Forget the oldest entries beyond `most` (dicts keep insertion order)."""
    for key in list(entries)[: max(0, len(entries) - most)]:
        del entries[key]


def _pathspec_version() -> str | None:
    """pathspec's version, read from its files: importing it is what this module avoids."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pathspec")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    try:
        with open(os.path.join(os.path.dirname(spec.origin), "_version.py"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    _, quote, rest = text.partition('__version__ = "')
    version = rest.partition('"')[0]
    return version if quote and version else None


def _cache_path() -> str | None:
    pathspec = _pathspec_version()
    if pathspec is None:
        return None
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    python = f"{sys.implementation.cache_tag}-{sys.version.split()[0]}"
    name = f"compiled-{_FORMAT}-{python}-pathspec-{pathspec}.marshal"
    return os.path.join(home, "agentowners", name)


_store: _Store | None = None


def _the_store() -> _Store:
    global _store  # noqa: PLW0603 - read once per process, on first use
    if _store is None:
        _store = _Store(_cache_path())
    return _store


def pattern_regexes(patterns: Sequence[str]) -> list[Translation]:
    """pathspec's (regex, include) for each gitignore pattern, cached when possible."""
    store = _the_store()
    missing = [pattern for pattern in patterns if pattern not in store.patterns]
    if missing:
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

        for pattern in missing:
            store.patterns[pattern] = GitIgnoreSpecPattern.pattern_to_regex(pattern)
    translations = [store.patterns[pattern] for pattern in patterns]
    if missing:
        store.save()  # (which may forget the oldest entries, these ones too)
    return translations


def parsed_policy(text: str) -> dict[str, Any] | None:
    """The TOML data of a policy text that loaded before, or None."""
    if sys.version_info < (3, 11):  # pragma: no cover - tomli's results are not keyed here
        return None
    packed = _the_store().documents.get(text)
    data = marshal.loads(packed) if packed is not None else None
    return data if isinstance(data, dict) else None


def remember_policy(text: str, data: dict[str, Any]) -> None:
    """Keep the TOML data of a policy text that loaded without a problem."""
    if sys.version_info < (3, 11):  # pragma: no cover
        return
    try:
        packed = marshal.dumps(data)
    except ValueError:  # a value marshal cannot hold (a TOML date): keep nothing
        return
    store = _the_store()
    store.documents[text] = packed
    store.save()
