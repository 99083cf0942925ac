"""Which arXiv paper a library paper is: pure decisions over records, no I/O.

A match is applied automatically only when the titles agree (equal title keys, or the
dedup module's conservative near-match) and nothing known contradicts it. Anything
weaker becomes an *unsure* candidate for the user to accept or reject.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz

from readlist.dedup import DedupIndex, near_match
from readlist.model import Paper, fold, title_key, title_words, unaccent
from readlist.sources.protocol import Candidate

if TYPE_CHECKING:
    from readlist.sources.arxiv import ArxivRecord

MAX_DATE_GAP = dt.timedelta(days=366)
UNSURE_RATIO = 85.0


@dataclass(frozen=True)
class Decision:
    status: Literal["match", "unsure", "none"]
    candidate: Candidate | None = None
    reason: str = ""


class CandidateIndex:
    """A day's listing as candidates, looked up by title without scanning them all.

    Exact title keys are a dict lookup and near-matches use dedup's blocked index, so
    resolving n papers from one listing costs O(n), not O(n^2).
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._by_key: dict[str, list[Candidate]] = {}
        self._by_id: dict[str, Candidate] = {}
        self._fuzzy = DedupIndex()
        for cand in candidates:
            self._by_key.setdefault(title_key(cand.title), []).append(cand)
            if cand.arxiv_id not in self._by_id:
                self._by_id[cand.arxiv_id] = cand
                self._fuzzy.add(cand.arxiv_id, cand.title)

    def lookup(self, title: str) -> list[Candidate]:
        hits = self._by_key.get(title_key(title))
        if hits:
            return list(hits)
        found = self._fuzzy.find(title)
        return [self._by_id[found]] if found else []


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


_PRINTED_YEAR = re.compile(r"\b[0-9]{4}\b")


def year_inferred(paper: Paper) -> bool:
    """Whether the year of the paper's date is a guess: the listing printed none. (A
    library from before `date_inferred` was kept still shows it in `date_raw`.)"""
    if paper.date_inferred:
        return True
    raw = paper.date_raw
    return raw is not None and paper.published is None and not _PRINTED_YEAR.search(raw)


def dated_by(paper: Paper, published: str | None) -> str | None:
    """The paper's date with an inferred year replaced: its month and day, in the year
    that puts it nearest the record's first version (a listing's "Jan 5" for a paper
    from 2025-12-30 is 2026-01-05). None if there is nothing to correct."""
    mine, theirs = _day(paper.date), _day(published)
    if mine is None or theirs is None or not year_inferred(paper):
        return None
    options = []
    for year in (theirs.year - 1, theirs.year, theirs.year + 1):
        try:
            options.append(mine.replace(year=year))
        except ValueError:  # 29 February
            continue
    if not options:
        return None
    return min(options, key=lambda day: abs(day - theirs)).isoformat()


def contradiction(paper: Paper, cand: Candidate, exact: bool) -> str | None:
    """What known fact speaks against `cand`, or None. A date's year counts only where
    the listing stated it; an inferred year is replaced by the record's."""
    mine, theirs = _day(dated_by(paper, cand.published) or paper.date), _day(cand.published)
    if mine and theirs and abs(mine - theirs) > MAX_DATE_GAP:
        return f"dated {mine}, but arXiv {cand.arxiv_id} is from {theirs}"
    count = paper.authors_count or (len(paper.authors) if paper.authors else None)
    if not exact and count and cand.authors and count != len(cand.authors):
        return f"{count} authors listed, but arXiv {cand.arxiv_id} has {len(cand.authors)}"
    return None


