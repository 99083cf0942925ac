"""Fake Semantic Scholar (Graph API batch) and DBLP (publication search) in their
documented JSON shapes (see the notes on both APIs), each served by a real HTTP server
on loopback, and the fixture world of `readlist published`: preprints with a
conference, a journal, a workshop version, one under review, a same-title decoy, a
CoRR-only entry, and two sources that disagree."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import readlist.sources.http
from readlist.model import Paper, paper_id_for, title_key, title_words
from readlist.sources.s2 import FIELDS
from tests.core.netfake import write_config

S2_PATH = "/graph/v1"
DBLP_PATH = "/search/publ/api"


def s2_venue(name: str, kind: str | None, *alternates: str) -> dict[str, Any]:
    """A `publicationVenue` object."""
    return {
        "id": f"{abs(hash(name)) % 10**8:08d}-venue",
        "name": name,
        "type": kind,
        "alternate_names": list(alternates),
        "url": "https://example.org/",
    }


ICLR = s2_venue("International Conference on Learning Representations", "conference", "ICLR")
NEURIPS = s2_venue(
    "Neural Information Processing Systems",
    "conference",
    "Neural Inf Process Syst",
    "NeurIPS",
    "NIPS",
)
CVPR = s2_venue(
    "Computer Vision and Pattern Recognition",
    "conference",
    "CVPR",
    "Comput Vis Pattern Recognit",
)
SCIENCE = s2_venue("Science", "journal", "Science (New York, N.Y.)")
ARXIV_VENUE = {
    "id": "1901e811-ee72",
    "name": "arXiv.org",
    "type": None,
    "alternate_names": ["ArXiv"],
}


def s2_paper(
    arxiv_id: str,
    title: str,
    authors: list[str],
    year: int | None,
    *,
    venue: str = "arXiv.org",
    place: dict[str, Any] | None = None,
    journal: dict[str, Any] | None = None,
    doi: str | None = None,
    dblp: str | None = None,
    types: list[str] | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    """A paper object as `POST /paper/batch` returns it."""
    ids: dict[str, Any] = {
        "ArXiv": arxiv_id,
        "DOI": doi or f"10.48550/arXiv.{arxiv_id}",
        "CorpusId": 1000 + len(title),
    }
    if dblp:
        ids["DBLP"] = dblp
    return {
        "paperId": f"{abs(hash(title)) % 10**12:040x}",
        "externalIds": ids,
        "title": title,
        "venue": venue,
        "publicationVenue": place,
        "year": year,
        "journal": journal
        if journal is not None
        else {"name": "ArXiv", "volume": f"abs/{arxiv_id}"},
        "publicationTypes": types if types is not None else ["JournalArticle"],
        "publicationDate": date,
        "authors": [{"authorId": str(100 + i), "name": a} for i, a in enumerate(authors)],
    }


def dblp_info(
    title: str,
    authors: list[str],
    venue: str | list[str],
    year: int | str,
    key: str,
    *,
    kind: str = "Conference and Workshop Papers",
    doi: str | None = None,
    pages: str | None = None,
    volume: str | None = None,
    ee: str | list[str] | None = None,
) -> dict[str, Any]:
    """A hit's `info` object: a title ending with a period, one author an object."""
    people = [{"@pid": f"{i}/{i}", "text": a} for i, a in enumerate(authors)]
    info: dict[str, Any] = {
        "authors": {"author": people[0] if len(people) == 1 else people},
        "title": title if title.endswith((".", "?")) else title + ".",
        "venue": venue,
        "year": str(year),
        "type": kind,
        "access": "open",
        "key": key,
        "ee": ee or (f"https://doi.org/{doi}" if doi else "https://example.org/paper"),
        "url": f"https://dblp.org/rec/{key}",
    }
    for name, value in (("doi", doi), ("pages", pages), ("volume", volume)):
        if value is not None:
            info[name] = value
    return info


def corr_info(title: str, authors: list[str], arxiv_id: str, year: int) -> dict[str, Any]:
    """DBLP's copy of an arXiv paper: skipped by readlist."""
    return dblp_info(
        title,
        authors,
        "CoRR",
        year,
        f"journals/corr/abs-{arxiv_id.replace('.', '-')}",
        kind="Informal and Other Publications",
        volume=f"abs/{arxiv_id}",
        ee=f"https://arxiv.org/abs/{arxiv_id}",
    )


