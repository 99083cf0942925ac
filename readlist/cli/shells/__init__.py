"""Completion scripts for bash, zsh and fish (a module each), generated from the parser
(readlist.cli.anatomy).

Every script completes the commands, each command's options, the choices of an option
or argument, files, and three things only the library or the config knows: tag names,
paper ids and saved searches, which it asks `readlist _complete KIND` for (passing on a
`--db FILE` typed on the line). Values from the library are never run through the
shell's expansion (bash's `compgen -W` would run a tag named `$(…)`), and they are
quoted as they are inserted.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from readlist.cli.shells import bash, fish, zsh

RENDERERS: dict[str, Callable[[argparse.ArgumentParser], str]] = {
    "bash": bash.render,
    "zsh": zsh.render,
    "fish": fish.render,
}
