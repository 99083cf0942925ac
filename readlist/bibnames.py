"""How BibTeX splits an exported name, and the form that makes it split it right.

BibTeX (and biber's btparse) tell the "von" part of "First von Last" by the case of
each word's first letter. In a special character it skips the first command and
takes the first letter after it, so {\\d{\\u{A}}}ng reads as lower case (the u of
\\u) and "Văn Ặng Nguyễn" would lose Ặng to the von part, and Ặ. to abbreviation.
A name a word of which would be misread is written "von Last, First" instead, split
by the case of the Unicode letters, which BibTeX does not second-guess.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from readlist.exporters.plain import INITIAL, without_initials
from readlist.latex import t1_letter

# Control words BibTeX reads as letters of a case of their own.
_FOREIGN = {"OE": False, "AE": False, "AA": False, "O": False, "L": False}
_FOREIGN |= {"oe": True, "ae": True, "aa": True, "o": True, "l": True, "ss": True}
_FOREIGN |= {"i": True, "j": True}


def person(name: str, encode: Callable[[str], str]) -> str:
    """`name` (stored "First von Last") for an author field, with `encode` applied."""
    if "{" in name and INITIAL.search(name):
        return relaxed(name, encode)
    words = name.split()
    if name.isascii() or len(words) < 2 or "{" in name or "}" in name or "," in name:
        return encode(name)  # BibTeX reads ASCII letters as they are
    lower = [_lower(w) for w in words]
    if all(reads_lower(encode(w)) == low for w, low in zip(words[:-1], lower, strict=False)):
        return encode(name)
    von = [i for i in range(len(words) - 1) if lower[i]]
    start = von[0] if von else len(words) - 1
    return encode(" ".join(words[start:])) + ", " + encode(" ".join(words[:start]))


def relaxed(text: str, encode: Callable[[str], str]) -> str:
    """Part of a name for BibTeX, each two-letter initial in BibTeX's idiom: {Ch}ristopher
    is {\\relax Ch}ristopher, a special character whose letters abbreviate together."""
    pieces = INITIAL.split(text)
    return "".join(
        encode(piece) if i % 2 == 0 else "{\\relax " + encode(piece) + "}"
        for i, piece in enumerate(pieces)
    )


def _lower(word: str) -> bool:
    """BibTeX's rule on the Unicode word: the case of its first letter."""
    return next((c.islower() for c in word if c.isalpha()), False)


def reads_lower(word: str) -> bool:
    """Whether BibTeX takes this encoded word for a von word (bibtex.web's
    von_token_found): the first letter decides; in a special character {\\x...} the
    first control word is skipped, unless it is a letter of its own (\\ss, \\AE)."""
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c.isascii() and c.isalpha():
            return c.islower()
        if c == "{":
            depth, i = 1, i + 1
            if i < n and word[i] == "\\":
                j = i + 1
                while j < n and word[j].isascii() and word[j].isalpha():
                    j += 1
                if word[i + 1 : j] in _FOREIGN:
                    return _FOREIGN[word[i + 1 : j]]
                i = j
                while i < n and depth:
                    c = word[i]
                    if c.isascii() and c.isalpha():
                        return c.islower()
                    depth += {"{": 1, "}": -1}.get(c, 0)
                    i += 1
                continue
            while i < n and depth:  # a plain group says nothing about case
                depth += {"{": 1, "}": -1}.get(word[i], 0)
                i += 1
            continue
        i += 1
    return False


def biber_person(name: str, encode: Callable[[str], str]) -> str | None:
    """`name` in biblatex's extended name format (family=..., given=..., given-i=...),
    its given name's initials spelled out, when biber would take them wrong from the
    ASCII LaTeX; None for every other name.

    biber (2.18) takes an initial from the LaTeX it could not decode: a given name that
    starts with a stacked or \\relax'd accent ({\\~{\\^{E}}}n, {\\a{d}{...}}ng) gets
    "\\" or "d", and one with "~{" in it ({\\~{y\\relax}}, Mỹ) is split there in two, so
    giveninits printed "M. \\." The initials given are letters pdflatex sets under T1.
    A name whose LaTeX holds "=" (\\=, a macron), '"' (\\", a diaeresis) or "," stays
    as it was: biber's extended names are cut at each of them, braces or not."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    groups = {without_initials(w): m.group(1) for w in name.split() if (m := INITIAL.match(w))}
    name = without_initials(name)
    if (name.isascii() and not groups) or "{" in name or "}" in name:
        return None
    parts = parse_single_name_into_parts(name, strict=False)
    if not parts.first or not parts.last:
        return None
    if not groups and not any(_misread(w, encode) for w in (*parts.first, *parts.last, *parts.von)):
        return None
    named = (
        ("family", parts.last),
        ("given", parts.first),
        ("prefix", parts.von),
        ("suffix", parts.jr),
    )
    out: list[str] = []
    for key, words in named:
        if not words:
            continue
        latex = encode(" ".join(words))
        if any(c in latex for c in '=,"'):  # \={a} \"{u}: biber's separators, braces or not
            return None
        out.append(f"{key}={latex}")
        if key == "given" or any(_misread(w, encode) or w in groups for w in words):
            out.append(f"{key}-i=" + "".join(_initials(w, encode, groups.get(w)) for w in words))
    return ", ".join(out)


def _misread(word: str, encode: Callable[[str], str]) -> bool:
    latex = encode(word)
    first = next((c for c in word if c.isalpha()), "")
    return ("~{" in latex and "\\relax" in latex) or (
        bool(first) and not t1_letter(first) and latex.lstrip("{").startswith("\\")
    )


def _initials(word: str, encode: Callable[[str], str], initial: str | None = None) -> str:
    """One initial a part of a hyphenated word (J-P for Jean-Pierre); `{...}` holds an
    initial written in LaTeX (biber's given-i takes each character as one initial), or
    the `initial` of two letters stored braced ({Ch}ristopher)."""
    if initial is not None and "{" not in (latex := encode(initial)):
        return "{" + latex + "}"
    pieces = [p for p in word.split("-") if any(c.isalpha() for c in p)]
    letters = [next(c for c in p if c.isalpha()) for p in pieces]
    letters = [c if t1_letter(c) else _t1_near(c) for c in letters]
    if len(letters) > 1:  # {J-P}: one braced initial biber joins with its hyphen
        return "{" + "-".join(_unbraced(c, encode) for c in letters) + "}"
    latex = encode(letters[0]) if letters else ""
    return latex if len(latex) <= 1 else "{" + latex.removeprefix("{").removesuffix("}") + "}"


def _unbraced(letter: str, encode: Callable[[str], str]) -> str:
    """A letter's LaTeX inside a braced initial, which may not nest braces ({J-\\'E});
    else the bare letter."""
    latex = encode(letter).removeprefix("{").removesuffix("}")
    return latex if "{" not in latex else _t1_near(letter, bare=True)


def _t1_near(letter: str, bare: bool = False) -> str:
    """The T1 letter nearest one T1 has not: its inner accent kept (Ễ is Ê, Ặ is Ă),
    else (or when `bare`) the letter alone (Ỹ is Y)."""
    decomposed = unicodedata.normalize("NFD", letter)
    for mark in decomposed[1:] if not bare else "":
        near = unicodedata.normalize("NFC", decomposed[0] + mark)
        if len(near) == 1 and t1_letter(near) and unicodedata.combining(mark) == 230:
            return near
    return decomposed[0]