class FakeS2:
    """`POST {S2_PATH}/paper/batch`: answers a list aligned with the ids asked, `null`
    for an id it does not know; `script` holds answers to give first (a 429, a 500)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.papers: dict[str, Any] = {}  # bare arXiv id -> the JSON object (any JSON)
        self.script: list[Response] = []
        self.asked: list[list[str]] = []  # the ids of each request
        self.keys: list[str | None] = []  # x-api-key of each request
        self.times: list[float] = []
        self.bad_requests: list[str] = []
        server.expect_request(f"{S2_PATH}/paper/batch", method="POST").respond_with_handler(
            self._batch
        )

    @property
    def api(self) -> str:
        return self.server.url_for(S2_PATH)

    def _batch(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        body = json.loads(request.get_data())
        ids = body["ids"]
        self.asked.append(ids)
        self.keys.append(request.headers.get("x-api-key"))
        if request.args.get("fields") != FIELDS:
            self.bad_requests.append(f"fields={request.args.get('fields')}")
        if request.headers.get("Content-Type") != "application/json":
            self.bad_requests.append("not JSON")
        if self.script:
            return self.script.pop(0)
        if len(ids) > 500 or any(not i.startswith("ARXIV:") or "v" in i for i in ids):
            return Response('{"error": "bad ids"}', status=400)
        found = [self.papers.get(i.removeprefix("ARXIV:")) for i in ids]
        return Response(json.dumps(found), content_type="application/json")


class FakeDblp:
    """`GET {DBLP_PATH}?q=…&format=json&h=…`: the hits whose title holds every word
    asked, in DBLP's result shape (no `hit` key when there are none)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.hits: list[dict[str, Any]] = []
        self.script: list[Response] = []
        self.queries: list[dict[str, str]] = []
        self.times: list[float] = []  # when each request came (time.monotonic)
        server.expect_request(DBLP_PATH).respond_with_handler(self._search)

    @property
    def api(self) -> str:
        return self.server.url_for(DBLP_PATH)

    def _search(self, request: Request) -> Response:
        args = dict(request.args)
        self.queries.append(args)
        self.times.append(time.monotonic())
        if self.script:
            return self.script.pop(0)
        if args.get("format") != "json":
            return Response("<xml/>", content_type="application/xml")
        words = set(title_words(args.get("q", "")).split())
        found = [h for h in self.hits if words <= set(title_words(str(h.get("title"))).split())]
        found = found[: int(args.get("h", 30))]
        hits: dict[str, Any] = {
            "@total": str(len(found)),
            "@computed": str(len(found)),
            "@sent": str(len(found)),
            "@first": "0",
        }
        if found:
            hits["hit"] = [
                {"@score": "7", "@id": str(n), "info": info, "url": f"URL#{n}"}
                for n, info in enumerate(found)
            ]
        answer = {
            "result": {
                "query": args.get("q", ""),
                "status": {"@code": "200", "text": "OK"},
                "time": {"@unit": "msecs", "text": "1.00"},
                "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
                "hits": hits,
            }
        }
        return Response(json.dumps(answer), content_type="application/json")


@dataclass
class Scholars:
    s2: FakeS2
    dblp: FakeDblp
    home: Path
    settings: dict[str, Any] = field(default_factory=dict)

    def configure(self, **extra: Any) -> None:
        """config.toml: both services on loopback, no pacing (and `extra`)."""
        settings = {
            "s2_api": self.s2.api,
            "dblp_api": self.dblp.api,
            "s2_delay": 0,
            "dblp_delay": 0,
            **extra,
        }
        write_config(self.home, self.s2.server, **settings)


