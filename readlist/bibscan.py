"""A .bib file's top level as BibTeX reads it, so that bibtexparser reads the same entries.

BibTeX allows white space, newlines included, between `@`, the entry type and the
opening brace (`@ article{`, `@article` then `{` on the next line), and any
identifier as a type (`@my-type{`). bibtexparser 2 takes such entries for comment
text and drops them without a word. `prepare` rewrites their headers, keeping every
line where it was, and lists the `@` that start a line but no block: BibTeX stops at
those with an error, so the import report names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# `@`, the type (a BibTeX identifier), the opening delimiter; white space between.
_HEADER = re.compile(r"@(\s*)([^\s\"#%'(),={}@]*)(\s*)([{(])")
_WORD = re.compile(r"\w+")
_STRAY = re.compile(r"@\s*([^\s\"#%'(),={}@]{0,30})")
# Inside a block: braces, the paren block's quotes and close, and a new block at the
# start of a line (where bibtexparser gives up on an unclosed block; this scan does too).
_INSIDE = re.compile(r"[{})\"]|\n[ \t]*(?=@\w*[ \t]*[{(])")


@dataclass
class Prepared:
    """The text to give bibtexparser, and what it cannot tell from that text."""

    text: str
    types: dict[int, str] = field(default_factory=dict)  # 0-based line -> the type as written
    stray: list[tuple[int, str]] = field(default_factory=list)  # 1-based line, why


def prepare(text: str) -> Prepared:
    """Block headers bibtexparser reads (`@type{`), the line of each block unchanged."""
    out = Prepared("")
    pieces: list[str] = []
    copied = pos = 0
    line, counted = 0, 0
    while (at := text.find("@", pos)) >= 0:
        line += text.count("\n", counted, at)
        counted = at
        m = _HEADER.match(text, at)
        if m is None:
            if _starts_line(text, at):
                word = _STRAY.match(text, at)
                name = word.group(1) if word else ""
                if name.lower() != "comment":  # BibTeX skips `@comment` with or without braces
                    out.stray.append((line + 1, f"@{name} is not an entry: no {{ or ( after it"))
            pos = at + 1
            continue
        gap, kind, space, opening = m.groups()
        plain = not kind or _WORD.fullmatch(kind) is not None
        if gap or space.strip(" \t") or not plain:
            # The white space moves after the delimiter, so no line moves.
            name = kind if plain else re.sub(r"\W", "_", kind)
            if not plain:
                out.types[line] = kind
            pieces += [text[copied:at], "@", name, opening, gap, space]
            copied = m.end()
        pos = _block_end(text, m.end(), opening)
    pieces.append(text[copied:])
    out.text = "".join(pieces)
    return out


def _starts_line(text: str, at: int) -> bool:
    start = text.rfind("\n", 0, at) + 1
    return not text[start:at].strip()


def _block_end(text: str, start: int, opening: str) -> int:
    """Where the block whose delimiter ends at `start` ends: its closing delimiter at
    depth 0, else a new block at a line's start, else the end of the text."""
    closing = ")" if opening == "(" else "}"
    depth, quoted = 0, False
    for m in _INSIDE.finditer(text, start):
        mark = m.group()
        closes = mark == closing and depth == 0 and not quoted
        if mark == "{":
            depth += 1
        elif mark == "}" and depth:
            depth -= 1
        elif opening == "(" and depth == 0 and mark == '"':
            quoted = not quoted
        elif closes or mark.startswith("\n"):
            return m.end()
    return len(text)
