"""What `list` and `search` print of a view's rows (readlist.view): a line per paper,
or JSON in pieces, each made from the index where it can be and from the document
where it must, so the output is the same either way."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

from readlist import derive
from readlist.text import escape_json_controls

if TYPE_CHECKING:
    from readlist.view import View

Doc = dict[str, Any]
CHUNK = 1000  # papers per piece of `--json` output


def lines(view: View, rows: Iterable[int], width: int | None) -> Iterator[str]:
    """The list lines of readable rows (see `View.readable`)."""
    flags = view.column("flags")
    if width is None:
        texts = view.texts("line")
        for r in rows:
            line = texts[r] if flags[r] & derive.LINE else None
            yield line if line is not None else _line(view.ids[r], view.doc(r), None)
    elif view.base is not None:
        light = view.column("light")
        ids = view.ids
        for r in rows:
            yield derive.light_line(ids[r], light[r], width)
    else:
        for r in rows:
            yield _line(view.ids[r], view.doc(r), width)


def json_chunks(view: View, rows: list[int]) -> Iterator[bytes]:
    """`print_json([Paper.from_doc(...).to_json() for each readable row])`, in pieces:
    CHUNK objects at a time."""
    if not rows:
        yield b"[]\n"
        return
    flags = view.column("flags")
    ids = view.ids
    yield b"[\n"
    for at in range(0, len(rows), CHUNK):
        objects = []
        for r in rows[at : at + CHUNK]:
            doc = view.doc(r)
            if flags[r] & derive.CANONICAL:
                objects.append(derive.json_object(ids[r], doc))
            else:
                paper = derive.paper_of(ids[r], doc)
                assert paper is not None  # callers pass readable rows
                objects.append(paper.to_json())
        raw = orjson.dumps(objects, option=orjson.OPT_INDENT_2)[2:-2]
        last = at + CHUNK >= len(rows)
        yield escape_json_controls(raw) + (b"\n]\n" if last else b",\n")


def _line(pid: str, doc: Doc, width: int | None) -> str:
    """The list line made from the Paper: raises where it always did (a bad type)."""
    paper = derive.paper_of(pid, doc)
    assert paper is not None  # callers pass readable rows
    return derive.line_of(paper, width)
