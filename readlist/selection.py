"""Which papers a view shows and in what order: shared by list, export and the TUI.

Views work on the stored records (plain mappings) rather than on `Paper` objects, so
a view over 100k papers never has to build 100k objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Record = Mapping[str, Any]
Records = Mapping[str, Record]
SORTS = ("added", "date", "upvotes", "title")


@dataclass(frozen=True)
class Selection:
    """A filter over papers; None means "either"."""

    read: bool | None = None
    starred: bool | None = None
    tag: str | None = None

    def matches(self, record: Record) -> bool:
        if self.read is not None and bool(record.get("read")) != self.read:
            return False
        if self.starred is not None and bool(record.get("starred")) != self.starred:
            return False
        return self.tag is None or tag_in(self.tag, record.get("tags", ()))


def tag_in(tag: str, tags: Iterable[str]) -> bool:
    folded = tag.casefold()
    return any(t.casefold() == folded for t in tags)


def sort_ids(records: Records, ids: Iterable[str], by: str = "added") -> list[str]:
    """Newest added, newest dated, most upvoted, or A-Z; ties keep library order."""
    items = list(ids)
    if by == "added":
        items.sort(key=lambda i: records[i].get("added", ""), reverse=True)
    elif by == "date":
        items.sort(key=lambda i: records[i].get("date") or "", reverse=True)
    elif by == "upvotes":
        items.sort(key=lambda i: records[i].get("upvotes", 0), reverse=True)
    elif by == "title":
        items.sort(key=lambda i: records[i]["title"].casefold())
    else:
        raise ValueError(f"unknown sort {by!r}")
    return items


def select(records: Records, selection: Selection = Selection(), by: str = "added") -> list[str]:
    """Ids of the papers a view shows, in order."""
    if selection == Selection():
        return sort_ids(records, records, by)
    return sort_ids(records, (i for i, r in records.items() if selection.matches(r)), by)
