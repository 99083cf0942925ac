"""`readlist backup FILE`: the whole library in one self-contained file."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[db],
        help="write the whole library to one file (restore with: readlist import FILE)",
    )
    p.add_argument("file", metavar="FILE", help="the backup file (replaced atomically)")
    p.set_defaults(func=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from readlist import paths
    from readlist.store import Store

    with Store(paths.resolve(getattr(args, "db", None)).library, create=False) as store:
        count = store.backup(args.file)
    print(f"backed up {count} paper{'s' * (count != 1)} to {args.file}")
    return 0
