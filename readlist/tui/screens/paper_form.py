"""E without $VISUAL or $EDITOR: the fields `readlist edit` opens, one input each.

ctrl+s hands the caller's `save` an `editform.Form` (the same checks as the editor's);
it answers with an error or None. An error shows on top, the field it names gets the
focus, and the form stays open with what was typed (nothing is saved), as the editor
reopens with the error on top. Authors are separated by `;`, tags by spaces.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from readlist.editform import FIELDS, Form
from readlist.text import clean_display
from readlist.tui.display import blink
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.dialog import Dialog

LABELS = {"doi": "DOI", "arxiv": "arXiv id", "key": "Key", "url": "URL"}
JOINERS = {"authors": "; ", "tags": " "}


def shown(form: Form, name: str) -> str:
    value = getattr(form, name)
    return JOINERS[name].join(value) if name in JOINERS else str(value)


def form_of(values: dict[str, str]) -> Form:
    """The inputs' text as the editor's form (authors split at `;`, tags at spaces)."""
    return Form(
        title=values["title"],
        authors=tuple(a.strip() for a in values["authors"].split(";") if a.strip()),
        date=values["date"],
        type=values["type"],
        venue=values["venue"],
        doi=values["doi"],
        arxiv=values["arxiv"],
        key=values["key"],
        tags=tuple(values["tags"].split()),
        url=values["url"],
    )


class PaperForm(Dialog[bool]):
    """Dismisses with True once `save` accepted the fields, False when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check and save the fields"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        Binding("down", "app.focus_next", "Next field", id="form.next", tooltip="Next field"),
        Binding(
            "up",
            "app.focus_previous",
            "Previous field",
            id="form.previous",
            tooltip="Previous field",
        ),
    ]

    def __init__(self, title: str, form: Form, save: Callable[[Form], str | None]) -> None:
        super().__init__()
        self.paper_title = title
        self.opened = {name: clean_display(shown(form, name)) for name in FIELDS}
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            title = clean_display(self.paper_title)
            yield Static(Content.assemble("Edit: ", (title, "bold")))  # wraps, never cut
            yield Static("", id="form-error")
            for name in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(LABELS.get(name, name.capitalize()), classes="form-label")
                    yield Input(self.opened[name], id=f"field-{name}", compact=True)
            yield Label(
                "authors: a; b · tags: a b · ↑↓ fields · ctrl+s save · esc cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = blink(self.app)
        self.query_one(f"#field-{FIELDS[0]}", Input).focus()

    def field(self, name: str) -> Input:
        return self.query_one(f"#field-{name}", Input)

    @property
    def values(self) -> dict[str, str]:
        return {name: self.field(name).value for name in FIELDS}

    @property
    def error(self) -> str:
        return str(self.query_one("#form-error", Static).content)

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        error = self.save(form_of(self.values))
        if error is None:
            self.dismiss(True)
            return
        box = self.query_one("#form-error", Static)
        box.update(Content(clean_display(error)))
        box.add_class("visible")
        named = error.split(":", 1)[0]
        if named in FIELDS:
            self.field(named).focus()

    def action_cancel(self) -> None:
        if self.values == self.opened:
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(Confirm("Discard your changes to these fields?"), answered)
