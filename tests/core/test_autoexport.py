"""Auto-export through the CLI: the file changes when, and only when, its selection does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate
from readlist.autoexport import HEADER, update_all
from readlist.bibtex import Options
from readlist.cli import main
from readlist.config import AutoExport
from readlist.store import Store
from tests.autoexported import TAG, aged, entries, stamp_of
from tests.conftest import AS_OF, NOW, SEEDS
from tests.core.bibcheck import compile_bib, parse
from tests.core.netfake import FakeApis, Rec


@pytest.fixture
def ids(lib: Path) -> list[str]:
    with Store(lib) as store:
        return [p.id for p in store.papers()]


def configure(home: Path, target: Path, query: str = TAG) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'[[export.auto]]\npath = "{target}"\nquery = "{query}"\nstyle = "bibtex"\n'
    )


def untouched(path: Path, before: tuple[int, float]) -> bool:
    return stamp_of(path) == before


def titles(path: Path) -> list[str]:
    data = path.read_bytes()
    assert data.startswith(HEADER)
    return [e["title"] for e in parse(data.decode()).values()]


def run(lib: Path, *args: str) -> int:
    return main(["--db", str(lib), *args])


def test_file_changes_when_and_only_when_its_selection_does(
    lib: Path,
    ids: list[str],
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "thesis" / "refs.bib"
    configure(isolated_home, out)
    a, b, c = ids[:3]
    assert run(lib, "tag", a, f"+{TAG}") == 0  # like export -o: no directory is created
    assert capsys.readouterr().err.endswith(f"no such directory {out.parent}\n")
    out.parent.mkdir()
    assert run(lib, "tag", b, f"+{TAG}") == 0
    assert capsys.readouterr().err == f"readlist: auto-export: wrote 2 entries to {out}\n"
    assert len(titles(out)) == 2

    # Outside the selection: a star, a note, a tag; the file is not even rewritten.
    stamp = aged(out)
    assert run(lib, "mark", c, "--star") == 0
    assert run(lib, "note", c, "about this paper") == 0
    assert run(lib, "tag", c, "+other") == 0
    assert run(lib, "mark", a, "--read") == 0  # inside, but nothing BibTeX shows
    assert untouched(out, stamp)
    assert "auto-export" not in capsys.readouterr().err

    # Inside: a note is exported as `annote`.
    assert run(lib, "note", a, "cite for the related-work section") == 0
    assert not untouched(out, stamp)
    assert "related-work section" in out.read_text()

    # The selection grows and shrinks.
    stamp = aged(out)
    assert run(lib, "tag", c, f"+{TAG}") == 0
    assert len(titles(out)) == 3
    assert run(lib, "tag", c, f"-{TAG}") == 0
    assert len(titles(out)) == 2
    assert not untouched(out, stamp)


def test_every_write_command_updates_it(
    lib: Path, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.bib"
    configure(isolated_home, out, query="")
    assert run(lib, "mark", "--read", Store(lib).papers()[0].id) == 0
    assert entries(out) == 254
    listing = tmp_path / "new.txt"
    listing.write_text((SEEDS / sorted(os.listdir(SEEDS))[0]).read_text())
    stamp = aged(out)
    assert run(lib, "import", str(listing)) == 0  # only duplicates: nothing new
    assert untouched(out, stamp)
    listing.write_text(generate(1, seed=99))
    assert run(lib, "import", str(listing)) == 0
    assert entries(out) == 255
    capsys.readouterr()
    assert run(lib, "note", Store(lib).papers()[0].id) == 0  # reading a note writes nothing
    assert "auto-export" not in capsys.readouterr().err


def test_keys_are_stored_once_and_then_citable(
    lib: Path, ids: list[str], tmp_path: Path, isolated_home: Path
) -> None:
    out = tmp_path / "refs.bib"
    configure(isolated_home, out)
    assert run(lib, "tag", ids[0], ids[1], f"+{TAG}") == 0
    keys = list(parse(out.read_text()))
    with Store(lib) as store:
        assert [store.get(i).bibkey for i in ids[:2]] == keys
        assert update_all(store, [AutoExport(out, TAG)], now=NOW)[0].written is False


def test_memo_skips_the_render_only_while_nothing_it_shows_changed(
    lib: Path, ids: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist import autoexport
    from readlist.entrycache import EntryCache

    renders: list[int] = []
    real = EntryCache.render

    def counting(
        self: EntryCache,
        store: Store,
        exporter: Any,
        options: Options,
        ids: Any,
        *args: Any,
        **kw: Any,
    ) -> Any:
        renders.append(len(ids))
        return real(self, store, exporter, options, ids, *args, **kw)

    monkeypatch.setattr(EntryCache, "render", counting)
    out = tmp_path / "refs.bib"
    exports = [AutoExport(out, TAG)]
    memo: autoexport.Memo = {}
    with Store(lib) as store:
        store.put(store.get(i).replace(tags=[TAG]) for i in ids[:2])
        assert update_all(store, exports, NOW, memo)[0].written
        first = out.read_bytes()
        store.put([store.get(ids[9]).replace(notes="outside")])
        assert update_all(store, exports, NOW, memo)[0].written is False
        assert renders == [2]  # the second run rendered nothing
        out.write_bytes(first + b"% an edit\n")  # someone touched the file: rewrite it
        assert update_all(store, exports, NOW, memo)[0].written
        assert out.read_bytes() == first
        store.put([store.get(ids[0]).replace(notes="inside")])
        assert update_all(store, exports, NOW, memo)[0].written
        assert "inside" in out.read_text()
        assert renders == [2, 2, 2]


def test_undo_keeps_a_key_given_since_the_change(lib: Path, ids: list[str], tmp_path: Path) -> None:
    from readlist import actions
    from readlist.session import History

    out = tmp_path / "refs.bib"
    history = History()
    with Store(lib) as store:
        history.record(actions.change_tags(store, [ids[0]], add=[TAG]))
        update_all(store, [AutoExport(out, TAG)], now=NOW)  # the paper is cited from now on
        key = store.get(ids[0]).bibkey
        assert key
        history.undo(store)
        assert store.get(ids[0]).tags == []
        history.redo(store)
        assert store.get(ids[0]).tags == [TAG]
    with Store(lib) as store:
        assert store.get(ids[0]).bibkey == key


def test_keys_given_by_auto_export_do_not_block_undoing_an_import(
    lib: Path, tmp_path: Path
) -> None:
    from readlist.importing import import_listings
    from readlist.session import History

    history = History()
    with Store(lib) as store:
        outcome = import_listings(store, [("new.txt", generate(2, seed=5))], AS_OF, now=NOW)
        history.record(outcome.change)
        (result,) = update_all(store, [AutoExport(tmp_path / "all.bib")], now=NOW)
        assert result.count == 256  # the two new papers now hold keys
        applied = history.undo(store)
        assert applied is not None
        assert applied.skipped == []
        assert len(store) == 254


def test_a_hand_kept_file_is_never_replaced(
    lib: Path,
    ids: list[str],
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("@book{mine, title={My own}}\n")
    configure(isolated_home, out)
    assert run(lib, "tag", ids[0], f"+{TAG}") == 0  # the command itself succeeds
    err = capsys.readouterr().err
    assert err == (
        f"readlist: warning: auto-export {out}: not written by readlist auto-export; "
        "not replacing it (move it away first)\n"
    )
    assert out.read_text() == "@book{mine, title={My own}}\n"


def test_failures_are_warnings_and_the_library_is_refused(
    lib: Path,
    ids: list[str],
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(isolated_home, lib)
    before = lib.read_bytes()
    assert run(lib, "mark", ids[0], "--star") == 0
    assert capsys.readouterr().err == (
        f"readlist: warning: auto-export {lib}: that is a file of the library; not overwriting it\n"
    )
    with Store(lib) as store:
        assert store.get(ids[0]).starred
    assert not lib.read_bytes().startswith(HEADER)
    assert lib.read_bytes() == before  # the star went to the journal; nothing replaced it
    twice = f'[[export.auto]]\npath = "{tmp_path / "a.bib"}"\n'
    (isolated_home / "config.toml").write_text(twice * 2)
    assert run(lib, "mark", ids[1], "--star") == 0
    assert capsys.readouterr().err.splitlines() == [
        f"readlist: auto-export: wrote 254 entries to {tmp_path / 'a.bib'}",
        f"readlist: warning: auto-export {tmp_path / 'a.bib'}: named by an earlier "
        "[[export.auto]]; skipped",
    ]
    (isolated_home / "config.toml").write_text("[[export.auto]\n")
    assert run(lib, "mark", ids[0], "--unstar") == 1  # refused before the write
    err = capsys.readouterr().err
    assert err.startswith("readlist: error: ")  # the config's fault, said as such
    assert "invalid TOML" in err
    assert len(err.splitlines()) == 1
    with Store(lib) as store:
        assert store.get(ids[0]).starred


def wait_for(check: Callable[[], bool], seconds: float = 15.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_watch_follows_another_process_until_interrupted(
    lib: Path, ids: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "watched.bib"
    assert run(lib, "tag", ids[0], ids[1], f"+{TAG}") == 0
    cmd = [sys.executable, "-m", "readlist", "--db", str(lib), "export", "--watch"]
    proc = subprocess.Popen(
        [*cmd, "--query", TAG, "-o", str(out)], stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_for(out.exists)
        assert len(parse(out.read_text())) == 2
        stamp = aged(out)
        assert run(lib, "mark", ids[5], "--star") == 0  # outside the selection
        time.sleep(1.5)  # three polls
        assert untouched(out, stamp)
        assert run(lib, "tag", ids[2], f"+{TAG}") == 0  # inside: another process's write
        assert wait_for(lambda: len(parse(out.read_text())) == 3)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert err.splitlines()[-1] == "readlist: stopped watching"


def test_watch_follows_the_aux_file(lib: Path, ids: list[str], tmp_path: Path) -> None:
    with Store(lib) as store:
        store.put(store.get(i).replace(bibkey=k) for i, k in zip(ids, ("a1", "b2"), strict=False))
    aux, out = tmp_path / "doc.aux", tmp_path / "refs.bib"
    aux.write_text("\\citation{a1}\n")
    cmd = [sys.executable, "-m", "readlist", "--db", str(lib), "export", "--watch"]
    proc = subprocess.Popen(
        [*cmd, "--aux", str(aux), "-o", str(out)], stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_for(lambda: out.exists() and list(parse(out.read_text())) == ["a1"])
        aux.write_text("\\citation{b2,a1}\n\\citation{zz}\n")
        assert wait_for(lambda: list(parse(out.read_text())) == ["b2", "a1"])
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "readlist: 1 cited key not in the library: zz" in err.splitlines()


def test_watch_needs_an_output(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "export", "--watch") == 2
    assert capsys.readouterr().err == "readlist: error: --watch needs -o FILE\n"


def test_network_commands_update_it_too(
    apis: FakeApis, isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.bib"
    config = isolated_home / "config.toml"
    config.write_text(config.read_text() + f'[[export.auto]]\npath = "{out}"\n')
    apis.add(Rec("2511.00001", "Zebra Striping in Attention Maps", ["Ada Lovelace"]))
    assert main(["add", "2511.00001"]) == 0
    assert titles(out) == ["Zebra Striping in Attention Maps"]
    capsys.readouterr()
    assert main(["add", "2511.00001", "2511.7"]) == 1  # refused before any write
    assert "auto-export" not in capsys.readouterr().err


def test_messages_make_terminal_escapes_harmless(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs\x1b[2J.bib"
    with Store(lib) as store:
        (result,) = update_all(store, [AutoExport(out, TAG)], now=NOW)
    assert result.written
    assert result.message() == f"auto-export: wrote 0 entries to {tmp_path}/refs?[2J.bib"
    assert out.read_bytes() == HEADER


def test_the_header_line_keeps_bibtex_quiet(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "auto.bib"
    with Store(lib) as store:
        update_all(store, [AutoExport(out, "stream")], now=NOW)
    text = out.read_text()
    assert text.startswith(HEADER.decode())
    work = tmp_path / "tex"
    work.mkdir()
    blg, pdf = compile_bib(text, work)
    assert "Warning--" not in blg
    assert "error message" not in blg
    assert pdf.exists()
