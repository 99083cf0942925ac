"""Atomic file replacement: temp file, fsync, rename, fsync of the directory.

Files are created the way editors create them: a new file gets `0666 & ~umask` (the
kernel applies the umask to `os.open`'s mode), a replaced file keeps its mode, and a
symlink is written through to its target rather than replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
                fh.writelines(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
