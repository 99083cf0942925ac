"""The one base of readlist's dialogs: a modal screen that answers once.

Two keys in one burst (a paste ending in two newlines, Enter pressed twice over a
slow link) can both reach a dialog before it is gone. Textual's `dismiss` would then
call the answer's callback twice (a second import) and pop the screen below it (the
main screen: a blank, dead app). A `Dialog` answers only the first time.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal screen whose `dismiss` takes effect once, and only while it is shown."""

    _answered = False

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        if self._answered or not self.is_current:
            return AwaitComplete()
        self._answered = True
        return super().dismiss(result)
