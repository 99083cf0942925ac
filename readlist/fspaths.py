"""What a user-named path is, found without opening it, and reading one that is a file.

Opening a FIFO blocks until a writer comes (forever, for a write command's
auto-export); `/dev/zero` never ends; a directory or a socket cannot be read. So every
place that reads or replaces a path the user named (config.toml, the library, import
inputs, .aux files, export and backup targets, auto-export files) asks `kind_of` first,
which only stats. Where a file is then opened, `open_regular` opens it non-blocking
and checks the open descriptor, so a FIFO swapped in between still cannot block.
"""

from __future__ import annotations

import enum
import errno
import os
import stat
from typing import BinaryIO

from readlist.errors import InputError

StrPath = str | os.PathLike[str]


class PathError(InputError):
    """A path readlist will not use, and why: `reason` lets a caller name the path
    its own way (a hostile name may be megabytes long)."""

    def __init__(self, path: StrPath, reason: str) -> None:
        self.path = os.fsdecode(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class Kind(enum.Enum):
    """What is at a path (through symlinks); the value is how a message names it."""

    MISSING = "missing"
    FILE = "a regular file"
    DIRECTORY = "a directory"
    FIFO = "a FIFO"
    DEVICE = "a device"
    SOCKET = "a socket"
    OTHER = "an unknown kind of file"


def classify(mode: int) -> Kind:
    """The kind of an existing file from its `st_mode`."""
    if stat.S_ISREG(mode):
        return Kind.FILE
    if stat.S_ISDIR(mode):
        return Kind.DIRECTORY
    if stat.S_ISFIFO(mode):
        return Kind.FIFO
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Kind.DEVICE
    if stat.S_ISSOCK(mode):
        return Kind.SOCKET
    return Kind.OTHER


def kind_of(path: StrPath) -> Kind:
    """What `path` is, following symlinks, without opening it. A dangling symlink or
    a missing directory on the way is MISSING; other failures (no permission, a
    symlink loop, a name too long) raise PathError with the reason."""
    try:
        return classify(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return Kind.MISSING
    except OSError as exc:
        raise PathError(path, f"cannot use it ({_reason(exc)})") from None
    except ValueError:  # a NUL byte in the name
        raise PathError(path, "not a usable file name (it holds a NUL byte)") from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return exc.strerror or type(exc).__name__


def refusal(kind: Kind, action: str) -> str:
    """Why a path that is not a regular file is not used, for one line."""
    return f"not a regular file ({kind.value}); {action}"


def require_file(path: StrPath, action: str, *, missing_ok: bool = True) -> Kind:
    """FILE or (if `missing_ok`) MISSING; anything else is an InputError ending in
    `action` (what readlist does instead, e.g. "not overwriting it")."""
    kind = kind_of(path)
    if kind is Kind.FILE or (kind is Kind.MISSING and missing_ok):
        return kind
    if kind is Kind.MISSING:
        raise PathError(path, "no such file")
    raise PathError(path, refusal(kind, action))


def open_regular(path: StrPath, action: str) -> BinaryIO:
    """`path` opened for reading, refusing what is not a regular file without opening
    it. Opening non-blocking and checking the open descriptor as well leaves no
    window to swap a FIFO in between. A missing file is FileNotFoundError: callers
    decide what that means."""
    kind = kind_of(path)  # stat first: what is not a file is never opened at all
    if kind is Kind.MISSING:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fsdecode(path))
    if kind is not Kind.FILE:
        raise PathError(path, refusal(kind, action))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise FileNotFoundError(exc.errno, exc.strerror, os.fsdecode(path)) from None
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket cannot be opened
            raise PathError(path, refusal(kind_of(path), action)) from None
        raise PathError(path, f"cannot read ({_reason(exc)})") from None
    try:
        kind = classify(os.fstat(fd).st_mode)
        if kind is not Kind.FILE:
            raise PathError(path, refusal(kind, action))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: StrPath, limit: int, action: str, too_big: str) -> bytes:
    """A regular file's bytes, at most `limit` of them: a larger file is a PathError
    with reason `too_big`, found from its size before reading and by reading one
    byte more (a file may grow while read)."""
    chunks: list[bytes] = []
    left = limit + 1
    with open_regular(path, action) as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise PathError(path, too_big)
        try:
            while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as exc:
            raise PathError(path, f"cannot read ({_reason(exc)})") from None
    if left <= 0:
        raise PathError(path, too_big)
    return b"".join(chunks)
