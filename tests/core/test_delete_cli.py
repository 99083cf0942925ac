"""`readlist rm` and `readlist restore`, as a user runs them: real subprocesses, a real
terminal (a pty) for the question, the library compared by hash when nothing may change."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.core.test_bad_input import fingerprint

SEED = SEEDS / "004_097c14f588d18b51.txt"


def run(
    lib: Path, *args: str, tty_input: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`readlist --db lib ARGS`; with `tty_input`, stdin is a terminal that types it."""
    argv = [sys.executable, "-m", "readlist", "--db", str(lib), *args]
    full_env = {**os.environ, **(env or {})}
    if tty_input is None:
        return subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=full_env, timeout=60
        )
    main_fd, child_fd = pty.openpty()
    try:
        os.write(main_fd, tty_input)  # the terminal holds the line until it is read
        return subprocess.run(
            argv, stdin=child_fd, capture_output=True, text=True, env=full_env, timeout=60
        )
    finally:
        os.close(child_fd)
        os.close(main_fd)


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    path = folder / "lib.json"
    assert run(path, "import", str(SEED)).returncode == 0
    return path


def ids(lib: Path) -> list[str]:
    return [line.split()[0] for line in run(lib, "list").stdout.splitlines()]


def titles(lib: Path) -> list[str]:
    return [p["title"] for p in json.loads(run(lib, "list", "--json").stdout)]


def test_rm_without_a_terminal_or_yes_refuses_and_changes_nothing(lib: Path) -> None:
    before = fingerprint(lib.parent)
    first = ids(lib)[0]
    result = run(lib, "rm", first)
    assert result.returncode == 2
    assert result.stderr == "readlist: error: rm: not deleting 1 paper without asking; add --yes\n"
    assert fingerprint(lib.parent) == before


def test_rm_yes_deletes_and_restore_brings_back(lib: Path) -> None:
    all_ids = ids(lib)
    result = run(lib, "rm", "--yes", all_ids[0], all_ids[1][:5])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("deleted 2 papers")
    assert ids(lib) == all_ids[2:]
    trash = run(lib, "restore").stdout.splitlines()
    assert sorted(line.split()[0] for line in trash) == sorted(all_ids[:2])
    assert all("2026-11-23" in line for line in trash)  # when (READLIST_NOW)
    back = run(lib, "restore", all_ids[0][:4])
    assert back.returncode == 0, back.stderr
    assert back.stdout == "restored 1 paper\n"
    assert ids(lib) == [all_ids[0], *all_ids[2:]]  # where it stood
    again = run(lib, "restore", all_ids[0])
    assert again.returncode == 1
    assert again.stderr == f"readlist: error: cannot restore {all_ids[0]}: it is in the library\n"


def test_restore_with_an_empty_trash_says_so_on_stderr_and_exits_0(lib: Path) -> None:
    """An empty list is not an error (a script's `set -e` goes on); stdout stays empty
    for a script that reads ids from it."""
    before = fingerprint(lib.parent)
    result = run(lib, "restore")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "readlist: the trash is empty: no deleted paper to restore\n"
    pid = ids(lib)[0]
    result = run(lib, "restore", "fffffff")
    assert result.returncode == 1
    assert result.stderr == (
        "readlist: error: no deleted paper with id fffffff: the trash is empty\n"
    )
    assert run(lib, "restore", pid).stderr == (
        f"readlist: error: cannot restore {pid}: it is in the library\n"
    )
    assert fingerprint(lib.parent) == before


def test_restore_lists_the_trash_with_a_heading_on_stderr(lib: Path) -> None:
    first, second = ids(lib)[:2]
    names = dict(zip(ids(lib), titles(lib), strict=True))
    assert run(lib, "rm", "--yes", first).returncode == 0
    assert run(lib, "rm", "--yes", second).returncode == 0
    result = run(lib, "restore")
    assert result.returncode == 0
    assert result.stderr == (
        "readlist: 2 deleted papers, newest first (id, day deleted, title); "
        "readlist restore ID puts one back\n"
    )
    assert result.stdout == (  # second deleted last: first (READLIST_NOW's day)
        f"{second}  2026-11-23  {names[second]}\n{first}  2026-11-23  {names[first]}\n"
    )
    assert run(lib, "restore", first).returncode == 0
    assert run(lib, "restore").stderr.startswith("readlist: 1 deleted paper, newest first")


