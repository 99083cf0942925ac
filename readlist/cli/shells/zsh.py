"""The zsh completion script (`#compdef`, `_describe`, `compadd`)."""

from __future__ import annotations

import argparse

from readlist.cli.anatomy import Argument, Command, commands, program
from readlist.cli.shells.parts import HEADER, sq, valued

_ZSH_HELPERS = r"""
# `readlist _complete $1` (tags, searches or ids), with the line's --db.
_readlist_dynamic() {
  local -a db lines values
  local i line
  for (( i = 2; i < CURRENT; i++ )); do
    case ${words[i]} in
      --db) db=(--db "${words[i+1]/#\~/$HOME}") ;;
      --db=*) db=(--db "${${words[i]#--db=}/#\~/$HOME}") ;;
    esac
  done
  lines=("${(@f)$(command readlist "${db[@]}" _complete "$1" 2>/dev/null)}")
  lines=(${lines:#})
  if [[ $1 == ids || $1 == deleted ]]; then
    for line in "${lines[@]}"; do
      values+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    done
    _describe -t ids paper values
  else
    compadd -- "${lines[@]}"
  fi
}
"""


def _zsh_query() -> str:
    from readlist.query import FIELDS, STATES

    fields = " ".join(sq(f + ":") for f in FIELDS)
    return (
        "\n# A query word: the grammar's fields, tag names after tag:, states after is:.\n"
        "_readlist_query() {\n"
        "  case $PREFIX in\n"
        "    tag:*) compset -P 'tag:'; _readlist_dynamic tags ;;\n"
        f"    is:*) compset -P 'is:'; compadd -- {' '.join(STATES)} ;;\n"
        f"    *) compadd -S '' -- {fields} ;;\n"
        "  esac\n"
        "}\n"
    )


def _zsh_spec(name: str, description: str) -> str:
    return sq(name.replace(":", "\\:") + ":" + " ".join(description.split()))


def _zsh_values(argument: Argument) -> str:
    kind = argument.values
    if kind == "words":
        return "compadd -- " + " ".join(sq(c) for c in argument.choices)
    if kind == "files":
        return "_files"
    if kind in ("tags", "searches", "ids", "deleted"):
        return f"_readlist_dynamic {kind}"
    if kind == "tag-edits":
        return "_readlist_dynamic ids"
    if kind == "query":
        return "_readlist_query"
    return ":"


def _zsh_command(command: Command, cmds: list[Command]) -> list[str]:
    lines = [f"    {sq(command.name)})"]
    valued = [o for o in command.options if o.takes_value]
    if valued:
        lines.append("      case $prev in")
        for option in valued:
            lines.append(f"        {'|'.join(option.flags)}) {_zsh_values(option)}; return ;;")
        lines.append("      esac")
    if any(p.values == "tag-edits" for p in command.positionals):
        lines += [
            "      case $cur in",
            "        [+]*) compset -P '+'; _readlist_dynamic tags; return ;;",
            "        --*) ;;",
            "        -*) compset -P '-'; _readlist_dynamic tags; return ;;",
            "      esac",
        ]
    specs = " ".join(_zsh_spec(f, o.help) for o in command.options for f in o.flags)
    lines += [
        "      if [[ $cur == -* ]]; then",
        f"        local -a opts=({specs})",
        "        _describe -t options option opts; return",
        "      fi",
    ]
    if not command.name:
        specs = " ".join(_zsh_spec(c.name, c.summary) for c in cmds)
        lines += [f"      local -a cmds=({specs})", "      _describe -t commands command cmds"]
    else:
        lines.append("      case $n in")
        for index, positional in enumerate(command.positionals):
            last = index == len(command.positionals) - 1
            pattern = "*" if last and positional.repeats else str(index)
            lines.append(f"        {pattern}) {_zsh_values(positional)} ;;")
        lines.append("      esac")
    lines.append("      ;;")
    return lines


def render(parser: argparse.ArgumentParser) -> str:
    top, cmds = program(parser), commands(parser)
    out = [
        "#compdef readlist",
        HEADER.format(shell="zsh").rstrip("\n"),
        "# Install: readlist completion zsh > ~/.zfunc/_readlist (with ~/.zfunc in $fpath,",
        "# before compinit); or load it now: source <(readlist completion zsh)",
        _ZSH_HELPERS,
        _zsh_query(),
        "_readlist() {",
        "  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}",
        "  if [[ $cur == --*=* ]]; then",  # --opt=value: complete the value
        "    prev=${cur%%=*}",
        "    compset -P '*='",
        "    cur=${cur#*=}",
        "  fi",
        f"  local cmd= w valued={sq(valued(top))}",
        "  local -i i n=0",
        "  for (( i = 2; i < CURRENT; i++ )); do",
        "    w=${words[i]}",
        '    if [[ $valued == *" $w "* ]]; then',
        "      i=$(( i + 1 ))",
        "      continue",
        "    fi",
        "    case $w in",
        "      -*) ;;",
        "      *)",
        "        if [[ -n $cmd ]]; then n=$(( n + 1 )); continue; fi",
        "        cmd=$w",
        "        case $cmd in",
    ]
    for command in cmds:
        out.append(f"          {sq(command.name)}) valued={sq(valued(command))} ;;")
    out += ["        esac", "        ;;", "    esac", "  done", "  case $cmd in"]
    for command in [top, *cmds]:
        out += _zsh_command(command, cmds)
    out += [
        "  esac",
        "}",
        "",
        "if [[ $funcstack[1] == _readlist ]]; then  # autoloaded from $fpath",
        '  _readlist "$@"',
        "else",
        "  compdef _readlist readlist",
        "fi",
        "",
    ]
    return "\n".join(out)
