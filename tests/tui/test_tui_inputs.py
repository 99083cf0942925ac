"""Hostile input through the TUI: the same rules as the CLI, because the TUI's jobs
call the same services (import format checks, export output checks, clean text)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from readlist.model import Paper
from readlist.tui.screens.export_dialog import ExportDialog
from readlist.tui.screens.main import MainScreen
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from tests.conftest import write_unchecked
from tests.tui.conftest import SIZE, AppFactory

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b"


def digest(library: Path) -> tuple[str, str]:
    journal = library.with_name(library.name + "-journal")
    return (
        hashlib.sha256(library.read_bytes()).hexdigest(),
        hashlib.sha256(journal.read_bytes()).hexdigest(),
    )


def notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_export_onto_the_library_is_refused(make_app: AppFactory, library: Path) -> None:
    before = digest(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#path", Input).value = str(library)
        await pilot.press("ctrl+s", "y")  # yes, replace it: the export itself refuses
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("a file of the library" in n for n in notices(app)), notices(app)
    assert digest(library) == before


async def test_pasted_email_is_not_imported(make_app: AppFactory, library: Path) -> None:
    before = digest(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        app.screen.query_one(TextArea).text = "Hi team,\n\nhave a look at this one.\n\nBob\n"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.session.ids) == 254
        assert any("not a Daily Papers listing: <paste>" in n for n in notices(app))
    assert digest(library) == before


async def test_stored_escapes_never_reach_the_screen(make_app: AppFactory, tmp_path: Path) -> None:
    path = tmp_path / "evil.json"  # stored before the store's checks
    evil = Paper(
        id="abcdef1",
        title=f"Evil {ESCAPES} title",
        abstract=f"Abstract {ESCAPES}",
        notes=f"Note {ESCAPES}",
        tags=[f"t{ESCAPES}"],
        added="2026-01-01T00:00:00",
    )
    write_unchecked(path, {evil.id: evil.to_doc()})
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = app.screen.query_one(PaperList)
        rows = [shown.render_line(y).text for y in range(2)]
        assert any("Evil" in row for row in rows), rows
        body = app.screen.query_one(DetailPane).query_one("#detail-body", Static)
        lines = [body.render_line(y).text for y in range(body.size.height)]
        assert any("Abstract" in line for line in lines), lines
        for text in rows + lines:
            assert "\x1b" not in text, repr(text)
            assert "\x07" not in text, repr(text)
            assert "\x9b" not in text, repr(text)
