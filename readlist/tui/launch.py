"""Open the TUI on a library: what `readlist` with no command does."""

from __future__ import annotations

import gc

from readlist import config as config_mod
from readlist import paths
from readlist.cli.common import open_library
from readlist.clock import Clock


def launch(db: str | None, clock: Clock) -> int:
    where = paths.resolve(db)
    cfg = config_mod.load(where.config_file)
    # The first start on the default library creates it; a --db FILE must exist.
    store = open_library(where.library, where.data_dir, create=db is None, indexed=True)
    # Everything loaded so far lives as long as the app: keep the GC from rescanning it.
    gc.freeze()
    from readlist.tui.app import create_app

    with store:
        app = create_app(store, cfg, cache_dir=where.cache_dir, clock=clock)
        app.run()
    # A crash inside the app has been shown by Textual; the status must say so too.
    return app.return_code or 0
