"""E without $VISUAL or $EDITOR: the paper's fields in the very text `readlist edit`
opens (TOML), in a text area. ctrl+s saves through the caller's `save`, which answers
with an error or None; an error shows on top and the form stays open with the text
as typed (nothing is saved), as the editor reopens with the error on top."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from readlist.text import clean_display
from readlist.tui.display import blink
from readlist.tui.screens.confirm import Confirm


class PaperForm(ModalScreen[bool]):
    """Dismisses with True once `save` accepted the text, False when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check and save the fields"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, title: str, text: str, save: Callable[[str], str | None]) -> None:
        super().__init__()
        self.paper_title = title
        self.original = text
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(Content.assemble("Edit: ", (clean_display(self.paper_title), "bold")))
            yield Static("", id="form-error", classes="error")
            yield TextArea(self.original, id="form-text", language=None, soft_wrap=True)
            yield Label("ctrl+s save · esc cancel · no $EDITOR set, so here", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = blink(self.app)
        area.focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def error(self) -> str:
        return str(self.query_one("#form-error", Static).content)

    def action_save(self) -> None:
        error = self.save(self.text)
        if error is None:
            self.dismiss(True)
            return
        shown = self.query_one("#form-error", Static)
        shown.update(Content(clean_display(error)))
        shown.add_class("visible")

    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(Confirm("Discard your changes to these fields?"), answered)
