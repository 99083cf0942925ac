"""Auto-export from the TUI: a debounced job, in the runner's auto-export lane, and
written on exit if a change is still waiting.

A burst of changes (triage runs at key-repeat speed) becomes one update, half a
second after the last change. The lane runs one job at a time and keeps only the
newest waiting one, so runs never overlap and the newest state is written last.
The runs share a Store of their own on the library file, as another process would
(the rule: readlist.session, "Threads"); it and the memo below belong to the lane:
only the one job running in it at a time touches them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.clock import Clock
from readlist.config import AutoExport
from readlist.errors import ReadlistError
from readlist.store import Store
from readlist.tui.runner import JobRunner, Progress

if TYPE_CHECKING:
    from readlist.autoexport import Memo, Result
    from readlist.entrycache import EntryCache

DELAY = 0.5  # seconds after the last change
LANE = "auto-export"


class AutoExporter:
    """Owned by the app: `soon()` after a change, `flush()` on exit."""

    def __init__(
        self,
        runner: JobRunner,
        exports: Sequence[AutoExport],
        clock: Clock,
        warn: Callable[[str], None],
    ) -> None:
        self.runner = runner
        self.exports = tuple(exports)
        self.clock = clock
        self.warn = warn  # a notification (an error, said once until it goes away)
        self.delay = DELAY
        self._store: Store | None = None  # the runs' own, opened by the first run
        self._memo: Memo = {}  # lets a change outside every selection skip the render
        self._entries: EntryCache | None = None  # rendered entries, for the next run
        self._shown: dict[str, str] = {}  # path -> error last shown, to say it once

    def start(self) -> None:
        """At start-up, write only the files that do not exist yet (a new config)."""
        if any(not e.path.exists() for e in self.exports):
            self.soon()

    def soon(self) -> None:
        if self.exports:
            self.runner.start(AutoExportJob(self), self._done, after=self.delay)

    def flush(self) -> list[Result]:
        """On exit: a change still waiting for its turn is written now, not lost."""
        results = []
        if self.runner.drain(LANE):  # after the running one, if any, finished
            results = self.update(self.runner.library)
        # Its writes (keys) are in the journal: the app's own store, quitting after
        # this, hands any compaction they make due to a process of its own.
        self._store = None
        return results

    def update(self, library: Path) -> list[Result]:
        """One run, in the lane. Any failure becomes a result to show."""
        from readlist.autoexport import Result, update_all  # BibTeX loads on first use

        try:
            if self._store is None:
                self._store = Store(library, create=False)
            else:
                self._store.refresh()  # catch up with the UI thread's (and others') writes
            if self._entries is None:
                from readlist.entrycache import EntryCache

                self._entries = EntryCache()
            return update_all(
                self._store, self.exports, self.clock.now(), self._memo, self._entries
            )
        except (ReadlistError, OSError) as exc:
            error = str(exc)
        except Exception as exc:  # a bug must still reach the user, not vanish
            error = f"internal error: {type(exc).__name__}: {exc}"
        return [Result(e.path, error=error) for e in self.exports]

    def _done(self, results: list[Result]) -> None:
        for error in self.news(results):
            self.warn(error)

    def news(self, results: list[Result]) -> list[str]:
        """Errors worth a notification: each one once, until it goes away."""
        out = []
        for result in results:
            key = str(result.path)
            if result.error is None:
                self._shown.pop(key, None)
            elif self._shown.get(key) != result.error:
                self._shown[key] = result.error
                out.append(result.message())
        return out


@dataclass(frozen=True)
class AutoExportJob:
    """Bring every `[[export.auto]]` file up to date."""

    exporter: AutoExporter
    lane = LANE
    what = "auto-export"
    note = ""
    shows_progress = False
    newest_only = True

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> list[Result]:
        return self.exporter.update(path)
