"""Every binding, driven through Pilot, checked against the store on disk."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input

from readlist import actions
from readlist.config import Config
from readlist.search import rank
from readlist.selection import Selection, select
from readlist.store import Store
from readlist.tui.app import create_app
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.note import NoteEditor
from readlist.tui.screens.stats_screen import StatsScreen
from readlist.tui.screens.tags import TagEditor
from readlist.tui.widgets.detail import DetailPane
from tests.conftest import CLOCK, NOW, write_unchecked
from tests.tui.conftest import SIZE, AppFactory, on_disk


def main(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


def order(library: Path, by: str = "added", selection: Selection | None = None) -> list[str]:
    with Store(library) as store:
        return select(store.records(), selection or Selection(), by)


def focused(app: object) -> object:
    return app.screen.focused  # type: ignore[attr-defined]


async def test_start_on_first_unread_with_list_focused(make_app: AppFactory, library: Path) -> None:
    with Store(library) as store:
        first = order(library)[0]
        actions.set_read(store, [first], True, now=NOW)
    app = make_app()
    async with app.run_test(size=SIZE):
        screen = main(app)
        assert screen.focused is screen.papers
        assert screen.papers.current == order(library)[1]


async def test_movement_keys(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "j", "down")
        assert screen.papers.current == ids[3]
        await pilot.press("k", "up")
        assert screen.papers.current == ids[1]
        await pilot.press("G")
        assert screen.papers.current == ids[-1]
        await pilot.press("g")
        assert screen.papers.current == ids[0]
        await pilot.press("end", "home", "pagedown")
        page = screen.papers.page
        assert screen.papers.current == ids[page]
        await pilot.press("pageup")
        assert screen.papers.current == ids[0]
    # Moving changes nothing on disk.
    with on_disk(library) as store:
        assert not any(r["read"] or r["starred"] for r in store.records().values())


async def test_detail_scrolls_and_takes_focus(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.screen.query_one(DetailPane)
        await pilot.press("J", "J")
        assert detail.scroll_y > 0
        await pilot.press("K", "K")
        assert detail.scroll_y == 0
        await pilot.press("enter")
        assert focused(app) is detail
        await pilot.press("escape")
        assert focused(app) is main(app).papers


async def test_read_star_and_triage_are_durable(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "s")
        with on_disk(library) as store:
            assert store.get(ids[0]).read
            assert store.get(ids[0]).starred
        await pilot.press("r", "s")
        with on_disk(library) as store:
            assert not store.get(ids[0]).read
            assert not store.get(ids[0]).starred
        # space: mark read, jump to the next unread (skipping one already read).
        actions.set_read(app.store, [ids[1]], True, now=NOW)
        await pilot.press("space")
        assert main(app).papers.current == ids[2]
        with on_disk(library) as store:
            assert store.get(ids[0]).read


async def test_triage_in_unread_view_walks_the_queue(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "space", "space", "space")
        assert main(app).papers.current == ids[3]
        assert ids[0] not in main(app).session.ids
    with on_disk(library) as store:
        assert [store.get(i).read for i in ids[:4]] == [True, True, True, False]


async def test_note_editor_saves_and_cancels(make_app: AppFactory, library: Path) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Great paper", "enter", *"line 2", "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        with on_disk(library) as store:
            assert store.get(pid).notes == "Great paper\nline 2"
        # esc with edits asks first; "n" keeps editing, "y" discards.
        await pilot.press("n", *" more", "escape")
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "y")
        assert isinstance(app.screen, MainScreen)
        # esc without edits closes at once.
        await pilot.press("n", "escape")
        assert isinstance(app.screen, MainScreen)
    with on_disk(library) as store:
        assert store.get(pid).notes == "Great paper\nline 2"


async def test_tag_editor_with_completion(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    with Store(library) as store:
        actions.change_tags(store, [ids[5]], add=["diffusion"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"llm dif", "right", "enter")
        with on_disk(library) as store:
            assert store.get(ids[0]).tags == ["llm", "diffusion"]
        await pilot.press("t", "ctrl+u", *"llm", "enter")
        with on_disk(library) as store:
            assert store.get(ids[0]).tags == ["llm"]


async def test_search_as_you_type(make_app: AppFactory, library: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await pilot.press(*"streaming")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        with Store(library) as store:
            expected = rank(store.records(), "streaming", now=NOW)
        assert screen.session.ids == expected
        assert "streaming" in app.store.get(screen.papers.current or "").title.lower()
        await pilot.press("enter")
        assert focused(app) is screen.papers
        await pilot.press("escape")
        assert screen.session.query == ""
        assert len(screen.session.ids) == 254


async def test_views_tag_filter_and_sort(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    with Store(library) as store:
        actions.set_read(store, ids[:3], True, now=NOW)
        actions.set_starred(store, ids[2:5], True, now=NOW)
        actions.change_tags(store, ids[4:6], add=["rl"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("2")
        assert screen.session.ids == order(library, selection=Selection(read=False))
        await pilot.press("3")
        assert screen.session.ids == ids[2:5]
        await pilot.press("4")
        assert screen.session.ids == ids[:3]
        await pilot.press("1")
        assert screen.session.ids == ids
        await pilot.press("number_sign", *"rl", "enter")
        assert screen.session.ids == ids[4:6]
        await pilot.press("number_sign", "ctrl+u", "enter")
        assert len(screen.session.ids) == 254
        for by in ("date", "upvotes", "title", "added"):
            await pilot.press("o")
            assert screen.session.sort == by
            assert screen.session.ids == order(library, by)


async def test_open_link_opens_only_web_links(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    with Store(library) as store:
        with_link = next(p for p in store.papers() if p.links)
        without = next(
            p for p in store.papers() if not p.links and not p.arxiv_id and not p.project_page
        )
    # Stored by an older readlist (today's store refuses them).
    bad = without.replace(links=["javascript:alert(1)", "file:///etc/passwd"])
    write_unchecked(library, {bad.id: bad.to_doc()})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to(with_link.id)
        await pilot.press("O")
        main(app).jump_to(without.id)
        await pilot.press("O")
        assert [n.message for n in app._notifications][-1] == "This paper has no web link."
    assert opened == [with_link.links[0]]
    assert opened[0].startswith("https://")


async def test_bulk_select_star_read_tag(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "j", "v", "s", "r")
        await pilot.press("t", *"bulk", "enter")
        with on_disk(library) as store:
            for pid in (ids[0], ids[2]):
                paper = store.get(pid)
                assert (paper.starred, paper.read, paper.tags) == (True, True, ["bulk"])
            assert not store.get(ids[1]).starred
        await pilot.press("escape", "3", "V", "s")
        with on_disk(library) as store:
            assert not any(r["starred"] for r in store.records().values())


async def test_undo_and_redo(make_app: AppFactory, library: Path) -> None:
    pid = order(library)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "r", "t", *"x", "enter", "n", *"hi", "ctrl+s")
        with on_disk(library) as store:
            p = store.get(pid)
            assert (p.starred, p.read, p.tags, p.notes) == (True, True, ["x"], "hi")
        await pilot.press("u", "u", "u", "u")
        with on_disk(library) as store:
            p = store.get(pid)
            assert (p.starred, p.read, p.tags, p.notes) == (False, False, [], "")
        await pilot.press("ctrl+r", "ctrl+r")
        with on_disk(library) as store:
            p = store.get(pid)
            assert (p.starred, p.read, p.tags, p.notes) == (True, True, [], "")


async def test_stats_help_palette_and_quit(make_app: AppFactory, library: Path) -> None:
    target = order(library, "title")[10]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = {r.description for r in app.screen.rows}
        assert {"Star", "Triage", "Undo", "Export", "Import", "Search"} <= descriptions
        await pilot.press("escape", "ctrl+p")
        title = app.store.get(target).title
        await pilot.press(*title[:40])
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert main(app).papers.current == target
        await pilot.press("q")
    assert app.return_code == 0  # q exited; without it the test harness leaves it None


async def test_keymap_from_config(make_app: AppFactory, library: Path) -> None:
    pid = order(library)[0]
    app = make_app(Config(keymap={"readlist.star": "x", "readlist.down": "ctrl+n"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "ctrl+n", "x")
        await pilot.press("question_mark")
        rows = {r.binding_id: r.keys for r in app.screen.rows}  # type: ignore[attr-defined]
        assert rows["readlist.star"] == "x"
    with on_disk(library) as store:
        assert store.get(pid).starred
        assert store.get(order(library)[1]).starred


async def test_external_change_is_picked_up(library: Path, tmp_path: Path) -> None:
    """Another process stars two papers; the running app shows it without a restart."""
    ids = order(library)
    app = create_app(Store(library), blink=False, watch=0.1, export_dir=tmp_path, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        with Store(library) as other:
            actions.set_starred(other, ids[:2], True, now=NOW)
        await pilot.pause(0.5)
        assert main(app).session.counts()["starred"] == 2
        assert app.store.get(ids[0]).starred
        assert "2 ★" in str(app.screen.query_one("#status").render())


async def test_mouse_click_moves_the_cursor(make_app: AppFactory, library: Path) -> None:
    ids = order(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.click("#papers", offset=(10, 4))
        assert screen.papers.current == ids[4]
        assert focused(app) is screen.papers
        shown = app.screen.query_one(DetailPane).paper
        assert shown is not None
        assert shown.id == ids[4]


async def test_empty_library_is_calm(make_app: AppFactory, tmp_path: Path) -> None:
    """A first start with no papers: every key is harmless, and `i` is the way in."""
    empty = tmp_path / "empty.json"
    app = make_app(path=empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "k", "G", "g", "r", "s", "space", "n", "t", "O", "v", "V", "u")
        await pilot.press("2", "o", "S", "escape", "question_mark", "escape")
        assert isinstance(app.screen, MainScreen)
        assert "0 shown / 0 total" in str(app.screen.query_one("#status").render())
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
    with on_disk(empty) as store:
        assert len(store) == 0


async def test_unknown_keymap_id_warns_and_the_rest_still_applies(
    make_app: AppFactory, library: Path
) -> None:
    from readlist.tui.app import known_binding_ids

    assert {"readlist.star", "note.save", "export.run"} <= known_binding_ids()
    app = make_app(Config(keymap={"readlist.nope": "z", "readlist.star": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        messages = [n.message for n in app._notifications]
        assert any("readlist.nope" in m for m in messages)
    with on_disk(library) as store:
        assert store.get(order(library)[0]).starred


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (False, "No web browser to open {url} (set $BROWSER); Y copies it."),
        (webbrowser.Error("could not locate runnable browser"), "Could not open {url}: "),
    ],
)
async def test_open_link_without_a_browser_says_so_and_never_claims_it_opened(
    make_app: AppFactory,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: bool | Exception,
    expected: str,
) -> None:
    """Over SSH there is no browser: webbrowser.open returns False (or raises for a
    bad $BROWSER). `O` used to say "Opened …" all the same."""

    def no_browser(url: str, *args: object, **kwargs: object) -> bool:
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(webbrowser, "open", no_browser)
    with Store(library) as store:
        paper = next(p for p in store.papers() if p.links)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to(paper.id)
        await pilot.press("O")
        (note,) = [n for n in app._notifications]
        url = paper.web_links()[0]
        assert note.message.startswith(expected.format(url=url))
        assert note.severity in ("warning", "error")
        assert not any(n.message.startswith("Opened") for n in app._notifications)
