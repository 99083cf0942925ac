"""Query -> ranked paper ids, with rapidfuzz.

Ranking: papers whose title matches come first, then those whose tags or notes
match, then those whose abstract does. Within a tier, a better fuzzy score wins, then
more upvotes. Every word of the query must match somewhere in the field.

Titles, tags and notes are short, so each query word is fuzzy-matched against them
with `partial_ratio` (typos are forgiven). Abstracts are long: there a word must occur
as typed, which keeps a query at 100k papers fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from readlist.selection import Records

TITLE, TAGS_NOTES, ABSTRACT = 0, 1, 2


def normalize(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces (rapidfuzz's fast processor)."""
    return " ".join(utils.default_process(text).split())


def cutoff(word: str) -> float:
    """Short words must match exactly; longer ones may carry a typo or two."""
    if len(word) <= 4:
        return 100.0
    if len(word) <= 6:
        return 90.0
    return 80.0


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    tier: int
    score: float


class SearchIndex:
    """Pre-processed search text for a fixed set of papers."""

    def __init__(self, records: Records, ids: Iterable[str] | None = None) -> None:
        self.ids = list(records if ids is None else ids)
        rows = [records[i] for i in self.ids]
        self._upvotes = [r.get("upvotes", 0) for r in rows]
        self._titles = [normalize(r["title"]) for r in rows]
        self._extra = [
            normalize(" ".join(r.get("tags", ())) + " " + r.get("notes", "")) for r in rows
        ]
        self._abstracts = [utils.default_process(r.get("abstract", "")) for r in rows]

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        words = normalize(query).split()
        if not words:
            return []
        best: dict[int, tuple[int, float]] = {}
        for tier, scores in (
            (TITLE, self._fuzzy(words, self._titles)),
            (TAGS_NOTES, self._fuzzy(words, self._extra)),
            (ABSTRACT, self._exact(words, self._abstracts)),
        ):
            for i, score in scores.items():
                if i not in best:
                    best[i] = (tier, score)
        ranked = sorted(best.items(), key=lambda kv: (kv[1][0], -kv[1][1], -self._upvotes[kv[0]]))
        if limit is not None:
            ranked = ranked[:limit]
        return [Hit(self.ids[i], tier, score) for i, (tier, score) in ranked]

    @staticmethod
    def _fuzzy(words: list[str], texts: list[str]) -> dict[int, float]:
        """Index -> mean score, for texts where every word scores above its cutoff."""
        result: dict[int, float] | None = None
        for word in words:
            found = {
                i: s
                for _, s, i in process.extract(
                    word, texts, scorer=fuzz.partial_ratio, score_cutoff=cutoff(word), limit=None
                )
            }
            if result is None:
                result = found
            else:
                result = {i: result[i] + s for i, s in found.items() if i in result}
            if not result:
                return {}
        assert result is not None
        return {i: s / len(words) for i, s in result.items()}

    @staticmethod
    def _exact(words: list[str], texts: list[str]) -> dict[int, float]:
        first, *rest = sorted(words, key=len, reverse=True)
        hits = [i for i, t in enumerate(texts) if first in t]
        for word in rest:
            hits = [i for i in hits if word in texts[i]]
        return dict.fromkeys(hits, 100.0)


def rank(
    records: Records, query: str, limit: int | None = None, ids: Iterable[str] | None = None
) -> list[str]:
    """Ids of the papers (all, or those in `ids`) matching `query`, best first."""
    return [h.id for h in SearchIndex(records, ids).search(query, limit)]
