"""Help: a table generated from the bindings, with the keys as currently mapped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from readlist.query import GRAMMAR_HELP
from readlist.text import clean_display
from readlist.tui.screens.dialog import Dialog


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


def mapped_keys(app: App[Any], binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys bound to `binding` now, for display: the keymap's, else the default."""
    keys = keymap.get(binding.id or "", binding.key).split(",")
    return [app.get_key_display(replace(binding, key=k.strip())) for k in keys]


def dialog_owners() -> list[tuple[str, list[BindingType]]]:
    """Every dialog and pane with its own keys: the one list the help screen shows and
    the keymap check accepts, so a new dialog cannot be left out of either."""
    from readlist.tui.screens import (
        confirm,
        export_dialog,
        import_dialog,
        network_dialogs,
        note,
        paper_form,
        stats_screen,
        tags,
    )
    from readlist.tui.widgets.detail import DetailPane

    return [
        ("Detail pane", DetailPane.BINDINGS),
        ("Import", import_dialog.ImportDialog.BINDINGS),
        ("Export", export_dialog.ExportDialog.BINDINGS),
        ("Note", note.NoteEditor.BINDINGS),
        ("Note clash", note.NoteConflict.BINDINGS),
        ("Paper's fields", paper_form.PaperForm.BINDINGS),
        ("Tags", tags.TagEditor.BINDINGS),
        ("Pull", network_dialogs.PullDialog.BINDINGS),
        ("Unsure match", network_dialogs.UnsureDialog.BINDINGS),
        ("Question", confirm.Confirm.BINDINGS),
        ("Stats", stats_screen.StatsScreen.BINDINGS),
        ("Help", HelpScreen.BINDINGS),
    ]


def dialog_rows(app: App[Any], keymap: Mapping[str, str]) -> list[HelpRow]:
    """The keys of the dialogs and the focused detail pane, as mapped now: their ids
    may be remapped in config.toml too, and the warning about a wrong id sends here."""
    rows = []
    for where, bindings in dialog_owners():
        for b in bindings:
            if isinstance(b, Binding) and b.id:
                shown = ", ".join(mapped_keys(app, b, keymap))
                rows.append(HelpRow(shown, f"{where}: {b.description}", b.tooltip, b.id))
    return rows


def markdown_table(bindings: list[Binding]) -> str:
    """The default keys as a Markdown table (the README's copy is checked against it)."""
    lines = ["| keys | action | binding id |", "|---|---|---|"]
    for b in bindings:
        keys = ", ".join(f"`{k.strip()}`" for k in b.key.split(","))
        lines.append(f"| {keys} | {b.tooltip} | `{b.id}` |")
    return "\n".join(lines)


def _cells(*values: str) -> list[Text]:
    # Text, not str: a key from config.toml or a grammar example is data, never markup.
    return [Text(clean_display(v)) for v in values]


class HelpScreen(Dialog[None]):
    """Every key of the main screen with its binding id, then the search grammar."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close", tooltip="Close help"),
        Binding("j,down", "scroll(1)", "Down", id="help.down", tooltip="Scroll down"),
        Binding("k,up", "scroll(-1)", "Up", id="help.up", tooltip="Scroll up"),
        Binding("pagedown,space", "page(1)", "Page down", id="help.page-down", tooltip="Page down"),
        Binding("pageup", "page(-1)", "Page up", id="help.page-up", tooltip="Page up"),
        Binding("g,home", "home", "Top", id="help.top", tooltip="Scroll to the top"),
        Binding("G,end", "end", "Bottom", id="help.bottom", tooltip="Scroll to the end"),
    ]

    def __init__(self, rows: list[HelpRow], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.rows = rows
        self.keymap = keymap  # config.toml's [keymap], to show the dialogs' keys as mapped

    def compose(self) -> ComposeResult:
        keys = self._keys_table(self.rows)
        dialogs = self._keys_table(dialog_rows(self.app, self.keymap))
        grammar = Table(box=None, pad_edge=False, header_style="bold", expand=True)
        grammar.add_column("query", style="bold cyan", no_wrap=True)
        grammar.add_column("finds")
        for syntax, meaning in GRAMMAR_HELP:
            grammar.add_row(*_cells(syntax, meaning))
        with Vertical(classes="dialog wide tall"):
            yield Label(
                "[b]readlist keys[/b]  (remap them by binding id in config.toml under \\[keymap])"
            )
            with VerticalScroll(id="help-scroll", can_focus=False):
                yield Static(keys, id="help-table")
                yield Label("In dialogs and the focused detail pane", classes="heading")
                yield Static(dialogs, id="help-dialogs")
                yield Label("Search (/)", classes="heading")
                yield Static(grammar, id="help-grammar")
            yield Label(self._closing_line(), id="help-close", classes="hint", markup=False)

    @staticmethod
    def _keys_table(rows: list[HelpRow]) -> Table:
        table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
        table.add_column("keys", style="bold cyan", no_wrap=True)
        table.add_column("action")
        table.add_column("what it does", style="dim")
        table.add_column("binding id", style="green", no_wrap=True)
        for row in rows:
            table.add_row(*_cells(row.keys, row.description, row.tooltip, row.binding_id))
        return table

    def _closing_line(self) -> str:
        """ "esc, q or ? closes", from the keys bound now (a keymap may change them)."""
        keys = [
            key
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.action == "close"
            for key in mapped_keys(self.app, b, self.keymap)
        ]
        bound = ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else "".join(keys)
        return f"{bound} closes · j/k, arrows and pgup/pgdn scroll"

    @property
    def _scroll(self) -> VerticalScroll:
        return self.query_one("#help-scroll", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self._scroll.scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        scroll = self._scroll
        scroll.scroll_relative(
            y=direction * max(1, scroll.scrollable_content_region.height - 1), animate=False
        )

    def action_home(self) -> None:
        self._scroll.scroll_home(animate=False)

    def action_end(self) -> None:
        self._scroll.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
