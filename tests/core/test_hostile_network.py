"""Hostile servers, table-driven: `add`, `pull` and `resolve` against a real server on
loopback that dribbles, floods, bombs, loops, redirects away, or answers nonsense. Each
kind gives exactly one line on stderr, a non-zero exit, no traceback, a library unchanged
byte for byte, and ends within its wall-time bound (small timeouts and budgets)."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import readlist.sources.http
from readlist.cli import main
from readlist.model import Paper
from readlist.paths import resolve as resolve_paths
from readlist.sources.http import Http, SourceError
from readlist.store import Store
from tests.core.netfake import FakeApis, Rec, apis, daily_item, feed
from tests.core.rawserver import RawServer, dribble, raw, send
from tests.core.test_bad_input import fingerprint, template

__all__ = ["apis", "raw", "template"]  # fixtures

PAPER = Rec("2511.00001", "A Perfectly Ordinary Paper", ["Ann Lee", "Bo Wu"])
DAY = "2025-11-20"
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\n"


@cache
def gzip_bomb() -> bytes:
    """100 MB of zeros, gzipped to about 100 KB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    return b"".join([*(packer.compress(chunk) for _ in range(100)), packer.flush()])


@dataclass
class World:
    """The servers of one case, and the `[network]` settings readlist gets."""

    http: HTTPServer
    raw: RawServer
    settings: dict[str, Any] = field(default_factory=dict)

    def arxiv(self, answer: Response | Callable[[Request], Response]) -> None:
        handler = answer if callable(answer) and not isinstance(answer, Response) else None
        expect = self.http.expect_request("/api/query")
        if handler is None:
            assert isinstance(answer, Response)
            expect.respond_with_response(answer)
        else:
            expect.respond_with_handler(handler)

    def hub(self, answer: Response) -> None:
        self.http.expect_request("/api/daily_papers").respond_with_response(answer)

    def arxiv_raw(self) -> None:
        self.settings["arxiv_api"] = self.raw.url("/api/query")


def _atom(body: str | bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, headers=headers, content_type="application/atom+xml")


def _answer(answer: Response) -> Callable[[World], list[str]]:
    """`add`, arXiv giving `answer`."""

    def case(w: World) -> list[str]:
        w.arxiv(answer)
        return ["add", PAPER.arxiv_id]

    return case


def _bad_feed(old: str, new: str) -> Callable[[World], list[str]]:
    """`add` of a paper whose record has `old` replaced by `new`."""

    def case(w: World) -> list[str]:
        text = feed([PAPER])
        assert old in text
        w.arxiv(_atom(text.replace(old, new, 1)))
        return ["add", PAPER.arxiv_id]

    return case


def _slow_headers(w: World) -> list[str]:
    w.settings["timeout"] = 0.5
    w.arxiv_raw()
    w.raw.handler = dribble(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"abcdefgh", 0.1)
    return ["add", PAPER.arxiv_id]


def _slow_status_line(w: World) -> list[str]:
    w.settings["timeout"] = 0.5
    w.arxiv_raw()
    w.raw.handler = dribble(b"", b"HTTP/1.1 200 OK\r\n", 0.1)
    return ["add", PAPER.arxiv_id]


def _slow_body(w: World) -> list[str]:
    w.settings["timeout"] = 0.5
    w.arxiv_raw()
    w.raw.handler = dribble(OK_HEAD + b"Content-Length: 100000\r\n\r\n", b"<feed", 0.1)
    return ["add", PAPER.arxiv_id]


def _slow_body_budget(w: World) -> list[str]:
    argv = _slow_body(w)
    w.settings.update(timeout=30, budget=1.5)
    return argv


def _huge_body(w: World) -> list[str]:
    def endless() -> Iterator[bytes]:
        for _ in range(300):  # 300 MB unless the reader stops
            yield b"x" * (1 << 20)

    w.settings["max_response_mb"] = 1
    w.arxiv(Response(endless(), content_type="application/atom+xml", direct_passthrough=True))
    return ["add", PAPER.arxiv_id]


