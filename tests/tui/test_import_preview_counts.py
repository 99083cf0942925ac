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


async def test_the_preview_line_counts_a_deleted_papers_key_as_the_import_does(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The dialog hands the preview the library's deleted papers too: a held paper
    pasted under a deleted paper's key is "already" (the key stays the deleted
    paper's), as the import then reports, not "to merge"."""
    from readlist import actions
    from readlist.importing import import_texts
    from tests.conftest import AS_OF, NOW
    from tests.core.test_preview_dry_run import TWO

    path = tmp_path / "held.json"
    with Store(path) as store:
        import_texts(store, [("refs.bib", TWO)], AS_OF, NOW)
        (deep,) = [p for p, d in store.records().items() if d["title"] == "Deep Things"]
        actions.remove(store, [deep], now=NOW)
    paste_text = (
        "@misc{x1, title = {Deep Things}, author = {Smith, John}, year = {2020}}\n"
        "@misc{smith2020deep, title = {Other Stuff}, author = {Doe, Jane}, year = {2021}}\n"
    )
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, paste_text)
        assert await preview_text(pilot) == "2 entries, 1 new, 1 already in the library"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (note,) = [n.message for n in app._notifications if n.title == "Import"]
        assert note.startswith("<paste>: 2 papers: 1 added, 1 already in the library")
