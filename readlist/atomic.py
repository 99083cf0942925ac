"""Atomic file replacement: temp file, fsync, rename, fsync of the directory.

Files are created the way editors create them: a new file gets `0666 & ~umask` (the
kernel applies the umask to `os.open`'s mode), a replaced file keeps its mode, and a
symlink is written through to its target rather than replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

KICK = 8 << 20  # bytes written before the kernel is told to start writing them to disk


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Have the kernel start writing these bytes to disk now, without waiting: the
    fsync that ends a large write then waits for the last few megabytes, not for all
    of them (an export of 180 MB: 190 -> 140 ms). On Linux, POSIX_FADV_DONTNEED starts
    the writeback of dirty pages and drops only clean ones, which these are not yet."""
    if _FADVISE is not None:
        with contextlib.suppress(OSError):
            _FADVISE(fd, offset, length, os.POSIX_FADV_DONTNEED)


_FADVISE = getattr(os, "posix_fadvise", None) if sys.platform == "linux" else None


def _write_pieces(fh: io.BufferedWriter, pieces: Iterable[bytes | memoryview]) -> None:
    """Write the pieces, starting the writeback of every KICK bytes as they go."""
    batch: list[bytes | memoryview] = []
    size = kicked = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size - kicked >= KICK:
            fh.writelines(batch)
            batch.clear()
            fh.flush()
            start_writeback(fh.fileno(), kicked, size - kicked)
            kicked = size
    fh.writelines(batch)


def temp_name(path: Path, kind: str = "write") -> Path:
    """`.NAME.KIND-PID-RANDOM.tmp` beside `path`: recognisably whose and what it is."""
    return path.with_name(f".{path.name}.{kind}-{os.getpid()}-{os.urandom(4).hex()}.tmp")


def atomic_write(
    path: Path,
    data: bytes | Iterable[bytes | memoryview],
    *,
    temp_for: Path | None = None,
    kind: str = "write",
) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    The temp file is named after `temp_for` (default: the target), so a library's
    temp files all start with `.LIBRARY.` and can be found and removed when stale.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    base = target if temp_for is None else Path(temp_for)
    while True:
        tmp = target.parent / temp_name(base, kind).name
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            if isinstance(data, bytes):
                fh.write(data)
            else:
                _write_pieces(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
