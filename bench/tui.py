"""TUI timings in a real pseudo-terminal: the process, its screen output, real keys.

Each timing runs from the moment a key is written to the terminal until the text
that proves the repaint (a paper id, the status line's counts) has been written
back by readlist.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path
from typing import Any

from readlist.search import SearchIndex
from readlist.selection import select as select_ids
from readlist.store import Store

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)  # stamps and is:due compare with this

COLS, ROWS = 120, 36


class Pty:
    """readlist running in a pty of COLS x ROWS; reads everything it writes."""

    def __init__(self, args: list[str]) -> None:
        self.start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become readlist
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
            env["TERM"] = "xterm-256color"
            os.execvpe(sys.executable, [sys.executable, "-m", "readlist", *args], env)
        self.pid, self.fd = pid, fd
        self.buffer = b""

    def send(self, keys: str) -> float:
        self.buffer = b""
        now = time.perf_counter()
        os.write(self.fd, keys.encode())
        return now

    def wait_for(self, needle: str, timeout: float = 60.0) -> float:
        """Seconds on the clock when `needle` has appeared in the output."""
        want = needle.encode()
        deadline = time.perf_counter() + timeout
        while want not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{needle!r} not seen")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    self.buffer += os.read(self.fd, 1 << 16)
                except OSError:
                    raise TimeoutError(f"readlist ended before {needle!r}") from None
                self.buffer = self.buffer[-(1 << 20) :]
        return time.perf_counter()

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the app has been quiet for a while."""
        while select.select([self.fd], [], [], quiet)[0]:
            try:
                os.read(self.fd, 1 << 16)
            except OSError:
                return

    def close(self) -> None:
        try:
            os.write(self.fd, b"q")
            deadline = time.time() + 10
            while time.time() < deadline:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    break
                self.drain(0.1)
            else:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


def peak_memory(pid: int) -> int:
    """The process's peak resident memory so far (Linux), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


def _status(total: int, unread: int, starred: int) -> str:
    return f"{total} shown / {total} total · {unread} unread · {starred} ★"


def first_paint(lib: Path, n: int, runs: int = 3) -> float:
    """Best of `runs`: process start until the status line with the counts is drawn."""
    best = float("inf")
    for _ in range(runs):
        term = Pty(["--db", str(lib)])
        try:
            best = min(best, term.wait_for(f"{n} shown / {n} total") - term.start)
        finally:
            term.close()
    return best


def spread(what: str, n: int, seconds: list[float], targets: dict[int, float]) -> list[Any]:
    """Median and max rows, in milliseconds, for one kind of interaction."""
    from bench.run import Row

    target = targets.get(n)
    return [
        Row(f"{what} (median)", n, statistics.median(seconds) * 1000, "ms", target),
        Row(f"{what} (max)", n, max(seconds) * 1000, "ms", target),
    ]


def measure(lib: Path, n: int) -> list[Any]:
    from bench.run import Row

    rows: list[Any] = []
    # Measured before this process loads the library itself, so it stays small.
    target = {10_000: 0.8, 100_000: 0.8}.get(n)
    rows.append(
        Row(
            "TUI first paint, process start → list (best of 3)", n, first_paint(lib, n), "s", target
        )
    )

    with Store(lib) as store:
        records = store.records()
        order = select_ids(records)
        unread = sum(1 for r in records.values() if not r.get("read"))
        starred = sum(1 for r in records.values() if r.get("starred"))
        index = SearchIndex(records)
        query = "video diffusion"
        full = [len(index.search_ids(query[:i], now=NOW)) for i in range(1, len(query) + 1)]
        first_unread = next(i for i in order if not records[i].get("read"))
        del index, records
    term = Pty(["--db", str(lib)])
    try:
        term.wait_for(_status(n, unread, starred))
        term.drain(1.0 if n < 100_000 else 3.0)  # let the search index finish building

        moves = []
        position = order.index(first_unread)
        for _ in range(15):
            position += 1
            sent = term.send("j")
            moves.append(term.wait_for(order[position]) - sent)
            term.drain(0.05)
        rows += spread("TUI cursor move, key → repaint", n, moves, {100_000: 30.0})

        stars = []
        for i in range(10):
            sent = term.send("s")
            now_starred = starred + (1 if i % 2 == 0 else 0)
            stars.append(term.wait_for(f"{unread} unread · {now_starred} ★") - sent)
            term.drain(0.05)
        rows += spread("TUI star toggle, key → saved + repaint", n, stars, {100_000: 50.0})

        term.send("/")
        term.drain(0.3)
        fast, complete = [], []
        for i, ch in enumerate(query):
            sent = term.send(ch)
            fast.append(term.wait_for(f"“{query[: i + 1]}”") - sent)
            complete.append(term.wait_for(f"{full[i]} shown /") - sent)
            term.drain(0.05)
        rows += spread("TUI search keystroke → title/tag results", n, fast, {100_000: 100.0})
        rows.append(
            Row(
                "TUI search keystroke → results incl. abstracts (max)",
                n,
                max(complete) * 1000,
                "ms",
                100.0 if n == 100_000 else None,
            )
        )
        term.send("\x1b")
        term.drain(0.3)
        size = lib.stat().st_size
        ratio = peak_memory(term.pid) / size
        rows.append(
            Row("TUI peak memory / library file", n, ratio, "x", 2.0 if n == 100_000 else None)
        )
    finally:
        term.close()
    return rows
