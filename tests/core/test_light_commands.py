"""One-shot commands load only what they use: scripts call them in loops, and the
TUI (textual), the network (httpx) and BibTeX (bibtexparser, pylatexenc) cost
start-up time that `list`, `search`, `show` or `mark` never need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.cli import main
from tests.conftest import SEEDS

HEAVY = ("textual", "httpx", "bibtexparser", "pylatexenc")

PROBE = """
import sys
from readlist.cli import main
code = main(sys.argv[1:])
loaded = {m.split(".")[0] for m in sys.modules} | set(sys.modules)  # packages, modules
heavy = sorted(loaded & set(sys.argv[0].split(",")))
print("exit", code, "heavy", ",".join(heavy))
"""


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("light") / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS / "002_3c55a4b56f8e4387.txt")]) == 0
    return path


def loaded(lib: Path, argv: list[str], heavy: tuple[str, ...] = HEAVY) -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.replace("sys.argv[0]", repr(",".join(heavy))),
            "--db",
            str(lib),
            *argv,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()[-1]


def test_one_shot_commands_import_no_heavy_package(lib: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(lib), "list", "--json"],
        capture_output=True,
        check=True,
    )
    pid = json.loads(listed.stdout)[0]["id"]
    commands = [
        ["list"],
        ["list", "--json"],
        ["search", "diffusion"],
        ["search", "video", "--json"],
        ["show", pid],
        ["show", pid, "--json"],
        ["mark", pid, "--star"],
        ["tag", pid, "+x"],
        ["note", pid, "a note"],
        ["stats"],
        ["check"],
    ]
    for argv in commands:
        assert loaded(lib, argv) == "exit 0 heavy ", argv


# What an export from a warm render cache needs none of: the renderers (every entry is
# on disk), the lock (no key to store, nothing written to the library), the schema's
# checker (every document was rendered before, so valid), the query parser (no query)
# and the parser's anatomy (for completion and the man page); nor TOML without a config.
EXPORT_HEAVY = (
    *("bibtexparser", "pylatexenc", "filelock", "msgspec", "textual", "httpx", "tomllib"),
    *("readlist.query", "readlist.cli.anatomy"),
)


def test_an_export_from_a_warm_render_cache_loads_no_renderer_lock_or_schema(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib.json"
    assert main(["--db", str(lib), "import", str(SEEDS / "002_3c55a4b56f8e4387.txt")]) == 0
    out = tmp_path / "refs.bib"
    # The first export stores every paper's key (under the lock) and renders them all.
    first = loaded(lib, ["export", "-o", str(out)], EXPORT_HEAVY)
    assert first == "exit 0 heavy bibtexparser,filelock,msgspec,pylatexenc"
    cold = out.read_bytes()
    assert loaded(lib, ["export", "-o", str(out)], EXPORT_HEAVY) == "exit 0 heavy "
    assert out.read_bytes() == cold
    # Another format's cache is cold: checked and rendered, but no key to store.
    biblatex = ["export", "--format", "biblatex"]
    assert loaded(lib, biblatex, EXPORT_HEAVY) == "exit 0 heavy bibtexparser,msgspec,pylatexenc"
    assert loaded(lib, biblatex, EXPORT_HEAVY) == "exit 0 heavy "
