"""The main screen as its controllers see it (`ports.Host`): where every change lands,
and the repaint that follows it (list, detail pane, status line).

The screen composes the widgets and maps keys to actions; this is what happens after
one: the session records a change, the index is freshened (by the `Finder` this owns),
the view is repainted, and the user is told or asked. Each controller (edits, search,
file and network jobs) is given this, never the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TypeVar

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from readlist.errors import InvalidPaper
from readlist.session import Session
from readlist.tui.finder import Finder
from readlist.tui.ports import Outcome, PapersChanged, Severity
from readlist.tui.runner import JobRunner
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from readlist.tui.widgets.status import EMPTY_LIBRARY, EMPTY_VIEW, status_line

T = TypeVar("T")
# Quiet this long after a change (or the index landing) before Session.warm runs: a
# key typed sooner pays for it itself, as before, and never waits behind it.
WARM_AFTER = 0.3


class ScreenHost:
    """`ports.Host` for the main screen (composition: the screen owns one, and hands it
    to each controller it composes)."""

    def __init__(self, screen: Screen[None], session: Session, runner: JobRunner) -> None:
        self.screen = screen
        self.session = session
        self.runner = runner
        self.finder = Finder(self, runner)
        self._note = ""  # the status line's note of the moment
        self._status_lines = 1
        self._warming: Timer | None = None  # warm_soon's

    def landed(self, outcome: Outcome) -> None:
        """Everything after a change reached the library, whoever made it (an edit, an
        undo, an import, a resolve...): the session records it for undo, counts it,
        catches up with what a job wrote through its own store and reindexes what it
        touched; the list shows the first paper it added (or keeps its place), and the
        auto-exports follow."""
        session = self.session
        session.land(outcome.change, record=outcome.record, counted=outcome.counted)
        self.finder.freshen()
        self.show_rows(session.first_shown(outcome.change.created))
        self.warm_soon()
        if outcome.change:
            self.screen.post_message(PapersChanged())  # it bubbles to the app: auto-exports

    def warm_soon(self) -> None:
        if self._warming is not None:
            self._warming.stop()
        self._warming = self.screen.set_timer(WARM_AFTER, self.session.warm)

    def show_rows(self, keep: str | None = None) -> None:
        papers = self.screen.query_one(PaperList)
        papers.empty_text = EMPTY_LIBRARY if not len(self.session.store) else EMPTY_VIEW
        papers.set_rows(self.session.ids, self.session.selected, keep or papers.current)
        self.show_detail()
        self.update_status()

    def show_detail(self) -> None:
        """Show the current paper (at once: waiting for the list's message costs a frame)."""
        pid = self.screen.query_one(PaperList).current
        store = self.session.store
        pane = self.screen.query_one(DetailPane)
        try:
            pane.show(store.get(pid) if pid and pid in store else None)
        except InvalidPaper as exc:  # a library edited by hand: say so, never crash
            pane.show_invalid(exc)

    def update_status(self, note: str = "") -> None:
        self._note = note  # until the next repaint; a running job's note stays meanwhile
        self.paint_status()

    def paint_status(self) -> None:
        """Repaint the status line, keeping the note of the moment (or a job's)."""
        status = self.screen.query_one("#status", Static)
        text = status_line(self.session, self._note or self.runner.note, status.content_size.width)
        lines = 1 + str(text).count("\n")  # a long note on its own line(s): a new height
        status.update(text, layout=lines != self._status_lines or lines > 1)
        self._status_lines = lines

    def say(self, text: str, *, title: str = "", severity: Severity = "information") -> None:
        self.screen.notify(text, title=title, severity=severity, markup=False)

    def ask(self, dialog: Screen[T], answered: Callable[[T | None], None]) -> None:
        self.screen.app.push_screen(dialog, answered)

    def copy(self, text: str) -> None:
        self.screen.app.copy_to_clipboard(text)

    def suspended(self) -> AbstractContextManager[None]:
        """Headless (tests) there is no terminal to hand over."""
        return nullcontext() if self.screen.app.is_headless else _suspend(self.screen)


@contextmanager
def _suspend(screen: Screen[None]) -> Iterator[None]:
    # App.suspend resumes only when its block ends without an exception: an editor
    # that cannot start (none set, say) left the shell on screen and the app stuck.
    failed: BaseException | None = None
    with screen.app.suspend():
        try:
            yield
        except BaseException as exc:
            failed = exc
    screen.refresh(layout=True)
    if failed is not None:
        raise failed