def _huge_length(w: World) -> list[str]:
    w.arxiv_raw()
    w.raw.handler = dribble(OK_HEAD + b"Content-Length: 300000000\r\n\r\n", b"x", 0.5)
    return ["add", PAPER.arxiv_id]


def _gzip_bomb(w: World) -> list[str]:
    w.settings["max_response_mb"] = 1
    w.arxiv(Response(gzip_bomb(), headers={"Content-Encoding": "gzip"}))
    return ["add", PAPER.arxiv_id]


def _bad_gzip(w: World) -> list[str]:
    w.arxiv(_atom(feed([PAPER]), {"Content-Encoding": "gzip"}))
    return ["add", PAPER.arxiv_id]


def _redirect(location: Callable[[World], str]) -> Callable[[World], list[str]]:
    def case(w: World) -> list[str]:
        w.arxiv(Response("", 302, headers={"Location": location(w)}))
        return ["add", PAPER.arxiv_id]

    return case


def _retry_after(value: str, status: int = 429, **headers: str) -> Callable[[World], list[str]]:
    def case(w: World) -> list[str]:
        w.arxiv(Response("", status, headers={"Retry-After": value, **headers}))
        return ["add", PAPER.arxiv_id]

    return case


def _raw_answer(head: bytes) -> Callable[[World], list[str]]:
    """`add`, arXiv answering exactly `head` (headers werkzeug would add to or refuse)."""

    def case(w: World) -> list[str]:
        w.arxiv_raw()
        w.raw.handler = send(head + b"Content-Length: 0\r\n\r\n")
        return ["add", PAPER.arxiv_id]

    return case


def _hub(body: bytes | str, gzip: bool = False, **settings: Any) -> Callable[[World], list[str]]:
    def case(w: World) -> list[str]:
        w.settings.update(settings)
        headers = {"Content-Encoding": "gzip"} if gzip else {}
        w.hub(Response(body, headers=headers, content_type="application/json"))
        return ["pull", "--date", DAY]

    return case


def _hub_answer(answer: Response) -> Callable[[World], list[str]]:
    def case(w: World) -> list[str]:
        w.hub(answer)
        return ["pull", "--date", DAY]

    return case


def _hub_slow(w: World) -> list[str]:
    w.settings["timeout"] = 0.5
    w.settings["hf_endpoint"] = w.raw.url("").rstrip("/")
    w.raw.handler = dribble(b"HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n", b"[", 0.1)
    return ["pull", "--date", DAY]


def _hub_redirect(w: World) -> list[str]:
    w.hub(Response("", 301, headers={"Location": "https://evil.example/api/daily_papers"}))
    return ["pull", "--date", DAY]


def _not_http(w: World) -> list[str]:
    w.arxiv_raw()
    w.raw.handler = send(b"SSH-2.0-OpenSSH_9.6\r\n")
    return ["add", PAPER.arxiv_id]


def _cut_short(w: World) -> list[str]:
    w.arxiv_raw()
    w.raw.handler = send(OK_HEAD + b"Content-Length: 5000\r\n\r\n<feed")
    return ["add", PAPER.arxiv_id]


def _authors(count: int) -> Callable[[World], list[str]]:
    return _bad_feed("<author>", "<author><name>A</name></author>" * count + "<author>")


@dataclass
class Case:
    setup: Callable[[World], list[str]]
    message: str  # in the one stderr line; {raw} and {http} are the servers' host:port
    seconds: float = 2.5  # wall-time bound
    code: int = 1


