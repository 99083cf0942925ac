"""DBLP's publication search: published versions of a paper, found by its title.

`GET {dblp_api}?q=…&format=json&h=…&c=0`. DBLP knows computer science's conferences and
journals well, which makes it a second source beside Semantic Scholar and a cross-check
of it. Its arXiv copies are CoRR entries (`journals/corr/abs-…`, venue "CoRR"); those,
and anything that is neither a conference nor a journal paper (informal publications,
books, editorships), are skipped. A hit is found by title only, so the match rule
checks its title and authors against the preprint before it counts.

The JSON is loose: one author is an object and several a list, a venue is a string or
a list, a title ends with a period. Every value is checked where it enters; a hit with
a bad value is skipped, the others still count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from readlist.model import Paper
from readlist.sources import checks
from readlist.sources.clean import plain
from readlist.sources.http import Halt, Http, SourceError
from readlist.sources.protocol import Candidate, Kind, Record, Refused, Reported, Version

if TYPE_CHECKING:
    from readlist.config import Network

NAME = "DBLP"
HITS = 10  # a title rarely has more namesakes than this
MAX_HITS = 1000
TYPES: dict[str, Kind] = {
    "Conference and Workshop Papers": "inproceedings",
    "Journal Articles": "article",
}
_HOMONYM = re.compile(r"\s+[0-9]{4}$")  # "Wei Li 0001": DBLP's namesake number
_QUERY = re.compile(r"[^\w]+")


def _text(value: Any, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise checks.Invalid(f"{what} is not text")
    return checks.capped(plain(value), what, limit) or None


def _listed(value: Any, what: str) -> list[Any]:
    """DBLP gives one item as itself and several as a list."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if len(items) > checks.MAX_AUTHORS:
        raise checks.Invalid(f"more than {checks.MAX_AUTHORS:,} {what}")
    return items


def parse_hit(info: Any) -> Version | None:
    """One hit's `info` as a Version; None for a hit that is no published version (a
    CoRR copy, an informal publication, a book); checks.Invalid for a bad value."""
    if not isinstance(info, dict):
        raise checks.Invalid("a hit is not an object")
    key = _text(info.get("key"), "key", 300)
    venues = [_text(v, "venue", checks.MAX_VENUE) for v in _listed(info.get("venue"), "venues")]
    names = [v for v in venues if v]
    kind = TYPES.get(_text(info.get("type"), "type", 100) or "")
    if key is None or kind is None or key.startswith("journals/corr/") or not names:
        return None
    if any(v.casefold() == "corr" for v in names):
        return None
    title = _text(info.get("title"), "title", checks.MAX_TITLE) or ""
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]  # DBLP ends every title with a period
    authors: list[str] = []
    for author in _listed(_get(info.get("authors"), "author"), "authors"):
        raw = author.get("text") if isinstance(author, dict) else author
        name = _text(raw, "an author's name", checks.MAX_NAME)
        if name:
            authors.append(_HOMONYM.sub("", name))
    year = info.get("year")
    doi = _text(info.get("doi"), "doi", 600)
    fields = {k: _text(info.get(k), k, 200) for k in ("volume", "number", "pages")}
    return Version(
        source="dblp",
        venue=names[0],
        short=names[0],
        aliases=tuple(names[1:]),
        kind=kind,
        year=None if year is None else checks.year(year),
        doi=checks.doi(doi) if doi else None,
        volume=checks.field(fields["volume"], "volume") if fields["volume"] else None,
        number=checks.field(fields["number"], "number") if fields["number"] else None,
        pages=checks.field(fields["pages"], "pages") if fields["pages"] else None,
        publisher=_text(info.get("publisher"), "publisher", checks.MAX_NAME),
        dblp=checks.dblp_key(key),
        title=title,
        authors=tuple(authors),
        evidence=f"{NAME} {key}",
    )


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def read_search(data: bytes) -> list[Version]:
    """The published versions among a search answer's hits; a hit with a bad value is
    skipped. An answer of another shape is a SourceError."""
    try:
        answer = json.loads(data)
    except ValueError:
        raise SourceError(f"{NAME} sent malformed JSON") from None
    except RecursionError:
        raise SourceError(f"{NAME} sent JSON nested too deeply") from None
    hits = _get(_get(answer, "result"), "hits")
    if not isinstance(hits, dict):
        raise SourceError(f"{NAME} sent an answer without search results")
    raw = hits.get("hit")
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    out: list[Version] = []
    for hit in items[:MAX_HITS]:
        try:
            version = parse_hit(_get(hit, "info"))
        except checks.Invalid:
            continue
        if version is not None:
            out.append(version)
    return out


def query(title: str) -> str:
    """The title's words: DBLP's search syntax gives punctuation meanings ($, |, -)."""
    return " ".join(_QUERY.sub(" ", title).split())[:300]


class DblpClient:
    """DBLP through the shared `Http`: a version source. As a metadata source it offers
    no arXiv candidates and fetches nothing by arXiv id (its arXiv copies are skipped)."""

    name = "dblp"

    def __init__(self, http: Http, api: str, delay: float, hits: int = HITS) -> None:
        self.http = http
        self.api = api
        self.hits = hits
        http.set_delay(api, delay)

    @classmethod
    def from_config(cls, http: Http, net: Network) -> DblpClient:
        return cls(http, net.dblp_api, net.dblp_delay)

    def candidates(self, paper: Paper) -> list[Candidate]:
        return []

    def fetch(self, ids: Iterable[str]) -> dict[str, Record | Refused]:
        return {}

    def search(self, title: str) -> list[Version]:
        params = {"q": query(title), "format": "json", "h": self.hits, "c": 0}
        return read_search(self.http.get(self.api, params, name=NAME).content)

    def versions(self, papers: Sequence[Paper]) -> Iterator[Reported]:
        """One search per paper, by its title."""
        for paper in papers:
            if not query(paper.title):
                yield paper.id, []
                continue
            try:
                found = self.search(paper.title)
            except Halt:
                raise
            except SourceError as exc:
                yield paper.id, Refused(paper.arxiv_id or "", str(exc))
                continue
            yield paper.id, found
