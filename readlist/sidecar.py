"""The sidecar index `L-index`: what commands need to know about the snapshot `L`
without parsing it, written beside it whenever it is compacted.

It is derived data and never a source of truth. It is keyed by the snapshot it
describes (generation, inode, size, modification time) and covers that snapshot
alone: the journal's lines are applied on top by whoever reads it, exactly as a full
load applies them. Deleting it loses nothing; a missing, torn, corrupt, foreign or
stale one is ignored and the command reads the library in full instead, and the next
compaction writes a new one. It is written like every other file here (temp file,
fsync, rename) and only under the library's lock.

Layout: a first line that makes the file unmistakably readlist's (export and backup
refuse to overwrite it, as they refuse any library file), the magic, the header's
length and CRC-32, the header (JSON: format version, key, paper count and a table of
sections), then the sections, each with its own CRC-32, verified when first read. A
section is JSON (lists of strings, of records) or a little-endian array read in place
from a memory map.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import orjson

from readlist.atomic import atomic_write
from readlist.framed import PREAMBLE, read_frame

# 2: light records hold resolution and arxiv_version; 3: a keys column; 4: a `tables`
# section locating every table of the snapshot (the trash too), so a library with a
# trash opens by its index; 5: `state` (a byte per paper: derive.READ, derive.STARRED)
# and `since` (derive.since), what the TUI's first screen reads of every paper; 6:
# `entry`, each paper's export render cache digest under its stored key (entrydigest),
# `keys` in short form (derive.short_keys), and search text that keeps C++, C# and F#
# as words (query.symbol_words), so an older one's is stale.
VERSION = 6
FIRST_LINE = b'{"_readlist":{"1":{"index":%d}}}\n' % VERSION
MAGIC = b"RLINDEX\n"
_PREAMBLE = PREAMBLE
Key = tuple[int, int, int, int]  # generation, inode, size, mtime_ns of the snapshot


class Unusable(Exception):
    """The sidecar cannot be used (the reason is for tests and debugging only)."""


class Section:
    """Bytes to write: JSON of `value`, or an array's raw bytes (`dtype` names it)."""

    def __init__(self, data: bytes, dtype: str = "json", shape: Iterable[int] = ()) -> None:
        self.data = data
        self.dtype = dtype
        self.shape = list(shape)

    @classmethod
    def json(cls, value: Any) -> Section:
        return cls(orjson.dumps(value))


def write(
    path: Path, key: Key, count: int, sections: Mapping[str, Section], temp_for: Path
) -> None:
    """Write the sidecar atomically (call under the library's lock)."""
    table: dict[str, list[Any]] = {}
    at = 0
    body: list[bytes] = []
    for name, section in sections.items():
        pad = -at % 8
        body.append(b"\0" * pad)
        at += pad
        table[name] = [
            at,
            len(section.data),
            zlib.crc32(section.data),
            section.dtype,
            section.shape,
        ]
        body.append(section.data)
        at += len(section.data)
    header = orjson.dumps({"version": VERSION, "key": list(key), "count": count, "sections": table})
    head = FIRST_LINE + MAGIC + _PREAMBLE.pack(len(header), zlib.crc32(header)) + header
    head += b"\0" * (-len(head) % 8)
    atomic_write(path, [head, *body], temp_for=temp_for, kind="index")


class Sidecar:
    """An open, verified sidecar; sections are checked against their CRC when first read."""

    def __init__(self, path: Path, key: Key) -> None:
        self.path = path
        self._map, view, meta, base = read_frame(
            path, FIRST_LINE + MAGIC, "a readlist index", Unusable, os.O_NOCTTY
        )
        try:
            self.count: int = meta["count"]
            self._sections: dict[str, list[Any]] = meta["sections"]
            found = tuple(meta["key"])
            version = meta["version"]
        except (KeyError, TypeError) as exc:
            raise Unusable(f"header is malformed: {exc}") from None
        if version != VERSION or found != key:
            raise Unusable(f"made for another snapshot ({found} is not {key})")
        self._base = base
        self._view = view
        self._checked: set[str] = set()
        self._json: dict[str, Any] = {}

    def has(self, name: str) -> bool:
        """Whether the sidecar holds a section `name` (an older one may lack a new one)."""
        return name in self._sections

    def raw(self, name: str) -> memoryview:
        """A section's bytes, verified."""
        try:
            at, length, crc, _, _ = self._sections[name]
        except (KeyError, ValueError, TypeError):
            raise Unusable(f"no section {name}") from None
        data = self._view[self._base + at : self._base + at + length]
        if name not in self._checked:
            if len(data) != length or zlib.crc32(data) != crc:
                raise Unusable(f"section {name} is torn or corrupt")
            self._checked.add(name)
        return data

    def json(self, name: str) -> Any:
        if name not in self._json:
            try:
                self._json[name] = orjson.loads(self.raw(name))
            except orjson.JSONDecodeError as exc:
                raise Unusable(f"section {name}: {exc}") from None
        return self._json[name]

    def array(self, name: str) -> Any:
        """A section as a numpy array, read in place."""
        import numpy as np

        data = self.raw(name)
        dtype, shape = self._sections[name][3], self._sections[name][4]
        try:
            out = np.frombuffer(data, np.dtype(dtype))
            return out.reshape(shape) if shape else out
        except (TypeError, ValueError) as exc:
            raise Unusable(f"section {name}: {exc}") from None

    def ints(self, name: str, code: Literal["q", "I"]) -> memoryview[int]:
        """A one-dimensional section as a memoryview of `code` ("q", "I"): no numpy, for
        the commands that read a paper or two."""
        data = self.raw(name)
        if len(data) % struct.calcsize(code):
            raise Unusable(f"section {name} is not of {code}")
        return data.cast("B").cast(code)

    def close(self) -> None:
        with contextlib.suppress(BufferError):  # a view still held elsewhere
            self._view.release()
            self._map.close()


def open_sidecar(path: Path, key: Key) -> Sidecar | None:
    """The sidecar at `path` if it is usable for the snapshot `key`, else None."""
    try:
        return Sidecar(path, key)
    except Unusable:
        return None
