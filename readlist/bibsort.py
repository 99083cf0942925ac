"""Sorting hints in a .bib: `{\\noopsort{a}}Title`, `{\\SortNoop{1999}}`, and the like.

A .bib sorts an entry where its text would not: `@preamble{"\\newcommand{\\noopsort}[1]{}"}`
defines a macro that prints nothing, and `{\\noopsort{a}}` puts the entry first. Read
as text the hint shows ("aTitle"), and written back it needs the preamble readlist does
not keep (pdflatex stops at an undefined \\noopsort). So the hint is taken out of the
text before it is decoded, and the import says which entries had one. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Names tools and style guides use for a macro that prints nothing (case as written).
KNOWN = frozenset(["noopsort", "NOOPSORT", "SortNoop", "sortnoop", "noop", "nosort", "sortname"])
# What a @preamble defines to print nothing: \newcommand{\x}[1]{}, \def\x#1{}, ...
_EMPTY_DEF = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*"
    r"\{?\s*\\([A-Za-z]+)\s*\}?\s*\[1\]\s*\{\s*\}"
    r"|\\def\s*\\([A-Za-z]+)\s*#1\s*\{\s*\}"
)
_CALL = re.compile(r"\\([A-Za-z]+)\s*\{")


def hint_macros(preambles: Iterable[str]) -> frozenset[str]:
    """The known hint macros and those the file's @preamble defines to print nothing."""
    defined = {a or b for text in preambles for a, b in _EMPTY_DEF.findall(text)}
    return KNOWN | defined


def without_hints(value: str, macros: frozenset[str]) -> tuple[str, list[str]]:
    """`value` without its hints (a group left empty goes too: `{\\noopsort{a}}Title`
    is `Title`), and the hints taken out as written."""
    if "\\" not in value:
        return value, []
    out: list[str] = []
    hints: list[str] = []
    at = 0
    for m in _CALL.finditer(value):
        if m.start() < at or m.group(1) not in macros:
            continue
        end = _group_end(value, m.end() - 1)
        if end is None:
            continue
        start = m.start()
        # `{\noopsort{a}}`: the braces around the hint hold nothing else, drop them too.
        if value[start - 1 : start] == "{" and value[end : end + 1] == "}":
            start, end = start - 1, end + 1
        out.append(value[at:start])
        hints.append(value[m.start() : _group_end(value, m.end() - 1) or end])
        at = end
    if not hints:
        return value, []
    out.append(value[at:])
    return "".join(out), hints


def _group_end(text: str, open_at: int) -> int | None:
    """The index after the brace closing the one at `open_at`; None when it never does."""
    depth = 0
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "\\":
            continue
        if ch == "{" and text[i - 1 : i] != "\\":
            depth += 1
        elif ch == "}" and text[i - 1 : i] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    return None
