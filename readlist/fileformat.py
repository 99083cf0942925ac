"""The bytes on disk: the snapshot's one-document-per-line JSON and journal lines.

Pure functions over bytes and files; store.py decides when to read and write them.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, Protocol

import orjson

META = "_readlist"
Data = dict[str, dict[str, dict[str, Any]]]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many long-lived objects.

    Parsing creates hundreds of thousands of dicts and lists, none of them cyclic;
    the collector would rescan them over and over, doubling the load time. Before it
    is enabled again, what exists is frozen (moved out of the collector's reach), so
    the next collection does not rescan them either: they are freed by reference
    counting as usual, and being acyclic they need nothing else.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


class Truncated(Exception):
    """The snapshot is cut short or malformed."""


class Layout(Protocol):
    def add(self, pid: str, offset: int, body: bytes) -> None: ...

    def table(self, name: str, offset: int, length: int, crc: int) -> None: ...


def write_lines(meta: object, data: Data, layout: Layout | None = None) -> Iterator[bytes]:
    """The snapshot as valid TinyDB JSON, one document per line, so it can be streamed.
    `layout` is told where each paper's document starts (its byte offset) and what it is,
    and where each other table's JSON object lies (offset, length, CRC-32)."""
    at = 0
    head = b'{"%s":%s,\n' % (META.encode(), orjson.dumps(meta))
    yield head
    at += len(head)
    tables = list(data.items())
    for t, (name, docs) in enumerate(tables):
        head = orjson.dumps(name) + b":{\n"
        yield head
        at += len(head)
        last = len(docs) - 1
        note = layout is not None and name == "papers"
        start, crc = at - 2, zlib.crc32(b"{\n")  # the table's object starts at its `{`
        for n, (doc_id, doc) in enumerate(docs.items()):
            key, body = orjson.dumps(doc_id), orjson.dumps(doc)
            line = b"%s:%s%s\n" % (key, body, b"," * (n < last))
            if note:
                assert layout is not None
                layout.add(doc_id, at + len(key) + 1, body)
            elif layout is not None:
                crc = zlib.crc32(line, crc)
            yield line
            at += len(line)
        if layout is not None:  # the papers' own CRC is not needed: each paper has one
            layout.table(name, start, at + 1 - start, 0 if note else zlib.crc32(b"}", crc))
        yield b"},\n" if t < len(tables) - 1 else b"}\n"
        at += 3 if t < len(tables) - 1 else 2
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
            split = line[:64].tobytes().find(b'":') + 1
            if not split:
                raise Truncated("bad document line")
            end = len(line) - 1 if line[-1] == _COMMA else len(line)
            table[orjson.loads(line[:split])] = orjson.loads(line[split + 1 : end])
    if not closed:
        raise Truncated("unexpected end of file")
    return data


def parse_snapshot(fh: BinaryIO) -> tuple[Data, int, int]:
    """(tables without the meta table, schema, generation) of a snapshot in our layout
    or any other TinyDB JSON layout, its shape checked throughout."""
    data = read_lines(fh)
    if data is None:  # not our one-document-per-line layout: parse it whole
        fh.seek(0)
        raw = fh.read()
        if not raw.strip():
            raise Malformed("library file is empty")
        data = orjson.loads(raw)
    schema, generation = check_meta(data)
    del data[META]
    data.setdefault("papers", {})
    return data, schema, generation


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


class Malformed(ValueError):
    """Valid JSON in the wrong shape; the message says what is wrong, for one line."""


def _count(value: object, what: str, minimum: int) -> int:
    if type(value) is not int or value < minimum:
        raise Malformed(f"{what} must be an integer ≥ {minimum}, not {_show(value)}")
    return value


def _show(value: object) -> str:
    text = orjson.dumps(value).decode() if value is not None else "missing"
    return text if len(text) <= 40 else text[:39] + "…"


def check_meta(data: object) -> tuple[int, int]:
    """(schema, generation) of a parsed snapshot, whose shape is checked throughout."""
    if not isinstance(data, dict) or not isinstance(data.get(META), dict):
        raise Malformed("not a readlist library (no schema version)")
    doc = data[META].get("1")
    if not isinstance(doc, dict) or "schema" not in doc:
        raise Malformed("not a readlist library (no schema version)")
    schema = _count(doc["schema"], "library schema", 1)
    generation = _count(doc.get("generation", 0), "library generation", 0)
    for name, table in data.items():
        if not isinstance(table, dict):
            raise Malformed(f"table {_show(name)} is not an object")
        if name != META:
            check_docs(name, table)
    return schema, generation


def check_docs(table: str, docs: dict[str, Any]) -> None:
    """Every paper is an object with a string title; other tables hold objects."""
    if table == "papers":
        for doc_id, doc in docs.items():
            if type(doc) is not dict or type(doc.get("title")) is not str:
                raise Malformed(f"paper {_show(doc_id)} is not an object with a title")
    elif not all(type(doc) is dict for doc in docs.values()):
        raise Malformed(f"table {_show(table)} holds a document that is not an object")


def check_header(header: object) -> int:
    """The generation a journal's header line names."""
    if not isinstance(header, dict) or header.get("journal") != 1:
        raise Malformed("journal header is not a readlist journal header")
    return _count(header.get("generation"), "journal generation", 0)


def check_record(record: object) -> dict[str, Any]:
    """A commit line: {"set": {table: {id: doc}}, "del": {table: [id, ...]}}, and
    where it puts papers back in their places, "at": {table: {id: anchor id or null}}
    (readlist.places)."""
    if not isinstance(record, dict) or not set(record) <= {"set", "del", "at"}:
        raise Malformed("journal record is not a readlist commit")
    at = record.get("at", {})
    if not isinstance(at, dict) or not all(
        isinstance(moves, dict)
        and all(type(i) is str and (a is None or type(a) is str) for i, a in moves.items())
        for moves in at.values()
    ):
        raise Malformed("journal record puts papers in places with bad ids")
    sets, dels = record.get("set", {}), record.get("del", {})
    if not isinstance(sets, dict) or not isinstance(dels, dict):
        raise Malformed("journal record is not a readlist commit")
    for table, docs in sets.items():
        if not isinstance(docs, dict):
            raise Malformed(f"journal record sets table {_show(table)} to a non-object")
        check_docs(table, docs)
    for table, ids in dels.items():
        if not isinstance(ids, list) or not all(type(i) is str for i in ids):
            raise Malformed(f"journal record deletes from {_show(table)} with bad ids")
    return record
