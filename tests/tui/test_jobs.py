"""One way to run a job: every background job goes through the screen's JobRunner, one
progress bar shows "done/total", every change lands through one path (which
reindexes), a full search's stale answer is dropped, a decision made while a network
job runs waits its turn. The real app, with a real library, checked on disk."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from bench.generate import generate
from readlist import importing
from readlist.handoff import IndexBuild
from readlist.model import Paper
from readlist.search import SearchIndex
from readlist.tui.app import ReadlistApp
from readlist.tui.finder import SEARCH_PAUSE, Found, SearchJob
from readlist.tui.network_jobs import LANE, AcceptJob, ResolveJob
from readlist.tui.runner import JobDone, JobProgress
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.network_dialogs import UnsureDialog
from readlist.tui.transfers import ImportJob
from tests.core.netfake import FakeApis, Rec, apis
from tests.tui.conftest import SIZE, AppFactory, on_disk
from tests.tui.test_network import OLDER, OTHER, STREAM, library, network, paper

__all__ = ["apis"]  # the fixture

TUI = Path(__file__).resolve().parents[2] / "readlist" / "tui"


def main(app: ReadlistApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def status(app: ReadlistApp) -> str:
    return str(main(app).query_one("#status").render())


async def until(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


class Messages(list[Message]):
    """Every message of the runner's set, as a message hook."""

    def __call__(self, message: Message) -> None:
        if isinstance(message, JobProgress | JobDone):
            self.append(message)

    def jobs(self, kind: type | None = None) -> dict[int, type]:
        """The jobs that finished, by token (only those of `kind` if given)."""
        done = {m.token: type(m.job) for m in self if isinstance(m, JobDone)}
        return {t: k for t, k in done.items() if kind is None or k is kind}

    def progress_of(self, kind: type) -> list[tuple[int, int]]:
        jobs = self.jobs(kind)
        return [(m.done, m.total) for m in self if isinstance(m, JobProgress) and m.token in jobs]


# One progress bar --------------------------------------------------------------------
def test_only_the_runner_drives_the_progress_bar() -> None:
    """The bar has one owner: no other module of the TUI touches it."""
    touching = re.compile(r"ProgressBar|JobBar\(|#progress|\bbar\.(show|hide|update)\(")
    owners = {
        str(path.relative_to(TUI))
        for path in TUI.rglob("*.py")
        if touching.search(path.read_text(encoding="utf-8"))
    }
    assert owners == {"runner.py", "widgets/job_bar.py"}


