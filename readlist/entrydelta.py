"""An auto-export update after a few changes, in a long-running process (the TUI):
only the papers that changed are looked at, rendered and written.

After each update of an export of all papers the process keeps what it wrote
(`Last`): the records it selected from (the very objects), the ids in file order,
and the file's record (readlist.exportfile: each entry's digest and byte range) and
stat. The store replaces a paper's record with a new object at every change, its
own or read from the journal, and never changes one in place (the render cache's
document hashes rely on the same), so the papers that changed are the records that
are not the ones kept: one pass of identity checks, no hashing, no rendering.

Only changes that leave everything but their own entries as they were take this
path: the same papers, each in its place (the `added` it sorts by), its key and
aliases as they were (the key clashes of the library are the same), its document
valid and rendered under its stored key. Anything else (an import, a delete, a key
change, a file changed by anyone else, many changes at once) is the full update,
which stays the reference: the bytes are the same either way
(tests/core/test_export_file.py).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist import exportfile, schema
from readlist.exporters import EntryWise, Options
from readlist.exporting import check_output
from readlist.rendercache import DIGEST
from readlist.selection import text_of

if TYPE_CHECKING:
    from readlist.entrycache import EntryCache
    from readlist.store import Store

MANY = 256  # changes beyond which the full update is as quick

Records = Mapping[str, Mapping[str, Any]]


@dataclass
class Last:
    """What one auto-export last wrote, and from which records."""

    docs: dict[str, Mapping[str, Any]]  # every paper's record it was selected from
    where: dict[str, int]  # id -> index of its entry in the file
    record: exportfile.Record  # the file as written
    stat: list[int] | None  # the file's stat then (exportfile.stat_key)
    target: Path  # the file's real path

    @classmethod
    def of(
        cls,
        docs: Records,
        ids: Sequence[str],
        record: exportfile.Record,
        target: Path,
    ) -> Last:
        ends = record.ends if isinstance(record.ends, array) else array("q", record.ends)
        kept = exportfile.Record(bytes(record.digests), ends, record.start, record.sep)
        where = {pid: n for n, pid in enumerate(ids)}
        return cls(dict(docs), where, kept, exportfile.stat_key(target), target)


def changed(last: Last, records: Records, needs_keys: bool) -> list[str] | None:
    """The ids whose entry alone may have changed since `last`, in no order; None when
    the update must be a full one (papers added or removed, the file changed)."""
    if len(records) != len(last.docs) or exportfile.stat_key(last.target) != last.stat:
        return None
    docs = last.docs
    out = [pid for pid, doc in records.items() if docs.get(pid) is not doc]
    if len(out) > MANY:
        return None
    for pid in out:
        old, new = docs.get(pid), records[pid]
        if old is None or pid not in last.where:
            return None  # a paper added (as one removed), or one left out before
        if text_of(old, "added") != text_of(new, "added"):
            return None  # its place in the file
        if [old.get("bibkey"), old.get("bibkey_aliases")] != [
            new.get("bibkey"),
            new.get("bibkey_aliases"),
        ] or (needs_keys and not new.get("bibkey")):
            return None  # the keys, and so the key clashes, of the library
    return out


def update(
    store: Store,
    last: Last,
    exporter: EntryWise,
    options: Options,
    head: bytes,
    cache: EntryCache,
    records: Records,
    needs_keys: bool,
) -> tuple[bool, Last] | None:
    """Bring the file `last` describes up to date with `records` (the store's, as
    they are now) by its changed entries alone: whether it was written, and what it
    now holds; None when the full update must run instead."""
    ids = changed(last, records, needs_keys)
    if ids is None:
        return None
    if not ids:
        return False, last
    if any(schema.problem(records[pid]) is not None for pid in ids):
        return None  # left out from now on: the full update says so
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
    docs = dict(records)
    if not changes:
        return False, Last(docs, last.where, old, last.stat, last.target)
    opts = (options.format, options.unicode, options.versions)
    sep = exporter.separator.encode("utf-8")
    if shown:
        target = check_output(last.target, store)  # hard links, a writable directory
        if target != last.target:
            return None
        record = exportfile.patch(store.render_dir, target, opts, head, sep, old, changes)
    else:  # the same bytes: only the record learns the new digests
        record = exportfile.redigest(store.render_dir, last.target, opts, head, sep, old, changes)
    return shown, Last(docs, last.where, record, exportfile.stat_key(last.target), last.target)


__all__ = ["MANY", "Last", "changed", "update"]
