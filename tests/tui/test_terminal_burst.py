"""Keys typed in one burst after `/` (as over SSH) all go to the search box: tmux
writes `/` and the word in one write, and readlist runs in a real terminal."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events
from textual.widgets import Input

from readlist.store import Store
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_terminal import launch


def test_a_word_typed_in_one_burst_after_slash_is_all_search(tmp_path: Path) -> None:
    with launch(tmp_path, seeded=True) as (term, library):
        with Store(library) as store:
            before = store.records()
        term.wait_for("254 shown / 254 total · 254 unread · 0 ★")
        # One write: "/" then "star"; s would star, t would open the tag dialog.
        term.tmux("send-keys", "-t", "rl", "-l", "/star")
        screen = term.wait_for("search: “star”")
        time.sleep(0.5)  # anything a stray key started has shown by now
        screen = term.screen()
        assert "0 ★" in screen
        assert "enter saves" not in screen  # the tag dialog's hint
        term.keys("Escape", "q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    with Store(library) as store:
        assert store.records() == before


async def test_keys_queued_behind_slash_reach_the_search_box(make_app: AppFactory) -> None:
    """The same burst in process: every key is queued before "/" is handled."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        starred = app.session.counts()["starred"]
        for key in ("slash", "s", "t", "a", "r"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause(0.3)
        assert app.screen.query_one("#search", Input).value == "star"
        assert isinstance(app.screen, MainScreen)  # no tag dialog
        assert app.session.counts()["starred"] == starred


def test_keys_behind_the_search_boxs_enter_in_the_same_write_go_to_the_list(
    tmp_path: Path,
) -> None:
    """`/stream`, enter, `s` in one write: the word is searched, then `s` stars the
    paper found (it is not typed into the box)."""
    with launch(tmp_path, seeded=True) as (term, library):
        term.wait_for("254 shown / 254 total · 254 unread · 0 ★")
        term.tmux("send-keys", "-t", "rl", "-l", "/stream\rs")
        term.wait_for("search: “stream”")
        term.wait_for("1 ★")
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    with Store(library) as store:
        starred = [p.title for p in store.papers() if p.starred]
    assert len(starred) == 1
    assert "stream" in starred[0].casefold()


async def test_keys_queued_behind_the_search_boxs_enter_reach_the_list(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        starred = app.session.counts()["starred"]
        word = app.store.get(app.session.ids[0]).title.split()[0]
        keys = [("slash", "/"), *((c, c) for c in word), ("enter", "\r"), ("s", "s")]
        for key, char in keys:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.query_one("#search", Input).value == word
        assert screen.focused is screen.papers
        assert app.session.counts()["starred"] == starred + 1


async def test_keys_typed_into_the_focused_box_then_enter_then_s_star(
    make_app: AppFactory,
) -> None:
    """The box had the focus before the burst: its own enter hands the rest on."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        starred = app.session.counts()["starred"]
        word = app.store.get(app.session.ids[0]).title.split()[0]
        for key, char in [*((c, c) for c in word), ("enter", "\r"), ("s", "s")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.query_one("#search", Input).value == word
        assert app.session.counts()["starred"] == starred + 1


async def test_a_burst_after_slash_replaces_the_query_as_slow_typing_does(
    make_app: AppFactory,
) -> None:
    """The box selects its query when it gets the focus, so what is typed replaces it.
    In a burst the focus event came behind some of the keys and selected them: "/stream"
    became "ream" now and then (the tmux test above, about 1 run in 12)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#search", Input)
        await pilot.press("slash", *"old", "enter")
        await pilot.pause()
        assert box.value == "old"
        for key in ("slash", "s", "t", "r", "e", "a", "m"):  # one burst, queued at once
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause(0.3)
        assert box.value == "stream"
        await pilot.press("enter", "slash", *"new")  # slowly: the same
        await pilot.pause()
        assert box.value == "new"
