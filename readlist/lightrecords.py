"""Every paper's light record (derive.LIGHT_FIELDS) for a store opened by its index,
read only as asked for.

A view, a filter or statistics over every paper reads the sidecar's column of light
records once (`materialized`); one record asked for alone is cut from the paper's
document. The first screen reads neither: readlist.states answers it from compact
columns.
Both ways give `derive.light(document)`, so which one answers never shows.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Protocol

from readlist import derive


class View(Protocol):
    """What the records read of readlist.view.View (named here, not imported: the view
    imports this module)."""

    @property
    def ids(self) -> list[str]: ...

    def column(self, name: str) -> list[Any]: ...


Record = dict[str, Any]
ALONE = 500  # records read one at a time before the column is read whole


class LightRecords(Mapping[str, Record]):
    """A read-only mapping of id to light record, in the library's order."""

    def __init__(self, view: View, docs: Mapping[str, dict[str, Any]]) -> None:
        self._view = view
        self._docs = docs
        self._all: dict[str, Record] | None = None
        self._alone = 0

    def __getitem__(self, pid: str) -> Record:
        if self._all is None:
            self._alone += 1
            if self._alone <= ALONE:
                return derive.light(self._docs[pid])
        return self.materialized()[pid]

    def __contains__(self, pid: object) -> bool:
        return pid in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._view.ids)

    def __len__(self) -> int:
        return len(self._view.ids)

    def keys(self) -> KeysView[str]:  # dict(records) reads every record after
        return self.materialized().keys()

    def values(self) -> ValuesView[Record]:
        return self.materialized().values()

    def items(self) -> ItemsView[str, Record]:
        return self.materialized().items()

    @property
    def read_whole(self) -> bool:
        """Whether the column of every light record has been read."""
        return self._all is not None

    def materialized(self) -> dict[str, Record]:
        """Every light record, from the index's column."""
        if self._all is None:
            view = self._view
            self._all = dict(zip(view.ids, view.column("light"), strict=True))
        return self._all
