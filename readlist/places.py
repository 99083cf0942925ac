"""Where a paper stands in library order, and putting it back there.

Library order is the order of the papers table: the order papers were added in, which
every view keeps among papers that sort the same (one listing's papers were added
together). A paper set again under a new id goes last, as in a dict; a paper put back
(an undone delete) goes where it stood: right after the paper that stood before it
when it was removed, its *anchor* (None: first). A journal line says so under `"at"`
(readlist.journal), so every process, and every later load, orders the papers alike.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, MutableMapping
from typing import Any, Protocol, runtime_checkable

Anchors = dict[str, str | None]  # paper id -> the id that stood right before it (None: first)


@runtime_checkable
class Placing(Protocol):
    """A mapping of papers that keeps its order its own way (readlist.lazydocs)."""

    def place_all(self, moves: Mapping[str, str | None]) -> None: ...


def anchors(docs: Iterable[str], ids: Iterable[str]) -> Anchors:
    """The anchor of each of `ids` in the order `docs` iterates (one pass), in that
    order: putting them back in turn puts each where it stood."""
    wanted = set(ids)
    out: Anchors = {}
    before: str | None = None
    for pid in docs:
        if pid in wanted:
            out[pid] = before
        before = pid
    return out


def place(docs: MutableMapping[str, Any], moves: Mapping[str, str | None]) -> None:
    """Move each paper of `moves`, in turn, right after its anchor (None: first). A
    paper not there, or whose anchor is not there (then), stays where it is."""
    if isinstance(docs, Placing):  # the index's LazyDocs places in its own terms
        docs.place_all(moves)
    elif isinstance(docs, dict):
        if len(moves) == 1:
            [(pid, anchor)] = moves.items()
            if can_move(docs, pid, anchor):
                _place(docs, pid, anchor)
            return
        order = reordered(list(docs), moves)  # one pass, however many move
        items = {pid: docs[pid] for pid in order}
        docs.clear()
        docs.update(items)
    else:  # pragma: no cover - the two mappings a storage holds
        raise TypeError(f"cannot order a {type(docs).__name__}")


def can_move(docs: Container[str], pid: str, anchor: str | None) -> bool:
    """Whether `place` moves `pid`: it is here, and so is its anchor."""
    return pid != anchor and pid in docs and (anchor is None or anchor in docs)


def reordered(ids: list[str], moves: Mapping[str, str | None]) -> list[str]:
    """`ids` with `moves` made in turn, as `place` makes them: on a linked list, so
    that many moves cost one pass over the papers, not one each."""
    after: dict[str | None, str | None] = {}  # None: the head
    before: dict[str, str | None] = {}
    prev: str | None = None
    for pid in ids:
        after[prev], before[pid] = pid, prev
        prev = pid
    after[prev] = None
    for pid, anchor in moves.items():
        if not can_move(before, pid, anchor):
            continue
        p, n = before[pid], after[pid]  # unlink
        after[p] = n
        if n is not None:
            before[n] = p
        n = after[anchor]  # link in after the anchor
        after[anchor], before[pid], after[pid] = pid, anchor, n
        if n is not None:
            before[n] = pid
    out: list[str] = []
    at = after[None]
    while at is not None:
        out.append(at)
        at = after[at]
    return out


def _place(docs: dict[str, Any], pid: str, anchor: str | None) -> None:
    doc = docs.pop(pid)
    at = 0 if anchor is None else list(docs).index(anchor) + 1
    if at == len(docs):
        docs[pid] = doc
        return
    items = list(docs.items())
    docs.clear()
    docs.update(items[:at])
    docs[pid] = doc
    docs.update(items[at:])
