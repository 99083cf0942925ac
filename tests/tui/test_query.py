"""The query grammar in the TUI's `/`: filters, and a bad value shown, never raised."""

from __future__ import annotations

from pathlib import Path

from readlist import actions
from readlist.search import rank
from readlist.selection import Selection, select
from readlist.store import Store
from readlist.tui.screens.main import MainScreen
from tests.conftest import NOW
from tests.tui.conftest import SIZE, AppFactory


def status(screen: MainScreen) -> str:
    return str(screen.query_one("#status").render())


async def test_bad_filter_shows_in_the_status_line(make_app: AppFactory, library: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"streaming year:20")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "year:20: expected a year" in status(screen)
        assert screen.session.query == "streaming year:20"
        await pilot.press(*"25")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "expected a year" not in status(screen)
        with Store(library) as store:
            expected = rank(store.records(), "streaming year:2025", now=NOW)
        assert expected
        assert screen.session.ids == expected


async def test_an_ambiguous_state_names_its_candidates_in_the_status_line(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"video is:un")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "is:un: ambiguous, could be is:unread, is:unsure or is:unresolved" in status(screen)
        await pilot.press(*"read")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "ambiguous" not in status(screen)
        with Store(library) as store:
            expected = rank(store.records(), "video is:unread", now=NOW)
        assert expected
        assert screen.session.ids == expected


async def test_filters_alone_keep_the_view_order(make_app: AppFactory, library: Path) -> None:
    with Store(library) as store:
        every = select(store.records(), Selection())
        actions.set_starred(store, every[5:8], True, now=NOW)
        actions.change_tags(store, [every[9]], ["llm"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"is:starred")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.session.ids == every[5:8]
        await pilot.press(*(["backspace"] * len("is:starred")), *"tag:llm")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.session.ids == [every[9]]
