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
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import orjson
from tinydb.storages import Storage

from readlist.atomic import atomic_write
from readlist.errors import LibraryError, LockedError
from readlist.fileformat import (
    Malformed,
    Truncated,
    check_docs,
    check_header,
    check_record,
    gc_paused,
    journal_line,
    parse_journal_line,
    parse_snapshot,
    write_lines,
)
from readlist.fspaths import PathError, open_regular
from readlist.indexing import Layout
from readlist.libfiles import check_trusted, ident, is_own_file, remove_stale_temps
from readlist.model import SCHEMA_VERSION
from readlist.places import Anchors, place
from readlist.sidecar import Key

if TYPE_CHECKING:
    import filelock

PAPERS = "papers"
COMPACT_MIN_BYTES = 1 << 20
# Readers by the index parse the journal whole: closing a store compacts (and so
# indexes again) once the journal holds this much, however large the library.
TAIL_MAX_BYTES = 16 << 20
Data = dict[str, dict[str, dict[str, Any]]]


class JournalStorage(Storage):
    """A TinyDB storage whose data lives in memory, backed by a snapshot and a journal."""

    def __init__(
        self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0, indexed: bool = False
    ) -> None:
        self.path = Path(path)
        # A library behind a symlink keeps its journal and lock beside the real file.
        self.real = Path(os.path.realpath(self.path))
        self.journal = self.real.with_name(self.real.name + "-journal")
        self.lock_path = self.real.with_name(self.real.name + ".lock")
        self.index_path = self.real.with_name(self.real.name + "-index")
        self.render_dir = self.real.with_name(self.real.name + "-render")  # rendercache.py
        # Open by the sidecar index when it is usable (see readlist/sidecar.py): papers
        # are then read as asked for (LazyDocs), the journal applied on top as always.
        self.indexed = indexed
        self.by_index = False  # whether the data in memory came by the index
        # Made on the first write: a command that only reads never loads filelock.
        self._lock: filelock.FileLock | None = None
        self._lock_timeout = lock_timeout
        self._data: Data | None = None
        self.generation = 0
        self._snap_ident: tuple[int, int, int] | None = None
        self._journal_ino: int | None = None
        self._journal_offset = 0
        self._header_len = 0
        self._journal_valid = False  # False: no journal, or a stale (redundant) one
        self.touched: set[str] | None = set()  # ids changed by catch-up; None means all

    # TinyDB's Storage interface --------------------------------------------------
    def read(self) -> Data:
        if self._data is None:
            self.load()
        assert self._data is not None
        return self._data

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

    @property
    def data(self) -> Data:
        return self.read()

    @property
    def snapshot_ident(self) -> tuple[int, int, int] | None:
        """`libfiles.ident` of the snapshot the data in memory was read from (or written)."""
        return self._snap_ident

    # Safety ------------------------------------------------------------------------
    def files(self) -> list[Path]:
        return [self.path, self.journal, self.lock_path]

    def check_files(self) -> None:
        """Refuse library files that another user owns or can write."""
        check_trusted(self.files())

    def is_own_file(self, candidate: str | os.PathLike[str]) -> bool:
        """True if `candidate` is the library, its journal, lock, index, temp files or a
        file of its render cache."""
        if Path(os.path.realpath(candidate)).parent == self.render_dir:
            return True
        return is_own_file(self.real, [*self.files(), self.index_path], candidate)

    def remove_stale_temps(self) -> None:
        """Delete temp files of writers that died; only called under the lock."""
        remove_stale_temps(self.real)

    @contextlib.contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the writers' lock; LockedError if another process keeps it too long."""
        import filelock

        if self._lock is None:
            self._lock = filelock.FileLock(str(self.lock_path), timeout=self._lock_timeout)
        lock = self._lock
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

    # Loading -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def journal_holds_data(self) -> bool:
        """False only for no journal, an empty one, or a valid header with nothing after it."""
        return self._peek_journal()[1]

    def _peek_journal(self) -> tuple[int, bool]:
        """(the generation its header names, or -1; whether it holds data)."""
        try:
            with self._open(self.journal) as fh:
                line = fh.readline(4096)
                if not line:
                    return -1, False
                gen = check_header(parse_journal_line(line.rstrip(b"\n")))
                return gen, not line.endswith(b"\n") or bool(fh.read(1))
        except FileNotFoundError:
            return -1, False
        except ValueError:  # not a header we can read: assume it matters
            return -1, True

    def _open(self, path: Path) -> BinaryIO:
        """A library file opened for reading; a FIFO or a device (even one swapped in
        after `check_files`) is a LibraryError, never a read that blocks."""
        try:
            return open_regular(path, "refusing to use it as a library file")
        except PathError as exc:
            raise LibraryError(str(exc)) from None

    def load(self) -> None:
        """Read snapshot and journal. Retries when a compaction races with the read."""
        self.check_files()
        for _ in range(20):
            if self._load_once():
                return
        raise LibraryError(f"{self.path}: library keeps changing while being read; try again")

    def _load_once(self) -> bool:
        if self.indexed:
            from readlist.journalindex import load_by_index

            by_index = load_by_index(self.path, self.index_path, self._open)
            if by_index is not None:
                # The papers are used as the dict a full load makes: a mapping with
                # the same operations, read as asked for (readlist/lazydocs.py).
                tables, generation, at = by_index
                self.by_index = True
                return self._loaded(cast(Data, tables), generation, at)
        self.by_index = False
        snap = ident(self.path)
        try:
            with self._open(self.path) as fh, gc_paused():
                data, generation = self._parse_snapshot(fh)
        except FileNotFoundError:
            if self.journal_holds_data():
                raise self._orphan_journal() from None
            raise LibraryError(f"{self.path}: library file does not exist") from None
        except OSError as exc:
            raise LibraryError(f"{self.path}: cannot read library ({exc.strerror})") from None
        return self._loaded(data, generation, snap)

    def _loaded(self, data: Data, generation: int, ident: tuple[int, int, int] | None) -> bool:
        """Take a snapshot just read, then the journal on top (False: start again)."""
        self._data = data
        self.touched = None
        self.generation = generation
        self._snap_ident = ident
        self._journal_ino = None
        self._journal_offset = self._header_len = 0
        self._journal_valid = False
        return self._catch_up()

    def has_index(self) -> bool:
        """Whether a usable sidecar index of the snapshot last read or written exists."""
        from readlist.journalindex import index_of

        return index_of(self.index_path, self._key()) is not None

    def _key(self) -> Key | None:
        """What the sidecar index of the snapshot last read or written is keyed by."""
        ident = self._snap_ident
        return None if ident is None else (self.generation, *ident)

    def _orphan_journal(self) -> LibraryError:
        return LibraryError(
            f"{self.path}: library file is missing but its journal {self.journal} holds "
            "data; restore the library file (or move the journal away); not touching either"
        )

    def _parse_snapshot(self, fh: BinaryIO) -> tuple[Data, int]:
        try:
            data, schema, generation = parse_snapshot(fh)
        except (orjson.JSONDecodeError, Truncated) as exc:
            raise LibraryError(f"{self.path}: library file is corrupt ({exc})") from None
        except Malformed as exc:
            raise LibraryError(f"{self.path}: {exc}; not touching it") from None
        if schema > SCHEMA_VERSION:
            raise LibraryError(
                f"{self.path}: library schema {schema} is newer than this readlist "
                f"understands ({SCHEMA_VERSION}); upgrade readlist"
            )
        return data, generation

    def _corrupt(self, offset: int, why: str) -> LibraryError:
        return LibraryError(
            f"{self.journal}: journal is corrupt at byte {offset} ({why}); not touching it"
        )

    def _catch_up(self) -> bool:
        """Apply journal lines appended since the last look; False means reload all."""
        try:
            fh = self._open(self.journal)
        except FileNotFoundError:
            if self._journal_valid and self._journal_offset > self._header_len:
                raise LibraryError(
                    f"{self.journal}: journal disappeared while readlist was using it; "
                    "changes in it are not in the library file"
                ) from None
            self._journal_valid = False
            self._journal_ino = None
            self._journal_offset = self._header_len = 0
            return True
        with fh:
            st = os.fstat(fh.fileno())
            if self._journal_ino is not None and st.st_ino != self._journal_ino:
                return False  # replaced by a compaction: start again from the snapshot
            if st.st_size < self._journal_offset:
                raise LibraryError(
                    f"{self.journal}: journal shrank below what readlist already read; "
                    "changes were lost outside readlist; not touching it"
                )
            if self._journal_ino is None:
                if st.st_size == 0:  # holds nothing: as good as no journal
                    self._journal_ino = st.st_ino
                    return True
                if not self._read_header(fh, st):
                    return False
                if not self._journal_valid:
                    return True
            fh.seek(self._journal_offset)
            chunk = fh.read()
        *lines, _torn_tail = chunk.split(b"\n")  # an unterminated tail was never acknowledged
        for line in lines:
            try:
                record = check_record(parse_journal_line(line))
            except Malformed as exc:
                raise self._corrupt(self._journal_offset, str(exc)) from None
            except ValueError:
                raise self._corrupt(self._journal_offset, "checksum mismatch") from None
            self._apply(record)
            self._journal_offset += len(line) + 1
        return True

    def _read_header(self, fh: BinaryIO, st: os.stat_result) -> bool:
        line = fh.readline()
        try:
            if not line.endswith(b"\n"):
                raise ValueError("header line is incomplete")
            gen = check_header(parse_journal_line(line[:-1]))
        except Malformed as exc:
            raise self._corrupt(0, str(exc)) from None
        except ValueError:
            raise self._corrupt(0, "bad header line") from None
        if gen > self.generation:
            if ident(self.path) != self._snap_ident:
                return False  # a compaction replaced both files after we read the snapshot
            raise LibraryError(
                f"{self.journal}: journal is of generation {gen}, newer than the library "
                f"file {self.path} ({self.generation}); was an old library file restored? "
                "not touching them"
            )
        self._journal_ino = st.st_ino
        self._journal_valid = gen == self.generation
        self._header_len = len(line) if self._journal_valid else 0
        self._journal_offset = len(line) if self._journal_valid else st.st_size
        return True

    def _apply(self, record: Mapping[str, Any]) -> None:
        assert self._data is not None
        for table, docs in record.get("set", {}).items():
            self._data.setdefault(table, {}).update(docs)
            if self.touched is not None:
                self.touched.update(docs)
        for table, ids in record.get("del", {}).items():
            for doc_id in ids:
                if self.touched is not None:
                    self.touched.add(doc_id)
                self._data.get(table, {}).pop(doc_id, None)
        for table, moves in record.get("at", {}).items():
            if table in self._data:
                place(self._data[table], moves)
                if self.touched is not None:
                    self.touched.update(moves)

    def changed_on_disk(self) -> bool:
        """True when the files differ from what this storage last read or wrote."""
        if ident(self.path) != self._snap_ident:
            return True
        journal = ident(self.journal)
        if journal is None:
            return self._journal_ino is not None
        return journal[0] != self._journal_ino or journal[1] != self._journal_offset

    def replaced_on_disk(self) -> bool:
        """True when another process replaced the snapshot since this storage read it."""
        return self._data is not None and ident(self.path) != self._snap_ident

    def refresh(self) -> bool:
        """Catch up with other processes' commits; True if anything was read.

        Two stat calls when nothing changed, which is what the TUI's polling costs.
        """
        if self._data is None or ident(self.path) != self._snap_ident:
            self.load()
            return True
        if not self.changed_on_disk():
            return False
        if not self._catch_up():
            self.load()
        return True

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
