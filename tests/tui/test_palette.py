"""The command palette: readlist's actions first, each with its key as mapped now."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from readlist.config import Config
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import SIZE, AppFactory


async def shown(pilot: Pilot[Any], *keys: str) -> list[str]:
    """The palette's rows as the user reads them (prompt and help on one line)."""
    await pilot.press("ctrl+p", *keys)
    await pilot.pause(0.3)  # the palette gathers hits in batches, in a worker
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(CommandList)
    rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return [" ".join(row.split()) for row in rows]


async def test_actions_come_first_with_their_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        rows = await shown(pilot)
    actions = [b for b in MainScreen.BINDINGS if not isinstance(b, tuple)]
    assert len(rows) > len(actions)
    assert rows[0].startswith("Down j, ↓")
    for row, binding in zip(rows, actions, strict=False):
        assert row.startswith(binding.description + " ")
    star = next(r for r in rows if r.startswith("Star "))
    assert star.startswith("Star s Toggle star")
    generic = [r.split()[0] for r in rows[len(actions) :]]
    assert "Theme" in generic
    assert "Screenshot" in generic
    assert "Quit" not in generic  # readlist's Quit, listed once


async def test_a_remapped_key_is_the_one_shown(make_app: AppFactory) -> None:
    app = make_app(Config(keymap={"readlist.star": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        rows = await shown(pilot)
    assert next(r for r in rows if r.startswith("Star ")).startswith("Star x Toggle")


async def test_searching_ranks_readlist_before_textual(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        rows = await shown(pilot, *"s")
        # "s" matches readlist's Star, Search, Sort, ... and Textual's Screenshot.
        screenshot = next(i for i, r in enumerate(rows) if r.startswith("Screenshot"))
        readlist = [i for i, r in enumerate(rows) if r.startswith(("Star ", "Search ", "Sort "))]
        assert len(readlist) == 3
        assert max(readlist) < screenshot
        await pilot.press("escape")
        rows = await shown(pilot, *"tri")
        assert rows[0].startswith("Triage space")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        first = app.screen.session.ids[0]
        assert app.store.get(first).read  # triage ran on the first paper
