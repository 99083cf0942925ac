"""Messages that worker threads post to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from readlist.importing import Outcome


class LibraryChanged(Message):
    """The session caught up with other processes' changes: repaint what shows them."""


class ImportProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__()


class ImportFinished(Message):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__()


class JobFailed(Message):
    def __init__(self, what: str, error: str) -> None:
        self.what = what
        self.error = error
        super().__init__()


class ExportFinished(Message):
    def __init__(self, count: int, path: str) -> None:
        self.count = count
        self.path = path
        super().__init__()
