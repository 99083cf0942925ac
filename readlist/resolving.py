"""Resolve library papers to arXiv records: find candidates, fetch, apply per batch.

The metadata sources (readlist.sources, one per registry line) return candidates and
records; this module applies them through the store, one atomic commit per batch of up
to 100 papers, so an interrupted run keeps every finished batch. It runs the same from
the CLI and from a TUI worker: pass `progress(done, total)` and a `cancel` event
through `Sources`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from readlist.arxiv_ids import parse_id
from readlist.changes import Change
from readlist.citekeys import fold
from readlist.clock import iso
from readlist.config import Network
from readlist.dedup import merge
from readlist.errors import InputError
from readlist.model import Paper
from readlist.outcome import Outcome, Resolution
from readlist.sources.arxiv import BATCH, ArxivClient, ArxivRecord
from readlist.sources.http import Cancelled, Halt, Http, SourceError
from readlist.sources.hub import HubClient
from readlist.sources.matching import Decision, apply_record, decide
from readlist.sources.protocol import Candidate, MetadataSource, Record, Refused
from readlist.sources.registry import REGISTRY, Factory
from readlist.store import Store

Progress = Callable[[int, int], None]
Announce = Callable[[str], object]
SKIPPED_UNLESS_RETRY = ("failed", "missing")
# Resolving applies arXiv's records: a paper matched through any source is fetched here.
RECORDS = ArxivRecord.source
S = TypeVar("S")


class Sources:
    """Every registered metadata source for one run, sharing one polite HTTP session:
    its network budget starts now, and `announce` hears of every long wait."""

    def __init__(
        self,
        net: Network,
        *,
        cancel: threading.Event | None = None,
        announce: Announce | None = None,
        backoff: float | None = None,
        tries: int = 3,
        registry: Sequence[Factory] = REGISTRY,
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
        self.all: tuple[MetadataSource, ...] = tuple(make(self.http, net) for make in registry)
        self.records = self.named(RECORDS)

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def named(self, name: str) -> MetadataSource:
        for source in self.all:
            if source.name == name:
                return source
        raise LookupError(f"no metadata source named {name!r}")

    def _one(self, kind: type[S]) -> S:
        found = next((s for s in self.all if isinstance(s, kind)), None)
        if found is None:
            raise LookupError(f"no metadata source of type {kind.__name__}")
        return found

    @property
    def arxiv(self) -> ArxivClient:
        """arXiv, for the verbs about arXiv ids (`add`, `accept`)."""
        return self._one(ArxivClient)

    @property
    def hub(self) -> HubClient:
        """The Hub, for its Daily Papers (`pull`)."""
        return self._one(HubClient)


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


def find(paper: Paper, sources: Sources, found: dict[str, Record | Refused]) -> Decision:
    """Candidates from each source in turn (the registry's order) until they settle the
    paper. The records they came with that resolving applies are kept in `found`, so
    they are not fetched again."""
    candidates: list[Candidate] = []
    decision = Decision("none")
    for source in sources.all:
        offered = source.candidates(paper)
        found.update(
            (c.arxiv_id, c.record) for c in offered if c.record is not None and c.source == RECORDS
        )
        candidates += offered
        decision = decide(paper, candidates)
        if decision.status != "none":
            break
    return decision


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
    outcome = Outcome(Change("resolve"))
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
    records: dict[str, Record | Refused] = {}
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
        records.update(sources.records.fetch(a for a in want.values() if a not in records))
    except Halt:
        raise
    except SourceError as exc:
        plan.update((pid, ("failed", str(exc))) for pid in want)
    else:
        for pid, arxiv_id in want.items():
            plan[pid] = _status(records.get(arxiv_id), arxiv_id)
    return {pid: plan[pid] for pid in chunk if pid in plan}  # in the order asked


def _status(record: Record | Refused | None, arxiv_id: str) -> tuple[str, Any]:
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
            result = Resolution(pid, paper.title, status)
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
        places = store.anchors(gone)  # where undo puts them back (readlist.places)
        after = [changed[pid] for pid in changed if pid not in gone]
        store.put(after)
        store.remove(gone)
        step = Change.between("", before, after, removed=removed)
        step.places = places
        outcome.change = outcome.change.then(step)


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
        records = sources.records.fetch([arxiv_id])
    except Halt as exc:
        outcome.error = str(exc)
        return outcome
    record = records.get(arxiv_id)
    plan: _Plan = {pid: _status(record, arxiv_id)}
    if record is None:
        outcome.results.append(Resolution(pid, paper.title, "missing", arxiv_id, plan[pid][1]))
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


__all__ = [
    "Outcome",
    "Resolution",
    "Sources",
    "accept",
    "commit_plan",
    "find",
    "merge_papers",
    "reject",
    "resolve",
    "targets",
]
