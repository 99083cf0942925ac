"""The bytes on disk: the snapshot's one-document-per-line JSON and journal lines.

Pure functions over bytes and files; store.py decides when to read and write them.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

META = "_readlist"
Data = dict[str, dict[str, dict[str, Any]]]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many long-lived objects.

    Parsing creates hundreds of thousands of dicts and lists, none of them cyclic;
    the collector would rescan them over and over, doubling the load time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Truncated(Exception):
    """The snapshot is cut short or malformed."""


def write_lines(meta: object, data: Data) -> Iterator[bytes]:
    """The snapshot as valid TinyDB JSON, one document per line, so it can be streamed."""
    yield b'{"%s":%s,\n' % (META.encode(), orjson.dumps(meta))
    tables = list(data.items())
    for t, (name, docs) in enumerate(tables):
        yield orjson.dumps(name) + b":{\n"
        last = len(docs) - 1
        for n, (doc_id, doc) in enumerate(docs.items()):
            yield b"%s:%s%s\n" % (orjson.dumps(doc_id), orjson.dumps(doc), b"," * (n < last))
        yield b"},\n" if t < len(tables) - 1 else b"}\n"
    yield b"}\n"


_CLOSE, _COMMA = ord("}"), ord(",")


def read_lines(fh: BinaryIO) -> dict[str, Any] | None:
    """Parse `write_lines` output one line at a time; None if the layout differs.

    Parsing line by line keeps peak memory near the size of the parsed data, where a
    whole-file parse would also hold the raw bytes and the parser's own tree. Lines
    are sliced out of large chunks without copying, which is several times faster
    than reading them one by one.
    """
    first = fh.readline()
    prefix = b'{"%s":' % META.encode()
    if not (first.startswith(prefix) and first.endswith(b",\n")):
        return None
    data: dict[str, Any] = {META: orjson.loads(first[len(prefix) : -2])}
    table: dict[str, Any] | None = None
    closed = False
    for line in chunked_lines(fh):
        if closed:
            raise Truncated("data after the end")
        if table is None:
            head = line.tobytes()
            if head == b"}":
                closed = True
            elif head.endswith(b":{"):
                table = data[orjson.loads(head[:-2])] = {}
            else:
                raise Truncated("bad table line")
        elif not line or line[0] == _CLOSE:
            table = None
        else:
            split = line[:64].tobytes().index(b'":') + 1
            end = len(line) - 1 if line[-1] == _COMMA else len(line)
            table[orjson.loads(line[:split])] = orjson.loads(line[split + 1 : end])
    if not closed:
        raise Truncated("unexpected end of file")
    return data


def chunked_lines(fh: BinaryIO, size: int = 1 << 23) -> Iterator[memoryview]:
    """The lines of `fh` (without newlines) as views into large chunks."""
    rest = b""
    while True:
        chunk = fh.read(size)
        if not chunk:
            if rest:
                raise Truncated("unexpected end of file")
            return
        buf = rest + chunk if rest else chunk
        view = memoryview(buf)
        start = 0
        find = buf.find
        while True:
            end = find(b"\n", start)
            if end < 0:
                break
            yield view[start:end]
            start = end + 1
        rest = buf[start:]


def journal_line(obj: object) -> bytes:
    body = orjson.dumps(obj)
    return b"%08x %s\n" % (zlib.crc32(body), body)


def parse_journal_line(line: bytes) -> Any:
    crc, _, body = line.partition(b" ")
    if len(crc) != 8 or int(crc, 16) != zlib.crc32(body):
        raise ValueError("checksum mismatch")
    return orjson.loads(body)
