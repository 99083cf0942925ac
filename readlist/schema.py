"""The one shape of a stored paper: every field's type and range, checked at the border.

Whatever comes from outside (a backup, an import of any format, a network answer, an
edit) becomes a `Paper`, and `Store.put` checks each paper's document against
`StoredPaper` before anything is written: a value that fails is never stored. The
borders before it refuse or drop bad values with a friendlier message; this is the
guarantee behind them. Code past the store trusts what it reads, except where a
library written by hand or by an older readlist is read (`problems`, used by
`readlist check`, export and the TUI, which skip or show such a paper plainly).

msgspec does the checking: its typed structs state the schema once, as data, and it
validates a document in C in a few microseconds (a hand-written walk over every field
would be slower and would scatter the rules). Checks msgspec cannot state (a date
that exists, balanced braces, a key unique across the library) sit in `__post_init__`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable, Mapping
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from readlist.citekeys import KEY_PATTERN, MAX_KEY, key_clashes
from readlist.errors import InvalidPaper
from readlist.protect import within

__all__ = ["InvalidPaper", "StoredPaper", "check", "check_backup", "problem", "problems"]

MAX_LINE = 2_000  # a title, an author's name, a reason
MAX_TEXT = 1_000_000  # an abstract, a note, a BibTeX field
MAX_ITEMS = 10_000  # authors, links, tags per paper
_ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*\Z"  # no control characters, no line breaks
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*\Z"  # and line breaks and tabs

Line = Annotated[str, Meta(max_length=MAX_LINE, pattern=_ONE_LINE)]
Name = Annotated[str, Meta(min_length=1, max_length=MAX_LINE, pattern=_ONE_LINE)]
Text = Annotated[str, Meta(max_length=MAX_TEXT, pattern=_TEXT)]
Key = Annotated[str, Meta(min_length=1, max_length=MAX_KEY, pattern=KEY_PATTERN)]
Url = Annotated[str, Meta(max_length=4096, pattern=r"^https?://[^\s\x00-\x1f\x7f-\x9f]+\Z")]
Tag = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[^\s,\x00-\x1f\x7f-\x9f]+\Z")]
Count = Annotated[int, Meta(ge=0, le=1_000_000_000)]
Version = Annotated[int, Meta(ge=1, le=1_000)]
# arXiv's classes (cs.CV, cond-mat.mes-hall), and the ACM and MSC ones it also lists
# ("I.2.9; J.3", "68T05 (Primary) 68T10").
Category = Annotated[str, Meta(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-;,:() ]*\Z")]
Doi = Annotated[str, Meta(max_length=512, pattern=r"^10\.[0-9]{4,9}/[^\s\x00-\x1f\x7f-\x9f]+\Z")]
FieldName = Annotated[str, Meta(max_length=64, pattern=r"^[a-z][a-z0-9_\-]*\Z")]
EntryType = Annotated[str, Meta(max_length=32, pattern=r"^[a-z][a-z0-9_\-]*\Z")]
# An arXiv id: new style (2511.07399) or old (hep-th/9901001, math.AG/0601001).
ArxivId = Annotated[
    str,
    Meta(
        max_length=40,
        pattern=r"^([0-9]{4}\.[0-9]{4,5}|[a-z]+(-[a-z]+)?(\.[A-Z]{2})?/[0-9]{7})\Z",
    ),
]
Day = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")]
Stamp = Annotated[str, Meta(max_length=40)]  # an ISO 8601 date-time, or "" (unknown)


def _real_day(name: str, value: str | None) -> None:
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: not a real date ({value!r})") from None


def _real_stamp(name: str, value: str | None) -> None:
    if value:
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: not a date-time ({value[:40]!r})") from None


def _balanced(name: str, value: str) -> None:
    """A value written into a BibTeX field must not close it: braces balance."""
    depth = 0
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise ValueError(f"{name}: unbalanced braces")


class StoredSource(Struct, forbid_unknown_fields=True):
    file: Annotated[str, Meta(max_length=4096)]
    imported: Stamp
    listing_date: Day | None = None

    def __post_init__(self) -> None:
        _real_day("listing_date", self.listing_date)
        _real_stamp("imported", self.imported)


class StoredCandidate(Struct):
    arxiv_id: ArxivId
    title: Line = ""
    authors: Annotated[list[Line], Meta(max_length=MAX_ITEMS)] = []
    published: Day | None = None


class StoredResolution(Struct, forbid_unknown_fields=True):
    status: Literal["failed", "missing", "unsure"]
    reason: Text = ""
    candidate: StoredCandidate | None = None
    at: Stamp = ""


Short = Annotated[str, Meta(min_length=1, max_length=64, pattern=_ONE_LINE)]
SourceName = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+\Z")]
DblpKey = Annotated[
    str, Meta(max_length=200, pattern=r"^[a-z][a-z0-9]*(/[A-Za-z0-9_\-.:+']+){1,4}\Z")
]
Year = Annotated[int, Meta(ge=1800, le=2200)]


class StoredVersion(Struct, forbid_unknown_fields=True):
    """A published version of a preprint (readlist.sources.venue_match makes them)."""

    venue: Name  # the full name where one is known, else the abbreviation
    type: Literal["inproceedings", "article"]
    sources: Annotated[list[SourceName], Meta(min_length=1, max_length=10)]
    short: Annotated[str, Meta(min_length=1, max_length=500, pattern=_ONE_LINE)] | None = None
    year: Year | None = None
    doi: Doi | None = None
    volume: Short | None = None
    number: Short | None = None
    pages: Short | None = None
    publisher: Name | None = None
    dblp: DblpKey | None = None
    evidence: Annotated[list[Line], Meta(max_length=20)] = []
    reason: Text = ""
    accepted: bool = False  # applied by a person (--accept, the audit), not by the rule
    at: Stamp = ""

    def __post_init__(self) -> None:
        _real_stamp("at", self.at)


class StoredVersionCheck(Struct, forbid_unknown_fields=True):
    status: Literal["found", "unsure", "missing", "failed", "rejected"]
    reason: Text = ""
    candidates: Annotated[list[StoredVersion], Meta(max_length=10)] = []
    at: Stamp = ""


class StoredPaper(Struct, forbid_unknown_fields=True):
    """A paper's document in the library (model.Paper.to_doc), field by field."""

    title: Name
    abstract: Text = ""
    authors: Annotated[list[Name], Meta(max_length=MAX_ITEMS)] = []
    authors_count: Count | None = None
    organization: Line | None = None
    organization_slug: Line | None = None
    date: Day | None = None
    date_raw: Annotated[str, Meta(max_length=64, pattern=_ONE_LINE)] | None = None
    upvotes: Count = 0
    links: Annotated[list[Url], Meta(max_length=MAX_ITEMS)] = []
    arxiv_id: ArxivId | None = None
    read: bool = False
    read_at: Stamp | None = None
    starred: bool = False
    notes: Text = ""
    tags: Annotated[list[Tag], Meta(max_length=MAX_ITEMS)] = []
    added: Stamp = ""
    sources: Annotated[list[StoredSource], Meta(max_length=MAX_ITEMS)] = []
    bibkey: Key | None = None
    arxiv_version: Version | None = None
    primary_category: Category | None = None
    categories: Annotated[list[Category], Meta(max_length=100)] = []
    doi: Doi | None = None
    journal_ref: Line | None = None
    arxiv_comment: Text | None = None
    published: Day | None = None
    updated: Day | None = None
    resolution: StoredResolution | None = None
    ai_keywords: Annotated[list[Line], Meta(max_length=1_000)] = []
    github: Url | None = None
    project_page: Url | None = None
    entry_type: EntryType | None = None
    bibfields: dict[FieldName, Text] = {}
    title_protect: Annotated[list[Name], Meta(max_length=MAX_ITEMS)] = []
    starred_at: Stamp | None = None
    bibkey_aliases: Annotated[list[Key], Meta(max_length=1_000)] = []
    date_inferred: bool = False
    pdf: Annotated[str, Meta(min_length=1, max_length=4096, pattern=_ONE_LINE)] | None = None
    published_version: StoredVersion | None = None
    published_check: StoredVersionCheck | None = None

    def __post_init__(self) -> None:
        for name in ("date", "published", "updated"):
            _real_day(name, getattr(self, name))
        for name in ("added", "read_at", "starred_at"):
            _real_stamp(name, getattr(self, name))
        for name, value in self.bibfields.items():
            _balanced(f"bibfields: {name}", value)
        for span in self.title_protect:
            if not within(span, self.title):
                raise ValueError(f"title_protect: {span[:40]!r} is not part of the title")
            _balanced("title_protect", span)


