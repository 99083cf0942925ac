"""The Hugging Face papers API: Daily Papers by day, week or month, search, one paper.

The JSON shapes are those `huggingface_hub.hf_api.PaperInfo` parses. Every field is
optional and unknown fields are ignored; a value of the wrong type counts as absent, and
so does one out of its range (a date that is not a date, negative upvotes), noted.
huggingface_hub itself is not used: it costs more import time than httpx, and the three
GETs it would make for us are simple.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from readlist.arxiv_ids import parse_id
from readlist.links import BadLink, check_url
from readlist.model import Paper
from readlist.sources import checks
from readlist.sources.clean import plain
from readlist.sources.http import Http, HttpStatusError, SourceError
from readlist.sources.matching import CandidateIndex, decide
from readlist.sources.protocol import Candidate

if TYPE_CHECKING:
    from readlist.config import Network

PAGE = 50
MAX_PAGES = 200
T = TypeVar("T")


@dataclass(frozen=True)
class HubPaper:
    """One paper as the Hub lists it."""

    source: ClassVar[str] = "hub"
    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    abstract: str = ""
    published: str | None = None  # the arXiv date, YYYY-MM-DD
    listed: str | None = None  # the day it was on Daily Papers
    upvotes: int = 0
    github: str | None = None
    project_page: str | None = None
    ai_keywords: tuple[str, ...] = ()
    organization: str | None = None
    organization_slug: str | None = None
    dropped: tuple[str, ...] = ()  # values left out (unsafe links, out of range), and why


def _str(value: Any) -> str | None:
    return (plain(value) or None) if isinstance(value, str) else None


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


class _Fields:
    """Reads one paper's optional values: one of the wrong type is absent, and one out
    of its range too, noted in `dropped` with the reason."""

    def __init__(self) -> None:
        self.dropped: list[str] = []

    def check(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except checks.Invalid as exc:
            self.dropped.append(f"ignored: {exc}")
            return None

    def text(self, value: Any, what: str, limit: int) -> str | None:
        text = _str(value)
        return self.check(lambda: checks.capped(text, what, limit)) if text else None

    def date(self, value: Any, what: str) -> str | None:
        text = _str(value)
        return self.check(lambda: checks.date(text, what)) if text else None

    def items(self, value: Any, what: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            return []
        if len(value) > limit:
            self.dropped.append(f"ignored: more than {limit:,} {what}")
            return []
        return value

    def url(self, value: Any) -> str | None:
        """A safe http(s) link, or None; a link refused is noted."""
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            return check_url(value.strip())
        except BadLink as exc:
            self.dropped.append(f"dropped link '{checks.short(value, 60)}': {exc}")
            return None


def parse_paper(item: Any) -> HubPaper | None:
    """A daily-papers item (`{"paper": {...}, ...}`) or a bare paper; None if unusable
    (no valid arXiv id, or no title of a sane length)."""
    if not isinstance(item, dict):
        return None
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item

    def get(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value

    raw_id = paper.get("id")
    ident = parse_id(raw_id) if isinstance(raw_id, str) and len(raw_id) <= 40 else None
    title = _str(get("title"))
    if ident is None or title is None or len(title) > checks.MAX_TITLE:
        return None
    f = _Fields()
    authors = f.items(paper.get("authors"), "authors", checks.MAX_AUTHORS)
    keywords = f.items(get("ai_keywords"), "ai_keywords", checks.MAX_KEYWORDS)
    org = get("organization")
    upvotes = get("upvotes")
    listed = item.get("publishedAt") if inner is not None else None
    return HubPaper(
        arxiv_id=ident.id,
        title=title,
        authors=tuple(
            n for a in authors if (n := f.text(_get(a, "name"), "author name", checks.MAX_NAME))
        ),
        abstract=f.text(get("summary"), "abstract", checks.MAX_ABSTRACT) or "",
        published=f.date(paper.get("publishedAt"), "published date"),
        listed=f.date(listed, "listing date"),
        upvotes=(f.check(lambda: checks.count(upvotes, "upvotes", checks.MAX_UPVOTES)) or 0)
        if type(upvotes) is int
        else 0,
        github=f.url(get("githubRepo")),
        project_page=f.url(get("projectPage")),
        ai_keywords=tuple(
            w for k in keywords if (w := f.text(k, "ai_keyword", checks.MAX_KEYWORD))
        ),
        organization=f.text(_get(org, "fullname"), "organization", checks.MAX_NAME)
        or f.text(_get(org, "name"), "organization", checks.MAX_NAME),
        organization_slug=f.text(_get(org, "name"), "organization", checks.MAX_NAME),
        dropped=tuple(f"{ident.id}: {why}" for why in dict.fromkeys(f.dropped)),
    )


class HubClient:
    """Talks to the Hub's papers API through a shared `Http`.

    As a metadata source it offers the papers listed on the days a paper was listed
    (each day fetched once per run) and, when they do not settle it, a title search."""

    name = HubPaper.source

    def __init__(self, http: Http, endpoint: str) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")
        self._days: dict[str, CandidateIndex] = {}

    @classmethod
    def from_config(cls, http: Http, net: Network) -> HubClient:
        return cls(http, net.hf_endpoint)

    def candidates(self, paper: Paper) -> list[Candidate]:
        found: list[Candidate] = []
        for day in dict.fromkeys(s.listing_date for s in paper.sources if s.listing_date):
            found += self._day(day).lookup(paper.title)
        if decide(paper, found).status == "match":
            return found
        return found + [Candidate.of(h) for h in self.search(paper.title)]

    def _day(self, day: str) -> CandidateIndex:
        """One listing day's papers, fetched and indexed once per run."""
        if day not in self._days:
            self._days[day] = CandidateIndex(map(Candidate.of, self.daily("date", day)))
        return self._days[day]

    def fetch(self, ids: Iterable[str]) -> dict[str, HubPaper]:
        """The Hub's record of each paper it has, one request per id."""
        return {i: p for i in dict.fromkeys(ids) if (p := self.paper(i)) is not None}

    def _json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        answer = self.http.get(f"{self.endpoint}{path}", params, name="the Hub")
        try:
            return json.loads(answer.content)
        except ValueError:  # UnicodeDecodeError included
            raise SourceError(f"the Hub sent malformed JSON for {path}") from None
        except RecursionError:
            raise SourceError(f"the Hub sent JSON nested too deeply for {path}") from None

    def daily(self, period: str, value: str | None) -> Iterator[HubPaper]:
        """Daily Papers for `period` (date, week or month) = `value`, every page."""
        for page in range(MAX_PAGES):
            params: dict[str, Any] = {"p": page, "limit": PAGE}
            if value is not None:
                params[period] = value
            items = self._json("/api/daily_papers", params)
            if not isinstance(items, list):
                raise SourceError("the Hub sent an unexpected daily-papers shape")
            for item in items:
                paper = parse_paper(item)
                if paper is not None:
                    yield paper
            if len(items) < PAGE:
                return

    def search(self, query: str) -> list[HubPaper]:
        items = self._json("/api/papers/search", {"q": query})
        if not isinstance(items, list):
            return []
        return [p for item in items if (p := parse_paper(item)) is not None]

    def paper(self, arxiv_id: str) -> HubPaper | None:
        try:
            return parse_paper(self._json(f"/api/papers/{arxiv_id}"))
        except HttpStatusError as exc:
            if exc.status == 404:
                return None
            raise
