"""Query -> ranked paper ids, with rapidfuzz. The grammar itself is readlist.query.

Ranking: a paper whose whole title is the query (after normalizing: "deep learning"
finds "Deep Learning") comes first, then papers whose title matches, then those whose
tags or notes match, then those whose abstract does. Within a tier, a better fuzzy
score wins, then more upvotes. Every word of the query must match in the field. Filters (`tag:x`,
`is:due`, …) only keep or drop papers; a query of filters alone lists what they keep,
newest added first. `-word` drops the papers that `word` would find.

Each query word is fuzzy-matched against the words of the title. Query words of up
to 4 characters must occur exactly, inside a title word, so "rl" finds "RLHF". A
title word at least as long as the query word scores its `partial_ratio` (so
"diffusion" finds "StreamDiffusionV2"); a shorter one its plain `ratio`, so "a" or
"of" never match everything. From 5 letters on, one typo is forgiven, transpositions
included (optimal string alignment distance 1: "vidoe" finds "Video"), and so is a
swap at the start of a longer word ("agnet" finds "Agents"); from 7 letters on, any
one edit at the start of a longer word. Tags and notes get `partial_ratio` over
their whole text, and the same typo rule word by word. Abstracts are long: there a
word of 3 or more characters must occur as typed. A quoted phrase must occur as
typed (punctuation aside) in the field. Both the query and the papers' text are
compared lower-cased and without accents (`query.normalize`): "cafe" finds "Café".

Titles share most of their words, so scoring the distinct title words once and
taking each title's best word is several times cheaper than scoring every title.
Scores live in numpy arrays and each query word's scores are cached, so typing one
more character costs one pass over the title vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from readlist.query import TYPO_MIN, Query, normalize, parse
from readlist.searchrows import INDEXED, Columns, SearchRows
from readlist.selection import Record, Records, text_of
from readlist.vocabulary import (
    NOT_YET,
    TYPO_SCORE,
    Scores,
    WordCache,
    WordScores,
    containing,
    text_scores,
)

__all__ = ["INDEXED", "TYPO_SCORE", "Columns", "Hit", "SearchIndex", "cutoff", "normalize", "rank"]

TITLE, TAGS_NOTES, ABSTRACT = 0, 1, 2
NO_MATCH = 3
MIN_ABSTRACT_WORD = 3
Ranked = tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8], npt.NDArray[np.float32]]
_NONE: Scores = np.zeros(0, np.uint8)
_NO_ROWS: npt.NDArray[np.intp] = np.zeros(0, np.intp)
_NO_RECORD: Record = {"title": ""}


def cutoff(word: str) -> int:
    """Short words must match exactly; longer ones may carry a typo or two."""
    if len(word) <= 4:
        return 100
    if len(word) <= 6:
        return 90
    return 85


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    tier: int
    score: float


class SearchIndex(SearchRows):
    """Pre-processed search text for a set of papers.

    Immutable once built: every part a search reads is computed here, before anyone
    else can see the index, so a worker may search it while the UI thread searches it
    too. A change makes a new index (`updated`), swapped in whole; what a search learns
    about a word goes into the caller's `WordCache`, never into the index. Its rows,
    and how they are made and updated: readlist.searchrows.
    """

    def search(
        self,
        query: str | Query,
        limit: int | None = None,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
        cache: WordCache | None = None,
    ) -> list[Hit]:
        """Matches, best first. `abstracts=False` skips the slowest tier (for a fast first
        answer while typing); the full answer orders the other tiers the same way.
        Filters read `records` (default: those the index was made from), so read and
        starred changes count without an update. `cache` keeps what this search learns
        for the next one (the caller's thread's own). Raises QueryError for a bad query."""
        ranked = self._rank(_parsed(query), abstracts, records, now, self._cache(cache))
        if ranked is None:
            return []
        order, tier, score = ranked
        if limit is not None:
            order = order[:limit]
        ids = self.ids
        return [
            Hit(ids[i], t, sc)
            for i, t, sc in zip(
                order.tolist(), tier[order].tolist(), score[order].tolist(), strict=True
            )
        ]

    def search_ids(
        self,
        query: str | Query,
        limit: int | None = None,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
        cache: WordCache | None = None,
    ) -> list[str]:
        """Like `search`, ids only: what a list view needs, without a Hit per match."""
        rows = self.search_rows(query, limit, abstracts, records, now=now, cache=cache)
        return list(map(self.ids.__getitem__, rows))

    def search_rows(
        self,
        query: str | Query,
        limit: int | None = None,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
        cache: WordCache | None = None,
    ) -> list[int]:
        """Like `search_ids`, the papers' places in `ids` instead."""
        rows: list[int] = self.found(query, abstracts, records, now=now, cache=cache)[
            :limit
        ].tolist()
        return rows

    def found(
        self,
        query: str | Query,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
        cache: WordCache | None = None,
    ) -> npt.NDArray[np.intp]:
        """Like `search_rows`, all of them, as an array."""
        ranked = self._rank(_parsed(query), abstracts, records, now, self._cache(cache))
        return _NO_ROWS if ranked is None else ranked[0]

    def _cache(self, cache: WordCache | None) -> WordCache:
        if cache is None:
            return WordCache(self)
        if cache.index is not self:
            raise ValueError("a WordCache holds the scores of another index")
        return cache

    def _rank(
        self,
        query: Query,
        abstracts: bool,
        records: Records | None,
        now: dt.datetime,
        cache: WordCache,
    ) -> Ranked | None:
        n = len(self.ids)
        if not query or not n:
            return None
        records = self._records if records is None else records
        keep = self._keep(query, abstracts, records, now, cache)
        if not query.ranks:
            added = self._added
            kept = sorted(np.nonzero(keep)[0].tolist(), key=added.__getitem__, reverse=True)
            return np.asarray(kept, np.intp), np.zeros(n, np.uint8), np.zeros(n, np.float32)
        words = [*query.words, *query.phrases]
        title = np.full(n, 255, np.uint16)
        extra = np.full(n, 255, np.uint16)
        # Words too short for abstracts neither match nor veto there.
        abstract = np.full(n, abstracts and any(len(w) >= MIN_ABSTRACT_WORD for w in words))
        title_sum = np.zeros(n, np.uint32)
        extra_sum = np.zeros(n, np.uint32)
        for word in words:
            t, e, a = self._word(word, abstracts, cache)
            title = np.minimum(title, t)
            extra = np.minimum(extra, e)
            if abstracts and len(word) >= MIN_ABSTRACT_WORD:
                abstract &= a.astype(bool)
            title_sum += t
            extra_sum += e
        tier = np.full(n, NO_MATCH, np.uint8)
        score = np.zeros(n, np.float32)
        in_abstract = abstract & (tier == NO_MATCH)
        tier[in_abstract] = ABSTRACT
        score[in_abstract] = 100.0
        in_extra = extra > 0
        tier[in_extra] = TAGS_NOTES
        score[in_extra] = extra_sum[in_extra] / len(words)
        in_title = title > 0
        tier[in_title] = TITLE
        score[in_title] = title_sum[in_title] / len(words)
        found = np.nonzero((tier < NO_MATCH) & keep)[0]
        upvotes = self._upvotes_array[found]
        exact = np.zeros(n, bool)
        exact[self._exact_titles(query.text)] = True
        order = found[np.lexsort((-upvotes, -score[found], tier[found], ~exact[found]))]
        return order, tier, score

    def _exact_titles(self, text: str) -> list[int]:
        """Rows whose normalized title is `text`: one lookup per query."""
        if self._exact_index is not None:
            return self._exact_index(text)
        return self._by_title.get(text, [])

    def _keep(
        self,
        query: Query,
        abstracts: bool,
        records: Records,
        now: dt.datetime,
        cache: WordCache,
    ) -> npt.NDArray[np.bool_]:
        """Which papers the filters keep and no excluded word or phrase finds."""
        n = len(self.ids)
        keep = np.ones(n, bool)
        if query.filters:
            if len(records) == n and list(records) == self.ids:  # the usual case: cheap
                rows = list(records.values())
            else:
                get = records.get
                rows = [get(pid, _NO_RECORD) for pid in self.ids]
                # Papers removed since the index was built are not kept.
                keep = np.fromiter((r is not _NO_RECORD for r in rows), bool, count=n)
            for test, negated in query.tests(records, now):
                keep &= np.fromiter(map(test, rows), bool, count=n) != negated
        for word in (*query.excluded_words, *query.excluded_phrases):
            t, e, a = self._word(word, abstracts, cache)
            found = (t > 0) | (e > 0)
            if abstracts and len(word) >= MIN_ABSTRACT_WORD:
                found |= a > 0
            keep &= ~found
        return keep

    def _word(self, word: str, abstracts: bool, cache: WordCache) -> WordScores:
        """Per-paper scores of one word: title, tags/notes (0 = no match), abstract (0/1)."""
        cached = cache.get(word)
        if cached is None:
            if " " in word:  # a phrase: as typed
                title = text_scores(self._titles, word, 100)
                extra = self._extra_scores(word, 100)
            else:
                limit = cutoff(word)
                title = self._words.scores(word, limit) if self._titles else _NONE
                extra = self._extra_scores(word, limit)
            cached = (title, extra, NOT_YET)
            cache.put(word, cached)
        if abstracts and cached[2] is NOT_YET:
            if len(word) < MIN_ABSTRACT_WORD:
                abstract = np.zeros(len(self.ids), np.uint8)
            elif self._abstract_index is not None:
                abstract = self._column_abstracts(self._abstract_index, word)
            else:
                abstract = containing(self._abstracts, word, cache, MIN_ABSTRACT_WORD)
            cached = (cached[0], cached[1], abstract)
            cache.put(word, cached)
        return cached

    def _column_abstracts(self, index: Callable[[str], Scores], word: str) -> Scores:
        """The abstract index's answer, with the papers changed since it was made
        checked by the rule itself."""
        known = index(word)
        if not self._abstract_over and len(known) == len(self.ids):
            return known
        out = np.zeros(len(self.ids), np.uint8)
        out[: len(known)] = known
        rows = list(self._abstract_over)
        texts = list(self._abstract_over.values())
        out[rows] = containing(texts, word, WordCache(self), MIN_ABSTRACT_WORD)
        return out

    def _extra_scores(self, word: str, limit: int) -> Scores:
        """Tags and notes are empty for most papers: score only the others."""
        filled = self._filled
        out = np.zeros(len(self._extra), np.uint8)
        if filled:
            texts = [self._extra[i] for i in filled]
            scores = text_scores(texts, word, limit)
            vocab = self._extra_words
            if vocab is not None and " " not in word and len(word) >= TYPO_MIN:
                np.maximum(scores, vocab.best(vocab.typos(word)), out=scores)
            out[filled] = scores
        return out


def _parsed(query: str | Query) -> Query:
    return parse(query) if isinstance(query, str) else query


def rank(
    records: Records,
    query: str | Query,
    limit: int | None = None,
    ids: Iterable[str] | None = None,
    *,
    now: dt.datetime,
) -> list[str]:
    """Ids of the papers (all, or those in `ids`) matching `query`, best first; `now`
    is what `is:due` compares with. Raises QueryError for a bad query."""
    parsed = _parsed(query)
    if parsed.ranks or parsed.excluded_words or parsed.excluded_phrases or not parsed:
        return SearchIndex(records, ids).search_ids(parsed, limit, now=now)
    # Filters alone (an auto-export's `tag:x`) read no text: no index to build.
    pool = list(dict.fromkeys(i for i in (records if ids is None else ids) if i in records))
    rows = [records[i] for i in pool]
    keep = [True] * len(rows)
    for test, negated in parsed.tests(records, now):
        keep = [k and test(row) != negated for k, row in zip(keep, rows, strict=True)]
    kept = sorted(
        (i for i, k in enumerate(keep) if k), key=lambda i: text_of(rows[i], "added"), reverse=True
    )
    return [pool[i] for i in kept][:limit]
