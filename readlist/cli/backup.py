"""`readlist backup FILE`: the whole library in one self-contained file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup",
        parents=[db],
        help="write the whole library to one file (restore with: readlist import FILE)",
        description="Write the whole library to one self-contained file, replacing an "
        "older backup atomically.",
        examples=[
            ("readlist backup ~/backups/readlist.json", "back up the library"),
            ("readlist --db work.json backup work-backup.json", "back up another library"),
            ("readlist import ~/backups/readlist.json", "restore it"),
        ],
    )
    p.add_argument("file", metavar="FILE", help="the backup file (replaced atomically)")
    p.set_defaults(func=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from readlist.cli.common import open_store
    from readlist.exporting import check_output
    from readlist.text import clean_line

    with open_store(args) as store:
        # the rules of export -o, except that an older backup may be replaced
        check_output(Path(args.file), store, backup_ok=True)
        count = store.backup(args.file)
    print(clean_line(f"backed up {count} paper{'s' * (count != 1)} to {args.file}"))
    return 0
