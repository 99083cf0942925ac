"""What readlist remembers of deleted papers: the trash, and the keys they retire.

A deleted paper leaves a record in the library's `deleted` table (same files, same
journal as the papers): its id, title, citation keys, when, and the paper as it was.
Two things need it:

* **Keys stay retired.** A document may cite a deleted paper's key. Were the key free
  again, the next paper to be exported could get it, and that document would cite a
  different paper without a warning. So every key a deleted paper had is taken for
  good, except by that same paper arriving again (same id, same title): it gets its
  keys back, and the document finds it again.
* **The trash.** `readlist restore ID` puts a deleted paper back as it was, state
  and note included, while its id is free.

A paper that arrives again in a listing or an import is added as a new paper (unread,
no note): the record never blocks an import the user asked for.

The store has no API for tables besides `papers` yet (store.py belongs to another
branch of work): `_table` and `_commit` are the one place that reach past it, under
the store's own transaction and lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from readlist import putback
from readlist.citekeys import fold, valid_key
from readlist.errors import NotFoundError
from readlist.fileformat import Malformed
from readlist.model import Paper, title_key
from readlist.places import Anchors
from readlist.selection import text_of, texts_of
from readlist.store import Store

TABLE = "deleted"


def _table(store: object) -> Mapping[str, Any]:
    """The `deleted` table, read from the store's storage, or the frozen copy a
    library-like object holds (the import preview's snapshot: its counts must be the
    import's, which keeps a deleted paper's keys its own)."""
    frozen = getattr(store, "deleted_records", None)
    if callable(frozen):
        table = frozen()
        return table if isinstance(table, Mapping) else {}
    storage = getattr(store, "_storage", None)
    if storage is None:
        return {}
    table = storage.data.get(TABLE)
    return table if isinstance(table, dict) else {}


def _commit(store: Store, docs: Mapping[str, dict[str, Any]]) -> None:
    """Write records to the `deleted` table: one durable journal line, under the lock.

    Called inside `store.transaction()`, before the papers are removed: a crash in
    between leaves a record for a paper that still exists, which retires nothing it
    does not already hold.
    """
    storage = store._storage
    storage.data.setdefault(TABLE, {}).update(docs)
    storage.commit({TABLE: list(docs)})


def records(store: object) -> dict[str, dict[str, Any]]:
    """The well-formed records, by paper id (a hand-edited library may hold others)."""
    out: dict[str, dict[str, Any]] = {}
    for pid, doc in _table(store).items():
        keys = doc.get("keys")
        if (
            isinstance(doc.get("title"), str)
            and isinstance(keys, list)
            and all(isinstance(k, str) for k in keys)
        ):
            out[pid] = doc
    return out


def bury(
    store: Store,
    docs: Mapping[str, Mapping[str, Any]],
    stamp: str,
    *,
    trash: bool = True,
    places: Anchors | None = None,
) -> None:
    """Record these stored papers (id -> document) as deleted at `stamp`, inside the
    store's transaction; kept whole for `restore` unless not `trash` (an undone import:
    it never happened, but keys given since stay retired), with where each stood
    (`places`, readlist.places). A paper deleted before keeps the keys it had then, too."""
    old = records(store)
    seq = putback.next_seq(old)
    out: dict[str, dict[str, Any]] = {}
    for pid, doc in docs.items():
        keys: dict[str, str] = {}  # folded -> as written, first spelling kept
        mine = [text_of(doc, "bibkey"), *texts_of(doc, "bibkey_aliases")]
        for key in [*mine, *old.get(pid, {}).get("keys", ())]:
            if key:
                keys.setdefault(fold(key), key)
        title = text_of(doc, "title")
        record = {**old.get(pid, {"at": stamp}), "title": title, "keys": list(keys.values())}
        if trash:  # else what the trash held of an earlier deletion stays there
            record.update(at=stamp, paper=_with_old_state(pid, doc, old.get(pid, {})))
            record.pop("after", None)
            if places is not None and pid in places:
                record["after"] = places[pid]
            record["gone"] = putback.opened(old.get(pid, {}), seq, record.get("after", ""))
        out[pid] = record
    if out:
        _commit(store, out)


def keep_retired(
    store: Store,
    was: Mapping[str, Mapping[str, Any]],
    now: Mapping[str, Mapping[str, Any]],
    held: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Papers that lose a key (an undone or redone key edit: `was` -> `now`, by id)
    keep it retired, inside the store's transaction: it may be cited by now, so no
    other paper gets it; the paper itself may take it again. A key one of `held`
    holds (a paper an undone merge puts back) is that paper's, not retired."""
    taken = {k for doc in held for k in _folded(doc)}
    losing: dict[str, dict[str, Any]] = {}
    for pid, doc in was.items():
        kept = _folded(now.get(pid, {})) | taken
        lost = [k for k in [text_of(doc, "bibkey"), *texts_of(doc, "bibkey_aliases")] if k]
        lost = [k for k in lost if fold(k) not in kept]
        if lost:
            losing[pid] = {"title": text_of(doc, "title"), "bibkey_aliases": lost}
    if losing:
        bury(store, losing, "", trash=False)


