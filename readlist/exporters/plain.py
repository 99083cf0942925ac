"""Plain Unicode for the formats that are not LaTeX.

A library holds Unicode: an import decodes a .bib's LaTeX, and a title's protected
spans are kept apart (`title_protect`), not as braces. So text is written as stored,
and a title's `\\o/` or `50%` means what it says, exactly as a BibTeX export prints it.
Two things a .bib leaves as it wrote them: an identifier read verbatim (`doi =
{10.1000/a\\_b}`: TeX's escapes, for styles that do not treat it verbatim) and the
braces of a corporate name (`{OpenAI Team}`), which is one name to BibTeX.
"""

from __future__ import annotations

import re

_TEX = re.compile(r"\\([_%&#$~^{}])|[{}]")
_WHOLLY_BRACED = re.compile(r"^\{([^{}]*)\}$")


def identifier(raw: str) -> str:
    """A DOI (or another verbatim field) with TeX's escapes undone and braces dropped:
    `10.1000/a\\_b{c}` -> `10.1000/a_bc`."""
    return _TEX.sub(lambda m: m.group(1) or "", raw) if ("\\" in raw or "{" in raw) else raw


def unbraced(name: str) -> str | None:
    """The name inside a corporate name's braces, or None when it has none."""
    m = _WHOLLY_BRACED.match(name.strip())
    return m.group(1).strip() if m else None


_GROUPS = re.compile(r"\{([^{}]*)\}")
# {Ch}ristopher: a stored word's first letters braced are one initial ("Ch."), which
# a BibTeX export writes {\relax Ch}ristopher and a biblatex one given-i={Ch}.
INITIAL = re.compile(r"(?<![^\s,])\{([^{}\\\s]+)\}(?=[^\s,{}])")


def without_initials(stored: str) -> str:
    """A stored name without its initials' braces, for a reader that would take
    {Ch}ristopher for a lower-case (von) word: Christopher."""
    return INITIAL.sub(r"\1", stored) if "{" in stored else stored


def shown_name(stored: str) -> str:
    """A stored name as a reader sees it: BibTeX's word groups lose their braces
    ({Barnes and Noble} is Barnes and Noble, John {von Neumann} is John von Neumann)."""
    return _GROUPS.sub(r"\1", stored) if "{" in stored else stored
