"""Nothing lost, nothing crashes: other processes and threads writing while the TUI
runs, undo after them, editors that would overwrite, and hostile text on screen."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import Any

import filelock
import pytest
from textual.content import Content
from textual.widgets import Input, TextArea

from bench.generate import generate
from readlist import actions, importing
from readlist.config import Config
from readlist.model import Paper
from readlist.selection import Selection, select
from readlist.store import Store
from readlist.tui.app import ReadlistApp, create_app
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.note import NoteConflict, NoteEditor
from readlist.tui.screens.stats_screen import StatsScreen
from readlist.tui.screens.tags import TagEditor
from readlist.tui.transfers import ImportJob
from tests.conftest import CLOCK, NOW, write_unchecked
from tests.tui.conftest import SIZE, AppFactory, on_disk


def order(library: Path) -> list[str]:
    with Store(library) as store:
        return select(store.records(), Selection(), "added")


def main(app: ReadlistApp) -> MainScreen:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("no main screen")


def notes(app: ReadlistApp) -> list[str]:
    """The notifications' text, each checked the way a toast shows it (headless runs
    mount no toasts): a message sent as markup must parse."""
    for n in app._notifications:
        if n.markup:
            Content.from_markup(n.message)
    return [n.message for n in app._notifications]


def rows(app: ReadlistApp) -> list[str]:
    """The text of every painted row of the paper list."""
    papers = main(app).papers
    return [papers.render_line(y).text for y in range(papers.size.height)]


# Undo after another process wrote -------------------------------------------------
async def test_undo_after_another_process_keeps_its_tag_and_note(
    make_app: AppFactory, library: Path
) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        with Store(library) as other:  # the CLI, say
            actions.change_tags(other, [pid], ["cli-tag"])
            actions.set_note(other, [pid], "cli note")
        await pilot.press("u")
        assert notes(app)[-1] == "Undid star."
    with on_disk(library) as store:
        paper = store.get(pid)
        assert (paper.starred, paper.tags, paper.notes) == (False, ["cli-tag"], "cli note")


async def test_undo_leaves_a_field_changed_elsewhere_and_says_so(
    make_app: AppFactory, library: Path
) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"mine", "ctrl+s")
        with Store(library) as other:
            actions.set_note(other, [pid], "theirs")
        await pilot.press("u")
        assert "Not undone: changed elsewhere" in notes(app)[-1]
    with on_disk(library) as store:
        assert store.get(pid).notes == "theirs"


async def test_undoing_an_import_keeps_a_paper_the_cli_edited(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "two.txt"
    listing.write_text(generate(2, seed=7))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *str(listing), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        with on_disk(library) as store:
            assert len(store) == 256
            new = [p.id for p in store.papers()][-2:]
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(library), "mark", new[0], "--star"],
            check=True,
            capture_output=True,
        )
        await pilot.press("u")
        assert "Not undone: changed elsewhere" in notes(app)[-1]
    with on_disk(library) as store:
        assert len(store) == 255
        assert store.get(new[0]).starred
        assert new[1] not in store


# Editors that would overwrite -----------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "stored", "clipboard"),
    [("o", "mine", ""), ("k", "theirs", "mine")],
)
async def test_note_saved_over_a_note_written_elsewhere_asks(
    make_app: AppFactory, library: Path, answer: str, stored: str, clipboard: str
) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"mine")
        with Store(library) as other:
            actions.set_note(other, [pid], "theirs")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NoteConflict)
        with on_disk(library) as store:
            assert store.get(pid).notes == "theirs"  # nothing written before the answer
        await pilot.press(answer)
        assert isinstance(app.screen, MainScreen)
        assert app.clipboard == clipboard
    with on_disk(library) as store:
        assert store.get(pid).notes == stored


async def test_note_conflict_escape_goes_back_to_the_users_text(
    make_app: AppFactory, library: Path
) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"mine")
        with Store(library) as other:
            actions.set_note(other, [pid], "theirs")
        await pilot.press("ctrl+s", "escape")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "mine"
        await pilot.press(*" too", "ctrl+s")  # now based on "theirs": saves at once
        assert isinstance(app.screen, MainScreen)
    with on_disk(library) as store:
        assert store.get(pid).notes == "mine too"


async def test_tags_apply_the_users_diff_to_the_current_tags(
    make_app: AppFactory, library: Path
) -> None:
    pid = order(library)[0]
    with Store(library) as store:
        actions.change_tags(store, [pid], ["old", "drop"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        with Store(library) as other:  # added elsewhere while the dialog is open
            actions.change_tags(other, [pid], ["theirs"])
        app.screen.query_one(Input).value = "old new"  # the user removed "drop"
        await pilot.press("enter")
    with on_disk(library) as store:
        assert store.get(pid).tags == ["old", "theirs", "new"]


async def test_typing_in_the_tag_dialog_adds_rather_than_replaces(
    make_app: AppFactory, library: Path
) -> None:
    pid = order(library)[0]
    with Store(library) as store:
        actions.change_tags(store, [pid], ["kept"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", *"added", "enter")
    with on_disk(library) as store:
        assert store.get(pid).tags == ["kept", "added"]


# External changes while a modal is open --------------------------------------------
async def test_external_removal_under_an_open_modal_updates_the_list(
    make_app: AppFactory, library: Path
) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"draft")
        assert isinstance(app.screen, NoteEditor)
        with Store(library) as other:  # another process removes the first 50 papers
            other.remove(ids[:50])
        app.check_for_changes()
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert list(main(app).papers.ids) == ids[50:]  # updated behind the modal
        await pilot.press("ctrl+s")  # the paper being annotated is gone
        assert isinstance(app.screen, MainScreen)
        assert "removed elsewhere; your note is on the clipboard" in notes(app)[-1]
        assert app.clipboard == "draft"
        assert main(app).papers.current == ids[50]


async def test_a_note_on_a_paper_deleted_elsewhere_says_how_to_restore_it(
    make_app: AppFactory, library: Path
) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"draft")
        assert isinstance(app.screen, NoteEditor)
        with Store(library) as other:  # another process deletes it: into the trash
            actions.remove(other, ids[:1], now=NOW)
        app.check_for_changes()
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert notes(app)[-1] == (
            f"That paper was deleted elsewhere (readlist restore {ids[0]} brings it back); "
            "your note is on the clipboard."
        )
        assert app.clipboard == "draft"
    with Store(library) as store:
        assert ids[0] not in store


async def test_list_paints_an_id_that_has_gone_instead_of_crashing(
    make_app: AppFactory, library: Path
) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with Store(library) as other:
            other.remove(ids[:1])
            other.compact()  # a new snapshot: the app's store reloads everything
        assert app.store.refresh()  # caught up, but the list was not told yet
        assert "(removed elsewhere)" in rows(app)[0]
        await pilot.pause()


async def test_a_big_cli_import_while_the_tui_runs(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "big.txt"
    listing.write_text(generate(3000, seed=3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # the starred view: empty
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(library), "import", str(listing)],
            check=True,
            capture_output=True,
        )
        app.check_for_changes()
        await pilot.press("1", "G")
        assert "3254 shown" in str(main(app).query_one("#status").render())
        assert main(app).papers.current == order(library)[-1]


async def test_compaction_elsewhere_repaints_the_rows(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "★" not in rows(app)[0]
        with Store(library) as other:
            actions.set_starred(other, ids[:1], True, now=NOW)
            other.compact()
        app.check_for_changes()
        await pilot.pause()
        assert "★" in rows(app)[0]


# Two threads in one process ---------------------------------------------------------
async def test_import_worker_while_the_ui_toggles_and_refreshes(
    make_app: AppFactory, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = order(library)
    listing = tmp_path / "many.txt"
    listing.write_text(generate(1500, seed=5))
    real = importing.import_listings
    committed, landing = threading.Event(), threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def slower(done: int, total: int) -> None:
            time.sleep(0.05)  # inside the import's transaction: the lock is held
            progress(done, total)

        time.sleep(0.5)  # reading and parsing: the UI keeps writing meanwhile
        try:
            return real(*args, **{**kwargs, "progress": slower})
        finally:
            committed.set()
            # The outcome lands (and moves the cursor to the new papers) only once
            # the test has stopped toggling, so each toggle stars the next old paper.
            landing.wait(10)

    monkeypatch.setattr("readlist.importing.import_listings", slow)
    app = make_app()
    writers: set[str] = set()  # the threads that write to or refresh the app's store
    for name in ("transaction", "refresh", "put", "remove", "modify", "compact"):
        method = getattr(app.store, name)

        def spy(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            writers.add(threading.current_thread().name)
            return _method(*args, **kwargs)

        monkeypatch.setattr(app.store, name, spy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *str(listing), "enter")
        toggles = 0
        while not committed.is_set():
            await pilot.press("s", "j")  # star and move on, on the UI thread
            app.check_for_changes()  # the 1-second refresh, on the UI thread
            toggles += 1
        landing.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.check_for_changes()
        await pilot.pause()
        assert toggles > 1, toggles
        assert writers == {threading.main_thread().name}  # one owner: the UI thread
        assert isinstance(app.screen, MainScreen)
        assert not [w for w in app.workers if w.error is not None]
        assert "1754 total" in str(main(app).query_one("#status").render())
    with on_disk(library) as store:
        assert len(store) == 1754
        assert [store.get(i).starred for i in ids[:toggles]] == [True] * toggles


async def test_a_worker_that_raises_becomes_a_message(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom [/] in a worker")

    monkeypatch.setattr(ImportJob, "run", broken)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *"whatever.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "RuntimeError: boom [/] in a worker" in notes(app)
        await pilot.press("s")  # still alive
    with on_disk(library) as store:
        assert store.get(order(library)[0]).starred


# Hostile text -----------------------------------------------------------------------
HOSTILE = "Bad [/] title [b]bold\x1b]0;pwned\x07\x1b[2J\x9b31m"


async def test_markup_and_escapes_in_user_text_are_shown_harmlessly(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    path = tmp_path / "hostile.json"  # escapes: stored before the store's checks
    evil = Paper(
        id="abcdef1",
        title=HOSTILE,
        abstract="[/] abstract \x1b[31m",
        links=["https://x.example/[/]a"],
        notes="note [/]\x1b[2J",
        tags=["t[/]"],
    )
    write_unchecked(path, {evil.id: evil.to_doc()})
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        row = rows(app)[0]
        assert "Bad [/] title [b]bold" in row
        assert "pwned" not in row
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in row)
        await pilot.press("O")
        await pilot.pause()  # let the notification paint
        assert opened == ["https://x.example/[/]a"]
        assert notes(app)[-1] == "Opened https://x.example/[/]a"
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "number_sign", "enter", "ctrl+p", *"Bad")
        await pilot.pause(0.5)
        await pilot.press("escape", "n")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "note [/]"
        await pilot.press("escape")  # unchanged (as shown): closes without asking
        assert isinstance(app.screen, MainScreen)
        await pilot.press("slash", *"[/]")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "search: “[/]”" in str(main(app).query_one("#status").render())
        assert isinstance(app.screen, MainScreen)


async def test_a_keymap_that_is_markup_warns_and_starts(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app(Config(keymap={"[/]": "x", "readlist.star": "[/],x"}))
    async with app.run_test(size=SIZE) as pilot:
        assert any("no such binding id: [/]" in m for m in notes(app))
        await pilot.press("x", "question_mark")
        assert isinstance(app.screen, HelpScreen)
    with on_disk(library) as store:
        assert store.get(order(library)[0]).starred


async def test_import_dialog_error_is_one_notification(make_app: AppFactory, library: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "enter")
        assert isinstance(app.screen, ImportDialog)
        assert notes(app)[-1] == "Give a path or paste a listing."


async def test_a_key_on_a_paper_removed_since_the_last_refresh(
    make_app: AppFactory, library: Path
) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with Store(library) as other:
            other.remove(ids[:1])
        await pilot.press("space")  # the list still shows it: the write finds it gone
        assert notes(app)[-1] == f"no paper with id {ids[0]}"
        assert main(app).papers.ids[0] == ids[1]  # and the list caught up
        await pilot.press("s")
    with on_disk(library) as store:
        assert store.get(ids[1]).starred


async def test_a_lock_held_elsewhere_is_a_notice_and_undo_keeps_its_step(
    library: Path, tmp_path: Path
) -> None:
    pid = order(library)[0]
    app = create_app(
        Store(library, lock_timeout=0.2), blink=False, watch=None, export_dir=tmp_path, clock=CLOCK
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        lock = filelock.FileLock(f"{library}.lock")
        with lock:  # another process holds the library
            await pilot.press("r")
            assert "locked by another readlist process" in notes(app)[-1]
            await pilot.press("u")
            assert "locked by another readlist process" in notes(app)[-1]
        await pilot.press("u")
        assert notes(app)[-1] == "Undid star."
    with on_disk(library) as store:
        assert (store.get(pid).starred, store.get(pid).read) == (False, False)


async def test_papers_another_process_added_show_even_if_a_write_read_them_first(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with Store(library) as other:
            other.put([Paper(id="0000001", title="Added Elsewhere")])
        await pilot.press("s")  # this write catches up with the commit before its own
        app.check_for_changes()  # the timer: nothing new on disk since that write
        await pilot.pause()
        assert "255 total" in str(main(app).query_one("#status").render())
        assert "0000001" in main(app).papers.ids


async def test_a_library_deleted_while_the_tui_runs_is_reported_not_a_crash(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with Store(library) as other:
            other.put([other.get(order(library)[0]).replace(starred=True)])  # journal has data
        library.unlink()
        app.check_for_changes()
        app.check_for_changes()  # said once, not every second
        await pilot.pause()
        errors = [n for n in notes(app) if "does not exist" in n or "journal" in n]
        assert len(errors) == 1, notes(app)
        assert app.is_running
        await pilot.press("j", "q")
    assert app.return_code == 0
