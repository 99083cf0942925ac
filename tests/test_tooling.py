"""ruff and mypy stay clean: checked as part of the suite, so CI enforces them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed; install the test extra")
    return found


@pytest.mark.parametrize(
    "args", [["format", "--no-cache", "--check", "."], ["check", "--no-cache", "."]]
)
def test_ruff(args: list[str]) -> None:
    result = subprocess.run([tool("ruff"), *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = subprocess.run([tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_tests_monkeypatch_undo_keeps_it_isolated_and_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The guards every test runs under (conftest: its own home, the fixed clock,
    loopback only) are not lifted by `monkeypatch.undo()` in a test."""
    import socket

    from readlist.clock import ENV as CLOCK_ENV
    from tests.conftest import NOW

    monkeypatch.setenv("READLIST_HOME", "/elsewhere")
    monkeypatch.undo()
    assert os.environ["READLIST_HOME"] == str(tmp_path / "home")
    assert os.environ["XDG_DATA_HOME"] == str(tmp_path / "xdg-data")
    assert os.environ[CLOCK_ENV] == NOW.isoformat()
    with pytest.raises(OSError, match="loopback only"):
        socket.getaddrinfo("example.org", 443)
