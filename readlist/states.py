"""What the TUI's first screen reads of every paper, from compact columns: which
papers a view of read or starred ones shows and in what order, the counts, the
papers due and new, the next unread one.

`States` answers from `derive.state` (a byte per paper), the sort columns and
`derive.since`, which a store opened by its index reads from the sidecar (and derives
for the papers the journal changed), never from the papers' records. Each answer is
the one `readlist.selection` and `readlist.query` give over the light records: the
same bits, the same keys, the same tests (`is:due` itself runs on what it reads).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from readlist.derive import READ, STARRED
from readlist.query import parse
from readlist.selection import SORTS, Selection

if TYPE_CHECKING:
    from readlist.view import View

_IS_DUE = parse("is:due")


class States:
    """The read and starred state of every paper of a view, in its order."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.ids = view.ids
        self.bits = bytes(view.column("state"))

    def select(self, selection: Selection, by: str) -> list[str] | None:
        """`selection.select(light, selection, by)`; None where a tag or the title
        order needs the records."""
        if selection.tag is not None or by not in SORTS or by == "title":
            return None
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

    def new(self) -> set[str]:
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
