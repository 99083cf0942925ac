"""Compaction in a process of its own: `python -m readlist.compaction LIBRARY`.

Folding a large journal into the snapshot reads, writes and indexes the whole
library: 18 s at 100k papers. A one-shot command pays that on its way out, but the
TUI must quit at once, so it hands the work to this detached process
(`Store.close_later`) and exits.

Safe against everything else that touches the library, because it is an ordinary
writer: it parses the library before taking the lock (readers never need it), then
holds the writers' lock only to catch up with the journal's tail and compact, as
`Store.compact` does. Another compaction that got there first leaves nothing to do
(checked before the reload, under the lock); a writer meanwhile waits for the lock
as for any writer (`Store`'s lock timeout); a kill -9 at any point leaves the old
snapshot and journal, or the new ones (every file is replaced whole), and temp
files the next writer sweeps. Any failure is silent: the next close compacts.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from readlist.errors import LibraryError, LockedError
from readlist.libfiles import ident
from readlist.store import Store

LOCK_WAIT = 60.0  # a writer holding the lock longer than this: leave it to the next close


def compact_if_due(path: Path, *, lock_wait: float = LOCK_WAIT) -> bool:
    """Compact the library at `path` if it still needs it; True if this call did."""
    seen = ident(path)  # another compaction that replaces the snapshot after this: skip
    peek = Store(path, create=False, indexed=True)  # cheap: the index, and the journal
    unindexed = not peek.by_index
    if not (unindexed or peek.compaction_due()):
        return False
    store = Store(path, create=False, lock_timeout=lock_wait)  # parsed outside the lock
    return store.compact_if_due(unindexed=unindexed, seen=seen)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m readlist.compaction LIBRARY", file=sys.stderr)
        return 2
    with contextlib.suppress(LibraryError, LockedError, OSError):
        compact_if_due(Path(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
