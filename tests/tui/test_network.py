"""R, P, auto-resolve, the unsure dialog, O, y and Y: the real app against fake arXiv and
Hub APIs on a loopback server, checked by reading the library back from disk."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.pilot import Pilot
from textual.widgets import Input

from readlist.config import AutoExport, Config, Network
from readlist.model import Paper, Source
from readlist.periods import parse_period
from readlist.store import Store
from readlist.tui.app import ReadlistApp
from readlist.tui.network_jobs import LANE, RejectJob, ResolveJob
from readlist.tui.ports import Outcome
from readlist.tui.runner import Progress
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.network_dialogs import PullDialog, UnsureDialog
from readlist.tui.screens.tags import TagEditor
from tests.conftest import NOW, write_unchecked
from tests.core.netfake import FakeApis, Rec, apis, daily_item
from tests.tui.conftest import SIZE, AppFactory, on_disk

__all__ = ["apis"]  # the fixture

DAY = "2025-11-20"
STREAM = Rec(
    "2511.07399",
    "StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation",
    ["Tianrui Feng", "Zhi Li", "Shuo Yang"],
    version=2,
)
OTHER = Rec("2511.01111", "A Second Paper the Hub Lists on That Day", ["Ann Lee", "Bo Wu"])
OLDER = Rec("2101.00001", "Scaling Old Ideas to New Problems", ["Old Author"], "2021-01-02")
OLDER2 = Rec("2102.00002", "Another Title Seen Years Before", ["Someone"], "2021-02-03")


def network(server: HTTPServer | str, **kw: object) -> Config:
    """Endpoints on loopback, no politeness delay (unless a test sets one)."""
    base = server if isinstance(server, str) else server.url_for("/").rstrip("/")
    settings: dict[str, object] = {"arxiv_delay": 0.0, "timeout": 2.0, **kw}
    net = Network(arxiv_api=f"{base}/api/query", hf_endpoint=base, **settings)  # type: ignore[arg-type]
    return Config(network=net)


def library(tmp_path: Path, *papers: Paper) -> Path:
    path = tmp_path / "net.json"
    with Store(path) as store:
        store.put(papers)
    return path


def paper(pid: str, title: str, **kw: object) -> Paper:
    kw.setdefault("sources", [Source("listing.txt", DAY, "2025-11-21T10:00:00+00:00")])
    kw.setdefault("added", "2025-11-21T10:00:00+00:00")
    return Paper(id=pid, title=title, **kw)  # type: ignore[arg-type]


def main(app: ReadlistApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def messages(app: ReadlistApp) -> list[str]:
    return [n.message for n in app._notifications]


def status(app: ReadlistApp) -> str:
    return str(main(app).query_one("#status").render())


async def settle(app: ReadlistApp, pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Wait for workers (one may start another) until `done()`, or fail after 10 s."""
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)


def idle(app: ReadlistApp) -> Callable[[], bool]:
    return lambda: main(app).runner.busy(LANE) is None and not app.workers._workers


# R -----------------------------------------------------------------------------------
async def test_r_resolves_every_unresolved_paper_and_undo_takes_it_back(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM)
    apis.daily[DAY] = [daily_item(STREAM, DAY)]
    path = library(
        tmp_path,
        paper("aaaaaaa", STREAM.title, starred=True, notes="mine", tags=["video"]),
        paper("ccccccc", "Nobody Has Heard Of This Paper At All", sources=[]),
    )
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await settle(app, pilot, idle(app))
        assert messages(app)[-1] == "1 resolved, 0 merged, 0 unsure, 1 not found, 0 failed"
        with on_disk(path) as store:
            p = store.get("aaaaaaa")
            assert (p.arxiv_id, p.arxiv_version, p.authors) == ("2511.07399", 2, STREAM.authors)
            assert (p.starred, p.notes, p.tags) == (True, "mine", ["video"])
            assert store.get("ccccccc").resolution["status"] == "missing"  # type: ignore[index]
        assert main(app).store.get("aaaaaaa").arxiv_id == "2511.07399"  # the UI caught up
        await pilot.press("u")
        assert messages(app)[-1] == "Undid resolve."
    with on_disk(path) as store:
        assert store.get("aaaaaaa").arxiv_id is None
        assert store.get("aaaaaaa").authors == []
        assert store.get("ccccccc").resolution is None


