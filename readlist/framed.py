"""The verified frame shared by readlist's derived binary files (the sidecar index,
readlist/sidecar.py, and the render packs, readlist/rendercache.py): a first line and
a magic that name the kind and version, the header's length and CRC-32, the header
(JSON), then the body from the next multiple of 8.

Reading one is opening it safely (a regular file with data that no other user could
have written), mapping it, and checking the frame; any failure is the caller's own
`Unusable`, never an error, since such a file is only ever a cache.
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import orjson

from readlist.fspaths import Kind, classify
from readlist.libfiles import unsafe_reason

PREAMBLE = struct.Struct("<QI")  # header length, header CRC-32


def read_frame(
    path: Path,
    lead: bytes,
    what: str,
    unusable: type[Exception],
    flags: int = 0,
    *,
    whole: bool = False,
) -> tuple[mmap.mmap, memoryview, dict[str, Any], int]:
    """The map of `path`, a view of it, its header (a JSON object) and where its body
    starts; `lead` is the first line and magic it must begin with, `what` names the kind
    in the reason, `flags` adds to os.open's. `whole`: the caller reads all of it (a
    render pack's CRC), so the map is filled in one go, not a page fault at a time."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | flags)
    except OSError as exc:
        raise unusable(f"cannot open: {exc}") from None
    try:
        st = os.fstat(fd)
        if classify(st.st_mode) is not Kind.FILE or st.st_size == 0:
            raise unusable("not a regular file with data")
        if (why := unsafe_reason(st)) is not None:
            raise unusable(why)  # another user could make it say anything
        if whole and hasattr(mmap, "MAP_POPULATE"):  # Linux
            populate = mmap.MAP_SHARED | mmap.MAP_POPULATE
            mapped = mmap.mmap(fd, 0, flags=populate, prot=mmap.PROT_READ)
        else:
            mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)
    view = memoryview(mapped)
    start = len(lead)
    if view[:start] != lead or len(view) < start + PREAMBLE.size:
        raise unusable(f"not {what} of this version")
    length, crc = PREAMBLE.unpack_from(view, start)
    start += PREAMBLE.size
    header = view[start : start + length]
    if len(header) != length or zlib.crc32(header) != crc:
        raise unusable("header is torn or corrupt")
    try:
        meta = orjson.loads(header)
    except orjson.JSONDecodeError as exc:
        raise unusable(f"header is malformed: {exc}") from None
    if not isinstance(meta, dict):
        raise unusable("header is malformed")
    return mapped, view, meta, start + length + (-(start + length) % 8)
