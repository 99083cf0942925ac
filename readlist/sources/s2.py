"""Semantic Scholar's Graph API: where an arXiv paper was published, by its exact id.

`POST {s2_api}/paper/batch?fields=…` with `{"ids": ["ARXIV:2106.09685", …]}`, up to 500
bare ids a request (a versioned id is unknown to it). The answer is a list aligned with
the ids, `null` for an id it does not know. Every value is checked where it enters: a
record with a value of the wrong type or out of range is refused with the reason, and
the rest of the batch still counts. An API key (S2_API_KEY in the environment) goes in
the `x-api-key` header; without one, requests share a global rate limit, so they are
paced (`[network] s2_delay`) and a 429 is retried after its Retry-After.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from readlist.arxiv_ids import parse_id
from readlist.model import Paper
from readlist.sources import checks
from readlist.sources.clean import plain
from readlist.sources.http import Halt, Http, SourceError
from readlist.sources.protocol import Candidate, Kind, Refused, Reported, Version
from readlist.venues import best_short, kind_of_name, not_a_venue

if TYPE_CHECKING:
    from readlist.config import Network

NAME = "Semantic Scholar"
MAX_BATCH = 500  # ids per request, the API's limit
FIELDS = (
    "title,authors,year,venue,publicationVenue,journal,externalIds,publicationTypes,publicationDate"
)
MAX_NAMES = 100  # a venue's alternate names, a paper's publication types
ARXIV_DOI = "10.48550/"  # DataCite's DOI of the arXiv preprint itself, not a venue's


@dataclass(frozen=True)
class S2Paper:
    """One paper as Semantic Scholar describes it, checked."""

    source: ClassVar[str] = "s2"
    arxiv_id: str  # the id it was asked for
    title: str
    authors: tuple[str, ...] = ()
    published: str | None = None  # publicationDate
    linked: str | None = None  # externalIds.ArXiv: the arXiv id it links itself to
    year: int | None = None
    venue: str | None = None
    venue_name: str | None = None  # publicationVenue.name
    venue_type: str | None = None  # publicationVenue.type: conference, journal
    alternates: tuple[str, ...] = ()
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    types: tuple[str, ...] = ()
    doi: str | None = None  # not arXiv's own
    dblp: str | None = None

    def version(self) -> Version:
        """The venue as a Version: its first real name, with its type and numbers."""
        names = [(self.venue_name, True), (self.venue, False), (self.journal, False)]
        real = [(n, own) for n, own in names if n and not_a_venue(n) is None]
        venue, own = real[0] if real else (next((n for n, _ in names if n), ""), False)
        journal_ok = self.journal is not None and not_a_venue(self.journal) is None
        kind: Kind | None = None
        if self.venue_type in ("conference", "journal") and own:
            kind = "inproceedings" if self.venue_type == "conference" else "article"
        elif "Conference" in self.types:
            kind = "inproceedings"
        elif "JournalArticle" in self.types and journal_ok:
            kind = "article"
        elif (guess := kind_of_name(venue or "")) is not None:
            kind = "inproceedings" if guess == "inproceedings" else "article"
        numbers = journal_ok or (not self.journal and not (self.volume or "").startswith("abs/"))
        link = f"lists arXiv {self.linked}" if self.by_id else "a record found by id"
        return Version(
            source=self.source,
            venue=venue or "",
            short=best_short(self.alternates) if own else None,
            aliases=self.alternates if own else (),
            kind=kind,
            year=self.year,
            doi=self.doi,
            volume=self.volume if numbers else None,
            pages=self.pages if numbers else None,
            dblp=self.dblp,
            title=self.title,
            authors=self.authors,
            by_id=self.by_id,
            evidence=f"{NAME} {link}",
        )

    @property
    def by_id(self) -> bool:
        return self.linked == self.arxiv_id


class _Reader:
    """Reads one record's values: a value of the wrong type or out of range refuses
    the record (checks.Invalid names which)."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.item = item

    def obj(self, key: str, within: dict[str, Any] | None = None) -> dict[str, Any]:
        value = (self.item if within is None else within).get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise checks.Invalid(f"{key} is not an object")
        return value

    def text(
        self, key: str, limit: int, within: dict[str, Any] | None = None, what: str = ""
    ) -> str | None:
        value = (self.item if within is None else within).get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise checks.Invalid(f"{what or key} is not text")
        return checks.capped(plain(value), what or key, limit) or None

    def texts(self, key: str, within: dict[str, Any] | None = None) -> tuple[str, ...]:
        value = (self.item if within is None else within).get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or len(value) > MAX_NAMES:
            raise checks.Invalid(f"{key} is not a list of at most {MAX_NAMES} names")
        if not all(isinstance(v, str) for v in value):
            raise checks.Invalid(f"{key} holds something that is not text")
        return tuple(t for v in value if (t := checks.capped(plain(v), key, checks.MAX_VENUE)))


def parse_paper(arxiv_id: str, item: Any) -> S2Paper | Refused:
    """One entry of a batch answer, checked; Refused (with why) if any value is bad."""
    if not isinstance(item, dict):
        return Refused(arxiv_id, f"{NAME}'s record refused: not an object")
    try:
        return _paper(arxiv_id, _Reader(item))
    except checks.Invalid as exc:
        return Refused(arxiv_id, f"{NAME}'s record refused: {exc}")


