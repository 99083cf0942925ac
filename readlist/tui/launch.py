"""Open the TUI on a library: what `readlist` with no command does."""

from __future__ import annotations

import contextlib
import gc
import subprocess
from typing import TYPE_CHECKING

from readlist import config as config_mod
from readlist import paths
from readlist.clock import Clock
from readlist.errors import LibraryError
from readlist.library import open_library

if TYPE_CHECKING:
    from readlist.store import Store


def launch(db: str | None, clock: Clock) -> int:
    where = paths.resolve(db)
    cfg = config_mod.load(where.config_file)
    # The first start on the default library creates it; a --db FILE must exist.
    store = open_library(where.library, where.data_dir, create=db is None, indexed=True)
    # Everything loaded so far lives as long as the app: keep the GC from rescanning it.
    gc.freeze()
    from readlist.tui.app import create_app

    try:
        app = create_app(store, cfg, cache_dir=where.cache_dir, clock=clock)
        app.run()
    finally:
        quit_store(store)
    # A crash inside the app has been shown by Textual; the status must say so too.
    return app.return_code or 0


def quit_store(store: Store) -> subprocess.Popen[bytes] | None:
    """Quitting never waits for a compaction (18 s at 100k papers): once the journal
    has caught up with every process's writes, a detached process compacts if that is
    due (readlist.compaction). The process, if one started."""
    with contextlib.suppress(LibraryError, OSError):
        store.refresh()
    return store.close_later()
