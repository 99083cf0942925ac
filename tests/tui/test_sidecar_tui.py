"""The TUI shows the same with the library opened by its sidecar index as loaded in
full: every view, sort and search (abstracts included), the counts, tags and the
search index built in a job; after compaction, an import, an edit in the TUI and an
edit by another process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from readlist.importing import import_listings
from readlist.selection import SORTS
from readlist.session import VIEWS, Session
from readlist.store import Store
from readlist.tui.app import create_app
from tests.conftest import AS_OF, CLOCK, NOW
from tests.tui.test_keys import main

QUERIES = ["", "diffusion", "video diff", "model", "tag:ml", "is:starred", "-is:read", "zzz"]
LISTING = "Daily Papers\n\nA sidecar paper about video diffusion\n\nWe study video diffusion.\n"


def everything(session: Session) -> dict[str, Any]:
    """What the session shows for each view, sort and query, and its counts and tags."""
    shown: dict[str, Any] = {}
    for view in VIEWS:
        session.set_view(view)
        for sort in SORTS:
            session.sort = sort
            session.recompute()
            for query in QUERIES:
                shown[f"{view} {sort} {query}"] = session.apply_query(query)
    session.set_view("all")
    session.sort = "added"
    session.apply_query("")
    session.forget_counts()
    shown["counts"] = session.counts()
    shown["tags"] = session.tags()
    return shown


def both(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    with Store(path, indexed=True) as lazy, Store(path) as full:
        assert lazy.by_index
        assert not full.by_index
        by_index = everything(Session(lazy, CLOCK))
        in_full = everything(Session(full, CLOCK))
        # The job's build reads the file in the worker: it answers as the owner's.
        session = Session(lazy, CLOCK)
        live = session.live_index
        build = live.build()
        assert build.path == path
        assert not build.records
        assert live.install(build, build.run())
        assert everything(session) == in_full
    return by_index, in_full


def edit_elsewhere(path: Path) -> None:
    with Store(path) as other:
        ids = list(other.records())
        other.put(other.get(i).replace(starred=True, tags=["ml"]) for i in ids[:3])
        other.put([other.get(ids[3]).replace(read=True, title="Video diffusion, retitled")])
        other.remove(ids[4:6])


def test_sidecar_views_and_searches_equal_the_full_load(library: Path) -> None:
    with Store(library) as store:
        store.compact()  # writes the sidecar
    by_index, in_full = both(library)
    assert by_index == in_full
    assert any(by_index[k] for k in by_index if k.endswith(" diffusion"))

    edit_elsewhere(library)  # journal lines over the snapshot's index
    by_index, in_full = both(library)
    assert by_index == in_full

    before = in_full["counts"]["total"]
    with Store(library) as store:  # an import, then compaction (a new sidecar)
        import_listings(store, [("listing.txt", LISTING)], AS_OF, now=NOW)
        by_index, in_full = both(library)
        assert by_index == in_full
        store.compact()
    by_index, in_full = both(library)
    assert by_index == in_full
    assert by_index["counts"]["total"] == before + 1  # the imported paper is shown


async def test_tui_by_the_sidecar_follows_its_edits_and_other_processes(library: Path) -> None:
    with Store(library) as store:
        store.compact()
    app = create_app(Store(library, indexed=True), blink=False, watch=None, clock=CLOCK)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = main(app)
        assert app.store.by_index
        await pilot.press("s", "j", "r")  # a star and a read through the TUI
        await pilot.pause()
        with Store(library) as full:
            assert everything(screen.session) == everything(Session(full, CLOCK))
        edit_elsewhere(library)
        app.check_for_changes()
        await pilot.pause()
        shown = everything(screen.session)
        with Store(library) as full:
            assert shown == everything(Session(full, CLOCK))
    app.store.close()
