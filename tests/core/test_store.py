from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readlist import actions
from readlist.errors import LibraryError, LockedError, NotFoundError
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import NOW, FailNth

WRITER = """
import sys
from pathlib import Path
from readlist import actions
from readlist.store import Store
store = Store(Path(sys.argv[1]))
ids = sys.argv[3].split(",")
for n in range(int(sys.argv[2])):
    actions.change_tags(store, ids, add=[f"{sys.argv[4]}{n}"])
print("done", flush=True)
"""


def make(store: Store, n: int) -> list[str]:
    papers = [
        Paper(id=f"p{i:05d}", title=f"Paper {i}", added=f"2026-01-01T00:00:{i % 60:02d}")
        for i in range(n)
    ]
    store.put(papers)
    return [p.id for p in papers]


def test_round_trip_and_reopen(store: Store) -> None:
    ids = make(store, 20)
    actions.set_starred(store, ids[:3], True, now=NOW)
    with Store(store.path) as again:
        assert len(again) == 20
        assert [p.starred for p in again.papers()][:4] == [True, True, True, False]
        assert [p.id for p in again.papers()] == ids


def test_star_is_a_journal_append_not_a_rewrite(store: Store) -> None:
    ids = make(store, 50)
    store.compact()
    snapshot_before = store.path.stat()
    actions.set_starred(store, ids[:1], True, now=NOW)
    assert store.path.stat().st_ino == snapshot_before.st_ino
    assert store.path.stat().st_size == snapshot_before.st_size
    with Store(store.path) as again:
        assert again.get(ids[0]).starred


def test_resolve_prefix(store: Store) -> None:
    store.put([Paper(id="abcdef1", title="A"), Paper(id="abcdff2", title="B")])
    assert store.resolve("abcdef1") == "abcdef1"
    assert store.resolve("ABCDE") == "abcdef1"
    with pytest.raises(NotFoundError, match="ambiguous"):
        store.resolve("abcd")
    with pytest.raises(NotFoundError, match="no paper"):
        store.resolve("zzzz")
    with pytest.raises(NotFoundError):
        store.resolve("abc")


def test_failed_journal_append_leaves_old_state(store: Store, fail_nth: FailNth) -> None:
    ids = make(store, 5)
    fail_nth(os, "fsync", 1, OSError(28, "No space left on device"), after=True)
    with pytest.raises(OSError, match="No space"):
        actions.set_starred(store, ids, True, now=NOW)
    fail_nth.undo()
    # In memory the failed change is rolled back ...
    assert not any(p.starred for p in store.papers())
    # ... and the next write works and is durable.
    actions.set_read(store, ids[:1], True, now=NOW)
    with Store(store.path) as again:
        assert again.get(ids[0]).read


def test_torn_journal_tail_is_ignored(store: Store) -> None:
    ids = make(store, 5)
    actions.set_starred(store, ids[:1], True, now=NOW)
    with open(store.journal_path, "ab") as fh:
        fh.write(b'deadbeef {"set": {"papers": {"p00001": {"title": "half')
    with Store(store.path) as again:
        assert again.get(ids[0]).starred
        assert again.get(ids[1]).title == "Paper 1"
        actions.set_starred(again, ids[1:2], True, now=NOW)  # writing over the torn tail
    with Store(store.path) as third:
        assert [p.starred for p in third.papers()][:3] == [True, True, False]


def test_failed_compaction_leaves_old_library(store: Store, fail_nth: FailNth) -> None:
    ids = make(store, 5)
    actions.set_starred(store, ids, True, now=NOW)
    before = store.path.read_bytes()
    fail_nth(os, "replace", 1, OSError(5, "Input/output error"), after=True)
    with pytest.raises(OSError, match="Input/output"):
        store.compact()
    fail_nth.undo()
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob(".library.json.*.tmp"))
    with Store(store.path) as again:
        assert all(p.starred for p in again.papers())


def test_compaction_interrupted_between_files(store: Store, fail_nth: FailNth) -> None:
    """A new snapshot with the old journal still beside it must not replay it twice."""
    ids = make(store, 3)
    actions.change_tags(store, ids[:1], add=["x"])
    fail_nth(os, "replace", 2, OSError(5, "killed here"))
    with pytest.raises(OSError, match="killed here"):
        store.compact()
    assert fail_nth.calls == 2
    fail_nth.undo()
    with Store(store.path) as again:
        assert again.get(ids[0]).tags == ["x"]
        actions.change_tags(again, ids[:1], add=["y"])
    with Store(store.path) as third:
        assert third.get(ids[0]).tags == ["x", "y"]


