"""d then u: the paper comes back in its place, with the cursor on it."""

from __future__ import annotations

from readlist.tui.app import ReadlistApp
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import SIZE, AppFactory


def main(app: ReadlistApp) -> MainScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


async def test_undoing_a_delete_puts_the_cursor_on_the_paper_that_came_back(
    make_app: AppFactory,
) -> None:
    """It used to stay on the paper after the deleted one: the paper that came back
    was somewhere else in the list, unseen."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "j", "v", "j", "v")  # a selection of two
        picked = set(screen.session.selected)
        await pilot.press("d", "y")
        await pilot.pause()
        assert not picked & set(screen.session.ids)
        await pilot.press("u")
        await pilot.pause()
        assert picked <= set(screen.session.ids)
        assert screen.current in picked
        assert screen.current == screen.session.first_shown(picked)
        await pilot.press("ctrl+r")  # redo: deleted again; the cursor goes on from there
        await pilot.pause()
        assert screen.current not in picked


async def test_undoing_a_delete_puts_the_paper_back_in_its_place(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "j")
        pid = screen.current
        before = list(screen.session.ids)
        assert pid == before[2]
        await pilot.press("d", "y")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert list(screen.session.ids).index(pid) == 2
        assert list(screen.session.ids) == before
        await pilot.press("j", "v", "j", "v", "d", "y")  # two more, then both back
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert list(screen.session.ids) == before


async def test_undoing_a_delete_in_a_search_brings_the_paper_back_into_the_results(
    make_app: AppFactory,
) -> None:
    """Found by hand in tmux: / diffusion, d y, u said "Undid delete." but the list
    showed one paper fewer than before, without the paper that came back."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("slash", *"diffusion", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = list(screen.session.ids)
        assert len(before) > 2
        await pilot.press("j")
        pid = screen.current
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pid not in screen.session.ids
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(screen.session.ids) == sorted(before)
        assert screen.current == pid


async def test_deleting_the_selection_empties_it_so_keys_act_on_the_paper_again(
    make_app: AppFactory,
) -> None:
    """Found by hand in tmux: after v, v, d, y the status line still said "2 selected"
    and s, r, t and d did nothing at all (they went to the two papers gone)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("v", "j", "v")
        await pilot.press("d", "y")
        await pilot.pause()
        assert not screen.session.selected
        assert "selected" not in str(screen.query_one("#status").render())
        pid = screen.current
        assert pid is not None
        assert not screen.store.get(pid).starred
        await pilot.press("s")
        await pilot.pause()
        assert screen.store.get(pid).starred  # the paper under the cursor
