"""Edit a note in a TextArea: ctrl+s saves, escape cancels (asking first if edited)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static, TextArea

from readlist.text import clean_display
from readlist.tui.display import blink
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.dialog import Dialog


class InEditor(str):
    """The note dialog's text, to go on in $VISUAL/$EDITOR (ctrl+o)."""

    __slots__ = ()


class NoteEditor(Dialog[str | None]):
    """Returns the new note text (an `InEditor` to go on in the user's editor), or
    None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", tooltip="Save the note"),
        Binding(
            "ctrl+o",
            "in_editor",
            "In $EDITOR",
            id="note.editor",
            tooltip="Go on in $VISUAL or $EDITOR, as Markdown",
        ),
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, title: str, text: str, draft: str | None = None) -> None:
        super().__init__()
        self.paper_title = title
        self.original = text
        self.draft = text if draft is None else draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Content.assemble("Note: ", (clean_display(self.paper_title), "bold")))
            yield TextArea(self.draft, id="note-text", soft_wrap=True)
            yield Label("ctrl+s save · ctrl+o in $EDITOR · esc cancel", classes="hint")

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

    def action_in_editor(self) -> None:
        self.dismiss(InEditor(self.text))

    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm("Discard your changes to this note?"), answered)


class NoteConflict(Dialog[str]):
    """The note changed elsewhere while it was being edited: overwrite it with yours,
    keep theirs (yours goes to the clipboard), or go back to editing yours."""

    BINDINGS = [
        Binding(
            "o",
            "answer('overwrite')",
            "Overwrite",
            id="conflict.overwrite",
            tooltip="Save your note over theirs",
        ),
        Binding(
            "k",
            "answer('theirs')",
            "Keep theirs",
            id="conflict.theirs",
            tooltip="Keep the other note; yours is copied to the clipboard",
        ),
        Binding(
            "escape",
            "answer('edit')",
            "Back",
            id="conflict.back",
            tooltip="Go back to editing your note",
        ),
    ]

    def __init__(self, theirs: str) -> None:
        super().__init__()
        self.theirs = theirs

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("[b]This note was changed elsewhere while you edited it.[/b]")
            yield Label("Now it reads:")
            yield Static(Text(clean_display(self.theirs) or "(empty)", style="italic"))
            yield Label(
                "[b]o[/b] overwrite with yours · [b]k[/b] keep theirs (yours to the clipboard)"
                " · [b]esc[/b] back to your text",
                classes="hint",
            )

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice)
