"""readlist(1) in roff, generated from the parser (readlist.cli.anatomy) so that it says
what `--help` says: every command with its description, arguments, options, tables
(search's grammar) and examples."""

from __future__ import annotations

import argparse
import re

from readlist import __version__
from readlist.cli.anatomy import Argument, Command, commands, program


def escape(text: str) -> str:
    """Text for roff: backslashes and hyphens escaped, a line never starting with a
    control character, and every non-ASCII character as a Unicode escape (so groff
    needs no input encoding; `_fallbacks` covers a terminal that lacks it)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if c.isascii() else f"\\[u{ord(c):04X}]" for c in text)
    return "\n".join(
        "\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")
    )


def _fallbacks(page: str) -> list[str]:
    """For each non-ASCII character of `page`, its closest ASCII where the output
    device lacks the glyph (groff has no ★ at all, and no … in the C locale)."""
    from anyascii import anyascii

    lines = []
    for code in sorted(set(re.findall(r"\\\[u([0-9A-F]{4,})\]", page))):
        ascii_ = escape(anyascii(chr(int(code, 16))) or "?")
        lines.append(f".if !c\\[u{code}] .char \\[u{code}] {ascii_}")
    return lines


def _bold(text: str) -> str:
    return f"\\fB{escape(text)}\\fR"


def _italic(text: str) -> str:
    return f"\\fI{escape(text)}\\fR"


def _paragraph(text: str) -> list[str]:
    return [".PP", escape(" ".join(text.split()))] if text.strip() else []


def _argument(argument: Argument) -> list[str]:
    if argument.flags:
        head = ", ".join(_bold(f) for f in argument.flags)
        if argument.takes_value:
            value = _italic(argument.metavar)
            head += f" [{value}]" if argument.optional else f" {value}"
    else:
        head = _italic(argument.synopsis)
    return [".TP", head, escape(" ".join(argument.help.split()))]


def _synopsis(command: Command) -> str:
    words = [_bold(f"readlist {command.name}".strip())]
    if command.options:
        words.append(f"[{_italic('options')}]")
    words += [_italic(p.synopsis) for p in command.positionals]
    return " ".join(words)


def _command(command: Command) -> list[str]:
    lines = [".SS " + escape(command.name), _synopsis(command)]
    lines += _paragraph(command.description)
    for argument in (*command.positionals, *command.options):
        lines += _argument(argument)
    for title, rows in command.tables:
        lines += [".PP", f"{_italic(title.capitalize())}:"]
        for syntax, meaning in rows:
            lines += [".TP", _bold(syntax), escape(meaning)]
    if command.examples:
        lines += [".PP", f"{_italic('Examples')}:"]
        for example, what in command.examples:
            lines += [".TP", _bold(example), escape(what)]
    return lines


def render(parser: argparse.ArgumentParser) -> str:
    top = program(parser)
    summary = top.description.split(".")[0]
    lines = [
        f'.TH READLIST 1 "" "readlist {__version__}" "User Commands"',
        ".SH NAME",
        f"readlist \\- {escape(summary[:1].lower() + summary[1:])}",
        ".SH SYNOPSIS",
        f"{_bold('readlist')} [{_bold('--db')} {_italic('FILE')}] "
        f"[{_italic('COMMAND')} [{_italic('ARGS')}]]",
        ".SH DESCRIPTION",
        escape(" ".join(top.description.split())),
        ".PP",
        f"Each command's {_bold('--help')} says the same as its section below.",
        ".SH OPTIONS",
    ]
    for argument in top.options:
        lines += _argument(argument)
    lines.append(".SH COMMANDS")
    for command in commands(parser):
        lines += _command(command)
    lines[1:1] = _fallbacks("\n".join(lines))
    return "\n".join(lines) + "\n"
