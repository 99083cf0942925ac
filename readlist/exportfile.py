"""What an auto-export last wrote to its file, so that the next one rewrites only the
entries that changed: the rest are copied from the old file inside the kernel
(`os.copy_file_range`), never read into Python, into a new file that then replaces
the old one atomically (temp file, fsync, rename), as every write of readlist does.

The record is derived, never a source of truth: it lives in the library's render
directory (`L-render/`, readlist.rendercache) as `export-HASH.map`, one per target
file (HASH names the target's real path), replaced at each write. It says which
entry (by its render-cache digest, readlist.entrycache) lies at which byte range of
the file. It is used only when it verifies (its own frame and CRC-32, this build's
fingerprint, the same format options and separator) and the file is still the one it
describes (inode, size, mtime, ctime and a digest of the file's head): a file edited
by hand, or written by anyone else, is rewritten in full. Records whose file changed
or went away are removed at the next write, so they never pile up.

Layout: the framed header (readlist.framed) with the target, its stat and head
digest, then `count` digests of 16 bytes and `count` end offsets (int64) of each
entry's text (separator excluded) in the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from readlist.atomic import atomic_write, fsync_dir, temp_name
from readlist.framed import PREAMBLE, read_frame
from readlist.rendercache import DIGEST, fingerprint, make_dir, safe_dir

VERSION = 2  # 2: what lets another process follow the changes (Follow)
FIRST_LINE = b'{"_readlist":{"1":{"exportmap":%d}}}\n' % VERSION
MAGIC = b"RLEXPMAP\n"
PREFIX, SUFFIX = "export-", ".map"
MAX_RECORDS = 8  # records kept beside one library, the newest first
HEAD = 4096  # bytes of the file's head whose digest the record keeps
CHUNK = 8 << 20  # bytes gathered in memory before they are written

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


def load(
    directory: Path, target: Path, options: Sequence[Any], sep: bytes, head: bytes | None
) -> Record | None:
    """The record of `target` if it verifies and the file is still the one it
    describes (`head`: the file's first bytes, as read to tell whose it is)."""
    path = record_path(directory, target)
    if head is None or not safe_dir(directory):
        return None
    try:
        _, view, meta, base = read_frame(path, FIRST_LINE + MAGIC, "an export map", Unusable)
        st = os.stat(target)
        count, body_crc = meta["count"], meta["crc"]
        expected = [os.fsdecode(target), _stat_key(st), _head_digest(head)]
        if [meta["target"], meta["stat"], meta["head"]] != expected:
            return None  # the file changed since: written by someone else, or by hand
        if [meta["fingerprint"], meta["options"], meta["sep"]] != [
            fingerprint(),
            list(options),
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


def unchanged(
    old: Record | None, target: Path, head: bytes, current: bytes, entries: Sequence[Entry]
) -> bool | None:
    """Whether the file the record describes already holds `head` and these entries:
    True at once when every digest is the one recorded, None when only the bytes of
    the entries whose digest changed agree (a change BibTeX does not show: the record
    must be brought up to date), False when the file must be written."""
    if old is None or old.start != len(head) or not current.startswith(head):
        return False
    new = b"".join(b"\0" * DIGEST if d is None else d for d, _ in entries)
    if old.digests == new and all(d is not None for d, _ in entries):
        return True
    if len(new) != len(old.digests):
        return False
    was = old.digests
    with open(target, "rb") as fh:
        for n, (d, text) in enumerate(entries):
            at = n * DIGEST
            if d is not None and was[at : at + DIGEST] == d:
                continue
            begin = old.begin(n)
            if old.ends[n] - begin != len(text) or os.pread(fh.fileno(), len(text), begin) != text:
                return False
    return None


def write(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    entries: Sequence[Entry],
    old: Record | None,
    follow: Follow | None = None,
) -> Record:
    """Replace `target` (a real path) with `head` and the entries joined by `sep`,
    copying the runs of entries the old file holds in the same order from it, then
    record what was written (returned)."""
    plan = None if old is None else (old, _plan(old, entries))
    reuse = plan is not None and any(j >= 0 for j in plan[1])
    ends: list[int] = []
    with _replacing(target) as fd:
        src = os.open(target, os.O_RDONLY | os.O_CLOEXEC) if reuse else -1
        try:
            _fill(fd, src, head, sep, entries, plan if reuse else None, ends)
        finally:
            if src >= 0:
                os.close(src)
    return _saved(directory, target, options, head, sep, _digests(entries), ends, follow)


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[int]:
    """A temp file beside `target` (with its mode) to write; then fsync, rename over
    `target` and fsync the directory. On any failure the temp file goes and `target`
    stays whole."""
    fd, tmp = _create(target)
    try:
        try:
            yield fd
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def _create(target: Path) -> tuple[int, Path]:
    """A temp file beside `target`, with its mode when it exists."""
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = target.parent / temp_name(target).name
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    if mode is not None:
        try:
            os.fchmod(fd, mode)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return fd, tmp


def patch(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    old: Record,
    changes: Mapping[int, Entry],
    follow: Follow | None = None,
) -> Record:
    """Replace `target`, the file `old` describes (the caller knows it is), with the
    same file but the entries at the indexes of `changes`: the runs between them are
    copied from the old file. Returns (and saves) the record of the new file."""
    count = len(old.ends)
    digests = bytearray(old.digests)
    ends = array("q")
    with _replacing(target) as fd:
        src = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
        try:
            pending: list[bytes | memoryview] = [head]
            at = len(head)
            i = 0  # the first entry not yet in the new file
            for n in [*sorted(changes), count]:
                if n > i:  # entries i..n-1, unchanged: one copy
                    if i:
                        pending.append(sep)
                        at += len(sep)
                    _flush(fd, pending)
                    begin = old.begin(i)
                    shift = at - begin
                    run = old.ends[i:n]
                    ends.extend(run if shift == 0 else [e + shift for e in run])
                    _copy(src, fd, begin, old.ends[n - 1] - begin)
                    at = ends[-1]
                if n == count:
                    break
                digest, text = changes[n]
                if n:
                    pending.append(sep)
                    at += len(sep)
                pending.append(text)
                at += len(text)
                ends.append(at)
                digests[n * DIGEST : (n + 1) * DIGEST] = ZERO if digest is None else digest
                i = n + 1
            _flush(fd, pending)
        finally:
            os.close(src)
    return _saved(directory, target, options, head, sep, bytes(digests), ends, follow)


def redigest(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    old: Record,
    changes: Mapping[int, Entry],
    follow: Follow | None = None,
) -> Record:
    """The record of the file `old` describes, whose entries at the indexes of
    `changes` are found to hold their text already under a new digest."""
    digests = bytearray(old.digests)
    for n, (digest, _) in changes.items():
        digests[n * DIGEST : (n + 1) * DIGEST] = ZERO if digest is None else digest
    return _saved(directory, target, options, head, sep, bytes(digests), old.ends, follow)


def _digests(entries: Sequence[Entry]) -> bytes:
    return b"".join(ZERO if d is None else d for d, _ in entries)


def _saved(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    digests: bytes,
    ends: Sequence[int],
    follow: Follow | None = None,
) -> Record:
    """Record what was just written (a failure to save it costs the next write only)."""
    record = Record(digests, ends, len(head), len(sep), follow)
    with contextlib.suppress(OSError):
        _save(directory, target, options, head, sep, record)
    return record


def _plan(old: Record, entries: Sequence[Entry]) -> list[int]:
    """For each entry, its index in the old file, or -1 when it must be written."""
    where = old.index()
    return [-1 if d is None else where.get(d, -1) for d, _ in entries]


def _fill(
    fd: int,
    src: int,
    head: bytes,
    sep: bytes,
    entries: Sequence[Entry],
    old: tuple[Record, Sequence[int]] | None,
    ends: list[int],
) -> None:
    """Write the file: new entries gathered in memory, runs of old ones copied."""
    pending: list[bytes | memoryview] = [head]
    size = at = len(head)
    n = len(entries)
    i = 0
    while i < n:
        if i:
            pending.append(sep)
            at += len(sep)
        j = -1 if old is None else old[1][i]
        if j < 0:
            text = entries[i][1]
            pending.append(text)
            at += len(text)
            ends.append(at)
            size += len(text) + len(sep)
            i += 1
            if size > CHUNK:
                _flush(fd, pending)
                size = 0
            continue
        assert old is not None
        record, plan = old
        k = i + 1
        while k < n and plan[k] == plan[k - 1] + 1:
            k += 1
        last = j + k - i - 1
        begin = record.begin(j)
        shift = at - begin
        ends.extend(e + shift for e in record.ends[j : last + 1])
        _flush(fd, pending)
        size = 0
        _copy(src, fd, begin, record.ends[last] - begin)
        at = ends[-1]
        i = k
    _flush(fd, pending)


def _copy(src: int, dst: int, offset: int, count: int) -> None:
    """Copy `count` bytes of `src` from `offset` to `dst`'s position, in the kernel
    where it can (else through a buffer)."""
    while count > 0:
        try:
            done = os.copy_file_range(src, dst, count, offset)
        except OSError:
            done = 0
        if done <= 0:  # another file system, or no such call: read and write
            data = os.pread(src, min(count, CHUNK), offset)
            if not data:
                raise OSError(f"the old export ended early at {offset}")
            _flush(dst, [data])
            done = len(data)
        offset += done
        count -= done


def _flush(fd: int, pending: list[bytes | memoryview]) -> None:
    data = memoryview(b"".join(pending))
    pending.clear()
    while data:
        data = data[os.write(fd, data) :]


def remember(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    entries: Sequence[Entry],
    follow: Follow | None = None,
) -> Record:
    """Record a file found to hold exactly these entries already (written by an
    older readlist, or before the record was lost)."""
    ends: list[int] = []
    at = len(head)
    for n, (_, text) in enumerate(entries):
        at += len(text) + (len(sep) if n else 0)
        ends.append(at)
    return _saved(directory, target, options, head, sep, _digests(entries), ends, follow)


def stat_key(path: Path) -> list[int] | None:
    """What tells whether a file changed since: None when there is none."""
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return None


def _save(
    directory: Path,
    target: Path,
    options: Sequence[Any],
    head: bytes,
    sep: bytes,
    record: Record,
) -> None:
    """Record what was just written (entries without a digest get a zero one, which
    no entry has), then remove the records of other files that changed or are gone."""
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
            "options": list(options),
            "sep": sep.decode("utf-8"),
            "start": len(head),
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
