"""The store refuses what it cannot prove safe, and leaves the files exactly as they were."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.table import Table

from readlist import actions
from readlist.atomic import atomic_write
from readlist.cli import main
from readlist.errors import LibraryError
from readlist.fileformat import journal_line
from readlist.journal import JournalStorage
from readlist.model import Paper
from readlist.store import LibraryDB, Store
from tests.conftest import NOW, FailNth


def make(store: Store, n: int) -> list[str]:
    store.put(Paper(id=f"p{i:05d}", title=f"Paper {i}") for i in range(n))
    return [f"p{i:05d}" for i in range(n)]


def hashes(folder: Path) -> dict[str, str]:
    """Every file in the library's folder except the (empty) lock file, by content."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def live(store: Store) -> Store:
    """A library with papers in the snapshot and more changes in the journal."""
    ids = make(store, 4)
    store.compact()
    actions.set_starred(store, ids[:1], True, now=NOW)
    actions.change_tags(store, ids[1:2], add=["x"])
    return store


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def assert_refused(
    path: Path, capsys: pytest.CaptureFixture[str], match: str, *commands: list[str]
) -> None:
    before = hashes(path.parent)
    with pytest.raises(LibraryError, match=match) as info:
        Store(path)
    assert "\n" not in str(info.value)
    for command in commands:
        code, err = run_cli(capsys, "--db", str(path), *command)
        assert code == 1, command
        assert err.count("\n") == 1, err
        assert match in err
        assert "Traceback" not in err
    assert hashes(path.parent) == before


# -- item 2: a corrupt journal ---------------------------------------------------------


