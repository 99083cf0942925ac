"""The `readlist` command line. Never imports Textual unless it opens the TUI."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from readlist import __version__
from readlist.errors import ReadlistError
from readlist.model import Paper
from readlist.selection import SORTS, Selection, select
from readlist.store import Store


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line and exit 2, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def add_selection(p: argparse.ArgumentParser) -> None:
    """The filters shared by `list` and `export`."""
    state = p.add_mutually_exclusive_group()
    state.add_argument("--unread", action="store_true", help="only unread papers")
    state.add_argument("--read", action="store_true", help="only read papers")
    p.add_argument("--starred", action="store_true", help="only starred papers")
    p.add_argument("--tag", metavar="T", help="only papers tagged T")


def selection_of(args: argparse.Namespace) -> Selection:
    read = True if args.read else False if args.unread else None
    return Selection(read=read, starred=True if args.starred else None, tag=args.tag)


def build_parser() -> argparse.ArgumentParser:
    db = _Parser(add_help=False)
    db.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS, help="library file to use")
    parser = _Parser(
        prog="readlist",
        description="A keyboard-driven reading list for research papers. "
        "With no command, opens the TUI.",
        parents=[db],
    )
    parser.add_argument("--version", action="version", version=f"readlist {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("import", parents=[db], help="import listings (files, directories, -)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, a directory of *.txt, or -")
    p.add_argument(
        "--as-of", type=_date, metavar="DATE", help="day the listing was copied (YYYY-MM-DD)"
    )

    p = sub.add_parser("list", parents=[db], help="list papers")
    add_selection(p)
    p.add_argument("--sort", choices=SORTS, default="added", help="order (default: added)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", parents=[db], help="show one paper")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("mark", parents=[db], help="mark papers read, unread, starred")
    p.add_argument("ids", nargs="+", metavar="ID")
    how = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        how.add_argument(f"--{flag}", dest="how", action="store_const", const=flag)

    p = sub.add_parser("note", parents=[db], help="set or print a paper's note")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", nargs="?", metavar="TEXT|-", help="new note; - reads stdin")

    p = sub.add_parser(
        "tag",
        parents=[db],
        help="add or remove tags: tag ID… +name -name",
        usage="readlist tag ID… +name -name",
    )
    p.add_argument("items", nargs=argparse.REMAINDER, metavar="ID… +name -name")

    p = sub.add_parser("search", parents=[db], help="fuzzy search")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--limit", type=_positive, default=None, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("stats", parents=[db], help="library statistics")
    p.add_argument("--json", action="store_true", help="print JSON")

    from readlist.export_cli import add_export_parser

    add_export_parser(sub, db)
    return parser


def open_store(args: argparse.Namespace) -> Store:
    from readlist import paths

    return Store(paths.resolve(getattr(args, "db", None)).library)


def print_json(data: Any) -> None:
    import orjson

    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def line_for(paper: Paper, width: int | None) -> str:
    mark = " " if paper.read else "•"
    star = "★" if paper.starred else " "
    tags = ("  #" + " #".join(paper.tags)) if paper.tags else ""
    head = f"{paper.id}  {mark}{star} {paper.date or '':10} {paper.upvotes:>4}  "
    title = paper.title
    if width is not None:
        room = max(10, width - len(head) - len(tags))
        if len(title) > room:
            title = title[: room - 1] + "…"
    return head + title + tags


def print_papers(papers: Sequence[Paper]) -> None:
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for paper in papers:
        sys.stdout.write(line_for(paper, width) + "\n")


def cmd_import(args: argparse.Namespace) -> int:
    from readlist.importing import import_texts, read_inputs

    stdin = sys.stdin.buffer.read() if "-" in args.paths else None
    texts = read_inputs(args.paths, stdin)
    store = open_store(args)
    with store:
        reports = import_texts(store, texts, args.as_of or dt.date.today())
    for report in reports:
        print(report.summary())
        for reason in report.skipped:
            print(f"  skipped {reason}")
    print(f"library: {len(store)} papers in {store.path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        papers = [store.get(i) for i in select(store.records(), selection_of(args), args.sort)]
    if args.json:
        print_json([p.to_json() for p in papers])
    else:
        print_papers(papers)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        paper = store.get(store.resolve(args.id))
    if args.json:
        print_json([paper.to_json()])
        return 0
    from readlist.text import describe

    print(describe(paper))
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from readlist import actions

    with open_store(args) as store:
        ids = [store.resolve(i) for i in args.ids]
        if args.how in ("read", "unread"):
            actions.set_read(store, ids, args.how == "read")
        else:
            actions.set_starred(store, ids, args.how == "star")
    word = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}
    print(f"marked {len(ids)} paper{'s' * (len(ids) != 1)} {word[args.how]}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from readlist import actions

    with open_store(args) as store:
        pid = store.resolve(args.id)
        if args.text is None:
            note = store.get(pid).notes
            if note:
                print(note)
            return 0
        text = sys.stdin.read() if args.text == "-" else args.text
        actions.set_note(store, [pid], text.strip("\n"))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from readlist import actions

    items: list[str] = args.items
    if items and items[0] in ("-h", "--help"):
        build_parser().parse_args(["tag", "--help"])
    ops = [i for i in items if len(i) > 1 and i[0] in "+-"]
    ids = [i for i in items if i not in ops]
    if not ids or not ops:
        raise UsageError("tag needs at least one ID and one +name or -name")
    add = [actions.clean_tag(o[1:]) for o in ops if o[0] == "+"]
    remove = [actions.clean_tag(o[1:]) for o in ops if o[0] == "-"]
    with open_store(args) as store:
        resolved = [store.resolve(i) for i in ids]
        _, after = actions.change_tags(store, resolved, add, remove)
    for paper in after:
        print(f"{paper.id}  {' '.join('#' + t for t in paper.tags) or '(no tags)'}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from readlist.search import rank

    with open_store(args) as store:
        papers = [store.get(i) for i in rank(store.records(), " ".join(args.query), args.limit)]
    if args.json:
        print_json([p.to_json() for p in papers])
    else:
        print_papers(papers)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from readlist.stats import compute
    from readlist.text import describe_stats

    with open_store(args) as store:
        stats = compute(store.records().values())
    if args.json:
        print_json(stats.to_json())
    else:
        print(describe_stats(stats))
    return 0


class UsageError(ReadlistError):
    """Wrong arguments that argparse cannot catch; exit status 2."""


COMMANDS = {
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "mark": cmd_mark,
    "note": cmd_note,
    "tag": cmd_tag,
    "search": cmd_search,
    "stats": cmd_stats,
}


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from readlist.tui.launch import launch

        return launch(getattr(args, "db", None))
    if args.command == "export":
        from readlist.export_cli import cmd_export

        return cmd_export(args)
    return COMMANDS[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: every failure is one line on stderr and a non-zero status."""
    try:
        return run(argv)
    except UsageError as exc:
        print(f"readlist: error: {exc}", file=sys.stderr)
        return 2
    except ReadlistError as exc:
        print(f"readlist: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"readlist: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("READLIST_DEBUG"):
            raise
        print(f"readlist: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
