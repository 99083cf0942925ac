"""Find where preprints were published, and apply what the match rule allows.

Every registered source that is a `VersionSource` (DBLP, arXiv's journal reference,
Semantic Scholar) reports versions; `venue_match.decide` applies the rule; this module
stores the result through the store, one atomic commit per BATCH papers, so an
interrupted run keeps every finished batch. Like resolving, it runs the same from the
CLI and from a TUI job: pass `progress(done, total)`, and a cancel event through
`Sources`. Only `published_version` and `published_check` are ever written: a paper's
arXiv fields and its citation key never change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from readlist.changes import Change
from readlist.clock import iso
from readlist.errors import InputError
from readlist.model import Paper
from readlist.outcome import VERSION_STATUSES, Outcome, Resolution
from readlist.resolving import Sources
from readlist.sources.http import Cancelled, Halt
from readlist.sources.protocol import Refused, Version, VersionSource
from readlist.sources.venue_match import VersionDecision, decide
from readlist.store import Store
from readlist.versions import is_preprint

__all__ = [
    "Cancelled",
    "Halt",
    "Outcome",
    "Sources",
    "accept",
    "find_published",
    "preprints",
    "reject",
    "targets",
]

Progress = Callable[[int, int], None]
WINDOW = 500  # papers whose answers are asked for together (one Semantic Scholar request)
BATCH = 25  # papers per commit: an interrupted run loses at most this many answers
SKIPPED_UNLESS_RETRY = ("missing", "failed", "rejected")


def version_sources(sources: Sources) -> list[VersionSource]:
    """The sources of this run that know published versions, in the registry's order."""
    return [s for s in sources.all if isinstance(s, VersionSource)]


def preprints(store: Store, ids: Sequence[str] | None = None) -> list[str]:
    """The papers among `ids` (default: all) that count as preprints, in order."""
    wanted = list(store.records()) if ids is None else list(dict.fromkeys(ids))
    return [pid for pid in wanted if pid in store and is_preprint(store.get(pid))]


def targets(store: Store, ids: Sequence[str] | None = None, retry: bool = False) -> list[str]:
    """Preprints to look up: those without a published version, and unless `retry`
    not those checked before and not found, failed or rejected."""
    out = []
    for pid in preprints(store, ids):
        paper = store.get(pid)
        if paper.published_version:
            continue
        status = (paper.published_check or {}).get("status")
        if retry or status not in SKIPPED_UNLESS_RETRY:
            out.append(pid)
    return out


def find_published(
    store: Store,
    ids: Sequence[str],
    sources: Sources,
    *,
    dry_run: bool = False,
    propose: bool = False,
    progress: Progress | None = None,
    now: dt.datetime,
) -> Outcome:
    """Look up `ids` and store what the rule decides. With `propose` (the audit), a
    version found is stored as a check of status "found", for a person to accept, and
    not applied. `dry_run` writes nothing."""
    stamp = iso(now)
    outcome = Outcome(Change("published"), statuses=VERSION_STATUSES)
    asked = version_sources(sources)
    total = len(ids)
    done = 0
    try:
        for start in range(0, total, WINDOW):
            window = [store.get(pid) for pid in ids[start : start + WINDOW] if pid in store]
            plan: list[tuple[str, VersionDecision]] = []
            for paper, answers in zip(window, _answers(asked, window), strict=True):
                plan.append((paper.id, decide(paper, answers)))
                done += 1
                if progress is not None:
                    progress(done, total)
                if len(plan) >= BATCH:
                    _commit(store, plan, outcome, stamp, dry_run, propose)
                    plan = []
            _commit(store, plan, outcome, stamp, dry_run, propose)
    except (Cancelled, KeyboardInterrupt):
        outcome.interrupted = True
    except Halt as exc:
        outcome.error = str(exc)
    return outcome


def _answers(
    asked: Sequence[VersionSource], papers: Sequence[Paper]
) -> Iterator[list[tuple[str, Sequence[Version] | Refused]]]:
    """Each paper's answers from every source, paper by paper: a source that asks once
    for all (Semantic Scholar) answers at the first step, one that asks per paper
    (DBLP) as it goes."""
    streams = [(source.name, source.versions(papers)) for source in asked]
    for paper in papers:
        answers = []
        for name, stream in streams:
            pid, answer = next(stream)
            assert pid == paper.id, f"{name} answered for {pid}, not {paper.id}"
            answers.append((name, answer))
        yield answers


