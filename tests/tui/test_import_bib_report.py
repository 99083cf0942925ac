"""The TUI's import of a .bib names what it skipped, as the CLI does."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import SIZE, AppFactory, on_disk

REVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "review"


async def test_the_import_of_a_bib_with_stray_bytes_names_them(
    make_app: AppFactory, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    app = make_app(path=empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        box = dialog.query_one("#path", Input)
        box.value = str(REVIEW / "stray_bytes.bib")
        box.post_message(Input.Submitted(box, box.value))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        (note,) = [n.message for n in app._notifications if n.title == "Import"]
    assert note.splitlines()[0].startswith(
        "stray_bytes.bib: 2 added, 2 skipped (line 7: text outside any entry:"
    )
    assert "line 7: 2 bytes that are not UTF-8, dropped" in note.splitlines()
    assert "line 11: a byte that is not UTF-8, dropped" in note.splitlines()
    with on_disk(empty) as store:
        assert sorted(p.title for p in store.papers())[0] == "Café und Straße"
