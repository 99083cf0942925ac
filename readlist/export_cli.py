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
    from readlist.selection import sort_papers

    with open_store(args) as store:
        papers = selection_of(args).apply(sort_papers(store.papers()))
        if args.ids:
            wanted = [store.resolve(i) for i in args.ids.split(",") if i.strip()]
            keep = set(wanted)
            by_id = {p.id: p for p in papers if p.id in keep}
            papers = [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]
        if args.query:
            from readlist.search import rank

            papers = rank(papers, args.query)
        if not papers:
            raise ReadlistError("no papers match; nothing exported")
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