async def test_r_resolves_only_the_selection(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER)
    path = library(
        tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", OTHER.title)
    )
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to("bbbbbbb")
        await pilot.press("v", "R")
        await settle(app, pilot, idle(app))
    with on_disk(path) as store:
        assert store.get("bbbbbbb").arxiv_id == OTHER.arxiv_id
        assert store.get("aaaaaaa").arxiv_id is None


async def test_r_with_nothing_unresolved_asks_nothing(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    missing = {"status": "missing", "reason": "not found"}
    path = library(
        tmp_path,
        paper("aaaaaaa", STREAM.title, arxiv_id=STREAM.arxiv_id, arxiv_version=2),
        paper("bbbbbbb", "Not on arXiv", resolution=missing),
    )
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to("aaaaaaa")
        await pilot.press("R")
        await settle(app, pilot, idle(app))
        assert messages(app) == ["Nothing to resolve (select papers to retry them)."]
    assert apis.log == []


async def test_r_again_or_esc_stops_a_running_resolve(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER)
    path = library(
        tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", OTHER.title)
    )
    # Thirty seconds between arXiv requests: only a cancel ends the job in time.
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        for stop in ("R", "escape"):
            await pilot.press("R")
            await pilot.pause(0.3)
            assert main(app).runner.busy(LANE) is not None
            assert "esc stops" in status(app)
            started = time.monotonic()
            await pilot.press(stop)
            await settle(app, pilot, idle(app))
            assert time.monotonic() - started < 5
            assert "interrupted" in messages(app)[-1] or messages(app)[-1] == "stopped"


async def test_quitting_stops_a_running_resolve(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apis.add(STREAM, OTHER)
    path = library(
        tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", OTHER.title)
    )
    flags: list[threading.Event] = []
    real = ResolveJob.run

    def run(job: ResolveJob, path: Path, progress: Progress, cancel: threading.Event) -> Outcome:
        flags.append(cancel)
        return real(job, path, progress, cancel)

    monkeypatch.setattr(ResolveJob, "run", run)
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await pilot.pause(0.3)
        assert main(app).runner.busy(LANE) is not None
        assert len(flags) == 1
        assert not flags[0].is_set()
        await pilot.press("q")
    # The worker's wait for arXiv's delay ends on this flag (as with esc), so the
    # process exits at once instead of waiting out the delay.
    assert flags[0].is_set()


async def test_a_decision_made_while_a_job_runs_runs_next(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER)
    path = library(
        tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", OTHER.title)
    )
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await pilot.pause(0.3)
        screen = main(app)
        reject = RejectJob(screen.net.net, screen.session.clock, "bbbbbbb")
        assert not screen.net.start(reject)  # busy: queued, not refused
        assert screen.runner.waiting(LANE) == [reject]
        assert messages(app) == []
        await pilot.press("escape")
        await settle(app, pilot, lambda: idle(app)() and not screen.runner.waiting(LANE))
        await settle(app, pilot, idle(app))
        assert messages(app)[-1] == "0 resolved, 0 merged, 0 unsure, 1 not found, 0 failed"
    with on_disk(path) as store:
        assert store.get("bbbbbbb").resolution["status"] == "missing"  # type: ignore[index]


# Unsure matches --------------------------------------------------------------------
async def test_unsure_matches_are_shown_side_by_side_then_accepted_or_rejected(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(OLDER, OLDER2)
    path = library(
        tmp_path,
        paper("ddddddd", OLDER.title, date="2025-11-12", authors_count=4, sources=[]),
        paper("eeeeeee", OLDER2.title, date="2025-11-12", sources=[]),
    )
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await settle(app, pilot, lambda: isinstance(app.screen, UnsureDialog))
        dialog = app.screen
        assert isinstance(dialog, UnsureDialog)
        shown = " ".join(str(s.render()) for s in dialog.query(".record"))
        assert "In the library" in shown
        assert "4 authors" in shown  # the paper's side
        assert "2025-11-12" in shown
        assert "arXiv 2101.00001" in shown  # the candidate's side
        assert "Old Author" in shown
        assert "2021-01-02" in shown
        assert "(1 of 2)" in str(dialog.query_one(".heading").render())
        first = dialog.paper.id
        await pilot.press("a")
        await settle(
            app, pilot, lambda: isinstance(app.screen, UnsureDialog) and app.screen is not dialog
        )
        second = app.screen
        assert isinstance(second, UnsureDialog)
        assert second.paper.id != first
        await pilot.press("x")
        await settle(app, pilot, lambda: isinstance(app.screen, MainScreen) and idle(app)())
        with on_disk(path) as store:
            accepted = store.get(first)
            rec = OLDER if first == "ddddddd" else OLDER2
            assert (accepted.arxiv_id, accepted.authors) == (rec.arxiv_id, rec.authors)
            rejected = store.get(second.paper.id)
            assert rejected.arxiv_id is None
            assert rejected.resolution["status"] == "missing"  # type: ignore[index]
        await pilot.press("u")  # the reject
        await pilot.press("u")  # the accept
    with on_disk(path) as store:
        for pid in ("ddddddd", "eeeeeee"):
            assert store.get(pid).resolution["status"] == "unsure"  # type: ignore[index]
            assert store.get(pid).arxiv_id is None


# P -----------------------------------------------------------------------------------
async def test_p_pulls_a_day_and_undo_takes_it_back(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER)
    apis.daily[DAY] = [
        daily_item(STREAM, DAY, ai_keywords=["video diffusion"]),
        daily_item(OTHER, DAY),
    ]
    path = library(tmp_path, paper("kkkkkkk", "Kept"))
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert isinstance(app.screen, PullDialog)
        box = app.screen.query_one(Input)
        assert box.value == NOW.date().isoformat()
        box.value = "2025-13-40"
        await pilot.press("enter")
        assert isinstance(app.screen, PullDialog)  # refused, stays open
        assert messages(app)[-1] == "Not a day, week or month: '2025-13-40'"
        box.value = DAY
        await pilot.press("enter")
        await settle(app, pilot, idle(app))
        assert messages(app)[-1] == (
            f"hub:daily_papers?date={DAY}: 2 added; "
            "2 resolved, 0 merged, 0 unsure, 0 not found, 0 failed"
        )
        assert [a.get("date") for a in apis.requests("daily")] == [DAY]
        assert len(main(app).session.ids) == 3
        with on_disk(path) as store:
            pulled = next(p for p in store.papers() if p.arxiv_id == STREAM.arxiv_id)
            assert (pulled.authors, pulled.arxiv_version) == (STREAM.authors, 2)
        await pilot.press("u")
        assert messages(app)[-1] == "Undid pull."
        assert len(main(app).session.ids) == 1
    with on_disk(path) as store:
        assert list(store.records()) == ["kkkkkkk"]


def test_pull_periods() -> None:
    assert parse_period(" 2025-11-20 ") == parse_period("2025-11-20")
    assert parse_period("2025-11-20").period == "date"  # type: ignore[union-attr]
    assert parse_period("2025-W47").period == "week"  # type: ignore[union-attr]
    assert parse_period("2025-11").period == "month"  # type: ignore[union-attr]
    for bad in ("2025-W60", "2025-13", "2025-02-30", "yesterday", ""):
        assert parse_period(bad) is None


# auto_resolve ----------------------------------------------------------------------
LISTING = (
    f"Daily Papers\n\n{STREAM.title}\n\nWe present a system.\n\n• 3 authors\n·\nNov 12, 2025 40\n"
)


async def _import(app: ReadlistApp, pilot: Pilot[None], listing: Path) -> None:
    await pilot.press("i")
    app.screen.query_one("#path", Input).value = str(listing)
    await pilot.press("enter")


@pytest.mark.parametrize("auto", [True, False])
async def test_an_import_resolves_the_new_papers_in_the_background(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path, auto: bool
) -> None:
    apis.add(STREAM)
    listing = tmp_path / "l.txt"
    listing.write_text(LISTING)
    path = library(tmp_path, paper("ccccccc", "Unresolved and not new", sources=[]))
    app = make_app(network(apis.server, auto_resolve=auto), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await _import(app, pilot, listing)
        await settle(app, pilot, lambda: len(main(app).session.ids) == 2 and idle(app)())
        await pilot.pause(0.2)
        await settle(app, pilot, idle(app))
        if auto:
            assert "resolved new papers: 1 resolved" in status(app)
    with on_disk(path) as store:
        new = next(p for p in store.papers() if p.id != "ccccccc")
        assert new.arxiv_id == (STREAM.arxiv_id if auto else None)
        assert store.get("ccccccc").resolution is None  # only the new papers


def _dead_server() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_offline_is_one_quiet_status_note(make_app: AppFactory, tmp_path: Path) -> None:
    dead = _dead_server()
    path = library(tmp_path, paper("aaaaaaa", STREAM.title))
    before = (path.read_bytes(), sorted(p.name for p in tmp_path.iterdir()))
    app = make_app(network(dead), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await settle(app, pilot, idle(app))
        host = dead.removeprefix("http://")
        assert status(app).endswith(f"offline: cannot reach the Hub at {host}")
        assert messages(app) == []  # no toast, no error
        assert not main(app).query_one("#progress").has_class("visible")
    assert (path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == before


async def test_auto_resolve_offline_says_so_once(make_app: AppFactory, tmp_path: Path) -> None:
    listing = tmp_path / "l.txt"
    listing.write_text(LISTING)
    second = tmp_path / "m.txt"
    second.write_text(LISTING.replace("StreamDiffusionV2", "Another Paper"))
    app = make_app(network(_dead_server()), path=library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _import(app, pilot, listing)
        await settle(app, pilot, lambda: "offline: cannot reach" in status(app))
        await _import(app, pilot, second)
        await settle(app, pilot, lambda: len(main(app).session.ids) == 2 and idle(app)())
        await pilot.pause(0.2)
        assert "offline" not in status(app)
        assert all("offline" not in m for m in messages(app))


# y, Y, O -----------------------------------------------------------------------------
async def test_y_copies_the_key_assigning_it_once_and_Y_copies_the_page(
    make_app: AppFactory, tmp_path: Path
) -> None:
    path = library(
        tmp_path,
        paper(
            "aaaaaaa",
            "Stream Things",
            arxiv_id="2511.07399",
            authors=["Jürgen Müller"],
            published="2025-11-10",
            date="2025-11-12",
            links=["https://github.com/x/y"],
        ),
        paper("bbbbbbb", "Code only", links=["https://github.com/x/z"], added="2025-11-20"),
    )
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to("aaaaaaa")
        await pilot.press("y")
        key = app.clipboard
        assert key == "muller2025stream"
        assert messages(app)[-1] == "Copied the key muller2025stream"
        with on_disk(path) as store:
            assert store.get("aaaaaaa").bibkey == key
        await pilot.press("Y")
        assert app.clipboard == "https://arxiv.org/abs/2511.07399"
        main(app).jump_to("bbbbbbb")
        await pilot.press("Y")
        assert app.clipboard == "https://arxiv.org/abs/2511.07399"  # never the code link
        assert messages(app)[-1] == "This paper has no page to copy."
    with Store(path) as store:  # a key once given never changes
        store.put([store.get("aaaaaaa").replace(title="Renamed Title")])
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to("aaaaaaa")
        await pilot.press("y")
        assert app.clipboard == "muller2025stream"


async def test_o_opens_arxiv_then_the_hub_then_the_project_never_code_first(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    code, project = "https://github.com/x/y", "https://x.example/project"
    hub = "https://huggingface.co/papers/2511.07399"
    path = library(
        tmp_path,
        paper("a000001", "Has all", arxiv_id="2511.07399", links=[code], project_page=project),
        paper("a000002", "Hub link", links=[code, hub], project_page=project, github=code),
        paper("a000003", "Project", links=[code], project_page=project),
        paper("a000004", "Code only", github=code),
    )
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        for pid in ("a000001", "a000002", "a000003", "a000004"):
            main(app).jump_to(pid)
            await pilot.press("O")
    assert opened == ["https://arxiv.org/abs/2511.07399", hub, project, code]


# Tags -------------------------------------------------------------------------------
async def test_tag_dialog_suggests_the_hub_keywords(make_app: AppFactory, tmp_path: Path) -> None:
    path = library(
        tmp_path,
        paper("aaaaaaa", "T", tags=["streaming"], ai_keywords=["video diffusion", "streaming"]),
    )
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        hint = str(app.screen.query_one("#tags-suggested").render())
        assert hint == "suggested: video-diffusion"
        await pilot.press("v", "i")
        await pilot.pause(0.2)
        await pilot.press("right", "enter")
    with on_disk(path) as store:
        assert store.get("aaaaaaa").tags == ["streaming", "video-diffusion"]


async def test_auto_export_follows_a_resolve(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM)
    out = tmp_path / "refs.bib"
    path = library(tmp_path, paper("aaaaaaa", STREAM.title, sources=[]))
    config = dataclasses.replace(network(apis.server), auto_exports=(AutoExport(out),))
    app = make_app(config, path=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, out.exists)
        assert "Tianrui Feng" not in out.read_text()
        await pilot.press("R")
        await settle(app, pilot, lambda: "Tianrui Feng" in out.read_text())
        assert "eprint = {2511.07399}" in out.read_text()


# Hostile text, crashes -----------------------------------------------------------------
HOSTILE = "[bold red]Evil[/] \x1b]52;c;aGk=\x07 title \x1b[2J"


async def test_the_unsure_dialog_shows_hostile_text_as_text(
    make_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "net.json"  # escapes, as a library from before the store's checks
    evil = paper("aaaaaaa", HOSTILE, authors=["[link=x]Mallory[/link]"])
    write_unchecked(path, {evil.id: evil.to_doc()})
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        candidate = {"arxiv_id": "2511.1[/]", "title": HOSTILE, "authors": ["\x1b[31mEve"]}
        dialog = UnsureDialog(main(app).store.get("aaaaaaa"), candidate, "[b]why[/b]", "(1 of 1)")
        app.push_screen(dialog)
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in dialog.query("Static"))
        assert shown.count("[bold red]Evil[/]") == 2
        assert "[link=x]Mallory[/link]" in shown
        assert "arXiv 2511.1[/]" in shown
        assert "[b]why[/b]" in shown
        assert "\x1b" not in shown
        assert "\x07" not in shown


async def test_a_network_job_that_crashes_is_one_error_notice(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(ResolveJob, "run", broken)
    app = make_app(path=library(tmp_path, paper("aaaaaaa", "T")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await settle(app, pilot, lambda: bool(app._notifications))
        assert messages(app) == ["RuntimeError: a bug"]
        assert next(iter(app._notifications)).title == "Network failed"
        assert main(app).runner.busy(LANE) is None
        assert not main(app).query_one("#progress").has_class("visible")
        await pilot.press("R")  # and R works again
        await settle(app, pilot, lambda: len(app._notifications) == 2)
