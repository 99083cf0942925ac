"""Building the sidecar index of a snapshot, and reading papers of the snapshot by it.

A compaction writes the snapshot and records where each paper's document lies in it
(`Layout`); `build` then derives every column the sidecar holds (readlist.derive,
readlist.abstracts). A paper whose document is byte for byte what the previous
sidecar described (same id, same BLAKE2b hash) keeps its derived values, so a
compaction after a few changes derives only those papers, and its abstract words are
merged into the previous postings instead of indexing 100k abstracts again.

`Base` is the read side: the snapshot's papers by id, each document read from its
byte range and checked against its CRC-32 before it is parsed.
"""

from __future__ import annotations

import functools
import mmap
import os
import zlib
from array import array
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import orjson

from readlist import derive, entrydigest
from readlist.entrydigest import DIGEST, HASH, body_hash
from readlist.errors import LibraryError
from readlist.sidecar import Section, Sidecar, Unusable

Doc = dict[str, Any]


class Layout:
    """Where each paper's document lies in a snapshot being written (fileformat.write_lines)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.offsets = array("q")
        self.lengths = array("q")
        self.crcs = array("I")
        self.hashes = bytearray()
        self.tables: list[list[Any]] = []  # [name, offset, length, CRC-32], in file order

    def table(self, name: str, offset: int, length: int, crc: int) -> None:
        self.tables.append([name, offset, length, crc])

    def add(self, pid: str, offset: int, body: bytes) -> None:
        self.ids.append(pid)
        self.offsets.append(offset)
        self.lengths.append(len(body))
        self.crcs.append(zlib.crc32(body))
        self.hashes += body_hash(body)


_COLUMNS = (
    "light", "line", "tkey", "title", "extra", "upvotes", "added", "date", "arxiv", "keyed",
    "keys",
)  # fmt: skip


def build(docs: Mapping[str, Doc], layout: Layout, old: Sidecar | None) -> dict[str, Section]:
    """Every section of the sidecar for the snapshot `layout` describes (`docs` are its
    papers, in its order), reusing what `old` holds for unchanged papers."""
    import numpy as np

    from readlist import abstracts
    from readlist.query import abstract_text
    from readlist.vocabulary import Vocabulary

    ids = layout.ids
    n = len(ids)
    reuse = _reusable(layout, old)
    previous: dict[str, list[Any]] = {}
    old_flags: memoryview | bytes = b""
    if old is not None and reuse:
        previous = {
            name: Texts(old, name).all() if name in TEXT_COLUMNS else old.json(name)
            for name in _COLUMNS
            if name in TEXT_COLUMNS or old.has(name)
        }
        # A column an older index lacks is derived for its unchanged papers too.
        old_ids = old.json("ids")
        for name in set(_COLUMNS) - set(previous):
            previous[name] = [None] * old.count
            for i, j in reuse.items():
                previous[name][j] = derive.values(name, old_ids[j], docs[ids[i]])
        old_flags = old.raw("flags")
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    flags = bytearray(n)
    texts: dict[int, str] = {}
    old_to_new = np.full(old.count if old is not None else 0, -1, np.int64)
    for i, pid in enumerate(ids):
        j = reuse.get(i, -1)
        if j >= 0:
            flags[i] = old_flags[j]
            for name, values in columns.items():
                values.append(previous[name][j])
            old_to_new[j] = i
            continue
        doc = docs[pid]
        row = derive.row(pid, doc)
        flags[i] = row.flags
        for name, values in columns.items():
            values.append(getattr(row, name))
        texts[i] = abstract_text(doc)
    postings = None
    if old is not None and reuse:
        postings = abstracts.build(n, texts, postings_of(old), old_to_new)
    else:
        postings = abstracts.build(n, texts)
    vocab = Vocabulary(columns["title"])
    thash = array("I", (zlib.crc32(t.encode()) for t in columns["title"]))
    out = {
        "ids": Section.json(ids),
        "tables": Section.json(layout.tables),
        "offset": Section(layout.offsets.tobytes(), "<i8"),
        "length": Section(layout.lengths.tobytes(), "<i8"),
        "crc": Section(layout.crcs.tobytes(), "<u4"),
        "hash": Section(bytes(layout.hashes), "|u1", [n, HASH]),
        "entry": Section(entrydigest.stored_key_digests(layout.hashes, ids), "|u1", [n, DIGEST]),
        "flags": Section(bytes(flags), "|u1"),
        **{
            name: Section.json(values)
            for name, values in columns.items()
            if name not in TEXT_COLUMNS
        },
        **{f"{name}.text": text_section(columns[name]) for name in TEXT_COLUMNS},
        **{f"{name}.at": text_offsets(columns[name]) for name in TEXT_COLUMNS},
        "thash": Section(thash.tobytes(), "<u4"),
        "tvocab": Section.json(vocab.words),
        "ttokens": Section(vocab.tokens.astype("<i4").tobytes(), "<i4"),
        "tstarts": Section(vocab.starts.astype("<i8").tobytes(), "<i8"),
    }
    out.update(postings_sections(postings))
    return out


# Columns of one-line texts read a few at a time (the lines of 30k search hits, the
# titles a query could equal): one UTF-8 blob of lines, and where each starts.
TEXT_COLUMNS = ("line", "title")


def text_section(values: list[str | None]) -> Section:
    return Section(("\n".join(v or "" for v in values) + "\n").encode(), "|u1")


def text_offsets(values: list[str | None]) -> Section:
    at = array("q", [0])
    total = 0
    for v in values:
        total += len(v.encode()) + 1 if v else 1
        at.append(total)
    return Section(at.tobytes(), "<i8")


class Texts:
    """A text column of a sidecar: one line each, decoded as asked for."""

    def __init__(self, sidecar: Sidecar, name: str) -> None:
        self._blob = sidecar.raw(f"{name}.text")
        self._at = sidecar.ints(f"{name}.at", "q")
        if len(self._at) != sidecar.count + 1 or self._at[-1] != len(self._blob):
            raise Unusable(f"text column {name} does not add up")
        self._all: list[str] | None = None

    def get(self, i: int) -> str:
        return bytes(self._blob[self._at[i] : self._at[i + 1] - 1]).decode()

    def all(self) -> list[str]:
        if self._all is None:
            self._all = bytes(self._blob).decode().split("\n")[:-1]
        return self._all


def _reusable(layout: Layout, old: Sidecar | None) -> dict[int, int]:
    """New row -> old row, for papers whose document did not change."""
    if old is None:
        return {}
    try:
        old_ids = old.json("ids")
        hashes = old.raw("hash")
    except Unusable:
        return {}
    where = {pid: j for j, pid in enumerate(old_ids)}
    new = layout.hashes
    out = {}
    for i, pid in enumerate(layout.ids):
        j = where.get(pid)
        if j is not None and hashes[j * HASH : (j + 1) * HASH] == new[i * HASH : (i + 1) * HASH]:
            out[i] = j
    return out


def postings_sections(p: Any) -> dict[str, Section]:
    return {
        "a_blob": Section(p.blob, "|u1"),
        "a_starts": Section(p.starts.astype("<i8").tobytes(), "<i8"),
        "a_at": Section(p.at.astype("<i8").tobytes(), "<i8"),
        "a_rows": Section(p.rows.astype("<i4").tobytes(), "<i4"),
        "a_bitrow": Section(p.bitrow.astype("<i4").tobytes(), "<i4"),
        "a_bits": Section(p.bits.tobytes(), "|u1", list(p.bits.shape)),
    }


def postings_of(sidecar: Sidecar) -> Any:
    """The abstract postings a sidecar holds (abstracts.Postings), read in place."""
    from readlist.abstracts import Postings

    return Postings(
        sidecar.count,
        bytes(sidecar.raw("a_blob")),
        sidecar.array("a_starts"),
        sidecar.array("a_at"),
        sidecar.array("a_rows"),
        sidecar.array("a_bitrow"),
        sidecar.array("a_bits"),
    )


class Base:
    """The snapshot's papers as its sidecar lists them, each read from its byte range.

    `fh` is the snapshot the sidecar was verified against (same inode, size and
    mtime), kept open: another process replacing the file changes nothing here."""

    def __init__(self, sidecar: Sidecar, fh: BinaryIO, path: str) -> None:
        self.sidecar = sidecar
        self.path = path
        self.ids: list[str] = sidecar.json("ids")
        self.offset = sidecar.ints("offset", "q")
        self.length = sidecar.ints("length", "q")
        self.crc = sidecar.ints("crc", "I")
        if not len(self.ids) == len(self.offset) == len(self.length) == len(self.crc):
            raise Unusable("columns of different lengths")
        size = os.fstat(fh.fileno()).st_size
        self._map = mmap.mmap(fh.fileno(), size, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def pos(self) -> dict[str, int]:
        """Place by id: built on first use (commands that list papers need none)."""
        return {pid: i for i, pid in enumerate(self.ids)}

    def raw(self, i: int) -> bytes:
        """The bytes of document `i`, as the sidecar recorded them."""
        start = self.offset[i]
        data = self._map[start : start + self.length[i]]
        if zlib.crc32(data) != self.crc[i]:
            raise LibraryError(
                f"{self.path}: library file changed in place since its index was written "
                f"(paper {self.ids[i]}); delete {self.sidecar.path} and try again"
            )
        return data

    def tables(self) -> list[tuple[str, Doc | None]]:
        """The snapshot's tables in file order: the papers' as None (read by `doc`),
        every other one read whole from its byte range, checked against its CRC."""
        out: list[tuple[str, Doc | None]] = []
        try:
            listed = [
                (str(n), int(o), int(ln), int(c)) for n, o, ln, c in self.sidecar.json("tables")
            ]
        except (TypeError, ValueError):
            raise Unusable("tables section is malformed") from None
        for name, start, length, crc in listed:
            if name == "papers":
                out.append((name, None))
                continue
            data = self._map[start : start + length]
            if len(data) != length or zlib.crc32(data) != crc:
                raise Unusable(f"table {name} is not where the index says")
            try:
                table = orjson.loads(data)
            except orjson.JSONDecodeError:
                raise Unusable(f"table {name} does not parse") from None
            if not isinstance(table, dict):
                raise Unusable(f"table {name} is not an object")
            out.append((name, table))
        return out

    def doc(self, i: int) -> Doc:
        doc: Doc = orjson.loads(self.raw(i))
        return doc

    def docs(self, rows: Iterator[int]) -> Iterator[Doc]:
        for i in rows:
            yield self.doc(i)
