"""The import and export dialogs, end to end: files on disk, the store, bibtex."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from readlist import actions
from readlist.store import Store
from readlist.tui.screens.export_dialog import ExportDialog
from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from tests.conftest import NOW, SEEDS
from tests.core.bibcheck import compile_bib, parse
from tests.tui.conftest import SIZE, AppFactory, on_disk

LISTING = (
    "Daily Papers\n\nNov 20\n\n"
    "Pasted Paper One: Testing the Import Dialog\n\nAn abstract with https://github.com/x/y.\n\n"
    "  • 3 authors\n·\nNov 19 12\n\n"
    "Pasted Paper Two\n\nAnother abstract.\n"
)


async def test_import_pasted_listing(make_app: AppFactory, library: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one(TextArea).text = LISTING  # what a terminal paste delivers
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.session.ids) == 256
        # Undo takes the import back out.
        await pilot.press("u")
        assert len(app.screen.session.ids) == 254
        await pilot.press("ctrl+r")
    with on_disk(library) as store:
        titles = {p.title for p in store.papers()}
        assert "Pasted Paper One: Testing the Import Dialog" in titles
        paper = next(p for p in store.papers() if p.title.startswith("Pasted Paper One"))
        assert paper.upvotes == 12
        assert paper.links == ["https://github.com/x/y"]
        assert paper.sources[0].file == "<paste>"


BIBTEX_PASTE = (
    "@article{lee2024pasted,\n  title = {Pasted from a {.bib} File},\n"
    '  author = {Lee, Ann and M{\\"u}ller, J{\\"o}rg},\n  journal = {JMLR},\n'
    "  year = {2024},\n  eprint = {2401.01234},\n  archivePrefix = {arXiv}\n}\n"
)


async def test_import_pasted_bibtex(make_app: AppFactory, library: Path) -> None:
    """A BibTeX paste goes through the same import as a file: detected by content."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one(TextArea).text = BIBTEX_PASTE
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.session.ids) == 255
        # The same key again, on another paper: the notice says what happened to it.
        await pilot.press("i")
        again = BIBTEX_PASTE.replace("Pasted from a", "Another [b]paper[/b] from a").replace(
            "2401.01234", "2401.05678"
        )
        app.screen.query_one(TextArea).text = again
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (notice,) = [n for n in app._notifications if n.title == "Import"][-1:]
        assert notice.message == (
            "<paste>: 1 added, 1 warning\n"
            "line 1: key lee2024pasted is taken by another paper; stored as lee2024pasteda"
        )
        assert not notice.markup
    with on_disk(library) as store:
        paper = next(p for p in store.papers() if p.bibkey == "lee2024pasted")
        assert paper.title == "Pasted from a .bib File"
        assert paper.authors == ["Ann Lee", "Jörg Müller"]
        assert (paper.arxiv_id, paper.entry_type) == ("2401.01234", "article")
        assert paper.bibfields["journal"] == "JMLR"


async def test_import_path_with_completion(make_app: AppFactory, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    app = make_app(path=empty)
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "seed-004.txt").write_bytes((SEEDS / "004_097c14f588d18b51.txt").read_bytes())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.press(*f"{folder}/se")
        await pilot.pause(0.2)
        await pilot.press("right")  # accept the completion
        assert app.screen.query_one(Input).value == f"{folder}/seed-004.txt"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.session.ids) == 64
    with on_disk(empty) as store:
        assert len(store) == 64


async def test_import_of_a_bad_file_reports_and_changes_nothing(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary" * 20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *str(bad), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [(n.title, "\n" in n.message) for n in errors] == [("Import failed", False)]
        assert str(bad) in errors[0].message
    with on_disk(library) as store:
        assert len(store) == 254


async def test_export_dialog_writes_a_file_that_compiles(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    with Store(library) as store:
        ids = [p.id for p in store.papers()]
        actions.set_starred(store, ids[:5], True, now=NOW)
    target = tmp_path / "out" / "starred.bib"
    target.parent.mkdir()
    target.write_text("% old content that must be replaced\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        assert isinstance(app.screen, ExportDialog)
        box = app.screen.query_one("#path", Input)
        box.value = str(target)
        await pilot.press("ctrl+s", "y")  # yes, replace the old file
        await app.workers.wait_for_complete()
        await pilot.pause()
    text = target.read_text()
    assert "old content" not in text
    assert len(parse(text)) == 5
    blg, pdf = compile_bib(text, tmp_path)
    assert "Warning--" not in blg
    assert "error message" not in blg
    assert pdf.exists()
    with on_disk(library) as store:
        assert all(store.get(i).bibkey for i in ids[:5])