def test_flipped_byte_in_journal_header_is_an_error_and_touches_nothing(
    live: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = bytearray(live.journal_path.read_bytes())
    raw[12] ^= 0x01  # inside the header's JSON: the CRC no longer matches
    live.journal_path.write_bytes(bytes(raw))
    assert_refused(
        live.path,
        capsys,
        "journal is corrupt at byte 0",
        ["list"],
        ["mark", "p00000", "--unstar"],
        ["import", str(Path(__file__).parents[2] / "seeds")],
    )


def test_complete_last_line_with_bad_crc_is_corruption_not_a_torn_write(
    live: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = live.journal_path.read_bytes()
    assert raw.endswith(b"\n")
    live.journal_path.write_bytes(raw.replace(b'"x"', b'"y"'))
    assert_refused(live.path, capsys, "journal is corrupt", ["list"], ["mark", "p00002", "--read"])


def test_torn_tail_is_ignored_on_read_and_cut_off_by_the_next_writer(live: Store) -> None:
    good = live.journal_path.read_bytes()
    title = "never acknowledged " * 50  # longer than the next line, so it must be cut
    torn = journal_line({"set": {"papers": {"p00003": {"title": title}}}})[:-1]
    live.journal_path.write_bytes(good + torn)
    with Store(live.path) as reader:
        assert reader.get("p00003").title == "Paper 3"
    assert live.journal_path.read_bytes() == good + torn  # a reader changes nothing
    with Store(live.path) as writer:
        actions.set_read(writer, ["p00002"], True, now=NOW)
    after = live.journal_path.read_bytes()
    assert after.startswith(good)
    assert after.endswith(b"\n")
    assert after[len(good) :].count(b"\n") == 1  # exactly the new line: the tail is gone
    with Store(live.path) as again:
        assert again.get("p00002").read
        assert again.get("p00000").starred
        assert again.get("p00003").title == "Paper 3"


def test_journal_newer_than_the_library_file_is_refused(
    live: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    old_snapshot = live.path.read_bytes()
    live.compact()  # generation + 1 on both files
    actions.set_read(live, ["p00003"], True, now=NOW)
    live.path.write_bytes(old_snapshot)  # "restored" an older library file
    assert_refused(live.path, capsys, "newer than the library file", ["list"])


def test_journal_that_vanishes_while_holding_changes_stops_the_writer(live: Store) -> None:
    before = live.path.read_bytes()
    live.journal_path.unlink()
    with pytest.raises(LibraryError, match="journal disappeared"):
        actions.set_read(live, ["p00003"], True, now=NOW)
    assert live.path.read_bytes() == before
    assert not live.journal_path.exists()


def test_stale_journal_from_an_older_generation_is_replaced(live: Store) -> None:
    """The one case where the store may replace a journal: proven redundant."""
    old_journal = live.journal_path.read_bytes()
    live.compact()
    live.journal_path.write_bytes(old_journal)  # as if the compaction died before its rename
    with Store(live.path) as again:
        assert again.get("p00001").tags == ["x"]
        actions.set_read(again, ["p00003"], True, now=NOW)
    assert not live.journal_path.read_bytes().startswith(old_journal[:20])


# -- item 3: the library file deleted while its journal remains --------------------------


def test_deleted_library_file_with_journal_is_refused(
    live: Store, capsys: pytest.CaptureFixture[str], seeds_dir: Path
) -> None:
    live.path.unlink()
    assert_refused(
        live.path,
        capsys,
        "holds data",
        ["list"],
        ["mark", "p00000", "--read"],
        ["import", str(seeds_dir)],
    )
    with pytest.raises(LibraryError, match=str(live.journal_path)):
        Store(live.path, create=True)
    with pytest.raises(LibraryError, match="holds data"):
        Store(live.path, create=False)
    assert not live.path.exists()


def test_deleted_library_file_is_noticed_by_an_open_store(live: Store) -> None:
    journal = live.journal_path.read_bytes()
    live.path.unlink()
    with pytest.raises(LibraryError, match="holds data"):
        actions.set_read(live, ["p00003"], True, now=NOW)
    assert live.journal_path.read_bytes() == journal
    assert not live.path.exists()


# -- item 14: malformed but valid JSON ----------------------------------------------------

META_OK = b'{"_readlist": {"1": {"schema": 1, "generation": 1}}, '


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        (b'{"_readlist": {"1": {"schema": 1, "generation": "2"}}, "papers": {}}', "generation"),
        (b'{"_readlist": {"1": {"schema": 1, "generation": 1.5}}, "papers": {}}', "generation"),
        (b'{"_readlist": {"1": {"schema": 1, "generation": -1}}, "papers": {}}', "generation"),
        (b'{"_readlist": {"1": {"schema": 1, "generation": null}}, "papers": {}}', "generation"),
        (b'{"_readlist": {"1": {"schema": -1}}, "papers": {}}', "schema must be"),
        (b'{"_readlist": {"1": {"schema": "1"}}, "papers": {}}', "schema must be"),
        (b'{"_readlist": {"1": {"schema": 1.0}}, "papers": {}}', "schema must be"),
        (b'{"_readlist": {"1": {"schema": true}}, "papers": {}}', "schema must be"),
        (b'{"_readlist": {"1": {"schema": 0}}, "papers": {}}', "schema must be"),
        (b'{"_readlist": [1], "papers": {}}', "not a readlist library"),
        (META_OK + b'"papers": []}', "is not an object"),
        (META_OK + b'"papers": {"a": 1}}', "not an object with a title"),
        (META_OK + b'"papers": {"a": {"abstract": "no title"}}}', "not an object with a title"),
        (META_OK + b'"papers": {"a": {"title": 7}}}', "not an object with a title"),
        (META_OK + b'"papers": {}, "other": {"1": []}}', "not an object"),
    ],
)
def test_malformed_library_file_is_one_line_and_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], snapshot: bytes, message: str
) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(snapshot)
    assert_refused(path, capsys, message, ["list"], ["mark", "a", "--read"])


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        (b'{"title": "t", "sources": [1]}', "sources[0]: expected `object`, got `int`"),
        (b'{"title": "t", "tags": 5}', "tags: expected `array`, got `int`"),
        (b'{"title": "t", "sources": 1}', "sources: expected `array`, got `int`"),
    ],
)
def test_paper_with_malformed_fields_is_named_and_the_rest_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: bytes, problem: str
) -> None:
    path = tmp_path / "library.json"
    good = b'"abcd999": {"title": "A good paper"}'
    path.write_bytes(META_OK + b'"papers": {"abcd123": ' + doc + b", " + good + b"}}")
    before = hashes(tmp_path)
    with Store(path) as store, pytest.raises(LibraryError, match=re.escape(problem)):
        store.get("abcd123")
    # Listing shows the rest and names the bad paper once, on stderr.
    code, err = run_cli(capsys, "--db", str(path), "list")
    assert code == 0
    assert err.count("\n") == 1
    assert "abcd123" in err
    assert "readlist check" in err
    code, err = run_cli(capsys, "--db", str(path), "check")
    assert code == 1
    for command in (["show", "abcd123"], ["mark", "abcd123", "--read"]):
        code, err = run_cli(capsys, "--db", str(path), *command)
        assert code == 1
        assert err.count("\n") == 1
        assert f"paper abcd123: {problem}" in err
    assert hashes(tmp_path) == before


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "not a readlist commit"),
        ({"set": [], "del": {}}, "not a readlist commit"),
        ({"put": {}}, "not a readlist commit"),
        ({"set": {"papers": []}}, "non-object"),
        ({"set": {"papers": {"a": "title"}}}, "not an object with a title"),
        ({"set": {"papers": {"a": {"title": None}}}}, "not an object with a title"),
        ({"del": {"papers": "p00000"}}, "bad ids"),
        ({"del": {"papers": [1]}}, "bad ids"),
    ],
)
def test_malformed_journal_record_is_one_line_and_untouched(
    live: Store, capsys: pytest.CaptureFixture[str], record: object, message: str
) -> None:
    with open(live.journal_path, "ab") as fh:
        fh.write(journal_line(record))
    assert_refused(live.path, capsys, message, ["list"], ["mark", "p00000", "--read"])