def test_rm_on_a_terminal_asks_naming_how_many_and_the_titles(lib: Path) -> None:
    first, second = ids(lib)[:2]
    names = titles(lib)[:2]
    before = fingerprint(lib.parent)
    result = run(lib, "rm", first, second, tty_input=b"n\n")
    assert result.returncode == 1
    assert "Delete 2 papers? [y/N] " in result.stderr
    for pid, title in zip([first, second], names, strict=True):
        assert f"  {pid}  {title}\n" in result.stderr
    assert result.stderr.endswith("readlist: nothing deleted\n")
    assert fingerprint(lib.parent) == before
    result = run(lib, "rm", first, second, tty_input=b"\x04")  # ctrl-D: no
    assert result.returncode == 1
    assert fingerprint(lib.parent) == before
    result = run(lib, "rm", first, second, tty_input=b"y\n")
    assert result.returncode == 0, result.stderr
    assert first not in ids(lib)
    assert second not in ids(lib)


def test_rm_of_many_names_the_count_and_only_the_first_titles(lib: Path) -> None:
    all_ids = ids(lib)
    assert len(all_ids) > 12
    result = run(lib, "rm", *all_ids, tty_input=b"yes\n")
    assert result.returncode == 0, result.stderr
    assert f"Delete {len(all_ids)} papers? [y/N] " in result.stderr
    assert result.stderr.count("\n") == 10  # ten titles, then the question
    assert ids(lib) == []


def test_rm_keeps_auto_exported_files_in_step(lib: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bib = tmp_path / "all.bib"
    (home / "config.toml").write_text(f'[[export.auto]]\npath = "{bib}"\n')
    env = {"READLIST_HOME": str(home)}
    first = ids(lib)[0]
    assert run(lib, "mark", first, "--star", env=env).returncode == 0
    count = bib.read_text().count("\n@")
    assert run(lib, "rm", "--yes", first, env=env).returncode == 0
    assert bib.read_text().count("\n@") == count - 1


def test_rm_of_an_unknown_id_is_one_line(lib: Path) -> None:
    before = fingerprint(lib.parent)
    result = run(lib, "rm", "--yes", ids(lib)[0], "fffffff")
    assert result.returncode == 1
    assert result.stderr == "readlist: error: no paper with id fffffff\n"
    assert fingerprint(lib.parent) == before


def test_a_backup_imported_into_a_new_library_keeps_the_trash_and_its_retired_keys(
    lib: Path, tmp_path: Path
) -> None:
    """`readlist backup` then `readlist import BACKUP` (the README's restore): the
    deleted papers can still be restored, in their places, and their keys stay
    retired, so no other paper can take a key a document may cite."""
    all_ids = ids(lib)
    gone, other = all_ids[1], all_ids[3]
    assert run(lib, "export", "--ids", gone, "-o", str(tmp_path / "refs.bib")).returncode == 0
    key = json.loads(run(lib, "show", gone, "--json").stdout)[0]["bibkey"]
    assert run(lib, "rm", "--yes", gone).returncode == 0
    again = all_ids[5]  # deleted and restored: in the library, nothing in the trash
    assert run(lib, "rm", "--yes", again).returncode == 0
    assert run(lib, "restore", again).returncode == 0
    backup = tmp_path / "backup.json"
    assert run(lib, "backup", str(backup)).returncode == 0
    new = tmp_path / "new" / "lib.json"
    new.parent.mkdir()
    done = run(new, "import", str(backup))
    assert done.returncode == 0, done.stderr
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import re, sys\n"
        "p = sys.argv[-1]\n"
        "t = open(p, encoding='utf-8').read()\n"
        "if not t.startswith('# error'):\n"
        f"    t = re.sub(r'(?m)^key = .*$', 'key = \"{key}\"', t)\n"
        "    open(p, 'w', encoding='utf-8').write(t)\n"
    )
    edit = run(new, "edit", other, env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    assert edit.returncode == 1
    assert f"{key} is taken by the deleted paper {gone}" in edit.stderr
    assert [line.split()[0] for line in run(new, "restore").stdout.splitlines()] == [gone]
    back = run(new, "restore", gone)
    assert back.returncode == 0, back.stderr
    assert ids(new) == all_ids  # in its place, as in the library backed up


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"title": "T", "keys": "smith2020"}, "deleted paper 'abc1234' is not a record of one"),
        ({"title": "T", "keys": ["bad key"]}, "deleted paper 'abc1234' is not a record of one"),
        ({"title": "T", "keys": [], "paper": {"title": 3}}, "paper abc1234: title"),
    ],
)
def test_a_backup_with_a_malformed_deleted_table_is_refused_whole(
    lib: Path, tmp_path: Path, record: dict[str, object], why: str
) -> None:
    backup = tmp_path / "backup.json"
    assert run(lib, "backup", str(backup)).returncode == 0
    data = json.loads(backup.read_text(encoding="utf-8"))
    data["deleted"] = {"abc1234": record}
    backup.write_text(json.dumps(data), encoding="utf-8")
    new = tmp_path / "new" / "lib.json"
    new.parent.mkdir()
    done = run(new, "import", str(backup))
    assert done.returncode == 1
    assert done.stderr.startswith("readlist: error: backup.json: not ")
    assert why in done.stderr
    assert done.stderr.count("\n") == 1
    assert not new.exists()


