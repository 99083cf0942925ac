"""The fish completion script (`complete -c readlist …`)."""

from __future__ import annotations

import argparse

from readlist.cli.anatomy import Argument, commands, program
from readlist.cli.shells.parts import HEADER, fish_sq

_FISH_HELPERS = r"""
# `readlist _complete $argv[1]` (tags, searches or ids), with the line's --db; each
# value after the prefix $argv[2] (+ or -). Ids carry their title after a tab.
function __readlist_dynamic
    set -l tokens (commandline -opc)
    set -l db
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --db
                if test $i -lt (count $tokens)
                    set db --db $tokens[(math $i + 1)]
                end
            case '--db=*'
                set db --db (string replace -- --db= '' $tokens[$i])
        end
    end
    set -l prefix $argv[2]
    for line in (command readlist $db _complete $argv[1] 2>/dev/null)
        printf '%s%s\n' "$prefix" $line
    end
end

# `tag ID… +name -name`: tags after a + or a -, else paper ids.
function __readlist_tag_edits
    switch (commandline -ct)
        case '+*'
            __readlist_dynamic tags +
        case '--*'
        case '-*'
            __readlist_dynamic tags -
        case '*'
            __readlist_dynamic ids
    end
end
"""


def _fish_query() -> str:
    from readlist.query import FIELDS, STATES

    return (
        "# A query word: the grammar's fields, tag names after tag:, states after is:.\n"
        "function __readlist_query\n"
        "    set -l token (string replace -r -- '^--[^=]*=' '' (commandline -ct))\n"
        '    switch "$token"\n'
        "        case 'tag:*'\n"
        "            __readlist_dynamic tags tag:\n"
        "        case 'is:*'\n"
        f"            printf 'is:%s\\n' {' '.join(STATES)}\n"
        "        case '*'\n"
        f"            printf '%s\\n' {' '.join(f + ':' for f in FIELDS)}\n"
        "    end\n"
        "end\n"
    )


def _fish_values(argument: Argument) -> str:
    """`complete` options for `argument`'s value (an option's, or a positional's)."""
    kind, no_files = argument.values, "-x" if argument.flags else "-f"
    if kind == "words":
        return f"{no_files} -a " + fish_sq(" ".join(argument.choices))
    if kind == "files":
        return "-r -F" if argument.flags else "-F"
    if kind in ("tags", "searches", "ids", "deleted"):
        return f"{no_files} -a " + fish_sq(f"(__readlist_dynamic {kind})")
    if kind == "tag-edits":
        return f"{no_files} -a '(__readlist_tag_edits)'"
    if kind == "query":
        return f"{no_files} -a '(__readlist_query)'"
    return no_files


def _fish_option(condition: str, option: Argument) -> str:
    parts = ["complete -c readlist", "-n", fish_sq(condition)]
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.takes_value:
        parts.append(_fish_values(option))
    parts += ["-d", fish_sq(" ".join(option.help.split()))]
    return " ".join(parts)


def render(parser: argparse.ArgumentParser) -> str:
    top, cmds = program(parser), commands(parser)
    names = " ".join(c.name for c in cmds)
    none = "__readlist_needs_command"
    out = [
        HEADER.format(shell="fish").rstrip("\n"),
        "# Install: readlist completion fish > ~/.config/fish/completions/readlist.fish",
        _FISH_HELPERS,
        _fish_query(),
        "function __readlist_needs_command",
        f"    not __fish_seen_subcommand_from {names}",
        "end",
        "",
        "complete -c readlist -f",
    ]
    for command in cmds:
        out.append(
            f"complete -c readlist -n {fish_sq(none)} -a {fish_sq(command.name)} "
            f"-d {fish_sq(' '.join(command.summary.split()))}"
        )
    out += [_fish_option(none, o) for o in top.options]
    for command in cmds:
        seen = f"__fish_seen_subcommand_from {command.name}"
        out += [_fish_option(seen, o) for o in command.options]
        for positional in command.positionals[:1]:  # fish cannot count arguments simply
            if positional.values:
                out.append(f"complete -c readlist -n {fish_sq(seen)} {_fish_values(positional)}")
    out.append("")
    return "\n".join(out)
