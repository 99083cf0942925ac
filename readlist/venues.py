"""Venue names: which are no venue at all (a preprint server, a placeholder), which are
workshops, and when two lists of names name the same venue. Pure functions over
strings, no I/O: the version sources, the match rule and the exporters share them.

Sources name one venue many ways: Semantic Scholar says "International Conference on
Learning Representations" and lists "ICLR" among its alternate names, DBLP says "ICLR",
arXiv's journal reference says "ICLR 2022". Two names are the same venue only on firm
evidence (equal after normalising, the DBLP key, one name the initials of the other, or
an abbreviation in parentheses): when in doubt they differ, and a difference makes a
match unsure instead of applying a venue that may be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from readlist.model import fold, unaccent

# Not a venue: where preprints live, or a paper that is not accepted yet. Matched
# against the whole folded name (servers) or anywhere in it (placeholders).
_SERVERS = re.compile(
    r"(arxiv(\.org)?|arxiv preprint.*|corr|corr abs.*|biorxiv.*|medrxiv.*|ssrn.*|"
    r"ssrn electronic journal|researchgate|research square|techrxiv|chemrxiv|psyarxiv|"
    r"osf preprints|preprints\.org|zenodo|openreview(\.net)?|hal|"
    r"n/?a|none|unknown|tbd|-+|\.+)",
)
_PLACEHOLDER = re.compile(
    r"\b(submitted|under (review|submission)|in (review|submission)|preprint|"
    r"(in|under) preparation|not (yet )?(accepted|published)|rejected|withdrawn)\b"
)
_WORKSHOP = re.compile(r"\bworkshops?\b")
# Dropped before names are compared: years, numbers and ordinals (volumes, DBLP's part
# numbers "ACL (1)", "40th"), and words that vary between spellings of one venue.
_YEAR = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")
_PARENS = re.compile(r"\(([^()]*)\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ORDINAL = re.compile(r"^[0-9]+(st|nd|rd|th)?$")
_STOP = frozenset(
    [
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "a",
        "an",
        "at",
        "to",
        "proceedings",
        "proc",
        "annual",
        "ieee",
        "acm",
        "cvf",
    ]
)
_VENUE_WORDS = frozenset(["conference", "international", "meeting", "symposium", "joint"])


def folded(name: str) -> str:
    """Folded, accents off, `&` as `and`: the base of every comparison here."""
    return " ".join(unaccent(fold(name)).replace("&", " and ").split())


def not_a_venue(name: str | None) -> str | None:
    """Why `name` names no published venue (a preprint server, "Submitted to ...",
    OpenReview alone, nothing), or None when it may be one."""
    text = folded(name or "")
    if not text:
        return "no venue"
    if _SERVERS.fullmatch(text):
        return f"a preprint server or placeholder ({shown(name or '')})"
    if _PLACEHOLDER.search(text):
        return f"not a publication yet ({shown(name or '')})"
    return None


def is_workshop(names: Iterable[str]) -> bool:
    """A workshop version: "Workshop" in any of its names."""
    return any(_WORKSHOP.search(folded(n)) for n in names)


def words(name: str) -> tuple[str, ...]:
    """A name's significant words: no years, ordinals, part numbers or stop words."""
    text = _YEAR.sub(" ", folded(name))
    return tuple(w for w in _NON_WORD.split(text) if w and w not in _STOP and not _ORDINAL.match(w))


def _initials(tokens: tuple[str, ...]) -> set[str]:
    """The acronyms a full name may go by: its initials, also without the words that
    name a kind of meeting (Computer Vision and Pattern Recognition: CVPR)."""
    out = set()
    if len(tokens) >= 3:
        out.add("".join(t[0] for t in tokens))
        rest = [t for t in tokens if t not in _VENUE_WORDS]
        if len(rest) >= 3:
            out.add("".join(t[0] for t in rest))
    return out


def _forms(names: Iterable[str]) -> set[tuple[str, ...]]:
    """Every name as its significant words, and each one-word abbreviation a name holds
    in parentheses ("Advances in Neural Information Processing Systems (NeurIPS)")."""
    out: set[tuple[str, ...]] = set()
    for name in names:
        for inner in _PARENS.findall(name):
            if len(w := words(inner)) == 1:
                out.add(w)
        if w := words(name):
            out.add(w)
    return out


def same_names(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two lists of names name one venue: one name of each the same after
    normalising, or an abbreviation of one the initials of the other's full name. A
    workshop is never its main conference, and "ACL (Findings)" is not "ACL": every
    word counts."""
    a, b = list(a), list(b)
    if is_workshop(a) != is_workshop(b):
        return False
    forms_a, forms_b = _forms(a), _forms(b)
    if forms_a & forms_b:
        return True
    single_a = {w[0] for w in forms_a if len(w) == 1}
    single_b = {w[0] for w in forms_b if len(w) == 1}
    acronyms_a = set().union(*(_initials(w) for w in forms_a))
    acronyms_b = set().union(*(_initials(w) for w in forms_b))
    return bool(single_a & acronyms_b or single_b & acronyms_a)


def shown(name: str, width: int = 60) -> str:
    text = " ".join(name.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def kind_of_name(name: str) -> str | None:
    """A guess from the name alone: proceedings or a journal, or None."""
    text = folded(name)
    if re.search(r"\b(conference|proceedings|workshops?|symposium|meeting|congress)\b", text):
        return "inproceedings"
    if re.search(r"\b(journal|transactions|letters|review|magazine)\b", text):
        return "article"
    return None


def best_short(candidates: Iterable[str]) -> str | None:
    """An abbreviation among names (ICLR, NeurIPS, Nat. Mach. Intell.): one short word."""
    for name in candidates:
        text = name.strip()
        if text and " " not in text and len(text) <= 20 and any(c.isupper() for c in text):
            return text
    return None
