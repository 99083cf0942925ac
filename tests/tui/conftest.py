"""TUI fixtures: a seeded library with fixed timestamps, and the app built by the
same factory the CLI uses, with blinking and file watching off."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.config import Config, Network
from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.store import Store
from readlist.tui.app import ReadlistApp, create_app
from tests.conftest import AS_OF, CLOCK, NOW, SEEDS

SIZE = (120, 36)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    with Store(path) as store:
        import_listings(store, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
    return path


AppFactory = Callable[..., ReadlistApp]


@pytest.fixture
def make_app(library: Path, tmp_path: Path) -> AppFactory:
    def make(config: Config | None = None, path: Path = library) -> ReadlistApp:
        # No network unless a test serves one on loopback (tests/tui/test_network.py):
        # the default endpoints are the internet, so imports do not auto-resolve.
        config = config or Config()
        if config.network == Network():
            config = dataclasses.replace(config, network=Network(auto_resolve=False))
        return create_app(
            Store(path), config, blink=False, watch=None, export_dir=tmp_path, clock=CLOCK
        )

    return make


def on_disk(path: Path) -> Store:
    """A fresh Store on the same file: what a restart (or another process) would see."""
    return Store(path)
