"""The README's key table is the bindings' own table, so the two cannot drift."""

from __future__ import annotations

from readlist.tui.app import ReadlistApp
from readlist.tui.screens.help import markdown_table
from readlist.tui.screens.main import MainScreen
from tests.conftest import ROOT


def test_readme_key_table_matches_bindings() -> None:
    table = markdown_table([*MainScreen.BINDINGS, *ReadlistApp.BINDINGS])  # type: ignore[list-item]
    assert table in (ROOT / "README.md").read_text()


def test_every_binding_has_id_description_and_tooltip() -> None:
    for binding in [*MainScreen.BINDINGS, *ReadlistApp.BINDINGS]:
        assert not isinstance(binding, tuple)
        assert binding.id
        assert binding.id.startswith("readlist.")
        assert binding.description
        assert binding.tooltip
