"""Open the library a command or the TUI works on, creating it only when asked.

In the core, not in the CLI, because both front ends open a library the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from readlist.errors import LibraryError
from readlist.store import Store
from readlist.text import clean_line


def open_library(library: Path, data_dir: Path, *, create: bool, indexed: bool = False) -> Store:
    """Open `library`; with `create`, make it (and, only for the default data
    directory, its folder), announcing it on stderr. `indexed`: see `Store`."""
    existed = os.path.lexists(library)
    if not existed and not os.path.lexists(library.with_name(library.name + "-journal")):
        if not create:
            raise LibraryError(f"no library at {library}; import something first")
        if not library.parent.is_dir():
            if library.parent != data_dir:
                raise LibraryError(f"no library at {library}, and no directory {library.parent}")
            library.parent.mkdir(parents=True, exist_ok=True)
    store = Store(library, create=create, indexed=indexed)  # refuses a lone journal with data
    if not existed and library.exists():
        print(clean_line(f"readlist: created a new library at {library}"), file=sys.stderr)
    return store
