"""Owning the library: `rm`, `restore` and `edit` (a paper's fields in $EDITOR)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from readlist.cli.common import UsageError, open_store
from readlist.errors import NotFoundError
from readlist.text import clean_line

ASK_TITLES = 10  # a question names the papers when there are at most this many


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "rm",
        parents=[db],
        help="delete papers (asks first; readlist restore brings them back)",
        description="Delete papers. On a terminal it asks first, naming how many; "
        "without one it needs --yes. Deleted papers go to the trash (readlist restore), "
        "and their citation keys are never given to another paper.",
        examples=[
            ("readlist rm 3f2a9c1", "delete one paper (asks first on a terminal)"),
            ("readlist rm --yes 3f2a 9b1c", "two papers, without asking (scripts)"),
        ],
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="papers to delete (ids or prefixes)")
    p.add_argument("-y", "--yes", action="store_true", help="delete without asking")
    p.set_defaults(func=cmd_rm, writes=True)

    p = sub.add_parser(
        "restore",
        parents=[db],
        help="list the trash, or put deleted papers back as they were",
        description="With no ids, list the deleted papers, newest first: id, day deleted "
        "and title on stdout, a heading on stderr; an empty trash says so on stderr and "
        "exits 0, as a list with nothing in it. With ids, put those papers back as they "
        "were when deleted (state, note and keys); a paper that arrived again since gets "
        "its old state back.",
        examples=[
            ("readlist restore", "list the trash"),
            ("readlist restore 3f2a9c1", "put that paper back"),
        ],
    )
    p.add_argument("deleted", nargs="*", metavar="ID", help="deleted papers (none: list the trash)")
    p.set_defaults(func=cmd_restore, writes=True)

    p = sub.add_parser(
        "edit",
        parents=[db],
        help="edit a paper's fields in $VISUAL or $EDITOR",
        description="Open the paper's title, authors, date, type, venue, DOI, arXiv id, "
        "citation key, tags and URL as TOML in $VISUAL (else $EDITOR). Saving applies "
        "what you changed; an error reopens the editor with the error on top.",
        examples=[
            ("readlist edit 3f2a9c1", "edit the paper's fields in your editor"),
            ("EDITOR=nano readlist edit 3f2a", "with nano, for once (a unique prefix)"),
        ],
    )
    p.add_argument("id", metavar="ID", help="the paper (id or prefix)")
    p.set_defaults(func=cmd_edit, writes=True)


def cmd_rm(args: argparse.Namespace) -> int:
    from readlist import actions

    with open_store(args, indexed=True) as store:
        ids = list(dict.fromkeys(store.resolve(i) for i in args.ids))
        n = len(ids)
        what = f"{n} paper{'s' * (n != 1)}"
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError(f"rm: not deleting {what} without asking; add --yes")
            records = store.records()
            for pid in ids[:ASK_TITLES]:
                title = records[pid].get("title")
                _err(f"  {pid}  {title if isinstance(title, str) else ''}")
            if not _confirm(f"Delete {what}? [y/N] "):
                _err("readlist: nothing deleted")
                return 1
        actions.remove(store, ids, now=args.clock.now())
    print(f"deleted {what} (readlist restore lists them and brings them back)")
    return 0


def _confirm(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _err(line: str) -> None:
    print(clean_line(line), file=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> int:
    from readlist import actions, deleted

    with open_store(args, indexed=True) as store:  # the trash is in the index's tables
        trash = deleted.trash(store)
        again = deleted.again(store)
        if not args.deleted:
            args.writes = False
            listed = sorted({**trash, **again}.items(), key=lambda i: str(i[1].get("at", "")))
            if not listed:
                _err("readlist: the trash is empty: no deleted paper to restore")
                return 0
            n = len(listed)
            _err(
                f"readlist: {n} deleted paper{'s' * (n != 1)}, newest first (id, day deleted, "
                "title); readlist restore ID puts one back"
            )
            for pid, doc in reversed(listed):
                line = f"{pid}  {str(doc.get('at', ''))[:10]:10}  {doc['title']}"
                if pid in again:
                    line += "  (in the library again: restore brings its old state back)"
                print(clean_line(line))
            return 0
        ids = list(dict.fromkeys(_in_trash(ref, {**trash, **again}, store) for ref in args.deleted))
        change = actions.restore(store, ids)
    n, merged = len(change.created), len([pid for pid in ids if pid in again])
    if n or not merged:
        print(f"restored {n} paper{'s' * (n != 1)}")
    if merged:
        print(f"brought back the old state of {merged} paper{'s' * (merged != 1)} in the library")
    return 0


def _in_trash(ref: str, trash: dict[str, Any], store: Any) -> str:
    """A deleted paper's id from its id or a unique prefix of 4+ characters."""
    ref = ref.strip().lower()
    if not ref:
        raise NotFoundError("no deleted paper has an empty id")
    if ref in trash:
        return ref
    hits = [pid for pid in trash if len(ref) >= 4 and pid.startswith(ref)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise NotFoundError(f"id prefix {ref} is ambiguous ({len(hits)} deleted papers)")
    if ref in store:
        raise NotFoundError(f"cannot restore {ref}: it is in the library")
    if not trash:
        raise NotFoundError(f"no deleted paper with id {ref}: the trash is empty")
    raise NotFoundError(f"no deleted paper with id {ref} (readlist restore lists them)")


def cmd_edit(args: argparse.Namespace) -> int:
    from readlist import editor

    with open_store(args) as store:
        pid = store.resolve(args.id)
        outcome = editor.edit_paper(store, pid, os.environ)
    args.writes = bool(outcome.change)
    if outcome.change:
        print(clean_line(f"edited {outcome.message}"))
    else:
        _err(f"readlist: {outcome.message}")
    return 0