def test_kill_during_writes_never_corrupts(store: Store) -> None:
    ids = make(store, 200)
    store.compact()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store.path), "100000", ",".join(ids), "k"],
        stdout=subprocess.PIPE,
    )
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(store.path) as after:
        tags = [p.tags for p in after.papers()]
    assert len(tags) == 200
    # Each commit tags all 200 papers at once, so they all agree.
    assert all(t == tags[0] for t in tags)
    assert len(tags[0]) > 0


def test_two_processes_do_not_lose_writes(store: Store) -> None:
    ids = make(store, 10)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store.path), "30", ",".join(ids), prefix],
            stdout=subprocess.PIPE,
        )
        for prefix in ("a", "b")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    with Store(store.path) as after:
        for paper in after.papers():
            assert sorted(paper.tags) == sorted(
                [f"a{n}" for n in range(30)] + [f"b{n}" for n in range(30)]
            )


def test_other_process_changes_are_picked_up(store: Store) -> None:
    ids = make(store, 3)
    with Store(store.path) as other:
        actions.set_starred(other, ids[:1], True, now=NOW)
    assert not store.get(ids[0]).starred
    assert store.refresh()
    assert store.get(ids[0]).starred
    assert not store.refresh()


def test_refresh_after_another_process_compacts(store: Store) -> None:
    ids = make(store, 3)
    with Store(store.path) as other:
        actions.set_read(other, ids[:2], True, now=NOW)
        other.compact()
        actions.set_starred(other, ids[2:], True, now=NOW)
    assert store.refresh()
    assert [(p.read, p.starred) for p in store.papers()] == [
        (True, False),
        (True, False),
        (False, True),
    ]


def test_lock_held_elsewhere_gives_clear_error(store: Store) -> None:
    ids = make(store, 1)
    slow = Store(store.path, lock_timeout=0.2)
    with store.transaction(), pytest.raises(LockedError, match="locked by another"):
        actions.set_starred(slow, ids, True, now=NOW)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'{"papers": {"1": {"title": "x"', "corrupt"),
        (b'{"papers": {}}', "not a readlist library"),
        (b"[1, 2, 3]", "not a readlist library"),
        (b'{"_readlist": {"1": {"schema": 99}}, "papers": {}}', "newer than this readlist"),
        (b"\x00\x01\x02 binary junk", "corrupt"),
    ],
)
def test_bad_library_file_is_reported_and_left_alone(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(content)
    with pytest.raises(LibraryError, match=message) as info:
        Store(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == content


def test_corrupt_journal_middle_is_an_error(store: Store) -> None:
    ids = make(store, 2)
    actions.set_starred(store, ids[:1], True, now=NOW)
    actions.set_starred(store, ids[1:], True, now=NOW)
    lines = store.journal_path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"Paper 0", b"Pxper 0")
    store.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(LibraryError, match="journal is corrupt"):
        Store(store.path)


def test_snapshot_is_plain_tinydb_json(store: Store) -> None:
    make(store, 2)
    store.compact()
    data = json.loads(store.path.read_text())
    assert set(data) == {"_readlist", "papers"}
    assert data["papers"]["p00000"]["title"] == "Paper 0"


def test_truncated_snapshot_is_corrupt(store: Store) -> None:
    make(store, 30)
    store.compact()
    whole = store.path.read_bytes()
    assert whole.count(b"\n") == 30 + 4  # one document per line
    for cut in (len(whole) // 2, len(whole) - 3):
        store.path.write_bytes(whole[:cut])
        with pytest.raises(LibraryError, match="corrupt"):
            Store(store.path)
        assert store.path.read_bytes() == whole[:cut]


def test_pretty_printed_snapshot_still_loads(store: Store) -> None:
    make(store, 3)
    store.compact()
    data = json.loads(store.path.read_text())
    store.path.write_text(json.dumps(data, indent=4))
    store.journal_path.unlink()
    with Store(store.path) as again:
        assert [p.title for p in again.papers()] == ["Paper 0", "Paper 1", "Paper 2"]
