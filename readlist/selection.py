"""Which papers a view shows and in what order: shared by list, export and the TUI.

Views work on the stored records (plain mappings) rather than on `Paper` objects, so
a view over 100k papers never has to build 100k objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from readlist.model import unaccent

Record = Mapping[str, Any]
Records = Mapping[str, Record]
SORTS = ("added", "date", "upvotes", "title")


# Views read stored records as they are. A library edited by hand (or by an older
# readlist) may hold a value of the wrong type, which must show plainly, never crash a
# view: these read one field, and a value of the wrong type counts as absent.
def text_of(record: Record, key: str) -> str:
    value = record.get(key)
    return value if type(value) is str else ""


def texts_of(record: Record, key: str) -> list[str]:
    value = record.get(key)
    if type(value) is not list:
        return []
    return value if all(type(v) is str for v in value) else [v for v in value if type(v) is str]


def int_of(record: Record, key: str) -> int:
    value = record.get(key)
    return value if type(value) is int else 0


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
        return self.tag is None or tag_in(self.tag, texts_of(record, "tags"))


def tag_in(tag: str, tags: Iterable[str]) -> bool:
    """Whether a paper with `tags` is in the filter `tag`: case and accents never
    matter (`tag:unicode` and `#unicode` find Ünïcode)."""
    folded = unaccent(tag).casefold()
    return any(unaccent(t).casefold() == folded for t in tags)


def sort_ids(records: Records, ids: Iterable[str], by: str = "added") -> list[str]:
    """Newest added, newest dated, most upvoted, or A-Z; ties keep library order."""
    items = list(ids)
    if by == "added":
        items.sort(key=lambda i: text_of(records[i], "added"), reverse=True)
    elif by == "date":
        items.sort(key=lambda i: text_of(records[i], "date"), reverse=True)
    elif by == "upvotes":
        items.sort(key=lambda i: int_of(records[i], "upvotes"), reverse=True)
    elif by == "title":
        items.sort(key=lambda i: text_of(records[i], "title").casefold())
    else:
        raise ValueError(f"unknown sort {by!r}")
    return items


def select(records: Records, selection: Selection = Selection(), by: str = "added") -> list[str]:
    """Ids of the papers a view shows, in order."""
    if selection == Selection():
        return sort_ids(records, records, by)
    return sort_ids(records, (i for i, r in records.items() if selection.matches(r)), by)
