"""R, P and auto-resolve for the main screen: one network job at a time, in a worker.

`NetworkJobs` is an invisible widget the main screen composes (composition, not a
base class): it owns the cancel flag, runs `netjobs.run` in a thread worker, turns
its messages into UI (the progress bar, the status line, undo), and walks the user
through unsure matches one dialog at a time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widget import Widget
from textual.widgets import ProgressBar
from textual.worker import Worker, WorkerState

from readlist.config import Config, Network
from readlist.periods import PullRequest
from readlist.text import clean_display
from readlist.tui.messages import JobFailed, PapersChanged
from readlist.tui.netjobs import NetDone, NetProgress, NetRequest, run
from readlist.tui.screens.network import PullDialog, UnsureDialog

if TYPE_CHECKING:
    from readlist.tui.screens.main import MainScreen

VERBS = {"resolve": "resolving", "accept": "accepting", "reject": "rejecting", "pull": "pulling"}


def offline_note(error: str) -> str:
    """`cannot reach HOST: why` -> `offline: cannot reach HOST` (one quiet line); any
    other reason a job stopped (its network budget ran out) is shown as it is."""
    if not error.startswith("cannot reach "):
        return error
    head, sep, _ = error.partition(": ")
    return f"offline: {head if sep else error}"


class NetworkJobs(Widget):
    """Runs resolve, accept, reject and pull jobs for its screen; never displayed."""

    DEFAULT_CSS = "NetworkJobs { display: none; }"

    def __init__(self, screen: MainScreen) -> None:
        super().__init__(id="network-jobs")
        self.main = screen
        self.cancel_flag = threading.Event()
        self.busy: NetRequest | None = None
        self.unsure: list[str] = []  # papers still to decide, in order
        self.queued: list[NetRequest] = []  # decisions made while a job ran
        self.asked = 0
        self.offline_said = False

    @property
    def network(self) -> Network:
        config = getattr(self.app, "config", None)
        return config.network if isinstance(config, Config) else Network()

    # Starting and stopping -------------------------------------------------------
    def start(self, request: NetRequest) -> bool:
        """Start a job unless one runs (one polite session at a time)."""
        if self.busy is not None:
            if request.kind in ("accept", "reject"):
                self.queued.append(request)  # the user's decision runs next, not lost
            elif request.auto:
                self.main.update_status("new papers not resolved (busy): R resolves them")
            else:
                self.notify(f"Still {VERBS[self.busy.kind]}; esc stops it.", markup=False)
            return False
        self.busy = request
        self.cancel_flag = threading.Event()
        bar = self.main.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("visible")
        self.main.update_status(f"{VERBS[request.kind]}… (esc stops)")
        self._work(request, self.cancel_flag)
        return True

    def cancel(self) -> bool:
        """Ask the running job to stop after its current request; False if none runs."""
        if self.busy is None or self.cancel_flag.is_set():
            return False
        self.cancel_flag.set()
        self.main.update_status(f"stopping {VERBS[self.busy.kind]}…")
        return True

    def on_unmount(self) -> None:
        self.cancel_flag.set()  # quitting never waits for arXiv's politeness delay

    def resolve(self, selected: list[str], current: str | None) -> None:
        """R: the selection, else every unresolved paper (and the current one)."""
        if self.cancel():
            return
        ids = tuple(selected) if selected else None
        self.start(NetRequest("resolve", ids, current=None if selected else current))

    def auto_resolve(self, created: list[str]) -> None:
        """After an import: resolve the new papers in the background, if configured."""
        if created and self.network.auto_resolve:
            self.start(NetRequest("resolve", tuple(created), auto=True))

    def pull(self) -> None:
        """P: ask for a day (or week, or month), then pull it."""

        def chosen(request: PullRequest | None) -> None:
            if request is not None:
                self.start(NetRequest("pull", period=request.period, value=request.value))

        self.app.push_screen(PullDialog(self.main.session.clock.today()), chosen)

    @work(thread=True, exclusive=True, group="network", exit_on_error=False)
    def _work(self, request: NetRequest, cancel: threading.Event) -> None:
        run(
            self.main.store.path,
            self.network,
            request,
            cancel,
            self.post_message,
            self.main.session.clock,
        )

    # What the worker reports -----------------------------------------------------
    def on_net_progress(self, message: NetProgress) -> None:
        if message.note:
            self.main.update_status(clean_display(f"{message.note} (esc stops)"))
            return
        bar = self.main.query_one("#progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)

    def on_net_done(self, message: NetDone) -> None:
        request, result = message.request, message.result
        self._finish()
        screen = self.main
        screen.session.history.record(result.change)
        screen.session.forget_counts()
        if screen.session.refresh():  # the job wrote through its own store
            screen.build_index()  # a fresh one, off the UI thread
        # After a pull the cursor goes to the first new paper, as after an import.
        screen.show_rows(screen.session.first_shown(result.change.created))
        if result.change:
            screen.post_message(PapersChanged())  # auto-exports follow
        if result.error:
            if not (request.auto and self.offline_said):
                screen.update_status(offline_note(result.error))
            self.offline_said = True
            return
        self.offline_said = False
        text = result.summary or ("stopped" if result.interrupted else "nothing to do")
        if request.kind == "resolve" and not result.count and not result.interrupted:
            text = "Nothing to resolve (select papers to retry them)."
        if request.auto:
            note = f"resolved new papers: {text}"
            if result.unsure:
                note += " · R to decide the unsure"
            screen.update_status(clean_display(note))
            return
        title = {"pull": "Pull"}.get(request.kind, "Resolve")
        self.notify(clean_display(text), title=title, markup=False)
        if request.kind in ("resolve", "pull"):
            self.unsure, self.asked = list(result.unsure), 0
        if not result.interrupted:
            self.ask_next()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A job that raised (a bug, not bad input) is one error notice, not an exit."""
        if event.state == WorkerState.ERROR:
            self._finish()
            error = event.worker.error
            self.main.post_message(JobFailed("network", f"{type(error).__name__}: {error}"))

    def on_job_failed(self, message: JobFailed) -> None:
        self._finish()  # the screen's own handler (the message bubbles) tells the user

    def _finish(self) -> None:
        self.busy = None
        self.main.query_one("#progress", ProgressBar).remove_class("visible")
        if self.queued:
            self.call_later(self.start, self.queued.pop(0))

    # Unsure matches --------------------------------------------------------------
    def ask_next(self) -> None:
        """Open the dialog for the next unsure paper that is still unsure."""
        store = self.main.store
        while self.unsure:
            pid = self.unsure.pop(0)
            self.asked += 1
            if pid not in store:
                continue
            paper = store.get(pid)
            info: dict[str, Any] = paper.resolution or {}
            candidate = info.get("candidate")
            if info.get("status") != "unsure" or not isinstance(candidate, dict):
                continue
            place = f"({self.asked} of {self.asked + len(self.unsure)})"

            def answered(answer: str | None, pid: str = pid) -> None:
                if answer in ("accept", "reject"):
                    self.start(NetRequest(answer, (pid,)))
                else:
                    self.ask_next()

            dialog = UnsureDialog(paper, candidate, str(info.get("reason") or ""), place)
            self.app.push_screen(dialog, answered)
            return
