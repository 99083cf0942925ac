"""One way to run work off the UI thread: every background job of the TUI goes through
the `JobRunner` that the main screen composes.

A `Job` is `run(path, progress, cancel) -> result`, pure of widgets: it opens what it
needs on the library at `path` itself (a Store of its own: the rule is readlist.session's
"Threads") and reports through `progress(done, total)`. The runner runs it in a thread
worker that only posts messages (JobProgress, then JobDone or JobFailed); on the UI
thread the runner turns them into UI: the one progress bar (`bar`), the status note,
a notice for a failure, and the `done` callback the job was started with.

Jobs of one lane run one at a time, in the order they were started; a `newest_only`
lane keeps only the newest waiting job (a search, an index build, an auto-export). A
start `after` seconds is debounced: a newer start in the lane restarts the wait.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from readlist.errors import ReadlistError
from readlist.text import clean_display
from readlist.tui.widgets.job_bar import JobBar


class Progress(Protocol):
    """How far a job is: `done` of `total`; or, with `note`, why it waits."""

    def __call__(self, done: int, total: int, note: str = "") -> None: ...


R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Job(Protocol[R_co]):
    """Work for a worker thread. Its attributes tell the runner how to run it."""

    @property
    def lane(self) -> str:
        """Jobs of one lane run one at a time (one network job, one auto-export, ...)."""

    @property
    def what(self) -> str:
        """What it is, for a failure's title: "Import failed"."""

    @property
    def note(self) -> str:
        """The status line's note while it runs ("" for none)."""

    @property
    def shows_progress(self) -> bool:
        """Whether the progress bar follows it."""

    @property
    def newest_only(self) -> bool:
        """Whether a newer job replaces one still waiting in the lane."""

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> R_co:
        """In a worker thread; `cancel` is set when the user stops it or quits."""


class JobProgress(Message, bubble=False):
    def __init__(self, token: int, done: int, total: int, note: str = "") -> None:
        self.token = token
        self.done = done
        self.total = total
        self.note = note
        super().__init__()


class JobDone(Message, bubble=False):
    def __init__(self, token: int, job: Job[object], result: object) -> None:
        self.token = token
        self.job = job
        self.result = result
        super().__init__()


class JobFailed(Message, bubble=False):
    """The job raised: bad input or a library it cannot use (said as is), or a bug."""

    def __init__(self, token: int, title: str, error: str) -> None:
        self.token = token
        self.title = title
        self.error = error
        super().__init__()


@dataclass(eq=False)
class _Run(Generic[R]):
    """One start of a job, from waiting to done."""

    job: Job[R]
    done: Callable[[R], None] | None
    failed: Callable[[str], None] | None
    token: int
    note: str
    progress: tuple[int, int | None] = (0, None)
    waiting: str = ""  # why it waits, said over its note until it goes on
    cancel: threading.Event = field(default_factory=threading.Event)
    # The hand-over with the worker thread, for `drain`: either the worker sees that
    # the run was abandoned and skips it, or `drain` sees that it started and waits.
    started: threading.Event = field(default_factory=threading.Event)
    abandoned: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    ran: bool = False

    def deliver(self, result: object) -> None:
        if self.done is not None:
            self.done(cast(R, result))


STOPS = " (esc stops)"


def _said(run: _Run[Any]) -> str:
    """Its note, and why it waits if it does: "resolving… waiting 30 s: … (esc stops)"."""
    if not run.waiting:
        return run.note
    base = run.note.removesuffix(STOPS)
    stops = STOPS if run.note.endswith(STOPS) else ""
    return f"{base} {run.waiting}{stops}".strip()


