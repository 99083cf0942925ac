"""How the TUI looks: fixed sizes, fixed timestamps, cursor blink off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from readlist import actions
from readlist.store import Store
from readlist.tui.screens.main import SEARCH_PAUSE
from tests.conftest import CLOCK, NOW, SEEDS
from tests.tui.conftest import SIZE, AppFactory

READ_AT = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC).isoformat()


def prepare(library: Path) -> None:
    """Some state worth seeing: read, starred, tagged and annotated papers."""
    with Store(library) as store:
        ids = [p.id for p in store.papers()]
        papers = [store.get(i) for i in ids[:6]]
        store.put(
            [
                papers[0].replace(
                    starred=True, tags=["video", "diffusion"], notes="Compare with SD."
                ),
                papers[1].replace(read=True, read_at=READ_AT),
                papers[2].replace(read=True, read_at=READ_AT, starred=True, tags=["systems"]),
                papers[3].replace(tags=["video"]),
            ]
        )
        actions.set_starred(store, [ids[5]], True, now=NOW)


async def search_and_settle(pilot: Pilot[Any]) -> None:
    """Type the query, then wait for the abstract search that starts when typing pauses
    (`press=` would run after `run_before`, so it could not wait for anything)."""
    await pilot.press("slash", *"video diffusion")
    await pilot.pause(SEARCH_PAUSE + 0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_view(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_detail_scrolled(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), press=["j", "j", "J", "J", "J"], terminal_size=SIZE)


def test_search_results(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=search_and_settle)


def test_help_screen(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    assert snap_compare(make_app(), press=["question_mark"], terminal_size=SIZE)


def test_help_search_grammar(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    """The end of the help: the search grammar, reached with G."""
    assert snap_compare(make_app(), press=["question_mark", "G"], terminal_size=SIZE)


def test_note_modal(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), press=["n", *" Also check the FPS."], terminal_size=SIZE)


def test_export_modal(
    snap_compare: Any, make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    prepare(library)
    app = make_app()
    app.export_dir = Path("/exports")
    assert snap_compare(app, press=["v", "v", "v", "e"], terminal_size=SIZE)


def test_stats_view(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), press=["S"], terminal_size=SIZE)


def test_small_terminal(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    prepare(library)
    assert snap_compare(make_app(), press=["j"], terminal_size=(80, 24))


def test_wide_terminal(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    """Side by side from 140 columns; this one is the README's screenshot."""
    prepare(library)
    assert snap_compare(make_app(), press=["j", "j"], terminal_size=(160, 42))


def test_import_preview(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    """After a paste at 80x24: the listing, its preview line and the hint all show."""
    prepare(library)
    listing = (SEEDS / "002_3c55a4b56f8e4387.txt").read_text()
    new = "\n\nA Pasted Paper Nobody Has Seen\n\nIts abstract.\n"

    async def paste(pilot: Pilot[Any]) -> None:
        await pilot.press("i")
        pilot.app.post_message(events.Paste(listing + new))
        label = pilot.app.screen.query_one("#preview")
        for _ in range(100):  # the preview waits for a pause, then counts in a worker
            await pilot.pause(0.1)
            await pilot.app.workers.wait_for_complete()
            if "entries" in str(label.render()):
                break
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=paste)


def test_unsure_dialog(snap_compare: Any, make_app: AppFactory, library: Path) -> None:
    from readlist.tui.screens.network_dialogs import UnsureDialog

    with Store(library) as store:
        paper = store.papers()[0].replace(date="2025-11-12", authors_count=6)
    candidate = {
        "arxiv_id": "2101.00001",
        "title": paper.title,
        "authors": ["Ann Lee", "Bo Wu", "Jürgen Müller"],
        "published": "2021-01-02",
    }
    reason = "published 2021-01-02, more than a year from the listing's 2025-11-12"

    async def open_dialog(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(UnsureDialog(paper, candidate, reason, "(1 of 3)"))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_dialog)


def test_empty_library(snap_compare: Any, tmp_path: Path) -> None:
    """The first start: how to begin, in the list, and `i` in the footer."""
    from readlist.tui.app import create_app

    path = tmp_path / "empty.json"
    Store(path).close()
    app = create_app(Store(path), blink=False, watch=None, export_dir=tmp_path, clock=CLOCK)
    assert snap_compare(app, terminal_size=(80, 24))