def _commit(
    store: Store,
    plan: Sequence[tuple[str, VersionDecision]],
    outcome: Outcome,
    stamp: str,
    dry_run: bool,
    propose: bool,
) -> None:
    if not plan:
        return
    with store.transaction():
        before: list[Paper] = []
        after: list[Paper] = []
        for pid, decision in plan:
            if pid not in store:
                continue
            paper = store.get(pid)
            outcome.results.append(_result(paper, decision))
            new = _stored(paper, decision, stamp, propose)
            if new != paper:
                before.append(paper)
                after.append(new)
        if dry_run or not after:
            return
        store.put(after)
        outcome.change = outcome.change.then(Change.between("", before, after))


def _result(paper: Paper, decision: VersionDecision) -> Resolution:
    versions = [decision.version] if decision.version else list(decision.candidates)
    return Resolution(
        paper.id, paper.title, decision.status, paper.arxiv_id, decision.reason, None, versions
    )


def _stored(paper: Paper, decision: VersionDecision, stamp: str, propose: bool) -> Paper:
    """The paper with the decision stored: a venue applied, or the check and why."""
    if decision.status == "found" and decision.version and not propose:
        return paper.replace(
            published_version={**decision.version, "at": stamp}, published_check=None
        )
    check: dict[str, Any] = {"status": decision.status, "reason": decision.reason, "at": stamp}
    if decision.version:
        check["candidates"] = [decision.version]
    elif decision.candidates:
        check["candidates"] = list(decision.candidates)
    return paper.replace(published_check=check)


def candidates(paper: Paper) -> list[dict[str, Any]]:
    """The versions a person may accept: an unsure match's sides, or a found version
    the audit proposed."""
    check = paper.published_check or {}
    if check.get("status") not in ("unsure", "found"):
        return []
    found = check.get("candidates")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def accept(store: Store, picks: Sequence[tuple[str, int]], *, now: dt.datetime) -> Outcome:
    """Apply, for each (paper id, n), the n-th (from 1) stored candidate. No request:
    the candidate was checked when it was found. All or nothing: a paper with no such
    candidate is an InputError and nothing is applied."""
    stamp = iso(now)
    outcome = Outcome(Change("accept"), statuses=VERSION_STATUSES)
    with store.transaction():
        before: list[Paper] = []
        after: list[Paper] = []
        for pid, n in picks:
            paper = store.get(pid)
            offered = candidates(paper)
            if not offered:
                raise InputError(f"{pid}: no published version to accept; run readlist published")
            if not 1 <= n <= len(offered):
                raise InputError(f"{pid}: no candidate {n} (it has {len(offered)})")
            version = {**offered[n - 1], "accepted": True, "at": stamp}
            version.pop("reason", None)
            new = paper.replace(published_version=version, published_check=None)
            before.append(paper)
            after.append(new)
            outcome.results.append(
                Resolution(pid, paper.title, "found", paper.arxiv_id, "accepted", None, [version])
            )
        store.put(after)
    outcome.change = Change.between("", before, after)
    return outcome


def reject(store: Store, ids: Sequence[str], *, now: dt.datetime) -> Outcome:
    """Mark each paper's candidates (or its applied venue) as not its published
    version: the venue goes, and later runs leave the paper alone unless --retry."""
    stamp = iso(now)
    outcome = Outcome(Change("reject"), statuses=VERSION_STATUSES)
    check = {"status": "rejected", "reason": "rejected by hand", "at": stamp}
    with store.transaction():
        before = [store.get(pid) for pid in ids]
        after = [p.replace(published_version=None, published_check=check) for p in before]
        store.put(after)
    for paper in before:
        outcome.results.append(
            Resolution(paper.id, paper.title, "missing", paper.arxiv_id, "rejected by hand")
        )
    outcome.change = Change.between("", before, after)
    return outcome
