"""The seeds, imported today, resolved against a fair world: every paper on arXiv and the
Hub with its true date, and decoys beside them. Every seed resolves to its own record,
no decoy is applied, and every date whose year the page did not print gets the year
of its record.

Also the rule itself: a year the listing did not print is no reason to doubt a record
(month and day are compared, the year is the record's); a year it printed still is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readlist.clock import Clock
from readlist.config import load
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.model import Paper, Source
from readlist.paths import resolve as resolve_paths
from readlist.resolving import Sources, resolve, targets
from readlist.sources.arxiv import ArxivRecord
from readlist.sources.matching import apply_record, decide
from readlist.sources.protocol import Candidate
from readlist.store import Store
from tests.conftest import SEEDS
from tests.core.netfake import FakeApis, Rec, daily_item

# The year each seed page was viewed in (its year-less dates' year), from the arXiv ids
# of papers it lists; 004 prints no entry dates.
TRUE_YEAR = {"000": 2025, "001": 2026, "002": 2025, "003": 2025, "004": 2025}
TODAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


def _true_date(paper: Paper) -> dt.date:
    """When the paper really is from: a printed date as printed, else the page's year."""
    page = paper.sources[0].file[:3]
    if paper.date and not paper.date_inferred:
        return dt.date.fromisoformat(paper.date)
    if paper.date:
        month, day = int(paper.date[5:7]), int(paper.date[8:10])
        return dt.date(TRUE_YEAR[page], month, day)
    return dt.date(TRUE_YEAR[page], 7, 1)


def _arxiv_id(when: dt.date, n: int) -> str:
    """A valid id of that month: five digits from 2015 on, four before."""
    return f"{when:%y%m}.{n:05d}" if when.year >= 2015 else f"{when:%y%m}.{n % 10000:04d}"


def _world(apis: FakeApis, papers: list[Paper]) -> dict[str, str]:
    """Every seed on arXiv and the Hub; near-title decoys (other authors, other years)
    in the Hub's daily lists. Returns title -> the true arXiv id."""
    truth: dict[str, str] = {}
    days: dict[str, list[Rec]] = {}
    for n, paper in enumerate(papers):
        when = _true_date(paper) - dt.timedelta(days=n % 3)  # arXiv's v1 precedes the listing
        count = paper.authors_count or 3
        rec = Rec(
            _arxiv_id(when, 1000 + n),
            paper.title,
            [f"Author{i} Surname{n}" for i in range(count)],
            published=when.isoformat(),
        )
        apis.add(rec)
        truth[paper.title] = rec.arxiv_id
        old = when.replace(year=when.year - 6, day=min(when.day, 28))
        decoy = Rec(
            _arxiv_id(old, 5000 + n),
            paper.title + (" II" if n % 2 else ": Extended Version"),
            [f"Other{i} Person{n}" for i in range(count + 2)],
            published=old.isoformat(),
        )
        apis.add(decoy)
        for source in paper.sources:
            if source.listing_date:
                days.setdefault(source.listing_date, []).append(decoy)
    for day, recs in days.items():
        apis.daily[day] = [daily_item(r, day) for r in recs]
    return truth


@pytest.mark.parametrize("today", [TODAY, TODAY + dt.timedelta(days=365)])
def test_the_seeds_imported_today_all_resolve_and_no_decoy_is_applied(
    apis: FakeApis, isolated_home: Path, today: dt.datetime
) -> None:
    with Store(resolve_paths().library) as store:
        import_texts(store, read_inputs([str(SEEDS)]), today.date(), today)
        papers = store.papers()
        truth = _world(apis, papers)
        with Sources(load(resolve_paths().config_file).network) as sources:
            outcome = resolve(store, targets(store), sources, now=Clock.fixed(today).now())
        after = {p.id: p for p in store.papers()}
    counts = outcome.counts()
    assert counts["resolved"] == len(papers) == 254, outcome.summary()
    wrong = [p.title for p in after.values() if p.arxiv_id != truth[p.title]]
    assert wrong == []
    for before in papers:
        paper = after[before.id]
        assert paper.resolution is None
        if before.date:
            assert paper.date == _true_date(before).isoformat(), (before.date_raw, paper.date)
            assert not paper.date_inferred


LONG = "Scaling Streaming Video Diffusion Models for Real Time Generation"


def _paper(date: str, raw: str, inferred: bool) -> Paper:
    source = Source("listing.txt", None, "2026-12-04T10:00:00+00:00")
    return Paper(
        id="p",
        title=LONG,
        date=date,
        date_raw=raw,
        date_inferred=inferred,
        authors_count=3,
        sources=[source],
    )


def _record(published: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id="2503.11550",
        version=1,
        title=LONG,
        authors=("A", "B", "C"),
        abstract="",
        published=published,
        updated=published,
        primary_category="cs.CV",
        categories=("cs.CV",),
        doi=None,
        journal_ref=None,
        comment=None,
    )


def test_an_inferred_year_is_corrected_not_a_reason_to_doubt() -> None:
    paper = _paper("2026-03-26", "Mar 26", inferred=True)
    cand = Candidate("2503.11550", LONG, ("A", "B", "C"), "2025-03-20", "arxiv")
    decision = decide(paper, [cand])
    assert decision.status == "match", decision.reason
    applied = apply_record(paper, _record("2025-03-20"))
    assert (applied.date, applied.date_inferred) == ("2025-03-26", False)


def test_an_inferred_year_takes_the_nearest_year_of_the_record() -> None:
    """Listed "Jan 5" for a paper first on arXiv on 30 December: the next January."""
    applied = apply_record(_paper("2024-01-05", "Jan 5", inferred=True), _record("2025-12-30"))
    assert applied.date == "2026-01-05"


def test_a_printed_year_that_contradicts_the_record_is_still_unsure() -> None:
    paper = _paper("2023-03-26", "Mar 26, 2023", inferred=False)
    cand = Candidate("2503.11550", LONG, ("A", "B", "C"), "2025-03-20", "arxiv")
    decision = decide(paper, [cand])
    assert decision.status == "unsure"
    assert "2023-03-26" in decision.reason
    # Accepting it by hand applies the record, but the printed date stays as printed.
    assert apply_record(paper, _record("2025-03-20")).date == "2023-03-26"


def test_a_library_from_before_the_flag_shows_the_guess_in_its_raw_date() -> None:
    """Papers imported before `date_inferred` existed: a year-less raw date is a guess."""
    paper = _paper("2026-03-26", "Mar 26 3", inferred=False)
    cand = Candidate("2503.11550", LONG, ("A", "B", "C"), "2025-03-20", "arxiv")
    assert decide(paper, [cand]).status == "match"
    assert apply_record(paper, _record("2025-03-20")).date == "2025-03-26"
