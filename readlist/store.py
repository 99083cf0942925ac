"""The library: papers by id, with atomic, locked, journaled writes.

The files on disk and their rules live in journal.py (`JournalStorage`, a TinyDB
`Storage`). This module is the facade the rest of readlist uses.

Why writes do not go through TinyDB's `Table`: every public `Table` write
(`update`, `insert`, `upsert`, `remove`) rebuilds the whole table dict twice before
handing it to the storage (about 40 ms at 100k papers), and tells the storage nothing
about which documents changed. A star toggle must be one small fsynced append. So the
store owns the document dicts (the storage's `read()` returns them, which is what
TinyDB's own tables read), changes the few documents a write touches, and hands the
storage their ids to journal. TinyDB stays a faithful reader of the same data: any
`TinyDB(path, storage=JournalStorage)` sees every paper, journal included, with only
public TinyDB API and no pinned TinyDB version.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Table

from readlist.atomic import atomic_write
from readlist.errors import LibraryError, LockedError
from readlist.journal import PAPERS, JournalStorage
from readlist.libfiles import ident
from readlist.model import Paper
from readlist.places import Anchors, anchors, place
from readlist.storereads import StoreReads

if TYPE_CHECKING:
    import subprocess


class StrIdTable(Table):
    """Paper ids are strings like "3f2a9c1", not TinyDB's default integers."""

    document_id_class = str  # type: ignore[assignment]


class LibraryDB(TinyDB):
    """TinyDB over a readlist library (snapshot and journal): `LibraryDB(path)`."""

    table_class = StrIdTable
    default_storage_class = JournalStorage  # type: ignore[assignment]


