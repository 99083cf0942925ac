"""Fixtures for the network tests (a real loopback server with fake arXiv and Hub APIs),
and the seed library as the CLI imports it, which the export tests start from."""

from pathlib import Path

import pytest

from readlist.cli import main
from tests.conftest import SEEDS
from tests.core.netfake import apis

__all__ = ["apis", "lib"]


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Every seed imported by `readlist import` into tmp_path/lib.json (its report
    read away). A test file may define a `lib` of its own: the nearer one wins."""
    path = tmp_path / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS)]) == 0
    capsys.readouterr()
    return path
