"""A library's papers read on demand: the snapshot's through its sidecar, with the
journal's changes (and this process's) on top.

`LazyDocs` is the mapping a `JournalStorage` holds when a command opened the library
by its index: the storage applies journal lines and commits to it exactly as to the
dict a full load builds, and it behaves as that dict would, order included (a new id
goes last; an id deleted and set again goes last). Only the documents asked for are
read and parsed.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from readlist.indexing import Base

Doc = dict[str, Any]
_MISSING = object()


class LazyDocs(MutableMapping[str, Doc]):
    def __init__(self, base: Base) -> None:
        self.base = base
        self.over: dict[str, Doc] = {}  # papers of the snapshot changed since, in place
        self.gone: set[str] = set()  # papers of the snapshot removed (or moved last)
        self.extra: dict[str, Doc] = {}  # papers after the snapshot's, in order
        self._read: dict[str, Doc] = {}  # documents of the snapshot read so far

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

    def pop(self, pid: str, default: Any = _MISSING) -> Any:
        if pid not in self:
            if default is _MISSING:
                raise KeyError(pid)
            return default
        value = self[pid]
        del self[pid]
        return value

    def __iter__(self) -> Iterator[str]:
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
        return bool(self.over or self.gone or self.extra)
