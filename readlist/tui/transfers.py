"""i and e: the import and export dialogs, and the jobs that do the file traffic.

Each job opens its own Store on the library, as another process would (the rule:
readlist.session, "Threads"), and returns an `Outcome`; the screen lands it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.changes import Change
from readlist.clock import Clock
from readlist.errors import InputError
from readlist.selection import select
from readlist.store import Store
from readlist.text import clean_display
from readlist.tui.ports import Host, Outcome
from readlist.tui.runner import JobRunner, Progress
from readlist.tui.screens.export_dialog import ExportDialog, ExportRequest

if TYPE_CHECKING:  # the dialog, and the preview it imports, load when first opened
    from readlist.tui.screens.import_dialog import ImportDialog, ImportRequest
from readlist.versions import Policy


@dataclass(frozen=True)
class ImportJob:
    """Import a file, a directory or a paste; the progress bar follows it."""

    request: ImportRequest
    limit: int  # bytes a paste may hold (config's max_input_bytes)
    clock: Clock
    lane = "import"
    what = "import"
    note = ""
    shows_progress = True
    newest_only = False

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Outcome:
        from readlist.importing import import_listings, summary  # bibtexparser: on first use
        from readlist.inputs import read_inputs
        from readlist.listingtext import decode

        skipped: list[str] = []  # a directory's FIFO named *.txt, say: left out, said so
        if self.request.text:
            data = self.request.text.encode("utf-8")
            if len(data) > self.limit:
                raise InputError(f"pasted text is larger than the {self.limit >> 20} MB limit")
            texts = [("<paste>", decode(data, "pasted text"))]
        else:
            texts = read_inputs([self.request.path], limit=self.limit, skipped=skipped)
        now = self.clock.now()
        with Store(path, create=False) as store:
            outcome = import_listings(store, texts, now.date(), now, progress=progress)
        warnings = [*skipped, *(w for r in outcome.reports for w in r.warnings)]  # links, keys
        return Outcome(outcome.change, summary=summary(outcome.reports), warnings=tuple(warnings))


@dataclass(frozen=True)
class ExportJob:
    """Write the chosen papers to a file (their keys are stored on the way)."""

    ids: tuple[str, ...]
    request: ExportRequest
    versions: Policy = "both"  # [export] versions: which version of a preprint is cited
    lane = "export"
    what = "export"
    note = ""
    shows_progress = False
    newest_only = False

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Outcome:
        count, skipped = export_file(path, list(self.ids), self.request, self.versions)
        summary = f"Exported {count} entries to {self.request.path}"
        warnings = tuple(f"{pid} left out: {why}" for pid, why in sorted(skipped.items()))
        if skipped:
            summary += f"; {len(skipped)} left out (invalid data: readlist check)"
        return Outcome(
            Change("export"), record=False, summary=summary, count=count, warnings=warnings
        )


def export_file(
    library: Path, ids: list[str], request: ExportRequest, versions: Policy = "both"
) -> tuple[int, dict[str, str]]:
    """The one call a TUI export makes: check the target, store the keys, render the
    papers and write the file; the number of entries written, and the papers left out
    (invalid data) with why."""
    from readlist.exporters import Options  # bibtexparser and pylatexenc: on first use
    from readlist.exporting import check_output, export_papers, exportable, write_export

    with Store(library, create=False) as store:
        check_output(request.path, store)  # before keys are stored
        papers, skipped = exportable(store, [i for i in ids if i in store])
        options = Options(request.format, request.unicode, versions=versions)
        text = export_papers(store, papers, options)
        write_export(request.path, text, store)
    return len(papers), skipped


class Transfers:
    """The i and e keys for the screen it is given (composition, not a base class)."""

    def __init__(
        self,
        host: Host,
        runner: JobRunner,
        *,
        limit: int,
        export_dir: Path,
        imported: Callable[[list[str]], None],
        versions: Policy = "both",
    ) -> None:
        self.host = host
        self.versions = versions
        self.runner = runner
        self.limit = limit
        self.export_dir = export_dir
        self.imported = imported  # told the new papers' ids (auto-resolve)
        self._dialog: ImportDialog | None = None  # the import dialog while it is open

    def export(self) -> None:
        c = self.host.session.counts()
        counts = {"selection": c["selected"], "view": c["shown"], "starred": c["starred"]}
        counts["all"] = c["total"]

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                ids = tuple(self.export_ids(request.scope))
                self.runner.start(ExportJob(ids, request, self.versions), self._exported)

        self.host.ask(ExportDialog(counts, self.export_dir / "readlist.bib"), chosen)

    def export_ids(self, scope: str) -> list[str]:
        session = self.host.session
        if scope == "selection":
            return list(session.selected)
        if scope == "view":
            return list(session.ids)
        records = session.store.light()
        if scope == "starred":
            return [i for i in select(records) if records[i].get("starred")]
        return select(records)

    def _exported(self, outcome: Outcome) -> None:
        self.host.landed(outcome)  # the job stored the keys it assigned
        text = outcome.summary + "".join(f"\n{w}" for w in outcome.warnings[:3])
        if outcome.warnings:
            self.host.say(clean_display(text), title="Export", severity="warning")
        else:
            self.host.say(clean_display(text), title="Export")

    def import_(self, paste: str = "") -> None:
        """i, or a listing pasted onto the list: the import dialog, given the paste. A
        paste that raced `i` (one write over SSH) goes to the dialog already open."""
        if self._dialog is not None:
            if paste:
                self._dialog.take_paste(paste)
            return
        session = self.host.session

        def chosen(request: ImportRequest | None) -> None:
            self._dialog = None
            if request is not None:
                self.runner.start(ImportJob(request, self.limit, session.clock), self._imported)

        from readlist import deleted
        from readlist.tui.screens.import_dialog import ImportDialog

        store = session.store
        dialog = self._dialog = ImportDialog(
            store.light, session.clock, self.runner, lambda: deleted.records(store)
        )
        if paste:
            dialog.take_paste(paste)
        self.host.ask(dialog, chosen)

    def _imported(self, outcome: Outcome) -> None:
        self.host.landed(outcome)  # the cursor goes to the first new paper
        text = outcome.summary + "".join(f"\n{w}" for w in outcome.warnings[:3])
        self.host.say(clean_display(text), title="Import")
        self.imported(outcome.created)
