"""The library's files on disk, as a TinyDB `Storage`: snapshot, journal and lock.

Layout, next to the library file `L` (like SQLite's write-ahead log):

* `L` is a TinyDB-format JSON snapshot, with a `_readlist` table holding the schema
  version and a generation number. It is only ever replaced whole: temp file, fsync,
  `os.replace`, fsync of the directory.
* `L-journal` is an append-only log of changes since that snapshot. Its first line
  names the snapshot generation it belongs to; every further line is `CRC32 JSON`, one
  commit, appended and fsynced. A journal of an older generation (left by a compaction
  interrupted between its two renames) is stale and ignored.
* `L.lock` serialises writers; `.L.KIND-PID-RANDOM.tmp` are temp files of writers.

The rule: bytes that are not proven redundant are never dropped, truncated or replaced.
A journal is redundant only when its header parses, with a valid CRC, and names an
older generation than the snapshot. Only an unterminated last line is a torn write (it
was never acknowledged): readers ignore it and a writer, under the lock, cuts it off.
Anything else that does not parse, or parses to the wrong shape, is a `LibraryError`
naming the file, and the files are left exactly as they are.

TinyDB can open a library through this class (`TinyDB(path, storage=JournalStorage)`)
and sees every paper, journal included. Its writes are whole-database writes, as with
TinyDB's own JSONStorage: they compact, under the lock, and are refused when another
process changed the library since it was read. readlist itself writes through
`Store`, which mutates the data this storage owns and calls `commit` with the changed
ids: one appended line instead of TinyDB's table rebuild (see store.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

from readlist.atomic import atomic_write
from readlist.errors import LibraryError, LockedError
from readlist.fileformat import (
    Malformed,
    check_docs,
    journal_line,
    write_lines,
)
from readlist.indexing import Layout
from readlist.journalread import PAPERS as PAPERS
from readlist.journalread import Data as Data
from readlist.journalread import JournalReader
from readlist.libfiles import ident, remove_stale_temps
from readlist.model import SCHEMA_VERSION
from readlist.places import Anchors

if TYPE_CHECKING:
    import filelock

COMPACT_MIN_BYTES = 1 << 20
# Readers by the index parse the journal whole: closing a store compacts (and so
# indexes again) once the journal holds this much, however large the library.
TAIL_MAX_BYTES = 16 << 20


class JournalStorage(JournalReader, Storage):
    """A TinyDB storage whose data lives in memory, backed by a snapshot and a journal."""

    # TinyDB's Storage interface (read: JournalReader) -------------------------------
    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """A TinyDB client's whole-database write: a compaction, refused if stale.

        TinyDB has already changed the documents in memory; after a refusal the next
        read starts again from the files.
        """
        with self.locked():
            try:
                if self.changed_on_disk():
                    raise LibraryError(
                        f"{self.path}: library changed on disk since it was read; reopen it"
                    )
                for name, docs in data.items():
                    check_docs(name, docs)
            except Malformed as exc:
                self._data = None
                raise LibraryError(f"{self.path}: not writing: {exc}") from None
            except LibraryError:
                self._data = None
                raise
            self._data = data
            self.compact()

    def close(self) -> None:
        pass

    # Safety ------------------------------------------------------------------------
    def remove_stale_temps(self) -> None:
        """Delete temp files of writers that died; only called under the lock."""
        remove_stale_temps(self.real)

    def writers_lock(self) -> filelock.FileLock:
        """The writers' lock, made (and filelock loaded: 40 ms) on first use."""
        if self._lock is None:
            import filelock

            self._lock = filelock.FileLock(str(self.lock_path), timeout=self._lock_timeout)
        return self._lock

    @contextlib.contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the writers' lock; LockedError if another process keeps it too long."""
        import filelock

        lock = self.writers_lock()
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise LockedError(
                f"{self.path}: library is locked by another readlist process; try again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    # Writing (caller holds the lock and has caught up) -------------------------------
    def create(self) -> None:
        """A new, empty library; refused if a journal with data is in the way."""
        old_generation, holds_data = self._peek_journal()
        if holds_data:
            raise self._orphan_journal()
        self.check_files()
        self._data = {PAPERS: {}}
        # Newer than an empty journal left behind, so that it reads as stale.
        self.generation = max(0, old_generation)
        self.compact()

    def commit(
        self, changed: Mapping[str, Iterable[str]], at: Mapping[str, Anchors] | None = None
    ) -> None:
        """Append one durable journal line holding the current state of `changed` docs,
        and the places (`at`, readlist.places) of the ones put back where they stood."""
        data = self.read()
        record: dict[str, Any] = {"set": {}, "del": {}}
        if at:
            record["at"] = {table: dict(moves) for table, moves in at.items() if moves}
        for table, ids in changed.items():
            docs = data.get(table, {})
            for doc_id in ids:
                if doc_id in docs:
                    record["set"].setdefault(table, {})[doc_id] = docs[doc_id]
                else:
                    record["del"].setdefault(table, []).append(doc_id)
        if not record["set"] and not record["del"] and not record.get("at"):
            return
        if not self._journal_valid:
            self._reset_journal()
        line = journal_line(record)
        with open(self.journal, "r+b") as fh:
            st = os.fstat(fh.fileno())
            if st.st_ino != self._journal_ino:
                raise LibraryError(f"{self.journal}: journal was replaced; not writing")
            if st.st_size > self._journal_offset:
                fh.seek(self._journal_offset)
                if b"\n" in fh.read():  # complete lines this store has not read
                    raise LibraryError(f"{self.journal}: journal changed unseen; not writing")
                fh.truncate(self._journal_offset)  # a torn, never acknowledged tail
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
        """Start a new journal; only over none, an empty one, or a stale one."""
        assert not self._journal_valid or self._journal_offset == self._header_len
        header = journal_line({"journal": 1, "generation": self.generation})
        atomic_write(self.journal, header, temp_for=self.real, kind="journal")
        self._journal_ino = self.journal.stat().st_ino
        self._journal_offset = self._header_len = len(header)
        self._journal_valid = True

    def needs_compaction(self, factor: float = 0.25, cap: int | None = TAIL_MAX_BYTES) -> bool:
        if not self._journal_valid:
            return False
        snap = self._snap_ident[1] if self._snap_ident else 0
        limit = snap * factor if cap is None else min(snap * factor, cap)
        return self._journal_offset > max(COMPACT_MIN_BYTES, limit)

    def snapshot_lines(
        self, *, backup: bool = False, layout: Layout | None = None
    ) -> Iterator[bytes]:
        """The whole library, journal folded in, in the library file's format; a backup
        says so in its meta table, so that `import` can tell it from a bare library file."""
        meta: dict[str, Any] = {"schema": SCHEMA_VERSION, "generation": self.generation}
        if backup:
            meta["backup"] = True
        return write_lines({"1": meta}, self.read(), layout)

    def compact(self) -> None:
        """Fold the journal into a new snapshot (generation + 1), then start a new journal.

        The old journal is then redundant: everything in it is in the new snapshot,
        which names a newer generation.
        """
        from readlist.journalindex import index_of, write_index

        self.remove_stale_temps()
        if self.by_index:
            self.indexed, indexed = False, self.indexed  # the whole library, parsed
            try:
                self.load()
            finally:
                self.indexed = indexed
        old = index_of(self.index_path, self._key())  # reused for unchanged papers
        self.generation += 1
        layout = Layout() if PAPERS in self.read() else None
        lines = self.snapshot_lines(layout=layout)
        atomic_write(self.path, lines, temp_for=self.real, kind="compact")
        self._snap_ident = ident(self.path)
        self._journal_valid = False
        self._reset_journal()
        if layout is not None:
            write_index(self.index_path, self._key(), self.read()[PAPERS], layout, old, self.real)
