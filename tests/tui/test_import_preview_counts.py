"""The import dialog's preview line says what ctrl+s then does, count for count."""

from __future__ import annotations

from pathlib import Path

from readlist.store import Store
from readlist.tui.screens.main import MainScreen
from tests.core.test_preview_dry_run import library, realistic_paste
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_import_dialog import paste, preview_text


async def test_the_preview_line_is_what_the_import_reports(
    make_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "held.json"
    with Store(path) as store:
        library(store)
        before = len(store)
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, realistic_paste())
        assert await preview_text(pilot) == (
            "24 entries, 12 new, 5 to merge into the library, 7 already in the library"
        )
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        (note,) = [n.message for n in app._notifications if n.title == "Import"]
        assert note.startswith("<paste>: 24 papers: 12 added, 5 merged (filled in ")
        assert note.endswith("), 7 already in the library")
    with Store(path) as store:
        assert len(store) == before + 12
