"""E in a real terminal (tmux): the app steps aside for $EDITOR (App.suspend, which a
headless test cannot exercise), the edit lands, and the app comes back drawn."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest

from readlist.store import Store
from tests.conftest import SEEDS
from tests.tui.test_terminal import Terminal, import_into


def test_e_suspends_the_app_for_the_editor_and_comes_back(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (apt-get install tmux)")
    home = tmp_path / "home"
    import_into(home, SEEDS / "004_097c14f588d18b51.txt")
    # An editor that notes whether the terminal was handed back (canonical mode, echo
    # on, as a shell leaves it; Textual runs it raw), then writes a known edit.
    noted = tmp_path / "terminal-mode.txt"
    script = tmp_path / "editor.py"
    script.write_text(
        "import re, sys, termios\n"
        "mode = termios.tcgetattr(0)[3]\n"
        f"open({str(noted)!r}, 'w').write("
        "f'{bool(mode & termios.ICANON)} {bool(mode & termios.ECHO)}')\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "text = re.sub(r'^title = .*$', 'title = \"Edited In A Terminal\"', text, flags=re.M)\n"
        "open(path, 'w').write(text)\n"
    )
    editor = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    variables = {"EDITOR": editor, "READLIST_HOME": str(home), "TERM": "xterm-256color"}
    assigned = " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
    command = f"env -u COLUMNS -u LINES {assigned} {shlex.quote(sys.executable)} -m readlist"
    term = Terminal(f"readlist-own-{os.getpid()}-{tmp_path.name}")
    term.tmux("new-session", "-d", "-s", "rl", "-x", "120", "-y", "36", command)
    try:
        term.wait_for("shown /")
        term.keys("E")
        shown = term.wait_for("Edited In A Terminal")
        assert "shown /" in shown  # the app drew itself again after the editor
        deadline = time.monotonic() + 10
        titles: list[str] = []
        while time.monotonic() < deadline and "Edited In A Terminal" not in titles:
            with Store(home / "library.json") as store:
                titles = [p.title for p in store.papers()]
            time.sleep(0.1)
        assert "Edited In A Terminal" in titles
        assert noted.read_text() == "True True"  # the editor had the terminal
        assert term.alive()
    finally:
        term.tmux("kill-server")


def test_ctrl_o_with_no_editor_in_a_real_terminal_comes_back_with_the_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app suspends before the editor is looked for; with none, App.suspend never
    resumed (its block raised): the shell stayed on screen and readlist hung there."""
    from tests.tui.test_terminal import launch

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    with launch(tmp_path, seeded=True) as (term, _library):
        term.wait_for("shown /")
        term.keys("n")
        term.wait_for("ctrl+o in $EDITOR")
        term.tmux("send-keys", "-t", "rl", "-l", "draft words")
        term.keys("C-o")
        shown = term.wait_for("no editor: set $VISUAL or $EDITOR")
        assert "draft words" in shown  # the note dialog is back, on the same text
        assert "ctrl+o in $EDITOR" in shown
        assert term.alive()