class Store(StoreReads):
    """The library: papers by id, with atomic, locked, journaled writes.

    Reads serve from memory. Every write takes the file lock, catches up with other
    processes, applies the change and makes it durable before returning. A Store is
    used by one thread; another thread opens its own on the same file, as another
    process would, and the file lock orders their writes (the rule: readlist.session).
    """

    def __init__(
        self, path: Path, *, lock_timeout: float = 10.0, create: bool = True, indexed: bool = False
    ) -> None:
        """`indexed`: open by the sidecar index when it is usable (one-shot commands):
        papers are read as they are asked for, and `view()` answers from the index."""
        self.path = Path(path)
        self._storage = JournalStorage(self.path, lock_timeout=lock_timeout, indexed=indexed)
        self._swept = False  # stale temp files removed, on the first write
        self._wrote = False  # committed anything
        self._changed: dict[str, None] | None = None  # ordered, for replay order
        self._placed: dict[str, None] = {}  # put back in their places (readlist.places)
        self._cache: dict[str, Paper] = {}
        # How often other processes' commits were read in, by `refresh` or by a write
        # catching up first: a view compares it to know it must re-read.
        self.catch_ups = 0
        self._commits = 0  # writes of ours: with catch_ups, when `light` is stale
        self._light: tuple[tuple[int, int], Mapping[str, Mapping[str, Any]]] | None = None
        if self._storage.exists():
            self._storage.load()
        elif create:
            self._storage.check_files()  # a FIFO or a directory as the lock file, say
            with self._storage.locked():
                if self._storage.exists():
                    self._storage.load()
                else:
                    self._storage.create()
        elif self._storage.journal_holds_data():
            self._storage.load()  # refuses, naming both files
        else:
            raise LibraryError(f"{self.path}: no library here")
        self._storage.touched = set()

    @property
    def journal_path(self) -> Path:
        return self._storage.journal

    @property
    def lock_path(self) -> Path:
        return self._storage.lock_path

    @property
    def render_dir(self) -> Path:
        """Where exports keep rendered entries (readlist.rendercache): derived, never
        read as the library."""
        return self._storage.render_dir

    def is_own_file(self, path: str | os.PathLike[str]) -> bool:
        """True if `path` resolves to this library's file, journal, lock or a temp file:
        never a place to write anything else."""
        return self._storage.is_own_file(path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def compaction_due(self) -> bool:
        """Whether closing compacts: a large journal, or an indexed store that wrote to
        a library without a usable index (compacting writes it; readers never do)."""
        storage = self._storage
        unindexed = storage.indexed and self._wrote and not storage.by_index
        return storage.needs_compaction() or unindexed

    def close(self) -> None:
        """Fold a large journal into the snapshot, if due and the lock is free right now."""
        if not self.compaction_due():
            return
        with contextlib.suppress(LockedError, OSError), self._storage.locked(timeout=0):
            self.refresh()
            self._storage.compact()

    def close_later(self) -> subprocess.Popen[bytes] | None:
        """What `close` would do, handed to a detached process (readlist.compaction), so
        that the caller (the TUI quitting) returns at once; the process, if one started."""
        if not self.compaction_due():
            return None
        import subprocess

        with contextlib.suppress(OSError):
            return subprocess.Popen(
                [sys.executable, "-m", "readlist.compaction", str(self.path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # outlives the terminal closing
            )
        return None

    def compact_if_due(self, *, unindexed: bool = False, seen: object = None) -> bool:
        """Under the lock: compact if still due, or if the library has no usable index
        (`unindexed`). Another process may have compacted since this store read the
        library, or since the caller looked (`seen`: the snapshot's `libfiles.ident`
        then): then nothing is reloaded."""
        storage = self._storage
        with storage.locked():
            if storage.replaced_on_disk() or (seen is not None and ident(self.path) != seen):
                return False
            self.refresh()
            unindexed = unindexed and not storage.has_index()  # another wrote it since
            if not (unindexed or storage.needs_compaction()):
                return False
            storage.compact()
            return True

    def ready_to_write(self) -> None:
        """Load what the first write needs (the writers' lock, the schema's checker)
        now: a long-lived store (the TUI) then pays for it while idle, not on the first
        keystroke that writes."""
        from readlist import schema  # noqa: F401  (msgspec)

        self._storage.writers_lock()

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
        return changed

    # Writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes into one atomic commit, based on the latest state on disk."""
        if self._changed is not None:
            yield self
            return
        with self._transaction():
            yield self

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._storage.locked():
            self.refresh()
            if not self._swept:
                self._storage.remove_stale_temps()
                self._swept = True
            self._changed = {}
            try:
                yield
                if self._changed:
                    self._commits += 1
                    at = None
                    if self._placed:  # their places now, replayed in this order
                        at = {PAPERS: anchors(self._raw(), self._placed)}
                    self._storage.commit({PAPERS: self._changed}, at)
                    self._wrote = True
            except BaseException:
                self._changed = None
                self._storage.load()  # throw away the uncommitted in-memory changes
                self.catch_ups += 1  # and whatever else that reload read in
                self._storage.touched = set()
                self._cache.clear()
                raise
            finally:
                self._changed = None
                self._placed = {}
            if self._storage.needs_compaction(factor=2.0, cap=None):
                self._storage.compact()

    def put(self, papers: Iterable[Paper], *, at: Mapping[str, str | None] | None = None) -> None:
        """Insert or replace whole papers, each checked against the stored shape first
        (InvalidPaper): nothing unchecked is ever written. A paper `at` names goes back
        where it stood: right after its anchor, when that is still here (`anchors`)."""
        from readlist import schema  # msgspec: only commands that write pay for it

        with self.transaction():
            assert self._changed is not None
            raw = self._raw()
            for paper in papers:
                doc = paper.to_doc()
                schema.check(paper.id, doc, raw.get(paper.id))
                raw[paper.id] = doc
                self._cache[paper.id] = paper
                self._changed[paper.id] = None
            if at:  # in the anchors' order: a paper's anchor may be put back before it
                moves = {pid: anchor for pid, anchor in at.items() if pid in self._changed}
                place(raw, moves)
                self._placed.update(dict.fromkeys(moves))

    def anchors(self, ids: Iterable[str]) -> Anchors:
        """Where each of these papers stands: the id right before it in library order
        (None: first), as `put(..., at=)` puts it back; in library order."""
        return anchors(self._raw(), ids)

    def remove(self, ids: Iterable[str]) -> None:
        """Delete papers (used to undo an import)."""
        with self.transaction():
            assert self._changed is not None
            raw = self._raw()
            for pid in ids:
                if raw.pop(pid, None) is not None:
                    self._cache.pop(pid, None)
                    self._changed[pid] = None

    def modify(self, ids: Iterable[str], change: Callable[[Paper], Paper]) -> list[Paper]:
        """Apply `change` to the current version of each paper; returns the results."""
        with self.transaction():
            result = [change(self.get(pid)) for pid in ids]
            self.put(p for p in result if p != self._cache.get(p.id))
            return result

    def compact(self) -> None:
        with self._storage.locked():
            self.refresh()
            self._storage.compact()

    def backup(self, dest: str | os.PathLike[str]) -> int:
        """Write the whole library, journal folded in, to one file; returns the paper count.

        The file has the library file's format, so stock TinyDB reads every paper and
        `readlist import` restores it. Written atomically under the lock: consistent.
        """
        if self.is_own_file(dest):
            raise LibraryError(f"{dest}: is one of the library's own files; back up elsewhere")
        with self._storage.locked():
            self.refresh()
            atomic_write(Path(dest), self._storage.snapshot_lines(backup=True), kind="backup")
            return len(self)
