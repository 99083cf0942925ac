"""A library that holds bad values (a hand edit, an older readlist) still opens in the
TUI: such a paper shows as a plain row, its detail says what is wrong, and no key,
search, sort or view raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from readlist.model import Paper
from readlist.tui.screens.main import MainScreen
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from tests.conftest import CLOCK, write_unchecked
from tests.tui.conftest import SIZE, AppFactory

BAD = {
    "authors": 5,
    "tags": 7,
    "date": 20250101,
    "upvotes": "many",
    "added": "yesterday",
    "notes": ["not", "text"],
    "categories": "cs.CV",
}


def _library(tmp_path: Path) -> Path:
    path = tmp_path / "bad.json"
    good = Paper(id="good001", title="Video Diffusion That Works", tags=["video"], upvotes=3)
    bad = Paper(id="bad0001", title="Video Paper With Bad Fields").to_doc() | BAD
    write_unchecked(path, {good.id: good.to_doc(), "bad0001": bad})
    return path


def _rows(app: MainScreen) -> list[str]:
    papers = app.query_one(PaperList)
    return [papers.render_line(y).text for y in range(len(papers.ids))]


async def test_a_bad_paper_is_a_plain_row_and_nothing_raises(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(path=_library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        rows = _rows(screen)
        assert any("Video Paper With Bad Fields" in r for r in rows), rows
        assert any("Video Diffusion That Works" in r for r in rows), rows
        screen.jump_to("bad0001")
        await pilot.pause()
        body = screen.query_one(DetailPane).query_one("#detail-body", Static)
        shown = " ".join(body.render_line(y).text for y in range(body.size.height))
        assert "stored data is invalid" in shown
        assert "authors" in shown
        # Keys on it are one notice each; search, sort, views and stats keep working.
        await pilot.press("space", "s", "o", "o", "o", "2", "1", "S", "escape")
        await pilot.press("slash", *"video", "enter")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert set(screen.session.ids) == {"good001", "bad0001"}
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors, "starring a paper that cannot be read says so"
        assert all("paper bad0001: authors" in e for e in errors), errors
    assert app.return_code in (None, 0)


def test_a_crash_in_the_tui_is_a_non_zero_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`readlist` used to exit 0 after Textual showed a traceback."""
    from textual.app import App

    from readlist.tui import launch

    class Broken(App[None]):
        def on_mount(self) -> None:
            raise RuntimeError("a bug")

    def make(*args: object, **kwargs: object) -> App[None]:
        app = Broken()
        real_run = app.run
        monkeypatch.setattr(app, "run", lambda: real_run(headless=True))
        return app

    monkeypatch.setattr("readlist.tui.app.create_app", make)
    assert launch.launch(str(_library(tmp_path)), CLOCK) == 1


async def test_an_export_names_the_papers_it_left_out(make_app: AppFactory, tmp_path: Path) -> None:
    from textual.widgets import Input

    from readlist.tui.screens.export_dialog import ExportDialog

    out = tmp_path / "out.bib"
    app = make_app(path=_library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
    text = out.read_text(encoding="utf-8")
    assert "Video Diffusion That Works" in text
    assert "Bad Fields" not in text
    assert any("Exported 1 entries" in m and "1 left out" in m for m in said), said
    assert any("bad0001 left out" in m for m in said), said


async def test_a_paper_with_one_wrongly_typed_field_never_crashes_the_detail(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """tags: [2024], written by hand through TinyDB: the cursor on it shows what is
    wrong (it once raised in the detail pane and ended the app with a traceback)."""
    path = tmp_path / "lib.json"
    good = Paper(id="good001", title="Video Diffusion That Works", tags=["video"])
    bad = Paper(id="bad0001", title="Video Paper With Numeric Tags").to_doc() | {"tags": [2024]}
    write_unchecked(path, {good.id: good.to_doc(), "bad0001": bad})
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for _ in range(2):
            await pilot.press("j")
            await pilot.pause()
        await pilot.press("k", "j", "space", "t", "escape")
        screen.jump_to("bad0001")
        await pilot.pause()
        body = screen.query_one(DetailPane).query_one("#detail-body", Static)
        shown = " ".join(body.render_line(y).text for y in range(body.size.height))
        assert "stored data is invalid" in shown
        assert "tags[0]" in shown
        await pilot.press("y", "n", "t")  # copy its key, its note, its tags: a notice each
        await pilot.pause()
        assert app.screen is screen
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) >= 3, errors
        assert all("paper bad0001: tags[0]" in e for e in errors), errors
    assert app.return_code in (None, 0)


async def test_d_deletes_and_e_and_p_refuse_a_paper_with_invalid_data(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E and p say what is wrong instead of raising; d deletes it (readlist rm does)."""
    from readlist.tui.screens.confirm import Confirm

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    path = _library(tmp_path)
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.papers.move_to("bad0001")
        await pilot.press("E", "p")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app._notifications) == 2
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert "Video Paper With Bad Fields" in dialog.question
        await pilot.press("y")
        await pilot.pause()
        assert "bad0001" not in screen.store
        assert app.return_code is None
