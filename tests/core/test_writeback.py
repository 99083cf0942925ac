"""A large atomic write starts each part's way to disk as it goes, so that its final
fsync waits for the last part only (readlist.atomic.start_writeback)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readlist import atomic, exportfile


@pytest.fixture
def kicks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        seen.append((offset, length))

    monkeypatch.setattr(atomic, "_FADVISE", fadvise)
    return seen


def test_a_large_write_starts_each_part_on_its_way_to_disk_in_order(
    tmp_path: Path, kicks: list[tuple[int, int]]
) -> None:
    pieces = [bytes([65 + n % 26]) * (1 << 20) for n in range(20)]  # 20 MB in 1 MB pieces
    target = tmp_path / "out.bib"
    atomic.atomic_write(target, pieces)
    assert target.read_bytes() == b"".join(pieces)
    assert kicks == [(0, 8 << 20), (8 << 20, 8 << 20)]  # the last 4 MB: the fsync's


def test_a_small_write_is_left_to_its_fsync(tmp_path: Path, kicks: list[tuple[int, int]]) -> None:
    atomic.atomic_write(tmp_path / "out.bib", [b"@misc{a,\n}\n"] * 1000)
    assert kicks == []


def test_an_export_file_copied_from_the_old_one_starts_each_chunk_on_its_way(
    tmp_path: Path, kicks: list[tuple[int, int]]
) -> None:
    old = tmp_path / "old.bib"
    old.write_bytes(b"x" * (20 << 20))
    new = tmp_path / "new.bib"
    src = os.open(old, os.O_RDONLY)
    dst = os.open(new, os.O_WRONLY | os.O_CREAT)
    try:
        os.write(dst, b"head\n")
        exportfile._copy(src, dst, 0, 20 << 20)
    finally:
        os.close(src)
        os.close(dst)
    assert new.read_bytes() == b"head\n" + b"x" * (20 << 20)
    chunk = exportfile.CHUNK
    assert kicks == [(5, chunk), (5 + chunk, chunk), (5 + 2 * chunk, (20 << 20) - 2 * chunk)]
