"""d, E and p: delete papers, edit a paper's fields, and its PDF, from the TUI.

Each uses the core the CLI uses (`actions.remove`, `editor`/`editform`, `pdfs`), so
`readlist rm`, `readlist edit` and `readlist pdf` do the same; every change lands
through `Host.landed`, one undo step each. The PDF download is a job of the one
`JobRunner`, in the network lane (one polite session at a time; esc stops it).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from readlist import actions, editform, editor, pdfs
from readlist.changes import Change
from readlist.clock import Clock
from readlist.config import Network
from readlist.errors import ReadlistError
from readlist.model import Paper
from readlist.selection import text_of
from readlist.store import Store
from readlist.text import clean_display
from readlist.tui.display import TITLE_CELLS, shortened
from readlist.tui.edits import Edits
from readlist.tui.network_jobs import LANE
from readlist.tui.ports import Host, Outcome
from readlist.tui.runner import JobRunner, Progress
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.paper_form import PaperForm

QUESTION_TITLE = TITLE_CELLS  # cells of a title in d's question


def papers(n: int) -> str:
    return f"{n} paper{'s' * (n != 1)}"


@dataclass(frozen=True)
class Fetched:
    outcome: Outcome
    path: Path


@dataclass(frozen=True)
class PdfJob:
    """p: download the paper's PDF into the cache and record it on the paper."""

    net: Network
    cache_dir: Path
    pid: str
    lane = LANE
    what = "PDF download"
    note = "downloading the PDF… (esc stops)"
    shows_progress = True
    newest_only = False

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Fetched:
        def announce(note: str) -> None:
            progress(0, 0, note)

        with Store(path, create=False) as store:
            paper = store.get(self.pid)
            with pdfs.session(self.net, announce=announce, cancel=cancel) as http:
                kept = pdfs.download(paper, http, self.net, self.cache_dir, progress)
            change = actions.set_pdf(store, [self.pid], str(kept))
        return Fetched(Outcome(change, summary=f"downloaded {kept}"), kept)


class Owning:
    """A small controller the main screen owns (composition, not a base class)."""

    def __init__(
        self,
        host: Host,
        edits: Edits,
        runner: JobRunner,
        *,
        net: Network,
        clock: Clock,
        cache_dir: Path,
        env: Mapping[str, str],
    ) -> None:
        self.host = host
        self.edits = edits
        self.runner = runner
        self.net = net
        self.clock = clock
        self.cache_dir = cache_dir
        self.env = env  # read when used: $EDITOR may be set after start

    @property
    def store(self) -> Store:
        return self.host.session.store

    # d -------------------------------------------------------------------------------
    def delete(self, ids: list[str]) -> None:
        """Ask, naming how many (and the title of one), then delete in one step."""
        if len(ids) == 1:
            title = text_of(self.store.records()[ids[0]], "title")  # invalid data too
            title = shortened(clean_display(title), QUESTION_TITLE)
            question = f"Delete “{title}”?\nu undoes it; no other paper ever gets its citation key."
        else:
            question = f"Delete {papers(len(ids))}?"
            question += "\nu undoes it; no other paper ever gets their citation keys."

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            session = self.host.session
            if session.refresh():
                self.host.show_rows()
            present = [i for i in ids if i in self.store]
            now = self.clock.now()
            if present and self.edits.apply(lambda: actions.remove(self.store, present, now=now)):
                self.host.say(f"Deleted {papers(len(present))} (u undoes it).")

        self.host.ask(Confirm(question), answered)

    # E -------------------------------------------------------------------------------
    def edit(self, pid: str) -> None:
        """The paper's fields in $VISUAL/$EDITOR (the app suspended meanwhile), else in
        a form here; the same text and checks as `readlist edit`."""
        if self.host.session.refresh():
            self.host.show_rows()
        if self._paper(pid) is None:
            return
        try:
            editor.command(self.env)
        except editor.EditorError:
            self._form(pid)
            return
        try:
            with self.host.suspended():
                done = editor.edit_paper(self.store, pid, self.env)
        except ReadlistError as exc:
            self.host.say(clean_display(str(exc)), severity="error")
            return
        self._edited(done.change, done.message)

    def _edited(self, change: Change, message: str) -> None:
        if change:
            self.host.landed(Outcome(change, counted=True))
            self.host.say(clean_display(f"Edited {message}"))
        else:
            self.host.say("Nothing changed.")

    def _paper(self, pid: str) -> Paper | None:
        """The paper, or None with a word why (removed elsewhere, invalid stored data)."""
        try:
            return self.store.get(pid)
        except ReadlistError as exc:
            self.host.say(clean_display(str(exc)), severity="error")
            return None

    def _form(self, pid: str) -> None:
        paper = self.store.get(pid)
        opened = editform.form_of(paper)

        def save(edited: editform.Form) -> str | None:
            try:
                change = editform.save(self.store, pid, opened, edited)
            except ReadlistError as exc:
                return str(exc)
            fields = editform.changed_fields(opened, edited)
            self._edited(change, f"{pid}: {', '.join(fields)}")
            return None

        self.host.ask(PaperForm(paper.title, opened, save), lambda _: None)

    # p -------------------------------------------------------------------------------
    def pdf(self, pid: str) -> None:
        """Open the PDF on disk, else download it (a job with progress), then open it."""
        paper = self._paper(pid)
        if paper is None:
            return
        kept = pdfs.on_disk(paper)
        if kept is not None:
            self._open(kept)
            return
        if pdfs.source_url(paper, self.net) is None:
            self.host.say(f"{pid}: no PDF to download (no arXiv id, no link to a .pdf).")
            return
        jobs = [self.runner.busy(LANE), *self.runner.waiting(LANE)]
        if any(isinstance(job, PdfJob) and job.pid == pid for job in jobs):
            self.host.say(f"{pid}: its PDF is already downloading; it opens when done.")
            return
        self.runner.start(PdfJob(self.net, self.cache_dir, pid), self._fetched)

    def _fetched(self, fetched: Fetched) -> None:
        self.host.landed(fetched.outcome)
        self.host.update_status(clean_display(fetched.outcome.summary))
        self._open(fetched.path)

    def _open(self, path: Path) -> None:
        try:
            pdfs.open_pdf(path, self.env)
        except ReadlistError as exc:
            self.host.say(clean_display(str(exc)), severity="error")
