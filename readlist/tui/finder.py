"""`/` as you type: title and tag matches at once on the UI thread, abstracts once
typing pauses, in a job; and the search index kept fresh, built in a job.

An index of the sidecar's abstract postings answers abstracts in a millisecond or two,
so there every keystroke gets the whole answer at once, on the UI thread, and one
repaint: no job, no second repaint, no wait for the GIL. Only a quoted phrase still
goes to the job (the postings narrow it down; the abstracts themselves must confirm).

Both jobs get a frozen hand-over (readlist.handoff) and hand a value back; the UI
thread decides whether it still applies: a full search's answer only while nothing
shown changed since it was asked, an index only if no other writer changed papers
since its snapshot (readlist.session, "Threads").
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.handoff import IndexBuild, SearchRequest
from readlist.query import QueryError, parse
from readlist.tui.ports import Host
from readlist.tui.runner import JobRunner, Progress

if TYPE_CHECKING:
    from readlist.search import SearchIndex  # numpy and rapidfuzz: not at start-up

SEARCH_PAUSE = 0.15  # seconds without typing before abstracts are scanned (no postings)


@dataclass(frozen=True)
class Found:
    request: SearchRequest
    ids: list[str]


@dataclass(frozen=True)
class SearchJob:
    """A full search (abstracts included) of a frozen request."""

    # Not in the repr: a worker is named by its job's repr, and a request holds every id.
    request: SearchRequest = field(repr=False)
    lane = "search"
    what = "search"
    note = ""
    shows_progress = False
    newest_only = True

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Found:
        return Found(self.request, self.request.run())


@dataclass(frozen=True)
class Built:
    build: IndexBuild
    index: SearchIndex


@dataclass(frozen=True)
class IndexJob:
    """A new search index from a snapshot of the records."""

    build: IndexBuild = field(repr=False)  # a snapshot of every record: not in the repr
    lane = "index"
    what = "index"
    note = ""
    shows_progress = False
    newest_only = True

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Built:
        return Built(self.build, self.build.run())


class Finder:
    """Search as you type, for the screen it is given (composition, not a base class)."""

    def __init__(self, host: Host, runner: JobRunner) -> None:
        self.host = host
        self.runner = runner
        self.pause = SEARCH_PAUSE

    def typed(self, value: str, keep: str | None) -> None:
        """The search box now holds `value`: the fast answer now, the full one later."""
        session = self.host.session
        whole = self.whole(value)
        ids = session.apply_query(value, abstracts=whole)
        # Typing shows the best match; clearing the box keeps the paper highlighted.
        self.host.show_rows(keep=ids[0] if ids and value.strip() else keep)
        self.search_later(answered=whole)

    def whole(self, value: str) -> bool:
        """Whether the whole answer, abstracts included, is quick enough to give at once:
        by the postings, for a query without a quoted phrase."""
        session = self.host.session
        if not session.live_index.ready or not session.index.abstracts_indexed:
            return False
        try:
            query = parse(value)
        except QueryError:
            return False
        return not (query.phrases or query.excluded_phrases)

    def search_later(self, *, answered: bool = False) -> None:
        """Search abstracts too once typing pauses, so the scan never holds the GIL
        while the next keystroke wants to paint; `answered`: they were searched."""
        session = self.host.session
        self.freshen()
        if answered or not session.query.strip() or session.query_error:
            self.runner.drop(SearchJob.lane)
            return
        try:
            request = session.search_request(session.query)
        except QueryError:  # the status line already says why
            return
        # An index of the sidecar's abstract postings answers in milliseconds: no pause.
        pause = 0.0 if request.index.abstracts_indexed else self.pause
        self.runner.start(SearchJob(request), self._found, after=pause)

    def _found(self, found: Found) -> None:
        session = self.host.session
        if found.ids == session.ids:
            return
        if session.answer(found.request, found.ids):  # else: asked before a change
            # Title matches come first in both answers, so the top row stays put.
            self.host.show_rows(keep=found.ids[0] if found.ids else None)

    # The index ---------------------------------------------------------------------
    def freshen(self) -> None:
        """Build a new index in a job if the library changed in ways it has not seen
        (one build at a time: the next starts when this one is dropped as stale)."""
        live = self.host.session.live_index
        if live.stale and self.runner.busy(IndexJob.lane) is None:
            self.runner.start(IndexJob(live.build()), self._built)

    def _built(self, built: Built) -> None:
        session = self.host.session
        if not session.live_index.install(built.build, built.index):
            self.freshen()  # other writers changed papers meanwhile: build again
            return
        # The index lives until the next one: keep the cyclic GC from walking its
        # 100k-entry lists on every full collection (an 80 ms stall).
        gc.freeze()
        self.host.warm_soon()
        if session.query.strip():  # what the old index could not find
            whole = self.whole(session.query)
            session.apply_query(session.query, abstracts=whole)
            self.host.show_rows()
            self.search_later(answered=whole)
