"""The progress bar of the running job: a bar, then "12/240" as soon as the total is
known. Only the job runner drives it (readlist.tui.runner)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class JobBar(Horizontal):
    """Hidden until a job that shows progress runs."""

    DEFAULT_CSS = """
    JobBar > ProgressBar { width: auto; }
    JobBar > #progress-count { width: auto; padding: 0 0 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=False)
        yield Label("", id="progress-count", markup=False)

    def show(self, done: int, total: int | None) -> None:
        """`done` of `total` (None: not known yet, the bar pulses)."""
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one(Label).update(f"{done}/{total}" if total is not None else "")
        self.add_class("visible")

    def hide(self) -> None:
        self.remove_class("visible")

    @property
    def text(self) -> str:
        """What the count says now ("" while the total is not known)."""
        return str(self.query_one(Label).render())
