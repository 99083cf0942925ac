"""What every command shares: the parser class, argument types, the store, output."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from readlist.errors import InputError, ReadlistError
from readlist.text import clean_line, escape_json_controls

if TYPE_CHECKING:  # the library, the config and the rest load as a command runs
    from readlist.config import Config
    from readlist.model import Paper
    from readlist.selection import Selection
    from readlist.store import Store


class UsageError(ReadlistError):
    """Wrong arguments that argparse cannot catch; exit status 2."""


Row = tuple[str, str]  # a two-column line of help: a command or syntax, what it does


class Parser(argparse.ArgumentParser):
    """Usage errors are one line and exit 2, like every other error here. A command's
    `examples` (and any other `tables`, such as search's grammar) end its --help and
    its section of the man page, from this one place."""

    def __init__(
        self,
        *args: Any,
        examples: Sequence[Row] = (),
        tables: Sequence[tuple[str, Sequence[Row]]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)
        self.tables = tuple((title, tuple(rows)) for title, rows in tables)

    def format_help(self) -> str:
        text = super().format_help()
        width = max(40, shutil.get_terminal_size().columns - 2)
        for title, rows in self.tables:
            text += "\n" + format_rows(title, rows, width)
        if self.examples:
            text += "\n" + format_examples(self.examples, width)
        return text

    def error(self, message: str) -> NoReturn:
        message = clean_line(f"{self.prog}: error: {message} (see '{self.prog} --help')")
        self.exit(2, message + "\n")


def subparsers(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    """The parser's subcommands, as argparse holds them (readlist.cli.anatomy reads
    the rest of the parser, for completion and the man page)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def fill_descriptions(parser: argparse.ArgumentParser) -> None:
    """A command registered without a description gets its summary as one, so that its
    --help and man page say what it does."""
    sub = subparsers(parser)
    if sub is None:
        return
    summaries = {a.dest: a.help or "" for a in sub._choices_actions}
    for name, command in sub.choices.items():
        summary = summaries.get(name, "")
        if not command.description and summary:
            command.description = summary[:1].upper() + summary[1:] + "."


def format_rows(title: str, rows: Sequence[Row], width: int) -> str:
    """`title:` and the rows as two aligned columns, the right one wrapped."""
    left = min(24, max(len(a) for a, _ in rows))
    lines = [f"{title}:"]
    for a, b in rows:
        wrapped = textwrap.wrap(b, max(20, width - left - 4)) or [""]
        if len(a) > left:
            lines.append(f"  {a}")
            lines += [" " * (left + 4) + w for w in wrapped]
        else:
            lines.append(f"  {a:<{left}}  {wrapped[0]}")
            lines += [" " * (left + 4) + w for w in wrapped[1:]]
    return "\n".join(lines) + "\n"


def format_examples(examples: Sequence[Row], width: int) -> str:
    """Each example's command line, and under it what it does."""
    lines = ["examples:"]
    for command, what in examples:
        lines.append(f"  {command}")
        lines += textwrap.wrap(
            what, max(20, width - 6), initial_indent=" " * 6, subsequent_indent=" " * 6
        )
    return "\n".join(lines) + "\n"


FIRST_DAY = dt.date(1991, 8, 14)  # arXiv's first paper: no listing or pull is older


def date_arg(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None
    if day < FIRST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is before arXiv began ({FIRST_DAY})")
    return day


def positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
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
    from readlist.selection import Selection

    read = True if args.read else False if args.unread else None
    return Selection(read=read, starred=True if args.starred else None, tag=args.tag)


def add_saved(p: argparse.ArgumentParser) -> None:
    """`--saved NAME`: a query named in config.toml's `[searches]`."""
    p.add_argument(
        "--saved", metavar="NAME", help="the query saved as NAME in config.toml [searches]"
    )


def saved_query(name: str, config: Config) -> str:
    """The query saved as `name` (exactly, else ignoring case); a usage error naming
    the saved searches there are when there is none by that name."""
    searches = config.searches
    if name in searches:
        return searches[name]
    folded = {n.casefold(): q for n, q in searches.items()}
    if name.casefold() in folded:
        return folded[name.casefold()]
    known = ", ".join(searches) if searches else "none; add them under [searches]"
    raise UsageError(f"no saved search {name!r} in config.toml (saved: {known})")


def load_config(args: argparse.Namespace) -> Config:
    """The user's config, read once per command (auto-export reads it again after a
    write); its warnings go to stderr, one line each, once."""
    from readlist import config, paths

    cached = getattr(args, "loaded_config", None)
    if isinstance(cached, config.Config):
        return cached
    loaded = config.load(paths.resolve(getattr(args, "db", None)).config_file)
    for warning in loaded.warnings:
        print(clean_line(f"readlist: warning: {warning}"), file=sys.stderr)
    args.loaded_config = loaded
    return loaded


def open_store(args: argparse.Namespace, *, create: bool = False, indexed: bool = False) -> Store:
    """The library. Only commands that add papers may `create` it (and say so), so a
    mistyped --db is an error instead of a new, empty library. `indexed`: opened by
    its sidecar index where that is usable (the one-shot commands that read a few
    papers, or only what the index holds)."""
    from readlist import paths
    from readlist.library import open_library

    where = paths.resolve(getattr(args, "db", None))
    return open_library(where.library, where.data_dir, create=create, indexed=indexed)


def read_stdin_text() -> str:
    """Standard input as UTF-8 text; anything else is a one-line error."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("<stdin>: not UTF-8 text") from None


def print_json(data: Any) -> None:
    """JSON on stdout with every control character escaped, so a terminal shows it."""
    import orjson

    sys.stdout.buffer.write(escape_json_controls(orjson.dumps(data, option=orjson.OPT_INDENT_2)))
    sys.stdout.buffer.write(b"\n")


def write_chunks(chunks: Iterable[bytes]) -> None:
    """Output made in pieces (`viewprint.json_chunks`), written as each is ready."""
    out = sys.stdout.buffer
    for chunk in chunks:
        out.write(chunk)


def warn_invalid(bad: dict[str, str], what: str = "left out") -> None:
    """One line on stderr for papers whose stored data is invalid: the command did the
    rest, and `readlist check` says what is wrong with each."""
    if bad:
        ids = ", ".join(list(bad)[:5]) + (", …" if len(bad) > 5 else "")
        n = len(bad)
        print(
            clean_line(
                f"readlist: warning: {n} paper{'s' * (n != 1)} with invalid data {what} "
                f"({ids}); readlist check says why"
            ),
            file=sys.stderr,
        )


def print_papers(
    papers: Sequence[Paper], out: TextIO | None = None, *, terminal: bool | None = None
) -> None:
    """One line a paper, cut to the terminal's width when the output goes to one."""
    from readlist.derive import line_of

    out = out or sys.stdout
    terminal = sys.stdout.isatty() if terminal is None else terminal
    width = shutil.get_terminal_size().columns if terminal else None
    for paper in papers:
        out.write(line_of(paper, width) + "\n")


def terminal_width() -> int | None:
    """The width to fit list lines to, or None when stdout is not a terminal."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def print_lines(lines: Iterable[str]) -> None:
    """One line each, written in large pieces."""
    write = sys.stdout.write
    batch: list[str] = []
    try:
        for line in lines:
            batch.append(line)
            if len(batch) >= 4096:
                write("\n".join(batch) + "\n")
                batch.clear()
    finally:  # also the lines before one that could not be made
        if batch:
            write("\n".join(batch) + "\n")
