"""How a `JournalStorage` opens a library by its sidecar index, and writes the index.

Opening by the index reads the snapshot's first line (schema and generation), checks
that the sidecar describes this very file (generation, inode, size, mtime: the
snapshot is only ever replaced whole, never changed in place) and then applies the
journal on top with the storage's own catch-up: the same checks, the same errors,
the same state as a full load, only with the snapshot's papers read as asked for.
Anything unexpected (no index, another snapshot's, a torn one, a snapshot that is
not in the one-document-per-line layout) means a full load instead, never an error.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any, cast

import orjson

from readlist.fileformat import META
from readlist.indexing import Base, Layout, build
from readlist.lazydocs import LazyDocs
from readlist.model import SCHEMA_VERSION
from readlist.sidecar import Key, Sidecar, Unusable, open_sidecar, write

if TYPE_CHECKING:
    from readlist.journal import JournalStorage

_PREFIX = b'{"%s":' % META.encode()


def load_by_index(storage: JournalStorage) -> bool | None:
    """Load `storage` by its index: the result of its catch-up (False: start again), or
    None when the index cannot be used."""
    from readlist.journal import PAPERS

    try:
        fh = storage._open(storage.path)
    except FileNotFoundError:
        return None  # the full load says what is wrong
    try:
        with fh:
            st = os.fstat(fh.fileno())
            generation = _generation(fh.readline(4096))
            if generation is None:
                return None
            key: Key = (generation, st.st_ino, st.st_size, st.st_mtime_ns)
            sidecar = open_sidecar(storage.index_path, key)
            if sidecar is None:
                return None
            base = Base(sidecar, fh, str(storage.path))
    except (Unusable, OSError):
        return None
    # The storage treats it as the dict a full load makes: a mapping with the same
    # operations, read as asked for (readlist/lazydocs.py).
    storage._data = {PAPERS: cast(dict[str, Any], LazyDocs(base))}
    storage.touched = None
    storage.generation = generation
    storage._snap_ident = (st.st_ino, st.st_size, st.st_mtime_ns)
    storage._journal_ino = None
    storage._journal_offset = storage._header_len = 0
    storage._journal_valid = False
    storage.by_index = True
    return storage._catch_up()


def _generation(first: bytes) -> int | None:
    """The generation a snapshot's first line names, if it is a library this readlist
    reads in the one-document-per-line layout."""
    if not (first.startswith(_PREFIX) and first.endswith(b",\n")):
        return None
    try:
        meta = orjson.loads(first[len(_PREFIX) : -2])["1"]
        schema, generation = meta["schema"], meta.get("generation", 0)
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    if type(schema) is not int or not 1 <= schema <= SCHEMA_VERSION:
        return None
    return generation if type(generation) is int and generation >= 0 else None


def key_of(storage: JournalStorage) -> Key | None:
    ident = storage._snap_ident
    return None if ident is None else (storage.generation, *ident)


def index_of(storage: JournalStorage) -> Sidecar | None:
    """The index of the snapshot the storage last read or wrote, if usable."""
    key = key_of(storage)
    return None if key is None else open_sidecar(storage.index_path, key)


def write_index(storage: JournalStorage, layout: Layout, old: Sidecar | None) -> None:
    """Index the snapshot just written (under the lock). Only a cache: failing to write
    it (a full disk, a read-only directory) leaves the library as it is."""
    from readlist.journal import PAPERS

    key = key_of(storage)
    path = storage.index_path
    if key is None or path.is_symlink():  # never written through a link someone made
        return
    docs = storage.read()[PAPERS]
    try:
        sections = build(docs, layout, old)
    except Unusable:  # the old index lied about a section: derive everything
        sections = build(docs, layout, None)
    with contextlib.suppress(OSError):
        write(path, key, len(layout.ids), sections, temp_for=storage.real)
