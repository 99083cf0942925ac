"""Triage keeps your place: the new view, space through new papers first, the cursor
after search, view switches, sorting and other processes' removals; the detail pane's
j/k; the row glyphs; the empty library; the due count. Checked against the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Footer, Input, Static, TextArea

from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.selection import select
from readlist.store import Store
from readlist.tui.app import ReadlistApp, create_app
from readlist.tui.screens.main import SEARCH_PAUSE, MainScreen
from readlist.tui.widgets.detail import DetailPane
from tests.conftest import AS_OF, CLOCK, NOW, SEEDS
from tests.core.netfake import FakeApis, apis, daily_item
from tests.tui.conftest import SIZE, AppFactory, on_disk

__all__ = ["apis"]  # the fixture

SEED_102 = SEEDS / "002_3c55a4b56f8e4387.txt"  # 102 entries


def main(app: ReadlistApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def row(app: ReadlistApp, y: int) -> str:
    """Row `y` of the list as painted."""
    return main(app).papers.render_line(y).text


@pytest.fixture
def older(tmp_path: Path) -> Path:
    """A library of every seed but the 102-entry one, imported a day ago."""
    path = tmp_path / "older.json"
    others = [str(p) for p in sorted(SEEDS.iterdir()) if p != SEED_102]
    with Store(path) as store:
        import_listings(store, read_inputs(others), AS_OF, now=NOW - dt.timedelta(days=1))
    return path


def start(path: Path, tmp_path: Path) -> ReadlistApp:
    return create_app(Store(path), blink=False, watch=None, export_dir=tmp_path, clock=CLOCK)


def latest_import(path: Path) -> set[str]:
    with on_disk(path) as store:
        records = store.records()
        newest = max(r["added"] for r in records.values())
        return {i for i, r in records.items() if r["added"] == newest}


async def paste_import(pilot: Any, text: str) -> None:
    await pilot.press("i")
    pilot.app.screen.query_one(TextArea).text = text
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_tui_import_lands_on_the_first_new_paper_and_n_shows_them(
    older: Path, tmp_path: Path
) -> None:
    before = set(on_disk(older).records())
    app = start(older, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "o", "o")  # by title: new and old papers interleave
        await paste_import(pilot, SEED_102.read_text())
        screen = main(app)
        new = latest_import(older)
        assert new == set(on_disk(older).records()) - before
        assert len(new) > 10
        first_new = next(i for i in screen.session.ids if i in new)
        assert screen.session.ids[0] not in new  # the top row is an old paper
        assert screen.current == first_new

        await pilot.press("N")
        assert screen.session.view == "new"
        assert set(screen.session.ids) == new
        assert screen.current == first_new  # still shown: still highlighted
        assert "new" in str(screen.query_one("#status", Static).render())


async def test_space_walks_new_papers_before_older_unread(older: Path, tmp_path: Path) -> None:
    app = start(older, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "o", "o")  # by title
        await paste_import(pilot, SEED_102.read_text())
        new = latest_import(older)
        screen = main(app)
        await pilot.press("g")  # an old paper at the top
        top = screen.current
        assert top not in new
        await pilot.press(*["space"] * 6)
        walked = [i for i in screen.session.ids if i in new][:5]
    with on_disk(older) as store:
        read = {p.id for p in store.papers() if p.read}
    # The old top paper, then the first five new papers in the shown order, and no
    # old paper in between, although old unread papers sit between them.
    assert read == {top, *walked}


async def test_esc_after_search_keeps_the_found_paper(make_app: AppFactory, library: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("slash", *"streaming")
        await pilot.pause(SEARCH_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j")
        found = screen.current
        assert found is not None
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert screen.session.query == ""
        assert len(screen.session.ids) == 254
        assert screen.current == found
        assert found not in screen.session.ids[:2]  # neither the top row nor row 1
        await pilot.press("r")
    with on_disk(library) as store:
        assert [p.id for p in store.papers() if p.read] == [found]


async def test_view_switch_keeps_the_paper_or_goes_to_the_nearest(
    make_app: AppFactory, library: Path
) -> None:
    with Store(library) as store:
        ids = select(store.records())
        store.put([store.get(i).replace(read=True) for i in (ids[0], ids[1], ids[3], ids[-1])])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("g", "j", "j")
        assert screen.current == ids[2]
        await pilot.press("2")  # unread: ids[2] is still shown
        assert screen.current == ids[2]
        await pilot.press("1", "j")
        assert screen.current == ids[3]
        await pilot.press("2")  # ids[3] is read: the next shown below it, not row 3
        assert screen.current == ids[4]
        await pilot.press("1", "G")
        assert screen.current == ids[-1]
        await pilot.press("2")  # nothing below the last paper: the nearest above
        assert screen.current == ids[-2]
        await pilot.press("r")  # marks the paper the cursor shows
    with on_disk(library) as store:
        assert store.get(ids[-2]).read
        assert not store.get(ids[4]).read


async def test_sort_keeps_the_paper(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press(*"jjjjjjj")
        here, index = screen.current, screen.papers.cursor
        for _ in range(4):
            await pilot.press("o")
            assert screen.current == here
        await pilot.press("o", "o")
        assert screen.papers.cursor != index  # sorted elsewhere, and followed there


async def test_another_process_removing_the_paper_moves_to_the_next(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("o", "o")  # by upvotes
        order = list(screen.session.ids)
        await pilot.press("g", *"jjjj")
        assert screen.current == order[4]
        with Store(library) as other:
            other.remove([order[4], order[5]])
        app.check_for_changes()
        await pilot.pause()
        assert screen.current == order[6]


async def test_j_and_k_scroll_the_focused_detail_pane(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        screen = main(app)
        here = screen.current
        detail = screen.query_one(DetailPane)
        await pilot.press("enter")
        assert detail.has_focus
        await pilot.press("j", "j", "j", "j")
        assert detail.scroll_y == 4
        await pilot.press("k")
        assert detail.scroll_y == 3
        assert screen.current == here  # the list did not move
        await pilot.press("escape", "j")
        assert screen.current != here


async def test_selected_rows_and_noted_papers_carry_glyphs(
    make_app: AppFactory, library: Path
) -> None:
    with Store(library) as store:
        ids = select(store.records())
        store.put([store.get(ids[2]).replace(notes="worth a second look")])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")  # selects row 0 and moves down
        assert main(app).current == ids[1]
        await pilot.press("j", "v")
        assert row(app, 0).startswith("▌")
        assert not row(app, 1).startswith("▌")
        assert row(app, 2).startswith("▌")
        assert row(app, 2)[:5] == "▌● ✎ "
        assert "✎" not in row(app, 0)[:5]
        await pilot.press("r")  # the selection is what bulk actions use
        with on_disk(library) as store:
            assert {p.id for p in store.papers() if p.read} == {ids[0], ids[2]}
        with Store(library) as other:  # another process removes a selected paper...
            other.remove([ids[0]])
        app.store.refresh()  # ...and the list paints before it is told
        assert row(app, 0).startswith("▌")
        assert "(removed elsewhere)" in row(app, 0)


async def test_wide_terminal_shows_the_whole_title(make_app: AppFactory, library: Path) -> None:
    with Store(library) as store:
        ids = select(store.records())
        title = store.get(ids[0]).title
    assert len(title) > 80
    app = make_app()
    async with app.run_test(size=(320, 30)):
        assert title in row(app, 0)
    narrow = make_app()
    async with narrow.run_test(size=(80, 24)):
        assert title not in row(narrow, 0)


async def test_empty_library_says_how_to_begin(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    Store(path).close()
    app = start(path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        painted = " ".join(row(app, y) for y in range(5))
        assert "Press i to import a listing or paste one" in " ".join(painted.split())
        keys = {b.binding.key for b in app.active_bindings.values() if b.binding.show}
        assert "i" in keys
        assert app.screen.query_one(Footer).display
        await paste_import(pilot, SEED_102.read_text())
        assert len(main(app).session.ids) == 102
        assert "Press i" not in row(app, 1)


async def test_status_counts_due_papers(make_app: AppFactory, library: Path) -> None:
    long_ago = (NOW - dt.timedelta(days=8)).isoformat()
    with Store(library) as store:
        ids = select(store.records())
        store.put([store.get(ids[0]).replace(starred=True, starred_at=long_ago)])
        just_now = NOW.isoformat()
        store.put([store.get(ids[1]).replace(starred=True, starred_at=just_now)])  # too recent
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        status = main(app).query_one("#status", Static)
        assert "· 1 due" in str(status.render())
        await pilot.press("g", "r")  # read at last: no longer due
        assert "due" not in str(status.render())
        await pilot.press("u")
        assert "· 1 due" in str(status.render())
    with on_disk(library) as store:
        assert not store.get(ids[0]).read


async def test_another_processs_import_is_the_new_view(older: Path, tmp_path: Path) -> None:
    app = start(older, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "j")
        here = screen.current
        with Store(older) as other:  # `readlist import` in another terminal
            import_listings(other, read_inputs([str(SEED_102)]), AS_OF, now=NOW)
        app.check_for_changes()
        await pilot.pause()
        assert screen.current == here  # another process's import does not move you
        await pilot.press("N")
        new = latest_import(older)
        assert set(screen.session.ids) == new
        await pilot.press("g", "space")
    with on_disk(older) as store:
        assert {p.id for p in store.papers() if p.read} <= new
        assert len([p for p in store.papers() if p.read]) == 1


async def test_a_tui_pull_lands_on_the_first_new_paper(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    from tests.tui.test_network import DAY, OTHER, STREAM, idle, library, network, paper, settle

    apis.add(STREAM, OTHER)
    apis.daily[DAY] = [daily_item(STREAM, DAY), daily_item(OTHER, DAY)]
    path = library(tmp_path, paper("kkkkkkk", "Kept"))
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        assert screen.current == "kkkkkkk"
        await pilot.press("P")
        app.screen.query_one(Input).value = DAY
        await pilot.press("enter")
        await settle(app, pilot, idle(app))
        new = latest_import(path)
        assert "kkkkkkk" not in new
        assert len(new) == 2
        assert screen.current == next(i for i in screen.session.ids if i in new)
        await pilot.press("space")
    with on_disk(path) as store:
        assert {p.id for p in store.papers() if p.read} < new


async def test_esc_from_the_search_box_keeps_the_top_hit(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("slash", *"streaming")
        await pilot.pause(SEARCH_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        top = screen.current
        assert top == screen.session.ids[0]
        await pilot.press("escape")  # still typing: esc leaves the box and the search
        await pilot.pause()
        assert screen.session.query == ""
        assert screen.current == top
        assert screen.papers.cursor > 0  # the hit, not the list's top row


async def test_an_empty_view_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # nothing is starred
        assert main(app).session.ids == []
        assert "Nothing to show here" in row(app, 1)
        assert "Press i" not in row(app, 1)
