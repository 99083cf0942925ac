"""Long output through a pager, as `git log` does: only when stdout is a terminal and
the text is longer than the screen; $PAGER if set (empty or `cat`: no pager), else
`less` with LESS=FRX (quit if it fits, colours as they are, no screen clearing)."""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from typing import TextIO


def show(text: str, env: Mapping[str, str], out: TextIO | None = None) -> None:
    """Write `text` to `out` (stdout), through the pager when it would scroll away."""
    out = out or sys.stdout
    command = _command(env) if _is_terminal(out) else None
    if command is None or text.count("\n") < shutil.get_terminal_size().lines:
        out.write(text)
        return
    out.flush()
    run_env = {**env, "LESS": env.get("LESS", "FRX"), "LV": env.get("LV", "-c")}
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=run_env)
    except OSError:  # no such pager: the text as it is, never an error
        out.write(text)
        return
    assert pager.stdin is not None
    with contextlib.suppress(BrokenPipeError):  # the user quit the pager early
        pager.stdin.write(text.encode(getattr(out, "encoding", None) or "utf-8", "replace"))
    with contextlib.suppress(BrokenPipeError):
        pager.stdin.close()
    pager.wait()


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def _command(env: Mapping[str, str]) -> list[str] | None:
    """The pager's command line; None for no pager."""
    value = env.get("PAGER")
    if value is None:
        return ["less"]
    try:
        words = shlex.split(value)
    except ValueError:
        return None
    return words if words and words != ["cat"] else None
