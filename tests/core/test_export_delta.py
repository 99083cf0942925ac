"""An auto-export update by the changes alone (readlist/entrydelta.py): a process that
keeps its entries (the TUI) looks at, renders and writes only the papers that
changed, and the file is still byte for byte the full export after every change."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate
from readlist import actions, changes, exportfile
from readlist.autoexport import update_all
from readlist.cli import main
from readlist.entrycache import EntryCache
from readlist.store import Store
from tests.autoexported import (
    calls_to,
    edit_in_place,
    first_export,
    full_export,
    library_files,
)
from tests.conftest import NOW, FailNth


@pytest.fixture
def ways(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each update wrote: the whole file (write), the changed entries in a copy of
    the rest (patch), only the record's digests (redigest), or only a new record of
    the same bytes (remember)."""
    return calls_to(monkeypatch, exportfile, ("write", "patch", "redigest", "remember"))


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_only_the_changed_entries_are_rendered_and_the_file_is_the_full_export(
    lib: Path, tmp_path: Path, ways: list[str], fmt: str
) -> None:
    out = tmp_path / "refs.bib"
    cache = EntryCache()
    listing = tmp_path / "more.txt"
    listing.write_text(generate(3, seed=7), encoding="utf-8")
    with first_export(lib, out, fmt, cache) as (store, exports):
        ids = [p.id for p in store.papers()]
        noted: list[changes.Change] = []

        def note(pid: str, text: str) -> changes.Change:
            noted.append(actions.set_note(store, [pid], text))
            return noted[-1]

        def elsewhere() -> None:  # another process writes; the TUI's store catches up
            assert main(["--db", str(lib), "note", ids[7], "from the shell"]) == 0
            store.refresh()

        steps: list[tuple[str | None, Callable[[], Any]]] = [
            ("patch", lambda: note(ids[4], "read §3 again")),
            ("patch", lambda: store.put([store.get(ids[0]).replace(title="A New First Title")])),
            (None, lambda: None),  # nothing changed: nothing read, nothing written
            ("patch", lambda: changes.undo(store, noted[0])),
            ("patch", elsewhere),
            ("patch", lambda: [note(ids[n], f"note {n}") for n in (1, 2, -1)]),
            ("write", lambda: store.remove([ids[5]])),
            ("patch", lambda: note(ids[-1], "after a delete")),
            ("write", lambda: store.put([store.get(ids[6]).replace(bibkey="renamed2024key")])),
            ("patch", lambda: note(ids[6], "after a key change")),
            ("write", lambda: store.put([store.get(ids[8]).replace(added="2020-01-01")])),
            ("write", lambda: main(["--db", str(lib), "import", str(listing)]) or store.refresh()),
            ("patch", lambda: note(ids[3], "after an import")),
            # a star is not in a .bib: only the record learns the entry's new digest
            ("redigest", lambda: actions.set_starred(store, [ids[3]], True, now=NOW)),
        ]
        for way, step in steps:
            ways.clear()
            rendered = cache.rendered
            step()
            (result,) = update_all(store, exports, NOW, cache=cache)
            assert result.error is None
            assert ways == ([] if way is None else [way]), step
            assert out.read_bytes() == full_export(store, fmt)
            if way in ("patch", "redigest"):
                assert cache.rendered - rendered <= 3  # the changed papers, no others
                assert result.written is (way == "patch")


def test_a_file_changed_by_anyone_else_is_written_in_full(
    lib: Path, tmp_path: Path, ways: list[str]
) -> None:
    out = tmp_path / "refs.bib"
    cache = EntryCache()
    with first_export(lib, out, cache=cache) as (store, exports):
        ids = [p.id for p in store.papers()]
        edit_in_place(out)
        ways.clear()
        actions.set_note(store, [ids[1]], "a change elsewhere in the file")
        assert update_all(store, exports, NOW, cache=cache)[0].written
        assert ways == ["write"]
        assert out.read_bytes() == full_export(store)
        out.unlink()  # gone: written again, whole
        ways.clear()
        actions.set_note(store, [ids[2]], "and another")
        assert update_all(store, exports, NOW, cache=cache)[0].written
        assert ways == ["write"]
        assert out.read_bytes() == full_export(store)