def test_a_command_on_a_deleted_paper_says_it_is_in_the_trash(lib: Path) -> None:
    """`readlist show ID` after `rm ID` said only "no paper with id": a user could not
    tell a typo from a paper deleted, nor that restore brings it back."""
    gone = ids(lib)[0]
    assert run(lib, "rm", "--yes", gone).returncode == 0
    for args in (["show", gone], ["mark", gone[:5], "--read"], ["note", gone, "x"]):
        result = run(lib, *args)
        assert result.returncode == 1, args
        assert result.stderr == (
            f"readlist: error: no paper with id {gone}: it was deleted "
            f"(readlist restore {gone} brings it back)\n"
        ), args
    typo = run(lib, "show", "0000000")
    assert typo.stderr == "readlist: error: no paper with id 0000000\n"


@pytest.mark.parametrize("rm_the_new_copy", [False, True], ids=["restore", "rm-then-restore"])
def test_the_old_state_of_a_paper_that_arrived_again_can_be_restored(
    lib: Path, rm_the_new_copy: bool
) -> None:
    """The README: a deleted paper arriving again comes back new, "its old state is in
    the trash if you want it instead". It could not be had: restore said it was in the
    library, and rm of the new copy put that copy in the trash over the old one."""
    pid = ids(lib)[2]
    assert run(lib, "note", pid, "my precious note").returncode == 0
    assert run(lib, "mark", pid, "--read", "--star").returncode == 0
    assert run(lib, "rm", "--yes", pid).returncode == 0
    assert run(lib, "import", str(SEED)).returncode == 0  # it arrives again, new
    new = json.loads(run(lib, "show", pid, "--json").stdout)[0]
    assert (new["notes"], new["read"], new["starred"]) == ("", False, False)
    assert run(lib, "tag", pid, "+since").returncode == 0  # state of the new copy
    listed = run(lib, "restore").stdout.splitlines()
    assert len(listed) == 1
    assert listed[0].startswith(pid)
    assert listed[0].endswith("(in the library again: restore brings its old state back)")
    if rm_the_new_copy:
        assert run(lib, "rm", "--yes", pid).returncode == 0
    back = run(lib, "restore", pid)
    assert back.returncode == 0, back.stderr
    doc = json.loads(run(lib, "show", pid, "--json").stdout)[0]
    assert (doc["notes"], doc["read"], doc["starred"]) == ("my precious note", True, True)
    assert "since" in doc["tags"]  # nothing of either copy is lost
    assert run(lib, "restore").stdout == ""  # nothing more to bring back
