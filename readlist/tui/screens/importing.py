"""Import from a path (with completion) or from a pasted listing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, TextArea

from readlist.tui.common import blink


@dataclass(frozen=True)
class ImportRequest:
    """Either a path (file or directory) or pasted text."""

    path: str = ""
    text: str = ""


class PathSuggester(Suggester):
    """Completes the last component of a path from the file system."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser()
        folder, stem = (path, "") if value.endswith("/") else (path.parent, path.name)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.name.startswith(stem))
        except OSError:
            return None
        names = [n for n in names if not n.startswith(".") or stem.startswith(".")]
        if not names:
            return None
        best = names[0]
        suffix = "/" if (folder / best).is_dir() else ""
        return value + best[len(stem) :] + suffix


class ImportDialog(ModalScreen[ImportRequest | None]):
    """Returns what to import, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "run", "Import", id="import.run", tooltip="Import the path or paste"),
        Binding("escape", "cancel", "Cancel", id="import.cancel", tooltip="Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("[b]Import a listing[/b]")
            yield Label("A file or a directory of *.txt (→ completes):")
            yield Input(
                placeholder="~/Downloads/daily-papers.txt", suggester=PathSuggester(), id="path"
            )
            yield Label("… or paste the Daily Papers page here:")
            yield TextArea(id="paste", soft_wrap=True)
            yield Label("enter (in the path) or ctrl+s import · esc cancel", classes="hint")

    def on_mount(self) -> None:
        for widget in (self.query_one(Input), self.query_one(TextArea)):
            widget.cursor_blink = blink(self.app)
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        text = self.query_one(TextArea).text
        path = self.query_one(Input).value.strip()
        if text.strip():
            self.dismiss(ImportRequest(text=text))
        elif path:
            self.dismiss(ImportRequest(path=path))
        else:
            self.notify("Give a path or paste a listing.", severity="error")

    def action_cancel(self) -> None:
        self.dismiss(None)
