"""The Hugging Face papers API: Daily Papers by day, week or month, search, one paper.

The JSON shapes are those `huggingface_hub.hf_api.PaperInfo` parses. Every field is
optional and unknown fields are ignored; a value of the wrong type counts as absent.
huggingface_hub itself is not used: it costs more import time than httpx, and the three
GETs it would make for us are simple.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from readlist.links import BadLink, check_url
from readlist.sources.clean import iso_day, plain
from readlist.sources.http import Http, HttpStatusError, SourceError
from readlist.sources.ids import parse_id

PAGE = 50
MAX_PAGES = 200


@dataclass(frozen=True)
class HubPaper:
    """One paper as the Hub lists it."""

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
    dropped: tuple[str, ...] = ()  # links left out as unsafe, with the reason


def _str(value: Any) -> str | None:
    return (plain(value) or None) if isinstance(value, str) else None


def _url(value: Any, dropped: list[str]) -> str | None:
    """A safe http(s) link, or None; a link refused is noted in `dropped`."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return check_url(value.strip())
    except BadLink as exc:
        shown = plain(value)
        shown = shown if len(shown) <= 60 else shown[:59] + "\u2026"
        dropped.append(f"dropped link '{shown}': {exc}")
        return None


def parse_paper(item: Any) -> HubPaper | None:
    """A daily-papers item (`{"paper": {...}, ...}`) or a bare paper; None if unusable."""
    if not isinstance(item, dict):
        return None
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item

    def get(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value

    ident = parse_id(str(paper.get("id") or ""))
    title = _str(get("title"))
    if ident is None or title is None:
        return None
    authors = paper.get("authors")
    names = tuple(
        n for a in (authors if isinstance(authors, list) else ()) if (n := _str(_get(a, "name")))
    )
    keywords = get("ai_keywords")
    org = get("organization")
    upvotes = get("upvotes")
    listed = item.get("publishedAt") if inner is not None else None
    dropped: list[str] = []
    github = _url(get("githubRepo"), dropped)
    project_page = _url(get("projectPage"), dropped)
    return HubPaper(
        arxiv_id=ident.id,
        title=title,
        authors=names,
        abstract=_str(get("summary")) or "",
        published=_date(paper.get("publishedAt")),
        listed=_date(listed),
        upvotes=upvotes if type(upvotes) is int and upvotes > 0 else 0,
        github=github,
        project_page=project_page,
        ai_keywords=tuple(
            w for k in (keywords if isinstance(keywords, list) else ()) if (w := _str(k))
        ),
        organization=_str(_get(org, "fullname")) or _str(_get(org, "name")),
        organization_slug=_str(_get(org, "name")),
        dropped=tuple(f"{ident.id}: {why}" for why in dropped),
    )


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _date(value: Any) -> str | None:
    return iso_day(_str(value) or "")


class HubClient:
    def __init__(self, http: Http, endpoint: str) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")

    def _json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.http.get(f"{self.endpoint}{path}", params)
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"the Hub sent malformed JSON for {path}") from None

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
