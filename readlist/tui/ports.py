"""What the main screen and its controllers say to each other: the one shape of a change
that landed (`Outcome`), the port each controller is given instead of the screen
(`Host`), and the screen's two messages."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from textual.message import Message
from textual.screen import Screen

from readlist.changes import Change
from readlist.session import Session

T = TypeVar("T")
Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Outcome:
    """What a job or an edit did to the library: the core's one `Change` (for undo and
    reindexing), and what to tell the user. Every job that changes papers returns one;
    `Host.landed` takes it, whoever made it."""

    change: Change
    record: bool = True  # an undo step (an undo itself, or a key given, is not)
    counted: bool = False  # written through the UI thread's store: counts follow it
    summary: str = ""  # one line (or a few) for the user
    warnings: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()  # papers left for the user to decide
    error: str | None = None  # offline: nothing could be reached
    interrupted: bool = False
    count: int = 0  # papers the job worked on

    @property
    def created(self) -> list[str]:
        """Ids of the papers the change added."""
        return list(self.change.created)


class Host(Protocol):
    """The main screen, as a controller sees it (composition through a narrow port:
    no controller imports the screen)."""

    session: Session

    def landed(self, outcome: Outcome) -> None:
        """Everything after a change reached the library (see ScreenHost.landed)."""

    def show_rows(self, keep: str | None = None) -> None:
        """Repaint the list (keeping `keep`, else the current paper), detail and status."""

    def update_status(self, note: str = "") -> None:
        """Repaint the status line, with `note` at its end."""

    def warm_soon(self) -> None:
        """Once no key has come for a moment, do what the next keystroke would do
        first (Session.warm)."""

    def say(self, text: str, *, title: str = "", severity: Severity = "information") -> None:
        """A notification; `text` is shown as text, never as markup."""

    def ask(self, dialog: Screen[T], answered: Callable[[T | None], None]) -> None:
        """Open a dialog; `answered` gets what it returns (None when cancelled)."""

    def copy(self, text: str) -> None:
        """Put `text` on the clipboard."""

    def suspended(self) -> AbstractContextManager[None]:
        """The terminal handed back for the user's editor while the block runs."""


class LibraryChanged(Message):
    """The session caught up with other processes' changes: repaint what shows them."""


class PapersChanged(Message):
    """Papers changed (or a change was undone): auto-exports may be stale."""
