"""The fixture world of `readlist published`, shared by its test modules: a library of
`scholarfake.WORLD` in tmp_path (`world`), the same with its venues looked up on the
loopback fakes (`looked_up`), and `export` through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.cli import main
from readlist.store import Store
from tests.core.scholarfake import WORLD, Scholars, dblp_server, populate, scholars

__all__ = ["POLICIES", "dblp_server", "export", "looked_up", "scholars", "world"]

POLICIES = ("published", "preprint", "both")


@pytest.fixture
def world(scholars: Scholars, tmp_path: Path) -> Path:
    """The fixture world stored in a library of its own directory, nothing looked up."""
    populate(scholars.s2, scholars.dblp)
    path = tmp_path / "lib" / "library.json"
    path.parent.mkdir()
    with Store(path) as store:
        store.put(list(WORLD))
    return path


@pytest.fixture
def looked_up(world: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The fixture world, its venues looked up: four applied, the decoys not."""
    assert main(["--db", str(world), "published"]) == 0
    capsys.readouterr()
    return world


def export(lib: Path, out: Path, *argv: str) -> str:
    """`readlist export -o OUT ARGV…` on `lib`; the file's text."""
    assert main(["--db", str(lib), "export", "-o", str(out), *argv]) == 0
    return out.read_text()
