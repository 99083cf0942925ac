"""The core never imports Textual, and only store.py and journal.py import TinyDB; the
import contracts hold and the core's import graph has no cycle."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import grimp
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


def test_import_contracts_hold() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): core never imports Textual
    or the front ends, the TUI never the CLI, sources never the store."""
    from tests.test_tooling import ROOT, tool

    result = subprocess.run(
        [tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The import cycles among `modules`: each strongly connected set of two or more
    modules (or one that imports itself), found by Tarjan's algorithm."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in edges[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1 or module in edges[module]:
                cycles.append(sorted(group))

    for module in sorted(modules):
        if module not in order:
            visit(module)
    return cycles


def test_the_core_import_graph_has_no_cycle() -> None:
    """Imports under typing.TYPE_CHECKING count too: a cycle there is still a tangle.
    (readlist/tui/ has a test of its own.)"""
    graph = grimp.build_graph("readlist", cache_dir=None)
    modules = {m for m in graph.modules if not m.startswith("readlist.tui")}
    assert len(modules) > 50
    assert import_cycles(graph, modules) == []


def test_a_cycle_is_found() -> None:
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=a, imported=b)
    graph.add_import(importer="p.e", imported="p.e")
    assert import_cycles(graph, set(graph.modules)) == [["p.a", "p.b", "p.c"], ["p.e"]]
