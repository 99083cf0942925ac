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

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from readlist.query import TYPO_MIN, Query, abstract_text, normalize, parse, search_fields
from readlist.selection import Record, Records
from readlist.vocabulary import TYPO_SCORE, Scores, Vocabulary, cdist

__all__ = ["TYPO_SCORE", "Hit", "SearchIndex", "cutoff", "normalize", "rank"]

TITLE, TAGS_NOTES, ABSTRACT = 0, 1, 2
NO_MATCH = 3
MIN_ABSTRACT_WORD = 3
_CACHE_WORDS = 32
Ranked = tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8], npt.NDArray[np.float32]]
_NOT_YET: Scores = np.zeros(0, np.uint8)  # abstract scores not computed yet
_NO_RECORD: Record = {"title": ""}


def cutoff(word: str) -> int:
    """Short words must match exactly; longer ones may carry a typo or two."""
    if len(word) <= 4:
        return 100
    if len(word) <= 6:
        return 90
    return 85


@dataclass(frozen=True)
class Columns:
    """What `SearchIndex.update` computes for each paper, computed before: the search
    fields (normalized titles, tags and notes; upvotes; when added), the titles'
    vocabulary, which abstracts contain a word (`abstracts(word)`, the rule of
    `_contains`) and which papers' normalized title is a text (`exact_titles`)."""

    titles: Sequence[str]
    extras: list[str]
    upvotes: list[int]
    added: Sequence[str]
    title_words: Vocabulary
    abstracts: Callable[[str], Scores]
    exact_titles: Callable[[str], list[int]]


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    tier: int
    score: float


