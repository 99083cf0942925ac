"""Compaction handed to a process of its own (`Store.close_later`, readlist.compaction):
the closing process never compacts, and the detached one is an ordinary writer: safe
against a second one, a kill -9 at any moment, and writers meanwhile."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from readlist import actions, compaction
from readlist.errors import LockedError
from readlist.journal import JournalStorage
from readlist.libfiles import ident
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import NOW


def generation(lib: Path) -> int:
    first = lib.read_bytes().split(b"\n", 1)[0]
    meta: dict[str, Any] = json.loads(first[len(b'{"_readlist":') : -1])
    return int(meta["1"]["generation"])


def contents(lib: Path) -> dict[str, Any]:
    store = Store(lib, create=False)  # never closed: closing would compact
    return {name: dict(table) for name, table in store._storage.data.items()}


@pytest.fixture
def due(tmp_path: Path) -> Path:
    """A library of 400 papers (2 MB) whose journal (2.4 MB) makes a compaction due,
    with a trash."""
    lib = tmp_path / "lib.json"
    store = Store(lib)  # never closed: closing would compact
    store.put(
        Paper(id=f"p{i:04d}", title=f"Paper {i}", abstract="words " * 800) for i in range(400)
    )
    for start in range(0, 400, 100):
        ids = [f"p{i:04d}" for i in range(start, start + 100)]
        actions.set_note(store, ids, "a long note " * 400)
    actions.remove(store, ["p0001", "p0002"], now=NOW)
    assert store.compaction_due()
    return lib


def test_close_later_compacts_in_a_process_of_its_own(
    due: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, gen = contents(due), generation(due)
    journal = due.with_name("lib.json-journal")
    store = Store(due, create=False, indexed=True)

    def refuse(self: JournalStorage) -> None:
        raise AssertionError("compacted in the closing process")

    monkeypatch.setattr(JournalStorage, "compact", refuse)
    process = store.close_later()
    assert process is not None
    assert process.wait(timeout=60) == 0
    assert generation(due) == gen + 1
    assert journal.stat().st_size < 100  # a header only: all of it is in the snapshot
    assert contents(due) == before
    with Store(due, create=False, indexed=True) as after:
        assert after.by_index  # the trash is in the index's tables
        assert after.close_later() is None  # nothing due any more


def test_two_compactions_at_once_compact_once(due: Path) -> None:
    before, gen = contents(due), generation(due)
    argv = [sys.executable, "-m", "readlist.compaction", str(due)]
    both = [subprocess.Popen(argv), subprocess.Popen(argv)]
    assert [p.wait(timeout=120) for p in both] == [0, 0]
    assert generation(due) == gen + 1
    assert contents(due) == before
    assert compaction.compact_if_due(due) is False


def test_a_compaction_that_lands_after_another_one_looked_makes_it_skip(due: Path) -> None:
    """The race of two at once, made deterministic: one looks (unindexed, due), the
    other compacts from start to end, then the first takes the lock: it must not
    compact the fresh snapshot a second time."""
    gen, seen = generation(due), ident(due)
    late = Store(due, create=False)  # parsed before the other compaction
    argv = [sys.executable, "-m", "readlist.compaction", str(due)]
    assert subprocess.run(argv, timeout=120).returncode == 0
    assert generation(due) == gen + 1
    assert late.compact_if_due(unindexed=True, seen=seen) is False
    again = Store(due, create=False)  # parsed after it: only `seen` tells
    assert again.compact_if_due(unindexed=True, seen=seen) is False
    assert generation(due) == gen + 1
    # looked (and parsed) after the other replaced the snapshot but before it wrote the
    # index: under the lock the index is there, so nothing is due
    assert Store(due, create=False).compact_if_due(unindexed=True) is False
    assert generation(due) == gen + 1


def test_a_compaction_killed_at_any_moment_loses_nothing(due: Path) -> None:
    before = contents(due)
    argv = [sys.executable, "-m", "readlist.compaction", str(due)]
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6):
        process = subprocess.Popen(argv)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert contents(due) == before, delay
    assert subprocess.run(argv, timeout=120).returncode == 0
    assert contents(due) == before
    assert not list(due.parent.glob(".*.tmp"))  # the last run swept the dead ones' temps


def test_writers_meanwhile_are_kept(due: Path) -> None:
    gen = generation(due)
    process = subprocess.Popen([sys.executable, "-m", "readlist.compaction", str(due)])
    done: list[str] = []
    with Store(due, create=False, lock_timeout=60) as writer:
        while process.poll() is None or len(done) < 5:
            pid = f"p{len(done) + 10:04d}"
            actions.set_starred(writer, [pid], True, now=NOW)
            done.append(pid)
            time.sleep(0.02)
    assert process.wait(timeout=120) == 0
    assert generation(due) == gen + 1
    with Store(due, create=False) as store:
        assert all(store.get(pid).starred for pid in done)
        assert store.get("p0300").notes == "a long note " * 400


def test_a_lock_held_too_long_leaves_the_library_as_it_is(due: Path) -> None:
    gen, journal = generation(due), due.with_name("lib.json-journal").read_bytes()
    holder = Store(due, create=False)
    with holder._storage.locked(), pytest.raises(LockedError):
        compaction.compact_if_due(due, lock_wait=0.2)
    assert generation(due) == gen
    assert due.with_name("lib.json-journal").read_bytes() == journal
