"""`readlist completion SHELL` and `readlist man`, both generated from the parser; and
`readlist _complete KIND`, the fast hidden command the completion scripts ask for the
library's tags, paper ids and the config's saved searches."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from readlist.cli.common import open_store
from readlist.text import clean_line

SHELL_NAMES = ("bash", "zsh", "fish")  # each a renderer in readlist.cli.shells
DYNAMIC = ("tags", "searches", "ids", "deleted")  # the kinds `readlist _complete KIND` prints


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh, fish)",
        description="Print a script that completes readlist's commands, options, tag "
        "names, paper ids, saved searches and search queries in the shell named.",
        examples=[
            ("source <(readlist completion bash)", "bash, now (add it to ~/.bashrc to keep)"),
            ("readlist completion zsh > ~/.zfunc/_readlist", "zsh, with ~/.zfunc in $fpath"),
            (
                "readlist completion fish > ~/.config/fish/completions/readlist.fish",
                "fish, from the next prompt on",
            ),
        ],
    )
    p.add_argument("shell", choices=SHELL_NAMES, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(func=cmd_completion)

    p = sub.add_parser(
        "man",
        help="print the manual page (roff)",
        description="Print readlist's manual page in roff, generated from the same parser "
        "as --help.",
        examples=[
            ("readlist man | man -l -", "read it now"),
            ("readlist man > ~/.local/share/man/man1/readlist.1", "install it for `man readlist`"),
        ],
    )
    p.set_defaults(func=cmd_man)

    # No help=: hidden from `readlist --help` and the man page; for the scripts only.
    p = sub.add_parser(
        "_complete", parents=[db], description="Values to complete, one a line (for scripts)."
    )
    p.add_argument("kind", choices=DYNAMIC, help="what to list")
    p.set_defaults(func=cmd_complete)


def cmd_completion(args: argparse.Namespace) -> int:
    from readlist.cli.shells import RENDERERS

    sys.stdout.write(RENDERERS[args.shell](args.root_parser))
    return 0


def cmd_man(args: argparse.Namespace) -> int:
    from readlist.cli.manpage import render

    sys.stdout.write(render(args.root_parser))
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    """Quiet and fast: no config warnings, no network, no Textual."""
    for line in values(args, args.kind):
        sys.stdout.write(line + "\n")
    return 0


def values(args: argparse.Namespace, kind: str) -> list[str]:
    """The completions of `kind`; ids carry their title after a tab (zsh and fish show
    it). Control characters and tabs are made spaces: a value is one line."""
    if kind == "searches":
        from readlist import config, paths

        loaded = config.load(paths.resolve(getattr(args, "db", None)).config_file)
        # Config.searches ([searches] in config.toml) where this version has it.
        searches: dict[str, str] = getattr(loaded, "searches", {})
        return [clean_line(name) for name in searches]
    from readlist.selection import text_of, texts_of

    with open_store(args) as store:
        records = store.records()
        if kind == "deleted":
            from readlist import deleted

            return [
                clean_line(pid) + "\t" + clean_line(text_of(r, "title"))
                for pid, r in {**deleted.trash(store), **deleted.again(store)}.items()
            ]
        if kind == "ids":
            return [
                clean_line(pid) + "\t" + clean_line(text_of(r, "title"))
                for pid, r in records.items()
            ]
        tags: dict[str, str] = {}
        for record in records.values():
            for tag in texts_of(record, "tags"):
                tags.setdefault(tag.casefold(), clean_line(tag))
    return sorted(tags.values(), key=str.casefold)