class SearchIndex:
    """Pre-processed search text for a set of papers, kept current with `update`."""

    def __init__(self, records: Records, ids: Iterable[str] | None = None) -> None:
        self.ids: list[str] = []
        self._records = records
        self._pos: dict[str, int] = {}
        self._titles: Sequence[str] = []
        self._extra: list[str] = []
        self._abstracts: list[str] = []
        self._upvotes: list[int] = []
        self._added: Sequence[str] = []
        self._cache: dict[str, tuple[Scores, Scores, Scores]] = {}
        self._filled: list[int] | None = None  # rows with tags or notes
        self._extra_words: Vocabulary | None = None  # their words
        self._words: Vocabulary | None = None
        self._upvotes_array: npt.NDArray[np.int64] | None = None
        self._by_title: dict[str, list[int]] | None = None  # normalized title -> rows
        self._abstract_index: Callable[[str], Scores] | None = None  # see of_columns
        self._exact_index: Callable[[str], list[int]] | None = None
        self.update(records, records if ids is None else ids)

    @classmethod
    def of_columns(
        cls,
        ids: list[str],
        columns: Columns,
        records: Records,
    ) -> SearchIndex:
        """An index of what `update` would compute, computed before (the sidecar index
        holds it; see `Columns`). Filters read `records`. It answers as
        `SearchIndex(records)` would; it is not updated."""
        self = cls.__new__(cls)
        self.ids = ids
        self._records = records
        self._pos = {}
        self._titles, self._extra, self._abstracts = columns.titles, columns.extras, []
        self._upvotes, self._added = columns.upvotes, columns.added
        self._cache = {}
        self._filled = None
        self._extra_words = None
        self._words = columns.title_words
        self._upvotes_array = None
        self._by_title = None
        self._abstract_index = columns.abstracts
        self._exact_index = columns.exact_titles
        return self

    def __len__(self) -> int:
        return len(self.ids)

    def warm(self) -> None:
        """Build the lazy parts now (the TUI does this in a worker after first paint)."""
        vocab = self._title_words()
        vocab.heads(TYPO_MIN)  # the typo candidates of words up to 7 letters
        vocab.heads(TYPO_MIN + 4)  # and up to 11

    def updated(self, records: Records, ids: Iterable[str]) -> SearchIndex:
        """A new index with these papers added or refreshed; this one stays as it is.

        Another thread may be searching this index right now, so it is never mutated
        once shared: the caller swaps the new one in. Copying the row lists costs a few
        milliseconds at 100k papers; the lazy parts are rebuilt on the next search.
        """
        new = copy.copy(self)
        new.ids = list(self.ids)
        new._pos = dict(self._pos)
        new._titles = list(self._titles)
        new._extra = list(self._extra)
        new._abstracts = list(self._abstracts)
        new._upvotes = list(self._upvotes)
        new._added = list(self._added)
        new._cache = {}
        new.update(records, ids)
        return new

    def update(self, records: Records, ids: Iterable[str]) -> None:
        """Add new papers and refresh changed ones (tags, notes, imports)."""
        if self._abstract_index is not None:
            raise TypeError("an index of columns is not updated; build another")
        self._records = records
        titles, added = cast(list[str], self._titles), cast(list[str], self._added)
        for pid in ids:
            record = records.get(pid)
            if record is None:
                continue
            row = _row(record)
            at = self._pos.get(pid)
            if at is None:
                self._pos[pid] = len(self.ids)
                self.ids.append(pid)
                titles.append(row[0])
                self._extra.append(row[1])
                self._abstracts.append(row[2])
                self._upvotes.append(row[3])
                added.append(row[4])
            else:
                titles[at], self._extra[at], self._abstracts[at] = row[:3]
                self._upvotes[at], added[at] = row[3], row[4]
        self._cache.clear()
        self._filled = None
        self._extra_words = None
        self._upvotes_array = None
        self._words = None
        self._by_title = None

    def search(
        self,
        query: str | Query,
        limit: int | None = None,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
    ) -> list[Hit]:
        """Matches, best first. `abstracts=False` skips the slowest tier (for a fast first
        answer while typing); the full answer orders the other tiers the same way.
        Filters read `records` (default: those last given to `update`), so read and
        starred changes count without an update. Raises QueryError for a bad query."""
        ranked = self._rank(_parsed(query), abstracts, records, now)
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
    ) -> list[str]:
        """Like `search`, ids only: what a list view needs, without a Hit per match."""
        ids = self.ids
        return [ids[i] for i in self.search_rows(query, limit, abstracts, records, now=now)]

    def search_rows(
        self,
        query: str | Query,
        limit: int | None = None,
        abstracts: bool = True,
        records: Records | None = None,
        *,
        now: dt.datetime,
    ) -> list[int]:
        """Like `search_ids`, the papers' places in `ids` instead."""
        ranked = self._rank(_parsed(query), abstracts, records, now)
        if ranked is None:
            return []
        rows: list[int] = ranked[0][:limit].tolist()
        return rows

    def _rank(
        self, query: Query, abstracts: bool, records: Records | None, now: dt.datetime
    ) -> Ranked | None:
        n = len(self.ids)
        if not query or not n:
            return None
        keep = self._keep(query, abstracts, self._records if records is None else records, now)
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
            t, e, a = self._word(word, abstracts)
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
        if self._upvotes_array is None:
            self._upvotes_array = np.asarray(self._upvotes, np.int64)
        upvotes = self._upvotes_array[found]
        exact = np.zeros(n, bool)
        exact[self._exact_titles(query.text)] = True
        order = found[np.lexsort((-upvotes, -score[found], tier[found], ~exact[found]))]
        return order, tier, score

    def _exact_titles(self, text: str) -> list[int]:
        """Rows whose normalized title is `text`: one dict lookup per query."""
        if self._exact_index is not None:
            return self._exact_index(text)
        if self._by_title is None:
            by_title: dict[str, list[int]] = {}
            for i, title in enumerate(self._titles):
                by_title.setdefault(title, []).append(i)
            self._by_title = by_title
        return self._by_title.get(text, [])

    def _keep(
        self, query: Query, abstracts: bool, records: Records, now: dt.datetime
    ) -> npt.NDArray[np.bool_]:
        """Which papers the filters keep and no excluded word or phrase finds."""
        n = len(self.ids)
        keep = np.ones(n, bool)
        if query.filters:
            # A copy is one C call that no other thread can interleave with (a worker
            # may search while the UI thread writes); the filters read only the copy.
            records = dict(records)
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
            t, e, a = self._word(word, abstracts)
            found = (t > 0) | (e > 0)
            if abstracts and len(word) >= MIN_ABSTRACT_WORD:
                found |= a > 0
            keep &= ~found
        return keep

    def _word(self, word: str, abstracts: bool = True) -> tuple[Scores, Scores, Scores]:
        """Per-paper scores of one word: title, tags/notes (0 = no match), abstract (0/1)."""
        cached = self._cache.get(word)
        if cached is None:
            if " " in word:  # a phrase: as typed
                title = _scores(self._titles, word, 100)
                extra = self._extra_scores(word, 100)
            else:
                limit = cutoff(word)
                title = self._title_scores(word, limit)
                extra = self._extra_scores(word, limit)
            cached = (title, extra, _NOT_YET)
            if len(self._cache) >= _CACHE_WORDS:
                self._cache.pop(next(iter(self._cache), ""), None)
            self._cache[word] = cached
        if abstracts and cached[2] is _NOT_YET:
            if len(word) < MIN_ABSTRACT_WORD:
                abstract = np.zeros(len(self.ids), np.uint8)
            else:
                abstract = self._contains(word)
            cached = self._cache[word] = (cached[0], cached[1], abstract)
        return cached

    def _title_scores(self, word: str, limit: int) -> Scores:
        """Each title's best score over its words (see the module docstring)."""
        if not self._titles:
            return np.zeros(0, np.uint8)
        vocab = self._title_words()
        scores = np.zeros(len(vocab.words), np.uint8)
        if limit >= 100:
            scores[:] = np.fromiter((word in v for v in vocab.words), bool, len(vocab.words)) * 100
        else:
            long_ = np.nonzero(vocab.lengths >= len(word))[0]
            short = np.nonzero(vocab.lengths < len(word))[0]
            for picked, scorer in ((long_, fuzz.partial_ratio), (short, fuzz.ratio)):
                if len(picked):
                    words = [vocab.words[i] for i in picked.tolist()]
                    scores[picked] = cdist(words, word, limit, scorer)
        np.maximum(scores, vocab.typos(word), out=scores)
        return vocab.best(scores)

    def _title_words(self) -> Vocabulary:
        if self._words is None:
            self._words = Vocabulary(self._titles)
        return self._words

    def _extra_scores(self, word: str, limit: int) -> Scores:
        """Tags and notes are empty for most papers: score only the others."""
        if self._filled is None:
            self._filled = [i for i, text in enumerate(self._extra) if text]
        filled = self._filled
        out = np.zeros(len(self._extra), np.uint8)
        if filled:
            texts = [self._extra[i] for i in filled]
            scores = _scores(texts, word, limit)
            if " " not in word and len(word) >= TYPO_MIN:
                if self._extra_words is None:
                    self._extra_words = Vocabulary(texts)
                vocab = self._extra_words
                np.maximum(scores, vocab.best(vocab.typos(word)), out=scores)
            out[filled] = scores
        return out

    def _contains(self, word: str) -> Scores:
        """Which abstracts contain `word`; narrowed by a cached shorter word if any."""
        if self._abstract_index is not None:
            return self._abstract_index(word)
        texts = self._abstracts
        out = np.zeros(len(texts), np.uint8)
        narrower = [
            w
            for w, c in list(self._cache.items())
            if len(w) >= MIN_ABSTRACT_WORD and w in word and w != word and c[2] is not _NOT_YET
        ]
        if narrower:
            base = self._cache[max(narrower, key=len)][2]
            candidates: Iterable[int] = np.nonzero(base)[0].tolist()
        else:
            candidates = range(len(texts))
        if " " in word:  # a phrase; abstracts keep runs of spaces (see _row)
            pattern = re.compile(r"\s+".join(map(re.escape, word.split())))
            hits = [i for i in candidates if pattern.search(texts[i])]
        else:
            hits = [i for i in candidates if word in texts[i]]
        out[hits] = 1
        return out


def _parsed(query: str | Query) -> Query:
    return parse(query) if isinstance(query, str) else query


def _row(record: Record) -> tuple[str, str, str, int, str]:
    title, extra, upvotes, added = search_fields(record)
    return title, extra, abstract_text(record), upvotes, added


def _scores(texts: Sequence[str], word: str, limit: int) -> Scores:
    """partial_ratio of `word` in every text, 0 below the cutoff; on both cores.

    At a cutoff of 100 that is plain substring search, which Python does faster.
    """
    if not texts:
        return np.zeros(0, np.uint8)
    if limit >= 100:
        found = np.fromiter((word in t for t in texts), bool, count=len(texts))
        return found.astype(np.uint8) * np.uint8(100)
    return cdist(list(texts), word, limit, fuzz.partial_ratio)


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
    return SearchIndex(records, ids).search_ids(query, limit, now=now)
