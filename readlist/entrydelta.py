"""An auto-export update after a few changes: only the papers that changed are looked
at, rendered and written; the rest of the file is copied as it is.

The record of the file (readlist.exportfile) says, for an export of every paper, one
entry each, which paper's entry lies where, each one's place digest (`place`: what
orders the file and what keys the library), and the library's snapshot the entries
were read from, with journal lines on top (`Follow`). Which papers may have changed
since is known two ways, without reading the others:

- in the process that wrote it (the TUI), by the records it kept (`Last.docs`): the
  store replaces a paper's record with a new object at every change, its own or read
  from the journal, and never changes one in place (the render cache's document
  hashes rely on the same), so one pass of identity checks finds them;
- in any process that opened the library by its index (a command's auto-export), by
  the store's papers changed since the same snapshot: the journal is only appended to
  while a snapshot stands, so whatever changed since the file was written is among them.

Only changes that leave everything but their own entries as they were take this path:
the same papers, each with its place digest, its key, its document valid. Anything
else (an import, a delete, a key or date change, another snapshot, a file changed by
anyone else, many changes) is the full update, which stays the reference: the bytes
are the same either way (tests/core/test_export_delta.py).
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from readlist import exportfile, schema
from readlist.exporters import EntryWise, Options
from readlist.exportfile import PLACE, ExportFile, Follow
from readlist.exporting import check_output
from readlist.rendercache import DIGEST
from readlist.selection import text_of

if TYPE_CHECKING:
    from readlist.entrycache import EntryCache
    from readlist.store import Store

MANY = 256  # changes beyond which the full update is as quick

Records = Mapping[str, Mapping[str, Any]]


def place(record: Mapping[str, Any]) -> bytes:
    """What orders a paper in the file (`added`, selection.select) and what the
    library's key clashes depend on (its key and aliases), as a digest."""
    what = [text_of(record, "added"), record.get("bibkey"), record.get("bibkey_aliases")]
    try:
        data = orjson.dumps(what)
    except (orjson.JSONEncodeError, TypeError):
        data = repr(what).encode("utf-8", "backslashreplace")
    return hashlib.blake2b(data, digest_size=PLACE).digest()


def follow(store: Store, ids: Sequence[str], records: Records) -> Follow:
    """What the record of an export of `ids` (every paper, read from `records`, the
    store's now) keeps for the next update."""
    places = b"".join([place(records[pid]) for pid in ids])
    snapshot = store.snapshot_ident()
    return Follow(list(ids), places, None if snapshot is None else list(snapshot))


@dataclass
class Last:
    """What one auto-export last wrote, and from which records."""

    record: exportfile.Record  # the file as written, with its Follow
    where: dict[str, int]  # id -> index of its entry in the file
    stat: list[int] | None  # the file's stat then (exportfile.stat_key)
    target: Path  # the file's real path
    docs: Records | None = None  # the records it was made from (this process's)

    @classmethod
    def of(cls, record: exportfile.Record, target: Path, docs: Records | None = None) -> Last:
        assert record.follow is not None
        ends = record.ends if isinstance(record.ends, array) else array("q", record.ends)
        kept = exportfile.Record(bytes(record.digests), ends, record.start, record.sep)
        kept.follow = record.follow
        where = {pid: n for n, pid in enumerate(record.follow.ids)}
        return cls(kept, where, exportfile.stat_key(target), target, docs)


def export_file(
    store: Store, target: Path, exporter: EntryWise, options: Options, head: bytes
) -> ExportFile:
    """The file `target` (a real path) as an auto-export with `exporter` writes it."""
    opts = (options.format, options.unicode, options.versions)
    return ExportFile(store.render_dir, target, opts, head, exporter.separator.encode("utf-8"))


def from_disk(store: Store, file: ExportFile, current: bytes | None) -> Last | None:
    """The last write of `file` as its record says, if it can be followed here
    (`current`: the file's first bytes)."""
    if store.changed_since_snapshot() is None:
        return None
    record = exportfile.load(file, current)
    if record is None or record.follow is None:
        return None
    return Last.of(record, file.target)


def candidates(last: Last, store: Store, records: Records | None) -> Iterable[str] | None:
    """The ids whose entry alone may have changed since `last`; None when the update
    must be a full one (papers added or removed, the file changed)."""
    follow = last.record.follow
    assert follow is not None
    if len(store) != len(follow.ids) or exportfile.stat_key(last.target) != last.stat:
        return None
    if last.docs is not None and records is not None:
        docs = last.docs
        if len(records) != len(docs):
            return None
        return [pid for pid, doc in records.items() if docs.get(pid) is not doc]
    snapshot = store.snapshot_ident()
    if snapshot is None or list(snapshot) != follow.snapshot:
        return None
    return store.changed_since_snapshot()


def update(
    store: Store,
    last: Last,
    exporter: EntryWise,
    options: Options,
    head: bytes,
    cache: EntryCache,
    records: Records | None,
    needs_keys: bool,
) -> tuple[bool, Last] | None:
    """Bring the file `last` describes up to date with the store's papers by its
    changed entries alone (`records`: the store's as they are now, where this process
    wrote it): whether it was written, and what it now holds; None when the full
    update must run instead."""
    found = candidates(last, store, records)
    if found is None:
        return None
    held = store.records()
    where = last.where
    ids = [pid for pid in found if pid in held or pid in where]  # else gone before
    if len(ids) > MANY:
        return None
    follow = last.record.follow
    assert follow is not None
    for pid in ids:
        n = where.get(pid)
        if n is None or pid not in held:
            return None  # a paper added or removed since (or left out before)
        new = held[pid]
        if place(new) != follow.places[n * PLACE : (n + 1) * PLACE]:
            return None  # its place in the file, or the library's keys
        if (needs_keys and not new.get("bibkey")) or schema.problem(new) is not None:
            return None  # a key to give, or left out from now on: the full update
    entries = cache.entries(store, exporter, options, ids)
    if entries is None:
        return None
    old = last.record
    changes: dict[int, exportfile.Entry] = {}
    shown = False  # a change the file shows
    with open(last.target, "rb") as fh:
        for pid, (digest, text) in zip(ids, entries, strict=True):
            n = last.where[pid]
            if old.digests[n * DIGEST : (n + 1) * DIGEST] == digest:
                continue
            changes[n] = (digest, text)
            begin = old.begin(n)
            if old.ends[n] - begin != len(text) or os.pread(fh.fileno(), len(text), begin) != text:
                shown = True
    snapshot = store.snapshot_ident()
    now = Follow(follow.ids, follow.places, None if snapshot is None else list(snapshot))
    docs = None if last.docs is None or records is None else records
    if not changes and now == follow:
        return False, Last(old, last.where, last.stat, last.target, docs)
    file = export_file(store, last.target, exporter, options, head)
    if shown:
        target = check_output(last.target, store)  # hard links, a writable directory
        if target != last.target:
            return None
        record = exportfile.patch(file, old, changes, now)
    else:  # the same bytes: only the record learns the new digests
        record = exportfile.redigest(file, old, changes, now)
    stat = exportfile.stat_key(last.target)
    return shown, Last(record, last.where, stat, last.target, docs)


__all__ = ["MANY", "Last", "candidates", "export_file", "follow", "from_disk", "place", "update"]
