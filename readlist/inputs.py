"""Bytes in: regular files and stdin, capped in size, and what format a text is.

Reading refuses what could hang or never end (FIFOs, devices, `/dev/zero`) before a
byte is read; every input is read and decoded before anything is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from readlist.bibtex_in import looks_like_bibtex
from readlist.config import DEFAULT_MAX_INPUT_BYTES
from readlist.errors import InputError
from readlist.fspaths import Kind, kind_of, read_regular
from readlist.listing import looks_like_listing
from readlist.listingtext import decode
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
    """A regular file's bytes. FIFOs, devices and sockets are refused before reading
    (fspaths): a FIFO would block forever, `/dev/zero` would never end."""
    too_big = f"input is larger than the {_mb(limit)} limit ([import] max_size_mb in config)"
    try:
        return read_regular(path, limit, hint, too_big)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None


def read_inputs(
    paths: Iterable[str],
    stdin: bytes | None = None,
    limit: int = DEFAULT_MAX_INPUT_BYTES,
    skipped: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Expand files, directories (their *.txt and *.bib) and `-` into (name, text) pairs.

    Everything is read and decoded before anything is imported, so one bad input
    stops the whole import instead of leaving it half done. Each input may hold at
    most `limit` bytes (read stdin with `read_capped`). A directory's *.txt or *.bib
    that is not a regular file (a FIFO, a socket, a device) is never opened: it is
    left out, and said so in `skipped`.
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
        if kind_of(path) is Kind.DIRECTORY:
            named = sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".bib"))
            files = [p for p in named if kind_of(p) is Kind.FILE]
            for other in named:
                kind = kind_of(other)
                if kind is not Kind.FILE and skipped is not None:
                    why = f"{kind.value}, not a regular file; left out"
                    skipped.append(f"{decodable(str(other))}: {why}")
            if not files:
                raise InputError(f"{path}: no *.txt listings or *.bib files in this directory")
        else:
            files = [path]
        for file in files:
            out.append((decodable(file.name), decode(read_file(file, limit), str(file))))
    return out


FORMATS = ("auto", "listing")
# A library's journal (readlist.journal): each line a checksum, then JSON; the first
# says which journal it is.
_JOURNAL = re.compile(r'\A[0-9a-f]{8} \{"journal":')


def detect_format(text: str, name: str = "") -> str:
    """What an input looks like: "listing", "bibtex" or "unknown"."""
    if looks_like_listing(text):
        return "listing"
    if name.lower().endswith(".bib") or looks_like_bibtex(text):
        return "bibtex"
    return "unknown"


def check_format(name: str, text: str, fmt: str = "auto") -> str:
    """What the input is read as ("listing" or "bibtex"), refusing in one line one that
    is neither (unless `fmt` forces a listing)."""
    if _JOURNAL.match(text):  # never a listing, whatever --format says
        library = name.removesuffix("-journal") if name.endswith("-journal") else "LIBRARY"
        raise InputError(
            f"{name}: a readlist library's journal, not a listing or BibTeX; to bring "
            f"its papers over, import a backup made with: readlist --db {library} backup FILE"
        )
    if fmt == "listing":
        return "listing"
    kind = detect_format(text, name)
    if kind == "unknown":
        raise InputError(
            f"not a Daily Papers listing: {name} (no header, no paper metadata); "
            "--format listing imports it anyway"
        )
    return kind
