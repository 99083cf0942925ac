"""BibTeX's names and biblatex's for the same fields and entry types.

A JabRef or Zotero file in biblatex mode says `journaltitle`, `location`,
`institution` and `@thesis`, which BibTeX styles do not know (`Warning--empty
journal`). The library keeps BibTeX's names: `bibtex_names` is applied to every
entry read and again on export (so data stored under other names still exports
right), and a biblatex export turns them into biblatex's with `biblatex_names`.
The aliases are biblatex's own (its manual: 2.2.5 field aliases, 2.1.2 type aliases).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

V = TypeVar("V")

# BibTeX's field name -> biblatex's.
FIELDS = {
    "address": "location",
    "annote": "annotation",
    "archiveprefix": "eprinttype",
    "journal": "journaltitle",
    "key": "sortkey",
    "primaryclass": "eprintclass",
    "school": "institution",
}
# `institution` is BibTeX's too (for @techreport); for a thesis BibTeX says `school`.
_TO_BIBTEX = {new: old for old, new in FIELDS.items() if old != "school"} | {"pdf": "file"}
_THESES = frozenset(["phdthesis", "mastersthesis"])
# BibTeX's entry type -> biblatex's, and the `type` that says which kind it is.
TYPES = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
}
_ONLINE = frozenset(["electronic", "www"])
# biblatex's keys for `type`, as words for a BibTeX style, which prints `type` as it is.
TYPE_WORDS = {
    "mathesis": "Master's thesis",
    "phdthesis": "PhD thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
    "software": "Computer software",
    "datacd": "Data CD",
    "audiocd": "Audio CD",
}


def bibtex_names(kind: str | None, fields: Mapping[str, V]) -> tuple[str | None, dict[str, V]]:
    """The entry under BibTeX's names: @thesis is @phdthesis (@mastersthesis for
    `type = {mathesis}`), @report is @techreport, `journaltitle` is `journal`, ...
    A field already under its BibTeX name wins over an alias of it."""
    if kind is not None:
        kind = kind.lower()
        if kind == "thesis":
            kind = "mastersthesis" if _type(fields) == "mathesis" else "phdthesis"
        elif kind == "report":
            kind = "techreport"
        elif kind in _ONLINE:
            kind = "online"
    out = {name: value for name, value in fields.items() if name not in _TO_BIBTEX}
    for name, value in fields.items():
        if name in _TO_BIBTEX:
            out.setdefault(_TO_BIBTEX[name], value)
    if kind in _THESES and "institution" in out:
        out.setdefault("school", out.pop("institution"))
    if kind in TYPES and _type(out) == TYPES[kind][1]:
        del out["type"]  # the entry type says it already
    return kind, out


def biblatex_names(
    kind: str | None, fields: Mapping[str, str | int]
) -> tuple[str | None, dict[str, str | int]]:
    """An entry under BibTeX's names, under biblatex's: @phdthesis is @thesis with
    `type = {phdthesis}`, `journal` is `journaltitle`, `address` is `location`, ..."""
    out = {FIELDS.get(name, name): value for name, value in fields.items()}
    if kind in TYPES:
        kind, default = TYPES[kind]
        out.setdefault("type", default)
    return kind, out


def type_words(fields: dict[str, str]) -> dict[str, str]:
    """`type = {resreport}` as a BibTeX style should print it: `Research report`."""
    words = TYPE_WORDS.get(fields.get("type", "").strip().lower())
    return {**fields, "type": words} if words else fields


def _type(fields: Mapping[str, object]) -> str:
    return str(fields.get("type", "")).strip().lower()
