"""`n` straight into $EDITOR (`[tui] note = "editor"`, the issue's "option of n"), and `p`
pressed again while the paper's PDF is still downloading, through Pilot on a real
library, a scripted $EDITOR and a loopback server that holds the download open."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readlist.config import Config, Network, load
from readlist.store import Store
from readlist.tui.screens.note import NoteEditor
from tests.core.editorfake import FakeEditor
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_owning import PDF, _opened, editor, main, stored, viewer

__all__ = ["editor", "viewer"]  # fixtures


async def test_n_with_tui_note_editor_opens_the_note_in_the_editor(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    with Store(library) as store:
        first = next(iter(store.papers()))
        store.put([first.replace(notes="before")])
    editor.plan({"text": "# after\n"})
    app = make_app(Config(note_in_editor=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        screen.papers.move_to(first.id)
        await pilot.press("n")
        await pilot.pause()
        assert editor.seen() == ["before\n"]  # the note, as Markdown, no dialog first
        assert editor.paths()[0].suffix == ".md"
        assert not isinstance(app.screen, NoteEditor)
        assert stored(library)[first.id]["notes"] == "# after"
        await pilot.press("u")  # one undo step
        await pilot.pause()
        assert stored(library)[first.id]["notes"] == "before"


async def test_n_with_tui_note_editor_and_no_editor_opens_the_dialog(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app(Config(note_in_editor=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert any("EDITOR" in n.message for n in app._notifications)


def test_tui_note_is_read_from_config_and_a_bad_value_is_a_warning(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[tui]\nnote = "editor"\n')
    assert load(config).note_in_editor
    config.write_text('[tui]\nnote = "vim"\n')
    loaded = load(config)
    assert not loaded.note_in_editor
    assert loaded.warnings == (
        'config.toml: [tui] note must be "dialog" or "editor", using "dialog"',
    )
    assert not load(tmp_path / "none.toml").note_in_editor


async def test_p_again_while_downloading_is_a_no_op_that_says_so(
    make_app: AppFactory, library: Path, httpserver: HTTPServer, viewer: Path, tmp_path: Path
) -> None:
    arxiv_id = "2511.07399"
    with Store(library) as store:
        pid = next(iter(store.papers())).id
        store.put([store.get(pid).replace(arxiv_id=arxiv_id)])
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        return Response(PDF, content_type="application/pdf")

    httpserver.expect_request(f"/pdf/{arxiv_id}").respond_with_handler(slow)
    net = Network(auto_resolve=False, arxiv_pdf=httpserver.url_for("/pdf"), arxiv_delay=0)
    app = make_app(Config(network=net))
    app.cache_dir = tmp_path / "cache"
    async with app.run_test(size=SIZE) as pilot:
        main(app).papers.move_to(pid)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert f"{pid}: its PDF is already downloading; it opens when done." in notes
        assert main(app).runner.waiting("network") == []
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(httpserver.log) == 1
        assert _opened(viewer, 1) == [str(tmp_path / "cache" / "pdf" / f"{arxiv_id}.pdf")]


async def test_a_year_only_paper_shows_its_year_in_the_list_and_the_detail(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    from readlist.importing import import_texts
    from tests.conftest import AS_OF, NOW

    bib = "@article{y, title = {Only a Year}, author = {Lee, Ann}, year = {2020}}\n"
    path = tmp_path / "years.json"
    with Store(path) as store:
        import_texts(store, [("y.bib", bib)], AS_OF, NOW)
        (pid,) = [p.id for p in store.papers()]
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        screen.papers.move_to(pid)
        await pilot.pause()
        row = screen.papers.render_line(screen.papers.cursor).text
        assert " 2020 " in row
        assert "2020-01-01" not in row
        from tests.tui.test_small_screen import shown_in

        detail = shown_in(app, screen.query_one("#detail").region)
        assert "2020" in detail
        assert "2020-01-01" not in detail
