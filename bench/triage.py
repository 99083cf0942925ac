"""Morning triage, measured in a real terminal: keystrokes and wall time.

readlist starts on an empty library in tmux. We press `i`, paste the 102-entry seed
listing as a terminal does (a bracketed paste: `tmux paste-buffer -p`), press
ctrl+s, then triage to the last paper with `space`, starring every tenth paper (`s`)
and tagging every fifth (`t`, a tag, enter). Keys go in at 10 per second, as a quick
typist. The clock runs from the paste to the status line reporting 0 unread; the
store on disk is checked afterwards, so a key lost on the way shows as a wrong count.

    python -m bench.triage
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from readlist.store import Store

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "seeds" / "002_3c55a4b56f8e4387.txt"  # `readlist import` parses 102 papers
KEY_GAP = 0.1  # 10 keys per second
TAG = "ml"


class Tmux:
    """One tmux server of our own, with readlist in session `rl`."""

    def __init__(self, home: Path) -> None:
        self.socket = f"readlist-bench-{os.getpid()}"
        self.keystrokes = 0
        command = (
            f"env -u COLUMNS -u LINES READLIST_HOME={home} TERM=xterm-256color "
            f"{sys.executable} -m readlist"
        )
        self.run("new-session", "-d", "-s", "rl", "-x", "120", "-y", "36", command)

    def run(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return out.stdout

    def key(self, key: str, literal: bool = False) -> None:
        """One keystroke, then the gap a typist leaves before the next."""
        self.run("send-keys", "-t", "rl", *(["-l"] if literal else []), key)
        self.keystrokes += 1
        time.sleep(KEY_GAP)

    def paste(self, text: str) -> None:
        self.run("load-buffer", "-b", "listing", "-", stdin=text)
        self.run("paste-buffer", "-p", "-d", "-b", "listing", "-t", "rl")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "rl")

    def wait_for(self, *needles: str, timeout: float = 60.0) -> str:
        """Wait until one of `needles` is on screen; return it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            for needle in needles:
                if needle in screen:
                    return needle
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needles!r} never appeared:\n{screen}")
            time.sleep(0.05)

    def close(self) -> None:
        self.run("kill-server")


def triage(home: Path, focus_paste: bool) -> dict[str, float]:
    """One run; `focus_paste` presses tab first, for a dialog where a paste only lands
    in the paste area when that has the focus."""
    # Triage alone, and never the internet: no resolving in the background.
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[network]\nauto_resolve = false\n")
    term = Tmux(home)
    try:
        term.wait_for("Press i to import")
        term.key("i")
        term.wait_for("ctrl+s")
        started = time.perf_counter()
        if focus_paste:
            term.key("Tab")
        term.paste(LISTING.read_text())
        # The preview, or the paste area showing the listing's end: the paste landed.
        last_line = LISTING.read_text().strip().splitlines()[-1].strip()
        term.wait_for("102 entries", last_line, timeout=5)
        term.key("C-s")
        term.wait_for("102 shown / 102 total · 102 unread")
        for n in range(1, 103):
            if n % 10 == 0:
                term.key("s")
            if n % 5 == 0:
                term.key("t")
                for ch in TAG:
                    term.key(ch, literal=True)
                term.key("Enter")
            term.key("Space")
        term.wait_for("· 0 unread")
        seconds = time.perf_counter() - started
        keys = term.keystrokes
        term.key("q")
    finally:
        term.close()
    with Store(home / "library.json") as store:
        papers = store.papers()
    return {
        "keystrokes": keys,
        "pastes": 1,
        "seconds": seconds,
        "papers": len(papers),
        "read": sum(p.read for p in papers),
        "starred": sum(p.starred for p in papers),
        "tagged": sum(TAG in p.tags for p in papers),
    }


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("bench.triage: tmux is not installed")
    focus_paste = False
    with tempfile.TemporaryDirectory() as tmp:
        try:
            r = triage(Path(tmp) / "home", focus_paste)
        except TimeoutError:  # the paste went to the path field: focus the area first
            focus_paste = True
            shutil.rmtree(tmp, ignore_errors=True)
            r = triage(Path(tmp) / "home2", focus_paste)
    typing = r["keystrokes"] * KEY_GAP
    print("| triage of the 102-entry listing | value |")
    print("|---|---|")
    how = "i, tab, ctrl+s" if focus_paste else "i, ctrl+s"
    print(f"| keystrokes ({how}; space, s, t+tag+enter) | {r['keystrokes']:.0f} + 1 paste |")
    print(f"| wall time, paste to last paper | {r['seconds']:.1f} s |")
    print(f"| of which typing at 10 keys/s | {typing:.1f} s |")
    print(
        f"| store afterwards: papers / read / starred / tagged | "
        f"{r['papers']:.0f} / {r['read']:.0f} / {r['starred']:.0f} / {r['tagged']:.0f} |"
    )


if __name__ == "__main__":
    main()
