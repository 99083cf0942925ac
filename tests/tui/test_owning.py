"""d, E, the note in $EDITOR (ctrl+o in n) and p, driven through Pilot on a real
library: a scripted $EDITOR (tests/core/editorfake.py) writes known edits, another
process writes meanwhile, and the PDF comes from a loopback server."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from readlist.config import Config, Network
from readlist.editform import FIELDS
from readlist.store import Store
from readlist.tui.app import ReadlistApp
from readlist.tui.display import shortened
from readlist.tui.owning import QUESTION_TITLE
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.main import SEARCH_PAUSE, MainScreen
from readlist.tui.screens.note import NoteConflict, NoteEditor
from readlist.tui.screens.paper_form import PaperForm
from readlist.tui.widgets.paper_list import PDF_GLYPH
from tests.core.editorfake import FakeEditor, field
from tests.tui.conftest import SIZE, AppFactory, on_disk


def main(app: ReadlistApp) -> MainScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


def question(app: ReadlistApp) -> str:
    dialog = app.screen
    assert isinstance(dialog, Confirm)
    return dialog.question


def stored(library: Path) -> dict[str, dict[str, Any]]:
    with on_disk(library) as store:
        return {pid: dict(doc) for pid, doc in store.records().items()}


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    folder = tmp_path / "editor"
    folder.mkdir()
    fake = FakeEditor(folder)
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return fake


# d ---------------------------------------------------------------------------------
async def test_d_asks_naming_the_paper_deletes_it_and_u_brings_it_back(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        pid = screen.current
        assert pid is not None
        title = screen.store.get(pid).title
        await pilot.press("d")
        assert question(app).startswith(f"Delete “{shortened(title, QUESTION_TITLE)}”?")
        assert title.startswith(shortened(title, QUESTION_TITLE)[:-1])
        await pilot.press("y")
        await pilot.pause()
        assert pid not in stored(library)
        assert pid not in screen.session.ids
        assert screen.current != pid
        await pilot.press("u")
        await pilot.pause()
        assert stored(library)[pid]["title"] == title
        assert pid in screen.session.ids


async def test_d_on_a_selection_names_how_many_and_n_deletes_nothing(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = stored(library)
        await pilot.press("v", "v", "v", "d")
        assert question(app).startswith("Delete 3 papers?")
        await pilot.press("n")
        await pilot.pause()
        assert stored(library) == before
        picked = list(main(app).session.selected)
        await pilot.press("d", "y")
        await pilot.pause()
        after = stored(library)
        assert len(after) == len(before) - 3
        assert not set(picked) & set(after)


async def test_a_deleted_papers_key_is_never_given_to_another_in_an_edit(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its key may be cited: the form refuses it for another paper, nothing saved."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    with Store(library) as store:
        first, second = [p.id for p in store.papers()][:2]
        store.put([store.get(first).replace(bibkey="cited2025deep")])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        screen.papers.move_to(first)
        await pilot.press("d", "y")
        await pilot.pause()
        screen.papers.move_to(second)
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, PaperForm)
        form.field("key").value = "cited2025deep"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PaperForm)
        assert "the deleted paper" in form.error
        assert "bibkey" not in stored(library)[second] or not stored(library)[second]["bibkey"]


def test_a_long_title_is_cut_at_a_word_with_an_ellipsis() -> None:
    assert shortened("Short", 10) == "Short"
    assert shortened("Supervised Learning-enhanced Multi-Group", 25) == "Supervised…"
    assert shortened("Averyveryverylongsingleword", 10) == "Averyvery…"


# E -----------------------------------------------------------------------------------
async def test_e_saves_the_editors_edit_as_one_undo_step(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    editor.plan(field("title", '"A Better Title"'))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        old = stored(library)[pid]["title"]
        await pilot.press("E")
        await pilot.pause()
        assert stored(library)[pid]["title"] == "A Better Title"
        assert f'title = "{old}"' in editor.seen()[0]
        await pilot.press("u")
        await pilot.pause()
        assert stored(library)[pid]["title"] == old


async def test_e_reopens_with_the_error_on_top_and_applies_nothing_half(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    """An empty title with a good venue (a journal article): refused whole; the second
    run sees the error on top, fixes the title, and both fields land in one step."""
    bad = {
        "sub": [
            [r"^title = .*$", 'title = ""'],
            [r"^type = .*$", 'type = "article"'],
            [r"^venue = .*$", 'venue = "NeurIPS"'],
        ]
    }
    editor.plan(bad, field("title", '"Fixed"'))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        before = stored(library)[pid]
        await pilot.press("E")
        await pilot.pause()
        first, second = editor.seen()
        assert not first.startswith("# error")
        assert second.startswith("# error")
        assert "title" in second.splitlines()[0]
        after = stored(library)[pid]
        assert after["title"] == "Fixed"
        assert "NeurIPS" in str(after)
        await pilot.press("u")
        await pilot.pause()
        assert stored(library)[pid] == before


async def test_e_without_an_editor_is_a_form_that_keeps_errors_on_top(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        before = stored(library)[pid]
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, PaperForm)
        assert form.field("title").value == before["title"]
        form.field("title").value = ""
        form.field("type").value = "article"
        form.field("venue").value = "Journal of Things"
        form.field("authors").value = "Ann Lee; Bo Chen"
        form.field("tags").value = "x y"
        form.field("url").focus()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PaperForm)
        assert form.error == "title: cannot be empty"
        assert form.focused is form.field("title")  # the field the error names
        assert stored(library)[pid] == before  # nothing half-applied
        await pilot.press(*"Formed", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        after = stored(library)[pid]
        assert after["title"] == "Formed"
        assert after["authors"] == ["Ann Lee", "Bo Chen"]
        assert after["tags"] == ["x", "y"]
        assert "Journal of Things" in str(after)
        await pilot.press("u")  # one undo step
        await pilot.pause()
        assert stored(library)[pid] == before


async def test_up_and_down_move_between_the_forms_fields(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, PaperForm)
        assert form.focused is form.field(FIELDS[0])
        await pilot.press("down", "down")
        assert form.focused is form.field(FIELDS[2])
        await pilot.press("up")
        assert form.focused is form.field(FIELDS[1])
        await pilot.press("up")
        assert form.focused is form.field(FIELDS[0])


# The note in $EDITOR -------------------------------------------------------------------
async def test_ctrl_o_in_the_note_dialog_goes_on_in_the_editor_as_markdown(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    editor.plan({"text": "# Notes\n\n- *fast*\n"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        await pilot.press("n", *"draft", "ctrl+o")
        await pilot.pause()
        assert editor.seen() == ["draft\n"]
        assert editor.paths()[0].suffix == ".md"
        assert stored(library)[pid]["notes"] == "# Notes\n\n- *fast*"
        assert not editor.paths()[0].exists()


async def test_a_note_changed_elsewhere_meanwhile_asks_as_the_dialog_does(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        theirs = [sys.executable, "-m", "readlist", "--db", str(library), "note", pid, "theirs"]
        editor.plan({"run": theirs, "text": "mine\n"})
        await pilot.press("n", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, NoteConflict)
        assert stored(library)[pid]["notes"] == "theirs"
        await pilot.press("o")
        await pilot.pause()
        assert stored(library)[pid]["notes"] == "mine"


async def test_ctrl_o_with_no_editor_says_so_and_keeps_the_draft(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"keep me", "ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteEditor)
        assert dialog.text == "keep me"


# p -----------------------------------------------------------------------------------
PDF = b"%PDF-1.5\n" + b"x" * 20_000 + b"\n%%EOF\n"


@pytest.fixture
def viewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    opened = tmp_path / "opened.txt"
    script = tmp_path / "viewer.py"
    script.write_text(f"import sys\nopen({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    monkeypatch.setenv("READLIST_PDF_VIEWER", f"{sys.executable} {script}")
    return opened


def _opened(path: Path, count: int) -> list[str]:
    for _ in range(200):  # the viewer runs detached
        if path.exists() and len(path.read_text().splitlines()) >= count:
            break
        time.sleep(0.05)
    return path.read_text().splitlines() if path.exists() else []


async def test_p_downloads_through_the_runner_records_marks_and_opens(
    make_app: AppFactory, library: Path, httpserver: HTTPServer, viewer: Path, tmp_path: Path
) -> None:
    arxiv_id = "2511.07399"
    with Store(library) as store:
        pid = next(iter(store.papers())).id
        store.put([store.get(pid).replace(arxiv_id=arxiv_id)])
    httpserver.expect_request(f"/pdf/{arxiv_id}").respond_with_data(PDF)
    net = Network(auto_resolve=False, arxiv_pdf=httpserver.url_for("/pdf"), arxiv_delay=0)
    app = make_app(Config(network=net))
    app.cache_dir = tmp_path / "cache"
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        screen.papers.move_to(pid)
        row = screen.papers.cursor
        assert PDF_GLYPH not in screen.papers.render_line(row).text
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        kept = tmp_path / "cache" / "pdf" / f"{arxiv_id}.pdf"
        assert kept.read_bytes() == PDF
        assert stored(library)[pid]["pdf"] == str(kept)
        assert _opened(viewer, 1) == [str(kept)]
        assert PDF_GLYPH in screen.papers.render_line(row).text
        # Again: opened from disk, not downloaded again.
        await pilot.press("p")
        await pilot.pause()
        assert _opened(viewer, 2) == [str(kept)] * 2
        assert len(httpserver.log) == 1
        # A PDF removed from disk loses its mark.
        kept.unlink()
        screen.papers.refresh()
        assert PDF_GLYPH not in screen.papers.render_line(row).text


# Saved searches as views -------------------------------------------------------------
async def test_5_cycles_through_the_saved_searches_as_views(
    make_app: AppFactory, library: Path
) -> None:
    with Store(library) as store:
        ids = [p.id for p in store.papers()]
        store.put([store.get(i).replace(tags=["thesis"]) for i in ids[:4]])
        store.put([store.get(ids[0]).replace(read=True, read_at="2026-11-20T08:00:00+00:00")])
    searches = {"thesis": "tag:thesis", "todo": "tag:thesis is:unread"}
    app = make_app(Config(searches=searches))
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        status = screen.query_one("#status")
        await pilot.press("5")
        assert sorted(screen.session.ids) == sorted(ids[:4])
        assert str(status.render()).startswith("thesis")
        await pilot.press("5")
        assert sorted(screen.session.ids) == sorted(ids[1:4])
        assert str(status.render()).startswith("todo")
        # Marking one read here makes it leave this view, as in the unread view.
        screen.papers.move_to(ids[1])
        await pilot.press("r")
        await pilot.pause()
        assert sorted(screen.session.ids) == sorted(ids[2:4])
        await pilot.press("5")  # round to the first again
        assert sorted(screen.session.ids) == sorted(ids[:4])
        await pilot.press("1")
        assert len(screen.session.ids) == len(ids)
        assert str(status.render()).startswith("all")


async def test_5_without_saved_searches_says_where_to_add_them(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        shown = list(screen.session.ids)
        await pilot.press("5")
        await pilot.pause()
        assert screen.session.ids == shown
        assert any("[searches]" in n.message for n in app._notifications)


def test_the_pdf_job_reports_bytes_as_they_come_and_stops_when_asked(
    library: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """What the runner's bar shows: bytes of the total from the first chunk; esc (the
    cancel flag) stops it with nothing recorded."""
    import threading

    from readlist.errors import ReadlistError
    from readlist.tui.owning import PdfJob

    with Store(library) as store:
        pid = next(iter(store.papers())).id
        store.put([store.get(pid).replace(arxiv_id="2511.07399")])
    httpserver.expect_request("/pdf/2511.07399").respond_with_data(PDF)
    net = Network(arxiv_pdf=httpserver.url_for("/pdf"), arxiv_delay=0)
    job = PdfJob(net, tmp_path / "cache", pid)
    stop = threading.Event()
    stop.set()
    with pytest.raises(ReadlistError):
        job.run(library, lambda done, total, note="": None, stop)
    assert "pdf" not in stored(library)[pid] or not stored(library)[pid]["pdf"]
    seen: list[tuple[int, int]] = []
    fetched = job.run(
        library, lambda done, total, note="": seen.append((done, total)), stop.__class__()
    )
    assert seen[-1] == (len(PDF), len(PDF))
    assert all(total == len(PDF) for _, total in seen)
    assert stored(library)[pid]["pdf"] == str(fetched.path)


async def test_e_keeps_a_star_given_elsewhere_while_the_editor_was_open(
    make_app: AppFactory, library: Path, editor: FakeEditor
) -> None:
    """Field-level against concurrent writes: the edit applies to the paper as it is."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = main(app).current
        assert pid is not None
        star = [sys.executable, "-m", "readlist", "--db", str(library), "mark", pid, "--star"]
        editor.plan({"run": star, **field("title", '"Edited Meanwhile"')})
        await pilot.press("E")
        await pilot.pause()
        after = stored(library)[pid]
        assert after["title"] == "Edited Meanwhile"
        assert after["starred"] is True
        assert main(app).store.get(pid).starred
        await pilot.press("u")  # undoes the edit only: the star was not ours
        await pilot.pause()
        assert stored(library)[pid]["starred"] is True
        assert stored(library)[pid]["title"] != "Edited Meanwhile"


async def test_esc_in_the_form_asks_only_when_something_was_typed(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = stored(library)
        await pilot.press("E", "escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("E", *"more", "escape")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert stored(library) == before


async def test_a_search_in_a_saved_view_stays_in_it(make_app: AppFactory, library: Path) -> None:
    with Store(library) as store:
        papers = list(store.papers())
        tagged = [p.id for p in papers[:5]]
        store.put([store.get(i).replace(tags=["thesis"]) for i in tagged])
        word = papers[0].title.split()[0]
    app = make_app(Config(searches={"thesis": "tag:thesis"}))
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("5", "slash", *word.lower())
        await pilot.pause()
        assert set(screen.session.ids) <= set(tagged)  # as you type: titles and tags
        await pilot.press("enter")
        await pilot.pause(SEARCH_PAUSE + 0.1)  # then abstracts, off the UI thread
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = screen.session.ids
        assert papers[0].id in shown
        assert set(shown) <= set(tagged)
