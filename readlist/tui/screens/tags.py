"""Edit tags: space-separated names, with completion from the library's tags."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from readlist.tui.display import blink
from readlist.tui.screens.dialog import Dialog


class TagSuggester(Suggester):
    """Completes the word being typed from existing tags."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        head, _, word = value.rpartition(" ")
        lowered = word.casefold()
        have = {t.casefold() for t in value.split()[:-1]}
        for tag in self.tags:
            if tag.casefold().startswith(lowered) and tag.casefold() not in have:
                return (head + " " if head else "") + tag
        return None


class TagEditor(Dialog[list[str] | None]):
    """Returns the new list of tags, or None when cancelled.

    It opens with the current tags and the cursor after them, so typing adds a tag;
    `replace` selects them instead, for a one-tag choice such as the tag filter.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel", tooltip="Close without saving"),
    ]

    def __init__(
        self,
        heading: str,
        current: list[str],
        known: list[str],
        *,
        replace: bool = False,
        suggested: list[str] | None = None,
        placeholder: str = "tag another-tag …",
    ) -> None:
        super().__init__()
        self.replace = replace
        self.placeholder = placeholder
        self.heading = heading
        self.current = current
        self.suggested = [t for t in suggested or [] if t not in current]
        self.known = known + [t for t in self.suggested if t not in known]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading)
            value = " ".join(self.current)
            yield Input(
                value + " " if value and not self.replace else value,
                select_on_focus=self.replace,
                placeholder=self.placeholder,
                suggester=TagSuggester(self.known),
                id="tags-input",
            )
            if self.suggested:
                # The paper's AI keywords from the Hub: user-facing text, never markup.
                text = Content.assemble(("suggested: ", "dim"), " ".join(self.suggested))
                yield Static(text, id="tags-suggested", classes="hint")
            yield Label("→ accepts a completion · enter saves · esc cancels", classes="hint")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = blink(self.app)
        box.focus()
        if not self.replace:
            box.cursor_position = len(box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.split())

    def action_cancel(self) -> None:
        self.dismiss(None)
