"""The parser as data: its commands, their options and arguments, and what completes each.

`--help`, shell completion and the man page are all generated from the one argparse
parser through this module, so a command registered anywhere gets all three and none
can drift. argparse has no public way to list a parser's arguments, so this is the one
place that reads its attributes (`_actions`, `_choices_actions`), as every argparse
documentation tool does; with `common.subparsers` and `common.fill_descriptions`, the
part every start runs (so that a command that is not `completion` or `man` never
builds these dataclasses).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from readlist.cli.common import fill_descriptions as fill_descriptions
from readlist.cli.common import subparsers

# What completes an argument's value besides its `choices`: the library's tags, the
# config's saved searches, paper ids, files. Keyed by dest and metavar, so a new
# command's `--tag T`, `--saved NAME`, `ID` or `FILE` completes with no more code.
# ("items" is `tag ID… +name -name`: ids, and tags after a + or a -; "query" is a
# search query: its fields, tag names after tag:, states after is:.)
VALUES_BY_DEST = {
    "tag": "tags",
    "saved": "searches",
    "id": "ids",
    "ids": "ids",
    "deleted": "deleted",  # restore: the trash's ids
    "items": "tag-edits",
    "query": "query",
}
VALUES_BY_METAVAR = {"FILE": "files", "PATH": "files"}


@dataclass(frozen=True)
class Argument:
    """An option (`flags` set) or a positional argument (`flags` empty)."""

    flags: tuple[str, ...]
    dest: str
    metavar: str  # "" for an option that takes no value
    help: str
    choices: tuple[str, ...]
    values: str  # "words" (choices), "files", "tags", "searches", "ids", "deleted",
    # "tag-edits", "query" or ""
    repeats: bool  # a positional that takes any number of words
    optional: bool  # a positional that may be left out, or an option's optional value

    @property
    def takes_value(self) -> bool:
        return bool(self.metavar)

    @property
    def synopsis(self) -> str:
        """How the usage line shows it: `--tag T`, `ID…`, `[TEXT]`."""
        if self.flags:
            value = f" [{self.metavar}]" if self.optional else f" {self.metavar}"
            return self.flags[-1] + (value if self.takes_value else "")
        word = self.metavar + ("…" if self.repeats and "…" not in self.metavar else "")
        return f"[{word}]" if self.optional else word


@dataclass(frozen=True)
class Command:
    """One subcommand (or, named "", the program itself)."""

    name: str
    summary: str  # the line in `readlist --help`
    parser: argparse.ArgumentParser
    arguments: tuple[Argument, ...]

    @property
    def options(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.flags)

    @property
    def positionals(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if not a.flags)

    @property
    def description(self) -> str:
        return self.parser.description or ""

    @property
    def examples(self) -> tuple[tuple[str, str], ...]:
        return tuple(getattr(self.parser, "examples", ()))

    @property
    def tables(self) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        return tuple(getattr(self.parser, "tables", ()))

    @property
    def hidden(self) -> bool:
        """`_complete` and the like: for scripts, not listed or documented."""
        return self.name.startswith("_")


def program(parser: argparse.ArgumentParser) -> Command:
    """The program's own options (`--db`, `--version`), as a command named ""."""
    return Command("", parser.description or "", parser, _arguments(parser))


def commands(parser: argparse.ArgumentParser, *, hidden: bool = False) -> list[Command]:
    """Every subcommand, in the order registered; `hidden` ones (`_complete`) too if asked."""
    sub = subparsers(parser)
    if sub is None:
        return []
    summaries = {a.dest: a.help or "" for a in sub._choices_actions}
    found = [
        Command(name, summaries.get(name, ""), p, _arguments(p)) for name, p in sub.choices.items()
    ]
    return [c for c in found if hidden or not c.hidden]


def _arguments(parser: argparse.ArgumentParser) -> tuple[Argument, ...]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        out.append(_argument(action))
    return tuple(out)


def _argument(action: argparse.Action) -> Argument:
    takes = action.nargs != 0
    metavar = action.metavar if isinstance(action.metavar, str) else None
    if takes and metavar is None:
        metavar = action.dest.upper()
    choices = tuple(str(c) for c in action.choices) if action.choices else ()
    if choices:
        values = "words"
    else:
        values = VALUES_BY_DEST.get(action.dest, "") or VALUES_BY_METAVAR.get(metavar or "", "")
    if not takes:
        values = ""
    return Argument(
        flags=tuple(action.option_strings),
        dest=action.dest,
        metavar=(metavar or "") if takes else "",
        help=action.help or "",
        choices=choices,
        values=values,
        repeats=action.nargs in ("*", "+", argparse.REMAINDER),
        optional=action.nargs in ("?", "*"),
    )
