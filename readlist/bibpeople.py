"""People's names read from BibTeX: the split at `and` and the form readlist stores.

bibtexparser's `split_multiple_persons_names` skips the character after a backslash
and starts the next name at the first character it looks at after an `and`: in
`Smith, A and \\"Ozt\\"urk, B` that is the `O`, so the accent is lost (and
`\\Uhorn{}ng` becomes `horn{}ng`). `split_names` splits as BibTeX does: at a word
`and` at brace depth 0, between two other words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bibtexparser.middlewares import SeparateCoAuthors
from bibtexparser.middlewares.names import NameParts

_WORD = re.compile(r"[^\s{}]+|[{}]|\s+")


def split_names(names: str) -> list[str]:
    """The names in an author field, each as written (white space kept inside)."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    pieces = _WORD.findall(names.strip(" \r\n\t"))
    for i, piece in enumerate(pieces):
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth = max(depth - 1, 0)
        inner = 0 < i < len(pieces) - 1 and pieces[i - 1].isspace() and pieces[i + 1].isspace()
        if depth == 0 and piece.lower() == "and" and inner:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(piece)
    if current:
        out.append("".join(current).strip())
    return out


class Authors(SeparateCoAuthors):
    """bibtexparser's middleware with BibTeX's split (see the module's note)."""

    def _transform_field_value(self, name: str) -> list[str]:
        return [classic(n) for n in split_names(name)]


# biblatex's extended name format: `family=Khai, given=Minh, given-i=M, prefix=van`.
_RELAX = re.compile(r"\{\\relax(?![A-Za-z@])\s*")
# biblatex's given-i: each initial a character or a braced group ({Ch}D is Ch. D.).
_INITIALS = re.compile(r"\{[^{}]*\}|[^{}\s]")
_EXTENDED = re.compile(r"^\s*(?:family|given|prefix|suffix)(?:-i)?\s*=", re.IGNORECASE)


def classic(name: str) -> str:
    """A name in biblatex's extended format as BibTeX writes it ("von Last, Jr, First");
    any other name as it is. Initials given (given-i) are biblatex's to print: the
    name is the name, but for an initial of two letters ({Ch}), kept as BibTeX's idiom."""
    if not _EXTENDED.match(name):
        return name
    parts: dict[str, str] = {}
    for piece in _top_level_commas(name):
        key, _, value = piece.partition("=")
        key, value = key.strip().lower(), value.strip()
        if wholly_braced(value) and not key.endswith("-i"):  # given-i={Ch}: one initial
            value = value[1:-1].strip()
        parts[key] = value
    head = " ".join(p for p in (parts.get("prefix", ""), parts.get("family", "")) if p)
    first, jr = _relaxed(parts.get("given", ""), parts.get("given-i", "")), parts.get("suffix", "")
    return (
        ", ".join(p for p in (head, jr, first) if p)
        if jr
        else ", ".join(p for p in (head, first) if p)
    )


def _relaxed(given: str, initials: str) -> str:
    """The given name with each initial of two letters or more that given-i spells out
    ({Ch}) in BibTeX's idiom, {\\relax Ch}ristopher, as a .bib for bibtex writes it."""
    words, shown = given.split(), _INITIALS.findall(initials)
    if len(words) != len(shown) or not any(len(i) > 3 for i in shown):
        return given
    for n, (word, initial) in enumerate(zip(words, shown, strict=True)):
        inner = initial[1:-1]
        if len(inner) > 1 and inner.isalpha() and word.startswith(inner) and word != inner:
            words[n] = "{\\relax " + inner + "}" + word[len(inner) :]
    return " ".join(words)


def _top_level_commas(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def person_of(parts: object, decode: Callable[[str], str], text: Callable[[object], str]) -> str:
    """A name as readlist stores it: "First von Last" when that reads back as the same
    parts, else BibTeX's "von Last, Jr, First"; a braced corporate name keeps its braces."""
    if not isinstance(parts, NameParts):
        return text(decode(str(parts)))
    if not (parts.first or parts.von or parts.jr) and len(parts.last) == 1:
        only = parts.last[0]
        if wholly_braced(only) and " " in only.strip():
            return "{" + text(decode(only[1:-1])) + "}"
    plain = NameParts(
        *(
            [_word(t, decode, text) for t in ts]
            for ts in (parts.first, parts.von, parts.last, parts.jr)
        )
    )
    # {von Neumann}, John: one family name to BibTeX, "von" and all; kept braced, or
    # it would read back as von "von", last "Neumann".
    plain.last = [
        "{" + text(decode(t[1:-1])) + "}"
        if wholly_braced(t) and " " in t.strip()
        else _word(t, decode, text)
        for t in parts.last
    ]
    # "First von Last" reads back the same (to bibtex too) only in this shape.
    forward = (
        not plain.jr
        and len(plain.last) == 1
        and all(not t[:1].islower() for t in plain.first)
        and all(t[:1].islower() for t in plain.von)
    )
    return text(plain.merge_first_name_first if forward else plain.merge_last_name_first)


def _word(token: str, decode: Callable[[str], str], text: Callable[[object], str]) -> str:
    """A word of a name, decoded; BibTeX's idiom for a two-letter initial,
    {\\relax Ch}ristopher, kept as {Ch}ristopher (see `bibnames.INITIAL`)."""
    m = _RELAX.match(token)
    end = _group_end(token) if m else -1
    if m and 0 < end < len(token) - 1:
        initial, rest = text(decode(token[m.end() : end])), text(decode(token[end + 1 :]))
        if initial and rest and not any(c in initial + rest for c in "{} "):
            return "{" + initial + "}" + rest
    return text(decode(token))


def _group_end(token: str) -> int:
    """Where the group `token` starts with closes."""
    depth = 0
    for i, ch in enumerate(token):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return i
    return -1


def wholly_braced(text: str) -> bool:
    """`{...}` where the first brace closes only at the end: a corporate name."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return True