_DECODER_PATH = re.compile(r" - at (?P<key>`key` in )?`\$\.?(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.?([A-Za-z_]+)|\[([0-9]+)\]")
_WHAT = {
    "bibkey": "BibTeX key",
    "bibkey_aliases": "BibTeX key",
    "tags": "tag",
    "links": "http(s) URL",
    "github": "http(s) URL",
    "project_page": "http(s) URL",
    "doi": "DOI",
    "arxiv_id": "arXiv id",
    "primary_category": "arXiv category",
    "categories": "arXiv category",
    "entry_type": "BibTeX entry type",
}


_PAPER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}\Z")


def check_backup(docs: Mapping[str, Any]) -> None:
    """A backup's papers, all of them, before any is restored: ids, shapes, unique keys.
    Raises InvalidPaper for the first that is wrong."""
    for pid, doc in docs.items():
        if not _PAPER_ID.match(pid):
            shown = repr(pid) if len(pid) <= 40 else repr(pid[:39]) + "…"
            raise InvalidPaper(shown, "not a paper id (letters, digits, - and _)")
        check(pid, doc)
    for pid, why in key_clashes(docs.items()).items():
        raise InvalidPaper(pid, why)


def problem(doc: Any) -> str | None:
    """What is wrong with one stored document (one line, naming the field), or None."""
    if type(doc) is not dict:
        return "not an object"
    try:
        msgspec.convert(doc, StoredPaper)
    except msgspec.ValidationError as exc:
        first = _explain(doc, str(exc))
    else:
        return None
    # msgspec stops at the first error: name every bad field, so one `readlist check`
    # shows all there is to fix (this runs for bad documents only).
    found = [first]
    for key, value in doc.items():
        if key == "title":
            continue
        one = {"title": doc.get("title") if key == "title_protect" else "-", key: value}
        try:
            msgspec.convert(one, StoredPaper)
        except msgspec.ValidationError as exc:
            why = _explain(one, str(exc))
            if why not in found and not why.startswith("title"):
                found.append(why)
    return "; ".join(found)


