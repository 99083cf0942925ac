"""A broken config.toml is refused by every command before it does anything: one
line naming the file, a non-zero status, the library unchanged (a write followed by
an auto-export that fails on the config would half-apply the command)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.store import Store
from tests.conftest import SEEDS

# Every command, with arguments that would read or change the library. `completion`
# and `man` print what the parser holds and read neither the library nor the config.
ID = "{id}"
COMMANDS: dict[str, list[str]] = {
    "import": ["import", str(SEEDS / next(iter(sorted(os.listdir(SEEDS)))))],
    "list": ["list"],
    "show": ["show", ID],
    "search": ["search", "video"],
    "check": ["check"],
    "stats": ["stats"],
    "mark": ["mark", ID, "--star"],
    "note": ["note", ID, "a note"],
    "tag": ["tag", ID, "+new"],
    "rm": ["rm", ID, "--yes"],
    "restore": ["restore"],
    "edit": ["edit", ID],
    "export": ["export", "-o", "{out}"],
    "resolve": ["resolve", ID],
    "pull": ["pull"],
    "add": ["add", "2501.00001"],
    "published": ["published"],
    "pdf": ["pdf", ID],
    "backup": ["backup", "{out}"],
}


@pytest.fixture(scope="module")
def seeded_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("seeded")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "readlist",
            "--db",
            str(home / "library.json"),
            "import",
            str(SEEDS),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "READLIST_HOME": str(home)},
    )
    return home / "library.json"


def test_every_command_is_covered() -> None:
    from readlist.cli import build_parser
    from readlist.cli.anatomy import commands

    names = {c.name for c in commands(build_parser())}
    assert names - {"completion", "man"} == set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_broken_config_is_refused_by_every_command(
    name: str, seeded_library: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    library = home / "library.json"
    shutil.copy(seeded_library, library)
    config = home / "config.toml"
    config.write_text("[export\nauto = 'x.bib'\n")
    before = library.read_bytes()
    with Store(library) as store:
        pid = next(iter(store.records()))
    out = tmp_path / "out.bib"
    argv = [a.format(id=pid, out=out) for a in COMMANDS[name]]
    result = subprocess.run(
        [sys.executable, "-m", "readlist", *argv],
        env={**os.environ, "READLIST_HOME": str(home), "EDITOR": "true", "VISUAL": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{config}: invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr
    assert library.read_bytes() == before
    assert not out.exists()
