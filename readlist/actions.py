"""The changes a user makes to papers, shared by the CLI and the TUI.

Each function applies its change to the latest stored version of each paper, in one
atomic commit, and returns a `Change`: the fields it changed, old and new (for undo).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

from readlist.changes import Change
from readlist.clock import iso
from readlist.errors import InputError, NotFoundError, ReadlistError
from readlist.model import Paper
from readlist.store import Store
from readlist.text import clean_display

_SPACE = re.compile(r"\s+")
MAX_TAG = 64  # characters; a tag is a label, not a note


def _apply(store: Store, label: str, ids: Sequence[str], fn: Callable[[Paper], Paper]) -> Change:
    with store.transaction():
        before = [store.get(pid) for pid in ids]
        after = store.modify(ids, fn)
    return Change.between(label, before, after)


def set_read(store: Store, ids: Sequence[str], value: bool, *, now: dt.datetime) -> Change:
    stamp = iso(now)
    return _apply(
        store,
        "read" if value else "unread",
        ids,
        lambda p: p if p.read == value else p.replace(read=value, read_at=stamp if value else None),
    )


def set_starred(store: Store, ids: Sequence[str], value: bool, *, now: dt.datetime) -> Change:
    """Star or unstar; starring keeps when it happened, for `is:due`."""
    stamp = iso(now)
    return _apply(
        store,
        "star" if value else "unstar",
        ids,
        lambda p: (
            p
            if p.starred == value
            else p.replace(starred=value, starred_at=stamp if value else None)
        ),
    )


def set_pdf(store: Store, ids: Sequence[str], path: str | None) -> Change:
    """Record (or, with None, forget) where the paper's PDF is on this machine."""
    return _apply(store, "pdf", ids, lambda p: p.replace(pdf=path))


class ChangedElsewhere(ReadlistError):
    """The stored value is no longer the one the user started editing from."""

    def __init__(self, paper_id: str, current: str) -> None:
        super().__init__(f"{paper_id}: changed elsewhere while being edited")
        self.current = current


def set_note(store: Store, ids: Sequence[str], text: str, *, expect: str | None = None) -> Change:
    """Set the note; with `expect`, only where the stored note still equals it (checked
    under the store's lock, so no other process can write in between), and a paper
    deleted since it was opened is named so (deleted.gone_while_edited)."""
    with store.transaction():
        if expect is not None:
            for pid in ids:
                if pid not in store:  # deleted while its note was open: say where it is
                    from readlist import deleted

                    raise deleted.gone_while_edited(store, pid)
                current = store.get(pid).notes
                if current != expect:
                    raise ChangedElsewhere(pid, current)
        return _apply(store, "note", ids, lambda p: p.replace(notes=text))


def clean_tag(name: str) -> str:
    """Tags are single words: spaces become dashes; commas and control characters are
    not allowed, nor more than MAX_TAG characters."""
    tag = _SPACE.sub("-", name.strip())
    if len(tag) > MAX_TAG:
        raise InputError(f"tag too long ({len(tag)} characters; at most {MAX_TAG})")
    if not tag or "," in tag or tag.startswith(("+", "-")) or clean_display(tag) != tag:
        raise InputError(f"invalid tag name {name!r}")
    return tag


def edit_tags(
    tags: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """Add and remove tags case-insensitively, keeping existing order and spelling."""
    drop = {t.casefold() for t in remove}
    out = [t for t in tags if t.casefold() not in drop]
    have = {t.casefold() for t in out}
    for tag in add:
        if tag.casefold() not in have:
            out.append(tag)
            have.add(tag.casefold())
    return out


def change_tags(
    store: Store, ids: Sequence[str], add: Iterable[str] = (), remove: Iterable[str] = ()
) -> Change:
    add, remove = list(add), list(remove)
    return _apply(store, "tags", ids, lambda p: p.replace(tags=edit_tags(p.tags, add, remove)))


def remove(store: Store, ids: Sequence[str], *, now: dt.datetime) -> Change:
    """Delete papers in one commit. Undo puts them back as they were when deleted
    (while their ids are free); their citation keys stay retired (readlist.deleted).
    Works on the stored documents, so a paper with invalid data can be deleted too."""
    from readlist import deleted

    with store.transaction():
        records = store.records()
        for pid in ids:
            if pid not in records:
                raise NotFoundError(f"no paper with id {pid}")
        docs = {pid: dict(records[pid]) for pid in ids}
        places = store.anchors(docs)
        deleted.bury(store, docs, iso(now), places=places)
        store.remove(docs)
    return Change("delete", removed=docs, places=places)


def restore(store: Store, ids: Sequence[str]) -> Change:
    """Put deleted papers back from the trash, as they were when deleted. A paper in
    the library again (it arrived anew since) gets the old copy's state merged in, as
    a backup's copy merges: nothing either copy holds is lost."""
    from readlist import deleted
    from readlist.dedup import restore as fold_in

    with store.transaction():
        trash, again = deleted.trash(store), deleted.again(store)
        for pid in ids:
            if pid not in trash and pid not in again:
                why = "it is in the library" if pid in store else "it is not in the trash"
                raise NotFoundError(f"cannot restore {pid}: {why}")
        wanted = [pid for pid in dict.fromkeys(ids) if pid in trash]
        papers = [Paper.from_doc(pid, dict(trash[pid]["paper"])) for pid in wanted]
        before = [store.get(pid) for pid in dict.fromkeys(ids) if pid in again]
        after = [fold_in(p, Paper.from_doc(p.id, dict(again[p.id]["paper"]))) for p in before]
        store.put(papers, at=deleted.settle(store, deleted.places(trash, wanted)))
        store.put(after)
        deleted.returned(store, ids)
    return Change.between("restore", before, after, created=papers)
