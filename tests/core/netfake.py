"""Fake arXiv and Hub APIs in their documented shapes, served by a real loopback server."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import readlist.sources.http

ATOM_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
    "  <id>https://arxiv.org/api/x</id>\n  <title>arXiv Query</title>\n"
)


@dataclass
class Rec:
    """An arXiv record as the fake serves it."""

    arxiv_id: str
    title: str
    authors: list[str]
    published: str = "2025-11-10"
    updated: str | None = None
    version: int = 1
    categories: list[str] = field(default_factory=lambda: ["cs.CV", "cs.LG"])
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    summary: str = "We present a thing."


def wrap(text: str, width: int = 40) -> str:
    """Titles in the feed are wrapped across lines, as arXiv does."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n  ".join(lines)


def entry(rec: Rec) -> str:
    updated = rec.updated or rec.published
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{rec.arxiv_id}v{rec.version}</id>",
        f"    <updated>{updated}T18:00:00Z</updated>",
        f"    <published>{rec.published}T17:59:59Z</published>",
        f"    <title>{escape(wrap(rec.title))}</title>",
        f"    <summary>  {escape(wrap(rec.summary))}\n  </summary>",
    ]
    parts += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in rec.authors]
    if rec.doi:
        parts.append(f"    <arxiv:doi>{escape(rec.doi)}</arxiv:doi>")
    if rec.journal_ref:
        parts.append(f"    <arxiv:journal_ref>{escape(rec.journal_ref)}</arxiv:journal_ref>")
    if rec.comment:
        parts.append(f"    <arxiv:comment>{escape(rec.comment)}</arxiv:comment>")
    parts.append(
        f'    <link href="http://arxiv.org/abs/{rec.arxiv_id}v{rec.version}" rel="alternate"/>'
    )
    parts.append(
        f'    <arxiv:primary_category term="{rec.categories[0]}" '
        'scheme="http://arxiv.org/schemas/atom"/>'
    )
    parts += [
        f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in rec.categories
    ]
    parts.append("  </entry>")
    return "\n".join(parts)


def feed(records: list[Rec]) -> str:
    total = f"  <opensearch:totalResults>{len(records)}</opensearch:totalResults>\n"
    return ATOM_HEAD + total + "\n".join(entry(r) for r in records) + "\n</feed>\n"


def error_feed(message: str) -> str:
    return (
        ATOM_HEAD
        + "  <entry>\n    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>\n"
        + "    <title>Error</title>\n"
        + f"    <summary>{escape(message)}</summary>\n  </entry>\n</feed>\n"
    )


def hub_paper(rec: Rec, upvotes: int = 5, **extra: Any) -> dict[str, Any]:
    """A paper object as the Hub's papers API returns it."""
    return {
        "id": rec.arxiv_id,
        "authors": [{"_id": "x", "name": a, "hidden": False} for a in rec.authors],
        "publishedAt": f"{rec.published}T17:59:59.000Z",
        "title": rec.title,
        "summary": rec.summary,
        "upvotes": upvotes,
        "discussionId": "abc",
        **extra,
    }


def daily_item(rec: Rec, listed: str, upvotes: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "paper": hub_paper(rec, upvotes, **extra),
        "publishedAt": f"{listed}T01:00:00.000Z",
        "title": rec.title,
        "numComments": 2,
        "submittedBy": {"name": "akhaliq"},
        "isAuthorParticipating": False,
    }


class FakeApis:
    """arXiv at /api/query and the Hub at /api/..., answering from in-memory records."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.arxiv: dict[str, Rec] = {}
        self.hub_known: set[str] = set()  # ids the Hub's search knows
        self.daily: dict[str, list[dict[str, Any]]] = {}  # date -> items
        self.log: list[tuple[str, dict[str, str]]] = []
        self.user_agents: set[str] = set()
        server.expect_request("/api/query").respond_with_handler(self._arxiv)
        server.expect_request("/api/daily_papers").respond_with_handler(self._daily)
        server.expect_request("/api/papers/search").respond_with_handler(self._search)
        server.expect_request(re.compile("^/api/papers/.+")).respond_with_handler(self._paper)

    def add(self, *recs: Rec, hub: bool = True) -> None:
        for rec in recs:
            self.arxiv[rec.arxiv_id] = rec
            if hub:
                self.hub_known.add(rec.arxiv_id)

    def requests(self, kind: str) -> list[dict[str, str]]:
        return [args for k, args in self.log if k == kind]

    def _note(self, kind: str, request: Request) -> dict[str, str]:
        args = dict(request.args)
        self.log.append((kind, args))
        self.user_agents.add(request.headers.get("User-Agent", ""))
        return args

    def _arxiv(self, request: Request) -> Response:
        args = self._note("arxiv", request)
        if "id_list" in args:
            ids = args["id_list"].split(",")
            found = [self.arxiv[i] for i in ids if i in self.arxiv]
        else:
            m = re.fullmatch(r'ti:"(.*)"', args.get("search_query", ""))
            words = m[1].casefold().split() if m else []
            found = [r for r in self.arxiv.values() if r.title.casefold().split() == words]
        limit = int(args.get("max_results", 10))
        return Response(feed(found[:limit]), content_type="application/atom+xml")

    def _daily(self, request: Request) -> Response:
        args = self._note("daily", request)
        items = self.daily.get(args.get("date") or args.get("week") or args.get("month") or "")
        if items is None and not any(k in args for k in ("date", "week", "month")):
            items = self.daily.get(max(self.daily)) if self.daily else []
        page, limit = int(args.get("p", 0)), int(args.get("limit", 50))
        chunk = (items or [])[page * limit : (page + 1) * limit]
        return Response(json.dumps(chunk), content_type="application/json")

    def _search(self, request: Request) -> Response:
        args = self._note("search", request)
        q = args.get("q", "").casefold()
        hits = [
            {"paper": hub_paper(r), "title": r.title}
            for r in self.arxiv.values()
            if r.arxiv_id in self.hub_known and r.title.casefold() == q
        ]
        return Response(json.dumps(hits), content_type="application/json")

    def _paper(self, request: Request) -> Response:
        self._note("paper", request)
        arxiv_id = request.path.removeprefix("/api/papers/")
        rec = self.arxiv.get(arxiv_id)
        if rec is None or arxiv_id not in self.hub_known:
            return Response('{"error":"not found"}', status=404)
        return Response(json.dumps(hub_paper(rec)), content_type="application/json")


def write_config(home: Path, server: HTTPServer, **extra: Any) -> None:
    """Point readlist at the loopback server, with no politeness delay."""
    home.mkdir(parents=True, exist_ok=True)
    settings = {
        "arxiv_api": server.url_for("/api/query"),
        "hf_endpoint": server.url_for("/").rstrip("/"),
        "arxiv_delay": 0,
        "timeout": 2,
        **extra,
    }
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
    (home / "config.toml").write_text("[network]\n" + body + "\n")


@pytest.fixture
def apis(httpserver: HTTPServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> FakeApis:
    monkeypatch.setattr(readlist.sources.http, "DEFAULT_BACKOFF", 0.01)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    write_config(isolated_home, httpserver)
    return FakeApis(httpserver)