async def test_one_bar_counts_an_import_and_a_resolve_from_the_start(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apis.add(STREAM, OTHER)
    listing = tmp_path / "many.txt"
    listing.write_text(generate(1000, seed=3))
    reported, resume = threading.Event(), threading.Event()
    real = importing.import_listings

    def paused(*args: Any, **kwargs: Any) -> Any:
        """The import holds still after its first report, for the bar to be read."""
        progress = kwargs["progress"]

        def report(done: int, total: int) -> None:
            progress(done, total)
            if done == 200:
                reported.set()
                resume.wait(10)

        return real(*args, **{**kwargs, "progress": report})

    monkeypatch.setattr("readlist.importing.import_listings", paused)
    path = library(tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", "B"))
    heard = Messages()
    app = make_app(network(apis.server, arxiv_delay=30.0, auto_resolve=False), path=path)
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        bar = main(app).runner.bar
        assert not bar.has_class("visible")
        await pilot.press("R")  # two unresolved papers; 30 s between arXiv requests
        await until(pilot, lambda: bar.text == "0/2")  # counted from the start
        assert bar.has_class("visible")
        await pilot.press("escape")
        await until(pilot, lambda: main(app).runner.busy(LANE) is None)
        await pilot.pause()
        assert not bar.has_class("visible")

        await pilot.press("i")
        app.screen.query_one("#path", Input).value = str(listing)
        await pilot.press("enter")
        try:
            await until(pilot, lambda: bar.text == "200/1000")
            assert bar.has_class("visible")
        finally:
            resume.set()
        await until(pilot, lambda: "1002 total" in status(app))
        await pilot.pause()
        assert not bar.has_class("visible")
    assert {ImportJob, ResolveJob} <= set(heard.jobs().values())
    assert heard.progress_of(ImportJob)[:2] == [(200, 1000), (400, 1000)]
    assert heard.progress_of(ResolveJob)[0] == (0, 2)


async def test_a_running_jobs_note_stays_while_the_cursor_moves(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER)
    path = library(
        tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("bbbbbbb", OTHER.title)
    )
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        # arXiv's 30 s pacing is announced too: "resolving… waiting 30 s: … (esc stops)"
        await until(pilot, lambda: "resolving…" in status(app))
        # Textual's worker list names the job (was "_work" for every one)
        assert any(w.name.startswith("ResolveJob#") for w in main(app).runner.workers)
        await pilot.press("j", "s", "v", "k")  # move, star (a repaint), select
        assert "resolving…" in status(app)
        assert "(esc stops)" in status(app)
        assert "1 ★" in status(app)
        await pilot.press("escape")
        await until(pilot, lambda: main(app).runner.busy(LANE) is None)
        await until(pilot, lambda: "resolving" not in status(app))


# One landing, which reindexes -------------------------------------------------------
@pytest.fixture
def builds_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Index builds wait until the test sets the event it gets: only `landed`'s own
    reindex can make a change searchable meanwhile."""
    release = threading.Event()
    real = IndexBuild.run

    def held(build: IndexBuild) -> SearchIndex:
        release.wait(30)
        return real(build)

    monkeypatch.setattr(IndexBuild, "run", held)
    yield release
    release.set()


BIB = """@article{lone2024,
  title = {A Paper About Nothing In Particular},
  author = {Lone, Ann},
  year = {2024},
  keywords = {qxjvkw},
}
"""


async def test_a_tag_an_import_brings_is_searchable_once_it_lands(
    make_app: AppFactory, tmp_path: Path, builds_held: threading.Event
) -> None:
    bib = tmp_path / "lone.bib"
    bib.write_text(BIB)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session = main(app).session
        assert session.search("qxjvkw") == []  # the index is built here, held elsewhere
        await pilot.press("i")
        app.screen.query_one("#path", Input).value = str(bib)
        await pilot.press("enter")
        await until(pilot, lambda: "255 total" in status(app))
        assert session.live_index.stale  # the new index is still being built
        (found,) = session.search("qxjvkw")
        assert session.store.get(found).tags == ["qxjvkw"]
        await pilot.press("slash", *"qxjvkw")
        assert main(app).papers.current == found
        builds_held.set()


async def test_an_import_while_a_search_is_shown_shows_its_matches(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The import job writes through its own store: the session reads it in, indexes
    the new paper and only then places the search's answer, which must hold it."""
    bib = tmp_path / "lone.bib"
    bib.write_text(BIB)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session = main(app).session
        await pilot.press("slash", *"nothing", "enter")
        await app.workers.wait_for_complete()
        assert session.query == "nothing"
        before = list(session.ids)
        await pilot.press("i")
        app.screen.query_one("#path", Input).value = str(bib)
        await pilot.press("enter")
        await until(pilot, lambda: "255 total" in status(app))
        await app.workers.wait_for_complete()
        await pilot.pause()
        (new,) = set(session.ids) - set(before)
        assert session.store.get(new).title == "A Paper About Nothing In Particular"


async def test_an_abstract_a_resolve_brings_is_searchable_once_it_lands(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path, builds_held: threading.Event
) -> None:
    apis.add(Rec(STREAM.arxiv_id, STREAM.title, STREAM.authors, summary="Zqvkwx streams."))
    path = library(tmp_path, paper("aaaaaaa", STREAM.title, sources=[]), paper("kkkkkkk", "K"))
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        session = main(app).session
        assert session.search("zqvkwx") == []
        await pilot.press("R")
        await until(pilot, lambda: main(app).runner.busy(LANE) is None and bool(app._notifications))
        assert session.store.get("aaaaaaa").abstract == "Zqvkwx streams."
        assert session.live_index.stale  # the new index is still being built
        assert session.search("zqvkwx") == ["aaaaaaa"]
        builds_held.set()


# A full search's answer to an older question -----------------------------------------
async def test_a_full_search_answer_for_an_older_query_is_dropped(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gates = [threading.Event(), threading.Event()]
    asked: list[str] = []
    real = SearchJob.run

    def gated(job: SearchJob, *args: Any) -> Found:
        gate = gates[len(asked)]
        asked.append(job.request.query.text)
        gate.wait(10)
        return real(job, *args)

    monkeypatch.setattr(SearchJob, "run", gated)
    heard = Messages()
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        session = main(app).session
        await pilot.press("slash")
        box = main(app).query_one("#search", Input)
        box.value = "video"
        await until(pilot, lambda: len(asked) == 1)  # its full search runs, held
        video = session.search("video")  # what that full search will answer
        box.value = "video diffusion"  # the query changes meanwhile
        await pilot.pause()
        fast = session.search("video diffusion", abstracts=False)
        assert session.ids == fast
        assert set(video) != set(fast)
        await pilot.pause(SEARCH_PAUSE + 0.1)
        gates[0].set()  # the answer about "video" arrives now
        await until(pilot, lambda: len(heard.jobs(SearchJob)) == 1)
        await pilot.pause()
        assert session.ids == fast  # not the answer to the older question
        gates[1].set()
        await until(pilot, lambda: len(heard.jobs(SearchJob)) == 2)
        await pilot.pause()
        assert asked == ["video", "video diffusion"]
        assert session.ids == session.search("video diffusion")


# A decision while a network job runs -------------------------------------------------
async def test_an_accept_made_while_a_job_runs_waits_and_runs_next(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    apis.add(STREAM, OTHER, OLDER)
    unsure = Paper(
        id="ddddddd",
        title=OLDER.title,
        resolution={
            "status": "unsure",
            "reason": "published years before",
            "candidate": {"arxiv_id": OLDER.arxiv_id, "title": OLDER.title},
        },
    )
    path = library(
        tmp_path,
        paper("aaaaaaa", STREAM.title, sources=[]),
        paper("bbbbbbb", OTHER.title),
        unsure,
    )
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("R")  # two papers to resolve, 30 s apart: it stays busy
        await until(pilot, lambda: screen.runner.busy(LANE) is not None)
        screen.net.unsure, screen.net.asked = ["ddddddd"], 0
        screen.net.ask_next()
        await until(pilot, lambda: isinstance(app.screen, UnsureDialog))
        await pilot.press("a")  # accept, while the resolve runs
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        (waiting,) = screen.runner.waiting(LANE)
        assert isinstance(waiting, AcceptJob)
        assert waiting.pid == "ddddddd"
        assert not [n for n in app._notifications if "Still" in n.message]  # not refused
        with on_disk(path) as store:
            assert store.get("ddddddd").arxiv_id is None  # not yet
        await pilot.press("escape")  # stop the resolve: the accept runs next
        await until(pilot, lambda: not screen.runner.waiting(LANE))
        await until(pilot, lambda: screen.runner.busy(LANE) is None)
    with on_disk(path) as store:
        accepted = store.get("ddddddd")
        assert (accepted.arxiv_id, accepted.authors) == (OLDER.arxiv_id, OLDER.authors)
