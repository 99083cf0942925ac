"""Auto-export from the TUI: the file follows changes to its selection, off the UI thread."""

from __future__ import annotations

import datetime as dt
import os
import stat
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import TextArea

from bench.generate import generate
from readlist import autoexport
from readlist.autoexport import HEADER
from readlist.config import AutoExport, Config
from readlist.entrycache import EntryCache
from readlist.store import Store
from readlist.tui.autoexporter import AutoExportJob
from readlist.tui.runner import JobDone
from readlist.tui.screens.main import MainScreen
from tests.autoexported import TAG, aged, calls_to, entries, full_export, stamp_of
from tests.tui.conftest import SIZE, AppFactory


class Runs(list[list[autoexport.Result]]):
    """What each auto-export job the runner ran reported, in order (a message hook)."""

    def __call__(self, message: Message) -> None:
        if isinstance(message, JobDone) and isinstance(message.job, AutoExportJob):
            self.append(message.result)  # type: ignore[arg-type]


async def until(pilot: Pilot[Any], check: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread of every auto-export run."""
    threads: list[str] = []
    real = autoexport.update_all

    def spy(
        store: Store,
        exports: Sequence[AutoExport],
        now: dt.datetime,
        memo: autoexport.Memo | None = None,
        cache: EntryCache | None = None,
    ) -> list[autoexport.Result]:
        threads.append(threading.current_thread().name)
        return real(store, exports, now, memo, cache)

    monkeypatch.setattr(autoexport, "update_all", spy)
    return threads


async def test_file_follows_its_selection_only(
    make_app: AppFactory, tmp_path: Path, runs: list[str]
) -> None:
    out = tmp_path / "refs.bib"
    app = make_app(Config(auto_exports=(AutoExport(out, TAG),)))
    app.auto_export.delay = 1.0  # wider than a loaded machine's gap between key presses
    done = Runs()
    async with app.run_test(size=SIZE, message_hook=done) as pilot:
        await until(pilot, lambda: len(done) == 1)  # a configured file that is missing
        assert out.read_bytes() == HEADER

        await pilot.press("t", "ctrl+u", *TAG, "enter")  # the paper joins the selection
        await until(pilot, lambda: len(done) == 2)
        assert entries(out) == 1

        stamp = aged(out)
        await pilot.press("j", "s", "s", "s")  # another paper
        await until(pilot, lambda: len(done) >= 3)
        await pilot.pause(1.5)
        assert len(done) == 3  # the burst of three changes was one update
        await pilot.press("n", *"a note", "ctrl+s")
        await until(pilot, lambda: len(done) == 4)
        assert stamp_of(out) == stamp  # outside the selection: not even rewritten

        await pilot.press("k", "n", *"cite this", "ctrl+s")  # inside: exported as annote
        await until(pilot, lambda: len(done) == 5)
        assert stamp_of(out) != stamp
        assert "cite this" in out.read_text()
    assert len(runs) == 5
    assert threading.main_thread().name not in runs  # every run in a worker thread


async def test_an_import_and_its_undo_update_the_file(make_app: AppFactory, tmp_path: Path) -> None:
    out = tmp_path / "all.bib"
    app = make_app(Config(auto_exports=(AutoExport(out),)))
    done = Runs()
    async with app.run_test(size=SIZE, message_hook=done) as pilot:
        await until(pilot, lambda: len(done) == 1)
        assert entries(out) == 254
        await pilot.press("i")
        app.screen.query_one(TextArea).text = generate(2, seed=5)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(done) == 2)
        assert entries(out) == 256
        await pilot.press("u")
        await until(pilot, lambda: len(done) == 3)
        assert entries(out) == 254


async def test_a_pending_change_is_written_on_quit(
    make_app: AppFactory, tmp_path: Path, runs: list[str]
) -> None:
    out = tmp_path / "refs.bib"
    out.write_bytes(HEADER)
    app = make_app(Config(auto_exports=(AutoExport(out, TAG),)))
    app.auto_export.delay = 60.0  # so only quitting can write it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "ctrl+u", *TAG, "enter", "q")  # quit inside the debounce
    assert runs == [threading.main_thread().name]  # the one run, done at exit
    assert entries(out) == 1


async def test_errors_are_notified_once(make_app: AppFactory, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("@book{mine, title={Mine}}\n")  # hand-kept: never replaced
    app = make_app(Config(auto_exports=(AutoExport(out, TAG),)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "ctrl+u", *TAG, "enter")
        await until(pilot, lambda: len(app._notifications) == 1)
        await pilot.press("s")
        await pilot.pause(1.0)
        notes = [n.message for n in app._notifications]
    assert notes == [
        f"auto-export {out}: not written by readlist auto-export; "
        "not replacing it (move it away first)"
    ]
    assert out.read_text() == "@book{mine, title={Mine}}\n"


async def test_a_bug_in_the_worker_becomes_a_notice(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[autoexport.Result]:
        raise RuntimeError("boom")

    monkeypatch.setattr(autoexport, "update_all", broken)
    out = tmp_path / "refs.bib"
    app = make_app(Config(auto_exports=(AutoExport(out, TAG),)))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app._notifications) == 1)
        notes = [n.message for n in app._notifications]
    assert notes == [f"auto-export {out}: internal error: RuntimeError: boom"]


def _release(fifo: Path) -> None:
    """Unblock a reader stuck opening `fifo` (a regression), so the app can exit and
    the test fails instead of hanging: an O_RDWR open never blocks, and a reader
    waiting for a writer wakes once one has opened."""
    os.close(os.open(fifo, os.O_RDWR | os.O_NONBLOCK))


async def test_a_fifo_target_is_a_warning_and_the_app_keeps_running(
    make_app: AppFactory, tmp_path: Path
) -> None:
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    app = make_app(Config(auto_exports=(AutoExport(fifo),)))
    app.auto_export.delay = 0.1
    done = Runs()
    async with app.run_test(size=SIZE, message_hook=done) as pilot:
        try:
            await pilot.press("s")  # star a paper: the auto-export runs after it
            await until(pilot, lambda: len(done) == 1)
            await pilot.press("j", "s")  # the same error again: not notified again
            await until(pilot, lambda: len(done) == 2)
            await pilot.press("j")
            assert app.is_running
            notes = [n.message for n in app._notifications]
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.papers.cursor == 2  # still taking keys
        finally:
            _release(fifo)
    assert notes == [f"auto-export {fifo}: not a regular file (a FIFO); not writing it"]
    assert [r.error for r in done[0]] == ["not a regular file (a FIFO); not writing it"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # never replaced
    with Store(app.store.path) as store:
        assert sum(p.starred for p in store.papers()) == 2


def full_export_of(library: Path) -> bytes:
    with Store(library) as store:
        return full_export(store)


async def test_the_auto_exporter_rewrites_only_the_changed_entries(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first write, a note or an undo rewrites its entry alone (the rest is
    copied from the old file by the record, readlist/entrydelta.py), and a star,
    which a .bib does not show, writes nothing: the file is the full export each time."""
    from readlist import exportfile

    ways = calls_to(monkeypatch, exportfile, ("write", "patch", "redigest"))
    out = tmp_path / "all.bib"
    app = make_app(Config(auto_exports=(AutoExport(out),)))
    app.auto_export.delay = 0.1
    done = Runs()
    async with app.run_test(size=SIZE, message_hook=done) as pilot:
        await until(pilot, lambda: len(done) == 1)
        assert ways == ["write"]  # the first: every entry
        await pilot.press("j", "n", *"cite this", "ctrl+s")
        await until(pilot, lambda: len(done) == 2)
        assert ways[1:] == ["patch"]
        assert "cite this" in out.read_text()
        assert out.read_bytes() == full_export_of(app.store.path)
        before = stamp_of(out)
        await pilot.press("s")
        await until(pilot, lambda: len(done) == 3)
        assert ways[2:] == ["redigest"]
        assert stamp_of(out) == before  # not rewritten
        await pilot.press("u", "u")  # the star, then the note
        await until(pilot, lambda: len(done) >= 4 and "cite this" not in out.read_text())
        assert "patch" in ways[3:]
        assert "write" not in ways[3:]
        assert out.read_bytes() == full_export_of(app.store.path)
    assert all(r.error is None for run in done for r in run)
