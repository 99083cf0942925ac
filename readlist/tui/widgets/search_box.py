"""The search box, and the keys typed in one burst around it.

Over SSH or tmux, `/stream` then enter then `s` can arrive in one write: every key is
queued before `/` has moved the focus. Each key belongs where the keys before it
put the focus, whatever the timing: after `/` to the box, after the box's enter (or
esc) to the list again.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input
from textual.widgets.input import Selection


class SearchBox(Input):
    """An Input that takes the keys queued for it in order, and hands on the ones that
    reach it after it gave the focus back."""

    def __init__(self, back_to: str, *, placeholder: str, id: str) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.back_to = back_to  # the id of what gets the focus after enter

    def open(self) -> None:
        """The focus is given at once ("/"): select the query now, as Input does when
        its focus event comes, so that what is typed next replaces it. That event comes
        behind the keys of a burst; it would select them (and the next key replace
        them: "/stream" became "ream"), so it selects nothing this time."""
        self.selection = Selection(0, len(self.value))
        self.select_on_focus = False

    def on_blur(self, event: events.Blur) -> None:
        self.select_on_focus = True  # a click gives the focus the usual way

    def take(self, event: events.Key) -> bool:
        """A key that reached the screen while the box has the focus (the list had it
        when the key was queued): printable keys are typed, enter submits. True when
        the key was the box's."""
        if event.key == "enter":
            self.submit_now()
            return True
        if event.is_printable and event.character:
            if self.selection.is_empty:  # as Input types a key
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *self.selection)
            return True
        return False

    def submit_now(self) -> None:
        """Give the focus back at once (not after a refresh, as `focus()` does), so the
        keys behind enter already go to the list, then say the search was submitted."""
        self.screen.set_focus(self.screen.query_one(f"#{self.back_to}", Widget))
        self.post_message(self.Submitted(self, self.value))

    def on_key(self, event: events.Key) -> None:
        """Runs before Input's own handler; `prevent_default` keeps that one out."""
        if self.screen.focused is not self:
            # Queued for the box before it gave the focus back: the list's now.
            event.stop()
            event.prevent_default()
            target = self.screen.focused or self.screen
            target.post_message(events.Key(event.key, event.character))
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()
