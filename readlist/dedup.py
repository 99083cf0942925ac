"""When two records are the same paper, and how they merge without losing anything.

Same paper means: equal title keys (see `model.title_key`), or the same arXiv id, or
a conservative fuzzy near-match of the titles that agrees on every number and part
marker, so "Part I" never merges with "Part II", nor "v2" with "v3".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from readlist.model import Paper, title_key, title_words

FUZZY_THRESHOLD = 95.0
FUZZY_MIN_LENGTH = 20
_ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii".split())
_DIGIT = re.compile(r"\d")
_BLOCK_TOKENS = 3


def markers(words: str) -> tuple[str, ...]:
    """The tokens that tell otherwise similar titles apart: numbers, versions, parts."""
    return tuple(t for t in words.split() if _DIGIT.search(t) or t in _ROMAN or len(t) == 1)


def near_match(a_words: str, b_words: str) -> bool:
    """True when two folded titles are the same paper despite small differences."""
    if min(len(a_words), len(b_words)) < FUZZY_MIN_LENGTH:
        return False
    if markers(a_words) != markers(b_words):
        return False
    return fuzz.ratio(a_words, b_words, score_cutoff=FUZZY_THRESHOLD) > 0


class DedupIndex:
    """Finds the library paper an incoming record belongs to.

    Exact keys and arXiv ids are dict lookups. Fuzzy candidates come from an inverted
    index over title words, probing only the rarest few words of the incoming title,
    so a lookup costs the same at 1k papers as at 100k.
    """

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._by_key: dict[str, str] = {}
        self._by_arxiv: dict[str, str] = {}
        self._words: dict[str, str] = {}
        self._postings: defaultdict[str, set[str]] = defaultdict(set)
        for paper in papers:
            self.add(paper)

    def add(self, paper: Paper) -> None:
        self._by_key.setdefault(title_key(paper.title), paper.id)
        if paper.arxiv_id:
            self._by_arxiv.setdefault(paper.arxiv_id, paper.id)
        words = title_words(paper.title)
        self._words[paper.id] = words
        for token in set(words.split()):
            if len(token) > 2:
                self._postings[token].add(paper.id)

    def find(self, title: str, arxiv_id: str | None = None) -> str | None:
        """The id of the paper this record is, or None when it is new."""
        found = self._by_key.get(title_key(title))
        if found is None and arxiv_id:
            found = self._by_arxiv.get(arxiv_id)
        if found is None:
            found = self._fuzzy(title_words(title))
        return found

    def _fuzzy(self, words: str) -> str | None:
        if len(words) < FUZZY_MIN_LENGTH:
            return None
        tokens = sorted(
            (t for t in set(words.split()) if t in self._postings),
            key=lambda t: len(self._postings[t]),
        )
        candidates: set[str] = set()
        for token in tokens[:_BLOCK_TOKENS]:
            candidates |= self._postings[token]
        if not candidates:
            return None
        choices = {pid: self._words[pid] for pid in candidates}
        for _choice, _score, pid in process.extract(
            words, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=5
        ):
            if near_match(words, choices[pid]):
                return str(pid)
        return None


def merge(existing: Paper, incoming: Paper) -> Paper:
    """Fold a newly listed record into a library paper.

    User state (read, starred, notes, tags, added, key) is kept as it is. Missing
    metadata is filled in, upvotes keep the maximum, links and sources are unioned.
    """
    merged = existing.replace(
        abstract=existing.abstract or incoming.abstract,
        authors=existing.authors or incoming.authors,
        authors_count=existing.authors_count or incoming.authors_count,
        organization=existing.organization or incoming.organization,
        organization_slug=existing.organization_slug or incoming.organization_slug,
        date=existing.date or incoming.date,
        date_raw=existing.date_raw or incoming.date_raw,
        upvotes=max(existing.upvotes, incoming.upvotes),
        arxiv_id=existing.arxiv_id or incoming.arxiv_id,
        links=existing.links + [u for u in incoming.links if u not in existing.links],
        sources=existing.sources
        + [
            s
            for s in incoming.sources
            if (s.file, s.listing_date) not in {(e.file, e.listing_date) for e in existing.sources}
        ],
    )
    return merged
