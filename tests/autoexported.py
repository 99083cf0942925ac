"""What the auto-export tests (tests/core and tests/tui) look at in the file written:
the full export it must equal, how many entries it holds, whether it was rewritten,
which way readlist/exportfile.py wrote it, and a hand edit that hides from the mtime;
and the first export of a library, from which they change it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from readlist.autoexport import HEADER, MARK, selected, update_all
from readlist.config import AutoExport
from readlist.entrycache import EntryCache
from readlist.exporters import Options, exporter_for
from readlist.store import Store
from tests.conftest import NOW

TAG = "qxjvkw"  # a word no seed title or abstract comes near
OLD = 946684800  # 2000-01-01: an mtime no rewrite could keep


def full_export(store: Store, fmt: str = "bibtex") -> bytes:
    """The file as a full render of every selected paper makes it (no cache, no record)."""
    exporter = exporter_for(fmt)
    papers = [store.get(i) for i in selected(store.records(), "", NOW)]
    return exporter.stamp(exporter.render(papers, Options(fmt)), MARK).encode("utf-8")


@contextmanager
def first_export(
    lib: Path, out: Path, fmt: str = "bibtex", cache: EntryCache | None = None
) -> Iterator[tuple[Store, list[AutoExport]]]:
    """The library open, its auto-export to `out` (a new file) written in full once:
    with a `cache`, as the TUI keeps one between updates; without, as a command."""
    exports = [AutoExport(out, format=fmt)]
    with Store(lib) as store:
        assert update_all(store, exports, NOW, cache=cache)[0].written
        yield store, exports


def entries(path: Path) -> int:
    """How many entries the file holds (parsed, without the slow LaTeX decoding)."""
    data = path.read_bytes()
    assert data.startswith(HEADER)
    library = parse_string(data.decode())
    assert not library.failed_blocks
    return len(library.entries)


def aged(path: Path) -> tuple[int, float]:
    """Back-date the file, so that any rewrite at all shows in its mtime (and inode)."""
    os.utime(path, (OLD, OLD))
    return stamp_of(path)


def stamp_of(path: Path) -> tuple[int, float]:
    st = path.stat()
    return st.st_ino, st.st_mtime


def edit_in_place(path: Path) -> None:
    """Change one byte of a title in place, as an editor without backups would: the
    same size, the mtime put back (only the ctime and the head can tell)."""
    data = path.read_bytes()
    st = os.stat(path)
    at = data.index(b"title") + 20
    with open(path, "r+b") as fh:
        fh.write(data[:at] + (b"X" if data[at : at + 1] != b"X" else b"Y") + data[at + 1 :])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def library_files(directory: Path) -> list[str]:
    """The names of the library's own files in `directory` (and the test's home)."""
    return [n for n in os.listdir(directory) if n.startswith("lib.json") or n == "home"]


def calls_to(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, names: Iterable[str]
) -> list[str]:
    """The names of `module`'s functions among `names`, in the order they are called
    (each still does its work): which way an update wrote the file."""
    seen: list[str] = []
    for name in names:
        real = getattr(module, name)

        def spy(*args: Any, _real: Any = real, _name: str = name) -> Any:
            seen.append(_name)
            return _real(*args)

        monkeypatch.setattr(module, name, spy)
    return seen