LONG = "x" * 1001
CASES: dict[str, Case] = {
    # 1. deadlines
    "slow-loris in the headers": Case(
        _slow_headers, "cannot reach arXiv at {raw}: no complete answer within 0.5 s (3 tries)", 2.5
    ),
    "slow-loris in the status line": Case(
        _slow_status_line, "arXiv at {raw}: no complete answer within 0.5 s (3 tries)", 2.5
    ),
    "slow-loris in the body": Case(
        _slow_body, "arXiv at {raw}: no complete answer within 0.5 s (3 tries)", 2.5
    ),
    "slow-loris past the budget": Case(
        _slow_body_budget, "stopped: the network budget of 1.5 s ([network] budget) ran out", 3
    ),
    "absurd Retry-After": Case(
        _retry_after("99999999"),
        "arXiv at {http} asked to wait 99999999 s before retrying (HTTP 429): giving up",
    ),
    "Retry-After of 5,000 digits": Case(
        _retry_after("9" * 5000), "asked to wait forever before retrying (HTTP 429)"
    ),
    "Retry-After a year away, as a date": Case(
        _raw_answer(
            b"HTTP/1.1 503 Busy\r\nDate: Tue, 21 Oct 2025 07:28:00 GMT\r\n"
            b"Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n"
        ),
        "arXiv at {raw} asked to wait 31536000 s before retrying (HTTP 503): giving up",
    ),
    "Retry-After that is no number": Case(
        _retry_after("-5"), "arXiv at {http}: HTTP 429 (3 tries)"
    ),
    "Hub slow-loris": Case(
        _hub_slow, "cannot reach the Hub at {raw}: no complete answer within 0.5 s (3 tries)", 2.5
    ),
    "Hub 503 forever": Case(
        _hub_answer(Response("", 503)), "cannot reach the Hub at {http}: HTTP 503 (3 tries)"
    ),
    "Hub 404": Case(_hub_answer(Response("", 404)), "the Hub at {http}: HTTP 404"),
    "Retry-After past the budget": Case(
        _retry_after("50"),
        "stopped: waiting 50 s (arXiv asked us to slow down) would pass the network budget",
    ),
    # 2. size
    "300 MB body": Case(_huge_body, "arXiv at {http} sent an answer larger than 1 MB, refused", 4),
    "300 MB Content-Length": Case(_huge_length, "sent an answer larger than 32 MB, refused", 1),
    "gzip bomb": Case(_gzip_bomb, "arXiv at {http} sent an answer larger than 1 MB, refused"),
    "Hub gzip bomb": Case(
        _hub(gzip_bomb(), max_response_mb=1, gzip=True),
        "the Hub at {http} sent an answer larger than 1 MB",
    ),
    "Hub answer over the cap": Case(
        _hub("[" + " " * (2 << 20) + "]", max_response_mb=1),
        "the Hub at {http} sent an answer larger than 1 MB",
    ),
    # 3. errors that were internal errors
    "bad gzip": Case(_bad_gzip, "arXiv at {http} sent an undecodable answer"),
    "gzip cut short": Case(
        _answer(_atom(gzip.compress(feed([PAPER]).encode())[:300], {"Content-Encoding": "gzip"})),
        "arXiv sent malformed XML",
    ),
    "an encoding not asked for": Case(
        _answer(_atom(feed([PAPER]), {"Content-Encoding": "br"})),
        "arXiv at {http} sent an undecodable answer (Content-Encoding 'br' was not asked for)",
    ),
    "redirect loop": Case(
        _redirect(lambda w: "/api/query"), "arXiv at {http}: more than 5 redirects, refused"
    ),
    "Hub JSON nested 200k deep": Case(
        _hub("[" * 200_000 + "]" * 200_000), "the Hub sent JSON nested too deeply"
    ),
    "Hub JSON not UTF-8": Case(_hub(b"[\xff\xfe]"), "the Hub sent malformed JSON"),
    "Hub JSON with a 5,000-digit number": Case(_hub("[" + "9" * 5000 + "]"), "malformed JSON"),
    "Hub JSON not a list": Case(_hub('{"error": "x"}'), "unexpected daily-papers shape"),
    "not HTTP at all": Case(_not_http, "cannot reach arXiv at {raw}: "),
    "body cut short": Case(_cut_short, "cannot reach arXiv at {raw}: "),
    # 4. redirects
    "redirect to another host": Case(
        _redirect(lambda w: "http://evil.example/api/query"),
        "arXiv at {http} redirected to evil.example: refused",
    ),
    "redirect to another port": Case(
        _redirect(lambda w: w.raw.url("/api/query")),
        "arXiv at {http} redirected to {raw}: refused",
    ),
    "redirect to localhost": Case(
        _redirect(lambda w: w.http.url_for("/api/query").replace("localhost", "127.0.0.1")),
        "arXiv at {http} redirected to 127.0.0.1:",
    ),
    "redirect to https on the same host, followed": Case(
        _redirect(lambda w: f"https://{urlsplit(w.http.url_for('/')).hostname}/api/query"),
        "cannot reach arXiv at {http}: ",
    ),
    "redirect to ftp": Case(
        _redirect(lambda w: "ftp://127.0.0.1/api/query"), "arXiv at {http} redirected to"
    ),
    "redirect to a broken URL": Case(
        _raw_answer(b"HTTP/1.1 302 Found\r\nLocation: http://[::1/x\r\n"),
        "cannot reach arXiv at {raw}: Invalid URL in location header",
    ),
    "Hub redirect to another host": Case(
        _hub_redirect, "the Hub at {http} redirected to evil.example: refused"
    ),
    # 5. malformed arXiv records
    "published garbage": Case(
        _bad_feed("2025-11-10T17:59:59Z", "garbage-xx"),
        "2511.00001: arXiv's record refused: published date 'garbage-xx' is not a date",
    ),
    "published 2025-99-99": Case(
        _bad_feed("2025-11-10T17:59:59Z", "2025-99-99T17:59:59Z"),
        "published date '2025-99-99T17:59:59Z' is not a real date",
    ),
    "published in year 0": Case(
        _bad_feed("2025-11-10T17:59:59Z", "0000-01-01T00:00:00Z"), "is not a real date"
    ),
    "published 2025-02-30": Case(
        _bad_feed("2025-11-10T17:59:59Z", "2025-02-30"), "'2025-02-30' is not a real date"
    ),
    "updated at 25:99": Case(
        _bad_feed("2025-11-10T18:00:00Z", "2025-11-10T25:99:00Z"),
        "updated date '2025-11-10T25:99:00Z' is not a real time",
    ),
    "5,000-digit version": Case(
        _bad_feed(f"{PAPER.arxiv_id}v1</id>", f"{PAPER.arxiv_id}v{'9' * 5000}</id>"),
        "arXiv's record refused: version '9999",
    ),
    "version 0": Case(
        _bad_feed(f"{PAPER.arxiv_id}v1</id>", f"{PAPER.arxiv_id}v0</id>"),
        "version '0' is not a number from 1 to 1000",
    ),
    "title of 1,001 characters": Case(
        _bad_feed("<title>A Perfectly", f"<title>{LONG} A Perfectly"),
        "title is longer than 1,000 characters",
    ),
    "empty title": Case(
        _bad_feed("A Perfectly Ordinary Paper</title>", "</title>"), "it has no title"
    ),
    "primary category with markup": Case(
        _bad_feed('primary_category term="cs.CV"', 'primary_category term="cs.CV&lt;b&gt;"'),
        "primary category 'cs.CV<b>' is not an arXiv category",
    ),
    "category of 5,000 characters": Case(
        _bad_feed('<category term="cs.LG"', f'<category term="{"c" * 5000}"'),
        "is not a category",
    ),
    "DOI that is not one": Case(
        _bad_feed("</summary>", "</summary><arxiv:doi>javascript:alert(1)</arxiv:doi>"),
        "DOI 'javascript:alert(1)' is not a DOI",
    ),
    "author name of 5,000 characters": Case(
        _bad_feed("<name>Ann Lee</name>", f"<name>{'n' * 5000}</name>"),
        "an author's name is longer than 300 characters",
    ),
    "10,001 authors": Case(_authors(10_001), "more than 10,000 authors"),
    "XML entity bomb": Case(
        _bad_feed("<feed", '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]><feed'),
        "arXiv sent malformed XML",
    ),
    "HTML instead of Atom": Case(
        _bad_feed(feed([PAPER]), "<html><body>Hi</body></html>"),
        "arXiv sent something that is not an Atom feed",
    ),
}


