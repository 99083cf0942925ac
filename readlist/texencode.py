"""Plain text -> a BibTeX field value: TeX's specials escaped, ligatures broken,
non-ASCII letters as TeX accents (readlist.latex) unless --unicode, capitals in titles
protected with braces, and authors' names in the form BibTeX splits right. Pure.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable

from readlist.bibnames import biber_person, person, relaxed
from readlist.exporters.plain import without_initials
from readlist.latex import MARKS, LatexEncoder, lettered
from readlist.protect import needs_braces, regions, word_spans
from readlist.texmath import MATH_SPAN, math_pieces

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"{\string^}",
    # In OT1 these print as other glyphs outside math mode.
    "<": r"{\ensuremath{<}}",
    ">": r"{\ensuremath{>}}",
    "|": r"{\ensuremath{|}}",
}
# A character and the combining marks on it (NFC leaves some: q with an acute).
_NON_ASCII = re.compile(f"[A-Za-z]?[{MARKS}]+|[^\x00-\x7f][{MARKS}]*")
_LINE_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
# TeX turns these pairs into other characters (-- is a dash, `` a quote); {} breaks them.
_LIGATURES = re.compile(r"(?<=[-`'?!])(?=[-`'])|(?<=[?!])(?=`)")
_LIGATURE_ANY = re.compile(r"[-`'?!][-`']")
_BRACE = re.compile(r"[{}]")
_BRACED_PART = re.compile(r"(\{[^{}]*\})")


class Encoder:
    """Turns plain text into a BibTeX field value."""

    def __init__(self, unicode: bool = False, biber: bool = False) -> None:
        self._latex = None if unicode else LatexEncoder(biber=biber)
        self._biber = biber
        self._names: dict[str, str] = {}  # authors recur across papers

    def _char(self, m: re.Match[str]) -> str:
        assert self._latex is not None
        return self._latex(m.group())

    def name(self, value: str) -> str:
        """An author's name, in the form BibTeX splits right (see `bibnames`)."""
        out = self._names.get(value)
        if out is None:
            extended = biber_person(value, self.text) if self._biber and self._latex else None
            if extended is None and self._biber:
                extended = person(without_initials(value), lambda t: lettered(self.text(t)))
            out = self._names[value] = extended or person(value, self.text)
        return out

    def name_part(self, value: str) -> str:
        """Words of a name outside its braced groups ({von Neumann}): text, a two-letter
        initial ({Ch}ristopher) in BibTeX's idiom, or for biber without its braces."""
        return self.text(without_initials(value)) if self._biber else relaxed(value, self.text)

    def text(self, value: str) -> str:
        """Escape TeX's specials, break ligatures, and encode non-ASCII unless --unicode."""
        value = unicodedata.normalize("NFC", value)
        lone = _unmatched_braces(value) if ("{" in value or "}" in value) else set()

        def escape(m: re.Match[str]) -> str:
            if m.start() in lone:
                return r"\textbraceleft{}" if m.group() == "{" else r"\textbraceright{}"
            return _SPECIAL[m.group()]

        out = _SPECIAL_RE.sub(escape, value)
        if _LIGATURE_ANY.search(out):
            out = _LIGATURES.sub("{}", out)
        if self._latex is not None and not out.isascii():
            out = _NON_ASCII.sub(self._char, out)
        if "@" in out:  # at a line's start, bibtexparser reads @x{ as a new entry
            out = _LINE_AT.sub(r"\1{@}", out)
        return out

    def title(self, value: str, protect: Iterable[str] = ()) -> str:
        """Like `text`, with the protected spans braced ({Latent Diffusion Models}) and
        whole words that carry inner capitals: {BERT}, {GPT-4} (see `protect.regions`).
        A protected span that is inline math ($\\alpha$, kept so by a BibTeX import) is
        written as it is, braced; a `$` anywhere else is text (\\$)."""
        value = " ".join(value.split())
        protect = list(protect)
        pieces = math_pieces(value, protect)
        if pieces is not None:
            rest = [s for s in protect if not MATH_SPAN.fullmatch(s)]
            return "".join(
                "{" + piece + "}" if math else self._around(piece, rest) for piece, math in pieces
            )
        if not protect:  # the inner-capital words alone: the same output, faster
            return self._capitals(value)
        words = word_spans(value, protect)
        out: list[str] = []
        at = 0
        for start, end in regions(value, protect):
            region = value[start:end]
            braced = self._word(words[region]) if region in words else self._braced(region)
            out += [self._capitals(value[at:start]), braced]
            at = end
        out.append(self._capitals(value[at:]))
        return "".join(out)

    def _around(self, text: str, protect: list[str]) -> str:
        """A piece of a title between math spans: its edge spaces kept."""
        core = text.strip(" ")
        if not core:
            return text
        return (
            text[: text.index(core[0])] + self.title(core, protect) + text[len(text.rstrip(" ")) :]
        )

    def _braced(self, span: str) -> str:
        """`{span}`; a span whose TeX starts with a backslash ({\\&Co}) would be a BibTeX
        "special character", whose letters styles still lower-case, so it gets two."""
        tex = self.text(span)
        return "{{" + tex + "}}" if tex.startswith("\\") else "{" + tex + "}"

    def _word(self, span: str) -> str:
        """A word span ({Q}uoted): its braced parts braced, the rest as text."""
        return "".join(
            self._braced(part[1:-1]) if part.startswith("{") else self.text(part)
            for part in _BRACED_PART.split(span)
            if part
        )

    def _capitals(self, value: str) -> str:
        """Text between regions: a word a span cut (A x-GPT) still has its capitals."""
        out: list[str] = []
        plain: list[str] = []
        for word in value.split(" "):
            core = word.strip(string.punctuation)
            if not core or not needs_braces(core):
                plain.append(word)
                continue
            start = word.index(core)
            plain.append(word[:start])
            out += [self.text(" ".join(plain)), self._braced(core)]
            plain = [word[start + len(core) :]]
        out.append(self.text(" ".join(plain)))
        return "".join(out)


def _unmatched_braces(text: str) -> set[int]:
    """Positions of braces without a partner.

    BibTeX counts every brace, escaped or not, so a lone brace must become a control
    word (\\textbraceleft) rather than \\{, or the entry would not parse.
    """
    opened: list[int] = []
    lone: set[int] = set()
    for m in _BRACE.finditer(text):
        i = m.start()
        if m.group() == "{":
            opened.append(i)
        elif opened:
            opened.pop()
        else:
            lone.add(i)
    lone.update(opened)
    return lone
