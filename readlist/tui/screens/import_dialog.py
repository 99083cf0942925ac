"""Import from a path (with completion) or from a pasted listing, with a preview."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widgets import Input, Label, TextArea

from readlist.clock import Clock
from readlist.listing import is_listing_paste
from readlist.listingtext import line_ends
from readlist.preview import Preview, PreviewCounter, snapshot
from readlist.text import clean_display
from readlist.tui.display import blink
from readlist.tui.runner import JobRunner, Progress
from readlist.tui.screens.dialog import Dialog

PREVIEW_PAUSE = 0.15  # seconds after the last change to the paste before counting
Records = Callable[[], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class ImportRequest:
    """Either a path (file or directory) or pasted text."""

    path: str = ""
    text: str = ""


class PathSuggester(Suggester):
    """Completes the last component of a path from the file system."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(value).expanduser()
        folder, stem = (path, "") if value.endswith("/") else (path.parent, path.name)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.name.startswith(stem))
        except OSError:
            return None
        names = [n for n in names if not n.startswith(".") or stem.startswith(".")]
        if not names:
            return None
        best = names[0]
        suffix = "/" if (folder / best).is_dir() else ""
        return value + best[len(stem) :] + suffix


def pasted(text: str) -> str:
    """A paste as it may be shown: terminals send CR for newlines (CR CR for a copied
    CRLF text; `line_ends` is the rule files follow too), and a copied page may carry
    control characters (terminal escapes) that must never reach the screen."""
    return clean_display(line_ends(text))


class PathInput(Input):
    """The path box. An Input keeps only the first line of a paste, so a paste of
    several lines is handed to the screen instead, for the paste area."""

    class ListingPasted(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Input's paste: it drops lines and keeps escapes
        event.stop()
        if is_listing_paste(event.text):
            self.post_message(self.ListingPasted(event.text))
            return
        line = pasted(event.text).strip()
        start, end = self.selection
        self.replace(line, min(start, end), max(start, end))


class PasteArea(TextArea):
    """The paste area; pastes arrive cleaned (see `pasted`)."""

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not TextArea's paste, which keeps escapes
        event.stop()
        if not self.read_only:
            result = self.replace(pasted(event.text), *self.selection)
            self.move_cursor(result.end_location)


@dataclass(frozen=True)
class Counted:
    text: str
    preview: Preview


@dataclass(frozen=True)
class PreviewJob:
    """Count what importing a paste would do (a dry run of the import) against the
    dialog's snapshot of the library; the lane runs one count at a time."""

    counter: PreviewCounter
    text: str
    now: dt.datetime
    lane = "preview"
    what = "preview"
    note = ""
    shows_progress = False
    newest_only = True

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Counted:
        try:
            preview = self.counter.preview(self.text, self.now)
        except Exception as exc:  # a bug must not leave "Counting…" forever
            preview = Preview(error=f"could not count the entries ({type(exc).__name__})")
        return Counted(self.text, preview)


class ImportDialog(Dialog[ImportRequest | None]):
    """Returns what to import, or None when cancelled.

    `records` gives the library's records (`Store.records`); it is called once, on
    the UI thread, the first time a paste is previewed, and only a snapshot of it
    goes to the job that counts, which `runner` runs.
    """

    BINDINGS = [
        Binding("ctrl+s", "run", "Import", id="import.run", tooltip="Import the path or paste"),
        Binding("escape", "cancel", "Cancel", id="import.cancel", tooltip="Close"),
    ]

    def __init__(
        self,
        records: Records | None,
        clock: Clock,
        runner: JobRunner,
        deleted: Records | None = None,
    ) -> None:
        super().__init__()
        self._records = records
        self._deleted = deleted  # the library's deleted papers: their keys stay theirs
        self._clock = clock
        self._runner = runner
        self._counter: PreviewCounter | None = None
        self._timer: Timer | None = None
        self._early: list[str] | None = []  # pastes handed over before it was mounted

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall", id="import-dialog"):
            yield Label("[b]Import a listing[/b]")
            yield Label("A .txt listing, a .bib file or a directory of them (→ completes):")
            yield PathInput(
                placeholder="~/Downloads/daily-papers.txt", suggester=PathSuggester(), id="path"
            )
            yield Label("… or paste the Daily Papers page (anywhere in this dialog):")
            yield PasteArea(id="paste", soft_wrap=True)
            yield Label("Nothing pasted yet.", id="preview", markup=False)
            yield Label("ctrl+s import · enter imports the path · esc cancel", classes="hint")

    def on_mount(self) -> None:
        for widget in (self.query_one(Input), self.query_one(TextArea)):
            widget.cursor_blink = blink(self.app)
        self.query_one(Input).focus()
        early, self._early = self._early or [], None
        for text in early:
            self.take_paste(text)

    # Pastes ----------------------------------------------------------------------
    def on_path_input_listing_pasted(self, message: PathInput.ListingPasted) -> None:
        self.paste_listing(message.text)

    def on_paste(self, event: events.Paste) -> None:
        """A paste that reached the screen: nothing was focused yet (right after `i`)."""
        event.stop()
        self.take_paste(event.text)

    def take_paste(self, text: str) -> None:
        """A paste for this dialog, wherever it landed: one that reached the list
        before the dialog was open (`i` and a paste in one write) is handed over."""
        if self._early is not None:  # not mounted yet
            self._early.append(text)
        elif is_listing_paste(text):
            self.paste_listing(text)
        else:
            box = self.query_one(Input)
            box.insert_text_at_cursor(pasted(text).strip())
            box.focus()

    def paste_listing(self, text: str) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.insert(pasted(text))

    # Preview ---------------------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_PAUSE, self.start_preview)

    def start_preview(self) -> None:
        text = self.query_one(TextArea).text
        label = self.query_one("#preview", Label)
        if not text.strip():
            label.update("Nothing pasted yet.")
            return
        if self._counter is None:
            records = self._records() if self._records else {}
            gone = self._deleted() if self._deleted else {}
            self._counter = PreviewCounter(snapshot(records), gone)
        label.update("Counting…")
        self._runner.start(PreviewJob(self._counter, text, self._clock.now()), self._counted)

    def _counted(self, counted: Counted) -> None:
        if self.is_attached and counted.text == self.query_one(TextArea).text:
            label = self.query_one("#preview", Label)
            label.update(counted.preview.summary())
            label.set_class(bool(counted.preview.error), "error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        text = self.query_one(TextArea).text
        path = self.query_one(Input).value.strip()
        if text.strip():
            self.dismiss(ImportRequest(text=text))
        elif path:
            self.dismiss(ImportRequest(path=path))
        else:
            self.notify("Give a path or paste a listing.", severity="error")

    def action_cancel(self) -> None:
        self.dismiss(None)
