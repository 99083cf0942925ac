"""Shared fixtures. Every test runs with READLIST_HOME in its own tmp_path, and at one
fixed time (`NOW`, also READLIST_NOW for the CLI): none may depend on the wall clock."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from readlist.clock import ENV as CLOCK_ENV
from readlist.clock import Clock
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
AS_OF = dt.date(2026, 11, 23)
# The one time the tests live at: nothing here may depend on the wall clock.
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
CLOCK = Clock.fixed(NOW)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path) -> Iterator[Path]:
    """Keep every test away from the user's real data and config directories. Its own
    MonkeyPatch: a test's `monkeypatch.undo()` cannot lift it."""
    home = tmp_path / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("READLIST_HOME", str(home))
        mp.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
        mp.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
        # The CLI's clock, in this process and in every `readlist` subprocess.
        mp.setenv(CLOCK_ENV, NOW.isoformat())
        yield home


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
    import_texts(store, read_inputs([str(SEEDS)]), AS_OF, NOW)
    return store


def write_unchecked(path: Path, docs: dict[str, dict[str, Any]]) -> None:
    """A library holding documents readlist would refuse to store, as a hand edit or an
    older readlist leaves one: written through TinyDB's own API, not through the store."""
    from tinydb.table import Document

    from readlist.store import LibraryDB

    Store(path).close()  # a new library, or the one there
    with LibraryDB(path) as db:
        table = db.table("papers")
        for pid, doc in docs.items():
            # readlist's ids are strings (StrIdTable); TinyDB's stubs say int.
            table.upsert(Document(doc, doc_id=pid))  # type: ignore[arg-type]


class FailNth:
    """Fault injection, one way for every test: `fail_nth(os, "replace", 2, error)`
    makes the 2nd call of `os.replace` raise `error` (the 1st and later calls go
    through); `after=True` makes every call from the nth on raise. `calls` counts the
    calls seen; `undo()` puts the real functions back."""

    def __init__(self) -> None:
        self.monkeypatch = pytest.MonkeyPatch()  # its own: undo() lifts only its patches
        self.calls = 0

    def __call__(
        self, owner: object, name: str, n: int, error: BaseException, *, after: bool = False
    ) -> None:
        real = getattr(owner, name)

        def failing(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == n or (after and self.calls > n):
                raise error
            return real(*args, **kwargs)

        self.calls = 0
        self.monkeypatch.setattr(owner, name, failing)

    def undo(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def fail_nth() -> Iterator[FailNth]:
    failing = FailNth()
    yield failing
    failing.undo()


_LOOPBACK_NAMES = frozenset(["localhost", "127.0.0.1", "::1", "ip6-localhost"])


def is_loopback(host: object) -> bool:
    import ipaddress

    if not isinstance(host, str):
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    """No test may reach the internet: sockets connect to loopback (or a Unix path) only.
    Its own MonkeyPatch: a test's `monkeypatch.undo()` cannot lift it."""
    import socket

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not is_loopback(host):
                raise ConnectionRefusedError(f"test tried to reach {host!r}: loopback only")

    def connect(self: socket.socket, address: object) -> None:
        check(self, address)
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        check(self, address)
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not is_loopback(name):
            raise socket.gaierror(
                socket.EAI_NONAME, f"test tried to resolve {name!r}: loopback only"
            )
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        mp.setattr(socket, "getaddrinfo", getaddrinfo)
        yield
