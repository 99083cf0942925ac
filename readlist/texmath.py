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
from functools import cache


@cache
def _in_bib() -> re.Pattern[str]:
    """A title's inline math as a .bib writes it: $...$ (not $$, not an escaped \\$),
    braced ({$...$}) as readlist's export writes it, or not. Compiled on first use (a
    BibTeX import): every command that lists the export formats imports this module."""
    return re.compile(r"(\{)?(?<!\\)\$(?!\$)((?:[^$\\]|\\.){1,200}?)(?<!\\)\$(?(1)\})")


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
    for m in _in_bib().finditer(raw):
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


_SUPER = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)


@cache
def _script_re() -> re.Pattern[str]:
    return re.compile(r"([\^_])\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))")


def readable(title: str, protect: Sequence[str]) -> str:
    """`title` with its inline math as text a reader (a terminal, a CSL processor)
    shows: $O(n^2)$ is O(n²), $\\alpha$-GAN is α-GAN. Text that is not math is as stored,
    a `$` in it too; BibTeX's export keeps the math (see `math_pieces`)."""
    if "$" not in title:
        return title
    pieces = math_pieces(title, protect)
    if pieces is None:
        return title
    return "".join(_math_text(piece) if math else piece for piece, math in pieces)


def _math_text(span: str) -> str:
    from readlist.latex import math_decoder  # pylatexenc: only when a title has math

    inner = _script_re().sub(_script, span[1:-1])
    return " ".join(math_decoder().latex_to_text(inner).split())


def _script(m: re.Match[str]) -> str:
    """x^2 -> x², x_{i+1} -> xᵢ₊₁ when Unicode has every character; else x^(...)."""
    table = _SUPER if m.group(1) == "^" else _SUB
    text = m.group(2) if m.group(2) is not None else m.group(3)
    if text and all(c in table for c in text.replace(" ", "")):
        return "".join(table[c] for c in text.replace(" ", ""))
    if m.group(2) is not None and len(text) > 1:
        return m.group(1) + "(" + text + ")"
    return m.group(1) + text
