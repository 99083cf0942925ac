"""Pasting into the import dialog: wherever the focus is, with a preview, at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label, TextArea

from readlist.store import Store
from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from tests.conftest import SEEDS
from tests.tui.conftest import SIZE, AppFactory, on_disk

BIG = SEEDS / "002_3c55a4b56f8e4387.txt"  # 102 entries, all in the seeded library
NEW = (
    "Daily Papers\n\nNov 20\n\n"
    "Pasted Paper One: Testing the Import Dialog\n\nAn abstract.\n\n"
    "  • 3 authors\n·\nNov 19 12\n\n"
    "Pasted Paper Two\n\nAnother abstract.\n"
)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """What a terminal's bracketed paste delivers to the app."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def preview_text(pilot: Pilot[Any]) -> str:
    """The preview line once counted (it waits for a pause, then counts in a worker)."""
    label = pilot.app.screen.query_one("#preview", Label)
    for _ in range(100):  # 10 s at most, on a loaded machine
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
        text = str(label.render())
        if text not in ("Nothing pasted yet.", "Counting…"):
            return text
    raise AssertionError(f"the preview never counted: {text!r}")


async def test_a_paste_in_the_path_box_lands_in_the_paste_area_and_imports(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    text = BIG.read_text() + "\n\n" + NEW.split("\n\n", 2)[-1]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        dialog = app.screen
        assert dialog.focused is dialog.query_one(Input)
        await paste(pilot, text)
        area = dialog.query_one(TextArea)
        assert area.text == text
        assert dialog.query_one(Input).value == ""
        assert area.has_focus
        assert await preview_text(pilot) == "104 entries, 2 new, 102 already in the library"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    with on_disk(library) as store:
        assert len(store) == 256
        titles = {p.title for p in store.papers()}
        assert {"Pasted Paper One: Testing the Import Dialog", "Pasted Paper Two"} <= titles


async def test_a_paste_before_anything_has_focus_still_lands(
    make_app: AppFactory, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    app = make_app(path=empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        app.screen.set_focus(None)
        await paste(pilot, BIG.read_text())
        assert app.screen.query_one(TextArea).text == BIG.read_text()
        assert await preview_text(pilot) == "102 entries, 102 new"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with on_disk(empty) as store:
        assert len(store) == 102


async def test_a_one_line_paste_is_a_path(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        app.screen.set_focus(None)
        await paste(pilot, f"{tmp_path}/listing.txt\n")
        assert app.screen.query_one(Input).value == f"{tmp_path}/listing.txt"
        assert app.screen.query_one(TextArea).text == ""


async def test_an_unparseable_paste_says_why_and_imports_nothing(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, "Daily Papers\n\nA title without an abstract")
        assert await preview_text(pilot) == (
            "Cannot import: no papers found; is this a Daily Papers listing?"
        )
        assert app.screen.query_one("#preview").has_class("error")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # the import says why, too
    with on_disk(library) as store:
        assert len(store) == 254


async def test_the_hint_stays_on_screen_at_80x24_with_a_long_paste(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await paste(pilot, BIG.read_text())
        await preview_text(pilot)
        dialog = app.screen
        box = dialog.query_one("#import-dialog").content_region
        assert box.bottom <= 24
        for widget in (dialog.query_one(".hint"), dialog.query_one("#preview")):
            assert widget.region.height == 1
            assert box.contains_region(widget.region), widget
        assert dialog.query_one(TextArea).region.height >= 3
        assert "ctrl+s import" in str(dialog.query_one(".hint", Label).render())


async def test_the_preview_counts_against_the_library_not_the_paste_store(
    make_app: AppFactory, library: Path
) -> None:
    """Counting reads a snapshot; the library file is not written before ctrl+s."""
    mtime = library.stat().st_mtime_ns
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, NEW)
        assert await preview_text(pilot) == "2 entries, 2 new"
        await pilot.press("escape")
    assert library.stat().st_mtime_ns == mtime
    with Store(library) as store:
        assert len(store) == 254


async def test_pastes_arrive_clean_with_cr_newlines_and_escapes(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Terminals send CR for newlines; a copied page may carry terminal escapes."""
    hostile = NEW.replace("An abstract.", "An \x1b]0;owned\x07abstract\x9b2J.")
    app = make_app(path=tmp_path / "empty.json")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, hostile.replace("\n", "\r"))
        area = app.screen.query_one(TextArea)
        assert area.text == NEW.replace("An abstract.", "An abstract.")
        assert await preview_text(pilot) == "2 entries, 2 new"
        area.clear()
        await paste(pilot, "Daily Papers\r\n\r\nT\x1b[31m\r\n\r\nA.\r\n")  # focus is on the area
        assert area.text == "Daily Papers\n\nT\n\nA.\n"
        app.screen.query_one(Input).focus()
        await paste(pilot, "/tmp/\x1b[2Jx.txt\r")
        box = app.screen.query_one(Input)
        assert box.value == "/tmp/x.txt"
        assert box.cursor_position == len(box.value)


async def test_a_paste_that_beats_is_dialog_to_the_list_lands_in_it(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """`i` and a paste in one write (over SSH, or tmux's paste-buffer right after `i`):
    the App hands the paste to the list before `i`'s binding has run. It lands in the
    one import dialog all the same."""
    app = make_app(path=tmp_path / "empty.json")
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(events.Key("i", "i"))
        app.post_message(events.Paste(BIG.read_text()))
        await pilot.pause()
        await pilot.pause()
        dialogs = [s for s in app.screen_stack if isinstance(s, ImportDialog)]
        assert len(dialogs) == 1
        assert dialogs[0].query_one(TextArea).text == BIG.read_text()
        assert await preview_text(pilot) == "102 entries, 102 new"


async def test_a_listing_pasted_onto_the_list_opens_the_import_dialog_with_it(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, NEW)
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        assert app.screen.query_one(TextArea).text == NEW
        assert await preview_text(pilot) == "2 entries, 2 new"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await paste(pilot, "one line, not a listing")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("i")  # the dialog opens again after the first was closed
        assert isinstance(app.screen, ImportDialog)
