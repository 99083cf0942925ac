"""The README's table of export formats is the registry's, so the two cannot drift."""

from __future__ import annotations

from readlist.exporters import REGISTRY
from tests.conftest import ROOT

HEADER = "| format | suffix | what it writes |"


def test_readme_lists_exactly_the_registered_formats() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER)
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    rows = [f"| `{e.name}` | `{e.suffix}` | {e.description} |" for e in REGISTRY.values()]
    assert lines[start:end] == [HEADER, "|---|---|---|", *rows]
    assert lines.count(HEADER) == 1
