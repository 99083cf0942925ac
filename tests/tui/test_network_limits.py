"""The network limits in the TUI: a long wait shows on the status line (and esc still
stops it), and a job that runs out of its network budget says so in one quiet line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.pilot import Pilot
from werkzeug import Response

import readlist.sources.http
from readlist.tui.app import ReadlistApp
from tests.core.rawserver import RawServer, dribble, raw
from tests.tui.conftest import SIZE, AppFactory, on_disk
from tests.tui.test_network import STREAM, idle, library, main, network, paper, settle, status

__all__ = ["raw"]  # the fixture


async def _until(app: ReadlistApp, pilot: Pilot[None], text: str) -> None:
    """Poll the status line while the job runs (settle would wait for the job's end)."""
    deadline = time.monotonic() + 5
    while text not in status(app):
        assert time.monotonic() < deadline, status(app)
        await pilot.pause(0.02)


async def test_a_long_wait_is_shown_and_esc_still_stops_it(
    httpserver: HTTPServer,
    make_app: AppFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(readlist.sources.http, "ANNOUNCE_AFTER", 0.5)
    busy = Response("", 429, headers={"Retry-After": "30"})
    httpserver.expect_request("/api/daily_papers").respond_with_response(busy)
    path = library(tmp_path, paper("aaaaaaa", STREAM.title))
    before = path.read_bytes()
    app = make_app(network(httpserver), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await _until(app, pilot, "waiting 30 s: the Hub asked us to slow down (esc stops)")
        start = time.monotonic()
        await pilot.press("escape")
        await settle(app, pilot, idle(app))
        assert time.monotonic() - start < 2  # not the 30 s asked for
    assert path.read_bytes() == before


async def test_a_job_out_of_budget_says_so(
    raw: RawServer, make_app: AppFactory, tmp_path: Path
) -> None:
    # 4 s of bytes, so a job that ignored its budget would end (and fail here) too
    raw.handler = dribble(b"HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n", b"[", 0.1, 40)
    path = library(tmp_path, paper("aaaaaaa", STREAM.title))
    before = path.read_bytes()
    app = make_app(network(raw.url("").rstrip("/"), timeout=30.0, budget=1.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        start = time.monotonic()
        await pilot.press("R")
        await settle(app, pilot, idle(app))
        assert time.monotonic() - start < 3
        assert status(app).endswith("stopped: the network budget of 1 s ([network] budget) ran out")
        assert not main(app).query_one("#progress").has_class("visible")
    with on_disk(path) as store:
        assert store.get("aaaaaaa").resolution is None
    assert path.read_bytes() == before
