"""kill -9 in the middle of every kind of write: imports, marks, exports (which store
keys) and compactions. After each kill the library loads, and every write the
worker acknowledged (printed after the call returned) is there."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readlist.store import Store

WORKER = r"""
import datetime as dt, sys
from pathlib import Path
from readlist import actions
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.store import Store

kind, path = sys.argv[1], Path(sys.argv[2])
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
AS_OF = NOW.date()
store = Store(path)
if not len(store):  # about 2 MB, so that a write takes long enough to be hit
    store.put(
        [Paper(id=f"p{i:03d}", title=f"Seed paper {i}", abstract="words " * 150) for i in range(50)]
        + [Paper(id=f"s{i:04d}", title=f"Bulk {i}", abstract="words " * 300) for i in range(1000)]
    )
print("ready", flush=True)
n = 0
while True:
    n += 1
    if kind == "import":
        body = "".join(
            f"Killed import {n} paper {k}\n\nAbstract {n}.{k}\n\n  • 2 authors\n·\nNov 10 3\n\n"
            for k in range(20)
        )
        import_texts(store, [(f"l{n}.txt", "Daily Papers\n\n" + body)], AS_OF, NOW)
        print(f"ack {n}", flush=True)
    elif kind == "marks":
        pid = f"p{n % 50:03d}"
        actions.change_tags(store, [pid], add=[f"m{n}"])
        actions.set_starred(store, [pid], n % 2 == 0, now=NOW)
        print(f"ack {pid} m{n} {n % 2 == 0}", flush=True)
    elif kind == "export":
        pid = f"x{n:05d}"
        store.put([Paper(id=pid, title=f"Exported paper number {n}", date="2026-01-02")])
        (paper,) = [p for p in store.papers() if p.id == pid]
        text = export_papers(store, [paper])
        key = text.split("{", 1)[1].split(",", 1)[0]
        print(f"ack {pid} {key}", flush=True)
    elif kind == "compact":
        pid = f"p{n % 50:03d}"
        actions.change_tags(store, [pid], add=[f"c{n}"])
        store.compact()
        print(f"ack {pid} c{n}", flush=True)
"""


def acked(path: Path, kind: str, delay: float) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, kind, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    lines = proc.stdout.read().split("\n")[:-1]  # the last one may be torn
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return [line.split()[1:] for line in lines if line.startswith("ack ")]


def check(store: Store, kind: str, acks: list[list[str]]) -> None:
    papers = {p.id: p for p in store.papers()}
    titles = {p.title for p in papers.values()}
    for ack in acks:
        if kind == "import":
            n = ack[0]
            assert all(f"Killed import {n} paper {k}" in titles for k in range(20))
        elif kind in ("marks", "compact"):
            assert ack[1] in papers[ack[0]].tags
        elif kind == "export":
            assert papers[ack[0]].bibkey == ack[1]
    if kind == "marks" and acks:  # the last acknowledged star state holds
        pid, _, starred = acks[-1]
        assert papers[pid].starred == (starred == "True")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["import", "marks", "export", "compact"])
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "lib.json"
    rng = random.Random(kind)
    total = 0
    for _ in range(2):
        acks = acked(path, kind, rng.uniform(0.15, 0.6))
        with Store(path, create=False) as store:
            check(store, kind, acks)
        total += len(acks)
    assert total > 0  # the kills did land in the middle of writes