def decide(paper: Paper, candidates: Iterable[Candidate]) -> Decision:
    """Match, unsure (with the best candidate and why) or none."""
    unique = list({c.arxiv_id: c for c in candidates}.values())
    key, words = title_key(paper.title), title_words(paper.title)
    good: list[Candidate] = []
    doubtful: list[tuple[Candidate, str]] = []
    near: list[tuple[float, Candidate]] = []
    for cand in unique:
        exact = title_key(cand.title) == key
        if exact or near_match(words, title_words(cand.title)):
            why = contradiction(paper, cand, exact)
            if why is None:
                good.append(cand)
            else:
                doubtful.append((cand, why))
        else:
            score = fuzz.ratio(words, title_words(cand.title))
            if score >= UNSURE_RATIO:
                near.append((score, cand))
    if len(good) == 1:
        return Decision("match", good[0])
    if good:
        ids = ", ".join(c.arxiv_id for c in good)
        return Decision("unsure", good[0], f"several arXiv papers have this title ({ids})")
    if doubtful:
        return Decision("unsure", doubtful[0][0], doubtful[0][1])
    if near:
        score, cand = max(near, key=lambda t: t[0])
        return Decision("unsure", cand, f"title differs: {cand.title!r}")
    return Decision("none")


def apply_record(paper: Paper, record: ArxivRecord) -> Paper:
    """The paper with arXiv's record filled in; the user's own state is untouched."""
    link = f"https://arxiv.org/abs/{record.arxiv_id}"
    corrected = dated_by(paper, record.published)
    return paper.replace(
        date=corrected or paper.date,
        date_inferred=paper.date_inferred and corrected is None,
        title=paper.title or record.title,
        abstract=paper.abstract or record.abstract,
        arxiv_id=record.arxiv_id,
        arxiv_version=record.version,
        authors=list(record.authors) or paper.authors,
        authors_count=paper.authors_count or (len(record.authors) or None),
        primary_category=record.primary_category,
        categories=list(record.categories),
        doi=record.doi or paper.doi,
        journal_ref=record.journal_ref or paper.journal_ref,
        arxiv_comment=record.comment,
        published=record.published,
        updated=record.updated,
        links=paper.links if link in paper.links else [*paper.links, link],
        resolution=None,
    )


def needs_record(paper: Paper) -> bool:
    """Not yet resolved: no arXiv record has been applied."""
    return paper.arxiv_version is None or not paper.arxiv_id


_HOMONYM = re.compile(r"\s+[0-9]{4}$")  # DBLP tells namesakes apart: "Wei Li 0001"
_NAME_SPLIT = re.compile(r"[^\w'-]+")


def surname(name: str) -> str:
    """The family name to compare: before a comma ("Hu, Edward"), else the last word;
    folded, accents off ("Müller" is "muller")."""
    name = _HOMONYM.sub("", name.strip())
    if "," in name:
        name = name.split(",", 1)[0]
    parts = [p for p in _NAME_SPLIT.split(unaccent(fold(name))) if p.strip("'-")]
    return parts[-1].strip("'-") if parts else ""


def shared_surnames(ours: Iterable[str], theirs: Iterable[str]) -> int:
    """How many authors the two lists have in common, by surname (each counted once)."""
    left = Counter(s for s in map(surname, ours) if s)
    right = Counter(s for s in map(surname, theirs) if s)
    return sum((left & right).values())


Link = Literal["same", "doubt", "other"]


def same_work(paper: Paper, title: str, authors: Sequence[str]) -> tuple[Link, str]:
    """Whether a record found by its title (not by the arXiv id) is this paper: "same",
    "doubt" (say why) or "other" (another work that shares the title, or another title).

    The title must match as resolving matches it (equal title keys, or dedup's near
    match, which agrees on every number and part), and the authors must agree at least
    as much as resolving asks: half of the longer list's surnames shared, and for a
    title that is only near, as many authors on both sides. A title alone is never
    enough: the book "Deep Learning" is not a KDD talk called "Deep Learning".
    """
    exact = title_key(title) == title_key(paper.title)
    if not exact and not near_match(title_words(paper.title), title_words(title)):
        return "other", "another title"
    if not paper.authors or not authors:
        return "doubt", "the same title, but no authors to compare"
    shared = shared_surnames(paper.authors, authors)
    longest = max(len(paper.authors), len(authors))
    of = f"{shared} of {longest} authors' surnames shared"
    if shared == 0:
        return "other", "another work with this title (no author in common)"
    if 2 * shared < longest:
        return "doubt", f"the same title, but only {of}"
    if not exact and len(paper.authors) != len(authors):
        return "doubt", f"a similar title and {len(authors)} authors, not {len(paper.authors)}"
    return "same", f"the {'same' if exact else 'near-same'} title; {of}"
