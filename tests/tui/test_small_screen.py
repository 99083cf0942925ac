"""Every dialog at 80x24: it fits, its buttons and boxes are in sight, its text wraps
instead of being cut; a snapshot of each. Notifications leave the status line's counts
in sight, and the labels say what the dialogs take. The real app on a real library."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Label

from readlist.tui.app import ReadlistApp
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.network_dialogs import UnsureDialog
from readlist.tui.screens.note import NoteConflict
from readlist.tui.widgets.status import status_line
from tests.core.netfake import FakeApis, apis
from tests.tui.conftest import AppFactory
from tests.tui.test_network import OLDER, OLDER2, idle, library, network, paper, settle

__all__ = ["apis"]  # the fixture

SMALL = (80, 24)
REASON = (
    "published 2021-01-02, more than a year from the listing's 2025-11-12, and the "
    "first authors differ (Lee, Ann / Müller, Jürgen): check the title and the venue"
)
NOT_A_LISTING = "just some\nlines of text\nthat are not a listing\n"

Opener = Callable[[Pilot[Any]], Awaitable[None]]


def pressing(*keys: str) -> Opener:
    async def open_(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await pilot.pause()

    return open_


def pushing(make: Callable[[ReadlistApp], Any]) -> Opener:
    async def open_(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReadlistApp)
        app.push_screen(make(app))
        await pilot.pause()

    return open_


def unsure(app: ReadlistApp) -> UnsureDialog:
    paper = app.store.papers()[0].replace(date="2025-11-12", authors_count=6)
    candidate = {
        "arxiv_id": "2101.00001",
        "title": paper.title + ": Extended Version With a Much Longer Subtitle Than Before",
        "authors": ["Ann Lee", "Bo Wu", "Jürgen Müller"],
        "published": "2021-01-02",
    }
    return UnsureDialog(paper, candidate, REASON, "(1 of 27)")


async def import_error(pilot: Pilot[Any]) -> None:
    """The import dialog after a paste it cannot import: the error says why, in full."""
    await pilot.press("i")
    pilot.app.post_message(events.Paste(NOT_A_LISTING))
    label = pilot.app.screen.query_one("#preview")
    for _ in range(100):  # the preview waits for a pause, then counts in a worker
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
        if "Cannot import" in str(label.render()):
            break
    await pilot.pause()


DIALOGS: dict[str, Opener] = {
    "import": pressing("i"),
    "import-error": import_error,
    "export": pressing("e"),
    "note": pressing("n"),
    "note-clash": pushing(lambda app: NoteConflict("Their note, written in another window.")),
    "tags": pressing("t"),
    "tag-filter": pressing("number_sign"),
    "pull": pressing("P"),
    "unsure": pushing(unsure),
    "question": pushing(
        lambda app: Confirm(
            "/home/someone/papers/writing/thesis/chapters/related-work/references.bib "
            "exists. Replace it?"
        )
    ),
    "stats": pressing("S"),
    "help": pressing("question_mark"),
}


# d and E's dialogs have their snapshots at 80x24 in test_owning_snapshots.py.
FITS: dict[str, Opener] = {**DIALOGS, "delete": pressing("d"), "paper-form": pressing("E")}


def screen_lines(app: ReadlistApp) -> list[str]:
    """The screen as text, from the same export the snapshots are made of."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    spans = re.finditer(
        r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
        r'clip-path="url\(#[^)]*?line-(\d+)\)">([^<]*)</text>',
        app.export_screenshot(),
    )
    for span in spans:
        column, line = round(float(span[1]) / 12.2), int(span[2])
        for i, char in enumerate(html.unescape(span[3]).replace("\xa0", " ")):
            if line < height and column + i < width:
                grid[line][column + i] = char
    return ["".join(row) for row in grid]


def shown_in(app: ReadlistApp, region: Region) -> str:
    """The text on screen inside `region`, its lines joined by spaces."""
    lines = screen_lines(app)[region.y : region.bottom]
    return " ".join(line[region.x : region.right] for line in lines)


