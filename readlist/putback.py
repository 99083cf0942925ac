"""Where a deleted paper goes back: the trash's count of deletes and returns.

A paper put back (an undone delete, `restore`) goes right after its anchor, the paper
that stood right before it when it was deleted (readlist.places). That alone misplaces
it where other papers came and went meanwhile: two neighbours deleted one after the
other both stood right after the same paper. So each record of the trash
(readlist.deleted) keeps the paper's history, `gone`: one `[seq, after, back]` per
deletion, counted in one sequence with the returns (`back`, null while it is gone).
From it, a paper goes past the papers right after its anchor that were gone when it
was deleted and are back since: they stood between the two.

Pure: records in, anchors out; readlist.deleted reads and writes the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from readlist.places import Anchors

Record = Mapping[str, Any]
Entry = tuple[int, str | None, int | None]  # deleted at, anchor then ("" unknown), back at
_OPEN = 1 << 62  # the "back" of a paper still gone


def history(record: Record) -> list[Entry]:
    """The paper's deletions and returns, oldest first; malformed entries left out."""
    out: list[Entry] = []
    for entry in record.get("gone", ()) if isinstance(record.get("gone"), list) else ():
        if isinstance(entry, list) and len(entry) == 3:
            seq, after, back = entry
            if type(seq) is int and (after is None or isinstance(after, str)):
                out.append((seq, after, back if type(back) is int else None))
    return out


def next_seq(recorded: Mapping[str, Record]) -> int:
    """One more than every delete and return counted so far."""
    return 1 + max(
        (n for r in recorded.values() for s, _, b in history(r) for n in (s, b or 0)), default=0
    )


def opened(record: Record, seq: int, after: str | None) -> list[list[Any]]:
    """The history with a deletion at `seq`, from right after `after` ("" unknown)."""
    return [*([s, a, b] for s, a, b in history(record)), [seq, after, None]]


def closed(record: Record, seq: int) -> list[list[Any]] | None:
    """The history with the paper back at `seq`; None when it is not gone."""
    gone = [[s, a, b] for s, a, b in history(record)]
    if not gone or gone[-1][2] is not None:
        return None
    gone[-1][2] = seq
    return gone


def last(recorded: Mapping[str, Record], pid: str) -> Entry | None:
    """The deletion the paper is gone by, when it is gone as the trash recorded it."""
    gone = history(recorded.get(pid, {}))
    return gone[-1] if gone and gone[-1][2] is None else None


def settle(
    recorded: Mapping[str, Record],
    moves: Anchors,
    here: Callable[[str], bool],
    order: Callable[[], Iterable[str]],
) -> Anchors:
    """Where to put back these papers (id -> the anchor recorded when it was deleted),
    in turn, so that each stands where it stood; `here` says which papers are in the
    library, `order` gives them in library order.

    An anchor that is gone (deleted since, or with it and not put back yet) gives way to
    where that one stood, as the trash recorded it, and so on: the nearest paper before
    it that is here. Then the paper goes past the papers that stood between (see
    `_past_earlier`). An anchor nobody recorded stays, and `Store.put` then puts the
    paper last."""
    found: dict[str, tuple[str | None, list[str]]] = {}
    for pid, anchor in moves.items():
        links = [pid]  # the paper, then each gone anchor followed
        while anchor is not None and not here(anchor) and anchor not in moves:
            after = _after(recorded, anchor)
            if anchor in links or after == "":
                break
            links.append(anchor)
            anchor = after
        found[pid] = (anchor, links)
    ordered = list(order()) if any(last(recorded, p) for p in moves) else None
    out: Anchors = {}
    for pid in _anchors_first({pid: anchor for pid, (anchor, _) in found.items()}):
        anchor, links = found[pid]
        if ordered is not None:
            if last(recorded, links[-1]) and (anchor is None or anchor in ordered):
                anchor = _past_earlier(recorded, ordered, links, anchor, out)
            ordered.insert(_index(ordered, anchor), pid)
        out[pid] = anchor
    return out


def _index(ordered: list[str], anchor: str | None) -> int:
    """Right after `anchor` (None: first); at the end when it is not there."""
    if anchor is None:
        return 0
    return ordered.index(anchor) + 1 if anchor in ordered else len(ordered)


def _after(recorded: Mapping[str, Record], pid: str) -> str | None:
    """Where a gone paper stood: its anchor ("" when not known)."""
    entry = last(recorded, pid)
    if entry is not None:
        return entry[1]
    after = recorded.get(pid, {}).get("after", "")
    return after if after is None or isinstance(after, str) else ""


def _anchors_first(moves: Anchors) -> list[str]:
    """The papers in an order where each comes after its anchor when that is one of
    them (a cycle, from a hand-edited trash: as they come)."""
    pending, out = dict(moves), []
    while pending:
        ready = [pid for pid, a in pending.items() if a not in pending or a == pid]
        out += ready or list(pending)
        pending = {pid: a for pid, a in pending.items() if pid not in out}
    return out


def _past_earlier(
    recorded: Mapping[str, Record],
    ordered: list[str],
    links: list[str],
    anchor: str | None,
    coming: Mapping[str, str | None],
) -> str | None:
    """The last of the papers right after `anchor` in `ordered` that stood before
    `links[0]`. `links` is the paper, then each gone anchor followed to `anchor`; each
    link hangs right after the next (the last after `anchor`). A paper recorded right
    after where a link hangs (through papers gone still) stood before that link if the
    link was there when it was deleted: it stood right after, the link further on.
    Papers recorded after one passed count alike. Any other stood after."""
    hangs: dict[str | None, str] = {}  # where a link hangs -> the link
    for i, pid in enumerate(links):
        hangs[anchor if i == len(links) - 1 else links[i + 1]] = pid
    at = start = _index(ordered, anchor)

    def earlier(pid: str) -> bool:  # the anchor or a paper before it (rarely asked)
        return pid in ordered and ordered.index(pid) < start

    while at < len(ordered):
        other = ordered[at]
        gone = history(recorded.get(other, {}))
        spans = gone[-1:] if other in coming else [e for e in gone if e[2] is not None]
        found = [_before(recorded, earlier, links, hangs, e) for e in reversed(spans)]
        link = next((x for x in found if x is not None), None)
        if link is None:
            break
        hangs[other] = link  # what hangs after it stood before the link too, if it was there
        anchor = other
        at += 1
    return anchor


def _before(
    recorded: Mapping[str, Record],
    earlier: Callable[[str], bool],
    links: list[str],
    hangs: Mapping[str | None, str],
    entry: Entry,
) -> str | None:
    """The link a paper back, gone by `entry`, stood before; else None. It stood right
    after where it hangs (through papers gone still): where a link hangs, or before the
    anchor (`earlier`, or the start), then before the link further on if the link was
    there when it went."""
    seq, after = entry[0], entry[1]
    seen: set[str] = set()
    while after is not None and after not in hangs and not earlier(after):
        if not after or after in seen or after == links[0]:
            return None
        seen.add(after)
        up = last(recorded, after)  # a paper it hangs after, gone still
        if up is None:
            return None
        seq, after = up[0], up[1]
    link = hangs[after] if after in hangs else links[-1]
    there = not any(s <= seq < (b or _OPEN) for s, _, b in history(recorded.get(link, {})))
    return link if there else None
