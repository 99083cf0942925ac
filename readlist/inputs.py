"""Bytes in: regular files and stdin, capped in size, and what format a text is.

Reading refuses what could hang or never end (FIFOs, devices, `/dev/zero`) before a
byte is read; every input is read and decoded before anything is imported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from readlist.bibtex_in import looks_like_bibtex
from readlist.config import DEFAULT_MAX_INPUT_BYTES
from readlist.errors import InputError
from readlist.listing import decode, looks_like_listing
from readlist.text import decodable


def _limit_error(name: str, limit: int) -> InputError:
    return InputError(
        f"{name}: input is larger than the {_mb(limit)} limit ([import] max_size_mb in config)"
    )


def _mb(limit: int) -> str:
    return f"{limit / (1 << 20):g} MB" if limit >= 1 << 20 else f"{limit} bytes"


def read_capped(fh: BinaryIO, limit: int, name: str) -> bytes:
    """At most `limit` bytes from `fh`; more is an error, found by reading one byte more."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = fh.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left <= 0:
        raise _limit_error(name, limit)
    return b"".join(chunks)


def read_file(
    path: Path, limit: int = DEFAULT_MAX_INPUT_BYTES, hint: str = "only files and - can be imported"
) -> bytes:
    """A regular file's bytes. FIFOs, devices and sockets are refused before reading:
    a FIFO would block forever, `/dev/zero` would never end. Opening non-blocking
    and checking the open descriptor leaves no window to swap the file in between."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # checked before fdopen, which refuses a directory
        os.close(fd)
        what = "is a directory" if stat.S_ISDIR(st.st_mode) else f"not a regular file; {hint}"
        raise InputError(f"{path}: {what}")
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > limit:
            raise _limit_error(str(path), limit)
        try:
            return read_capped(fh, limit, str(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def read_inputs(
    paths: Iterable[str],
    stdin: bytes | None = None,
    limit: int = DEFAULT_MAX_INPUT_BYTES,
) -> list[tuple[str, str]]:
    """Expand files, directories (their *.txt and *.bib) and `-` into (name, text) pairs.

    Everything is read and decoded before anything is imported, so one bad input
    stops the whole import instead of leaving it half done. Each input may hold at
    most `limit` bytes (read stdin with `read_capped`).
    """
    out: list[tuple[str, str]] = []
    for arg in paths:
        if arg == "-":
            data = stdin or b""
            if len(data) > limit:
                raise _limit_error("<stdin>", limit)
            out.append(("<stdin>", decode(data, "<stdin>")))
            continue
        if not arg:
            raise InputError("empty path given to import")
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".txt", ".bib") and p.is_file()
            )
            if not files:
                raise InputError(f"{path}: no *.txt listings or *.bib files in this directory")
        else:
            files = [path]
        for file in files:
            out.append((decodable(file.name), decode(read_file(file, limit), str(file))))
    return out


FORMATS = ("auto", "listing")


def detect_format(text: str, name: str = "") -> str:
    """What an input looks like: "listing", "bibtex" or "unknown"."""
    if looks_like_listing(text):
        return "listing"
    if name.lower().endswith(".bib") or looks_like_bibtex(text):
        return "bibtex"
    return "unknown"


def check_format(name: str, text: str, fmt: str = "auto") -> None:
    """Refuse, in one line, an input that is neither a listing nor BibTeX (unless `fmt`
    forces a listing)."""
    if fmt == "listing":
        return
    if detect_format(text, name) == "unknown":
        raise InputError(
            f"not a Daily Papers listing: {name} (no header, no paper metadata); "
            "--format listing imports it anyway"
        )
