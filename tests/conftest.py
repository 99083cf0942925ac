"""Shared fixtures. Every test runs with READLIST_HOME in its own tmp_path."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.importing import import_texts, read_inputs
from readlist.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the user's real data and config directories."""
    home = tmp_path / "home"
    monkeypatch.setenv("READLIST_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return home


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "library.json") as s:
        yield s


@pytest.fixture
def seeded(store: Store) -> Store:
    import_texts(store, read_inputs([str(SEEDS)]), AS_OF)
    return store
