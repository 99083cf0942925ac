"""The bash completion script (`complete -F`), tested in a real bash."""

from __future__ import annotations

import argparse

from readlist.cli.anatomy import Argument, Command, commands, program
from readlist.cli.shells.parts import HEADER, flags, sq, valued

_BASH_HELPERS = r"""
# The line's words as typed. bash also splits words at = and : (COMP_WORDBREAKS);
# what was typed without a space is glued back, so --tag=v and tag:llm are one word.
_readlist_glue() {
    local rest="$COMP_LINE" i w lead
    words=() cword=-1
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        lead="${rest%%[![:space:]]*}"
        if ((cword < 0)) || [[ -n $lead ]]; then
            cword=$((cword + 1))
            words[cword]="$w"
        else
            words[cword]+="$w"
        fi
        rest="${rest#"$lead"}"
        rest="${rest#"$w"}"
    done
}

# Readline replaces only what follows the word's last = or : (when those break
# words): make each reply (for $2, the end of the word $1) fit that.
_readlist_fit() {
    local head="${1%"$2"}" cut="" i c
    for ((i = ${#1} - 1; i >= 0; i--)); do
        c="${1:i:1}"
        if [[ ($c == "=" || $c == ":") && $COMP_WORDBREAKS == *"$c"* ]]; then
            cut="${1:0:i+1}"
            break
        fi
    done
    for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]="$head${COMPREPLY[i]}"
        COMPREPLY[i]="${COMPREPLY[i]#"$cut"}"
    done
}

# Words from $1 (one per line) that start with $cur, unexpanded.
_readlist_words() {
    local w
    while IFS= read -r w; do
        [[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
    done <<< "$1"
}

_readlist_files() {
    local f
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -- "$cur")
}

# `readlist _complete $1` (tags, searches or ids), with the line's --db; $2 is a
# prefix (+, - or tag:) the word starts with. Values are quoted, never expanded.
_readlist_dynamic() {
    local db=() i line word="${cur#"$2"}" quoted
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            --db) db=(--db "${words[i+1]}") ;;
            --db=*) db=(--db "${words[i]#--db=}") ;;
        esac
    done
    ((${#db[@]})) && db[1]="${db[1]/#\~/$HOME}"
    while IFS= read -r line; do
        line="${line%%$'\t'*}"
        if [[ -n $line && $line == "$word"* ]]; then
            printf -v quoted %q "$line"
            COMPREPLY+=("$2$quoted")
        fi
    done < <(command readlist "${db[@]}" _complete "$1" 2>/dev/null)
}
"""


def _bash_query() -> str:
    """A query word (search, export --query): the grammar's fields, tag names after
    `tag:`, states after `is:`; from readlist.query, so they cannot drift."""
    from readlist.query import FIELDS, STATES

    fields, states = "\n".join(f + ":" for f in FIELDS), "\n".join(STATES)
    return (
        "\n_readlist_query() {\n"
        '    case "$cur" in\n'
        "        tag:*) _readlist_dynamic tags tag: ;;\n"
        "        is:*)\n"
        '            local cur="${cur#is:}" i\n'
        f"            _readlist_words {sq(states)}\n"
        '            for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="is:${COMPREPLY[i]}"; done ;;\n'
        "        *)\n"
        f"            _readlist_words {sq(fields)}\n"
        "            compopt -o nospace 2>/dev/null ;;\n"
        "    esac\n"
        "}\n"
    )


def _bash_values(argument: Argument) -> str:
    """The bash that completes `argument`'s value."""
    kind = argument.values
    if kind == "words":
        return f"_readlist_words {sq(chr(10).join(argument.choices))}"
    if kind == "files":
        return "_readlist_files"
    if kind in ("tags", "searches", "ids", "deleted"):
        return f"_readlist_dynamic {kind}"
    if kind == "tag-edits":
        return "_readlist_dynamic ids"
    if kind == "query":
        return "_readlist_query"
    return ":"


def _bash_command(command: Command, names: list[str]) -> list[str]:
    lines = [f"        {sq(command.name)})"]
    valued = [o for o in command.options if o.takes_value]
    if valued:
        lines.append('            case "$prev" in')
        for option in valued:
            lines.append(
                f"                {'|'.join(option.flags)}) {_bash_values(option)}; return ;;"
            )
        lines.append("            esac")
    if any(p.values == "tag-edits" for p in command.positionals):
        lines += [
            '            case "$cur" in',
            "                +*) _readlist_dynamic tags +; return ;;",
            "                --*) ;;",
            "                -*) _readlist_dynamic tags -; return ;;",
            "            esac",
        ]
    words = chr(10).join(flags(command.options))
    lines.append(f"            if [[ $cur == -* ]]; then _readlist_words {sq(words)}; return; fi")
    if not command.name:
        lines.append(f"            _readlist_words {sq(chr(10).join(names))}")
    else:
        positionals = command.positionals
        lines.append('            case "$n" in')
        for index, positional in enumerate(positionals):
            last = index == len(positionals) - 1
            pattern = "*" if last and positional.repeats else str(index)
            lines.append(f"                {pattern}) {_bash_values(positional)} ;;")
        lines.append("            esac")
    lines.append("            ;;")
    return lines


def render(parser: argparse.ArgumentParser) -> str:
    top, cmds = program(parser), commands(parser)
    names = [c.name for c in cmds]
    out = [HEADER.format(shell="bash"), "# Load it with: source <(readlist completion bash)"]
    out += [_BASH_HELPERS, _bash_query()]
    out += [
        "# The completions of the word $cur, $prev before it, in the line's words.",
        "_readlist_complete() {",
        "    # The command, and how many of its arguments come before the word completed.",
        f'    local cmd="" n=0 i w valued={sq(valued(top))}',
        "    for ((i = 1; i < cword; i++)); do",
        '        w="${words[i]}"',
        '        if [[ $valued == *" $w "* ]]; then',
        "            i=$((i + 1))",
        "            continue",
        "        fi",
        '        case "$w" in',
        "            -*) ;;",
        "            *)",
        "                if [[ -n $cmd ]]; then n=$((n + 1)); continue; fi",
        '                cmd="$w"',
        '                case "$cmd" in',
    ]
    for command in cmds:
        out.append(f"                    {sq(command.name)}) valued={sq(valued(command))} ;;")
    out += [
        "                esac",
        "                ;;",
        "        esac",
        "    done",
        '    case "$cmd" in',
    ]
    for command in [top, *cmds]:
        out += _bash_command(command, names)
    out += [
        "    esac",
        "}",
        "",
        "_readlist() {",
        "    local words cword",
        "    _readlist_glue",
        '    local whole="${words[cword]}" cur="${words[cword]}" prev="${words[cword-1]}"',
        "    if [[ $cur == --*=* ]]; then  # --option=value: complete the value",
        '        prev="${cur%%=*}"',
        '        cur="${cur#*=}"',
        "    fi",
        "    COMPREPLY=()",
        "    _readlist_complete",
        '    _readlist_fit "$whole" "$cur"',
        "}",
        "",
        "complete -F _readlist readlist",
        "",
    ]
    return "\n".join(out)
