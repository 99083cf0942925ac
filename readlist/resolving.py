"""Resolve library papers to arXiv records: find candidates, fetch, apply per batch.

The network clients (readlist.sources) return records and decisions; this module
applies them through the store, one atomic commit per batch of up to 100 papers, so an
interrupted run keeps every finished batch. It runs the same from the CLI and from a
TUI worker: pass `progress(done, total)` and a `cancel` event through `Sources`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from readlist.changes import Change
from readlist.citekeys import fold
from readlist.clock import iso
from readlist.config import Network
from readlist.dedup import merge
from readlist.errors import InputError
from readlist.model import Paper
from readlist.sources.arxiv import BATCH, ArxivClient, ArxivRecord, Refused
from readlist.sources.http import Cancelled, Halt, Http, SourceError
from readlist.sources.hub import HubClient
from readlist.sources.ids import parse_id
from readlist.sources.resolve import (
    Candidate,
    CandidateIndex,
    Decision,
    apply_record,
    decide,
)
from readlist.store import Store

Progress = Callable[[int, int], None]
Announce = Callable[[str], object]
SKIPPED_UNLESS_RETRY = ("failed", "missing")


class Sources:
    """The clients for one run, sharing one polite HTTP session: its network budget
    starts now, and `announce` hears of every long wait."""

    def __init__(
        self,
        net: Network,
        *,
        cancel: threading.Event | None = None,
        announce: Announce | None = None,
        backoff: float | None = None,
        tries: int = 3,
    ) -> None:
        self.http = Http(
            net.timeout,
            budget=net.budget,
            max_bytes=net.max_response_mb * 1024 * 1024,
            tries=tries,
            backoff=backoff,
            cancel=cancel,
            announce=announce,
        )
        self.arxiv = ArxivClient(self.http, net.arxiv_api, net.arxiv_delay)
        self.hub = HubClient(self.http, net.hf_endpoint)
        self._daily: dict[str, CandidateIndex] = {}

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def daily(self, day: str) -> CandidateIndex:
        """One listing day's papers, fetched and indexed once per run."""
        if day not in self._daily:
            self._daily[day] = CandidateIndex(map(Candidate.of, self.hub.daily("date", day)))
        return self._daily[day]


@dataclass
class Result:
    """What resolving did (or would do) to one paper."""

    paper_id: str
    title: str
    status: str  # resolved, merged, unsure, missing, failed
    arxiv_id: str | None = None
    reason: str = ""
    candidate: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.paper_id,
            "title": self.title,
            "status": self.status,
            "arxiv_id": self.arxiv_id,
            "reason": self.reason or None,
            "candidate": self.candidate,
        }


@dataclass
class Outcome:
    """Every paper's result, what changed (the one `Change`, for undo), and why the run
    stopped early."""

    results: list[Result] = field(default_factory=list)
    change: Change = field(default_factory=lambda: Change("resolve"))
    interrupted: bool = False
    error: str | None = None
    # arXiv ids asked for (`add`) that arXiv does not have: no paper, so no Result,
    # but counted with the papers arXiv has no record of.
    not_found: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        counts = Counter(r.status for r in self.results)
        if self.not_found:
            counts["missing"] += len(self.not_found)
        return counts

    def summary(self) -> str:
        c = self.counts()
        parts = [f"{c[s]} {s}" for s in ("resolved", "merged", "unsure", "missing", "failed")]
        text = ", ".join(parts).replace("missing", "not found")
        return text + (" (interrupted)" if self.interrupted else "")


def targets(store: Store, retry: bool = False) -> list[str]:
    """Papers without an arXiv record; those that failed or were not found only on retry."""
    out = []
    for pid, doc in store.records().items():
        if doc.get("arxiv_version") is not None and doc.get("arxiv_id"):
            continue
        status = (doc.get("resolution") or {}).get("status")
        if not retry and status in SKIPPED_UNLESS_RETRY:
            continue
        out.append(pid)
    return out


