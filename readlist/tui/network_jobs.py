"""R, P, auto-resolve and the unsure matches: the network jobs and their controller.

Each job opens its own `Store` on the library (the rule: readlist.session, "Threads")
and its own polite HTTP session, and returns an `Outcome`. One network job runs at a
time (one polite session): a decision on an unsure match made meanwhile waits and
runs next; any other start is refused with a word. esc stops the running job, and
quitting stops it too.
"""

from __future__ import annotations

import dataclasses
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from readlist.changes import Change
from readlist.clock import Clock
from readlist.config import Network
from readlist.errors import InvalidPaper
from readlist.periods import PullRequest
from readlist.store import Store
from readlist.text import clean_display
from readlist.tui.ports import Host, Outcome
from readlist.tui.runner import Job, JobRunner, Progress
from readlist.tui.screens.network_dialogs import PullDialog, UnsureDialog

if TYPE_CHECKING:
    from readlist.resolving import Outcome as Resolved
    from readlist.resolving import Sources

LANE = "network"


def offline_note(error: str) -> str:
    """`cannot reach HOST: why` -> `offline: cannot reach HOST` (one quiet line); any
    other reason a job stopped (its network budget ran out) is shown as it is."""
    if not error.startswith("cannot reach "):
        return error
    head, sep, _ = error.partition(": ")
    return f"offline: {head if sep else error}"


def _outcome(resolved: Resolved, summary: str | None = None, count: int | None = None) -> Outcome:
    """A resolve's outcome in the TUI's one shape."""
    unsure = tuple(r.paper_id for r in resolved.results if r.status == "unsure")
    return Outcome(
        resolved.change,
        summary=resolved.summary() if summary is None else summary,
        unsure=unsure,
        error=resolved.error,
        interrupted=resolved.interrupted,
        count=len(resolved.results) if count is None else count,
    )


class NetworkJob(Job[Outcome], Protocol):
    """What the controller asks of a network job, besides running it."""

    @property
    def verb(self) -> str:
        """ "resolving": the status line and a refusal say it."""

    @property
    def title(self) -> str:
        """Of its notification."""

    @property
    def auto(self) -> bool:
        """Started by an import, not by the user: it reports quietly."""

    @property
    def decision(self) -> bool:
        """The user's answer to an unsure match: it waits its turn, never refused."""

    @property
    def asks(self) -> bool:
        """Its unsure papers are asked about, one dialog at a time."""

    @property
    def nothing(self) -> str:
        """What it says when it worked on no paper ("": its summary)."""


class _OnlineJob:
    """What every network job shares: its lane, its note, and a run that gives its
    `body` a Store and sources of its own. A job says only what differs."""

    lane = LANE
    shows_progress = True
    newest_only = False
    auto = False
    decision = False
    asks = False
    nothing = ""
    what: str
    verb: str
    net: Network

    @property
    def note(self) -> str:
        return f"{self.verb}… (esc stops)"

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        raise NotImplementedError

    def run(self, path: Path, progress: Progress, cancel: threading.Event) -> Outcome:
        """`body` with a Store and the sources of its own; stopped or offline is an
        outcome (nothing changed), a library it cannot use raises."""
        from readlist.resolving import Sources  # httpx loads when the network is used
        from readlist.sources.http import Cancelled, Halt

        def announce(note: str) -> None:  # why it waits ("waiting 60 s: ...")
            progress(0, 0, note)

        try:
            with ExitStack() as stack:
                store = stack.enter_context(Store(path, create=False))
                sources = stack.enter_context(Sources(self.net, cancel=cancel, announce=announce))
                return self.body(store, sources, progress)
        except Cancelled:
            return Outcome(Change(self.what), interrupted=True)
        except Halt as exc:
            return Outcome(Change(self.what), error=str(exc))


