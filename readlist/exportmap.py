"""The record of an export file (readlist.exportfile): which entry lies at which byte
range of the file, as last written, and what lets a later update follow the changes
(readlist.entrydelta). Its layout and how it is found, verified, saved and pruned:
see readlist/exportfile.py."""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from readlist.atomic import atomic_write
from readlist.framed import PREAMBLE, read_frame
from readlist.rendercache import DIGEST, fingerprint, make_dir, safe_dir

VERSION = 2  # 2: what lets another process follow the changes (Follow)
FIRST_LINE = b'{"_readlist":{"1":{"exportmap":%d}}}\n' % VERSION
MAGIC = b"RLEXPMAP\n"
PREFIX, SUFFIX = "export-", ".map"
MAX_RECORDS = 8  # records kept beside one library, the newest first
HEAD = 4096  # bytes of the file's head whose digest the record keeps
ZERO = b"\0" * DIGEST  # the digest of an entry never reused: no entry has it
Entry = tuple[bytes | None, bytes | memoryview]  # digest (None: never reused), text


class Unusable(Exception):
    """A record that cannot be used (the reason is for tests and debugging only)."""


def record_path(directory: Path, target: Path) -> Path:
    name = hashlib.blake2b(os.fsencode(target), digest_size=12).hexdigest()
    return directory / f"{PREFIX}{name}{SUFFIX}"


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _head_digest(head: bytes) -> str:
    return hashlib.blake2b(head[:HEAD], digest_size=16).hexdigest()


PLACE = 8  # bytes of a paper's place digest (Follow.places)


@dataclass(frozen=True)
class Follow:
    """What lets a later update, in this process or another, take the changes since
    alone (readlist.entrydelta): the file holds every paper, one entry each, in the
    library's order, read from the snapshot `snapshot` (libfiles.ident) with journal
    lines on top; `places` has each entry's place digest (what orders and keys it)."""

    ids: Sequence[str]
    places: bytes
    snapshot: Sequence[int] | None


@dataclass(frozen=True)
class ExportFile:
    """The file an auto-export keeps, and how it is written: its entries rendered
    with `options`, joined by `sep`, after `head`; its record kept in `directory`."""

    directory: Path  # where its record lives (the library's render directory)
    target: Path  # the file's real path
    options: tuple[Any, ...]  # the format options its entries are rendered with
    head: bytes  # what the file holds before its first entry
    sep: bytes  # what stands between two entries


@dataclass
class Record:
    """The entries of the file as last written: digest -> index, and where each ends."""

    digests: bytes
    ends: Sequence[int]
    start: int  # where the first entry begins (after the head)
    sep: int  # the separator's length
    follow: Follow | None = None

    def index(self) -> dict[bytes, int]:
        d = self.digests
        return {d[i : i + DIGEST]: n for n, i in enumerate(range(0, len(d), DIGEST))}

    def begin(self, n: int) -> int:
        return self.start if n == 0 else self.ends[n - 1] + self.sep


def load(file: ExportFile, current: bytes | None) -> Record | None:
    """The record of `file` if it verifies and the file is still the one it
    describes (`current`: the file's first bytes, as read to tell whose it is)."""
    directory, target, sep = file.directory, file.target, file.sep
    path = record_path(directory, target)
    if current is None or not safe_dir(directory):
        return None
    try:
        _, view, meta, base = read_frame(path, FIRST_LINE + MAGIC, "an export map", Unusable)
        st = os.stat(target)
        count, body_crc = meta["count"], meta["crc"]
        expected = [os.fsdecode(target), _stat_key(st), _head_digest(current)]
        if [meta["target"], meta["stat"], meta["head"]] != expected:
            return None  # the file changed since: written by someone else, or by hand
        if [meta["fingerprint"], meta["options"], meta["sep"]] != [
            fingerprint(),
            list(file.options),
            sep.decode("utf-8"),
        ]:
            return None
        body = view[base:]
        follow = meta["follow"]
        size = count * (DIGEST + 8) if type(count) is int else -1
        extra = 0 if follow is None else count * PLACE + follow["ids"]
        if size < 0 or len(body) != size + extra:
            return None
        if zlib.crc32(body) != body_crc:
            return None
        ends = body[count * DIGEST : size].cast("q")
        record = Record(bytes(body[: count * DIGEST]), ends, meta["start"], len(sep))
        if follow is not None:
            places = bytes(body[size : size + count * PLACE])
            blob = bytes(body[size + count * PLACE :])
            ids = blob.decode("utf-8").split("\n") if count else []
            if len(ids) != count:
                return None
            record.follow = Follow(ids, places, follow["snapshot"])
        return record
    except (Unusable, OSError, KeyError, TypeError, ValueError, UnicodeDecodeError):
        return None


def stat_key(path: Path) -> list[int] | None:
    """What tells whether a file changed since: None when there is none."""
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return None


def save(file: ExportFile, record: Record) -> None:
    """Record what was just written (entries without a digest get a zero one, which
    no entry has), then remove the records of other files that changed or are gone."""
    directory, target = file.directory, file.target
    if not make_dir(directory):
        return
    ends = record.ends
    ends_raw = ends.tobytes() if isinstance(ends, array) else struct.pack(f"{len(ends)}q", *ends)
    parts = [record.digests, ends_raw]
    follow = None
    if record.follow is not None:
        blob = "\n".join(record.follow.ids).encode("utf-8")
        parts += [record.follow.places, blob]
        follow = {"snapshot": record.follow.snapshot, "ids": len(blob)}
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    with open(target, "rb") as fh:
        st = os.fstat(fh.fileno())
        first = fh.read(HEAD)
    header = orjson.dumps(
        {
            "version": VERSION,
            "target": os.fsdecode(target),
            "stat": _stat_key(st),
            "head": _head_digest(first),
            "fingerprint": fingerprint(),
            "options": list(file.options),
            "sep": file.sep.decode("utf-8"),
            "start": len(file.head),
            "count": len(ends),
            "crc": crc,
            "follow": follow,
        }
    )
    lead = FIRST_LINE + MAGIC + PREAMBLE.pack(len(header), zlib.crc32(header)) + header
    lead += b"\0" * (-len(lead) % 8)
    mine = record_path(directory, target)
    atomic_write(mine, [lead, *parts], kind="render")
    prune(directory, keep=mine)


def prune(directory: Path, keep: Path | None = None) -> None:
    """Remove the records whose file changed since or is gone, and all but the newest
    MAX_RECORDS of the rest."""
    try:
        names = [n for n in os.listdir(directory) if n.startswith(PREFIX) and n.endswith(SUFFIX)]
    except OSError:
        return
    alive: list[tuple[int, Path]] = []
    for name in names:
        path = directory / name
        if path == keep:
            continue
        try:
            _, _, meta, _ = read_frame(path, FIRST_LINE + MAGIC, "an export map", Unusable)
            target = Path(meta["target"])
            current = _stat_key(os.stat(target)) == meta["stat"]
            if record_path(directory, target) == path and current:
                alive.append((os.stat(path).st_mtime_ns, path))
                continue
        except (Unusable, OSError, KeyError, TypeError, ValueError):
            pass
        with contextlib.suppress(OSError):
            os.unlink(path)
    alive.sort(reverse=True)
    for _, path in alive[MAX_RECORDS - 1 :]:
        with contextlib.suppress(OSError):
            os.unlink(path)
