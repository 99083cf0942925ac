"""The `readlist` command line: one module per command group, each with `register`.

Command modules import only what parsing needs; each command imports its heavy
dependencies when it runs. Textual is imported only to open the TUI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from readlist import __version__
from readlist.cli import backup, edit, export, importing, network, papers
from readlist.cli.common import Parser, UsageError
from readlist.errors import ReadlistError

GROUPS = (importing, papers, edit, export, network, backup)


def build_parser() -> argparse.ArgumentParser:
    db = Parser(add_help=False)
    db.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS, help="library file to use")
    parser = Parser(
        prog="readlist",
        description="A keyboard-driven reading list for research papers. "
        "With no command, opens the TUI.",
        parents=[db],
    )
    parser.add_argument("--version", action="version", version=f"readlist {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(sub, db)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from readlist.tui.launch import launch

        return launch(getattr(args, "db", None))
    code: int = args.func(args)
    return code


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


__all__ = ["build_parser", "main", "run"]