@pytest.mark.parametrize(
    "header",
    [
        {"journal": 1, "generation": "1"},
        {"journal": 1},
        {"generation": 1},
        [1],
        {"journal": 1, "generation": True},
    ],
)
def test_malformed_journal_header_is_refused(
    live: Store, capsys: pytest.CaptureFixture[str], header: object
) -> None:
    lines = live.journal_path.read_bytes().split(b"\n", 1)
    live.journal_path.write_bytes(journal_line(header) + lines[1])
    assert_refused(live.path, capsys, "journal is corrupt at byte 0", ["list"])


# -- item 14: permissions, ownership, temp files, symlinks ---------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600)])
def test_new_library_files_honour_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    os.umask(mask)
    with Store(tmp_path / "library.json") as store:
        make(store, 2)
        store.compact()
        store.backup(tmp_path / "backup.json")
    assert mode(tmp_path / "library.json") == expected
    assert mode(tmp_path / "library.json-journal") == expected
    assert mode(tmp_path / "backup.json") == expected


@pytest.mark.usefixtures("umask")
def test_replacing_a_library_file_keeps_its_mode(store: Store) -> None:
    make(store, 2)
    store.path.chmod(0o640)
    store.journal_path.chmod(0o600)
    store.compact()
    assert (mode(store.path), mode(store.journal_path)) == (0o640, 0o600)


def test_atomic_write_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real" / "refs.bib"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    atomic_write(link, [b"new ", b"text"])
    assert link.is_symlink()
    assert target.read_bytes() == b"new text"
    assert mode(target) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["refs.bib"]


def test_library_behind_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "library.json"
    real.parent.mkdir()
    with Store(real) as store:
        make(store, 2)
    link = tmp_path / "library.json"
    link.symlink_to(real)
    with Store(link) as store:
        actions.set_read(store, ["p00001"], True, now=NOW)
        store.compact()
    assert link.is_symlink()
    with Store(real) as again:
        assert again.get("p00001").read


@pytest.mark.parametrize("which", ["library.json", "library.json-journal", "library.json.lock"])
@pytest.mark.parametrize("bits", [0o002, 0o020])
def test_files_writable_by_others_are_refused(
    live: Store,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    which: str,
    bits: int,
) -> None:
    monkeypatch.setattr("readlist.libfiles._private_group", lambda gid, uid: False)
    file = live.path.parent / which
    file.touch()
    file.chmod(mode(file) | bits)
    assert_refused(live.path, capsys, "writable by", ["list"], ["mark", "p00000", "--read"])


