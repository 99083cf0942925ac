"""Help: a table generated from the bindings, with the keys as currently mapped."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


@dataclass(frozen=True)
class HelpRow:
    keys: str
    description: str
    tooltip: str
    binding_id: str


def help_rows(screen: Screen[Any]) -> list[HelpRow]:
    """One row per binding of `screen`, with every key now mapped to it (keymap too)."""
    keys: dict[str, list[str]] = {}
    bindings: dict[str, Binding] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        bid = binding.id or ""
        if not bid.startswith("readlist."):
            continue
        keys.setdefault(bid, []).append(screen.app.get_key_display(replace(binding, key=key)))
        bindings.setdefault(bid, binding)
    return [
        HelpRow(", ".join(keys[bid]), b.description, b.tooltip, bid)
        for bid, b in bindings.items()
        if b.description
    ]


def markdown_table(bindings: list[Binding]) -> str:
    """The default keys as a Markdown table (the README's copy is checked against it)."""
    lines = ["| keys | action | binding id |", "|---|---|---|"]
    for b in bindings:
        keys = ", ".join(f"`{k.strip()}`" for k in b.key.split(","))
        lines.append(f"| {keys} | {b.tooltip} | `{b.id}` |")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close", tooltip="Close help"),
    ]

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
        table.add_column("keys", style="bold cyan", no_wrap=True)
        table.add_column("action")
        table.add_column("what it does", style="dim")
        for row in self.rows:
            # Text, not str: a key from config.toml is data, never Rich markup.
            table.add_row(Text(row.keys), Text(row.description), Text(row.tooltip))
        with Vertical(classes="dialog wide tall"):
            yield Label("[b]readlist keys[/b]  (remap them in config.toml under \\[keymap])")
            with VerticalScroll():
                yield Static(table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
