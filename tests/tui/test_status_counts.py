"""At 80x24 a search's query is cut before the counts are: they stay in sight."""

from __future__ import annotations

from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import AppFactory
from tests.tui.test_small_screen import SMALL, screen_lines


async def test_a_long_query_is_cut_and_the_counts_stay_at_80x24(make_app: AppFactory) -> None:
    """`/streamdit` at 80 columns used to push "0 ★" off the status line."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"streaming diffusion video", "enter")
        await pilot.pause(0.5)
        status = screen.query_one("#status")
        line = screen_lines(app)[status.region.y].rstrip()
        counts = f"{len(screen.session.ids)} shown / 254 total · 254 unread · 0 ★"
        assert line.endswith(counts)
        assert "search: “stream" in line
        assert "…”" in line  # the query, cut
