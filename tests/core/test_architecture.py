"""The core never imports Textual, and only store.py and journal.py import TinyDB."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import readlist

PACKAGE = Path(readlist.__file__).parent
CORE = sorted(
    m.name
    for m in pkgutil.walk_packages([str(PACKAGE)], "readlist.")
    if not m.name.startswith("readlist.tui") and m.name != "readlist.__main__"
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}\nassert not [m for m in sys.modules if m.startswith('textual')]"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_only_store_imports_tinydb() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+tinydb", re.MULTILINE)
    users = sorted(
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text())
    )
    assert users == ["journal.py", "store.py"]


NETWORK_LIBS = ("httpx", "httpcore", "defusedxml", "feedparser", "huggingface_hub")


@pytest.mark.parametrize(
    "argv",
    [["list"], ["search", "video"], ["export", "--style", "bibtex"], ["stats"], ["add", "bad-id"]],
)
def test_offline_commands_do_not_import_network_libraries(argv: list[str], tmp_path: Path) -> None:
    """Only resolve, pull and add pay for httpx; and add checks ids before importing it."""
    code = (
        "import sys\nfrom readlist.cli import main\n"
        f"main({argv!r})\n"
        f"loaded = [m for m in sys.modules if m.split('.')[0] in {NETWORK_LIBS!r}]\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "READLIST_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
