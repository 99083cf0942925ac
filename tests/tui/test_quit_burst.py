"""q and another key in one write (over SSH, a stray keystroke): readlist quits, and
the key behind q opens nothing. A dialog mounting while the app exits raised
NoMatches from its on_mount: a traceback on the way out (tmux: Pilot waits between
keys, so only a real terminal delivers both before q is handled)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.tui.test_terminal import Terminal, import_into


@pytest.mark.parametrize("behind", ["e", "i"])
def test_a_key_behind_q_in_the_same_write_opens_nothing(tmp_path: Path, behind: str) -> None:
    home = tmp_path / "home"
    import_into(home, SEEDS / "004_097c14f588d18b51.txt")
    run = (
        f"env -u COLUMNS -u LINES READLIST_HOME={shlex.quote(str(home))} "
        f"TERM=xterm-256color {shlex.quote(sys.executable)} -m readlist"
    )
    command = f"sh -c {shlex.quote(run + '; echo EXITED $?; sleep 60')}"
    term = Terminal(f"readlist-quit-{os.getpid()}-{tmp_path.name}")
    term.tmux("new-session", "-d", "-s", "rl", "-x", "80", "-y", "24", command)
    try:
        term.wait_for("shown /")
        term.tmux("send-keys", "-t", "rl", "-l", "q" + behind)
        shown = term.wait_for("EXITED")
        assert "EXITED 0" in shown
        assert "Traceback" not in shown
        assert "NoMatches" not in shown
    finally:
        term.tmux("kill-server")