@dataclass(frozen=True)
class ResolveJob(_OnlineJob):
    """R: `ids`, or with None every unresolved paper plus `current` when it has no
    arXiv record (so R retries a paper that failed)."""

    net: Network
    clock: Clock
    ids: tuple[str, ...] | None = None
    current: str | None = None
    auto: bool = False
    what = "resolve"
    verb = "resolving"
    title = "Resolve"
    asks = True
    nothing = "Nothing to resolve (select papers to retry them)."

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        from readlist import resolving

        ids = list(self.ids) if self.ids is not None else resolving.targets(store)
        cur = self.current
        if cur is not None and self.ids is None and cur not in ids and _unresolved(store, cur):
            ids.insert(0, cur)
        ids = [i for i in ids if i in store]
        progress(0, len(ids))  # "0/240" from the start, not after the first batch
        now = self.clock.now()
        return _outcome(resolving.resolve(store, ids, sources, progress=progress, now=now))


@dataclass(frozen=True)
class PullJob(_OnlineJob):
    """P: a day (or week, or month) of Daily Papers, then their arXiv records."""

    net: Network
    clock: Clock
    period: str = "date"
    value: str | None = None
    what = "pull"
    verb = "pulling"
    title = "Pull"
    asks = True

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        from readlist import pulling

        now = self.clock.now()
        pulled = pulling.pull(store, sources, self.period, self.value, progress=progress, now=now)
        summary = pulled.report.summary()  # the import's own report line
        if pulled.resolved.results:
            summary += f"; {pulled.resolved.summary()}"
        found = _outcome(pulled.resolved, summary, pulled.report.parsed)
        return dataclasses.replace(found, change=pulled.change)


@dataclass(frozen=True)
class AcceptJob(_OnlineJob):
    """The user accepts an unsure match: fetch its arXiv record and apply it."""

    net: Network
    clock: Clock
    pid: str
    what = "accept"
    verb = "accepting"
    title = "Resolve"
    decision = True

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        from readlist import resolving

        return _outcome(resolving.accept(store, self.pid, sources, now=self.clock.now()))


@dataclass(frozen=True)
class RejectJob(_OnlineJob):
    """The user rejects an unsure match: the paper is marked as not on arXiv."""

    net: Network
    clock: Clock
    pid: str
    what = "reject"
    verb = "rejecting"
    title = "Resolve"
    decision = True

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        from readlist import resolving

        return _outcome(resolving.reject(store, self.pid, now=self.clock.now()))


@dataclass(frozen=True)
class PublishedJob(_OnlineJob):
    """W: where the selected preprints (looked up again), else every preprint not yet
    checked, were published (readlist.publishing; unsure matches are stored, for
    `readlist published --accept`)."""

    net: Network
    clock: Clock
    ids: tuple[str, ...] | None = None
    what = "published"
    verb = "finding published versions"
    title = "Published versions"
    nothing = "No preprint to look up (select papers to look again)."

    def body(self, store: Store, sources: Sources, progress: Progress) -> Outcome:
        from readlist import publishing

        wanted = list(self.ids) if self.ids is not None else None
        ids = publishing.targets(store, wanted, retry=wanted is not None)
        progress(0, len(ids))
        now = self.clock.now()
        return _outcome(publishing.find_published(store, ids, sources, progress=progress, now=now))


def _unresolved(store: Store, pid: str) -> bool:
    try:
        return pid in store and store.get(pid).arxiv_version is None
    except InvalidPaper:  # a library edited by hand: resolving would refuse it too
        return False