def _paper(arxiv_id: str, r: _Reader) -> S2Paper:
    title = r.text("title", checks.MAX_TITLE)
    if not title:
        raise checks.Invalid("it has no title")
    raw_authors = r.item.get("authors") or []
    if not isinstance(raw_authors, list) or len(raw_authors) > checks.MAX_AUTHORS:
        raise checks.Invalid(f"authors is not a list of at most {checks.MAX_AUTHORS:,}")
    authors = []
    for author in raw_authors:
        if not isinstance(author, dict):
            raise checks.Invalid("an author is not an object")
        if name := r.text("name", checks.MAX_NAME, author, "an author's name"):
            authors.append(name)
    year = r.item.get("year")
    date = r.text("publicationDate", 40)
    ids = r.obj("externalIds")
    linked = r.text("ArXiv", 40, ids, "externalIds.ArXiv")
    ident = parse_id(linked) if linked else None
    doi = r.text("DOI", 600, ids, "externalIds.DOI")
    dblp = r.text("DBLP", 300, ids, "externalIds.DBLP")
    place = r.obj("publicationVenue")
    journal = r.obj("journal")
    volume = r.text("volume", 200, journal, "journal.volume")
    pages = r.text("pages", 200, journal, "journal.pages")
    kind = r.text("type", 40, place, "publicationVenue.type")
    return S2Paper(
        arxiv_id=arxiv_id,
        title=title,
        authors=tuple(authors),
        published=checks.date(date, "publicationDate") if date else None,
        linked=ident.id if ident else None,
        year=None if year is None else checks.year(year),
        venue=r.text("venue", checks.MAX_VENUE),
        venue_name=r.text("name", checks.MAX_VENUE, place, "publicationVenue.name"),
        venue_type=kind.lower() if kind else None,
        alternates=r.texts("alternate_names", place),
        journal=r.text("name", checks.MAX_VENUE, journal, "journal.name"),
        volume=checks.field(volume, "volume") if volume else None,
        pages=checks.field(pages, "pages") if pages else None,
        types=r.texts("publicationTypes"),
        doi=checks.doi(doi) if doi and not doi.startswith(ARXIV_DOI) else None,
        dblp=checks.dblp_key(dblp) if dblp else None,
    )


def read_batch(data: bytes, asked: Sequence[str]) -> dict[str, S2Paper | Refused]:
    """A batch answer: a JSON list aligned with `asked`; null entries are unknown ids."""
    try:
        items = json.loads(data)
    except ValueError:  # UnicodeDecodeError included
        raise SourceError(f"{NAME} sent malformed JSON") from None
    except RecursionError:
        raise SourceError(f"{NAME} sent JSON nested too deeply") from None
    if not isinstance(items, list) or len(items) != len(asked):
        raise SourceError(f"{NAME} sent an answer that is not a list of {len(asked)} papers")
    return {
        arxiv_id: parse_paper(arxiv_id, item)
        for arxiv_id, item in zip(asked, items, strict=True)
        if item is not None
    }


class S2Client:
    """Semantic Scholar through the shared `Http`. A metadata source that fetches its
    records by arXiv id, and a version source; it offers resolving no candidates (a
    paper without an arXiv id is not one it can look up)."""

    name = S2Paper.source

    def __init__(self, http: Http, api: str, delay: float, key: str | None = None) -> None:
        self.http = http
        self.api = api.rstrip("/")
        self.key = key
        http.set_delay(self.api, delay)

    @classmethod
    def from_config(cls, http: Http, net: Network) -> S2Client:
        return cls(http, net.s2_api, net.s2_delay, net.s2_api_key)

    def candidates(self, paper: Paper) -> list[Candidate]:
        return []

    def fetch(self, ids: Iterable[str]) -> dict[str, S2Paper | Refused]:
        """Records by bare arXiv id, up to MAX_BATCH a request; unknown ids absent."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, S2Paper | Refused] = {}
        headers = {"x-api-key": self.key} if self.key else None
        for start in range(0, len(wanted), MAX_BATCH):
            batch = wanted[start : start + MAX_BATCH]
            answer = self.http.post(
                f"{self.api}/paper/batch",
                {"ids": [f"ARXIV:{i}" for i in batch]},
                {"fields": FIELDS},
                name=NAME,
                headers=headers,
            )
            out.update(read_batch(answer.content, batch))
        return out

    def versions(self, papers: Sequence[Paper]) -> Iterator[Reported]:
        """One request for all of `papers` (up to MAX_BATCH), made at the first step."""
        ids = {p.id: ident.id for p in papers if p.arxiv_id and (ident := parse_id(p.arxiv_id))}
        failed: str | None = None
        try:
            records = self.fetch(ids.values())
        except Halt:
            raise
        except SourceError as exc:
            records, failed = {}, str(exc)
        for paper in papers:
            arxiv_id = ids.get(paper.id)
            record = records.get(arxiv_id) if arxiv_id else None
            if failed is not None:
                yield paper.id, Refused(arxiv_id or "", failed)
            elif isinstance(record, Refused):
                yield paper.id, record
            else:
                yield paper.id, [record.version()] if record else []
