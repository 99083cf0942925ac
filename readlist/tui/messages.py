"""Messages that worker threads post to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from readlist.autoexport import Result
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


class PapersChanged(Message):
    """The screen changed papers (or undid a change): auto-exports may be stale."""


class AutoExportDone(Message):
    """An auto-export run finished in its worker."""

    def __init__(self, results: list[Result]) -> None:
        self.results = results
        super().__init__()
