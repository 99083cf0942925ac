"""Listings -> library: parse, match each entry to a paper, merge, commit once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from readlist import deleted, schema
from readlist.bibtex_in import parse_bibtex
from readlist.changes import Change
from readlist.citekeys import Keys
from readlist.clock import iso
from readlist.dedup import DedupIndex, differ, merge, restore
from readlist.errors import InputError
from readlist.fileformat import META, Malformed, check_meta
from readlist.inputs import check_format
from readlist.listing import Entry, Listing, parse_listing
from readlist.model import SCHEMA_VERSION, Paper, Source, title_key
from readlist.outcome import Outcome as Outcome  # the one Outcome, named here too
from readlist.outcome import Report
from readlist.store import Store


class Library(Protocol):
    """What an import reads and writes: the `Store`, or for the import dialog's preview a
    snapshot of it that writes nothing (readlist.preview), so the preview is a dry run
    of the very decisions the import makes."""

    def transaction(self) -> AbstractContextManager[object]: ...
    def dedup_index(self) -> DedupIndex: ...
    def key_records(self) -> Mapping[str, Mapping[str, Any]]: ...
    def __contains__(self, paper_id: object) -> bool: ...
    def get(self, paper_id: str) -> Paper: ...
    def new_id(self, key: str, taken: Container[str] = ()) -> str: ...
    def put(self, papers: Iterable[Paper]) -> None: ...


def summary(reports: Iterable[Report]) -> str:
    """The import report for a person, one line per input (CLI and TUI alike)."""
    return "\n".join(r.summary() for r in reports)


def _paper(entry: Entry, pid: str, source: Source, now: str) -> Paper:
    return Paper(
        id=pid,
        title=entry.title,
        abstract=entry.abstract,
        authors_count=entry.authors_count,
        organization=entry.organization,
        organization_slug=entry.organization_slug,
        date=entry.date.isoformat() if entry.date else None,
        date_raw=entry.date_raw,
        date_inferred=entry.date_inferred,
        upvotes=entry.upvotes,
        links=list(entry.links),
        arxiv_id=entry.arxiv_id,
        added=now,
        sources=[source],
    )


def import_texts(
    store: Store,
    texts: list[tuple[str, str]],
    as_of: dt.date,
    now: dt.datetime,
    fmt: str = "auto",
) -> list[Report]:
    """Import decoded listings in one atomic commit and report per input."""
    return import_listings(store, texts, as_of, now, fmt=fmt).reports


@dataclass
class Batch:
    """Incoming records from one input (a listing file, a Hub pull, arXiv ids)."""

    name: str
    papers: list[Paper]  # their ids are ignored: the library assigns or finds one
    skipped: list[str] = field(default_factory=list)
    # A readlist backup: ids are kept, and a known paper merges by `dedup.restore`,
    # which keeps the user state of both copies.
    restore: bool = False
    warnings: list[str] = field(default_factory=list)  # e.g. links dropped as unsafe
    # From BibTeX: each paper's citation key and where it was ("line 12: ").
    cite: list[tuple[str, str]] = field(default_factory=list)
    # A backup's deleted papers (readlist.deleted): the trash, and the keys they retire.
    trash: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_inputs(
    texts: list[tuple[str, str]],
    as_of: dt.date,
    fmt: str = "auto",
    *,
    now: dt.datetime,
) -> list[Batch]:
    """Read every input into a batch, refusing (before any library is opened or
    created) one that is not a listing or a backup, unless `fmt` is "listing", and
    one without papers."""
    stamp = iso(now)
    batches = []
    for name, text in texts:
        backup = read_backup(name, text)
        if backup is not None:
            batches.append(Batch(name, backup[0], restore=True, trash=backup[1]))
            continue
        if check_format(name, text, fmt) == "bibtex":
            batches.append(_bibtex_batch(name, text, stamp))
            continue
        listing = parse_listing(text, as_of)
        if not listing.entries:
            raise InputError(f"{name}: no papers found; is this a Daily Papers listing?")
        batches.append(_batch(name, listing, stamp))
    return batches


def _batch(name: str, listing: Listing, stamp: str) -> Batch:
    when = listing.date.isoformat() if listing.date else None
    source = Source(file=name, listing_date=when, imported=stamp)
    papers = [_paper(entry, "", source, stamp) for entry in listing.entries]
    return Batch(name, papers, list(listing.skipped), warnings=list(listing.warnings))


def import_listings(
    store: Store,
    texts: list[tuple[str, str]],
    as_of: dt.date,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    fmt: str = "auto",
) -> Outcome:
    """Like `import_texts`, and also return what changed; `progress(done, total)`
    is called as entries are matched. Inputs that are not listings are refused
    unless `fmt` is "listing"."""
    return import_papers(store, parse_inputs(texts, as_of, fmt, now=now), progress)


def import_papers(
    store: Library,
    batches: list[Batch],
    progress: Callable[[int, int], None] | None = None,
    *,
    index: DedupIndex | None = None,
    keys: Keys | None = None,
) -> Outcome:
    """Match each incoming record to a library paper, merge or add, in one commit.

    `index` and `keys`, when given, are the library's, built beforehand (the preview
    keeps them between pastes); the import adds to them."""
    batches = [batch if batch.restore else _fitted(batch) for batch in batches]
    reports = []
    total = sum(len(batch.papers) for batch in batches)
    done = 0
    with store.transaction():
        for batch in batches:  # first: their keys are retired for every batch after
            if batch.trash and isinstance(store, Store):
                deleted.adopt(store, batch.trash)
        index = store.dedup_index() if index is None else index
        keys = Keys(store.key_records(), deleted.retired(store)) if keys is None else keys
        pending: dict[str, Paper] = {}
        before: dict[str, Paper] = {}
        for batch in batches:
            report = Report(
                batch.name,
                parsed=len(batch.papers),
                skipped=list(batch.skipped),
                warnings=list(batch.warnings),
            )
            for i, incoming in enumerate(batch.papers):
                key, where = batch.cite[i] if batch.cite else ("", "")

                def same(pid: str, incoming: Paper = incoming) -> bool:
                    """Not another paper of the same title (see dedup.differ)."""
                    return not differ(pending.get(pid) or store.get(pid), incoming)

                done += 1
                if progress is not None and done % 200 == 0:
                    progress(done, total)
                known = batch.restore and (incoming.id in pending or incoming.id in store)
                found = (
                    incoming.id if known else index.find(incoming.title, incoming.arxiv_id, same)
                )
                if found is None and not batch.restore:
                    found = keys.by_doi(incoming.doi)
                if found is None:
                    pid = (
                        incoming.id
                        if batch.restore
                        else store.new_id(title_key(incoming.title), taken=pending)
                    )
                    paper = pending[pid] = incoming.replace(id=pid)
                    if key:
                        paper.bibkey = keys.claim(key, pid, where, report.warnings)
                    back: list[str] = []
                    if not batch.restore:  # a deleted paper arriving again
                        back = deleted.keys_back(store, paper)
                        paper = pending[pid] = keys.reclaim(paper, back)
                    keys.hold(paper, pid)
                    index.add(pid, paper.title, paper.arxiv_id)
                    report.added += 1
                    line = f"added   '{_short(incoming.title)}'"
                    if back:  # why its key may not be the entry's
                        line += f": deleted before, its keys back ({', '.join(back)})"
                    report.papers.append(line)
                    continue
                existing = pending.get(found) or store.get(found)
                merged = (restore if batch.restore else merge)(existing, incoming.replace(id=found))
                if key and not merged.bibkey:
                    merged.bibkey = keys.claim(key, found, where, report.warnings)
                elif key and key != merged.bibkey:
                    merged = keys.alias(merged, key, where, report.warnings)
                filled = _filled(existing, merged)
                if filled:
                    report.merged += 1
                    for name in filled:
                        report.filled[name] = report.filled.get(name, 0) + 1
                    why = f"filled in {', '.join(filled)}"
                    report.papers.append(f"merged  '{_short(incoming.title)}': {why}")
                else:
                    report.known += 1
                    report.papers.append(
                        f"known   '{_short(incoming.title)}': already in the library"
                    )
                if merged != existing:  # also when only the list of sources grew
                    if found in store:
                        before.setdefault(found, existing)
                    pending[found] = merged
                    keys.hold(merged, found)
            reports.append(report)
        store.put(pending.values())
        if isinstance(store, Store):  # a deleted paper arriving again: its old state kept
            deleted.arrived(store, [pid for pid in pending if pid not in before])
    if progress is not None:
        progress(total, total)
    created = [paper for pid, paper in pending.items() if pid not in before]
    changed = [pending[pid] for pid in before]
    change = Change.between("import", before.values(), changed, created)
    return Outcome(change, reports, after=list(pending.values()))


def _fitted(batch: Batch) -> Batch:
    """The batch with every paper checked against the stored shape (schema.py): a bad
    field is left out with a warning, a paper without a usable title is skipped. (A
    backup is not fitted: it is checked whole, and refused whole.)"""
    papers: list[Paper] = []
    cite: list[tuple[str, str]] = []
    skipped, warnings = list(batch.skipped), list(batch.warnings)
    for n, paper in enumerate(batch.papers):
        where = batch.cite[n][1] if batch.cite else ""
        doc, notes = schema.fitted(paper.to_doc())
        if doc is None:
            skipped.append(f"{where}'{_short(paper.title)}': {notes[0]}")
            continue
        if notes:
            paper = Paper.from_doc(paper.id, doc)
            warnings += [f"{where}'{_short(paper.title, 40)}': {note}" for note in notes]
        papers.append(paper)
        cite += batch.cite[n : n + 1]
    return dataclasses.replace(batch, papers=papers, cite=cite, skipped=skipped, warnings=warnings)


def _bibtex_batch(name: str, text: str, stamp: str) -> Batch:
    bib = parse_bibtex(text)
    if not bib.records:
        raise InputError(f"{name}: no BibTeX entries could be read")
    source = Source(file=name, listing_date=None, imported=stamp)
    papers = [r.paper.replace(added=stamp, sources=[source]) for r in bib.records]
    cite = [(r.key, f"line {r.line}: ") for r in bib.records]
    return Batch(name, papers, bib.failed, warnings=bib.warnings, cite=cite)


def read_backup(name: str, text: str) -> tuple[list[Paper], dict[str, dict[str, Any]]] | None:
    """The papers of a readlist backup, and its deleted ones, recognised by its meta
    table; None for any other text. A bare library file is refused: without its journal
    it may lack most papers."""
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if f'"{META}"' in text[:200]:  # a backup's first line, but not JSON after it
            raise InputError(f"{name}: not a usable readlist backup (bad JSON: {exc})") from None
        return None
    if not isinstance(data, dict) or META not in data:
        return None
    try:
        version, _ = check_meta(data)
        if version > SCHEMA_VERSION:
            raise Malformed(f"schema {version} is newer than this readlist understands")
        if data[META]["1"].get("backup") is not True:
            raise InputError(
                f"{name}: a library file, not a backup: its journal may hold more papers; "
                f"import a backup made with: readlist --db {name} backup FILE"
            )
        papers = data.get("papers", {})
        schema.check_backup(papers)
        trash = deleted.from_backup(data.get(deleted.TABLE, {}))
        for pid in trash.keys() & papers.keys():  # deleted once, in the library since
            trash[pid] = {k: v for k, v in trash[pid].items() if k in ("title", "keys", "at")}
        return [Paper.from_doc(pid, doc) for pid, doc in papers.items()], trash
    except schema.InvalidPaper as exc:
        raise InputError(f"{name}: not restored: {exc}") from None
    except Malformed as exc:
        raise InputError(f"{name}: not a usable readlist backup ({exc})") from None
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{name}: not a usable readlist backup (a paper is malformed)") from None


def _filled(old: Paper, new: Paper) -> list[str]:
    """The fields a merge changed, other than where the paper was seen; a date, its
    printed form and whether its year was inferred are one thing to a reader: "date"."""
    names = [
        _SHOWN_AS.get(f.name, f.name)
        for f in dataclasses.fields(Paper)
        if f.name != "sources" and getattr(old, f.name) != getattr(new, f.name)
    ]
    return list(dict.fromkeys(names))


_SHOWN_AS = {"date_raw": "date", "date_inferred": "date", "bibkey_aliases": "key alias"}


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
