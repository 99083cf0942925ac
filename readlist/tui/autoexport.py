"""Auto-export from the TUI: debounced, in a worker thread, flushed on exit.

A burst of changes (triage runs at key-repeat speed) becomes one update, half a
second after the last change. Runs never overlap, so the newest state is written last.
The runs share their own Store on the library file, as another process would: the
UI thread's store is never touched from the worker, and the file lock orders writes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.timer import Timer

from readlist.clock import Clock
from readlist.config import AutoExport
from readlist.errors import ReadlistError
from readlist.store import Store
from readlist.tui.messages import AutoExportDone

if TYPE_CHECKING:
    from readlist.autoexport import Memo, Result

DELAY = 0.5  # seconds after the last change


class AutoExporter:
    """Owned by the app: `soon()` after a change; the app shows `AutoExportDone`."""

    def __init__(
        self, app: App[Any], store: Store, exports: Sequence[AutoExport], clock: Clock
    ) -> None:
        self.app = app
        self.clock = clock
        self.library = store.path
        self._store: Store | None = None  # the runs' own, opened by the first run
        self.exports = tuple(exports)
        self.delay = DELAY
        self._timer: Timer | None = None
        self._lock = threading.Lock()  # one run at a time, in order of starting
        self._dirty = False
        self._memo: Memo = {}  # lets a change outside every selection skip the render
        self._shown: dict[str, str] = {}  # path -> error last shown, to say it once

    def start(self) -> None:
        """At start-up, write only the files that do not exist yet (a new config)."""
        if any(not e.path.exists() for e in self.exports):
            self.soon()

    def soon(self) -> None:
        if not self.exports:
            return
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(self.delay, self._start, name="autoexport")

    def _start(self) -> None:
        self._timer = None
        self.app.run_worker(
            self._run, thread=True, exclusive=True, group="autoexport", exit_on_error=False
        )

    def _update(self) -> list[Result]:
        """One run; the caller holds the lock. Any failure becomes a result to show."""
        from readlist.autoexport import Result, update_all  # BibTeX loads on first use

        try:
            if self._store is None:
                self._store = Store(self.library, create=False)
            else:
                self._store.refresh()  # catch up with the UI thread's (and others') writes
            return update_all(self._store, self.exports, self.clock.now(), self._memo)
        except (ReadlistError, OSError) as exc:
            error = str(exc)
        except Exception as exc:  # a bug must still reach the user, not vanish
            error = f"internal error: {type(exc).__name__}: {exc}"
        return [Result(e.path, error=error) for e in self.exports]

    def _run(self) -> None:
        """Worker body: no widgets here, only its own store, the files and a message."""
        with self._lock:
            self._dirty = False
            results = self._update()
        self.app.post_message(AutoExportDone(results))

    def flush(self) -> list[Result]:
        """On exit: a change still waiting for its timer is written now, not lost."""
        with self._lock:
            results = self._update() if self._dirty else []
            self._dirty = False
            if self._store is not None:
                self._store.close()
                self._store = None
            return results

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
