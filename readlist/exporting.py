"""Export as a service: choose papers, give each a stored key, render, write.

The formats (`readlist.exporters`) are pure renderers (papers with keys -> text).
Keys are assigned here, once, for the formats that cite by key, and stored on the
paper; a key once given never changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from readlist import deleted
from readlist.atomic import atomic_write
from readlist.citekeys import assign_keys, stored_keys, valid_key
from readlist.errors import ReadlistError
from readlist.exporters import EntryWise, Exporter, Options, exporter_for
from readlist.fileformat import META
from readlist.fspaths import Kind, PathError, kind_of, open_regular, refusal
from readlist.model import Paper
from readlist.selection import Selection
from readlist.store import Store

if TYPE_CHECKING:
    from readlist.entrycache import EntryCache


def choose(
    store: Store,
    selection: Selection | None = None,
    ids: Sequence[str] = (),
    query: str | None = None,
    *,
    now: dt.datetime,
) -> list[str]:
    """The ids to export: a view, narrowed to explicit ids (in their order) and a query
    (whose `is:due` compares with `now`)."""
    view = store.view()  # by the sidecar index where the store was opened by it
    chosen = [view.ids[r] for r in view.select(selection or Selection())]
    if ids:
        keep = set(chosen)
        wanted = dict.fromkeys(store.resolve(i) for i in ids)
        chosen = [i for i in wanted if i in keep]
    if query:
        from readlist.search import rank

        chosen = rank(store.records(), query, ids=chosen, now=now)
    return chosen


def ensure_keys(store: Store, papers: Sequence[Paper]) -> list[Paper]:
    """Give every paper a stored key; once given, a key never changes."""
    if all(p.bibkey for p in papers):
        return list(papers)
    with store.transaction():
        current = [store.get(p.id) for p in papers]
        taken = [k for r in store.cite_keys().values() for k in _keys(r)]
        taken += deleted.retired(store)  # a deleted paper's keys may be cited still
        fresh = assign_keys(current, taken)
        updated = {pid: store.get(pid).replace(bibkey=key) for pid, key in fresh.items()}
        store.put(updated.values())
    return [updated.get(p.id, p) for p in current]


def _keys(record: Mapping[str, Any]) -> list[str]:
    """A stored paper's citation key and aliases: all taken for new keys."""
    return stored_keys(record)


def entries_for(papers: Sequence[Paper], cited: Mapping[str, Sequence[str]]) -> list[Paper]:
    """Each paper once under its stored key, or once per key a document cites it by
    (its key or an alias), so every `\\cite` finds an entry. A key that is not a valid
    BibTeX key is never written, whatever got it this far: it could close the entry."""
    out: list[Paper] = []
    for paper in papers:
        keys: Sequence[str | None] = cited.get(paper.id) or [paper.bibkey]
        out += [
            paper if k == paper.bibkey else paper.replace(bibkey=k)
            for k in keys
            if k is None or valid_key(k)
        ]
    return out


def prepare(
    store: Store,
    papers: Sequence[Paper],
    exporter: Exporter,
    cited: Mapping[str, Sequence[str]] | None = None,
) -> list[Paper]:
    """The entries to render: each paper once, with its key (assigned now if missing,
    stored for good) when the format cites by key, under each key `cited` (id -> the
    keys a document cites it by) names."""
    unique = list({p.id: p for p in papers}.values())
    if not exporter.needs_keys:
        return unique
    return entries_for(ensure_keys(store, unique), cited or {})


def render_export(
    store: Store,
    papers: Sequence[Paper],
    options: Options | None = None,
    cited: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, int]:
    """The text of the export in `options.format`, and how many entries it holds."""
    options = options or Options()
    exporter = exporter_for(options.format)
    if isinstance(exporter, EntryWise) and all(store.holds(p) for p in papers):
        # The papers as stored: their entries can come from the render cache.
        ids = [p.id for p in papers]
        parts, count, bad = cache_for(store).render(
            store, exporter, options, ids, cited, give_keys=ensure_keys
        )
        if not bad:  # else render them all, as asked, invalid ones included
            return b"".join(parts).decode("utf-8"), count
    entries = prepare(store, papers, exporter, cited)
    return exporter.render(entries, options), len(entries)


_CACHES: weakref.WeakKeyDictionary[Store, EntryCache] = weakref.WeakKeyDictionary()


def cache_for(store: Store) -> EntryCache:
    """The render cache of an open store (entries on disk, document hashes in memory)."""
    from readlist.entrycache import EntryCache

    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = EntryCache(keep=False)
    return cache


