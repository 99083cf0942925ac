"""`readlist export`: the selection options of `list`, written as BibTeX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from readlist.errors import ReadlistError


def add_export_parser(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    from readlist.cli import add_selection

    p = sub.add_parser("export", parents=[db], help="export papers as BibTeX")
    add_selection(p)
    p.add_argument("--query", metavar="Q", help="only papers that `search Q` finds, in its order")
    p.add_argument("--ids", metavar="ID,…", help="only these papers (ids or unique prefixes)")
    p.add_argument("--style", choices=("bibtex", "biblatex"), default="bibtex")
    p.add_argument("--unicode", action="store_true", help="keep UTF-8 instead of LaTeX escapes")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="replace FILE atomically (default: stdout)"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from readlist.atomic import atomic_write
    from readlist.bibtex import Options, export_papers
    from readlist.cli import open_store, selection_of
    from readlist.selection import select

    with open_store(args) as store:
        ids = select(store.records(), selection_of(args))
        if args.ids:
            keep = set(ids)
            wanted = dict.fromkeys(store.resolve(i) for i in args.ids.split(",") if i.strip())
            ids = [i for i in wanted if i in keep]
        if args.query:
            from readlist.search import rank

            ids = rank(store.records(), args.query, ids=ids)
        if not ids:
            raise ReadlistError("no papers match; nothing exported")
        papers = [store.get(i) for i in ids]
        text = export_papers(store, papers, Options(style=args.style, unicode=args.unicode))
    count = len({p.id for p in papers})
    if args.output:
        atomic_write(Path(args.output), text.encode("utf-8"))
        where = args.output
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
        where = "stdout"
    print(f"exported {count} entr{'ies' if count != 1 else 'y'} to {where}", file=sys.stderr)
    return 0
