"""Light records by the sidecar index (readlist.lightrecords) and the first screen's
columns (readlist.states) answer as the records of a full load do, with the journal's
tail on top: one record asked for alone, every record read whole, and the views,
counts, due, new and unread papers the TUI shows first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readlist import actions, derive
from readlist.importing import import_listings
from readlist.lightrecords import ALONE, LightRecords
from readlist.query import parse
from readlist.selection import SORTS, Selection, select
from readlist.states import States
from readlist.store import Store
from tests.conftest import AS_OF, NOW, write_unchecked

DAY = dt.timedelta(days=1)
LATER = "Daily Papers\n\nA later paper\n\nIt came later.\n"


@pytest.fixture
def library(seeded: Store) -> Path:
    """A snapshot with its sidecar, a hand edit of wrong types in it, and another
    process's stars, reads, removals and a later import in the journal after it."""
    path = seeded.path
    ids = list(seeded.records())
    odd = {**seeded.records()[ids[9]], "read": 0, "starred": [1], "starred_at": 3}
    seeded.close()
    write_unchecked(path, {ids[9]: odd})
    with Store(path) as store:
        actions.set_starred(store, ids[:5], True, now=NOW - 9 * DAY)
        actions.set_read(store, ids[1:2], True, now=NOW)
        store.compact()
    with Store(path) as other:
        actions.set_starred(other, ids[20:23], True, now=NOW - 8 * DAY)
        actions.set_read(other, [ids[0], ids[21]], True, now=NOW)
        other.remove(ids[30:32])
        actions.change_tags(other, ids[21:25], ["ml"])
        import_listings(other, [("later.txt", LATER)], AS_OF, now=NOW + DAY)
    return path


def test_light_records_by_the_index_are_the_full_loads_cut_to_the_light_fields(
    library: Path,
) -> None:
    with Store(library, indexed=True) as lazy, Store(library) as full:
        assert lazy.by_index
        want = {pid: derive.light(dict(doc)) for pid, doc in full.records().items()}
        records = lazy.view().light()
        assert isinstance(records, LightRecords)
        assert list(records) == list(want)
        assert len(records) == len(want)
        removed = next(pid for pid in lazy.view().base.ids if pid not in want)  # type: ignore[union-attr]
        assert removed not in records
        with pytest.raises(KeyError):
            records[removed]
        for pid in list(want)[:ALONE]:  # one at a time, from each paper's document
            assert records[pid] == want[pid]
        assert not records.read_whole
        assert dict(records) == want  # every record: the index's column, read once
        assert records.read_whole
        assert {pid: records[pid] for pid in want} == want


def test_the_first_screens_columns_answer_as_the_records_do(library: Path) -> None:
    with Store(library, indexed=True) as lazy, Store(library) as full:
        states = States(lazy.view())
        records = full.records()
        for sort in SORTS:  # by title (or a tag), from the light records
            for view in (Selection(), Selection(read=False), Selection(starred=True)):
                assert states.select(view, sort) == select(records, view, sort)
            assert states.select(Selection(read=True, starred=True), sort) == select(
                records, Selection(read=True, starred=True), sort
            )
        tagged = states.select(Selection(tag="ml"), "added")
        assert tagged == select(records, Selection(tag="ml"))
        assert len(tagged) == 4
        assert states.unread() == sum(1 for r in records.values() if not r.get("read"))
        assert states.starred() == sum(1 for r in records.values() if r.get("starred"))
        assert states.starred() == 9  # 5, then 3, and the hand edit's truthy [1]
        due = parse("is:due").select(records, records, NOW)
        assert sorted(states.due(NOW)) == sorted(due)
        assert len(due) == 5  # 3 of 5 starred 9 days ago are unread, 2 of 3 starred 8 days ago
        new = set(parse("is:new").select(records, records, NOW))
        assert states.new(NOW) == new
        assert len(new) == 1
        for pid in [*records, "nope"]:
            record = records.get(pid)
            assert states.unread_of(pid) == (record is not None and not record.get("read"))
