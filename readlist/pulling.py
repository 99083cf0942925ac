"""Papers from the network into the library: `pull` (Hub Daily Papers) and `add` (arXiv ids).

Both build incoming records, run them through the import pipeline (same dedup, same
report), then fill in the arXiv record like any resolved paper.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from readlist.arxiv_ids import ArxivId
from readlist.changes import Change
from readlist.clock import iso
from readlist.importing import Batch, import_papers
from readlist.model import Paper, Source
from readlist.outcome import Outcome, Report, Resolution
from readlist.resolving import Progress, Sources, commit_plan, resolve
from readlist.sources.arxiv import ArxivRecord
from readlist.sources.http import Halt
from readlist.sources.hub import HubPaper
from readlist.sources.matching import apply_record, needs_record
from readlist.sources.protocol import Refused
from readlist.store import Store


def paper_from_hub(hub: HubPaper, source: Source, stamp: str) -> Paper:
    return Paper(
        id="",
        title=hub.title,
        abstract=hub.abstract,
        authors=list(hub.authors),
        authors_count=len(hub.authors) or None,
        organization=hub.organization,
        organization_slug=hub.organization_slug,
        date=hub.published,
        upvotes=hub.upvotes,
        arxiv_id=hub.arxiv_id,
        added=stamp,
        sources=[source],
        github=hub.github,
        project_page=hub.project_page,
        ai_keywords=list(hub.ai_keywords),
    )


def pull(
    store: Store,
    sources: Sources,
    period: str = "date",
    value: str | None = None,
    *,
    progress: Progress | None = None,
    now: dt.datetime,
) -> Outcome:
    """Import one day, week or month of Daily Papers (the latest day when `value` is None)."""
    stamp = iso(now)
    hub = list(sources.hub.daily(period, value))
    name = f"hub:daily_papers?{period}={value}" if value else "hub:daily_papers"
    papers = [
        paper_from_hub(
            h, Source(name, h.listed or (value if period == "date" else None), stamp), stamp
        )
        for h in hub
    ]
    warnings = [why for h in hub for why in h.dropped]
    imported = import_papers(store, [Batch(name, papers, warnings=warnings)])
    touched = [p.id for p in imported.after if needs_record(store.get(p.id))]
    resolved = resolve(store, touched, sources, progress=progress, now=now)
    change = Change("pull").then(imported.change).then(resolved.change)
    return dataclasses.replace(
        resolved, change=change, reports=imported.reports, after=imported.after
    )


def paper_from_record(record: ArxivRecord, stamp: str) -> Paper:
    source = Source("arxiv", record.published, stamp)
    base = Paper(id="", title=record.title, date=record.published, added=stamp, sources=[source])
    return apply_record(base, record)


def add(store: Store, ids: Sequence[ArxivId], sources: Sources, *, now: dt.datetime) -> Outcome:
    """Add papers by arXiv id: one batched fetch, then the import pipeline."""
    stamp = iso(now)
    wanted = [i.id for i in ids]
    try:
        records = sources.arxiv.fetch(wanted)
    except Halt as exc:
        return Outcome(Change("add"), [Report("arxiv")], error=str(exc))
    fetched = [records[i] for i in dict.fromkeys(wanted) if i in records]
    found = [r for r in fetched if isinstance(r, ArxivRecord)]
    refused = [r for r in fetched if isinstance(r, Refused)]
    imported = import_papers(store, [Batch("arxiv", [paper_from_record(r, stamp) for r in found])])
    by_id = {r.arxiv_id: r for r in found}
    plan = {
        p.id: ("resolved", by_id[p.arxiv_id])
        for p in imported.after
        if p.arxiv_id in by_id and needs_record(p)
    }
    resolved = Outcome(Change("resolve"))
    if plan:
        commit_plan(store, plan, resolved, stamp, dry_run=False)
    # Papers that got their record from the import itself: the new ones, and those held
    # without one that the merge filled in. One already resolved is only "known".
    done = {r.paper_id for r in resolved.results}
    edits = imported.change.edits
    for paper in imported.after:
        got = paper.id in imported.change.created or "arxiv_version" in edits.get(paper.id, {})
        if got and paper.id not in done:
            resolved.results.append(Resolution(paper.id, paper.title, "resolved", paper.arxiv_id))
    return dataclasses.replace(
        resolved,
        change=Change("add").then(imported.change).then(resolved.change),
        reports=imported.reports,
        after=imported.after,
        not_found=[i for i in dict.fromkeys(wanted) if i not in records],
        refused={r.arxiv_id: r.reason for r in refused},
    )
