"""Keep export files in step with the library: `[[export.auto]]` and `export --watch`.

A file is rewritten (atomically) only when its bytes would change, so tools that
watch it (latexmk, Overleaf's git sync) see no false change. An auto-export only
replaces a file it wrote itself (it carries `MARK` where its format puts it, see
`Exporter.stamp`: a BibTeX file starts with `HEADER`), never a hand-kept one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from readlist import entrydelta, exportfile
from readlist.atomic import atomic_write
from readlist.citations import shown
from readlist.config import AutoExport
from readlist.entrydelta import Last
from readlist.errors import InputError, ReadlistError
from readlist.exporters import EntryWise, Exporter, Options, exporter_for
from readlist.exporting import cache_for, check_output, ensure_keys, exportable
from readlist.fspaths import Kind, PathError, kind_of, open_regular, refusal
from readlist.model import Paper
from readlist.selection import select
from readlist.store import Store

if TYPE_CHECKING:
    from readlist.entrycache import EntryCache

MARK = "Written by readlist auto-export ([[export.auto]] in config.toml); edits are lost."
HEADER = f"% {MARK}\n".encode()  # BibTeX's and biblatex's stamp


@dataclass(frozen=True)
class Result:
    """What one auto-export did: wrote the file, left it as it was, or failed."""

    path: Path
    count: int = 0
    written: bool = False
    error: str | None = None
    invalid: tuple[str, ...] = ()  # papers left out for invalid data

    def message(self) -> str:
        if self.error is not None:
            return shown(f"auto-export {self.path}: {self.error}")
        n = self.count
        text = f"auto-export: wrote {n} entr{'ies' if n != 1 else 'y'} to {self.path}"
        if self.invalid:
            text += f" ({len(self.invalid)} left out for invalid data: readlist check)"
        return shown(text)


NOT_WRITING = "not writing it"
HEAD = 4096  # bytes read to tell whose a file is


def _current(path: Path, size: int = -1) -> bytes | None:
    """The file's bytes (the first `size`), None if there is none. Never opens a FIFO
    or a device, which would block the write command after its commit, forever."""
    try:
        with open_regular(path, NOT_WRITING) as fh:
            return fh.read(size)
    except FileNotFoundError:
        return None


def _same(path: Path, parts: Sequence[bytes | memoryview]) -> bool:
    """Whether the file holds the pieces joined (read only when the sizes agree)."""
    size = sum(len(p) for p in parts)
    try:
        if os.stat(path).st_size != size:
            return False
    except OSError:
        return False
    current = _current(path)
    if current is None or len(current) != size:
        return False
    at = 0
    for part in parts:
        if not current.startswith(part, at):  # memcmp; a memoryview's == is per byte
            return False
        at += len(part)
    return True


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` unless it already holds exactly that; True if written."""
    if _current(path) == data:
        return False
    atomic_write(path, data)
    return True