def in_sight(app: ReadlistApp, widget: Widget) -> bool:
    """On the screen and not covered: what is at its centre is the widget itself."""
    region = widget.region
    if not region or not Region(0, 0, *app.size).contains_region(region):
        return False
    x, y = region.center
    hit, _ = app.screen.get_widget_at(int(x), int(y))
    return hit is widget or widget in hit.ancestors


@pytest.mark.parametrize("name", FITS)
async def test_every_dialog_fits_80x24_and_wraps_its_text(
    name: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)  # E opens the form, not an editor
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await FITS[name](pilot)
        assert not isinstance(app.screen, MainScreen)
        dialog = app.screen.query_one(".dialog")
        assert Region(0, 0, *SMALL).contains_region(dialog.region)
        for widget in app.screen.query("Button, Input").results():
            assert in_sight(app, widget), f"{widget} is off the screen or covered"
        texts = [*app.screen.query(".dialog > Label, #unsure-why, #preview").results()]
        for text in texts:
            # All of it, in order, in its place on the screen; only the spaces where
            # it wraps may differ.
            whole = "".join(str(text.render()).split())
            shown = "".join(shown_in(app, text.region).split())
            assert whole in shown, f"{text} is cut or hidden: {shown!r}"


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_snapshot_80x24(name: str, snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app()
    app.export_dir = Path("/exports")  # the export dialog shows it: not a tmp path
    assert snap_compare(app, terminal_size=SMALL, run_before=DIALOGS[name])


async def test_unsure_dialog_keeps_its_buttons_and_reason_at_80x24(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await DIALOGS["unsure"](pilot)
        ids = [b.id for b in app.screen.query(Button).results() if in_sight(app, b)]
        assert ids == ["accept", "reject", "later", "later-all"]
        why = app.screen.query_one("#unsure-why")
        assert in_sight(app, why)
        shown = " ".join(shown_in(app, why.region).split())
        assert f"Why unsure: {REASON}" in shown


async def test_L_leaves_every_unsure_match_for_later(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    """One key instead of esc for each of them; they stay unsure, and R asks again."""
    apis.add(OLDER, OLDER2)
    path = library(
        tmp_path,
        paper("ddddddd", OLDER.title, date="2025-11-12", sources=[]),
        paper("eeeeeee", OLDER2.title, date="2025-11-12", sources=[]),
    )
    app = make_app(network(apis.server), path=path)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.press("R")
        await settle(app, pilot, lambda: isinstance(app.screen, UnsureDialog))
        await pilot.press("L")
        await settle(app, pilot, lambda: isinstance(app.screen, MainScreen) and idle(app)())
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)  # no second dialog
        said = " ".join(str(t.render()) for t in app.screen.query("Toast").results())
        assert "2 unsure matches left for later: R asks again." in said
        await pilot.press("R")  # and R asks again
        await settle(app, pilot, lambda: isinstance(app.screen, UnsureDialog))
    with app.store as store:
        for pid in ("ddddddd", "eeeeeee"):
            assert store.get(pid).resolution["status"] == "unsure"  # type: ignore[index]


async def test_a_notification_leaves_the_status_counts_in_sight(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        counts = str(status_line(app.session)).rpartition("   ")[2]
        app.notify("Imported 102 entries: 3 new, 99 already in the library. " * 2)
        await pilot.pause(0.3)
        toasts = [*app.screen.query("Toast").results()]
        assert toasts
        status = app.screen.query_one("#status")
        assert not any(t.region.overlaps(status.region) for t in toasts)
        assert counts in screen_lines(app)[status.region.y]


async def test_the_tag_filter_takes_one_tag_and_import_names_bib(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("number_sign")
        assert app.screen.query_one(Input).placeholder == "one tag"
        await pilot.press("escape", "t")
        assert app.screen.query_one(Input).placeholder == "tag another-tag …"  # several
        await pilot.press("escape", "i")
        labels = " ".join(str(label.render()) for label in app.screen.query(Label).results())
        assert ".bib" in labels
        assert ".txt" in labels


async def test_the_tag_dialog_names_the_paper_it_tags(make_app: AppFactory) -> None:
    """The dialog hides the list: its heading says which paper (a long title shortened
    at a word), or how many."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        title = app.store.get(main.current or "").title
        await pilot.press("t")
        heading = str(app.screen.query(".dialog > Label").first().render())
        assert heading.startswith("Tags for “")
        named = heading.removeprefix("Tags for “").removesuffix("”").removesuffix("…")
        assert len(named) >= 10
        assert title.startswith(named)
        await pilot.press("escape", "v", "v", "t")
        heading = str(app.screen.query(".dialog > Label").first().render())
        assert heading == "Tags for 2 papers"


async def test_resolve_shows_counts_and_its_note_at_80x24_while_the_cursor_moves(
    apis: FakeApis, make_app: AppFactory, tmp_path: Path
) -> None:
    """ "0/2" from the start (never "--%"), and "resolving…" stays when the cursor moves."""
    apis.add(OLDER, OLDER2)
    path = library(
        tmp_path,
        paper("ddddddd", OLDER.title, sources=[]),
        paper("eeeeeee", OLDER2.title, sources=[]),
    )
    app = make_app(network(apis.server, arxiv_delay=30.0), path=path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("R")
        main = app.screen
        assert isinstance(main, MainScreen)
        bar = main.runner.bar
        await settle(app, pilot, lambda: bar.text == "0/2")
        await pilot.press("j", "k", "j")
        await pilot.pause()
        lines = screen_lines(app)
        row = lines[bar.region.y]
        assert "0/2" in row
        assert "%" not in row
        status = main.query_one("#status").region
        assert "resolving…" in " ".join(lines[status.y : status.bottom])  # whole, not cut
        await pilot.press("escape")
        await settle(app, pilot, idle(app))


LONG_NOTE = (
    "resolving… waiting 30 s: arXiv answered 429 Too Many Requests and asked us to "
    "slow down; 12 of 240 papers done so far (esc stops)"
)


async def show_long_note(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    main = pilot.app.screen
    assert isinstance(main, MainScreen)
    main.host.update_status(LONG_NOTE)
    await pilot.pause()


async def test_a_long_status_note_is_read_whole_at_80x24(make_app: AppFactory) -> None:
    """The note goes under the counts and wraps, instead of being cut at column 80; a
    short one stays on the counts' line, and the line is one row again after it."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await show_long_note(pilot)
        status = app.screen.query_one("#status")
        assert status.region.height > 1
        assert Region(0, 0, *SMALL).contains_region(status.region)
        lines = screen_lines(app)[status.region.y : status.region.bottom]
        counts = str(status_line(app.session)).rpartition("   ")[2]
        assert counts in lines[0]
        shown = " ".join(line.strip() for line in lines[1:])
        assert " ".join(LONG_NOTE.split()) in " ".join(shown.split())
        main = app.screen
        assert isinstance(main, MainScreen)
        main.host.update_status("all read")
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert status.region.height == 1
        assert screen_lines(app)[status.region.y].rstrip().endswith("all read")


def test_long_status_note_snapshot_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=show_long_note)


async def test_the_export_formats_are_described_whole_at_80x24(make_app: AppFactory) -> None:
    """What tells bibtex from biblatex is the end of its description: at 80 columns it
    was cut off beside the UTF-8 checkbox."""
    from readlist.exporters import REGISTRY

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e")
        await pilot.pause()
        screen = "\n".join(screen_lines(app))
        for exporter in REGISTRY.values():
            assert f"{exporter.name}: {exporter.description}" in screen


async def test_a_query_error_is_read_whole_at_80x24(make_app: AppFactory) -> None:
    """An ambiguous is: names all its candidates: the error goes under the counts and
    wraps, instead of being cut at column 80 with the counts and the query."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"video is:un")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert Region(0, 0, *SMALL).contains_region(status.region)
        lines = screen_lines(app)[status.region.y : status.region.bottom]
        counts = str(status_line(app.session)).partition("\n")[0].rpartition("   ")[2]
        assert "search: “video" in lines[0]
        assert counts.strip()
        assert counts in lines[0]
        shown = " ".join(" ".join(line.split()) for line in lines[1:])
        assert "is:un: ambiguous, could be is:unread, is:unsure or is:unresolved" in shown
        await pilot.press(*"read")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#status").region.height == 1
