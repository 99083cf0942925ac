"""`readlist export`: the selection options of `list`, written as BibTeX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from readlist.cli.common import add_selection, open_store, selection_of
from readlist.text import clean_line


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[db], help="export papers as BibTeX")
    add_selection(p)
    p.add_argument("--query", metavar="Q", help="only papers that `search Q` finds, in its order")
    p.add_argument("--ids", metavar="ID,…", help="only these papers (ids or unique prefixes)")
    p.add_argument("--style", choices=("bibtex", "biblatex"), default="bibtex")
    p.add_argument("--unicode", action="store_true", help="keep UTF-8 instead of LaTeX escapes")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="replace FILE atomically (default: stdout)"
    )
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from readlist.bibtex import Options
    from readlist.exporting import check_output, choose, export_ids, write_bib

    ids_arg = [i for i in (args.ids or "").split(",") if i.strip()]
    with open_store(args) as store:
        if args.output:  # before keys are stored: a refused export changes nothing
            check_output(Path(args.output), store)
        ids = choose(store, selection_of(args), ids_arg, args.query)
        text, count = export_ids(store, ids, Options(style=args.style, unicode=args.unicode))
    if args.output:
        write_bib(Path(args.output), text, store)
        where = args.output
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
        where = "stdout"
    done = f"exported {count} entr{'ies' if count != 1 else 'y'} to {where}"
    print(clean_line(done), file=sys.stderr)
    return 0