@pytest.fixture(autouse=True)
def quiet_server_log() -> Iterator[None]:
    """werkzeug logs each request to stderr when pytest's logging plugin is off."""
    logger = logging.getLogger("werkzeug")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def world(httpserver: HTTPServer, raw: RawServer, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(readlist.sources.http, "DEFAULT_BACKOFF", 0.01)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    return World(
        httpserver,
        raw,
        {
            "arxiv_api": httpserver.url_for("/api/query"),
            "hf_endpoint": httpserver.url_for("/").rstrip("/"),
            "arxiv_delay": 0,
            "timeout": 1,
            "budget": 10,
        },
    )


def write_network_config(home: Path, settings: dict[str, Any]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
    (home / "config.toml").write_text("[network]\n" + body + "\n")


def run_bounded(argv: list[str], seconds: float) -> int:
    """`main(argv)`, failing (instead of hanging the suite) if it runs past `seconds`: a
    hostile server left unbounded would hold it for hours. The thread it leaves ends
    when the server stops, at teardown."""
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert codes, f"still running after {seconds:.0f} s"
    return codes[0]


@pytest.mark.parametrize("kind", list(CASES))
def test_hostile_server(
    kind: str,
    world: World,
    template: tuple[Path, str],
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[kind]
    folder = tmp_path / "library"
    folder.mkdir()
    for src in template[0].parent.glob("lib.json*"):
        shutil.copy(src, folder / src.name)
    argv = case.setup(world)
    write_network_config(isolated_home, world.settings)
    before = fingerprint(folder)

    start = time.monotonic()
    code = run_bounded(["--db", str(folder / "lib.json"), *argv], case.seconds + 5)
    took = time.monotonic() - start
    err = capsys.readouterr().err

    hosts = {"raw": f"127.0.0.1:{world.raw.port}", "http": urlsplit(world.http.url_for("/")).netloc}
    assert code == case.code, err
    assert err.count("\n") == 1, err
    assert case.message.format(**hosts) in err
    assert err.startswith("readlist: error: ")
    assert "Traceback" not in err
    assert "internal error" not in err
    assert fingerprint(folder) == before
    assert took < case.seconds, f"{kind} took {took:.1f} s"


def test_there_are_at_least_40_kinds() -> None:
    assert len(CASES) >= 40


def test_the_gzip_bomb_is_one() -> None:
    assert len(gzip.decompress(gzip_bomb())) == 100 << 20
    assert len(gzip_bomb()) < 200_000


# What still works, and what the limits keep ------------------------------------------
def _config(home: Path, server: HTTPServer, **extra: Any) -> None:
    write_network_config(
        home,
        {
            "arxiv_api": server.url_for("/api/query"),
            "hf_endpoint": server.url_for("/").rstrip("/"),
            "arxiv_delay": 0,
            "timeout": 2,
            **extra,
        },
    )


def _existing_library() -> None:
    """A library to add to, so `created a new library` is not among the lines checked."""
    with Store(resolve_paths().library) as store:
        store.put([Paper(id="fffffff", title="Already There")])


def _papers(home: Path) -> dict[str, Paper]:
    return {p.arxiv_id or p.id: p for p in Store(resolve_paths().library).papers()}


def test_a_redirect_within_the_host_is_followed(
    world: World, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world.http.expect_request("/old").respond_with_response(
        Response("", 301, headers={"Location": "/api/query"})
    )
    world.arxiv(_atom(feed([PAPER])))
    world.settings["arxiv_api"] = world.http.url_for("/old")
    write_network_config(isolated_home, world.settings)
    assert main(["add", PAPER.arxiv_id]) == 0, capsys.readouterr().err
    assert _papers(isolated_home)[PAPER.arxiv_id].title == PAPER.title
    assert [r.path for r, _ in world.http.log] == ["/old", "/api/query"]


def test_a_title_with_markup_keeps_its_whole_text_and_sane_extras_pass(
    world: World, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    depth = 100_000  # junk nested deep beside the entries is no reason to refuse them
    text = (
        feed([PAPER])
        .replace("<title>A Perfectly", "<title>A <b>Perfectly</b>")
        .replace("Paper</title>", "<i>Paper</i></title>", 1)
        .replace('<category term="cs.LG"', '<category term="I.2.9; J.3"')
        .replace("</summary>", "</summary><arxiv:doi>10.1000/a  10.1000/b</arxiv:doi>")
        .replace("</feed>", "<x>" * depth + "</x>" * depth + "</feed>")
    )
    world.arxiv(_atom(text))
    write_network_config(isolated_home, world.settings)
    assert main(["add", PAPER.arxiv_id]) == 0, capsys.readouterr().err
    paper = _papers(isolated_home)[PAPER.arxiv_id]
    assert paper.title == "A Perfectly Ordinary Paper"
    assert paper.categories == ["cs.CV", "I.2.9; J.3"]
    assert paper.doi == "10.1000/a"  # the first of the two


def test_resolve_fails_the_paper_whose_record_is_refused_and_applies_the_rest(
    apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = Rec("2511.00002", "A Second Ordinary Paper", ["Cy Doe"])
    apis.add(Rec(PAPER.arxiv_id, PAPER.title, PAPER.authors, published="2025-99-99"), good)
    store = Store(resolve_paths().library)
    mine = Paper(id="aaaaaaa", title=PAPER.title, arxiv_id=PAPER.arxiv_id, tags=["keep"])
    store.put([mine, Paper(id="bbbbbbb", title=good.title, arxiv_id=good.arxiv_id)])
    assert main(["resolve"]) == 0
    out = capsys.readouterr().out
    assert "failed    aaaaaaa  A Perfectly Ordinary Paper: arXiv's record refused: " in out
    assert "published date '2025-99-99T17:59:59Z' is not a real date" in out
    assert "resolved  bbbbbbb  2511.00002" in out
    after = Store(resolve_paths().library)
    failed = after.get("aaaaaaa")
    assert failed.replace(resolution=None) == mine  # otherwise as it was
    assert failed.resolution is not None
    assert failed.resolution["status"] == "failed"
    assert after.get("bbbbbbb").arxiv_version == 1


def test_the_budget_stops_resolve_and_keeps_the_finished_batch(
    raw: RawServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = [Rec(f"2511.{i:05d}", f"Paper number {i}", ["A"]) for i in range(150)]
    store = Store(resolve_paths().library)
    store.put(
        [Paper(id=f"{i:07x}", title=r.title, arxiv_id=r.arxiv_id) for i, r in enumerate(recs)]
    )
    body = feed(recs[:100]).encode()
    answers = iter(
        [
            send(OK_HEAD + b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body),
            dribble(OK_HEAD + b"Connection: close\r\nContent-Length: 9999\r\n\r\n", b"<", 0.1),
        ]
    )
    raw.handler = lambda conn, stop: next(answers)(conn, stop)
    url = raw.url("/api/query")
    write_network_config(
        isolated_home,
        {"arxiv_api": url, "hf_endpoint": url, "arxiv_delay": 0, "timeout": 30, "budget": 1.5},
    )
    start = time.monotonic()
    assert run_bounded(["resolve"], 10) == 1
    assert time.monotonic() - start < 3
    captured = capsys.readouterr()
    assert captured.err == (
        "readlist: error: stopped: the network budget of 1.5 s ([network] budget) ran out\n"
    )
    assert captured.out.count("resolved  ") == 100
    papers = Store(resolve_paths().library).papers()
    assert sum(p.arxiv_version == 1 for p in papers) == 100  # the first batch, committed
    assert sum(p.arxiv_version is None and p.resolution is None for p in papers) == 50


def test_long_waits_are_announced_on_stderr(
    httpserver: HTTPServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(readlist.sources.http, "ANNOUNCE_AFTER", 0.5)
    slow_down = Response("", 429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/api/query").respond_with_response(slow_down)
    httpserver.expect_ordered_request("/api/query").respond_with_response(_atom(feed([PAPER])))
    _config(isolated_home, httpserver)
    _existing_library()
    assert main(["add", PAPER.arxiv_id]) == 0
    assert capsys.readouterr().err == "readlist: waiting 1 s: arXiv asked us to slow down\n"


def test_arxiv_pacing_is_not_announced(
    apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(PAPER, hub=False)  # found by an arXiv title search, after the Hub's
    with Store(resolve_paths().library) as store:
        store.put([Paper(id="aaaaaaa", title=PAPER.title)])
    _config(isolated_home, apis.server, arxiv_delay=0.3)
    start = time.monotonic()
    assert main(["resolve"]) == 0
    assert time.monotonic() - start >= 0.3  # one request waited for the pacing
    assert [kind for kind, _ in apis.log] == ["search", "arxiv"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-inf"])
def test_a_timeout_that_is_no_number_of_seconds_is_one_warning(
    value: str, apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(PAPER)
    config = isolated_home / "config.toml"
    config.write_text(config.read_text().replace("timeout = 2", f"timeout = {value}"))
    _existing_library()
    assert main(["add", PAPER.arxiv_id]) == 0
    assert capsys.readouterr().err == (
        "readlist: warning: config.toml: [network] timeout must be a number of seconds "
        "more than 0 to 3600, using 20.0\n"
    )


def _peak_bytes(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_300_mb_body_stops_at_the_default_cap_in_bounded_memory(httpserver: HTTPServer) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(300):
            yield b"x" * (1 << 20)

    httpserver.expect_request("/big").respond_with_response(
        Response(endless(), direct_passthrough=True)
    )

    def fetch() -> None:
        with Http(5) as http, pytest.raises(SourceError, match="larger than 32 MB, refused"):
            http.get(httpserver.url_for("/big"))

    assert _peak_bytes(fetch) < 56 << 20  # 652 MB before the cap


def test_a_gzip_bomb_is_refused_in_bounded_memory(httpserver: HTTPServer) -> None:
    bomb = gzip_bomb()
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})

    def fetch() -> None:
        with (
            Http(5, max_bytes=1 << 20) as http,
            pytest.raises(SourceError, match="larger than 1 MB, refused"),
        ):
            http.get(httpserver.url_for("/bomb"))

    # inflated 64 KB at a time: httpx's own decoding inflates each 64 KB read whole, up
    # to 64 MB at once (zlib's ratio is about 1,000:1)
    assert _peak_bytes(fetch) < 16 << 20


def test_the_hubs_values_out_of_range_are_ignored_and_reported(
    apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = Rec("2511.00002", "A Second Ordinary Paper", ["Cy Doe"])
    apis.add(PAPER, good)
    bad = daily_item(PAPER, DAY, upvotes=-5, ai_keywords=["ok", "k" * 101])
    bad["paper"]["publishedAt"] = "2025-99-99T00:00:00.000Z"
    bad["paper"]["authors"] = [{"name": "A" * 301}, {"name": "Ann Lee"}, {"name": 7}, "junk"]
    bad["publishedAt"] = "yesterday"
    apis.daily[DAY] = [bad, daily_item(good, DAY, upvotes=10**12), {"paper": {"id": "x" * 9999}}]
    assert main(["pull", "--date", DAY]) == 0
    out = capsys.readouterr().out
    for note in [
        "2511.00001: ignored: upvotes '-5' is not from 0 to 10,000,000",
        "2511.00001: ignored: published date '2025-99-99T00:00:00.000Z' is not a real date",
        "2511.00001: ignored: listing date 'yesterday' is not a date",
        "2511.00001: ignored: author name is longer than 300 characters",
        "2511.00001: ignored: ai_keyword is longer than 100 characters",
        "2511.00002: ignored: upvotes '1000000000000' is not from 0 to 10,000,000",
    ]:
        assert f"  warning: {note}" in out
    papers = _papers(isolated_home)
    assert papers[PAPER.arxiv_id].authors == ["Ann Lee", "Bo Wu"]  # arXiv's, once resolved
    assert papers[PAPER.arxiv_id].upvotes == 0
    assert papers[PAPER.arxiv_id].ai_keywords == ["ok"]
    assert papers[good.arxiv_id].upvotes == 0
    assert len(papers) == 2


def test_a_proxy_from_the_environment_is_used(
    httpserver: HTTPServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[str] = []

    def proxy(request: Request) -> Response:
        seen.append(request.host)
        return _atom(feed([PAPER]))

    httpserver.expect_request("/api/query").respond_with_handler(proxy)
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/"))
    write_network_config(
        isolated_home,
        {"arxiv_api": "http://arxiv.invalid/api/query", "hf_endpoint": "http://hub.invalid"},
    )
    assert main(["add", PAPER.arxiv_id]) == 0, capsys.readouterr().err
    assert seen == ["arxiv.invalid"]