def export_papers(
    store: Store,
    papers: Sequence[Paper],
    options: Options | None = None,
    cited: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Assign any missing keys (stored for good), then render. Repeats are dropped;
    `cited` (id -> the keys a document cites it by) writes a paper under those keys."""
    return render_export(store, papers, options, cited)[0]


def exportable(store: Store, ids: Sequence[str]) -> tuple[list[Paper], dict[str, str]]:
    """The papers of `ids` fit to export, and why the others are not: a paper whose
    stored data is invalid (a library edited by hand, a tampered backup of an older
    readlist) is left out and named, never written into a .bib (its key could close
    the entry and inject TeX)."""
    bad = store.problems(ids)
    papers, unreadable = store.readable(i for i in ids if i not in bad)
    return papers, bad | unreadable


def export_ids(
    store: Store,
    ids: Sequence[str],
    options: Options | None = None,
    cited: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[bytes | memoryview], int, dict[str, str]]:
    """The export of these papers (UTF-8, in pieces: b"".join them), how many entries
    it holds, and the papers left out for invalid data (with why). Entries come from
    the render cache where the format allows (readlist.entrycache): the same bytes,
    sooner."""
    if not ids:
        raise ReadlistError("no papers match; nothing exported")
    options = options or Options()
    exporter = exporter_for(options.format)
    if isinstance(exporter, EntryWise):
        parts, count, bad = cache_for(store).render(
            store, exporter, options, ids, cited, give_keys=ensure_keys
        )
        if all(i in bad for i in ids):
            raise ReadlistError(f"every paper chosen has invalid data ({len(bad)}); readlist check")
        return parts, count, bad
    papers, bad = exportable(store, ids)
    if not papers:
        raise ReadlistError(f"every paper chosen has invalid data ({len(bad)}); readlist check")
    text, count = render_export(store, papers, options, cited)
    return [text.encode("utf-8")], count, bad


def _head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of an existing file; never blocks on a FIFO swapped in."""
    try:
        with open_regular(path, "not reading it") as fh:
            return fh.read(size)
    except (FileNotFoundError, PathError):
        return b""


def _is_backup(head: bytes) -> bool:
    """True for a `readlist backup` file: its first line carries the backup mark."""
    first = head.partition(b"\n")[0]
    prefix = b'{"%s":' % META.encode()
    try:
        meta = orjson.loads(first[len(prefix) : -1])
        return first.startswith(prefix) and meta["1"]["backup"] is True
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return False


def _other_library(target: Path, backup_ok: bool) -> str | None:
    """Why `target` may be a file of some other library (so never overwritten), or None.

    A snapshot or backup starts `{"_readlist":`; a journal's first line is
    `CRC32 {"journal":...}`; `L-journal` beside an existing `L`, `L.lock`, and a
    file with a journal beside it are named like a library's files. `backup_ok`
    lets `backup` replace an older backup (marked so in its meta), never a library.
    """
    name = target.name
    if name.endswith(".lock"):
        return "named like a library's lock file"
    if name.endswith("-journal") and target.with_name(name[: -len("-journal")]).is_file():
        return "named like the journal of the library beside it"
    if target.with_name(name + "-journal").exists():
        return "a library file: it has a journal beside it"
    head = _head(target)
    if re.match(rb'[0-9a-f]{8} \{"journal":', head):
        return "a readlist journal"
    if head.startswith(b'{"%s":' % META.encode()) and not (backup_ok and _is_backup(head)):
        return "a readlist backup" if _is_backup(head) else "a readlist library"
    return None


def check_output(path: Path, store: Store, *, backup_ok: bool = False) -> Path:
    """Where an export to `path` really lands (through symlinks), refusing the
    library's own files (even through a hard link), files of any other library, a
    missing directory, what is not a file, and a directory readlist cannot write."""
    target = Path(os.path.realpath(path))
    same = store.is_own_file(path)
    if not same and target.exists():
        own = (store.path, store.journal_path, store.lock_path)
        with contextlib.suppress(OSError):
            same = any(f.exists() and os.path.samefile(target, f) for f in own)
    if same:
        raise ReadlistError(
            f"{path}: that is a file of the library {store.path}; not overwriting it"
        )
    if not target.parent.is_dir():
        raise ReadlistError(f"{path}: no such directory {target.parent}")
    kind = kind_of(target)  # a FIFO would block the first read of it
    if kind not in (Kind.FILE, Kind.MISSING):
        raise ReadlistError(f"{path}: {refusal(kind, 'not overwriting it')}")
    if (why := _other_library(target, backup_ok)) is not None:
        raise ReadlistError(f"{path}: {why}; not overwriting it")
    try:  # find an unwritable place now, before any key is stored
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ReadlistError(f"{path}: cannot write ({exc.strerror})") from None
    return target


def write_export(path: Path, text: str | Sequence[bytes | memoryview], store: Store) -> None:
    """Replace `path` (or, for a symlink, its target) atomically with the exported text
    (or its UTF-8 bytes, in pieces)."""
    target = check_output(path, store)
    try:
        atomic_write(target, text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        raise ReadlistError(f"{path}: cannot write ({exc.strerror})") from None
