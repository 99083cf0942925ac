"""Reading the library: `list`, `show`, `search`, `stats`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from readlist.cli.common import (
    add_saved,
    add_selection,
    load_config,
    open_store,
    positive,
    print_json,
    print_lines,
    saved_query,
    selection_of,
    terminal_width,
    warn_invalid,
    write_chunks,
)
from readlist.grammar import GRAMMAR_HELP
from readlist.selection import SORTS

if TYPE_CHECKING:
    from readlist.view import View


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "list",
        parents=[db],
        help="list papers",
        description="List papers, one a line: id, unread (•) and starred (★) marks, date, "
        "upvotes, title and tags.",
        examples=[
            ("readlist list --unread --tag llm", "unread papers tagged llm, newest added first"),
            ("readlist list --starred --sort upvotes", "starred papers, most upvoted first"),
            ("readlist list --json | jq -r '.[].title'", "every title, through JSON"),
            ("readlist list --saved thesis --limit 10", "the first ten of a saved search"),
        ],
    )
    add_selection(p)
    add_saved(p)
    p.add_argument("--sort", choices=SORTS, default="added", help="order (default: added)")
    p.add_argument("--limit", type=positive, default=None, metavar="N", help="at most N papers")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "show",
        parents=[db],
        help="show one paper",
        description="Show one paper in full: every field, the note and the links.",
        examples=[
            ("readlist show 3f2a9c1", "the paper with that id"),
            ("readlist show 3f2a --json", "the same (a unique prefix will do), as JSON"),
        ],
    )
    p.add_argument("id", metavar="ID", help="the paper (an id or a unique prefix)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "search",
        parents=[db],
        help="fuzzy search: words, -word, tag: author: cat: year: is:",
        description="Fuzzy search over title, tags, notes and abstract, best match first; "
        "filters keep or drop papers and never rank. The grammar (the same as the TUI's / "
        "and export --query) is below.",
        tables=[("query grammar", GRAMMAR_HELP)],
        examples=[
            ("readlist search video diffusion -gan", "papers about video diffusion, without GANs"),
            ("readlist search 'tag:llm is:unread year:2024..'", "filters alone, nothing ranked"),
            ("readlist search author:lecun --limit 5 --json", "the five best, as JSON"),
        ],
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="words and filters (grammar below)")
    p.add_argument(
        "--limit", type=positive, default=None, metavar="N", help="at most N papers (default: all)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search, dashed_words=True)

    p = sub.add_parser(
        "check",
        parents=[db],
        help="list papers whose stored data is invalid (exit 1 if any)",
        description="Check every paper against the stored shape (types and ranges of each "
        "field, unique citation keys). A library edited by hand or by an older readlist "
        "may hold such papers: the other commands show them plainly and leave them out of "
        "exports.",
        examples=[
            ("readlist check", "one line per invalid paper, and a summary"),
            ("readlist check --json", "the same as [{id, problem}]"),
        ],
    )
    p.add_argument("--json", action="store_true", help="print JSON: [{id, problem}]")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "stats",
        parents=[db],
        help="library statistics",
        description="Totals, unread, read, starred, the top tags, and papers added and read "
        "per ISO week.",
        examples=[
            ("readlist stats", "as text"),
            ("readlist stats --json | jq .unread", "one number, through JSON"),
        ],
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)


def cmd_list(args: argparse.Namespace) -> int:
    query = saved_query(args.saved, load_config(args)) if args.saved is not None else None
    with open_store(args, indexed=True) as store:
        view = store.view()
        rows = view.select(selection_of(args), args.sort)
        if query is not None:  # the papers it finds, in the list's order
            found = set(view.rank(query, None, now=args.clock.now()))
            rows = [r for r in rows if r in found]
        rows, bad = view.readable(rows[: args.limit])
        if args.json or not sys.stdout.isatty():
            show(view, rows, args.json)
        else:  # a terminal: through the pager when it would scroll away
            from readlist import viewprint
            from readlist.cli import pager

            text = "".join(line + "\n" for line in viewprint.lines(view, rows, terminal_width()))
            pager.show(text, os.environ)
    warn_invalid(bad)
    return 0


def show(view: View, rows: list[int], as_json: bool) -> None:
    """Papers as `list` and `search` print them: JSON, or one line each."""
    from readlist import viewprint

    if as_json:
        write_chunks(viewprint.json_chunks(view, rows))
    else:
        print_lines(viewprint.lines(view, rows, terminal_width()))


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args, indexed=True) as store:
        paper = store.get(store.resolve(args.id))
    if args.json:
        print_json([paper.to_json()])
        return 0
    from readlist.text import describe

    print(describe(paper))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with open_store(args, indexed=True) as store:
        view = store.view()
        found = view.rank(" ".join(args.query), args.limit, now=args.clock.now())
        rows, bad = view.readable(found)
        show(view, rows, args.json)
    warn_invalid(bad)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from readlist.text import clean_line

    with open_store(args) as store:
        bad = store.problems()
        total = len(store)
    if args.json:
        print_json([{"id": pid, "problem": why} for pid, why in bad.items()])
    else:
        for pid, why in bad.items():
            print(clean_line(f"{pid}  {why}"))
    n = len(bad)
    summary = (
        f"{n} of {total} paper{'s' * (total != 1)} ha{'ve' if n != 1 else 's'} invalid data"
        if n
        else f"{total} paper{'s' * (total != 1)}, all valid"
    )
    print(summary, file=sys.stderr)
    return 1 if bad else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from readlist.stats import compute
    from readlist.text import describe_stats

    with open_store(args, indexed=True) as store:
        stats = compute(store.view().light().values())
    if args.json:
        print_json(stats.to_json())
    else:
        print(describe_stats(stats))
    return 0
