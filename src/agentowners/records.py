"""A base for records on the hooks' start-up path, where `typing` is too dear.

NamedTuple imports `typing` (about 2 ms, as much as the git call a hook makes
when there is no policy). Records built on this base are typed by their
`__init__`, compared and hashed by value, shown like a NamedTuple, and
read-only once set, as the engine's other records are.

For the same reason the modules on that path (the hooks, gitcmd,
policy_source, push) import the names of their annotations only under
`TYPE_CHECKING = False` / `if TYPE_CHECKING:`: mypy reads any block guarded by
a name `TYPE_CHECKING`, Python never runs it. `typing.TYPE_CHECKING` would
import typing; `collections.abc` costs such a hook 1 ms more.
"""

from __future__ import annotations


class Record:
    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"{type(self).__name__}.{name} is read-only")
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and (type(other), other._values()) == (
            type(self),
            self._values(),
        )

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
