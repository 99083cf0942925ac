"""BibTeX's macros: @string values evaluated in file order, and `a # "b" # {c}`
concatenations, with a cap on how far a chain of macros may expand."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bibtexparser.model import String as BibString

MAX_EXPANDED = 100_000  # characters: a chain of doubling @strings stops here
TOO_LONG = f"expands past {MAX_EXPANDED:,} characters"
_MONTHS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)


class TooLong(ValueError):
    pass


def strings_of(blocks: Sequence[BibString], warnings: list[str]) -> dict[str, str]:
    """The @string macros by lower-case name, each evaluated in file order as BibTeX
    does (`@string{both = first # second}` uses the two defined before it)."""
    strings: dict[str, str] = {}
    for block in blocks:
        value = str(block.value)
        if "#" in value and _isconcat(value, strings):
            try:
                value = concat(value, strings)
            except TooLong:  # left out: the macros built on it are not expanded either
                warnings.append(f"@string {block.key} {TOO_LONG}; not expanded")
                continue
        strings[block.key.lower()] = value
    return strings


def _isconcat(raw: str, strings: dict[str, str]) -> bool:
    """Whether a @string's value (bibtexparser strips its braces or quotes, so `{C# for
    all}` reads as `C# for all`) is a concatenation: every bare piece a macro, a month
    or a number."""
    pieces = [p.strip() for p in raw.split("#")]
    return all(
        p and (p[0] in '{"' or p.lower() in strings or p.lower() in _MONTHS or p.isdigit())
        for p in pieces
    )


def concat(raw: str, strings: dict[str, str]) -> str:
    """Evaluate `a # "b" # {c}`: macros from @string (or month names), pieces joined;
    TooLong past MAX_EXPANDED characters."""
    out: list[str] = []
    size = 0
    i = 0
    while i < len(raw):
        if size > MAX_EXPANDED:
            raise TooLong(raw)
        ch = raw[i]
        if ch.isspace() or ch == "#":
            i += 1
        elif ch in '{"':
            close = "}" if ch == "{" else '"'
            depth, j = 0, i + 1
            while j < len(raw) and not (raw[j] == close and depth == 0):
                depth += {"{": 1, "}": -1}.get(raw[j], 0)
                j += 1
            out.append(raw[i + 1 : j])
            size += j - i
            i = j + 1
        else:
            m = re.match(r"[^\s#]+", raw[i:])
            assert m is not None
            word = m.group()
            out.append(strings.get(word.lower(), word))
            size += len(out[-1])
            i += len(word)
    if size > MAX_EXPANDED:
        raise TooLong(raw)
    return "".join(out)
