"""The border checks on network answers (readlist/sources/checks.py), and the session's
rules that need no hostile server: what a date, a version, a category and a DOI from
arXiv or the Hub must look like, compressed answers, and a host that asked us to go."""

from __future__ import annotations

import gzip
import zlib

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from readlist.sources import checks
from readlist.sources.http import Http, NetworkError, SourceError


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-11-10T17:59:59Z", "2025-11-10"),
        ("2025-11-10T17:59:59.000Z", "2025-11-10"),
        ("2025-11-10T17:59:59+05:30", "2025-11-10"),
        ("2025-11-10", "2025-11-10"),
        ("2024-02-29T00:00:00Z", "2024-02-29"),
        ("2016-12-31T23:59:60Z", "2016-12-31"),  # a leap second
        (" 2025-11-10T17:59:59Z\n", "2025-11-10"),
    ],
)
def test_real_dates_are_kept(text: str, day: str) -> None:
    assert checks.date(text, "published date") == day


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("garbage-xx", "is not a date"),
        ("2025-11-10garbage", "is not a date"),
        ("2025-11", "is not a date"),
        ("25-11-10", "is not a date"),
        ("２０２５-11-10", "is not a date"),  # fullwidth digits
        ("2025-99-99", "is not a real date"),
        ("2025-02-29", "is not a real date"),
        ("0000-01-01", "is not a real date"),
        ("2025-11-10T24:00:00Z", "is not a real time"),
        ("2025-11-10T23:60:00Z", "is not a real time"),
        ("2025-11-10T12:00:00+99", "is not a date"),
    ],
)
def test_dates_that_are_not_are_refused(text: str, why: str) -> None:
    with pytest.raises(checks.Invalid, match=f"published date .* {why}"):
        checks.date(text, "published date")


def test_versions_are_small_positive_numbers() -> None:
    assert [checks.version(v) for v in ("1", "12", "1000")] == [1, 12, 1000]
    for bad in ("0", "1001", "9" * 5000, "٣", "-1", ""):
        with pytest.raises(checks.Invalid, match="is not a number from 1 to 1000"):
            checks.version(bad)


def test_categories() -> None:
    for good in ("cs.CV", "hep-th", "astro-ph.GA", "cond-mat.mes-hall", "q-fin.CP", "math"):
        assert checks.arxiv_category(good) == good
    for bad in ("cs.CV<b>", "CS", "cs..CV", "x" * 33, "cs CV", ""):
        with pytest.raises(checks.Invalid, match="is not an arXiv category"):
            checks.arxiv_category(bad)
    for good in ("I.2.9; J.3", "68T05 (Primary) 68T10", "cs.LG"):  # ACM and MSC too
        assert checks.category(good) == good
    for bad in ("<script>", "a" * 101, "\u202etxt", " cs.LG"):
        with pytest.raises(checks.Invalid, match="is not a category"):
            checks.category(bad)


def test_dois() -> None:
    assert checks.doi("10.1103/PhysRevD.76.013009") == "10.1103/PhysRevD.76.013009"
    assert checks.doi("10.1000/a\n  10.1000/b") == "10.1000/a"  # the first; all checked
    for bad in ("javascript:alert(1)", "10.1/x", "10.1000/", "10.1000/a<b", "10.1000/a " * 6):
        with pytest.raises(checks.Invalid, match="is not a DOI"):
            checks.doi(bad)


def test_lengths_and_counts() -> None:
    assert checks.capped("x" * 10, "title", 10) == "x" * 10
    with pytest.raises(checks.Invalid, match="title is longer than 10 characters"):
        checks.capped("x" * 11, "title", 10)
    assert checks.count(0, "upvotes", 5) == 0
    with pytest.raises(checks.Invalid, match="upvotes '-1' is not from 0 to 5"):
        checks.count(-1, "upvotes", 5)
    with pytest.raises(checks.Invalid, match="upvotes a huge number"):
        checks.count(10**5000, "upvotes", 5)


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("identity", lambda data: data),
    ],
)
def test_compressed_answers_are_read(httpserver: HTTPServer, encoding: str, pack: object) -> None:
    body = b"<feed>" + b"x" * 300_000 + b"</feed>"
    assert callable(pack)
    httpserver.expect_request("/x").respond_with_data(
        pack(body), headers={"Content-Encoding": encoding}
    )
    with Http(2) as http:
        assert http.get(httpserver.url_for("/x")).content == body
    ((request, _),) = httpserver.log
    assert request.headers["Accept-Encoding"] == "gzip"


def test_an_encoding_not_asked_for_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(b"??", headers={"Content-Encoding": "br"})
    with (
        Http(2) as http,
        pytest.raises(SourceError, match=r"undecodable answer \(Content-Encoding 'br' was not"),
    ):
        http.get(httpserver.url_for("/x"))


def test_a_host_that_asks_for_a_long_pause_fails_at_once_afterwards(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/x").respond_with_response(
        Response("", 429, headers={"Retry-After": "61"})
    )
    with Http(2, backoff=0.01, budget=5) as http:
        for _ in range(2):
            with pytest.raises(NetworkError, match="asked to wait 61 s before retrying"):
                http.get(httpserver.url_for("/x"), name="arXiv")
    assert len(httpserver.log) == 1  # asked once, then left alone


def test_a_pause_up_to_the_cap_is_honoured(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readlist.sources.http

    monkeypatch.setattr(readlist.sources.http, "MAX_RETRY_AFTER", 1.0)
    httpserver.expect_ordered_request("/x").respond_with_response(
        Response("", 503, headers={"Retry-After": "1"})
    )
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    heard: list[str] = []
    with Http(2, backoff=0.01, announce=heard.append) as http:
        assert http.get(httpserver.url_for("/x"), name="arXiv").text == "ok"
    assert heard == []  # 1 s is not a long wait