def test_group_writable_is_fine_for_a_user_private_group(
    live: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    live.journal_path.chmod(0o660)
    monkeypatch.setattr("readlist.libfiles._private_group", lambda gid, uid: True)
    with Store(live.path) as again:
        assert len(again) == 4


@pytest.mark.parametrize("which", ["library.json", "library.json-journal", "library.json.lock"])
def test_files_owned_by_another_user_are_refused(
    live: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    """Only `which` appears to belong to someone else (uid + 7)."""
    real_stat = Path.stat

    def fake_stat(self: Path, **kw: bool) -> os.stat_result:
        st = real_stat(self, **kw)
        if self.name != which:
            return st
        fields = list(st)
        fields[stat.ST_UID] = os.geteuid() + 7
        return os.stat_result(fields)

    monkeypatch.setattr(Path, "stat", fake_stat)
    assert_refused(live.path, capsys, "owned by another user", ["list"])


def test_other_owner_is_checked_against_the_effective_uid(
    live: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    with pytest.raises(LibraryError, match="owned by another user"):
        Store(live.path)


def test_stale_temp_files_are_removed_under_the_lock(live: Store) -> None:
    folder = live.path.parent
    stale = [
        folder / ".library.json.compact-99999-deadbeef.tmp",
        folder / ".library.json.journal-4242-0a1b2c3d.tmp",
        folder / ".library.json.k2j4_x9q.tmp",  # an older readlist's mkstemp name
    ]
    keep = [folder / ".library.json.notes", folder / "other.json.compact-1-ab.tmp"]
    for path in stale + keep:
        path.write_bytes(b"x" * 1000)
    with Store(live.path) as reader:
        assert len(reader) == 4
    assert all(p.exists() for p in stale)  # a reader does not hold the lock
    with Store(live.path) as writer:
        actions.set_read(writer, ["p00000"], True, now=NOW)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep)


def test_compaction_removes_stale_temp_files(live: Store) -> None:
    actions.set_read(live, ["p00000"], True, now=NOW)  # this store's first write already swept
    stale = live.path.parent / ".library.json.compact-99999-deadbeef.tmp"
    stale.write_bytes(b"x" * 1000)
    live.compact()
    assert not stale.exists()


def test_compaction_temp_files_are_named_recognisably(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(store, 2)
    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    store.compact()
    assert [n.split("-")[0] for n in seen] == [".library.json.compact", ".library.json.journal"]
    assert all(n.endswith(".tmp") and f"-{os.getpid()}-" in n for n in seen)


# -- TinyDB, honestly; backup and restore ----------------------------------------------------


class StrIds(Table):
    document_id_class = str  # type: ignore[assignment]


def test_tinydb_with_readlist_storage_sees_every_paper_of_a_live_library(live: Store) -> None:
    assert live.journal_path.stat().st_size > 100  # papers changed since the snapshot
    with LibraryDB(live.path) as db:
        docs = {doc.doc_id: doc for doc in db.table("papers").all()}
    assert sorted(docs) == ["p00000", "p00001", "p00002", "p00003"]
    assert docs["p00000"]["starred"] is True
    assert docs["p00001"]["tags"] == ["x"]
    with TinyDB(live.path, storage=JournalStorage) as plain:
        assert len(plain.table("papers")) == 4


def test_tinydb_write_through_readlist_storage_is_durable(live: Store) -> None:
    with LibraryDB(live.path) as db:
        db.table("papers").update({"notes": "via tinydb"}, doc_ids=["p00002"])
    with Store(live.path) as again:
        assert again.get("p00002").notes == "via tinydb"
        assert again.get("p00001").tags == ["x"]


def test_tinydb_write_is_refused_when_the_library_changed_since_it_was_read(
    live: Store,
) -> None:
    with LibraryDB(live.path) as db:
        table = db.table("papers")
        assert len(table) == 4
        actions.set_read(live, ["p00003"], True, now=NOW)  # another writer, after TinyDB read
        with pytest.raises(LibraryError, match="changed on disk"):
            table.update({"notes": "stale"}, doc_ids=["p00002"])
    with Store(live.path) as again:
        assert again.get("p00003").read
        assert again.get("p00002").notes == ""


def test_backup_is_one_file_that_stock_tinydb_reads_whole(live: Store, tmp_path: Path) -> None:
    dest = tmp_path / "elsewhere" / "backup.json"
    dest.parent.mkdir()
    before = hashes(live.path.parent)
    assert live.backup(dest) == 4
    assert hashes(live.path.parent) == before  # a backup changes nothing in the library
    with TinyDB(dest) as db:  # stock JSONStorage
        assert len(db.table("papers")) == 4
    with TinyDB(dest) as db:
        db.table_class = StrIds
        docs = {doc.doc_id: doc for doc in db.table("papers").all()}
    assert docs["p00000"]["starred"] is True
    assert docs["p00001"]["tags"] == ["x"]
    with LibraryDB(dest) as db:
        assert len(db.table("papers")) == 4


def test_backup_refuses_the_library_own_files(live: Store, tmp_path: Path) -> None:
    link = tmp_path / "innocent.json"
    link.symlink_to(live.path)
    targets = [
        live.path,
        live.journal_path,
        live.lock_path,
        live.path.parent / ".library.json.compact-1-ab.tmp",
        link,
        live.path.parent / "." / "library.json-journal",
    ]
    before = hashes(live.path.parent)
    for target in targets:
        with pytest.raises(LibraryError, match="one of the library's own files"):
            live.backup(target)
    assert hashes(live.path.parent) == before


def test_a_bare_library_file_is_not_imported_as_a_backup(
    live: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Most papers may be in its journal: importing the file alone would lose them."""
    target = tmp_path / "other" / "library.json"
    code, err = run_cli(capsys, "--db", str(target), "import", str(live.path))
    assert code == 1
    assert "a library file, not a backup" in err
    with Store(target) as other:
        assert len(other) == 0


def test_backup_and_restore_through_the_cli(
    live: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.set_note(live, ["p00003"], "my note")
    live.put([live.get("p00002").replace(bibkey="paper2026two", read=True)])
    backup = tmp_path / "backup.json"
    assert main(["--db", str(live.path), "backup", str(backup)]) == 0
    assert capsys.readouterr().out == f"backed up 4 papers to {backup}\n"

    fresh = tmp_path / "fresh" / "library.json"
    fresh.parent.mkdir()  # only the default data directory is made on the fly
    assert main(["--db", str(fresh), "import", str(backup)]) == 0
    with Store(fresh) as restored, Store(live.path) as original:
        assert [p.to_doc() for p in restored.papers()] == [p.to_doc() for p in original.papers()]
        assert [p.id for p in restored.papers()] == [p.id for p in original.papers()]


def test_restore_into_a_changed_library_loses_nothing(live: Store, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    actions.set_note(live, ["p00003"], "old note")
    live.backup(backup)
    # Since the backup: a paper was unstarred, retagged, re-noted, another added.
    actions.set_starred(live, ["p00000"], False, now=NOW)
    actions.change_tags(live, ["p00001"], add=["y"], remove=["x"])
    actions.set_note(live, ["p00003"], "new note")
    live.put([Paper(id="p00009", title="Paper 9")])
    assert main(["--db", str(live.path), "import", str(backup)]) == 0
    with Store(live.path) as after:
        assert len(after) == 5
        assert after.get("p00000").starred  # either copy starred it
        assert after.get("p00001").tags == ["y", "x"]
        assert after.get("p00003").notes == "new note\n\nold note"
        assert after.get("p00009").title == "Paper 9"
    assert main(["--db", str(live.path), "import", str(backup)]) == 0  # idempotent
    with Store(live.path) as again:
        assert again.get("p00003").notes == "new note\n\nold note"


BACKUP_META = b'{"_readlist": {"1": {"schema": 1, "backup": true}}, '


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"_readlist": {"1": {"schema": 99, "backup": true}}, "papers": {}}', "newer"),
        (BACKUP_META + b'"papers": {"a": {"tags": []}}}', "not a usable readlist backup"),
        (
            BACKUP_META + b'"papers": {"a": {"title": "t", "sources": [1]}}}',
            "not restored: paper a: sources[0]: expected `object`",
        ),
        (BACKUP_META + b'"papers": []}', "not a usable readlist backup"),
        (b'{"_readlist": {"1": {"schema": 1}}, "papers": {}}', "a library file, not a backup"),
    ],
)
def test_bad_backup_is_refused_on_import(
    live: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = hashes(live.path.parent)
    code, err = run_cli(capsys, "--db", str(live.path), "import", str(bad))
    assert code == 1
    assert err.count("\n") == 1
    assert message in err
    assert hashes(live.path.parent) == before


def test_commit_never_cuts_off_complete_lines_it_has_not_read(live: Store) -> None:
    """Even a caller that skipped catching up cannot truncate acknowledged changes."""
    with Store(live.path) as other:
        actions.set_read(other, ["p00003"], True, now=NOW)
    journal = live.journal_path.read_bytes()
    storage = live._storage
    with pytest.raises(LibraryError, match="changed unseen"):
        storage.commit({"papers": ["p00002"]})
    assert live.journal_path.read_bytes() == journal


def test_a_journal_with_only_its_header_does_not_block_a_new_library(
    store: Store, seeds_dir: Path
) -> None:
    make(store, 3)
    store.compact()  # the journal is now just a header
    store.path.unlink()
    assert main(["--db", str(store.path), "import", str(seeds_dir)]) == 0
    with Store(store.path) as fresh:
        assert "p00000" not in fresh
        assert len(fresh) > 200


def test_creating_over_a_header_only_journal_survives_a_crash_between_renames(
    store: Store, fail_nth: FailNth
) -> None:
    make(store, 3)
    for _ in range(3):
        store.compact()  # the journal is now just a header of generation 4
    store.path.unlink()
    fail_nth(os, "replace", 2, OSError(5, "killed here"))
    with pytest.raises(OSError, match="killed here"):
        Store(store.path)
    assert fail_nth.calls == 2
    fail_nth.undo()
    with Store(store.path) as fresh:  # the old journal reads as stale, not newer
        assert len(fresh) == 0
        fresh.put([Paper(id="n1", title="New")])
    with Store(store.path) as again:
        assert [p.id for p in again.papers()] == ["n1"]


def test_tinydb_cannot_write_a_paper_readlist_would_refuse(live: Store) -> None:
    before = hashes(live.path.parent)
    with LibraryDB(live.path) as db:
        table = db.table("papers")
        with pytest.raises(LibraryError, match="not writing"):
            table.update({"title": None}, doc_ids=["p00002"])
        assert table.get(doc_id="p00002")["title"] == "Paper 2"
    assert hashes(live.path.parent) == before


COMPACTOR = """
import sys
from pathlib import Path
from readlist.store import Store
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    store.compact()
"""


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".library.json.")]


def test_kill_during_compaction_leaves_temp_files_the_next_writer_removes(store: Store) -> None:
    store.put(Paper(id=f"p{i:05d}", title=f"Paper {i}", abstract="x" * 2000) for i in range(2000))
    actions.set_starred(store, ["p00007"], True, now=NOW)
    left: list[Path] = []
    for _ in range(10):  # until a kill lands mid-write (almost always the first)
        proc = subprocess.Popen(
            [sys.executable, "-c", COMPACTOR, str(store.path)], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        deadline = time.monotonic() + 10
        while not temps(store.path.parent) and time.monotonic() < deadline:
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = temps(store.path.parent)
        if left:
            break
    assert left, "never caught a compaction mid-write"
    with Store(store.path) as after:
        assert len(after) == 2000
        assert after.get("p00007").starred
        actions.set_read(after, ["p00001"], True, now=NOW)
    assert temps(store.path.parent) == []


def test_document_line_without_its_id_is_corrupt(
    live: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = live.path.read_bytes()
    assert b'\n"p00001":{' in raw  # one document per line
    lines = raw.split(b"\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(b'"p00001":'))
    lines[n] = b"[1, 2, 3],"
    live.path.write_bytes(b"\n".join(lines))
    assert_refused(live.path, capsys, "library file is corrupt", ["list"])


def test_journal_that_shrinks_below_what_was_read_stops_the_writer(live: Store) -> None:
    journal = live.journal_path.read_bytes()
    cut = journal[: journal.rindex(b"\n", 0, len(journal) - 1) + 1]  # drop the last commit
    with open(live.journal_path, "r+b") as fh:  # same file, shorter
        fh.truncate(len(cut))
    with pytest.raises(LibraryError, match="journal shrank"):
        actions.set_read(live, ["p00003"], True, now=NOW)
    assert live.journal_path.read_bytes() == cut


def test_a_stale_journal_may_vanish(live: Store) -> None:
    old_journal = live.journal_path.read_bytes()
    live.compact()
    live.journal_path.write_bytes(old_journal)
    with Store(live.path) as again:
        live.journal_path.unlink()
        actions.set_read(again, ["p00003"], True, now=NOW)
    with Store(live.path) as third:
        assert third.get("p00003").read
        assert third.get("p00001").tags == ["x"]


def test_an_empty_journal_is_not_a_change_on_every_poll(live: Store) -> None:
    live.compact()
    live.journal_path.write_bytes(b"")
    with Store(live.path) as again:
        assert not again.refresh()
        assert not again.refresh()
        actions.set_read(again, ["p00003"], True, now=NOW)
    with Store(live.path) as third:
        assert third.get("p00003").read
