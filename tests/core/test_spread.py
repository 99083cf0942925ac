"""Rendering spread over forked processes (readlist/spread.py) gives exactly what
rendering here gives, whatever becomes of the processes, and leaves none behind."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from readlist import spread
from readlist.cli import main
from tests.conftest import SEEDS

ITEMS = [f"entry {n} é ✓ {{x}}\n" * (n % 3 + 1) for n in range(1000)]


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of 100, and forking allowed though pytest-xdist runs threads here."""
    monkeypatch.setattr(spread, "MIN_EACH", 100)
    monkeypatch.setattr(spread, "alone", lambda: True)


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def upper(items: Sequence[str]) -> list[str]:
    return [s.upper() for s in items]


@pytest.mark.usefixtures("forking")
def test_the_slices_are_rendered_by_other_processes_in_order() -> None:
    me = os.getpid()
    by = spread.spread(lambda part: [f"{os.getpid()}:{s}" for s in part], ITEMS, workers=4)
    assert [s.split(":", 1)[1] for s in by] == ITEMS
    pids = list(dict.fromkeys(int(s.split(":", 1)[0]) for s in by))
    assert len(pids) == 4
    assert pids[0] == me
    assert me not in pids[1:]
    assert spread.spread(upper, ITEMS, workers=4) == upper(ITEMS)
    assert no_children_left()


@pytest.mark.usefixtures("forking")
def test_a_slice_whose_process_fails_or_dies_is_rendered_here() -> None:
    me = os.getpid()

    def failing(part: Sequence[str]) -> list[str]:
        if os.getpid() != me and part[0] == ITEMS[250]:
            raise ValueError("a renderer's bug, in one slice")
        if os.getpid() != me and part[0] == ITEMS[500]:
            os.kill(os.getpid(), signal.SIGKILL)
        return upper(part)

    assert spread.spread(failing, ITEMS, workers=4) == upper(ITEMS)
    assert no_children_left()


@pytest.mark.usefixtures("forking")
def test_an_error_here_ends_the_children_and_waits_for_them() -> None:
    me = os.getpid()

    def slow_here(part: Sequence[str]) -> list[str]:
        if os.getpid() == me:
            raise KeyboardInterrupt
        threading.Event().wait(30)  # a child that would run on
        return upper(part)

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        spread.spread(slow_here, ITEMS, workers=3)
    assert time.monotonic() - began < 20  # ended, not waited for
    assert no_children_left()


def test_with_another_thread_running_nothing_is_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "MIN_EACH", 100)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not spread.alone()
        by = spread.spread(lambda part: [str(os.getpid())] * len(part), ITEMS, workers=4)
    finally:
        stop.set()
        other.join()
    assert set(by) == {str(os.getpid())}


@pytest.mark.usefixtures("forking")
def test_a_first_export_spread_over_processes_is_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.json"
    assert main(["--db", str(lib), "import", str(SEEDS)]) == 0
    monkeypatch.setattr(spread, "MIN_EACH", 40)
    monkeypatch.setattr(spread, "cores", lambda: 2)
    spread_out, one_out = tmp_path / "spread.bib", tmp_path / "one.bib"
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    assert main(["--db", str(lib), "export", "-o", str(spread_out)]) == 0  # renders all
    assert len(forks) == 1  # two cores: one slice forked, one rendered here

    for path in tmp_path.iterdir():  # the render cache: rendered afresh, on one core
        if path.name.endswith("-render"):
            for pack in path.iterdir():
                pack.unlink()
    monkeypatch.setattr(spread, "MIN_EACH", 10**9)
    assert main(["--db", str(lib), "export", "-o", str(one_out)]) == 0
    assert spread_out.read_bytes() == one_out.read_bytes()
    assert len(forks) == 1  # none for the second export: rendered here alone
    capsys.readouterr()
