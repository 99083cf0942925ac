"""The network clients against a real HTTP server on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readlist.arxiv_ids import ArxivId, parse_reference
from readlist.config import Network
from readlist.resolving import Sources
from readlist.sources.arxiv import ArxivClient, ArxivRecord, parse_feed, title_query
from readlist.sources.http import USER_AGENT, Cancelled, Http, NetworkError, Offline, SourceError
from readlist.sources.hub import HubClient, parse_paper
from tests.core.netfake import FakeApis, Rec, daily_item, error_feed, feed

AUTHORS = [f"Author Number{i} van der Berg" for i in range(40)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2511.07399", ArxivId("2511.07399")),
        ("2511.07399v2", ArxivId("2511.07399", 2)),
        ("arXiv:2511.07399", ArxivId("2511.07399")),
        ("https://arxiv.org/abs/2511.07399v3", ArxivId("2511.07399", 3)),
        ("https://arxiv.org/pdf/2511.07399v1.pdf", ArxivId("2511.07399", 1)),
        ("https://arxiv.org/pdf/2511.07399", ArxivId("2511.07399")),
        ("https://huggingface.co/papers/2511.07399", ArxivId("2511.07399")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("solv-int/9901001v2", ArxivId("solv-int/9901001", 2)),
        ("math.GT/0309136", ArxivId("math/0309136")),
        ("0704.0001", ArxivId("0704.0001")),
    ],
)
def test_accepted_ids(text: str, expected: ArxivId) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2513.07399",  # month 13
        "2511.0739",  # too short
        "1412.12345",  # five digits before 2015
        "2511.1234",  # four digits after 2015
        "0612.0001",  # new style before April 2007
        "2511.07399v0",
        "hep-th/990100",
        "nosuch/9901001",
        "hep-th/0801001",  # old style after March 2007
        "https://example.com/abs/2511.07399",
        "2511.07399\x1b[2J",
        "",
    ],
)
def test_rejected_ids(text: str) -> None:
    with pytest.raises(SourceError.__mro__[1], match="not an arXiv id"):
        parse_reference(text)


def test_feed_parses_wrapped_titles_authors_versions_and_extras() -> None:
    title = "A Rather Long Title That arXiv Wraps Across Several Lines: Part II"
    rec = Rec(
        "2511.07399",
        title,
        AUTHORS,
        published="2025-11-10",
        updated="2025-12-01",
        version=3,
        doi="10.1000/xyz",
        journal_ref="J. Stuff 1 (2025) 2",
        comment="12 pages",
    )
    old = Rec("hep-th/9901001", "Old Style", ["A. B."], categories=["hep-th"])
    records = parse_feed(feed([rec, old]).encode())
    assert [r.arxiv_id for r in records] == ["2511.07399", "hep-th/9901001"]
    got = records[0]
    assert got.title == title
    assert got.authors == tuple(AUTHORS)
    assert (got.version, got.published, got.updated) == (3, "2025-11-10", "2025-12-01")
    assert (got.primary_category, got.categories) == ("cs.CV", ("cs.CV", "cs.LG"))
    assert (got.doi, got.journal_ref, got.comment) == (
        "10.1000/xyz",
        "J. Stuff 1 (2025) 2",
        "12 pages",
    )
    assert records[1].primary_category == "hep-th"


def test_empty_feed_is_no_records() -> None:
    assert parse_feed(feed([]).encode()) == []


def test_error_feed_is_an_error() -> None:
    with pytest.raises(SourceError, match="arXiv API error: incorrect id format"):
        parse_feed(error_feed("incorrect id format for 1234").encode())


@pytest.mark.parametrize("data", [b"<feed><entry>", b"not xml", b"{}", b"<html></html>"])
def test_malformed_xml_is_an_error(data: bytes) -> None:
    with pytest.raises(SourceError, match="arXiv sent"):
        parse_feed(data)


def test_xml_bombs_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa">]><feed>&a;</feed>'
    with pytest.raises(SourceError, match="malformed XML"):
        parse_feed(bomb)


def test_title_query_quotes_safely() -> None:
    assert title_query('Say "Hi" \\ to  all') == 'ti:"Say Hi to all"'


def test_fetch_batches_of_100_with_max_results(apis: FakeApis) -> None:
    recs = [Rec(f"2511.{i:05d}", f"Paper {i}", ["A"]) for i in range(250)]
    apis.add(*recs)
    with Sources(_net(apis)) as sources:
        got = sources.arxiv.fetch([r.arxiv_id for r in recs] + ["2511.99999"])
    assert len(got) == 250
    calls = apis.requests("arxiv")
    assert [len(c["id_list"].split(",")) for c in calls] == [100, 100, 51]
    assert [c["max_results"] for c in calls] == ["100", "100", "51"]
    assert apis.user_agents == {USER_AGENT}
    assert USER_AGENT.startswith("readlist/")


def test_a_control_character_in_one_record_does_not_fail_the_batch(apis: FakeApis) -> None:
    recs = [Rec(f"2511.{i:05d}", f"Paper {i}", ["A"]) for i in range(3)]
    recs[1] = Rec("2511.00001", "Bad\x01 title\x1b[2J\x0b", ["B\x00ob"])
    apis.add(*recs)
    with Sources(_net(apis)) as sources:
        got = sources.arxiv.fetch([r.arxiv_id for r in recs])
    assert sorted(got) == [r.arxiv_id for r in recs]
    bad = got["2511.00001"]
    assert isinstance(bad, ArxivRecord)
    assert bad.title == "Bad title"
    assert bad.authors == ("Bob",)


def test_arxiv_delay_spaces_requests(apis: FakeApis) -> None:
    apis.add(Rec("2511.00001", "One", ["A"]))
    with Http(2) as http:
        client = ArxivClient(http, apis.server.url_for("/api/query"), delay=0.3)
        start = time.monotonic()
        for _ in range(3):
            client.fetch(["2511.00001"])
        assert time.monotonic() - start >= 0.6


def _net(apis: FakeApis) -> Network:
    return Network(
        arxiv_api=apis.server.url_for("/api/query"),
        hf_endpoint=apis.server.url_for("/").rstrip("/"),
        arxiv_delay=0,
        timeout=2,
    )


def _statuses(httpserver: HTTPServer, *answers: Response) -> None:
    for answer in answers:
        httpserver.expect_ordered_request("/x").respond_with_response(answer)


def test_retries_500_and_503_then_succeeds(httpserver: HTTPServer) -> None:
    _statuses(httpserver, Response("", 500), Response("", 503), Response("ok"))
    with Http(2, backoff=0.01) as http:
        assert http.get(httpserver.url_for("/x")).text == "ok"
        assert sum(http.requests.values()) == 3


def test_gives_up_after_three_tries(httpserver: HTTPServer) -> None:
    _statuses(httpserver, *(Response("", 503) for _ in range(3)))
    with Http(2, backoff=0.01) as http, pytest.raises(NetworkError) as caught:
        http.get(httpserver.url_for("/x"))
    host = f"{httpserver.host}:{httpserver.port}"
    assert str(caught.value) == f"cannot reach {host}: HTTP 503 (3 tries)"


def test_429_honours_retry_after(httpserver: HTTPServer) -> None:
    _statuses(httpserver, Response("", 429, headers={"Retry-After": "1"}), Response("ok"))
    with Http(2, backoff=0.01) as http:
        start = time.monotonic()
        assert http.get(httpserver.url_for("/x")).text == "ok"
        assert time.monotonic() - start >= 0.95


def test_a_timeout_is_retried(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    httpserver.expect_ordered_request("/x").respond_with_handler(slow)
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    with Http(0.3, backoff=0.5) as http:
        assert http.get(httpserver.url_for("/x")).text == "ok"
        assert sum(http.requests.values()) == 2


def test_4xx_is_not_retried(httpserver: HTTPServer) -> None:
    _statuses(httpserver, Response("", 404))
    with Http(2, backoff=0.01) as http, pytest.raises(NetworkError, match="HTTP 404"):
        http.get(httpserver.url_for("/x"))
    assert len(httpserver.log) == 1


def test_refused_connection_is_offline_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        Http(2, backoff=5) as http,
        pytest.raises(Offline, match=f"cannot reach 127.0.0.1:{port}: "),
    ):
        http.get(f"http://127.0.0.1:{port}/x")


def test_cancel_stops_a_wait(httpserver: HTTPServer) -> None:
    _statuses(httpserver, Response("", 503), Response("ok"))
    cancel = threading.Event()

    def later() -> None:  # a plain sleep: threading.Timer's timed wait hangs under faketime
        time.sleep(0.2)
        cancel.set()

    threading.Thread(target=later, daemon=True).start()
    with Http(2, backoff=30, cancel=cancel) as http, pytest.raises(Cancelled):
        http.get(httpserver.url_for("/x"))


def test_daily_papers_follow_pages(apis: FakeApis) -> None:
    recs = [Rec(f"2511.{i:05d}", f"Paper {i}", ["A", "B"]) for i in range(107)]
    apis.daily["2025-11-20"] = [daily_item(r, "2025-11-20") for r in recs]
    with Sources(_net(apis)) as sources:
        got = list(sources.hub.daily("date", "2025-11-20"))
    assert [p.arxiv_id for p in got] == [r.arxiv_id for r in recs]
    assert [(c["p"], c["limit"]) for c in apis.requests("daily")] == [
        ("0", "50"),
        ("1", "50"),
        ("2", "50"),
    ]
    assert got[0].listed == "2025-11-20"
    assert got[0].authors == ("A", "B")


def test_hub_malformed_json_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_data("[{not json")
    with Http(2) as http, pytest.raises(SourceError, match="malformed JSON"):
        list(HubClient(http, httpserver.url_for("/")).daily("date", "2025-11-20"))


def test_hub_parsing_is_defensive() -> None:
    rec = Rec("2511.07399", "Title", ["A"])
    item = daily_item(
        rec,
        "2025-11-21",
        upvotes="many",  # type: ignore[arg-type]
        githubRepo="https://github.com/x/y",
        projectPage="javascript:alert(1)",
        ai_keywords=["video", 3, "stream\x1b[31m"],
        unknownField={"x": 1},
    )
    item["paper"]["authors"] = [{"name": "A"}, "junk", {"name": 5}]
    item["organization"] = {"name": "acme", "fullname": "Acme Labs"}
    paper = parse_paper(item)
    assert paper is not None
    assert paper.upvotes == 0
    assert paper.github == "https://github.com/x/y"
    assert paper.project_page is None
    assert paper.ai_keywords == ("video", "stream")
    assert paper.authors == ("A",)
    assert (paper.organization, paper.organization_slug) == ("Acme Labs", "acme")
    assert (paper.published, paper.listed) == ("2025-11-10", "2025-11-21")
    assert parse_paper({"paper": {"id": "not-an-id", "title": "x"}}) is None
    assert parse_paper(json.loads("[1]")) is None


def test_hub_paper_404_is_none(apis: FakeApis) -> None:
    with Sources(_net(apis)) as sources:
        assert sources.hub.paper("2511.00001") is None


def test_the_suite_cannot_reach_the_internet() -> None:
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="loopback only"):
        sock.connect(("93.184.215.14", 80))
    with pytest.raises(socket.gaierror, match="loopback only"):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(Offline, match=r"cannot reach export\.arxiv\.org"), Http(1) as http:
        http.get("https://export.arxiv.org/api/query")
