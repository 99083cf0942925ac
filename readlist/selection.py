"""Which papers a view shows and in what order: shared by list, export and the TUI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from readlist.model import Paper

SORTS = ("added", "date", "upvotes", "title")


@dataclass(frozen=True)
class Selection:
    """A filter over papers; None means "either"."""

    read: bool | None = None
    starred: bool | None = None
    tag: str | None = None

    def matches(self, paper: Paper) -> bool:
        if self.read is not None and paper.read != self.read:
            return False
        if self.starred is not None and paper.starred != self.starred:
            return False
        return self.tag is None or tag_in(self.tag, paper.tags)

    def apply(self, papers: Iterable[Paper]) -> list[Paper]:
        return [p for p in papers if self.matches(p)]


def tag_in(tag: str, tags: Iterable[str]) -> bool:
    folded = tag.casefold()
    return any(t.casefold() == folded for t in tags)


def sort_papers(papers: Iterable[Paper], by: str = "added") -> list[Paper]:
    """Newest added, newest dated, most upvoted, or A-Z; ties keep library order."""
    items = list(papers)
    if by == "added":
        items.sort(key=lambda p: p.added, reverse=True)
    elif by == "date":
        items.sort(key=lambda p: p.date or "", reverse=True)
    elif by == "upvotes":
        items.sort(key=lambda p: p.upvotes, reverse=True)
    elif by == "title":
        items.sort(key=lambda p: p.title.casefold())
    else:
        raise ValueError(f"unknown sort {by!r}")
    return items
