"""What a command reads of a paper besides its whole document, as pure functions of it.

The sidecar index (readlist/sidecar.py) holds these values for every paper of the
snapshot, computed when the snapshot is written; for the papers changed since (the
journal's tail) a reader computes them from the documents with these same functions.
So a value read from the sidecar is, by construction, the one a command would compute
from the document itself: the sidecar can make a command faster, never different.

Each function reads a stored document as the code it stands for reads it (`Paper.from_doc`,
`readlist.selection`, `readlist.search`), wrong types included: a library edited by hand
shows the same with or without the sidecar.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from readlist.model import _OPTIONAL_FIELDS, _STORED_FIELDS, Paper, title_key
from readlist.selection import int_of, text_of
from readlist.text import paper_line

Doc = dict[str, Any]

# Every field that views, filters, statistics and an import's duplicate and key checks
# read (readlist.selection, readlist.query, readlist.stats, readlist.importing): a
# "light record" is the document cut to these, raw values as stored.
LIGHT_FIELDS = (
    "title",
    "read",
    "read_at",
    "starred",
    "starred_at",
    "date",
    "added",
    "upvotes",
    "tags",
    "notes",
    "authors",
    "arxiv_id",
    "doi",
    "bibkey",
    "bibkey_aliases",
    "published",
    "primary_category",
    "categories",
    "resolution",  # is:unsure
    "arxiv_version",  # is:unresolved
)

READABLE = 1  # Paper.from_doc reads it (else list and search leave it out and name it)
CANONICAL = 2  # its `--json` object is the document itself plus the empty optional fields
LINE = 4  # its list line could be made (else making it raises, as it always did)

_STORED = [f.name for f in _STORED_FIELDS]
_N = len(_STORED)
_FIELDS = {f.name: f for f in dataclasses.fields(Paper)}
_DEFAULTS: dict[str, Any] = {  # in the order `to_json` adds them
    name: f.default_factory() if callable(f.default_factory) else f.default
    for name in _OPTIONAL_FIELDS
    if (f := _FIELDS[name])
}
_SOURCE_KEYS = ["file", "listing_date", "imported"]
_LISTS = ("authors", "links", "tags")


def light(doc: Doc) -> Doc:
    """The document cut to LIGHT_FIELDS."""
    return {k: doc[k] for k in LIGHT_FIELDS if k in doc}


CITE_FIELDS = ("bibkey", "bibkey_aliases")


def keys(doc: Doc) -> Doc:
    """The document cut to its citation key and aliases, as stored: what an export
    reads of every paper (which papers need a key, which keys clash)."""
    return {k: doc[k] for k in CITE_FIELDS if k in doc}


def short_keys(doc: Doc) -> str | Doc | None:
    """`keys(doc)` as the sidecar keeps it: the key alone for the usual paper (a text
    key, no aliases), None for one with neither, else the whole `keys(doc)`. A column of
    100,000 texts reads in a tenth of the time of as many objects (citekeys.CiteKeys)."""
    if "bibkey_aliases" not in doc:
        key = doc.get("bibkey")
        if type(key) is str:
            return key
        if "bibkey" not in doc:
            return None
    return keys(doc)


def paper_of(pid: str, doc: Doc) -> Paper | None:
    """`Paper.from_doc`, or None where it fails (as `Store.readable` counts failures)."""
    try:
        return Paper.from_doc(pid, doc)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def canonical(doc: Doc) -> bool:
    """True when `Paper.from_doc(pid, doc).to_json()` is `{"id": pid, **doc}` followed
    by the optional fields the document leaves out, at their defaults (`json_object`):
    the stored fields in the dataclass's order, then the non-empty optional ones in
    theirs, lists where `from_doc` copies lists, sources exactly as `Source.to_doc`
    writes them. `Store.put` writes every document this way."""
    keys = list(doc)
    if keys[:_N] != _STORED:
        return False
    at = 0
    for key in keys[_N:]:
        while at < len(_OPTIONAL_FIELDS) and _OPTIONAL_FIELDS[at] != key:
            at += 1
        if at == len(_OPTIONAL_FIELDS) or not doc[key]:
            return False
        at += 1
    if any(type(doc[k]) is not list for k in _LISTS):
        return False
    sources = doc["sources"]
    return type(sources) is list and all(
        type(s) is dict and list(s) == _SOURCE_KEYS for s in sources
    )


_TAILS: dict[tuple[str, ...], Doc] = {}


def json_object(pid: str, doc: Doc) -> Doc:
    """The `--json` object of a canonical document, without building a Paper."""
    present = tuple(doc)[_N:]
    tail = _TAILS.get(present)
    if tail is None:
        tail = _TAILS[present] = {k: v for k, v in _DEFAULTS.items() if k not in present}
    return {"id": pid, **doc, **tail}


def line_of(paper: Paper, width: int | None = None) -> str:
    return paper_line(
        paper.id,
        paper.read,
        paper.starred,
        paper.date,
        paper.upvotes,
        paper.title,
        paper.tags,
        width,
    )


def light_line(pid: str, record: Doc, width: int | None) -> str:
    """The list line of a readable paper from its light record (the values
    `Paper.from_doc` would hold); raises where `line_of` would."""
    get = record.get
    tags = list(get("tags", ()))
    return paper_line(
        pid, get("read", False), get("starred", False), get("date"), get("upvotes", 0),
        record["title"], tags, width,
    )  # fmt: skip


@dataclasses.dataclass(slots=True)
class Row:
    """Everything the sidecar holds about one paper, but where its document is."""

    flags: int
    light: Doc
    line: str | None  # for output that is not a terminal (no width to fit)
    tkey: str  # model.title_key of the title: an import's duplicate check
    title: str  # the search fields (readlist.search): normalized title, tags and notes
    extra: str
    upvotes: int
    added: str
    date: str  # text_of: the sort key of `list --sort date`
    arxiv: Any  # the stored arxiv_id, raw: an import's duplicate check
    keyed: Doc | None  # the key and DOI fields it has, raw: an import's key checks
    keys: str | Doc | None  # the citation key and aliases (`short_keys`)
    state: int  # READ | STARRED, as views and counts read them (`state`)
    since: str  # when a starred, unread paper's week starts (`since`); else ""


# What an import's key and DOI checks read of a paper (citekeys.Keys).
KEY_FIELDS = ("bibkey", "bibkey_aliases", "doi")


def keyed(doc: Doc) -> Doc | None:
    """The document cut to the KEY_FIELDS that hold something, or None when none does.
    Left out is only what `Keys` passes over: an empty key, DOI or list of aliases (an
    alias that is not a list stays, so it fails there as it would)."""
    out = {
        k: v
        for k in KEY_FIELDS
        if k in doc and ((v := doc[k]) or (k == "bibkey_aliases" and type(v) is not list))
    }
    return out or None


# The bits of `state`: what a view over read and starred papers, the counts of unread
# and starred ones, `is:due` and the next unread paper read of every paper.
READ = 1  # bool(doc.get("read")): Selection(read=...) and `is:read` read it so
STARRED = 2  # bool(doc.get("starred"))


def state(doc: Doc) -> int:
    """READ and STARRED as views read them: the truth of the stored values."""
    return (READ if doc.get("read") else 0) | (STARRED if doc.get("starred") else 0)


def since(doc: Doc) -> str:
    """For a starred, unread paper, what `is:due` counts its week from (its starred_at,
    else its added; "" for neither); "" for every other paper (`is:due` needs no more)."""
    if state(doc) != STARRED:
        return ""
    return text_of(doc, "starred_at") or text_of(doc, "added")


def paper_facts(pid: str, doc: Doc) -> tuple[int, str | None]:
    """The flags, and the list line where it can be made."""
    paper = paper_of(pid, doc)
    if paper is None:
        return 0, None
    flags = READABLE | (CANONICAL if canonical(doc) else 0)
    try:
        return flags | LINE, line_of(paper)
    except (TypeError, ValueError):  # a wrong type a hand edit left (upvotes: null)
        return flags, None


def row(pid: str, doc: Doc) -> Row:
    from readlist.query import search_fields  # not loaded by a command that never ranks

    flags, line = paper_facts(pid, doc)
    title, extra, upvotes, added = search_fields(doc)
    return Row(
        flags, light(doc), line, title_key(doc["title"]), title, extra, upvotes, added,
        text_of(doc, "date"), doc.get("arxiv_id"), keyed(doc), short_keys(doc), state(doc),
        since(doc),
    )  # fmt: skip


def values(name: str, pid: str, doc: Doc) -> Any:
    """One field of `row(pid, doc)`, computing only what it needs."""
    if name in ("flags", "line"):
        return paper_facts(pid, doc)[name == "line"]
    if name in ("title", "extra"):
        from readlist.query import search_fields

        return search_fields(doc)[name == "extra"]
    if name == "added":  # search_fields's, without loading rapidfuzz
        return text_of(doc, "added")
    if name == "upvotes":
        return int_of(doc, "upvotes")
    if name == "light":
        return light(doc)
    if name == "state":
        return state(doc)
    if name == "since":
        return since(doc)
    if name == "tkey":
        return title_key(doc["title"])
    if name == "date":
        return text_of(doc, "date")
    if name == "arxiv":
        return doc.get("arxiv_id")
    if name == "keyed":
        return keyed(doc)
    if name == "keys":
        return short_keys(doc)
    raise ValueError(f"no column {name}")


__all__ = [
    "CANONICAL",
    "CITE_FIELDS",
    "KEY_FIELDS",
    "LIGHT_FIELDS",
    "LINE",
    "READ",
    "READABLE",
    "STARRED",
    "Row",
    "canonical",
    "json_object",
    "keyed",
    "keys",
    "light",
    "light_line",
    "line_of",
    "paper_facts",
    "paper_of",
    "row",
    "short_keys",
    "since",
    "state",
    "values",
]