def test_a_crash_mid_patch_leaves_the_old_file_whole(
    lib: Path, tmp_path: Path, fail_nth: FailNth
) -> None:
    out = tmp_path / "refs.bib"
    cache = EntryCache()
    with first_export(lib, out, cache=cache) as (store, exports):
        before = out.read_bytes()
        pid = store.papers()[3].id
        actions.set_note(store, [pid], "a change in the middle")
        fail_nth(exportfile, "_copy", 2, OSError(28, "No space left on device"))
        (result,) = update_all(store, exports, NOW, cache=cache)
        assert result.error == "No space left on device"
        assert fail_nth.calls == 2  # the run after the changed entry
        assert out.read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == sorted(["refs.bib", *library_files(tmp_path)])
        fail_nth.undo()
        assert update_all(store, exports, NOW, cache=cache)[0].written
        assert out.read_bytes() == full_export(store)


def test_deleting_the_caches_gives_the_same_bytes(lib: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "refs.bib"
    cache = EntryCache()
    with first_export(lib, out, cache=cache) as (store, exports):
        pid = store.papers()[2].id
        actions.set_note(store, [pid], "kept")
        update_all(store, exports, NOW, cache=cache)
        kept = out.read_bytes()
        shutil.rmtree(store.render_dir)
        out.unlink()
        update_all(store, exports, NOW, cache=EntryCache())
        assert out.read_bytes() == kept == full_export(store)


def test_a_command_s_auto_export_rewrites_only_the_changed_entries(
    lib: Path, tmp_path: Path, isolated_home: Path, ways: list[str]
) -> None:
    """In a command (a process of its own, the library opened by its index), the
    papers changed since the file was written are the journal's since the snapshot
    the file's record names: only they are read and rendered."""
    out = tmp_path / "all.bib"
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(f'[[export.auto]]\npath = "{out}"\n')
    with Store(lib) as store:
        ids = [p.id for p in store.papers()]
    db = ["--db", str(lib)]
    assert main([*db, "mark", "--read", ids[0]]) == 0
    assert ways == ["write"]
    steps: list[tuple[str, list[str]]] = [
        ("patch", ["note", ids[3], "cite this"]),
        ("redigest", ["mark", "--star", ids[4]]),  # not in a .bib: the file stays
        ("patch", ["tag", ids[5], "+deltaword"]),
        ("patch", ["note", ids[3], "cite this, again"]),
        ("write", ["rm", "--yes", ids[6]]),  # a paper fewer: the full update
        ("patch", ["note", ids[7], "after a delete"]),
    ]
    for way, argv in steps:
        ways.clear()
        before = os.stat(out)
        assert main([*db, *argv]) == 0, argv
        assert ways == [way], argv
        with Store(lib) as store:
            assert out.read_bytes() == full_export(store)
        if way == "redigest":
            assert os.stat(out).st_ino == before.st_ino
    with Store(lib) as store:  # a change no auto-export followed, then folded in
        store.put([store.get(ids[8]).replace(notes="before a compaction")])
        store.compact()  # another snapshot: the journal no longer says what changed
    ways.clear()
    assert main([*db, "mark", "--star", ids[9]]) == 0
    assert ways == ["write"]  # the full update, which finds the change
    with Store(lib) as store:
        assert out.read_bytes() == full_export(store)
        store.compact()
    ways.clear()
    assert main([*db, "mark", "--star", ids[10]]) == 0
    assert ways == ["remember"]  # the same bytes, read from the new snapshot
    ways.clear()
    assert main([*db, "note", ids[11], "and the next"]) == 0
    assert ways == ["patch"]
    with Store(lib) as store:
        assert out.read_bytes() == full_export(store)