def find(paper: Paper, sources: Sources, found: dict[str, ArxivRecord | Refused]) -> Decision:
    """Candidates from the listing's day, then Hub search, then an arXiv title search."""
    candidates: list[Candidate] = []
    for day in dict.fromkeys(s.listing_date for s in paper.sources if s.listing_date):
        candidates += sources.daily(day).lookup(paper.title)
    decision = decide(paper, candidates)
    if decision.status == "match":
        return decision
    candidates += [Candidate.of(h) for h in sources.hub.search(paper.title)]
    decision = decide(paper, candidates)
    if decision.status != "none":
        return decision
    records = sources.arxiv.search_title(paper.title)
    found.update((r.arxiv_id, r) for r in records)
    return decide(paper, candidates + [Candidate.of(r) for r in records])


def resolve(
    store: Store,
    ids: Sequence[str],
    sources: Sources,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: dt.datetime,
) -> Outcome:
    """Resolve `ids` in batches; each batch is found, fetched, then committed at once."""
    stamp = iso(now)
    outcome = Outcome()
    total = len(ids)
    try:
        for start in range(0, total, BATCH):
            chunk = [pid for pid in ids[start : start + BATCH] if pid in store]
            plan = _plan(store, chunk, sources)
            commit_plan(store, plan, outcome, stamp, dry_run)
            if progress is not None:
                progress(min(start + BATCH, total), total)
    except (Cancelled, KeyboardInterrupt):
        outcome.interrupted = True
    except Halt as exc:
        outcome.error = str(exc)
    return outcome


_Plan = dict[str, tuple[str, Any]]  # pid -> (status, record | Decision | reason)


def _plan(store: Store, chunk: Sequence[str], sources: Sources) -> _Plan:
    plan: _Plan = {}
    want: dict[str, str] = {}
    records: dict[str, ArxivRecord | Refused] = {}
    for pid in chunk:
        paper = store.get(pid)
        if paper.arxiv_id:
            ident = parse_id(paper.arxiv_id)
            if ident is None:  # one bad id must not fail its whole batch of 100
                plan[pid] = ("failed", f"not a valid arXiv id: {paper.arxiv_id!r}")
            else:
                want[pid] = ident.id
            continue
        try:
            decision = find(paper, sources, records)
        except Halt:
            raise
        except SourceError as exc:
            plan[pid] = ("failed", str(exc))
            continue
        if decision.status == "match" and decision.candidate:
            want[pid] = decision.candidate.arxiv_id
        elif decision.status == "unsure":
            plan[pid] = ("unsure", decision)
        else:
            plan[pid] = ("missing", "not found on the Hub or arXiv")
    try:
        records.update(sources.arxiv.fetch(a for a in want.values() if a not in records))
    except Halt:
        raise
    except SourceError as exc:
        plan.update((pid, ("failed", str(exc))) for pid in want)
    else:
        for pid, arxiv_id in want.items():
            plan[pid] = _status(records.get(arxiv_id), arxiv_id)
    return {pid: plan[pid] for pid in chunk if pid in plan}  # in the order asked


def _status(record: ArxivRecord | Refused | None, arxiv_id: str) -> tuple[str, Any]:
    """What a fetched record does to its paper: apply it, or record why not."""
    if isinstance(record, Refused):
        return ("failed", record.reason)
    return ("resolved", record) if record else ("missing", f"arXiv has no {arxiv_id}")


def commit_plan(store: Store, plan: _Plan, outcome: Outcome, stamp: str, dry_run: bool) -> None:
    with store.transaction():
        holders: dict[str, str] = {}
        for pid, _, aid in store.identities():
            if aid:
                holders.setdefault(aid, pid)
        changed: dict[str, Paper] = {}
        gone: list[str] = []
        for pid, (status, data) in plan.items():
            if pid not in store or pid in gone:
                continue
            paper = changed.get(pid) or store.get(pid)
            result = Result(pid, paper.title, status)
            outcome.results.append(result)
            if status == "resolved":
                new = apply_record(paper, data)
                result.arxiv_id = new.arxiv_id
                other = holders.get(data.arxiv_id)
                if other and other != pid and other in store and other not in gone:
                    keep = changed.get(other) or store.get(other)
                    new = merge_papers(keep, new)
                    gone.append(pid)
                    result.status, result.reason = "merged", f"into {other}"
                holders[data.arxiv_id] = new.id
                changed[new.id] = new
                continue
            if status == "unsure":
                assert isinstance(data, Decision)
                assert data.candidate
                result.candidate = data.candidate.to_doc()
                result.arxiv_id, result.reason = data.candidate.arxiv_id, data.reason
                info: dict[str, Any] = {"status": "unsure", "reason": data.reason}
                info["candidate"] = result.candidate
            else:
                result.reason = str(data)
                info = {"status": status, "reason": result.reason}
            changed[pid] = paper.replace(resolution={**info, "at": stamp})
        if dry_run:
            return
        before = [store.get(pid) for pid in changed if pid not in gone]
        removed = [store.get(pid) for pid in gone]
        after = [changed[pid] for pid in changed if pid not in gone]
        store.put(after)
        store.remove(gone)
        outcome.change = outcome.change.then(Change.between("", before, after, removed=removed))