def selected(
    records: Mapping[str, Mapping[str, Any]],
    query: str,
    now: dt.datetime,
    full: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    """The ids an auto-export holds: the query's matches, in the library's stable order.
    `records` may be light records (readlist.derive); a query reads `full` ones."""
    ordered = select(records)
    if not query.strip():
        return ordered
    from readlist.search import rank

    hits = set(rank(records if full is None else full, query, now=now))
    return [i for i in ordered if i in hits]


def render(papers: Sequence[Paper], options: Options) -> str:
    """The text of an export, in `options.format`."""
    return exporter_for(options.format).render(papers, options)


def _owned(current: bytes | None, exporter: Exporter) -> bool:
    """True when the file is absent, empty, or an earlier auto-export's output."""
    return current in (None, b"") or exporter.stamped(current, MARK)


Records = Mapping[str, Mapping[str, Any]]
Memo = dict[AutoExport, tuple[list[Mapping[str, Any] | None], list[int] | None]]
"""What each export last wrote, and from which records: lets a long-running process
(the TUI) skip rendering when neither the selected papers nor the file changed."""


def update_all(
    store: Store,
    exports: Sequence[AutoExport],
    now: dt.datetime,
    memo: Memo | None = None,
    cache: EntryCache | None = None,
) -> list[Result]:
    """Bring every auto-export up to date; one failing export does not stop the others.

    Papers newly selected get their citation keys first, all in one transaction. A
    long-running process keeps the `memo` and a `cache` of rendered entries.
    """
    results: dict[int, Result] = {}
    targets: set[str] = set()
    # What this process's last updates were made from, to tell the papers changed since.
    live = dict(store.records()) if cache is not None and cache.exports else None
    todo: list[tuple[int, AutoExport]] = []
    for n, export in enumerate(exports):
        target = os.path.realpath(export.path)
        if target in targets:  # two owners would rewrite it after every change
            results[n] = Result(export.path, error="named by an earlier [[export.auto]]; skipped")
            continue
        targets.add(target)
        quick = None
        if not export.query.strip() and (store.by_index or (cache and export in cache.exports)):
            quick = update_one(store, export, None, live, memo, cache)  # a few changes
        if quick is not None:
            results[n] = quick
        else:
            todo.append((n, export))
    if not todo:
        return [results[n] for n in range(len(exports))]
    # One snapshot to select from, even beside a writer thread: every paper's record
    # (the light one, readlist.derive, where the store was opened by its index).
    records = live if live is not None else dict(store.light())
    chosen: list[tuple[AutoExport, list[str]]] = []
    for n, export in todo:
        try:
            chosen.append((export, selected(records, export.query, now, store.records())))
        except ReadlistError as exc:
            results[n] = Result(export.path, error=str(exc))
    keyless = {
        pid
        for export, ids in chosen
        if exporter_for(export.format).needs_keys
        for pid in ids
        if not records[pid].get("bibkey")
    }
    if keyless:
        try:
            ensure_keys(store, store.readable(sorted(keyless))[0])
        except ReadlistError as exc:
            return [Result(e.path, error=f"cannot store citation keys: {exc}") for e in exports]
        records = dict(store.light())
    out: list[Result] = []
    done = iter(chosen)
    for n, export in enumerate(exports):
        if n in results:
            out.append(results[n])
            continue
        _, ids = next(done)
        out.append(update_one(store, export, ids, records, memo, cache))
    return out


@overload
def update_one(
    store: Store,
    export: AutoExport,
    ids: Sequence[str],
    records: Records | None = None,
    memo: Memo | None = None,
    cache: EntryCache | None = None,
) -> Result: ...


@overload
def update_one(
    store: Store,
    export: AutoExport,
    ids: None,
    records: Records | None,
    memo: Memo | None,
    cache: EntryCache | None,
) -> Result | None: ...


def update_one(
    store: Store,
    export: AutoExport,
    ids: Sequence[str] | None,
    records: Records | None = None,
    memo: Memo | None = None,
    cache: EntryCache | None = None,
) -> Result | None:
    """Render one auto-export and write it if its bytes changed. Without `ids`: only
    by the changes since the last update (readlist.entrydelta), None when that
    cannot be done and the full update must run."""
    kept = None if cache is None else cache.exports.pop(export, None)  # put back if still true
    last = kept if isinstance(kept, Last) else None
    try:
        if store.is_own_file(export.path):
            raise InputError("that is a file of the library; not overwriting it")
        kind = kind_of(export.path)
        if kind not in (Kind.FILE, Kind.MISSING):
            raise InputError(refusal(kind, NOT_WRITING))
        exporter = exporter_for(export.format)
        # Whose it is: a format that stamps in front (EntryWise) is told by its head.
        current = _current(export.path, HEAD if isinstance(exporter, EntryWise) else -1)
        if not _owned(current, exporter):
            raise InputError(
                "not written by readlist auto-export; not replacing it (move it away first)"
            )
        if ids is None:
            return _quick(store, export, exporter, current, records, memo, cache, last)
        if store.by_index:  # light records: the memo needs whole ones
            memo = None
        docs = [records.get(pid) for pid in ids] if records is not None else []
        cached = memo.get(export) if memo is not None else None
        if (
            cached is not None
            and cached[0] == docs
            and exportfile.stat_key(export.path) == cached[1]
        ):
            return Result(export.path, count=len(ids))
        held = store.records()
        present = [pid for pid in ids if pid in held]  # undo may drop one
        options = Options(export.format, export.unicode, versions=export.versions)
        parts: list[bytes | memoryview]
        if isinstance(exporter, EntryWise):
            cache = cache_for(store) if cache is None else cache
            head = exporter.stamp("", MARK).encode("utf-8")
            count, bad, written, record = _update_entries(
                store, export, exporter, head, present, current, cache
            )
            if record.follow is not None and cache.keeps and not store.by_index:
                target = Path(os.path.realpath(export.path))
                cache.exports[export] = Last.of(record, target, dict(store.records()))
        else:
            papers, bad = exportable(store, present)
            text, count = render(papers, options), len(papers)
            parts = [exporter.stamp(text, MARK).encode("utf-8")]
            written = not _same(export.path, parts)
            if written:  # the full check (hard links, a writable directory) only to write
                atomic_write(check_output(export.path, store), parts)
        if memo is not None and records is not None:
            memo[export] = (docs, exportfile.stat_key(export.path))
    except PathError as exc:  # names the path, which the message starts with already
        return Result(export.path, error=exc.reason)
    except ReadlistError as exc:
        return Result(export.path, error=str(exc))
    except OSError as exc:
        return Result(export.path, error=exc.strerror or str(exc))
    return Result(export.path, count=count, written=written, invalid=tuple(bad))


def _quick(
    store: Store,
    export: AutoExport,
    exporter: Exporter,
    current: bytes | None,
    records: Records | None,
    memo: Memo | None,
    cache: EntryCache | None,
    last: Last | None,
) -> Result | None:
    """The update by the changes since the last one alone (readlist.entrydelta), from
    what this process kept (`last`) or else from the file's record."""
    if not isinstance(exporter, EntryWise):
        return None
    options = Options(export.format, export.unicode, versions=export.versions)
    head = exporter.stamp("", MARK).encode("utf-8")
    if last is None:
        target = Path(os.path.realpath(export.path))
        file = entrydelta.export_file(store, target, exporter, options, head)
        last = entrydelta.from_disk(store, file, current)
        if last is None:
            return None
    cache = cache_for(store) if cache is None else cache
    keys = exporter.needs_keys
    done = entrydelta.update(store, last, exporter, options, head, cache, records, keys)
    if done is None:
        return None
    written, kept = done
    if cache.keeps and not store.by_index:
        cache.exports[export] = kept
    if memo is not None:
        memo.pop(export, None)  # made from records this update did not read
    return Result(export.path, count=len(last.where), written=written)


def _update_entries(
    store: Store,
    export: AutoExport,
    exporter: EntryWise,
    head: bytes,
    ids: Sequence[str],
    current: bytes | None,
    cache: EntryCache,
) -> tuple[int, dict[str, str], bool, exportfile.Record]:
    """An export of a format that is its entries joined: rewrite only the entries that
    changed since the last write, by the record of it (readlist.exportfile)."""
    options = Options(export.format, export.unicode, versions=export.versions)
    entries: list[exportfile.Entry] = []
    parts, count, bad = cache.render(
        store, exporter, options, ids, head=head, give_keys=ensure_keys, entries=entries
    )
    target = Path(os.path.realpath(export.path))
    file = entrydelta.export_file(store, target, exporter, options, head)
    old = exportfile.load(file, current)
    same = exportfile.unchanged(old, file, current or b"", entries)
    if same is False and old is None and _same(export.path, parts):
        same = None  # no record (or not of this file as it is): the bytes agree
    # every paper, one entry each, in order: the next update may follow the changes
    whole = not (export.query.strip() or bad) and count == len(ids)
    follow = entrydelta.follow(store, ids, store.light()) if whole else None
    if same is True:
        assert old is not None
        if old.follow == follow:
            return count, bad, False, old
        same = None  # the same file, read from another snapshot: record that
    if same is None:
        record = exportfile.remember(file, entries, follow)
        return count, bad, False, record
    # the full check (hard links, a writable directory) only to write
    file = replace(file, target=check_output(export.path, store))
    return count, bad, True, exportfile.write(file, entries, old, follow)
