"""The record of an auto-export's file (readlist/exportfile.py): only changed entries
are rewritten, and the file is byte for byte the full export after every change."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate
from readlist import exportfile
from readlist.autoexport import update_all
from readlist.cli import main
from readlist.config import AutoExport
from readlist.entrycache import EntryCache
from readlist.store import Store
from tests.autoexported import edit_in_place, first_export, full_export, library_files
from tests.conftest import NOW, FailNth


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bytes each copy of old entries moved (the incremental path at work)."""
    moved: list[int] = []
    real = exportfile._copy

    def counting(src: int, dst: int, offset: int, count: int) -> None:
        moved.append(count)
        real(src, dst, offset, count)

    monkeypatch.setattr(exportfile, "_copy", counting)
    return moved


def records(store: Store) -> list[str]:
    return sorted(n for n in os.listdir(store.render_dir) if n.endswith(".map"))


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_the_file_is_the_full_export_after_every_kind_of_change(
    lib: Path, tmp_path: Path, copies: list[int], fmt: str
) -> None:
    out = tmp_path / "refs.bib"
    cache = EntryCache()
    with first_export(lib, out, fmt, cache) as (store, exports):
        assert out.read_bytes() == full_export(store, fmt)
        assert copies == []  # the first write has nothing to copy
        ids = [p.id for p in store.papers()]

        listing = tmp_path / "more.txt"
        listing.write_text(generate(5, seed=7), encoding="utf-8")
        changes: list[Callable[[], Any]] = [
            lambda: store.put([store.get(ids[3]).replace(starred=True)]),
            lambda: store.put([store.get(ids[4]).replace(notes="read §3 again")]),
            lambda: store.put([store.get(ids[0]).replace(title="A New First Title")]),
            lambda: store.remove([ids[5]]),
            lambda: store.put([store.get(ids[6]).replace(bibkey="renamed2024key")]),
            lambda: main(["--db", str(lib), "import", str(listing)]) or store.refresh(),
            lambda: store.put([store.get(ids[-1]).replace(notes="the last one")]),
        ]
        for change in changes:
            change()
            update_all(store, exports, NOW, cache=cache)
            assert out.read_bytes() == full_export(store, fmt)
    assert copies, "no entry was copied from the old file"
    assert sum(copies) > len(out.read_bytes()) // 2


def test_a_change_bibtex_does_not_show_leaves_the_file_alone(
    lib: Path, tmp_path: Path, copies: list[int]
) -> None:
    out = tmp_path / "refs.bib"
    with first_export(lib, out) as (store, exports):
        before = os.stat(out)
        store.put([store.get(store.papers()[2].id).replace(starred=True)])
        assert update_all(store, exports, NOW)[0].written is False
        assert update_all(store, exports, NOW)[0].written is False
    after = os.stat(out)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_hand_edited_file_is_rewritten_in_full(
    lib: Path, tmp_path: Path, copies: list[int]
) -> None:
    """Same size, mtime put back: the edit is still found (ctime, head), so no stale
    byte of it is copied into the next file."""
    out = tmp_path / "refs.bib"
    with first_export(lib, out) as (store, exports):
        edit_in_place(out)
        store.put([store.get(store.papers()[-1].id).replace(notes="a change at the end")])
        assert update_all(store, exports, NOW)[0].written
        assert out.read_bytes() == full_export(store)
    assert copies == []


def test_a_torn_record_means_a_full_write(lib: Path, tmp_path: Path, copies: list[int]) -> None:
    out = tmp_path / "refs.bib"
    with first_export(lib, out) as (store, exports):
        (name,) = records(store)
        path = store.render_dir / name
        raw = bytearray(path.read_bytes())
        raw[-3] ^= 0xFF  # an end offset: would copy the wrong bytes
        path.write_bytes(bytes(raw))
        store.put([store.get(store.papers()[-1].id).replace(notes="a change at the end")])
        assert update_all(store, exports, NOW)[0].written
        assert out.read_bytes() == full_export(store)
        assert copies == []
        store.put([store.get(store.papers()[-1].id).replace(notes="and again")])
        assert update_all(store, exports, NOW)[0].written
        assert out.read_bytes() == full_export(store)
    assert copies  # the record was written again, whole


def test_records_of_old_targets_do_not_pile_up(lib: Path, tmp_path: Path) -> None:
    with Store(lib) as store:
        first = tmp_path / "a.bib"
        for _ in range(3):  # one record per file, replaced at each write
            first.unlink(missing_ok=True)
            update_all(store, [AutoExport(first)], NOW)
        assert len(records(store)) == 1
        first.unlink()  # the old target is gone: its record goes at the next write
        update_all(store, [AutoExport(tmp_path / "b.bib")], NOW)
        assert records(store) == [exportfile.record_path(store.render_dir, tmp_path / "b.bib").name]
        for n in range(exportfile.MAX_RECORDS + 4):
            update_all(store, [AutoExport(tmp_path / f"t{n}.bib")], NOW)
        assert len(records(store)) == exportfile.MAX_RECORDS


def test_a_crash_mid_write_leaves_the_old_file_whole(
    lib: Path, tmp_path: Path, fail_nth: FailNth
) -> None:
    out = tmp_path / "refs.bib"
    with first_export(lib, out) as (store, exports):
        before = out.read_bytes()
        store.put([store.get(store.papers()[0].id).replace(notes="a change at the front")])
        fail_nth(exportfile, "_copy", 1, OSError(28, "No space left on device"))
        (result,) = update_all(store, exports, NOW)
        assert result.error == "No space left on device"
        assert out.read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == sorted(["refs.bib", *library_files(tmp_path)])
        fail_nth.undo()
        assert update_all(store, exports, NOW)[0].written
        assert out.read_bytes() == full_export(store)


def test_a_change_of_the_same_length_is_written(lib: Path, tmp_path: Path) -> None:
    """An entry whose digest changed but whose length did not is compared by its bytes."""
    out = tmp_path / "refs.bib"
    with first_export(lib, out) as (store, exports):
        paper = store.get(store.papers()[1].id)
        title = paper.title[:-1] + ("x" if paper.title[-1] != "x" else "y")
        store.put([paper.replace(title=title)])
        assert update_all(store, exports, NOW)[0].written
        assert out.read_bytes() == full_export(store)
