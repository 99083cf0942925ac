"""readlist in a real terminal: tmux runs it, send-keys types, capture-pane reads."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.selection import select
from readlist.store import Store
from tests.conftest import SEEDS


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        return out.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "rl", key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "rl", "-l", text)
        time.sleep(0.2)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "rl")

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if needle in text:
                return text
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared on screen:\n{self.screen()}")

    def alive(self) -> bool:
        return "rl" in self.tmux("list-sessions", "-F", "#{session_name}")


def import_into(home: Path, source: Path) -> None:
    """`readlist import` of `source` (a listing, or a folder of them) into the library
    of READLIST_HOME=`home`, as a process of its own, as a user would."""
    subprocess.run(
        [sys.executable, "-m", "readlist", "import", str(source), "--as-of", "2026-11-23"],
        env={**os.environ, "READLIST_HOME": str(home)},
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def launch(tmp_path: Path, seeded: bool) -> Iterator[tuple[Terminal, Path]]:
    """readlist in a 120x36 tmux session, on a library of the seeds or on none yet."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (apt-get install tmux)")
    home = tmp_path / "home"
    if seeded:
        import_into(home, SEEDS)
    term = Terminal(f"readlist-test-{os.getpid()}-{tmp_path.name}")
    command = (
        f"env -u COLUMNS -u LINES READLIST_HOME={home} TERM=xterm-256color "
        f"{sys.executable} -m readlist"
    )
    term.tmux("new-session", "-d", "-s", "rl", "-x", "120", "-y", "36", command)
    try:
        yield term, home / "library.json"
    finally:
        term.tmux("kill-server")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    with launch(tmp_path, seeded=True) as started:
        yield started


def test_triage_in_a_real_terminal(terminal: tuple[Terminal, Path]) -> None:
    term, library = terminal
    with Store(library) as store:
        first = select(store.records())[0]
        title = store.get(first).title
    term.wait_for("254 shown / 254 total · 254 unread")
    assert title[:40] in term.screen()

    term.keys("s")
    term.wait_for("254 unread · 1 ★")
    term.keys("r")
    term.wait_for("253 unread · 1 ★")

    term.keys("/")
    term.type("streaming")
    screen = term.wait_for("search: “streaming”")
    assert "StreamingVLM" in screen
    term.keys("Escape")
    term.wait_for("254 shown")

    term.keys("?")
    term.wait_for("readlist keys")
    term.keys("Escape")
    term.wait_for("254 shown")

    term.keys("n")
    term.wait_for("ctrl+s save")
    term.type("typed in tmux")
    term.keys("C-s")
    screen = term.wait_for("typed in tmux")

    term.keys("q")
    deadline = time.monotonic() + 10
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not term.alive(), "readlist did not quit"

    with Store(library) as store:
        paper = store.get(first)
        assert (paper.starred, paper.read, paper.notes) == (True, True, "")
        # esc left the search on the paper it found, so the note went there
        (found,) = [p for p in store.papers() if p.notes]
        assert "streaming" in found.title.lower()
        assert found.notes == "typed in tmux"


def test_paste_right_after_i_imports_the_listing(tmp_path: Path) -> None:
    """A bracketed paste (tmux paste-buffer -p) sent straight after `i` is imported."""
    listing = SEEDS / "002_3c55a4b56f8e4387.txt"  # 102 entries
    with launch(tmp_path, seeded=False) as (term, library):
        term.wait_for("0 shown / 0 total")
        term.tmux("load-buffer", "-b", "seed", str(listing))
        term.tmux("send-keys", "-t", "rl", "i")
        term.tmux("paste-buffer", "-p", "-d", "-b", "seed", "-t", "rl")
        term.wait_for("102 entries, 102 new")
        term.keys("C-s")
        term.wait_for("102 shown / 102 total")
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    with Store(library) as store:
        assert len(store) == 102
        titles = {p.title for p in store.papers()}
    assert "A Two-stage Reinforcement Learning-based Approach for Multi-entity Task Allocation" in (
        titles
    )


def test_a_crlf_listing_pasted_through_tmux_imports_as_the_file_does(tmp_path: Path) -> None:
    """tmux sends each LF of a paste as CR, so a CRLF listing arrives with CR CR line
    ends; it must still read as the 45 papers `readlist import` reads from the file."""
    crlf = tmp_path / "listing-crlf.txt"
    seed = SEEDS / "000_8f436e6abbfddf26.txt"  # 45 entries
    crlf.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    with launch(tmp_path, seeded=False) as (term, library):
        term.wait_for("0 shown / 0 total")
        term.tmux("load-buffer", "-b", "crlf", str(crlf))
        term.tmux("send-keys", "-t", "rl", "i")
        term.tmux("paste-buffer", "-p", "-d", "-b", "crlf", "-t", "rl")
        term.wait_for("45 entries, 45 new")
        term.keys("C-s")
        term.wait_for("45 shown / 45 total")
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    with Store(library) as store:
        titles = sorted(p.title for p in store.papers())
    assert len(titles) == 45
    assert not any(t.startswith(("•", "·")) for t in titles)
