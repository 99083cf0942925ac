"""Changing papers: `mark`, `note` (also in $EDITOR), `tag`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from readlist.cli.common import UsageError, open_store, read_stdin_text
from readlist.text import clean, clean_line

if TYPE_CHECKING:
    from readlist.store import Store


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "mark",
        parents=[db],
        help="mark papers read, unread, starred",
        description="Mark papers read or unread, starred or not; both at once are one change.",
        examples=[
            ("readlist mark 3f2a9c1 --read", "mark one paper read"),
            ("readlist mark 3f2a 9b1c --read --unstar", "two papers, read and unstarred"),
        ],
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="the papers (ids or unique prefixes)")
    read = p.add_mutually_exclusive_group()
    read.add_argument(
        "--read", dest="read", action="store_const", const=True, help="mark them read"
    )
    read.add_argument(
        "--unread", dest="read", action="store_const", const=False, help="mark them unread"
    )
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="star", action="store_const", const=True, help="star them")
    star.add_argument(
        "--unstar", dest="star", action="store_const", const=False, help="unstar them"
    )
    p.set_defaults(func=cmd_mark, mark_parser=p, writes=True)

    p = sub.add_parser(
        "note",
        parents=[db],
        help="set or print a paper's note",
        description="Set a paper's note (replacing it), or print it.",
        examples=[
            ("readlist note 3f2a9c1 'section 4 has the proof'", "set the note"),
            ("readlist note 3f2a9c1 - < notes.md", "set it from stdin"),
            ("readlist note 3f2a9c1", "print it"),
            ("readlist note 3f2a9c1 --edit", "edit it as Markdown in $VISUAL or $EDITOR"),
        ],
    )
    p.add_argument("id", metavar="ID", help="the paper (an id or a unique prefix)")
    p.add_argument("text", nargs="?", metavar="TEXT|-", help="new note; - reads stdin")
    p.add_argument(
        "--edit", action="store_true", help="edit the note as Markdown in $VISUAL or $EDITOR"
    )
    p.set_defaults(func=cmd_note, writes=True)

    p = sub.add_parser(
        "tag",
        parents=[db],
        help="add or remove tags: tag ID… +name -name",
        usage="readlist tag ID… +name -name",
        description="Add (+name) and remove (-name) tags on papers, in one change.",
        examples=[
            ("readlist tag 3f2a9c1 +llm +to-cite", "add two tags"),
            ("readlist tag 3f2a 9b1c -draft +thesis", "on two papers, remove one and add one"),
        ],
    )
    p.add_argument(
        "items",
        nargs=argparse.REMAINDER,
        metavar="ID… +name -name",
        help="papers (ids or unique prefixes), then +tag to add and -tag to remove",
    )
    p.set_defaults(func=cmd_tag, tag_parser=p, writes=True)


def cmd_mark(args: argparse.Namespace) -> int:
    """--read/--unread and --star/--unstar combine into one change, one commit."""
    from readlist import actions

    if args.read is None and args.star is None:
        args.mark_parser.error("mark needs --read, --unread, --star or --unstar")
    with open_store(args) as store:
        ids = [store.resolve(i) for i in args.ids]
        with store.transaction():
            if args.read is not None:
                actions.set_read(store, ids, args.read, now=args.clock.now())
            if args.star is not None:
                actions.set_starred(store, ids, args.star, now=args.clock.now())
    words = [
        {True: "read", False: "unread", None: ""}[args.read],
        {True: "starred", False: "unstarred", None: ""}[args.star],
    ]
    print(f"marked {len(ids)} paper{'s' * (len(ids) != 1)} {' and '.join(w for w in words if w)}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from readlist import actions

    if args.edit and args.text is not None:
        raise UsageError("note --edit takes no TEXT: the editor opens the note")
    with open_store(args) as store:
        pid = store.resolve(args.id)
        if args.edit:
            return _edit_note(args, store, pid)
        if args.text is None:
            args.writes = False
            note = store.get(pid).notes
            if note:
                print(clean(note))
            return 0
        text = read_stdin_text() if args.text == "-" else args.text
        actions.set_note(store, [pid], clean(text).strip("\n"))
    return 0


def _edit_note(args: argparse.Namespace, store: Store, pid: str) -> int:
    from readlist import editor

    outcome = editor.edit_note(store, pid, os.environ)
    args.writes = bool(outcome.change)
    if outcome.change:
        print(clean_line(outcome.message))
    else:
        print(clean_line(f"readlist: {outcome.message}"), file=sys.stderr)
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from readlist import actions

    items: list[str] = args.items
    if items and items[0] in ("-h", "--help"):
        args.tag_parser.print_help()
        return 0
    ops = [i for i in items if len(i) > 1 and i[0] in "+-"]
    ids = [i for i in items if i not in ops]
    if not ids or not ops:
        raise UsageError("tag needs at least one ID and one +name or -name")
    add = [actions.clean_tag(o[1:]) for o in ops if o[0] == "+"]
    remove = [actions.clean_tag(o[1:]) for o in ops if o[0] == "-"]
    for op, tag in zip([o for o in ops if o[0] == "+"], add, strict=True):
        if tag != op[1:]:  # say so: the user typed something else
            print(clean_line(f"readlist: note: tag '{op[1:]}' stored as '{tag}'"), file=sys.stderr)
    with open_store(args) as store:
        resolved = [store.resolve(i) for i in ids]
        actions.change_tags(store, resolved, add, remove)
        after = [store.get(pid) for pid in resolved]
    for paper in after:
        print(clean_line(f"{paper.id}  {' '.join('#' + t for t in paper.tags) or '(no tags)'}"))
    return 0