def accept(
    store: Store,
    pid: str,
    sources: Sources,
    arxiv_id: str | None = None,
    *,
    now: dt.datetime,
) -> Outcome:
    """Apply the stored unsure candidate, or `arxiv_id` named by hand."""
    paper = store.get(pid)
    if arxiv_id is None:
        candidate = (paper.resolution or {}).get("candidate") or {}
        arxiv_id = candidate.get("arxiv_id") if isinstance(candidate, dict) else None
        if not isinstance(arxiv_id, str):
            raise InputError(f"{pid}: no candidate to accept; name the arXiv id")
    stamp = iso(now)
    outcome = Outcome(change=Change("accept"))
    try:
        records = sources.arxiv.fetch([arxiv_id])
    except Halt as exc:
        outcome.error = str(exc)
        return outcome
    record = records.get(arxiv_id)
    plan: _Plan = {pid: _status(record, arxiv_id)}
    if record is None:
        outcome.results.append(Result(pid, paper.title, "missing", arxiv_id, plan[pid][1]))
        return outcome
    commit_plan(store, plan, outcome, stamp, dry_run=False)
    return outcome


def reject(store: Store, pid: str, *, now: dt.datetime) -> Outcome:
    """Mark a paper as not on arXiv, so plain `resolve` runs leave it alone."""
    stamp = iso(now)
    outcome = Outcome(change=Change("reject"))
    commit_plan(store, {pid: ("missing", "rejected: not on arXiv")}, outcome, stamp, False)
    return outcome


def merge_papers(keep: Paper, other: Paper) -> Paper:
    """Two library papers that are one arXiv paper: nothing of either is lost.

    Metadata fills in as in an import; the user's state is unioned (read or starred
    if either was, both notes, every tag, the earlier added date, a stored key kept).
    """
    merged = apply_record(keep, _record_of(other)) if other.arxiv_version else keep
    merged = merge(merged, other)
    notes = [n for n in (keep.notes, other.notes) if n.strip()]
    have = {t.casefold() for t in keep.tags}
    tags = keep.tags + [t for t in other.tags if t.casefold() not in have]
    bibkey = keep.bibkey or other.bibkey
    # The dropped copy's key stays citable (keys and aliases are unique library-wide).
    cited = [keep.bibkey, *keep.bibkey_aliases, other.bibkey, *other.bibkey_aliases]
    aliases: list[str] = []
    seen = {fold(bibkey or "")}  # keys compare as BibTeX compares them: case aside
    for key in cited:
        if key and fold(key) not in seen:
            seen.add(fold(key))
            aliases.append(key)
    return merged.replace(
        read=keep.read or other.read,
        read_at=keep.read_at or other.read_at,
        starred=keep.starred or other.starred,
        notes="\n\n".join(dict.fromkeys(notes)),
        tags=tags,
        added=min(a for a in (keep.added, other.added) if a) if keep.added or other.added else "",
        bibkey=bibkey,
        bibkey_aliases=aliases,
        ai_keywords=keep.ai_keywords or other.ai_keywords,
    )


def _record_of(paper: Paper) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=paper.arxiv_id or "",
        version=paper.arxiv_version,
        title=paper.title,
        authors=tuple(paper.authors),
        abstract=paper.abstract,
        published=paper.published,
        updated=paper.updated,
        primary_category=paper.primary_category,
        categories=tuple(paper.categories),
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        comment=paper.arxiv_comment,
    )


__all__ = ["Candidate", "Http", "HubClient", "Outcome", "Result", "Sources", "resolve"]
