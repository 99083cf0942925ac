"""Inline TeX math in a title: `$\\alpha$`, kept as written by a BibTeX import and
written back as math by export, so a title's math stays math (not α, not `\\$`).
Pure: no I/O.

Only a BibTeX import keeps math: it lists each span in the paper's `title_protect`, and
export writes verbatim exactly the protected spans that are math. A `$` in any other
title (a listing's "$5 and $10") stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# A title's inline math as a .bib writes it: $...$ (not $$, not an escaped \$), braced
# ({$...$}) as readlist's export writes it, or not.
_IN_BIB = re.compile(r"(\{)?(?<!\\)\$(?!\$)((?:[^$\\]|\\.){1,200}?)(?<!\\)\$(?(1)\})")
MATH_SPAN = re.compile(r"\$(?!\$)(?:[^$\\]|\\.)+(?<!\\)\$")


def keep_math(
    raw: str, decode: Callable[[str], str], tidy: Callable[[str], str]
) -> tuple[str, list[str]] | None:
    """The title with its inline math as written and the rest decoded (then `tidy`), and
    the math spans; None when there is none, or it cannot be cut out cleanly (braces
    that cross it), so that the title decodes as it always did."""
    text: list[str] = []
    math: list[str] = []
    at = 0
    for m in _IN_BIB.finditer(raw):
        before, span = raw[at : m.start()], "$" + " ".join(m.group(2).split()) + "$"
        if not (balanced(before) and balanced(span)):
            return None
        text += [decode(before), span]
        math.append(span)
        at = m.end()
    if not math or not balanced(raw[at:]):
        return None
    text.append(decode(raw[at:]))
    title = tidy("".join(text))
    return (title, list(dict.fromkeys(math))) if all(s in title for s in math) else None


def math_pieces(title: str, protect: Sequence[str]) -> list[tuple[str, bool]] | None:
    """`title` cut into (text, is_math) at the protected spans that are math; None when
    it has none."""
    math = [s for s in protect if MATH_SPAN.fullmatch(s) and s in title]
    if not math:
        return None
    found = re.compile("|".join(map(re.escape, sorted(math, key=len, reverse=True))))
    out: list[tuple[str, bool]] = []
    at = 0
    for m in found.finditer(title):
        out += [(title[at : m.start()], False), (m.group(0), True)]
        at = m.end()
    out.append((title[at:], False))
    return out


def balanced(text: str) -> bool:
    """Whether the braces of `text` close, and never close what they did not open."""
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0
