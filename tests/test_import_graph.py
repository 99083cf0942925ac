"""readlist's import graph has no circle: every `import` counts, at the top of a module,
inside a function or under TYPE_CHECKING, since each one ties the two modules together
(the TUI once had a 7-module circle through its screen, controllers and app)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "readlist"


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that module `name` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:  # `a.b.c` names module `a.b` if c is not one
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            for alias in node.names:
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of `graph` as a path that ends where it starts, or [] if none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def graph_of(root: Path = ROOT) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports(name, path, known) for name, path in known.items()}


def test_the_package_imports_without_a_circle() -> None:
    graph = graph_of()
    assert "readlist.tui.screens.main" in graph["readlist.tui.app"]  # the graph is read
    assert "readlist.session" in graph["readlist.tui.ports"]
    assert cycle(graph) == [], " -> ".join(cycle(graph))


def test_a_circle_is_found(tmp_path: Path) -> None:
    """The check itself: a circle through a function-level and a TYPE_CHECKING import."""
    pkg = tmp_path / "readlist"
    (pkg / "tui").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "tui" / "__init__.py").write_text("")
    (pkg / "tui" / "a.py").write_text("from readlist.tui import b\n")
    (pkg / "tui" / "b.py").write_text("def f():\n    from . import c\n")
    (pkg / "tui" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from readlist.tui.a import x\n"
    )
    found = cycle(graph_of(pkg))
    assert found == ["readlist.tui.a", "readlist.tui.b", "readlist.tui.c", "readlist.tui.a"]
