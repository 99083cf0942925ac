"""Reading a library's files: the snapshot, then the journal's lines on top, caught up
as other processes append them. The layout and its rules: readlist.journal, whose
`JournalStorage` adds the writing (under the lock) to what this reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import orjson

from readlist.errors import LibraryError
from readlist.fileformat import (
    Malformed,
    Truncated,
    check_header,
    check_record,
    gc_paused,
    parse_journal_line,
    parse_snapshot,
)
from readlist.fspaths import PathError, open_regular
from readlist.libfiles import check_trusted, ident, is_own_file
from readlist.model import SCHEMA_VERSION
from readlist.places import place
from readlist.sidecar import Key

if TYPE_CHECKING:
    import filelock

PAPERS = "papers"
Data = dict[str, dict[str, dict[str, Any]]]


class JournalReader:
    """A library's data in memory, as read from its snapshot and journal."""

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

    def read(self) -> Data:
        if self._data is None:
            self.load()
        assert self._data is not None
        return self._data

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
