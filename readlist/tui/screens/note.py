"""Edit a note in a TextArea: ctrl+s saves, escape cancels (asking first if edited)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from readlist.tui.common import blink, escape
from readlist.tui.screens.confirm import Confirm


class NoteEditor(ModalScreen[str | None]):
    """Returns the new note text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", tooltip="Save the note"),
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.paper_title = title
        self.original = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Note: [b]{escape(self.paper_title)}[/b]")
            yield TextArea(self.original, id="note-text", soft_wrap=True)
            yield Label("ctrl+s save · esc cancel", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = blink(self.app)
        area.move_cursor(area.document.end)
        area.focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm("Discard your changes to this note?"), answered)