class NetworkJobs:
    """Starts the network jobs of the screen it is given, and walks the user through
    the unsure matches one dialog at a time (composition, not a base class)."""

    def __init__(self, host: Host, runner: JobRunner, net: Network, clock: Clock) -> None:
        self.host = host
        self.runner = runner
        self.net = net
        self.clock = clock
        self.started: list[NetworkJob] = []  # running, then waiting (one lane: in order)
        self.unsure: list[str] = []  # papers still to decide, in order
        self.asked = 0
        self.offline_said = False

    def start(self, job: NetworkJob) -> bool:
        """Start `job` unless one runs (one polite session at a time)."""
        if self.started and not job.decision:
            if job.auto:
                self.host.update_status("new papers not resolved (busy): R resolves them")
            else:
                self.host.say(f"Still {self.started[0].verb}; esc stops it.")
            return False
        self.started.append(job)  # a decision made meanwhile waits, and runs next
        self.runner.start(job, partial(self._done, job), failed=self._failed)
        return len(self.started) == 1

    def cancel(self) -> bool:
        """Ask the running job to stop after its current request; False if none runs."""
        verb = self.started[0].verb if self.started else ""
        return self.runner.cancel(LANE, note=f"stopping {verb}…")

    def resolve(self, selected: list[str], current: str | None) -> None:
        """R: the selection, else every unresolved paper (and the current one)."""
        if self.cancel():
            return
        ids = tuple(selected) if selected else None
        cur = None if selected else current
        self.start(ResolveJob(self.net, self.clock, ids=ids, current=cur))

    def published(self, selected: list[str]) -> None:
        """W: published versions of the selection, else of every preprint unchecked."""
        if not self.cancel():
            self.start(PublishedJob(self.net, self.clock, tuple(selected) or None))

    def auto_resolve(self, created: list[str]) -> None:
        """After an import: resolve the new papers in the background, if configured."""
        if created and self.net.auto_resolve:
            self.start(ResolveJob(self.net, self.clock, ids=tuple(created), auto=True))

    def pull(self) -> None:
        """P: ask for a day (or week, or month), then pull it."""

        def chosen(request: PullRequest | None) -> None:
            if request is not None:
                self.start(PullJob(self.net, self.clock, request.period, request.value))

        self.host.ask(PullDialog(self.clock.today()), chosen)

    # What a job did ------------------------------------------------------------------
    def _failed(self, error: str) -> None:
        self.started.pop(0)  # the runner said what went wrong

    def _done(self, job: NetworkJob, outcome: Outcome) -> None:
        self.started.pop(0)
        host = self.host
        host.landed(outcome)  # after a pull, the cursor is on the first new paper
        if outcome.error:
            if not (job.auto and self.offline_said):
                host.update_status(offline_note(outcome.error))
            self.offline_said = True
            return
        self.offline_said = False
        text = outcome.summary or ("stopped" if outcome.interrupted else "nothing to do")
        if job.nothing and not outcome.count and not outcome.interrupted:
            text = job.nothing
        if job.auto:
            note = f"resolved new papers: {text}"
            if outcome.unsure:
                note += " · R to decide the unsure"
            host.update_status(clean_display(note))
            return
        host.say(clean_display(text), title=job.title)
        if job.asks:
            self.unsure, self.asked = list(outcome.unsure), 0
        if not outcome.interrupted:
            self.ask_next()

    # Unsure matches --------------------------------------------------------------
    def later_all(self, left: int) -> None:
        """Leave this and the remaining unsure matches for later (they stay unsure,
        and R asks about them again): no esc for every one of them."""
        self.unsure.clear()
        matches = "match" if left == 1 else "matches"
        self.host.say(f"{left} unsure {matches} left for later: R asks again.", title="Resolve")

    def ask_next(self) -> None:
        """Open the dialog for the next unsure paper that is still unsure."""
        store = self.host.session.store
        while self.unsure:
            pid = self.unsure.pop(0)
            self.asked += 1
            if pid not in store:
                continue
            try:
                paper = store.get(pid)
            except InvalidPaper:  # edited by hand meanwhile: `readlist check` names it
                continue
            info: dict[str, Any] = paper.resolution or {}
            candidate = info.get("candidate")
            if info.get("status") != "unsure" or not isinstance(candidate, dict):
                continue
            place = f"({self.asked} of {self.asked + len(self.unsure)})"

            def answered(answer: str | None, pid: str = pid) -> None:
                if answer == "accept":
                    self.start(AcceptJob(self.net, self.clock, pid))
                elif answer == "reject":
                    self.start(RejectJob(self.net, self.clock, pid))
                elif answer == "later-all":
                    self.later_all(1 + len(self.unsure))
                else:
                    self.ask_next()

            dialog = UnsureDialog(paper, candidate, str(info.get("reason") or ""), place)
            self.host.ask(dialog, answered)
            return
