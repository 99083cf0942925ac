"""`readlist list --saved NAME`, `--limit N`, and the pager (only on a terminal, only
when the output is longer than the screen; $PAGER), each as a real subprocess; the
terminal is a pseudo-terminal of a known size."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from readlist.model import Paper
from readlist.store import Store
from tests.core.test_bad_input import fingerprint

ROWS = 10


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """30 papers, every third tagged thesis, every fifth read; two saved searches."""
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(
        '[searches]\nthesis = "tag:thesis"\nToDo = "tag:thesis is:unread"\n'
    )
    papers = [
        Paper(
            id=f"a{n:06d}",
            title=f"Paper number {n}",
            tags=["thesis"] if n % 3 == 0 else [],
            read=n % 5 == 0,
            added=f"2026-11-{n % 28 + 1:02d}T00:00:00+00:00",
        )
        for n in range(30)
    ]
    with Store(isolated_home / "library.json") as store:
        store.put(papers)
    return isolated_home


def env_without_size() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PAGER")}


def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readlist", *args],
        capture_output=True,
        text=True,
        env={**env_without_size(), **extra},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def ids_of(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def in_terminal(*args: str, **extra: str) -> str:
    """Run readlist with its stdout on a pseudo-terminal ROWS lines high; what it shows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "readlist", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**env_without_size(), **extra},
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=60) == 0
    os.close(master)
    return shown.decode().replace("\r\n", "\n")


@pytest.fixture
def pager(tmp_path: Path) -> tuple[str, Path]:
    """A $PAGER that keeps what it was given in a file."""
    got = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(f"import sys\nopen({str(got)!r}, 'w').write(sys.stdin.read())\n")
    return f"{sys.executable} {script}", got


def test_saved_lists_what_the_saved_query_finds(home: Path) -> None:
    everything = ids_of(run("list").stdout)
    thesis = run("list", "--saved", "thesis")
    assert thesis.returncode == 0
    assert ids_of(thesis.stdout) == [i for i in everything if int(i[1:]) % 3 == 0]
    todo = run("list", "--saved", "todo", "--sort", "title")  # the name ignoring case
    expected = sorted(
        (n for n in range(30) if n % 3 == 0 and n % 5), key=lambda n: f"Paper number {n}"
    )
    assert ids_of(todo.stdout) == [f"a{n:06d}" for n in expected]


def test_saved_combines_with_the_filters(home: Path) -> None:
    found = ids_of(run("list", "--saved", "thesis", "--read").stdout)
    assert sorted(found) == ["a000000", "a000015"]


def test_an_unknown_saved_search_is_one_line_naming_the_saved(home: Path) -> None:
    before = fingerprint(home)
    result = run("list", "--saved", "nope")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no saved search 'nope'" in result.stderr
    assert "thesis, ToDo" in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(home) == before


def test_limit_keeps_the_first_n_in_order(home: Path) -> None:
    everything = ids_of(run("list").stdout)
    assert ids_of(run("list", "--limit", "4").stdout) == everything[:4]
    assert (
        ids_of(run("list", "--limit", "4", "--saved", "thesis").stdout)
        == [i for i in everything if int(i[1:]) % 3 == 0][:4]
    )
    assert len(run("list", "--json", "--limit", "2").stdout.split('"id"')) == 3


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1.5"])
def test_a_bad_limit_is_one_line(home: Path, bad: str) -> None:
    result = run("list", "--limit", bad)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_long_list_on_a_terminal_goes_through_the_pager(
    home: Path, pager: tuple[str, Path]
) -> None:
    command, got = pager
    shown = in_terminal("list", PAGER=command)
    assert len(ids_of(got.read_text())) == 30
    assert "Paper number" not in shown


def test_a_list_that_fits_the_screen_is_not_paged(home: Path, pager: tuple[str, Path]) -> None:
    command, got = pager
    shown = in_terminal("list", "--limit", str(ROWS - 2), PAGER=command)
    assert not got.exists()
    assert shown.count("Paper number") == ROWS - 2


def test_output_that_is_not_a_terminal_is_never_paged(home: Path, pager: tuple[str, Path]) -> None:
    command, got = pager
    result = run("list", PAGER=command)
    assert len(ids_of(result.stdout)) == 30
    assert not got.exists()


@pytest.mark.parametrize("value", ["", "cat"])
def test_an_empty_or_cat_pager_means_none(home: Path, pager: tuple[str, Path], value: str) -> None:
    shown = in_terminal("list", PAGER=value)
    assert shown.count("Paper number") == 30