class JobRunner(Widget):
    """Runs every job of the screen that composes it (never displayed itself)."""

    DEFAULT_CSS = "JobRunner { display: none; }"

    class NoteChanged(Message):
        """The note of the running jobs changed: the status line shows `note`."""

    def __init__(self, library: Path) -> None:
        super().__init__(id="jobs")
        self.library = library
        self.bar = JobBar(id="progress")  # its one owner: only this class drives it
        self._tokens = itertools.count(1)
        self._active: dict[str, _Run[Any]] = {}
        self._waiting: dict[str, deque[_Run[Any]]] = {}
        self._delayed: dict[str, tuple[_Run[Any], Timer]] = {}
        self._shown: list[_Run[Any]] = []  # runs the bar may follow: the last one
        self._note = ""

    # Starting and stopping -------------------------------------------------------------
    def start(
        self,
        job: Job[R],
        done: Callable[[R], None] | None = None,
        *,
        failed: Callable[[str], None] | None = None,
        after: float = 0.0,
    ) -> None:
        """Run `job` when its lane is free (`after` seconds from now, debounced), then
        call `done` with its result on the UI thread; `failed` after the notice."""
        run = _Run(job, done, failed, next(self._tokens), job.note)
        lane = job.lane
        if after > 0:
            previous = self._delayed.pop(lane, None)
            if previous is not None:
                previous[1].stop()
            self._delayed[lane] = (run, self.set_timer(after, partial(self._release, lane)))
            return
        self._submit(run)

    def busy(self, lane: str) -> Job[Any] | None:
        """The job running in `lane`, if any."""
        run = self._active.get(lane)
        return run.job if run is not None else None

    def waiting(self, lane: str) -> list[Job[Any]]:
        """The jobs waiting for `lane`, in the order they will run."""
        return [run.job for run in self._waiting.get(lane, ())]

    def cancel(self, lane: str, note: str = "") -> bool:
        """Ask the job running in `lane` to stop; False if none runs or it was asked."""
        run = self._active.get(lane)
        if run is None or run.cancel.is_set():
            return False
        run.cancel.set()
        if note:
            run.note = note
            self._noted()
        return True

    def drop(self, lane: str) -> None:
        """Forget the jobs of `lane` that have not started (the running one goes on)."""
        self._waiting.pop(lane, None)
        delayed = self._delayed.pop(lane, None)
        if delayed is not None:
            delayed[1].stop()

    def drain(self, lane: str) -> list[Job[Any]]:
        """When quitting: wait for the job running in `lane` to finish, and hand back
        (and forget) the jobs that have not run, for the caller to run here or drop."""
        pending = [*self._waiting.pop(lane, ())]
        delayed = self._delayed.pop(lane, None)
        if delayed is not None:
            delayed[1].stop()
            pending.append(delayed[0])
        run = self._active.pop(lane, None)
        if run is not None:
            run.abandoned.set()
            if run.started.is_set():
                run.finished.wait()
            if not run.ran:
                pending.insert(0, run)
        return [r.job for r in pending]

    @property
    def note(self) -> str:
        """What the running jobs say in the status line (the latest started)."""
        return self._note

    def on_unmount(self) -> None:
        for run in self._active.values():
            run.cancel.set()  # quitting never waits for arXiv's politeness delay

    # Running ---------------------------------------------------------------------------
    def _release(self, lane: str) -> None:
        delayed = self._delayed.pop(lane, None)
        if delayed is not None:
            self._submit(delayed[0])

    def _submit(self, run: _Run[Any]) -> None:
        lane = run.job.lane
        if lane not in self._active:
            self._launch(run)
            return
        waiting = self._waiting.setdefault(lane, deque())
        if run.job.newest_only:
            waiting.clear()
        waiting.append(run)

    def _launch(self, run: _Run[Any]) -> None:
        self._active[run.job.lane] = run
        if run.job.shows_progress:
            self._shown.append(run)
            self._paint()
        self._noted()
        self.run_worker(
            partial(self._work, run),
            name=f"{type(run.job).__name__}#{run.token}",  # what Textual's worker list shows
            thread=True,
            group=run.job.lane,
            exit_on_error=False,
        )

    def _work(self, run: _Run[Any]) -> None:
        """The worker thread's part: the job and messages, never a widget."""
        run.started.set()
        if run.abandoned.is_set():
            run.finished.set()
            return
        run.ran = True
        token, job = run.token, run.job

        def progress(done: int, total: int, note: str = "") -> None:
            self.post_message(JobProgress(token, done, total, note))

        message: Message
        try:
            message = JobDone(token, job, job.run(self.library, progress, run.cancel))
        except (ReadlistError, OSError) as exc:
            message = JobFailed(token, f"{job.what.capitalize()} failed", str(exc))
        except Exception as exc:  # a bug: one notice, and the app goes on
            error = f"{type(exc).__name__}: {exc}"
            message = JobFailed(token, f"{job.lane.capitalize()} failed", error)
        finally:
            run.finished.set()
        self.post_message(message)

    def on_job_progress(self, message: JobProgress) -> None:
        run = self._find(message.token)
        if run is None:
            return
        if message.note or run.waiting:
            run.waiting = message.note
            self._noted()
        if not message.note:
            run.progress = (message.done, message.total)
            self._paint()

    def on_job_done(self, message: JobDone) -> None:
        run = self._end(message.token)
        if run is not None:
            run.deliver(message.result)

    def on_job_failed(self, message: JobFailed) -> None:
        run = self._end(message.token)
        self.notify(
            clean_display(message.error), title=message.title, severity="error", markup=False
        )
        if run is not None and run.failed is not None:
            run.failed(message.error)

    def _find(self, token: int) -> _Run[Any] | None:
        return next((r for r in self._active.values() if r.token == token), None)

    def _end(self, token: int) -> _Run[Any] | None:
        """The run is over: free its lane (the next waiting job starts first)."""
        run = self._find(token)
        if run is None:
            return None
        lane = run.job.lane
        del self._active[lane]
        if run in self._shown:
            self._shown.remove(run)
            self._paint()
        self._noted()
        waiting = self._waiting.get(lane)
        if waiting:
            self._launch(waiting.popleft())
        return run

    def _paint(self) -> None:
        """The bar follows the latest started job that shows progress."""
        if self._shown:
            self.bar.show(*self._shown[-1].progress)
        else:
            self.bar.hide()

    def _noted(self) -> None:
        notes = [_said(run) for run in self._active.values()]
        notes = [note for note in notes if note]
        note = notes[-1] if notes else ""
        if note != self._note:
            self._note = note
            self.post_message(self.NoteChanged())