def _folded(doc: Mapping[str, Any]) -> set[str]:
    return {fold(k) for k in [text_of(doc, "bibkey"), *texts_of(doc, "bibkey_aliases")] if k}


def _with_old_state(pid: str, doc: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """What the trash keeps of a paper deleted now: the paper, and where it arrived
    again after an earlier deletion (`again`), the state that copy had too, so that
    deleting the new copy never loses the old one's note, read, star and tags."""
    old = record.get("paper")
    if not record.get("again") or not isinstance(old, dict):
        return dict(doc)
    from readlist.dedup import restore  # rapidfuzz: only this rare case pays for it

    try:
        return restore(Paper.from_doc(pid, dict(doc)), Paper.from_doc(pid, dict(old))).to_doc()
    except (TypeError, ValueError, KeyError):  # a hand-edited document: keep it whole
        return dict(doc)


def arrived(store: Store, ids: Iterable[str]) -> None:
    """These papers were just added again (an import, a pull, a backup) while the trash
    holds an earlier copy: mark it, so `restore` offers that copy's state, and a later
    delete keeps it (inside the store's transaction)."""
    old = records(store)
    out = {
        pid: {**old[pid], "again": True}
        for pid in ids
        if pid in old and isinstance(old[pid].get("paper"), dict) and not old[pid].get("again")
    }
    if out:
        _commit(store, out)


def again(store: Store) -> dict[str, dict[str, Any]]:
    """Deleted papers that are in the library again as new copies, whose old state the
    trash still holds: `restore` merges it into the copy in the library."""
    return {
        pid: doc
        for pid, doc in records(store).items()
        if doc.get("again") and isinstance(doc.get("paper"), dict) and pid in store
    }


def returned(store: Store, ids: Iterable[str]) -> None:
    """These papers are back (restored, or a delete undone), inside the store's
    transaction: counted (readlist.putback), and nothing more to offer of their old
    state."""
    old = records(store)
    seq = putback.next_seq(old)
    out: dict[str, dict[str, Any]] = {}
    for pid in ids:
        if pid in old and pid in store:
            record = {k: v for k, v in old[pid].items() if k != "again"}
            if (gone := putback.closed(record, seq)) is not None:
                record["gone"] = gone
            if record != old[pid]:
                out[pid] = record
    if out:
        _commit(store, out)


def gone_again(store: Store, places: Anchors) -> None:
    """These papers, put back before, are removed again (a redone delete), from these
    places: counted as deleted now, inside the store's transaction."""
    old = records(store)
    seq = putback.next_seq(old)
    out = {
        pid: {**old[pid], "after": after, "gone": putback.opened(old[pid], seq, after)}
        for pid, after in places.items()
        if pid in old
    }
    if out:
        _commit(store, out)


def where(store: Store, places: Anchors) -> Anchors:
    """Where these papers stood when last deleted: as the trash recorded it while it
    says they are gone (a redo may have moved them), else as `places` says (a merge's
    removed paper, whose record, if any, is of an earlier deletion undone since)."""
    recorded = records(store)
    out: Anchors = {}
    for pid, anchor in places.items():
        entry = putback.last(recorded, pid)
        out[pid] = entry[1] if entry is not None and entry[1] != "" else anchor
    return out


def settle(store: Store, moves: Anchors) -> Anchors:
    """Where to put back these papers, in turn (readlist.putback.settle)."""
    return putback.settle(records(store), moves, store.__contains__, store.records)


def retired(store: object) -> dict[str, str]:
    """Every key of a deleted paper (folded, as keys compare) -> that paper's id."""
    out: dict[str, str] = {}
    for pid, doc in records(store).items():
        for key in doc["keys"]:
            out.setdefault(fold(key), pid)
    return out


def keys_back(store: object, paper: Paper) -> list[str]:
    """The keys `paper` had when it was deleted, if it is that paper arriving again
    (the same id and the same title): documents may cite it by them."""
    doc = records(store).get(paper.id)
    if doc is None or title_key(doc["title"]) != title_key(paper.title):
        return []
    return list(doc["keys"])


def trash(store: Store) -> dict[str, dict[str, Any]]:
    """Deleted papers that can be restored: kept whole, and their id free."""
    return {
        pid: doc
        for pid, doc in records(store).items()
        if isinstance(doc.get("paper"), dict) and pid not in store
    }


def gone_while_edited(store: Store, pid: str) -> NotFoundError:
    """What saving an edit says when its paper went while the form or the editor was
    open (another process deleted it): where it is, not just "no paper"."""
    if pid in trash(store):
        return NotFoundError(
            f"not saved: {pid} was deleted while you edited it; "
            f"readlist restore {pid} brings it back from the trash"
        )
    return NotFoundError(f"not saved: {pid} was removed from the library while you edited it")


def places(trash: Mapping[str, Mapping[str, Any]], ids: Iterable[str]) -> Anchors:
    """Where these papers stood when deleted, as the trash recorded it, each after its
    anchor where that is one of them too: `Store.put(..., at=)` puts them back."""
    pending: Anchors = {}
    for pid in ids:
        after = trash.get(pid, {}).get("after", "")
        if after is None or (isinstance(after, str) and after):
            pending[pid] = after
    out: Anchors = {}
    while pending:
        ready = {pid: a for pid, a in pending.items() if a not in pending or a == pid}
        out.update(ready or pending)  # a cycle (a hand-edited trash): as they come
        pending = {pid: a for pid, a in pending.items() if pid not in out}
    return out


def from_backup(table: object) -> dict[str, dict[str, Any]]:
    """A backup's `deleted` table, checked at the border (as its papers are): each
    record's title and keys, its place, and the paper it keeps, of the stored shape.
    Raises Malformed, or InvalidPaper naming the paper."""
    from readlist import schema  # msgspec: only an import of a backup pays for it

    if not isinstance(table, dict):
        raise Malformed("its deleted table is not an object")
    out: dict[str, dict[str, Any]] = {}
    for pid, record in table.items():
        keys = record.get("keys") if isinstance(record, dict) else None
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("title"), str)
            or not isinstance(record.get("at", ""), str)
            or not isinstance(keys, list)
            or not all(isinstance(k, str) and valid_key(k) for k in keys)
            or not (record.get("after") is None or isinstance(record["after"], str))
        ):
            raise Malformed(f"deleted paper {pid[:40]!r} is not a record of one")
        if "paper" in record:
            schema.check_backup({pid: record["paper"]})
        out[pid] = dict(record)
    return out


def adopt(store: Store, table: Mapping[str, Mapping[str, Any]]) -> None:
    """Take a backup's deleted papers into this library, inside the import's
    transaction: a record it lacks comes whole (the trash, the place, the keys); one
    it has gains the backup's keys, which stay retired here too."""
    old = records(store)
    out: dict[str, dict[str, Any]] = {}
    for pid, record in table.items():
        if pid not in old:
            out[pid] = dict(record)
            continue
        keys = list(dict.fromkeys([*old[pid]["keys"], *record["keys"]]))
        if keys != old[pid]["keys"]:
            out[pid] = {**old[pid], "keys": keys}
    if out:
        _commit(store, out)
