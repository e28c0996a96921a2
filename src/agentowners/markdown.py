"""Untrusted text (paths, subjects, branch names) made safe for GitHub-flavoured markdown.

Commit subjects and path names are written by whoever made the commit, agents
included: they must not break a table, open an HTML tag such as `<details>`,
or add lines to a pull-request comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Characters with an inline meaning in CommonMark or on GitHub (emphasis, code,
# links, HTML, tables, strike-through, entities, math, references, mentions); a
# backslash makes any of them literal
# (https://spec.commonmark.org/0.31.2/#backslash-escapes).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$#@])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BACKTICKS = re.compile(r"`+")


def _visible(value: str) -> str:
    """Control characters (newlines included) as visible escapes, on one line."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def text(value: str) -> str:
    """`value` as literal inline text, safe in a paragraph, a list item or a table cell."""
    return _SPECIAL.sub(r"\\\1", _visible(value))


def code(value: str, *, in_table: bool = False) -> str:
    """`value` as an inline code span, whatever backticks and blanks it contains.

    In a table a `|` ends the cell even inside a code span unless escaped
    (https://github.github.com/gfm/#tables-extension-).
    """
    value = _visible(value)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    # A span strips one blank from each end when both ends are blank, and a
    # backtick at either end would merge with the fence: pad with one blank.
    padded = value.startswith("`") or value.endswith("`")
    padded = padded or (value.startswith(" ") and value.endswith(" ") and bool(value.strip()))
    pad = " " if padded else ""
    span = f"{fence}{pad}{value}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def table(header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a GFM table of ready-made cells; `align` has `l` or `r` per column."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return [f"| {' | '.join(cells)} |" for cells in (header, rule, *rows)]
