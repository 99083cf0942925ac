"""Resolve, accept, reject and pull for a worker thread: the bodies only.

Like the import job, each opens its own `Store` on the library file (one thread owns
the UI's store) and its own HTTP session, and reports by posting messages; the UI
thread catches up with a refresh and records the returned `Change` for undo.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from readlist.changes import Change
from readlist.clock import Clock
from readlist.config import Network
from readlist.errors import ReadlistError
from readlist.tui.messages import JobFailed

if TYPE_CHECKING:
    from readlist.resolving import Sources
    from readlist.store import Store

Post = Callable[[Message], object]


@dataclass(frozen=True)
class NetRequest:
    """One network job. `resolve` with `ids` None: every unresolved paper, plus
    `current` when it has no arXiv record (so R retries a paper that failed)."""

    kind: str  # resolve, accept, reject, pull
    ids: tuple[str, ...] | None = None
    current: str | None = None
    period: str = "date"
    value: str | None = None
    auto: bool = False  # started by an import, not by the user


@dataclass
class NetResult:
    """What a job did: its change (for undo), a summary, the papers left unsure."""

    change: Change
    summary: str = ""
    unsure: list[str] = field(default_factory=list)
    error: str | None = None  # offline: nothing could be reached
    interrupted: bool = False
    count: int = 0  # papers the job worked on


class NetProgress(Message, bubble=False):
    """How far the job is; or, with `note`, why it waits ("waiting 60 s: …")."""

    def __init__(self, done: int, total: int, note: str = "") -> None:
        self.done = done
        self.total = total
        self.note = note
        super().__init__()


class NetDone(Message, bubble=False):
    def __init__(self, request: NetRequest, result: NetResult) -> None:
        self.request = request
        self.result = result
        super().__init__()


def run(
    path: Path,
    net: Network,
    request: NetRequest,
    cancel: threading.Event,
    post: Post,
    clock: Clock,
) -> None:
    """Run `request` against the library at `path`; post NetDone, or JobFailed."""
    from readlist.resolving import Sources  # httpx loads when the network is used
    from readlist.sources.http import Cancelled, Halt
    from readlist.store import Store

    def progress(done: int, total: int) -> None:
        post(NetProgress(done, total))

    def announce(note: str) -> None:
        post(NetProgress(0, 0, note))

    try:
        with (
            Store(path, create=False) as store,
            Sources(net, cancel=cancel, announce=announce) as sources,
        ):
            result = _run(store, sources, request, progress, clock.now())
    except Cancelled:
        result = NetResult(Change(request.kind), interrupted=True)
    except Halt as exc:
        result = NetResult(Change(request.kind), error=str(exc))
    except (ReadlistError, OSError) as exc:
        post(JobFailed(request.kind, str(exc)))
        return
    post(NetDone(request, result))


def _run(
    store: Store,
    sources: Sources,
    request: NetRequest,
    progress: Callable[[int, int], None],
    now: dt.datetime,
) -> NetResult:
    from readlist import pulling, resolving

    if request.kind == "pull":
        pulled = pulling.pull(
            store, sources, request.period, request.value, progress=progress, now=now
        )
        report, outcome = pulled.report, pulled.resolved
        summary = report.summary()  # the import's own report line
        if outcome.results:
            summary += f"; {outcome.summary()}"
        unsure = [r.paper_id for r in outcome.results if r.status == "unsure"]
        return NetResult(
            pulled.change, summary, unsure, outcome.error, outcome.interrupted, report.parsed
        )
    if request.kind == "resolve":
        ids = list(request.ids) if request.ids is not None else resolving.targets(store)
        cur = request.current
        if cur is not None and request.ids is None and cur not in ids and _unresolved(store, cur):
            ids.insert(0, cur)
        outcome = resolving.resolve(
            store, [i for i in ids if i in store], sources, progress=progress, now=now
        )
    elif request.kind == "accept":
        (pid,) = request.ids or ()
        outcome = resolving.accept(store, pid, sources, now=now)
    else:
        (pid,) = request.ids or ()
        outcome = resolving.reject(store, pid, now=now)
    unsure = [r.paper_id for r in outcome.results if r.status == "unsure"]
    return NetResult(
        outcome.change,
        outcome.summary(),
        unsure,
        outcome.error,
        outcome.interrupted,
        len(outcome.results),
    )


def _unresolved(store: Store, pid: str) -> bool:
    return pid in store and store.get(pid).arxiv_version is None
