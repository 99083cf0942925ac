"""The export dialog: focus on the scope, counts per scope, no silent overwrite."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from textual.widgets import Input, RadioButton, RadioSet

from readlist import actions
from readlist.store import Store
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.export_dialog import ExportDialog
from readlist.tui.screens.main import MainScreen
from tests.conftest import NOW
from tests.core.bibcheck import parse
from tests.tui.conftest import SIZE, AppFactory


def star_five(library: Path) -> list[str]:
    with Store(library) as store:
        ids = [p.id for p in store.papers()]
        actions.set_starred(store, ids[:5], True, now=NOW)
    return ids


async def test_focus_starts_on_the_scope_with_counts(make_app: AppFactory, library: Path) -> None:
    star_five(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "v", "v", "2", "e")  # three selected, unread view
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        scope = dialog.query_one("#scope", RadioSet)
        assert scope.has_focus
        labels = [str(b.label) for b in scope.query(RadioButton)]
        assert labels == ["Selected (3)", "Shown in the list (254)", "Starred (5)", "All (254)"]
        # Arrows and enter pick another scope, without leaving the scope.
        await pilot.press("down", "down", "enter")
        assert scope.pressed_button is not None
        assert scope.pressed_button.name == "starred"


async def test_declining_the_overwrite_keeps_the_old_file(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    star_five(library)
    target = tmp_path / "old.bib"
    target.write_text("% mine, keep it\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, Confirm)
        assert str(target) in app.screen.question
        await pilot.press("n")
        assert isinstance(app.screen, ExportDialog)  # back to choose another name
        assert app.screen.query_one("#path", Input).has_focus
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert target.read_text() == "% mine, keep it\n"


async def test_accepting_the_overwrite_replaces_the_file(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    star_five(library)
    target = tmp_path / "old.bib"
    target.write_text("% mine\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert len(parse(target.read_text())) == 5


async def test_a_new_file_is_written_without_asking(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    star_five(library)
    target = tmp_path / "new.bib"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        box = app.screen.query_one("#path", Input)
        box.value = str(target)
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert len(parse(target.read_text())) == 5


async def test_a_directory_is_refused(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        app.screen.query_one("#path", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert any("is a directory" in n.message for n in app._notifications)


async def test_a_fifo_is_refused_without_asking_to_replace_it(
    make_app: AppFactory, tmp_path: Path
) -> None:
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        app.screen.query_one("#path", Input).value = str(fifo)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)  # no "Replace it?" and no export
        notes = [n.message for n in app._notifications]
    assert notes == [f"{fifo}: not a regular file (a FIFO); give the name of a file."]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
