"""The help screen: scrolls with j/k, says how to close it, names every binding id."""

from __future__ import annotations

from textual.widgets import Label, Static

from readlist.config import Config
from readlist.query import GRAMMAR_HELP
from readlist.tui.app import known_binding_ids
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import AppFactory


def rendered(screen: HelpScreen, selector: str) -> str:
    """The text a cell renderer would print: what the user reads."""
    from rich.console import Console

    console = Console(width=200, color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one(selector, Static).content)
    return captured.get()


async def test_j_and_k_scroll_and_the_closing_line_shows(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        scroll = help_screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 5
        await pilot.press("j", "j", "j")
        assert scroll.scroll_y == 3
        await pilot.press("k")
        assert scroll.scroll_y == 2
        await pilot.press("pagedown")
        assert scroll.scroll_y > 8
        await pilot.press("home")
        assert scroll.scroll_y == 0
        await pilot.press("end")
        assert scroll.scroll_y == scroll.max_scroll_y
        closing = help_screen.query_one("#help-close", Label)
        assert str(closing.render()).startswith("esc, q or ? closes")
        assert closing.region.bottom <= 24
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


async def test_every_binding_id_and_the_search_grammar_are_listed(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = rendered(help_screen, "#help-table")
        ids = [b.id for b in MainScreen.BINDINGS if not isinstance(b, tuple) and b.id]
        assert len(ids) > 20
        for bid in ids:
            assert bid in table
        grammar = rendered(help_screen, "#help-grammar")
        for syntax, _ in GRAMMAR_HELP:
            assert syntax in grammar
        assert "year:2023..2025" in grammar


async def test_remapped_keys_show_beside_their_id(make_app: AppFactory) -> None:
    keymap = {"readlist.star": "x", "help.close": "escape,w", "import.run": "ctrl+o"}
    app = make_app(Config(keymap=keymap))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        line = next(
            row
            for row in rendered(help_screen, "#help-table").splitlines()
            if "readlist.star" in row
        )
        assert line.split()[0] == "x"
        closing = help_screen.query_one("#help-close", Label)
        assert str(closing.render()).startswith("esc or w closes")
        dialogs = rendered(help_screen, "#help-dialogs")
        assert "import.run" in dialogs
        await pilot.press("w")
        assert isinstance(app.screen, MainScreen)


async def test_every_id_a_keymap_may_name_is_in_the_help(make_app: AppFactory) -> None:
    """The warning about an unknown id says "see ? for ids": they must all be there."""
    app = make_app(Config(keymap={"import.run": "ctrl+o"}))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = rendered(help_screen, "#help-table") + rendered(help_screen, "#help-dialogs")
        for bid in known_binding_ids():
            assert bid in shown
        row = next(r for r in shown.splitlines() if "import.run" in r)
        assert row.split()[0] == "^o"
        assert "detail.down" in shown
