"""The arXiv API (Atom): fetch records by id in batches, search by title.

Parsed with defusedxml's ElementTree: the feed is untrusted input, and only a handful
of elements matter, so a general feed library adds import time and hides errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree.ElementTree import Element

from readlist.arxiv_ids import parse_id
from readlist.model import Paper
from readlist.sources import checks
from readlist.sources.clean import plain
from readlist.sources.http import Http, SourceError
from readlist.sources.protocol import Candidate, Refused

if TYPE_CHECKING:
    from readlist.config import Network

BATCH = 100
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ABS = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>[0-9]+))?$")
_QUOTE_UNSAFE = re.compile(r'["\\]')
# C0 controls XML 1.0 forbids (tab, newline and carriage return are allowed). These
# bytes never occur inside a multi-byte UTF-8 character, so removing them is safe.
# ESC is carried through the parser as a private-use character and restored in the
# field's text, so `plain` removes its whole escape sequence, not just the ESC.
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_ESC_STAND_IN = "\ue01b"


@dataclass(frozen=True)
class ArxivRecord:
    """One paper as arXiv describes it."""

    source: ClassVar[str] = "arxiv"
    arxiv_id: str
    version: int | None
    title: str
    authors: tuple[str, ...]
    abstract: str = ""
    published: str | None = None  # v1, YYYY-MM-DD
    updated: str | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None


def _text(node: Element | None) -> str:
    """The element's whole text, child elements' included (a title with markup in it)."""
    return _plain("".join(node.itertext())) if node is not None else ""


def _plain(text: str) -> str:
    return plain(text.replace(_ESC_STAND_IN, "\x1b"))


def parse_feed(data: bytes) -> list[ArxivRecord]:
    """The usable records of an Atom answer (see `read_feed`)."""
    return [r for r in read_feed(data) if isinstance(r, ArxivRecord)]


def read_feed(data: bytes) -> list[ArxivRecord | Refused]:
    """Records from an Atom answer, each checked field by field: an entry with a bad
    field is Refused with the reason, and the others still count. An `Error` entry or
    broken XML is a SourceError."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    # one record's junk must not fail the batch
    data = _XML_FORBIDDEN.sub(b"", data).replace(b"\x1b", _ESC_STAND_IN.encode())
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, RecursionError) as exc:
        raise SourceError(f"arXiv sent malformed XML ({checks.short(str(exc), 160)})") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise SourceError("arXiv sent something that is not an Atom feed")
    out: list[ArxivRecord | Refused] = []
    for entry in root.findall("atom:entry", _NS):
        title = _text(entry.find("atom:title", _NS))
        url = _text(entry.find("atom:id", _NS))
        if title == "Error" or "/api/errors" in url:
            message = _text(entry.find("atom:summary", _NS)) or "unknown error"
            raise SourceError(f"arXiv API error: {checks.short(message, 200)}")
        m = _ABS.search(url)
        ident = parse_id(m["id"]) if m else None
        if m is None or ident is None:
            continue  # not a paper entry; ignore rather than guess
        try:
            out.append(_record(entry, ident.id, m["v"], title))
        except checks.Invalid as exc:
            out.append(Refused(ident.id, f"arXiv's record refused: {exc}"))
    return out


def _record(entry: Element, arxiv_id: str, version: str | None, title: str) -> ArxivRecord:
    """One entry's record; checks.Invalid names the first field that is not usable."""

    def optional(tag: str) -> str | None:
        return _text(entry.find(tag, _NS)) or None

    if not title:
        raise checks.Invalid("it has no title")
    authors = [_text(a.find("atom:name", _NS)) for a in entry.findall("atom:author", _NS)]
    if len(authors) > checks.MAX_AUTHORS:
        raise checks.Invalid(f"more than {checks.MAX_AUTHORS:,} authors")
    primary = entry.find("arxiv:primary_category", _NS)
    primary_term = _plain(primary.get("term", "")) if primary is not None else ""
    cats = [_plain(c.get("term", "")) for c in entry.findall("atom:category", _NS)]
    published, updated = optional("atom:published"), optional("atom:updated")
    doi = optional("arxiv:doi")
    journal_ref, comment = optional("arxiv:journal_ref"), optional("arxiv:comment")
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=checks.version(version) if version else None,
        title=checks.capped(title, "title", checks.MAX_TITLE),
        authors=tuple(checks.capped(a, "an author's name", checks.MAX_NAME) for a in authors if a),
        abstract=checks.capped(
            _text(entry.find("atom:summary", _NS)), "abstract", checks.MAX_ABSTRACT
        ),
        published=checks.date(published, "published date") if published else None,
        updated=checks.date(updated, "updated date") if updated else None,
        primary_category=checks.arxiv_category(primary_term) if primary_term else None,
        categories=tuple(dict.fromkeys(checks.category(c) for c in cats if c)),
        doi=checks.doi(doi) if doi else None,
        journal_ref=checks.capped(journal_ref, "journal reference", checks.MAX_NOTE)
        if journal_ref
        else None,
        comment=checks.capped(comment, "comment", checks.MAX_NOTE) if comment else None,
    )


def title_query(title: str) -> str:
    """`ti:"…"` for an exact-phrase title search; quotes and backslashes cannot be escaped
    in arXiv's query syntax, so they become spaces (the phrase still matches)."""
    words = " ".join(_QUOTE_UNSAFE.sub(" ", title).split())
    return f'ti:"{words}"'


class ArxivClient:
    """Talks to the arXiv API through a shared `Http`, at most one request per `delay`.

    As a metadata source it offers the papers a title search finds, and fetches records
    by id: the records resolving applies."""

    name = ArxivRecord.source

    def __init__(self, http: Http, api: str, delay: float) -> None:
        self.http = http
        self.api = api
        http.set_delay(api, delay)

    @classmethod
    def from_config(cls, http: Http, net: Network) -> ArxivClient:
        return cls(http, net.arxiv_api, net.arxiv_delay)

    def candidates(self, paper: Paper) -> list[Candidate]:
        return [Candidate.of(r) for r in self.search_title(paper.title)]

    def _query(self, params: dict[str, Any]) -> list[ArxivRecord | Refused]:
        return read_feed(self.http.get(self.api, params, name="arXiv").content)

    def fetch(self, ids: Iterable[str]) -> dict[str, ArxivRecord | Refused]:
        """Records by id (no version), in batches of up to 100; unknown ids are absent,
        and an id whose record is not usable maps to why (Refused)."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, ArxivRecord | Refused] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {"id_list": ",".join(batch), "max_results": len(batch), "start": 0}
            for record in self._query(params):
                out[record.arxiv_id] = record
        return out

    def search_title(self, title: str, limit: int = 5) -> list[ArxivRecord]:
        """Records whose title matches; a record that is not usable is no candidate."""
        params = {"search_query": title_query(title), "max_results": limit, "start": 0}
        return [r for r in self._query(params) if isinstance(r, ArxivRecord)]
