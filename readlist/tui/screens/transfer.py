"""Import and export from the main screen: the dialogs, the workers, their messages.

`MainScreen` inherits this; it keeps the triage keys, this keeps the file traffic.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.screen import Screen
from textual.widgets import ProgressBar
from textual.worker import Worker, WorkerState

from readlist.config import DEFAULT_MAX_INPUT_BYTES as DEFAULT_LIMIT
from readlist.selection import Selection, select
from readlist.session import Session
from readlist.store import Store
from readlist.text import clean_display
from readlist.tui.messages import (
    ExportFinished,
    ImportFinished,
    ImportProgress,
    JobFailed,
    PapersChanged,
)
from readlist.tui.screens.export import ExportDialog, ExportRequest
from readlist.tui.screens.importing import ImportDialog, ImportRequest


class TransferScreen(Screen[None]):
    """Workers only post messages; the handlers here turn them into UI."""

    session: Session
    store: Store
    export_dir: Path

    def show_rows(self, keep: str | None = None) -> None:
        raise NotImplementedError

    def action_export(self) -> None:
        c = self.session.counts()
        counts = {"selection": c["selected"], "view": c["shown"], "starred": c["starred"]}
        counts["all"] = c["total"]

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.run_export(request, self.export_ids(request.scope))

        self.app.push_screen(ExportDialog(counts, self.export_dir / "readlist.bib"), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def run_export(self, request: ExportRequest, ids: list[str]) -> None:
        from readlist.tui import jobs  # bibtexparser and pylatexenc load on first use

        jobs.run_export(self.store.path, ids, request, self.post_message)

    def on_export_finished(self, message: ExportFinished) -> None:
        if self.session.refresh():  # the job stored the keys it assigned
            self.show_rows()
        self.notify(
            clean_display(f"Exported {message.count} entries to {message.path}"),
            title="Export",
            markup=False,
        )

    def on_job_failed(self, message: JobFailed) -> None:
        self.query_one("#progress", ProgressBar).remove_class("visible")
        self.notify(
            clean_display(message.error),
            title=f"{message.what.capitalize()} failed",
            severity="error",
            markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (a bug, not bad input) becomes a message, not an exit."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            what = event.worker.group or event.worker.name or "job"
            self.post_message(JobFailed(what, f"{type(error).__name__}: {error}"))

    def export_ids(self, scope: str) -> list[str]:
        if scope == "selection":
            return list(self.session.selected)
        if scope == "view":
            return list(self.session.ids)
        starred = Selection(starred=True) if scope == "starred" else Selection()
        return select(self.store.records(), starred)

    def action_import(self) -> None:
        def chosen(request: ImportRequest | None) -> None:
            if request is not None:
                bar = self.query_one("#progress", ProgressBar)
                bar.update(total=None, progress=0)
                bar.add_class("visible")
                config = getattr(self.app, "config", None)
                self.run_import(request, getattr(config, "max_input_bytes", DEFAULT_LIMIT))

        self.app.push_screen(ImportDialog(self.store.records, self.session.clock), chosen)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, request: ImportRequest, limit: int = DEFAULT_LIMIT) -> None:
        from readlist.tui import jobs

        jobs.run_import(self.store.path, request, self.post_message, limit, self.session.clock)

    def on_import_progress(self, message: ImportProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_import_finished(self, message: ImportFinished) -> None:
        outcome = message.outcome
        self.query_one("#progress", ProgressBar).remove_class("visible")
        self.session.history.record(outcome.change)
        self.session.refresh()  # the job wrote through its own store: catch up
        self.show_rows(self.session.first_shown(outcome.created))  # the first new paper
        self.post_message(PapersChanged())
        from readlist.importing import summary

        warnings = [w for r in outcome.reports for w in r.warnings]  # links, BibTeX keys
        text = summary(outcome.reports) + "".join(f"\n{w}" for w in warnings[:3])
        self.notify(clean_display(text), title="Import", markup=False)