def _explain(doc: dict[str, Any], message: str) -> str:
    """msgspec's "Expected `int`, got `str` - at `$.authors[0]`" as "authors[0]: expected
    `int`, got `str`"; a pattern it failed is said in words, with the value."""
    m = _DECODER_PATH.search(message)
    if m is None:
        return message[:1].lower() + message[1:]
    path, text = m["path"], message[: m.start()]
    text = text[:1].lower() + text[1:]
    if m["key"]:
        return f"{path}: a key is not a valid BibTeX field name"
    if "matching regex" in text:
        field = path.split("[")[0].split(".")[0]
        value: Any = doc
        for name, index in _STEP.findall(path):
            try:
                value = value[name] if name else value[int(index)]
            except (KeyError, IndexError, TypeError):
                break
        shown = repr(value) if len(repr(value)) <= 50 else repr(value)[:49] + "…"
        text = f"not a valid {_WHAT.get(field, 'value')} ({shown})"
    return f"{path or 'paper'}: {text}"


_FIELDS = frozenset(StoredPaper.__struct_fields__)


def fitted(doc: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """`doc` with every field that fails its check dropped (back to its default), and a
    warning for each: how an import keeps the rest of a record one field of which is
    bad. None when the title itself is bad: there is no paper to keep."""
    doc = dict(doc)
    dropped: list[str] = []
    while (why := problem(doc)) is not None:
        field = re.split(r"[:\[. ]", why, maxsplit=1)[0]
        if field not in _FIELDS or field == "title" or field not in doc:
            return None, [why]
        del doc[field]
        dropped.append(f"{field} left out: {why.partition(': ')[2] or why}")
    return doc, dropped


def check(paper_id: str, doc: Any, old: Mapping[str, Any] | None = None) -> None:
    """Raise InvalidPaper unless `doc` has the stored shape. With `old` (the stored
    version it replaces), only what changed is checked: a bad value already stored (by
    hand, or by an older readlist) does not block starring or tagging that paper, and
    nothing new gets in unchecked."""
    if old is not None and type(doc) is dict:
        changed = {k: v for k, v in doc.items() if old.get(k, _ABSENT) != v}
        if not changed:
            return
        if "title" not in changed:
            # Only the title_protect check reads the title: give it the real one.
            changed["title"] = doc.get("title") if "title_protect" in changed else "-"
        doc = changed
    why = problem(doc)
    if why is not None:
        raise InvalidPaper(paper_id, why)


_ABSENT = object()


def problems(
    docs: Mapping[str, Any],
    ids: Iterable[str],
    *,
    keys: Mapping[str, Any] | None = None,
    valid: Container[str] = (),
) -> dict[str, str]:
    """The papers of `ids` whose document is not of the stored shape or whose key
    another paper of `docs` has too, with what is wrong. `keys`: every paper's
    `bibkey` and `bibkey_aliases` (its light record) where reading `docs` whole costs;
    `valid`: papers whose document is known to be of the stored shape (not read)."""
    wanted = dict.fromkeys(ids)
    out = {
        pid: why for pid in wanted if pid not in valid and (why := problem(docs[pid])) is not None
    }
    records = docs if keys is None else keys
    valid_docs = (
        records.items() if not out else ((p, d) for p, d in records.items() if p not in out)
    )
    clashes = key_clashes(valid_docs)
    return out | {pid: why for pid, why in clashes.items() if pid in wanted}
