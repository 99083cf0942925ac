"""The first paint of a library opened by its sidecar index reads compact columns
(readlist.states), not every paper's record, and shows exactly what a full load shows:
the same rows, glyphs, styles and counts, in every view and sort, with the journal's
tail (another process's edits since the sidecar was written) on top."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from readlist import actions
from readlist.importing import import_listings
from readlist.indexing import Base
from readlist.model import Paper
from readlist.states import RecordStates, States
from readlist.store import Store
from readlist.tui.app import ReadlistApp, create_app
from readlist.view import View
from tests.conftest import AS_OF, CLOCK, NOW, write_unchecked
from tests.tui.test_keys import main

SIZE = (120, 36)
LATER = "Daily Papers\n\nA later paper on video diffusion\n\nWe study it.\n"
DAY = dt.timedelta(days=1)


def shaped(library: Path) -> list[str]:
    """Due, starred-and-read, read, noted and tagged papers, and a hand edit with values
    of the wrong type, in the snapshot its sidecar describes; then, by another process,
    more of each, removals and a later import (`is:new`) in the journal's tail."""
    with Store(library) as store:
        ids = list(store.records())
        odd = dict(store.records()[ids[50]])
    odd.update(read=0, starred="yes", starred_at=7)  # truthy, falsy and wrong types
    write_unchecked(library, {ids[50]: odd})
    with Store(library) as store:
        actions.set_starred(store, ids[:6], True, now=NOW - 10 * DAY)  # due
        actions.set_read(store, ids[2:4], True, now=NOW)
        store.put([store.get(ids[7]).replace(notes="a note", tags=["ml"])])
        store.compact()  # writes the sidecar of all that
    with Store(library) as other:  # after the sidecar: the journal's tail
        actions.set_starred(other, ids[10:13], True, now=NOW - 8 * DAY)
        actions.set_starred(other, [ids[0]], False, now=NOW)
        actions.set_read(other, [ids[1], ids[20], ids[11]], True, now=NOW)
        other.put([other.get(ids[30]).replace(notes="noted later", tags=["ml", "x"])])
        other.remove(ids[40:42])
        import_listings(other, [("later.txt", LATER)], AS_OF, now=NOW + DAY)
    assert library.with_name(library.name + "-journal").stat().st_size > 100
    return ids


def painted(app: ReadlistApp) -> list[Any]:
    """Every row of the list as painted (text and style of each segment), and the
    status line."""
    screen = main(app)
    papers = screen.papers
    rows = [
        [(s.text, str(s.style)) for s in papers.render_line(y)] for y in range(papers.size.height)
    ]
    return [*rows, str(screen.query_one("#status", Static).render())]


@pytest.fixture
def both(library: Path) -> Iterator[tuple[ReadlistApp, ReadlistApp]]:
    shaped(library)
    lazy, full = Store(library, indexed=True), Store(library)
    assert lazy.by_index
    assert not full.by_index
    yield (
        create_app(lazy, blink=False, watch=None, clock=CLOCK),
        create_app(full, blink=False, watch=None, clock=CLOCK),
    )
    lazy.close()
    full.close()


async def test_the_first_paint_by_the_columns_shows_what_a_full_load_shows(
    both: tuple[ReadlistApp, ReadlistApp],
) -> None:
    by_index, in_full = both
    async with by_index.run_test(size=SIZE) as a, in_full.run_test(size=SIZE) as b:
        pilots: list[Pilot[None]] = [a, b]
        for p in pilots:
            await p.pause()
        first = painted(by_index)
        assert first == painted(in_full)
        status = first[-1]
        assert "253 shown / 253 total" in status  # 254 imported, 2 removed, 1 later
        assert "due" in status
        assert any("★" in t for row in first[:-1] for t, _ in row)
        for keys in ["2", "3", "4", "N", "1", "o", "o", "o", "o", "G", "g", "j"]:
            for p in pilots:
                await p.press(keys)
                await p.pause()
            assert painted(by_index) == painted(in_full), keys
        assert isinstance(main(by_index).session.states(), States)  # it read the columns
        assert isinstance(main(in_full).session.states(), RecordStates)


class Reads:
    """What the UI thread reads while the app starts (the index job's thread is
    another matter: it reads columns of its own store)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.columns: list[str] = []
        self.docs = 0
        self.papers = 0
        ui = threading.get_ident()
        column, doc, from_doc = View.column, Base.doc, Paper.from_doc.__func__  # type: ignore[attr-defined]

        def read_column(view: View, name: str) -> list[Any]:
            if threading.get_ident() == ui:
                self.columns.append(name)
            return column(view, name)

        def read_doc(base: Base, i: int) -> dict[str, Any]:
            if threading.get_ident() == ui:
                self.docs += 1
            return doc(base, i)

        def make_paper(cls: type[Paper], pid: str, d: dict[str, Any]) -> Paper:
            if threading.get_ident() == ui:
                self.papers += 1
            return from_doc(cls, pid, d)  # type: ignore[no-any-return]

        monkeypatch.setattr(View, "column", read_column)
        monkeypatch.setattr(Base, "doc", read_doc)
        monkeypatch.setattr(Paper, "from_doc", classmethod(make_paper))


async def test_the_first_paint_reads_only_the_records_it_shows(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shaped(library)
    reads = Reads(monkeypatch)
    store = Store(library, indexed=True)
    app = create_app(store, blink=False, watch=None, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = main(app).papers.size.height
        assert "253 shown" in painted(app)[-1]
        assert "light" not in reads.columns  # no light record of every paper
        assert "state" in reads.columns
        assert 0 < reads.docs <= rows + 2  # the documents of the rows on screen
        assert reads.papers <= 2  # a Paper for the detail pane, none per record
        await pilot.press("3")  # a view of starred papers: from the columns too
        await pilot.pause()
        assert "light" not in reads.columns
    store.close()
