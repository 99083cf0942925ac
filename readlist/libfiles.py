"""A library's files: whether to trust them, which paths are theirs, stale temp files.

Another user who can write the journal or the lock can rewrite your papers or wedge
your writes; so such a library is refused, with the reason, rather than used.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
from collections.abc import Iterable
from pathlib import Path

from readlist.errors import LibraryError
from readlist.fspaths import Kind, classify, refusal


def check_trusted(files: Iterable[Path]) -> None:
    """LibraryError for the first existing file that is not safely ours, or not a
    regular file (a FIFO would block the first read forever)."""
    for file in files:
        try:
            st = file.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise LibraryError(f"{file}: cannot use it ({exc.strerror})") from None
        kind = classify(st.st_mode)
        if kind is not Kind.FILE:
            raise LibraryError(f"{file}: {refusal(kind, 'refusing to use it as a library file')}")
        reason = unsafe_reason(st)
        if reason:
            raise LibraryError(f"{file}: {reason}; refusing to use this library")


def unsafe_reason(st: os.stat_result) -> str | None:
    """Why a file with this status must not be trusted as ours, or None.

    Group-writable is fine only for a user-private group (umask 002 systems).
    """
    euid = os.geteuid()
    if st.st_uid != euid:
        return f"is owned by another user (uid {st.st_uid}, you are {euid})"
    if st.st_mode & 0o002:
        return f"is writable by others (mode {st.st_mode & 0o777:04o}); run chmod o-w on it"
    if st.st_mode & 0o020 and not _private_group(st.st_gid, euid):
        return f"is writable by its group (mode {st.st_mode & 0o777:04o}); run chmod g-w on it"
    return None


def _private_group(gid: int, uid: int) -> bool:
    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(uid)
    except KeyError:
        return False
    return group.gr_name == user.pw_name and not set(group.gr_mem) - {user.pw_name}


def is_own_file(real: Path, files: Iterable[Path], candidate: str | os.PathLike[str]) -> bool:
    """True if `candidate` resolves to one of `files` (or is a hard link to one) or to a
    temp file of the library whose resolved path is `real` (`.NAME.*` beside it)."""
    path = Path(os.path.realpath(candidate))
    files = list(files)
    if path in {Path(os.path.realpath(f)) for f in files}:
        return True
    if path.parent == real.parent and path.name.startswith(f".{real.name}."):
        return True
    with contextlib.suppress(OSError):
        st = path.stat()
        for file in files:
            with contextlib.suppress(OSError):
                other = file.stat()
                if (st.st_dev, st.st_ino) == (other.st_dev, other.st_ino):
                    return True
    return False


def remove_stale_temps(real: Path) -> None:
    """Delete the temp files of writers that died.

    Writers make temp files only while holding the lock, so any found by the lock's
    holder belongs to a writer that is gone. Call this only under the lock.
    """
    name = re.escape(real.name)
    pattern = re.compile(
        rf"\.{name}\.(compact|journal|index)-\d+-[0-9a-f]+\.tmp"  # ours
        rf"|\.{name}(-journal)?\.[a-z0-9_]{{8}}\.tmp"  # older readlist (mkstemp)
    )
    with contextlib.suppress(OSError), os.scandir(real.parent) as entries:
        for entry in entries:
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def ident(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of a library file: what tells that it was replaced or grew."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)
