"""What the TUI's first screen reads of every paper: which papers a view shows and
in what order, the counts, the papers due and new, and which are unread.

`States` answers from compact columns: `derive.state` (a byte per paper), the sort
columns and `derive.since`, which a store opened by its index reads from the sidecar
(and derives for the papers the journal changed), never from the papers' records.
`RecordStates` answers from the records of a store loaded in full. Both give the
answers of `readlist.selection` and `readlist.query` over the records: the same bits,
the same keys, the same tests (`is:due` itself runs on what it reads).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from readlist.derive import READ, STARRED
from readlist.query import parse
from readlist.selection import SORTS, Records, Selection, select

if TYPE_CHECKING:
    from readlist.view import View

_IS_DUE = parse("is:due")
_IS_NEW = parse("is:new")


class PaperStates(Protocol):
    def select(self, selection: Selection, by: str) -> list[str]: ...
    def unread(self) -> int: ...
    def starred(self) -> int: ...
    def due(self, now: dt.datetime) -> list[str]: ...
    def new(self, now: dt.datetime) -> set[str]: ...
    def unread_of(self, pid: str) -> bool: ...


def due_of(records: Records, now: dt.datetime) -> list[str]:
    """Starred papers still unread a week after starring: `is:due`, one definition."""
    # Only starred, unread papers can be due: the test looks at those alone.
    starred = {i: r for i, r in records.items() if r.get("starred") and not r.get("read")}
    return _IS_DUE.select(starred, starred, now)


class RecordStates:
    """The answers, from the records themselves (a store loaded in full)."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def select(self, selection: Selection, by: str) -> list[str]:
        return select(self.records, selection, by)

    def unread(self) -> int:
        return sum(1 for r in self.records.values() if not r.get("read"))

    def starred(self) -> int:
        return sum(1 for r in self.records.values() if r.get("starred"))

    def due(self, now: dt.datetime) -> list[str]:
        return due_of(self.records, now)

    def new(self, now: dt.datetime) -> set[str]:
        return set(_IS_NEW.select(self.records, self.records, now))

    def unread_of(self, pid: str) -> bool:
        record = self.records.get(pid)
        return record is not None and not record.get("read")


class States:
    """The read and starred state of every paper of a view, in its order."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.ids = view.ids
        self.bits = bytes(view.column("state"))

    def select(self, selection: Selection, by: str) -> list[str]:
        """`selection.select(light, selection, by)`; where a tag or the title order
        needs them, from the light records."""
        if selection.tag is not None or by not in SORTS or by == "title":
            return select(self.view.light(), selection, by)
        rows = self.view.select(Selection(), by)  # filtering after a stable sort: same order
        bits = self.bits
        if selection.read is not None:
            read = selection.read
            rows = [r for r in rows if bool(bits[r] & READ) == read]
        if selection.starred is not None:
            starred = selection.starred
            rows = [r for r in rows if bool(bits[r] & STARRED) == starred]
        ids = self.ids
        return [ids[r] for r in rows]

    def unread(self) -> int:
        return self.bits.count(0) + self.bits.count(STARRED)

    def starred(self) -> int:
        return self.bits.count(STARRED) + self.bits.count(READ | STARRED)

    def unread_of(self, pid: str) -> bool:
        """Whether the paper `pid` is in the library and unread."""
        row = self.view.where().get(pid)
        return row is not None and not self.bits[row] & READ

    def due(self, now: dt.datetime) -> list[str]:
        """`is:due`: it reads starred, read and the date the week counts from, which
        `since` holds for the starred, unread papers (the only ones it can find)."""
        since = self.view.column("since")
        ids, bits = self.ids, self.bits
        records = {ids[r]: {"starred": True, "starred_at": since[r]} for r in _rows(bits, STARRED)}
        return _IS_DUE.select(records, records, now)

    def new(self, now: dt.datetime) -> set[str]:
        """`is:new`: the papers added when the newest was."""
        added = self.view.column("added")
        newest = max(added, default="")
        if not newest:
            return set()
        ids = self.ids
        return {ids[r] for r, a in enumerate(added) if a == newest}


def _rows(bits: bytes, value: int) -> list[int]:
    out, at = [], bits.find(value)
    while at >= 0:
        out.append(at)
        at = bits.find(value, at + 1)
    return out
