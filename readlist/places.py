"""Where a paper stands in library order, and putting it back there.

Library order is the order of the papers table: the order papers were added in, which
every view keeps among papers that sort the same (one listing's papers were added
together). A paper set again under a new id goes last, as in a dict; a paper put back
(an undone delete) goes where it stood: right after the paper that stood before it
when it was removed, its *anchor* (None: first). A journal line says so under `"at"`
(readlist.journal), so every process, and every later load, orders the papers alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

Anchors = dict[str, str | None]  # paper id -> the id that stood right before it (None: first)


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
    paper not there, or whose anchor is not there, stays where it is."""
    from readlist.lazydocs import LazyDocs

    wanted = {
        pid: anchor
        for pid, anchor in moves.items()
        if pid != anchor and pid in docs and (anchor is None or anchor in docs)
    }
    if not wanted:
        return
    if isinstance(docs, LazyDocs):
        for pid, anchor in wanted.items():
            docs.place(pid, anchor)
    elif isinstance(docs, dict):
        _place(docs, wanted)
    else:  # pragma: no cover - the two mappings a storage holds
        raise TypeError(f"cannot order a {type(docs).__name__}")


def _place(docs: dict[str, Any], moves: Mapping[str, str | None]) -> None:
    """All the moves on a linked list of the ids, then the dict rebuilt once: putting
    back many papers costs one pass over the library, not one per paper."""
    head = ""  # before the first paper ("" is never an id)
    ids = [head, *docs]
    after: dict[str, str | None] = dict(zip(ids, [*ids[1:], None], strict=True))
    before: dict[str, str] = dict(zip(ids[1:], ids, strict=False))
    for pid, anchor in moves.items():
        prev, nxt = before[pid], after[pid]  # unlink it
        after[prev] = nxt
        if nxt is not None:
            before[nxt] = prev
        at = head if anchor is None else anchor  # link it right after its anchor
        nxt = after[at]
        after[at], before[pid], after[pid] = pid, at, nxt
        if nxt is not None:
            before[nxt] = pid
    items = []
    here = after[head]
    while here is not None:
        items.append((here, docs[here]))
        here = after[here]
    docs.clear()
    docs.update(items)
