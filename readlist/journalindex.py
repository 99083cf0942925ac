"""How a `JournalStorage` opens a library by its sidecar index, and writes the index.

It never imports the storage (readlist.journal imports it): it is handed the files,
and the storage sets its own state from what it returns.

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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from readlist import derive
from readlist.fileformat import META
from readlist.indexing import Base, Layout, build
from readlist.lazydocs import LazyDocs
from readlist.model import SCHEMA_VERSION
from readlist.sidecar import Key, Section, Sidecar, Unusable, open_sidecar, write

_PREFIX = b'{"%s":' % META.encode()


def load_by_index(
    path: Path, index_path: Path, open_file: Callable[[Path], BinaryIO]
) -> tuple[dict[str, Any], int, tuple[int, int, int]] | None:
    """The snapshot at `path` by its index: its tables in file order (the papers read
    as asked for, a `LazyDocs`; the others, such as the trash, read whole from their
    byte ranges), generation and identity (inode, size, mtime); None when the index
    cannot be used."""
    try:
        fh = open_file(path)
    except FileNotFoundError:
        return None  # the full load says what is wrong
    try:
        with fh:
            st = os.fstat(fh.fileno())
            generation = _generation(fh.readline(4096))
            if generation is None:
                return None
            key: Key = (generation, st.st_ino, st.st_size, st.st_mtime_ns)
            sidecar = open_sidecar(index_path, key)
            if sidecar is None:
                return None
            base = Base(sidecar, fh, str(path))
            tables = base.tables()
    except (Unusable, OSError):
        return None
    data: dict[str, Any] = {name: LazyDocs(base) if docs is None else docs for name, docs in tables}
    if "papers" not in data:
        return None
    return data, generation, (st.st_ino, st.st_size, st.st_mtime_ns)


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


def index_of(path: Path, key: Key | None) -> Sidecar | None:
    """The index at `path` of the snapshot `key` (last read or written), if usable."""
    return None if key is None else open_sidecar(path, key)


def state_sections(docs: Mapping[str, Any], ids: list[str]) -> dict[str, Section]:
    """The columns the TUI's first screen reads of every paper (readlist.states): cheap
    enough to derive for every paper at each compaction."""
    state = bytearray(len(ids))
    since: list[str] = []
    for i, pid in enumerate(ids):
        doc = docs[pid]
        state[i] = derive.state(doc)
        since.append(derive.since(doc))
    return {"state": Section(bytes(state), "|u1"), "since": Section.json(since)}


def write_index(
    path: Path,
    key: Key | None,
    docs: Mapping[str, Any],
    layout: Layout,
    old: Sidecar | None,
    temp_for: Path,
) -> None:
    """Index the snapshot `key` just written (under the lock), of the papers `docs`
    (the other tables are only located: `layout.tables`).
    Only a cache: failing to write it (a full disk, a read-only directory) leaves the
    library as it is."""
    if key is None or path.is_symlink():  # never written through a link someone made
        return
    try:
        sections = build(docs, layout, old)
    except Unusable:  # the old index lied about a section: derive everything
        sections = build(docs, layout, None)
    sections.update(state_sections(docs, layout.ids))
    with contextlib.suppress(OSError):
        write(path, key, len(layout.ids), sections, temp_for=temp_for)
