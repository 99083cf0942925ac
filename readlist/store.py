"""The library on disk: the only module that imports tinydb.

Layout, next to the library file `L` (like SQLite's write-ahead log):

* `L` is a TinyDB-format JSON snapshot, with a `_readlist` table holding the schema
  version and a generation number. It is only ever replaced whole: temp file, fsync,
  `os.replace`, fsync of the directory.
* `L-journal` is an append-only log of committed changes since that snapshot. Each line
  is `CRC32 JSON`; a commit is one line, appended and fsynced. A line torn by a crash
  fails its CRC and is ignored (that commit never happened). The first line names the
  generation it belongs to, so a journal left behind by an interrupted compaction is
  recognised as stale rather than replayed twice.
* `L.lock` serialises writers. A writer takes the lock, catches up on whatever other
  processes appended, applies its change, and appends one line.

A star toggle therefore costs one small fsynced append, not a rewrite of the library.
The journal is folded into a new snapshot when it grows past a fraction of it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, cast

import filelock
import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from readlist.atomic import atomic_write
from readlist.errors import LibraryError, LockedError, NotFoundError
from readlist.fileformat import (
    META,
    Truncated,
    gc_paused,
    journal_line,
    parse_journal_line,
    read_lines,
    write_lines,
)
from readlist.model import SCHEMA_VERSION, Paper, paper_id_for

PAPERS = "papers"
COMPACT_MIN_BYTES = 1 << 20
_Data = dict[str, dict[str, dict[str, Any]]]


def _ident(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class JournalStorage(Storage):
    """A TinyDB storage whose data lives in memory, backed by a snapshot and a journal.

    TinyDB hands `write()` the whole database; the store tells `commit()` which
    documents changed, so only those go to disk.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(path.name + "-journal")
        self._data: _Data = {}
        self.generation = 0
        self._snap_ident: tuple[int, int, int] | None = None
        self._journal_ino: int | None = None
        self._journal_offset = 0
        self._journal_valid = False
        self.touched: set[str] | None = set()  # ids changed by catch-up; None means all

    # TinyDB's Storage interface --------------------------------------------------
    def read(self) -> _Data:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """TinyDB mutates the live dict in place; durability happens in `commit`."""
        self._data = data

    def close(self) -> None:
        pass

    # Loading -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> None:
        """Read snapshot and journal. Retries when a compaction races with the read."""
        for _ in range(20):
            if self._load_once():
                return
        raise LibraryError(f"{self.path}: library keeps changing while being read; try again")

    def _load_once(self) -> bool:
        ident = _ident(self.path)
        try:
            with open(self.path, "rb") as fh, gc_paused():
                data, generation = self._parse_snapshot(fh)
        except FileNotFoundError:
            raise LibraryError(f"{self.path}: library file does not exist") from None
        except OSError as exc:
            raise LibraryError(f"{self.path}: cannot read library ({exc.strerror})") from None
        self._data = data
        self.touched = None
        self.generation = generation
        self._snap_ident = ident
        self._journal_ino = None
        self._journal_offset = 0
        self._journal_valid = False
        return self._catch_up()

    def _parse_snapshot(self, fh: BinaryIO) -> tuple[_Data, int]:
        try:
            data = read_lines(fh)
            if data is None:  # not our one-document-per-line layout: parse it whole
                fh.seek(0)
                raw = fh.read()
                if not raw.strip():
                    raise LibraryError(f"{self.path}: library file is empty; not touching it")
                data = orjson.loads(raw)
        except (orjson.JSONDecodeError, Truncated) as exc:
            raise LibraryError(f"{self.path}: library file is corrupt ({exc})") from None
        meta = data.pop(META, None) if isinstance(data, dict) else None
        doc = meta.get("1") if isinstance(meta, dict) else None
        if not isinstance(doc, dict) or not isinstance(doc.get("schema"), int):
            raise LibraryError(f"{self.path}: not a readlist library (no schema version)")
        if doc["schema"] > SCHEMA_VERSION:
            raise LibraryError(
                f"{self.path}: library schema {doc['schema']} is newer than this readlist "
                f"understands ({SCHEMA_VERSION}); upgrade readlist"
            )
        if not all(isinstance(t, dict) for t in data.values()):
            raise LibraryError(f"{self.path}: library file is corrupt (bad table)")
        data.setdefault(PAPERS, {})
        return data, int(doc.get("generation", 0))

    def _catch_up(self) -> bool:
        """Apply journal lines appended since the last look; False means reload all."""
        try:
            fh = open(self.journal, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            self._journal_valid = False
            self._journal_ino = None
            return True
        with fh:
            st = os.fstat(fh.fileno())
            if self._journal_ino is not None and st.st_ino != self._journal_ino:
                return False
            if st.st_size < self._journal_offset:
                return False
            if self._journal_ino is None:
                header_line = fh.readline()
                try:
                    header = parse_journal_line(header_line.rstrip(b"\n"))
                    gen = int(header["generation"])
                except (ValueError, KeyError, TypeError):
                    gen = -1
                if gen > self.generation:
                    return False  # a compaction replaced both files after we read the snapshot
                self._journal_ino = st.st_ino
                self._journal_valid = gen == self.generation
                self._journal_offset = len(header_line) if self._journal_valid else st.st_size
                if not self._journal_valid:
                    return True
            fh.seek(self._journal_offset)
            chunk = fh.read()
        lines = chunk.split(b"\n")
        for n, line in enumerate(lines[:-1]):
            try:
                record = parse_journal_line(line)
            except ValueError:
                if any(rest for rest in lines[n + 1 :]):
                    raise LibraryError(
                        f"{self.journal}: journal is corrupt at byte "
                        f"{self._journal_offset}; not touching it"
                    ) from None
                break
            self._apply(record)
            self._journal_offset += len(line) + 1
        return True

    def _apply(self, record: Mapping[str, Any]) -> None:
        for table, docs in record.get("set", {}).items():
            self._data.setdefault(table, {}).update(docs)
            if self.touched is not None:
                self.touched.update(docs)
        for table, ids in record.get("del", {}).items():
            for doc_id in ids:
                if self.touched is not None:
                    self.touched.add(doc_id)
                self._data.get(table, {}).pop(doc_id, None)

    def refresh(self) -> bool:
        """Catch up with other processes' commits; True if anything was read.

        Two stat calls when nothing changed, which is what the TUI's polling costs.
        """
        if _ident(self.path) != self._snap_ident:
            self.load()
            return True
        journal = _ident(self.journal)
        if journal is None:
            if self._journal_ino is None:
                return False
        elif journal[0] == self._journal_ino and journal[1] == self._journal_offset:
            return False
        if not self._catch_up():
            self.load()
        return True

    # Writing (caller holds the lock) ---------------------------------------------
    def create(self) -> None:
        self._data = {PAPERS: {}}
        self.generation = 0
        self.compact()

    def commit(self, changed: Mapping[str, Iterable[str]]) -> None:
        """Append one durable journal line holding the current state of `changed` docs."""
        record: dict[str, Any] = {"set": {}, "del": {}}
        for table, ids in changed.items():
            docs = self._data.get(table, {})
            for doc_id in ids:
                if doc_id in docs:
                    record["set"].setdefault(table, {})[doc_id] = docs[doc_id]
                else:
                    record["del"].setdefault(table, []).append(doc_id)
        if not record["set"] and not record["del"]:
            return
        if not self._journal_valid:
            self._reset_journal()
        line = journal_line(record)
        with open(self.journal, "r+b") as fh:
            fh.truncate(self._journal_offset)  # drop a torn tail left by a crash
            fh.seek(self._journal_offset)
            try:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            except BaseException:
                with contextlib.suppress(OSError):
                    fh.truncate(self._journal_offset)
                raise
        self._journal_offset += len(line)

    def _reset_journal(self) -> None:
        header = journal_line({"journal": 1, "generation": self.generation})
        atomic_write(self.journal, header)
        self._journal_ino = self.journal.stat().st_ino
        self._journal_offset = len(header)
        self._journal_valid = True

    def needs_compaction(self, factor: float = 0.25) -> bool:
        if not self._journal_valid:
            return False
        snap = self._snap_ident[1] if self._snap_ident else 0
        return self._journal_offset > max(COMPACT_MIN_BYTES, snap * factor)

    def compact(self) -> None:
        """Fold the journal into a new snapshot (generation + 1), then start a new journal."""
        self.generation += 1
        meta = {"1": {"schema": SCHEMA_VERSION, "generation": self.generation}}
        atomic_write(self.path, write_lines(meta, self._data))
        self._snap_ident = _ident(self.path)
        self._reset_journal()


class _StrIdTable(Table):
    """Paper ids are strings, and an update touches one dict entry, not the whole table.

    TinyDB's own `_update_table` rebuilds the table dict twice per write (about 40 ms at
    100k papers); the data here already has string keys, so it can update in place.
    """

    document_id_class = str  # type: ignore[assignment]

    def replace_docs(self, docs: Mapping[str, dict[str, Any]]) -> None:
        """Insert or wholly replace many documents in one table update."""

        def updater(table: dict[str, Any]) -> None:
            table.update(docs)

        self._update_table(updater)

    def _update_table(self, updater: Callable[[dict[Any, Any]], None]) -> None:
        tables = self._storage.read()
        assert tables is not None
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class _DB(TinyDB):
    table_class = _StrIdTable


class Store:
    """The library: papers by id, with atomic, locked, journaled writes.

    Reads serve from memory. Every write takes the file lock, catches up with other
    processes, applies the change and makes it durable before returning.
    """

    def __init__(self, path: Path, *, lock_timeout: float = 10.0, create: bool = True) -> None:
        self.path = Path(path)
        self._storage = JournalStorage(self.path)
        self._db = _DB(storage=lambda: self._storage)
        self._table = cast(_StrIdTable, self._db.table(PAPERS, cache_size=0))
        self._lock = filelock.FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._changed: dict[str, None] | None = None  # ordered, for replay order
        # A TUI worker may import while the UI thread toggles a star: one at a time.
        self._thread_lock = threading.RLock()
        self._cache: dict[str, Paper] = {}
        # How often other processes' commits were read in, by `refresh` or by a write
        # catching up first: a view compares it to know it must re-read.
        self.catch_ups = 0
        if self._storage.exists():
            self._storage.load()
        elif create:
            with self._locked():
                if self._storage.exists():
                    self._storage.load()
                else:
                    self._storage.create()
        else:
            raise LibraryError(f"{self.path}: no library here")
        self._storage.touched = set()

    @property
    def journal_path(self) -> Path:
        return self._storage.journal

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Fold a large journal into the snapshot, if the lock is free right now."""
        if not self._storage.needs_compaction():
            return
        try:
            with self._lock.acquire(timeout=0):
                self.refresh()
                self._storage.compact()
        except (filelock.Timeout, OSError):
            pass

    # Reading -----------------------------------------------------------------------
    def _raw(self) -> dict[str, dict[str, Any]]:
        return self._storage.read()[PAPERS]

    def __len__(self) -> int:
        return len(self._raw())

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._raw()

    def records(self) -> Mapping[str, Mapping[str, Any]]:
        """Read-only view of the stored records by id: cheap access for views and search."""
        return MappingProxyType(self._raw())

    def papers(self) -> list[Paper]:
        """Every paper, in insertion order."""
        cache = self._cache
        out = []
        with gc_paused():
            for pid, doc in self._raw().items():
                paper = cache.get(pid)
                if paper is None:
                    paper = cache[pid] = Paper.from_doc(pid, doc)
                out.append(paper)
        return out

    def identities(self) -> Iterator[tuple[str, str, str | None]]:
        """(id, title, arXiv id) of every paper, without building Paper objects."""
        for pid, doc in self._raw().items():
            yield pid, doc["title"], doc.get("arxiv_id")

    def get(self, paper_id: str) -> Paper:
        paper = self._cache.get(paper_id)
        if paper is None:
            doc = self._raw().get(paper_id)
            if doc is None:
                raise NotFoundError(f"no paper with id {paper_id}")
            paper = self._cache[paper_id] = Paper.from_doc(paper_id, doc)
        return paper

    def resolve(self, ref: str) -> str:
        """An id from a full id or a unique prefix of at least four characters."""
        ref = ref.strip().lower()
        if ref in self._raw():
            return ref
        if len(ref) >= 4:
            hits = [pid for pid in self._raw() if pid.startswith(ref)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise NotFoundError(f"id prefix {ref} is ambiguous ({len(hits)} papers)")
        raise NotFoundError(f"no paper with id {ref}")

    def new_id(self, key: str, taken: Container[str] = ()) -> str:
        """A short id for a new title key, lengthened only on a collision."""
        raw = self._raw()
        for length in range(7, 41):
            pid = paper_id_for(key, length)
            if pid not in raw and pid not in taken:
                return pid
        raise LibraryError("cannot allocate an id")  # pragma: no cover - sha1 is 40 chars

    def refresh(self) -> bool:
        """Pick up changes other processes made; True when there were any."""
        changed = self._storage.refresh()
        if changed:
            self.catch_ups += 1
            touched = self._storage.touched
            if touched is None:
                self._cache.clear()
            else:
                for pid in touched:
                    self._cache.pop(pid, None)
            self._storage.touched = set()
            self._table.clear_cache()
        return changed

    # Writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise LockedError(
                f"{self.path}: library is locked by another readlist process; try again"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes into one atomic commit, based on the latest state on disk."""
        with self._thread_lock:
            if self._changed is not None:
                yield self
                return
            with self._transaction():
                yield self

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._locked():
            self.refresh()
            self._changed = {}
            try:
                yield
                if self._changed:
                    self._storage.commit({PAPERS: self._changed})
            except BaseException:
                self._changed = None
                self._storage.load()  # throw away the uncommitted in-memory changes
                self.catch_ups += 1  # and whatever else that reload read in
                self._storage.touched = set()
                self._cache.clear()
                raise
            finally:
                self._changed = None
            if self._storage.needs_compaction(factor=2.0):
                self._storage.compact()

    def put(self, papers: Iterable[Paper]) -> None:
        """Insert or replace whole papers."""
        with self.transaction():
            assert self._changed is not None
            docs: dict[str, dict[str, Any]] = {}
            for paper in papers:
                docs[paper.id] = paper.to_doc()
                self._cache[paper.id] = paper
                self._changed[paper.id] = None
            if docs:
                self._table.replace_docs(docs)

    def remove(self, ids: Iterable[str]) -> None:
        """Delete papers (used to undo an import)."""
        with self.transaction():
            assert self._changed is not None
            present = [pid for pid in ids if pid in self._raw()]
            if present:
                self._table.remove(doc_ids=present)  # type: ignore[arg-type]
            for pid in present:
                self._cache.pop(pid, None)
                self._changed[pid] = None

    def modify(self, ids: Iterable[str], change: Callable[[Paper], Paper]) -> list[Paper]:
        """Apply `change` to the current version of each paper; returns the results."""
        with self.transaction():
            result = [change(self.get(pid)) for pid in ids]
            self.put(p for p in result if p != self._cache.get(p.id))
            return result

    def compact(self) -> None:
        with self._locked():
            self.refresh()
            self._storage.compact()
