"""The sidecar index is a cache: a crash while it is written, or a write it has not
seen, never changes an answer.

A real process is killed (SIGKILL) in the middle of writing the new snapshot or the
new sidecar; other processes compact without writing a sidecar (an older readlist)
or put an older copy of the library back. After each, every read command answers
exactly what it answered before (the library's content did not change) and what a
full load answers (the sidecar moved away).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.store import Store
from tests.conftest import SEEDS
from tests.core.test_sidecar import answers, index_of, run, same_with_and_without, used_index

# Runs a compaction in which the write of one kind of file ("compact": the snapshot,
# "index": the sidecar) stops after its first chunk is on disk, says so, and waits to
# be killed.
STALL = """
import sys, time
from pathlib import Path
import readlist.atomic, readlist.journal, readlist.sidecar
from readlist.store import Store

real = readlist.atomic.atomic_write
stall = sys.argv[2]

def atomic_write(path, data, *, temp_for=None, kind="write"):
    if kind != stall:
        return real(path, data, temp_for=temp_for, kind=kind)
    def chunks():
        pieces = [data] if isinstance(data, bytes) else list(data)
        written = 0
        for i, piece in enumerate(pieces):
            yield piece
            written += len(piece)
            if written > 1 << 16 or i == len(pieces) - 1:  # past the file's buffer
                print("stalled", written, flush=True)
                time.sleep(600)
    return real(path, chunks(), temp_for=temp_for, kind=kind)

readlist.journal.atomic_write = atomic_write
readlist.sidecar.atomic_write = atomic_write
with Store(Path(sys.argv[1])) as store:
    store.compact()
print("finished", flush=True)
"""

# A compaction by a readlist that knows no sidecar: the old one stays behind, stale.
NO_SIDECAR = """
import sys
from pathlib import Path
import readlist.journalindex
from readlist.store import Store

readlist.journalindex.write_index = lambda *args, **kwargs: None
with Store(Path(sys.argv[1])) as store:
    store.compact()
"""


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An indexed library with a journal the sidecar does not hold."""
    folder = tmp_path / "library"
    folder.mkdir()
    path = folder / "lib.json"
    for seed in ("002_3c55a4b56f8e4387.txt", "004_097c14f588d18b51.txt"):
        assert run(capsys, path, ["import", str(SEEDS / seed)])[0] == 0
    with Store(path) as store:
        store.compact()
    assert used_index(path)
    ids = [p["id"] for p in json.loads(run(capsys, path, ["list", "--json"])[1])]
    assert run(capsys, path, ["mark", ids[0], ids[4], "--star", "--read"])[0] == 0
    assert run(capsys, path, ["tag", ids[1], "+t1"])[0] == 0
    assert run(capsys, path, ["note", ids[2], "diffusion notes"])[0] == 0
    assert path.with_name("lib.json-journal").stat().st_size > 100
    return path


def killed_while_writing(lib: Path, kind: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", STALL, str(lib), kind],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("stalled ")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    temps = list(lib.parent.glob(f".lib.json.{kind}-*.tmp"))
    assert len(temps) == 1  # the torn file is there


@pytest.mark.parametrize("kind", ["compact", "index"])
def test_a_kill_while_compacting_never_changes_an_answer(
    lib: Path, kind: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = answers(capsys, monkeypatch, lib)
    old_index = index_of(lib).read_bytes()
    killed_while_writing(lib, kind)
    if kind == "compact":  # the old snapshot, journal and sidecar stand
        assert index_of(lib).read_bytes() == old_index
        assert used_index(lib)
    else:  # the new snapshot stands; the old sidecar describes another one
        assert index_of(lib).read_bytes() == old_index
        assert not used_index(lib)
    assert answers(capsys, monkeypatch, lib) == before
    same_with_and_without(capsys, monkeypatch, lib)
    # The next write sweeps the torn file and indexes the library again.
    pid = json.loads(run(capsys, lib, ["list", "--json"])[1])[7]["id"]
    assert run(capsys, lib, ["mark", pid, "--read"])[0] == 0
    assert not list(lib.parent.glob(".lib.json.*.tmp"))
    assert used_index(lib)
    assert run(capsys, lib, ["mark", pid, "--unread"])[0] == 0
    assert answers(capsys, monkeypatch, lib) == before
    same_with_and_without(capsys, monkeypatch, lib)


def test_a_compaction_that_writes_no_sidecar_leaves_it_unused(
    lib: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = answers(capsys, monkeypatch, lib)
    stale = index_of(lib).read_bytes()
    subprocess.run([sys.executable, "-c", NO_SIDECAR, str(lib)], check=True)
    assert index_of(lib).read_bytes() == stale  # still there, describing the old file
    assert lib.with_name("lib.json-journal").stat().st_size < 100  # folded in
    assert not used_index(lib)
    assert answers(capsys, monkeypatch, lib) == before
    same_with_and_without(capsys, monkeypatch, lib)


def test_an_older_copy_put_back_is_not_answered_from_the_newer_sidecar(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the library taken earlier (same generation) is restored over it, in
    place (same inode) and with its own mtime: the answers are the copy's."""
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("lib.json", "lib.json-journal"):
        shutil.copy2(lib.parent / name, copy / name)
    with Store(copy / "lib.json") as store:
        store.compact()  # the copy: same papers, generation + 1, no journal
    expected = answers(capsys, monkeypatch, copy / "lib.json")
    # The library goes on: edits and a compaction of its own (generation + 1 as well).
    ids = [p["id"] for p in json.loads(run(capsys, lib, ["list", "--json"])[1])]
    assert run(capsys, lib, ["mark", *ids[10:20], "--star"])[0] == 0
    assert run(capsys, lib, ["tag", *ids[10:20], "+restored"])[0] == 0
    with Store(lib) as store:
        store.compact()
    assert used_index(lib)
    inode = lib.stat().st_ino
    for name in ("lib.json", "lib.json-journal"):
        shutil.copy2(copy / name, lib.parent / name)  # over the file: same inode
    assert lib.stat().st_ino == inode
    assert not used_index(lib)
    assert answers(capsys, monkeypatch, lib) == expected
    same_with_and_without(capsys, monkeypatch, lib)
