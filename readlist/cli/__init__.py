"""The `readlist` command line: one module per command group, each with `register`.

Command modules import only what parsing needs; each command imports its heavy
dependencies when it runs. Textual is imported only to open the TUI. A command that
changes papers sets `writes=True` (set_defaults); when it returns, the
`[[export.auto]]` files are brought up to date (also after a non-zero status).

Garbage collection: a one-shot command builds many objects once and exits, and none
of them is cyclic, so the cyclic collector only costs time (half of `list --json`
at 100k papers). It is off for those commands; the TUI, `export --watch` and the
network commands (which may run for long) keep it. Run as the process's entry point
(`main()` without arguments), a one-shot command then ends the process with
`os._exit` once its output is flushed: everything that must reach the disk is
fsynced and every lock released before a command returns, so what is skipped is
only freeing the objects one by one (a second at 100k papers).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence

from readlist import __version__
from readlist.cli import (
    backup,
    completion,
    edit,
    export,
    imports,
    manage,
    network,
    papers,
    pdf,
    published,
)
from readlist.cli.common import Parser, UsageError, fill_descriptions, load_config
from readlist.clock import Clock
from readlist.errors import ReadlistError
from readlist.text import clean_line, decodable

GROUPS = (imports, papers, edit, manage, export, network, published, pdf, backup, completion)


def build_parser() -> argparse.ArgumentParser:
    db = Parser(add_help=False)
    db.add_argument(
        "--db", metavar="FILE", type=_db_path, default=argparse.SUPPRESS, help="library file to use"
    )
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
    fill_descriptions(parser)
    parser.set_defaults(root_parser=parser)  # for `completion` and `man`, generated from it
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if not getattr(args, "dashed_words", False) or "--" in extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.query += extra  # `search video -gan`: an exclusion, not an option
    _check_text_args(args)
    args.clock = Clock.from_env(os.environ)  # the process's one clock
    if args.command is None:
        from readlist.tui.launch import launch

        return launch(getattr(args, "db", None), args.clock)
    if args.command not in _WITHOUT_CONFIG:
        # Up front: a broken config.toml refuses the command before it does anything,
        # never after a write (its auto-exports read it).
        load_config(args)
    if one_shot(args):
        gc.disable()
    code: int = args.func(args)
    # Even a non-zero status may follow partial writes (a resolve with failures).
    if getattr(args, "writes", False) and not getattr(args, "dry_run", False):
        export.run_auto_exports(args)
    return code


# Commands that print what the parser holds, reading neither config nor library (a
# shell asks `_complete` at every tab: it reads the config only for saved searches).
_WITHOUT_CONFIG = frozenset({"completion", "man", "_complete"})

# Commands that may run for long keep the cyclic garbage collector: those that talk
# to the network (every request leaves some cyclic garbage) and `export --watch`.
_LONG_RUNNING = frozenset({"resolve", "pull", "add"})


def one_shot(args: argparse.Namespace) -> bool:
    """A command that runs once over the library and exits (see the module docstring)."""
    if args.command is None or args.command in _LONG_RUNNING:
        return False
    return not (getattr(args, "watch", False) or getattr(args, "resolve", False))


# Arguments that name files may hold any bytes the file system allows; the rest is text.
_PATH_ARGS = frozenset({"db", "paths", "output", "file"})


def _check_text_args(args: argparse.Namespace) -> None:
    """Refuse undecodable bytes (surrogateescape'd argv) in text arguments up front,
    instead of failing deep inside when they are stored or compared."""
    for name, value in vars(args).items():
        if name in _PATH_ARGS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and decodable(item) != item:
                raise UsageError(f"argument is not valid UTF-8: {decodable(item)!r}")


def say(message: str) -> None:
    """One line on stderr: controls made harmless, undecodable bytes shown escaped."""
    print(clean_line(message), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: every failure is one line on stderr and a non-zero status.

    Without `argv` this is the process's entry point (the `readlist` script, `python
    -m readlist`): a one-shot command then ends the process itself (`_finish`)."""
    code = _main(argv)
    if argv is None and not gc.isenabled():  # only one-shot commands turn it off
        _finish(code)
    return code


def _finish(code: int) -> None:
    """Flush the output and end the process without freeing every object first.

    Called only after the command returned: its writes are fsynced, its locks
    released and its temp files gone (each is done before the code that made it
    returns), so nothing is left that exiting normally would still do."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (`| head`): as in _main
        pass
    except OSError as exc:  # a full disk under a redirected stdout, say
        say(f"readlist: error: {exc.strerror or exc}")
        code = code or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    try:
        return run(argv)
    except UsageError as exc:
        say(f"readlist: error: {exc}")
        return 2
    except ReadlistError as exc:
        say(f"readlist: error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        say(f"readlist: error: {exc.strerror or exc}{where}")
        return 1
    except Exception as exc:
        if os.environ.get("READLIST_DEBUG"):
            raise
        say(f"readlist: internal error: {type(exc).__name__}: {exc}")
        return 1


__all__ = ["build_parser", "main", "run"]


def _db_path(text: str) -> str:
    """An empty --db (an unset "$VAR") is a mistake, never the default library."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    return text
