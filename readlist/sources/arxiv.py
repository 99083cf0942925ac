"""The arXiv API (Atom): fetch records by id in batches, search by title.

Parsed with defusedxml's ElementTree: the feed is untrusted input, and only a handful
of elements matter, so a general feed library adds import time and hides errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from readlist.sources.clean import iso_day, plain
from readlist.sources.http import Http, SourceError
from readlist.sources.ids import parse_id

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
    return _plain(node.text or "") if node is not None else ""


def _plain(text: str) -> str:
    return plain(text.replace(_ESC_STAND_IN, "\x1b"))


def parse_feed(data: bytes) -> list[ArxivRecord]:
    """Records from an Atom answer. An `Error` entry or broken XML is a SourceError."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    # one record's junk must not fail the batch
    data = _XML_FORBIDDEN.sub(b"", data).replace(b"\x1b", _ESC_STAND_IN.encode())
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise SourceError(f"arXiv sent malformed XML ({exc})") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise SourceError("arXiv sent something that is not an Atom feed")
    out = []
    for entry in root.findall("atom:entry", _NS):
        title = _text(entry.find("atom:title", _NS))
        url = _text(entry.find("atom:id", _NS))
        if title == "Error" or "/api/errors" in url:
            message = _text(entry.find("atom:summary", _NS)) or "unknown error"
            raise SourceError(f"arXiv API error: {message}")
        m = _ABS.search(url)
        ident = parse_id(m["id"]) if m else None
        if m is None or ident is None:
            continue  # not a paper entry; ignore rather than guess
        primary = entry.find("arxiv:primary_category", _NS)
        cats = [_plain(c.get("term", "")) for c in entry.findall("atom:category", _NS)]
        out.append(
            ArxivRecord(
                arxiv_id=ident.id,
                version=int(m["v"]) if m["v"] else None,
                title=title,
                authors=tuple(
                    name
                    for a in entry.findall("atom:author", _NS)
                    if (name := _text(a.find("atom:name", _NS)))
                ),
                abstract=_text(entry.find("atom:summary", _NS)),
                published=iso_day(_text(entry.find("atom:published", _NS))),
                updated=iso_day(_text(entry.find("atom:updated", _NS))),
                primary_category=_plain(primary.get("term", "")) or None
                if primary is not None
                else None,
                categories=tuple(dict.fromkeys(c for c in cats if c)),
                doi=_text(entry.find("arxiv:doi", _NS)) or None,
                journal_ref=_text(entry.find("arxiv:journal_ref", _NS)) or None,
                comment=_text(entry.find("arxiv:comment", _NS)) or None,
            )
        )
    return out


def title_query(title: str) -> str:
    """`ti:"…"` for an exact-phrase title search; quotes and backslashes cannot be escaped
    in arXiv's query syntax, so they become spaces (the phrase still matches)."""
    words = " ".join(_QUOTE_UNSAFE.sub(" ", title).split())
    return f'ti:"{words}"'


class ArxivClient:
    """Talks to the arXiv API through a shared `Http`, at most one request per `delay`."""

    def __init__(self, http: Http, api: str, delay: float) -> None:
        self.http = http
        self.api = api
        http.set_delay(api, delay)

    def _query(self, params: dict[str, Any]) -> list[ArxivRecord]:
        return parse_feed(self.http.get(self.api, params).content)

    def fetch(self, ids: Iterable[str]) -> dict[str, ArxivRecord]:
        """Records by id (no version), in batches of up to 100; unknown ids are absent."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, ArxivRecord] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {"id_list": ",".join(batch), "max_results": len(batch), "start": 0}
            for record in self._query(params):
                out[record.arxiv_id] = record
        return out

    def search_title(self, title: str, limit: int = 5) -> list[ArxivRecord]:
        return self._query({"search_query": title_query(title), "max_results": limit, "start": 0})
