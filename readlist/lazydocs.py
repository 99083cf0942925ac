"""A library's papers read on demand: the snapshot's through its sidecar, with the
journal's changes (and this process's) on top.

`LazyDocs` is the mapping a `JournalStorage` holds when a command opened the library
by its index: the storage applies journal lines and commits to it exactly as to the
dict a full load builds, and it behaves as that dict would, order included (a new id
goes last; an id deleted and set again goes last; a paper put back goes where it
stood, readlist.places). Only the documents asked for are read and parsed.

Its order is the snapshot's papers that are not gone, then `extra`'s: a paper put back
in its snapshot place comes off `gone`, and one put back among the papers added since
goes into `extra` in its place. An order these two cannot say (another process put a
paper back where a paper of this one had moved) is kept as a whole list, `order`; a
`View` of such papers reads them one by one, as over a full load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from readlist.indexing import Base
from readlist.places import can_move, reordered

Doc = dict[str, Any]
_MISSING = object()


class LazyDocs(MutableMapping[str, Doc]):
    def __init__(self, base: Base) -> None:
        self.base = base
        self.over: dict[str, Doc] = {}  # papers of the snapshot changed since, in place
        self.gone: set[str] = set()  # papers of the snapshot removed (or moved last)
        self.extra: dict[str, Doc] = {}  # papers after the snapshot's, in order
        self._read: dict[str, Doc] = {}  # documents of the snapshot read so far
        self.order: list[str] | None = None  # every id in order, where the above cannot say

    def __getitem__(self, pid: str) -> Doc:
        if pid in self.extra:
            return self.extra[pid]
        if pid in self.over:
            return self.over[pid]
        i = self.base.pos.get(pid)
        if i is None or pid in self.gone:
            raise KeyError(pid)
        doc = self._read.get(pid)
        if doc is None:
            doc = self._read[pid] = self.base.doc(i)
        return doc

    def __contains__(self, pid: object) -> bool:
        if pid in self.extra:
            return True
        return pid in self.base.pos and pid not in self.gone

    def __setitem__(self, pid: str, doc: Doc) -> None:
        if pid in self.extra or pid not in self.base.pos or pid in self.gone:
            if self.order is not None and pid not in self.extra:
                self.order.append(pid)
            self.extra[pid] = doc
        else:
            self.over[pid] = doc

    def __delitem__(self, pid: str) -> None:
        if pid in self.extra:
            del self.extra[pid]
        elif pid in self.base.pos and pid not in self.gone:
            self.gone.add(pid)
            self.over.pop(pid, None)
            self._read.pop(pid, None)
        else:
            raise KeyError(pid)
        if self.order is not None:
            self.order.remove(pid)

    def place_all(self, moves: Mapping[str, str | None]) -> None:
        """readlist.places.place: each of `moves` in turn, right after its anchor."""
        items = list(moves.items())
        for n, (pid, anchor) in enumerate(items):
            if self.order is None and can_move(self, pid, anchor):
                self.place(pid, anchor)  # may turn to a whole order, the move not made
            if self.order is not None:
                rest = items[n:]
                break
        else:
            return
        for moved, _ in rest:  # a snapshot paper that moves is changed
            if moved in self and moved not in self.extra and moved not in self.over:
                self.over[moved] = self[moved]
        self.order = reordered(self.order, dict(rest))

    def place(self, pid: str, anchor: str | None) -> None:
        """Move `pid` right after `anchor` (None: first); both are here."""
        doc = self[pid]
        row = self.base.pos.get(pid)
        if row is not None and self._before_row(row, pid) == anchor:  # its snapshot place
            if pid in self.gone:
                self.extra.pop(pid, None)
                self.gone.discard(pid)
                self.over[pid] = doc
            return
        if anchor in self.extra or anchor == self._last_of_base(pid):
            if pid not in self.extra:
                self.gone.add(pid)
                self.over.pop(pid, None)
                self._read.pop(pid, None)
            items = [(k, v) for k, v in self.extra.items() if k != pid]
            at = next((i + 1 for i, (k, _) in enumerate(items) if k == anchor), 0)
            self.extra.clear()
            self.extra.update(items[:at])
            self.extra[pid] = doc
            self.extra.update(items[at:])
            return
        self.order = list(self)  # place_all makes this move, and the rest, in it

    def _before_row(self, row: int, pid: str) -> str | None:
        """The snapshot paper that would stand right before snapshot row `row`
        (None: none would)."""
        ids, gone = self.base.ids, self.gone
        for r in range(row - 1, -1, -1):
            if ids[r] not in gone and ids[r] != pid:
                return ids[r]
        return None

    def _last_of_base(self, pid: str) -> str | None:
        """The last snapshot paper in place, `pid` left out (None: none is)."""
        return self._before_row(len(self.base.ids), pid)

    def pop(self, pid: str, default: Any = _MISSING) -> Any:
        if pid not in self:
            if default is _MISSING:
                raise KeyError(pid)
            return default
        value = self[pid]
        del self[pid]
        return value

    def __iter__(self) -> Iterator[str]:
        if self.order is not None:
            yield from list(self.order)
            return
        gone = self.gone
        if gone:
            yield from (pid for pid in self.base.ids if pid not in gone)
        else:
            yield from self.base.ids
        yield from list(self.extra)

    def __len__(self) -> int:
        return len(self.base.ids) - len(self.gone) + len(self.extra)

    def changed(self) -> bool:
        """True when anything differs from the snapshot."""
        return bool(self.over or self.gone or self.extra or self.order is not None)
