"""`readlist import`: listings into the library."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from readlist.cli.common import date_arg, load_config, open_store
from readlist.text import clean_line


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[db],
        help="import listings or BibTeX (files, directories, -)",
        description="Import Daily Papers listings, BibTeX or a backup into the library "
        "(creating it), merging papers it already holds.",
        examples=[
            ("readlist import ~/Downloads/daily-papers.txt", "import a copied listing"),
            (
                "readlist import refs.bib --resolve",
                "import BibTeX, then find the new papers on arXiv",
            ),
            (
                "xclip -o | readlist import - --as-of 2025-11-20",
                "a listing on stdin, copied that day",
            ),
        ],
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="a listing or .bib file, a directory of them, or -"
    )
    p.add_argument(
        "--as-of", type=date_arg, metavar="DATE", help="day the listing was copied (YYYY-MM-DD)"
    )
    p.add_argument("--resolve", action="store_true", help="then resolve the new papers on arXiv")
    p.add_argument(
        "--format",
        choices=("auto", "listing"),
        default="auto",
        help="auto (default) reads a listing or BibTeX and refuses anything else; "
        "listing imports any text as a listing",
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="list each paper: added, merged, known"
    )
    p.set_defaults(func=cmd_import, writes=True)


def cmd_import(args: argparse.Namespace) -> int:
    from readlist.importing import import_papers, parse_inputs
    from readlist.inputs import read_capped, read_inputs

    limit = load_config(args).max_input_bytes
    stdin = read_capped(sys.stdin.buffer, limit, "<stdin>") if "-" in args.paths else None
    skipped: list[str] = []
    texts = read_inputs(args.paths, stdin, limit, skipped)
    for why in skipped:  # before any import starts: what the directory had but was not read
        print(clean_line(f"readlist: warning: {why}"), file=sys.stderr)
    now = args.clock.now()
    batches = parse_inputs(texts, args.as_of or now.date(), args.format, now=now)
    store = open_store(args, create=True, indexed=True)
    with store:
        outcome = import_papers(store, batches)
    for report in outcome.reports:
        print(clean_line(report.summary()))
        if args.verbose:
            for line in report.details():
                print(clean_line(f"  {line}"))
        for warning in report.warnings:  # always: the library differs from the input
            print(clean_line(f"  warning: {warning}"))
    print(clean_line(f"library: {len(store)} papers in {store.path}"))
    if args.resolve and outcome.created:
        from readlist.cli.network import resolve_ids

        return resolve_ids(args, store, outcome.created)
    return 0