@pytest.fixture
def dblp_server() -> Iterator[HTTPServer]:
    """A second loopback server: DBLP is another host than Semantic Scholar."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def scholars(
    httpserver: HTTPServer,
    dblp_server: HTTPServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Scholars:
    monkeypatch.setattr(readlist.sources.http, "DEFAULT_BACKOFF", 0.01)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    # werkzeug logs each request to stderr when pytest's logging plugin is off.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", True)
    world = Scholars(FakeS2(httpserver), FakeDblp(dblp_server), isolated_home)
    world.configure()
    return world


def preprint(title: str, arxiv_id: str, authors: list[str], published: str, **kw: Any) -> Paper:
    """A resolved preprint as `resolve` leaves it, with a stored key."""
    kw.setdefault("bibkey", f"{authors[0].split()[-1].lower()}{published[:4]}x")
    kw.setdefault("added", "2026-01-01T00:00:00+00:00")
    return Paper(
        id=paper_id_for(title_key(title)),
        title=title,
        authors=list(authors),
        arxiv_id=arxiv_id,
        arxiv_version=1,
        published=published,
        updated=published,
        primary_category="cs.LG",
        categories=["cs.LG"],
        links=[f"https://arxiv.org/abs/{arxiv_id}"],
        date=published,
        **kw,
    )


# --- the fixture world ---------------------------------------------------------

LORA_AUTHORS = [
    "Edward J. Hu",
    "Yelong Shen",
    "Phillip Wallis",
    "Zeyuan Allen-Zhu",
    "Yuanzhi Li",
    "Shean Wang",
    "Lu Wang",
    "Weizhu Chen",
]
LORA = preprint(
    "LoRA: Low-Rank Adaptation of Large Language Models", "2106.09685", LORA_AUTHORS, "2021-06-17"
)
GRAPHCAST = preprint(
    "Learning skillful medium-range global weather forecasting",
    "2212.12794",
    ["Remi Lam", "Alvaro Sanchez-Gonzalez", "Matthew Willson", "Peter Wirnsberger"],
    "2022-12-24",
    journal_ref="Science 382, 1416-1421 (2023)",
    doi="10.1126/science.adi2336",
)
WORKSHOP = preprint(
    "Sparse Probing of Frozen Vision Encoders",
    "2310.01234",
    ["Mira Patel", "Jonas Berg", "Lea Novak"],
    "2023-10-02",
)
DDPM = preprint(
    "Denoising Diffusion Probabilistic Models",
    "2006.11239",
    ["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"],
    "2020-06-19",
)
REVIEW = preprint(
    "Self-Correcting Agents via Reflective Planning",
    "2405.05555",
    ["Kai Zhou", "Nora Fischer"],
    "2024-05-09",
    journal_ref="Under review as a conference paper at ICLR 2025",
)
BOOK = preprint(
    "Deep Learning",
    "1601.00001",
    ["Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"],
    "2016-01-01",
)
CORR = preprint(
    "Token Merging for Long-Context Retrieval",
    "2403.04444",
    ["Ana Silva", "Tom Reed"],
    "2024-03-07",
)
DISPUTED = preprint(
    "Contrastive Preference Tuning at Scale",
    "2302.02222",
    ["Ivy Chen", "Omar Haddad", "Lena Vogel"],
    "2023-02-05",
)
WORLD = (LORA, GRAPHCAST, WORKSHOP, DDPM, REVIEW, BOOK, CORR, DISPUTED)
# What each must come to: the venue applied, or the status it is left in.
REAL = {
    LORA.id: ("International Conference on Learning Representations", 2022, "inproceedings"),
    GRAPHCAST.id: ("Science", 2023, "article"),
    WORKSHOP.id: ("CVPR Workshops", 2024, "inproceedings"),
    DDPM.id: ("Neural Information Processing Systems", 2020, "inproceedings"),
}
DECOYS = {REVIEW.id: "missing", BOOK.id: "unsure", CORR.id: "missing", DISPUTED.id: "unsure"}


def populate(s2: FakeS2, dblp: FakeDblp) -> None:
    """Every paper of WORLD as Semantic Scholar and DBLP know it."""
    s2.papers[LORA.arxiv_id or ""] = s2_paper(
        "2106.09685",
        LORA.title,
        LORA_AUTHORS,
        2021,
        venue="International Conference on Learning Representations",
        place=ICLR,
        dblp="conf/iclr/HuSWALWWC22",
        date="2021-06-17",
    )
    dblp.hits += [
        dblp_info(
            LORA.title,
            [*LORA_AUTHORS[:6], "Lu Wang 0001", "Weizhu Chen"],
            "ICLR",
            2022,
            "conf/iclr/HuSWALWWC22",
            ee="https://openreview.net/forum?id=nZeVKeeFYf9",
        ),
        corr_info(LORA.title, LORA_AUTHORS, "2106.09685", 2021),
    ]
    s2.papers["2212.12794"] = s2_paper(
        "2212.12794",
        GRAPHCAST.title,
        GRAPHCAST.authors,
        2022,
        venue="Science",
        place=SCIENCE,
        journal={"name": "Science", "volume": "382", "pages": "1416 - 1421"},
        doi="10.1126/science.adi2336",
        types=["JournalArticle"],
    )
    dblp.hits.append(corr_info(GRAPHCAST.title, GRAPHCAST.authors, "2212.12794", 2022))
    s2.papers["2310.01234"] = s2_paper(
        "2310.01234", WORKSHOP.title, WORKSHOP.authors, 2023, place=ARXIV_VENUE
    )
    dblp.hits.append(
        dblp_info(
            WORKSHOP.title,
            WORKSHOP.authors,
            "CVPR Workshops",
            2024,
            "conf/cvpr/PatelBN24",
            doi="10.1109/CVPRW63382.2024.00123",
            pages="1234-1242",
        )
    )
    s2.papers["2006.11239"] = s2_paper(
        "2006.11239",
        DDPM.title,
        DDPM.authors,
        2020,
        venue="Neural Information Processing Systems",
        place=NEURIPS,
        dblp="conf/nips/HoJA20",
        types=["JournalArticle", "Conference"],
    )
    dblp.hits += [
        dblp_info(DDPM.title, DDPM.authors, "NeurIPS", 2020, "conf/nips/HoJA20"),
        dblp_info(DDPM.title, DDPM.authors, "ICML Workshops", 2020, "conf/icml/HoJA20w"),
    ]
    s2.papers["2405.05555"] = s2_paper(
        "2405.05555",
        REVIEW.title,
        REVIEW.authors,
        2024,
        venue="OpenReview.net",
        place={"id": "x", "name": "OpenReview.net", "type": None, "alternate_names": []},
        journal={},
    )
    dblp.hits.append(corr_info(REVIEW.title, REVIEW.authors, "2405.05555", 2024))
    # "Deep Learning": S2 does not know the preprint; DBLP knows a KDD talk by someone
    # else, one by a single co-author, a Nature paper from the year before, and the book.
    dblp.hits += [
        dblp_info("Deep Learning", ["Ruslan Salakhutdinov"], "KDD", 2016, "conf/kdd/S16"),
        dblp_info("Deep Learning", ["Yoshua Bengio"], "KDD", 2016, "conf/kdd/Bengio16"),
        dblp_info(
            "Deep learning",
            ["Yann LeCun", "Yoshua Bengio", "Geoffrey E. Hinton"],
            "Nat.",
            2015,
            "journals/nature/LeCunBH15",
            kind="Journal Articles",
            doi="10.1038/nature14539",
            volume="521",
            pages="436-444",
        ),
        dblp_info(
            "Deep Learning",
            ["Ian J. Goodfellow", "Yoshua Bengio", "Aaron C. Courville"],
            "Adaptive computation and machine learning",
            2016,
            "books/daglib/0040158",
            kind="Books and Theses",
        ),
    ]
    s2.papers["2403.04444"] = s2_paper("2403.04444", CORR.title, CORR.authors, 2024)
    dblp.hits.append(corr_info(CORR.title, CORR.authors, "2403.04444", 2024))
    s2.papers["2302.02222"] = s2_paper(
        "2302.02222",
        DISPUTED.title,
        DISPUTED.authors,
        2023,
        venue="Neural Information Processing Systems",
        place=NEURIPS,
    )
    dblp.hits.append(
        dblp_info(DISPUTED.title, DISPUTED.authors, "ICML", 2023, "conf/icml/ChenHV23")
    )
