"""Import and export bodies for worker threads. They never touch widgets: they post
messages, and the screen's handlers turn those into UI.

Nor do they touch the UI's `Store`: each job opens its own on the same file, exactly
as another readlist process would, and the file lock orders the writes. The UI thread
then picks the job's commit up with its ordinary refresh, so one thread owns the
UI's store and the search index, and no state is shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from readlist.clock import Clock
from readlist.errors import InputError, ReadlistError
from readlist.exporters import Options
from readlist.exporting import check_output, export_papers, exportable, write_export
from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.listing import decode
from readlist.store import Store
from readlist.tui.messages import ExportFinished, ImportFinished, ImportProgress, JobFailed
from readlist.tui.screens.export import ExportRequest
from readlist.tui.screens.importing import ImportRequest

Post = Callable[[Message], object]


def run_import(path: Path, request: ImportRequest, post: Post, limit: int, clock: Clock) -> None:
    try:
        if request.text:
            data = request.text.encode("utf-8")
            if len(data) > limit:
                raise InputError(f"pasted text is larger than the {limit >> 20} MB limit")
            texts = [("<paste>", decode(data, "pasted text"))]
        else:
            texts = read_inputs([request.path], limit=limit)

        def progress(done: int, total: int) -> None:
            post(ImportProgress(done, total))

        now = clock.now()
        with Store(path, create=False) as store:
            outcome = import_listings(store, texts, now.date(), now, progress=progress)
    except (ReadlistError, OSError) as exc:
        post(JobFailed("import", str(exc)))
        return
    post(ImportFinished(outcome))


def run_export(path: Path, ids: list[str], request: ExportRequest, post: Post) -> None:
    try:
        with Store(path, create=False) as store:
            check_output(request.path, store)  # before keys are stored
            papers, _ = exportable(store, [i for i in ids if i in store])
            options = Options(request.format, request.unicode)
            text = export_papers(store, papers, options)
            write_export(request.path, text, store)
    except (ReadlistError, OSError) as exc:
        post(JobFailed("export", str(exc)))
        return
    post(ExportFinished(len(papers), str(request.path)))
