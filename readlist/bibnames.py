"""How BibTeX splits an exported name, and the form that makes it split it right.

BibTeX (and biber's btparse) tell the "von" part of "First von Last" by the case of
each word's first letter. In a special character it skips the first command and
takes the first letter after it, so {\\d{\\u{A}}}ng reads as lower case (the u of
\\u) and "Văn Ặng Nguyễn" would lose Ặng to the von part, and Ặ. to abbreviation.
A name a word of which would be misread is written "von Last, First" instead, split
by the case of the Unicode letters, which BibTeX does not second-guess.
"""

from __future__ import annotations

from collections.abc import Callable

# Control words BibTeX reads as letters of a case of their own.
_FOREIGN = {"OE": False, "AE": False, "AA": False, "O": False, "L": False}
_FOREIGN |= {"oe": True, "ae": True, "aa": True, "o": True, "l": True, "ss": True}
_FOREIGN |= {"i": True, "j": True}


def person(name: str, encode: Callable[[str], str]) -> str:
    """`name` (stored "First von Last") for an author field, with `encode` applied."""
    words = name.split()
    if name.isascii() or len(words) < 2 or "{" in name or "}" in name or "," in name:
        return encode(name)  # BibTeX reads ASCII letters as they are
    lower = [_lower(w) for w in words]
    if all(reads_lower(encode(w)) == low for w, low in zip(words[:-1], lower, strict=False)):
        return encode(name)
    von = [i for i in range(len(words) - 1) if lower[i]]
    start = von[0] if von else len(words) - 1
    return encode(" ".join(words[start:])) + ", " + encode(" ".join(words[:start]))


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
