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
import os
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from readlist.atomic import KICK, fsync_dir, start_writeback, temp_name
from readlist.exportmap import (
    HEAD,
    MAX_RECORDS,
    PLACE,
    ZERO,
    Entry,
    ExportFile,
    Follow,
    Record,
    Unusable,
    load,
    prune,
    record_path,
    save,
    stat_key,
)
from readlist.rendercache import DIGEST

CHUNK = 8 << 20  # bytes gathered in memory before they are written


def unchanged(
    old: Record | None, file: ExportFile, current: bytes, entries: Sequence[Entry]
) -> bool | None:
    """Whether the file the record describes already holds its head and these entries:
    True at once when every digest is the one recorded, None when only the bytes of
    the entries whose digest changed agree (a change BibTeX does not show: the record
    must be brought up to date), False when the file must be written."""
    head = file.head
    if old is None or old.start != len(head) or not current.startswith(head):
        return False
    new = b"".join(b"\0" * DIGEST if d is None else d for d, _ in entries)
    if old.digests == new and all(d is not None for d, _ in entries):
        return True
    if len(new) != len(old.digests):
        return False
    was = old.digests
    with open(file.target, "rb") as fh:
        for n, (d, text) in enumerate(entries):
            at = n * DIGEST
            if d is not None and was[at : at + DIGEST] == d:
                continue
            begin = old.begin(n)
            if old.ends[n] - begin != len(text) or os.pread(fh.fileno(), len(text), begin) != text:
                return False
    return None


def write(
    file: ExportFile, entries: Sequence[Entry], old: Record | None, follow: Follow | None = None
) -> Record:
    """Replace `file.target` (a real path) with its head and the entries joined by its
    separator, copying the runs of entries the old file holds in the same order from
    it, then record what was written (returned)."""
    target, head, sep = file.target, file.head, file.sep
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
    return _saved(file, _digests(entries), ends, follow)


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
    file: ExportFile, old: Record, changes: Mapping[int, Entry], follow: Follow | None = None
) -> Record:
    """Replace `file.target`, the file `old` describes (the caller knows it is), with
    the same file but the entries at the indexes of `changes`: the runs between them
    are copied from the old file. Returns (and saves) the record of the new file."""
    target, head, sep = file.target, file.head, file.sep
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
    return _saved(file, bytes(digests), ends, follow)


def redigest(
    file: ExportFile, old: Record, changes: Mapping[int, Entry], follow: Follow | None = None
) -> Record:
    """The record of the file `old` describes, whose entries at the indexes of
    `changes` are found to hold their text already under a new digest."""
    digests = bytearray(old.digests)
    for n, (digest, _) in changes.items():
        digests[n * DIGEST : (n + 1) * DIGEST] = ZERO if digest is None else digest
    return _saved(file, bytes(digests), old.ends, follow)


def _digests(entries: Sequence[Entry]) -> bytes:
    return b"".join(ZERO if d is None else d for d, _ in entries)


def _saved(
    file: ExportFile, digests: bytes, ends: Sequence[int], follow: Follow | None = None
) -> Record:
    """Record what was just written (a failure to save it costs the next write only)."""
    record = Record(digests, ends, len(file.head), len(file.sep), follow)
    with contextlib.suppress(OSError):
        save(file, record)
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
    where it can (else through a buffer), a chunk at a time so that each starts its
    way to disk while the next is copied."""
    while count > 0:
        try:
            done = os.copy_file_range(src, dst, min(count, CHUNK), offset)
        except OSError:
            done = 0
        if done > 0:
            _written(dst, done)
        else:  # another file system, or no such call: read and write
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
    size = len(data)
    while data:
        data = data[os.write(fd, data) :]
    _written(fd, size)


def _written(fd: int, size: int) -> None:
    """After `size` bytes went to `fd`: a large piece starts its way to disk now."""
    if size >= KICK // 8:
        start_writeback(fd, os.lseek(fd, 0, os.SEEK_CUR) - size, size)


def remember(file: ExportFile, entries: Sequence[Entry], follow: Follow | None = None) -> Record:
    """Record a file found to hold exactly these entries already (written by an
    older readlist, or before the record was lost)."""
    ends: list[int] = []
    at = len(file.head)
    for n, (_, text) in enumerate(entries):
        at += len(text) + (len(file.sep) if n else 0)
        ends.append(at)
    return _saved(file, _digests(entries), ends, follow)


__all__ = [
    "CHUNK",
    "HEAD",
    "MAX_RECORDS",
    "PLACE",
    "ZERO",
    "Entry",
    "ExportFile",
    "Follow",
    "Record",
    "Unusable",
    "load",
    "patch",
    "prune",
    "record_path",
    "redigest",
    "remember",
    "stat_key",
    "unchanged",
    "write",
]
