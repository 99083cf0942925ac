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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from readlist.query import TYPO_MIN, Query, abstract_text, normalize, parse, search_fields
from readlist.selection import Record, Records, text_of
from readlist.vocabulary import (
    NOT_YET,
    TYPO_SCORE,
    Scores,
    Vocabulary,
    WordCache,
    WordScores,
    containing,
    text_scores,
)

__all__ = ["TYPO_SCORE", "Hit", "SearchIndex", "cutoff", "normalize", "rank"]

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


@dataclass(frozen=True)
class Columns:
    """What `SearchIndex` computes for each paper, computed before: the search
    fields (normalized titles, tags and notes; upvotes; when added), the titles'
    vocabulary, which abstracts contain a word (`abstracts(word)`, the rule of
    `vocabulary.containing`) and which papers' normalized title is a text
    (`exact_titles`)."""

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


# The fields a row is made of (see _row): a change to any other field needs no reindex.
INDEXED = frozenset({"title", "tags", "notes", "abstract", "upvotes", "added"})


class SearchIndex:
    """Pre-processed search text for a set of papers.

    Immutable once built: every part a search reads is computed here, before anyone
    else can see the index, so a worker may search it while the UI thread searches it
    too. A change makes a new index (`updated`), swapped in whole; what a search learns
    about a word goes into the caller's `WordCache`, never into the index.
    """

    def __init__(self, records: Records, ids: Iterable[str] | None = None) -> None:
        self.ids: list[str] = []
        self._records = records  # what filters read when a search is given no records
        self._pos: dict[str, int] = {}
        self._titles: list[str] = []
        self._extra: list[str] = []
        self._abstracts: list[str] = []
        self._upvotes: list[int] = []
        self._added: list[str] = []
        self._abstract_index: Callable[[str], Scores] | None = None  # see of_columns
        self._exact_index: Callable[[str], list[int]] | None = None
        self._abstract_over: dict[int, str] = {}  # rows the abstract index does not know
        self._fill(records, records if ids is None else ids)
        self._derive(None, _Filled(retitled=True))

    @classmethod
    def of_columns(cls, ids: list[str], columns: Columns, records: Records) -> SearchIndex:
        """An index of what the constructor would compute, computed before (the
        sidecar index holds it; see `Columns`). Filters read `records`. It answers as
        `SearchIndex(records)` would; it is not `updated`."""
        self = cls.__new__(cls)
        self.ids = ids
        self._records = records
        self._pos = {}
        # Sequences that are read, never filled: the lists' type only for the checker.
        self._titles = columns.titles  # type: ignore[assignment]
        self._extra, self._abstracts = columns.extras, []
        self._upvotes = columns.upvotes
        self._added = columns.added  # type: ignore[assignment]
        self._words = columns.title_words
        self._by_title = {}
        self._filled = [i for i, text in enumerate(self._extra) if text]
        texts = [self._extra[i] for i in self._filled]
        self._extra_words = Vocabulary(texts) if texts else None
        self._upvotes_array = np.asarray(self._upvotes, np.int64)
        self._upvotes_array.flags.writeable = False
        self._abstract_index = columns.abstracts
        self._abstract_over = {}
        self._exact_index = columns.exact_titles
        return self

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def abstracts_indexed(self) -> bool:
        """Whether abstracts are searched by an inverted index (the sidecar's postings),
        not by a scan of every abstract."""
        return self._abstract_index is not None

    def updated(self, records: Records, ids: Iterable[str]) -> SearchIndex:
        """A new index with these papers added or refreshed; this one stays as it is.

        Copying the row lists costs a few milliseconds at 100k papers; the vocabulary of
        titles is extended, not rebuilt, unless a title of a known paper changed. An
        index of columns keeps its abstract index for the papers it was made with and
        holds the abstracts of the papers changed or added since (`_abstract_over`).
        """
        base = self._listed() if self._exact_index is not None else self
        new = copy.copy(base)
        new.ids = list(base.ids)
        new._records = records
        new._pos = dict(base._pos)
        new._titles = list(base._titles)
        new._extra = list(base._extra)
        new._abstracts = list(base._abstracts)
        new._abstract_over = dict(base._abstract_over)
        new._upvotes = list(base._upvotes)
        new._added = list(base._added)
        filled = new._fill(records, ids)
        if not filled:
            return self
        new._derive(base, filled)
        return new

    def _listed(self) -> SearchIndex:
        """This index of columns with its columns read into lists, as `_fill` needs
        them (once: the index `updated` makes is of lists)."""
        new = copy.copy(self)
        new._exact_index = None
        new._pos = {pid: i for i, pid in enumerate(self.ids)}
        new._titles = list(self._titles)
        by_title: dict[str, list[int]] = {}
        for i, title in enumerate(new._titles):
            by_title.setdefault(title, []).append(i)
        new._by_title = by_title
        return new

    def _fill(self, records: Records, ids: Iterable[str]) -> _Filled:
        """Add new papers and refresh changed ones; only while the index is being made."""
        filled = _Filled(first_new=len(self.ids))
        for pid in ids:
            record = records.get(pid)
            if record is None:
                continue
            title, extra, abstract, upvotes, added = _row(record)
            at = self._pos.get(pid)
            if at is None:
                self._pos[pid] = len(self.ids)
                if self._abstract_index is None:
                    self._abstracts.append(abstract)
                else:
                    self._abstract_over[len(self.ids)] = abstract
                self.ids.append(pid)
                self._titles.append(title)
                self._extra.append(extra)
                self._upvotes.append(upvotes)
                self._added.append(added)
                continue
            filled.retitled |= self._titles[at] != title
            filled.extra |= self._extra[at] != extra
            filled.upvotes |= self._upvotes[at] != upvotes
            if self._abstract_index is None:
                filled.other |= self._abstracts[at] != abstract
                self._abstracts[at] = abstract
            else:
                filled.other |= self._abstract_over.get(at) != abstract
                self._abstract_over[at] = abstract
            filled.other |= self._added[at] != added
            self._titles[at], self._extra[at] = title, extra
            self._upvotes[at], self._added[at] = upvotes, added
        filled.appended = len(self.ids) > filled.first_new
        return filled

    def _derive(self, previous: SearchIndex | None, filled: _Filled) -> None:
        """The parts made from the rows: the title vocabulary and its typo candidates,
        titles by text, the rows with tags or notes and their words, the upvotes."""
        new_titles = self._titles[filled.first_new :]
        if previous is None or filled.retitled:
            self._words = Vocabulary(self._titles)
            by_title: dict[str, list[int]] = {}
            for i, title in enumerate(self._titles):
                by_title.setdefault(title, []).append(i)
            self._by_title = by_title
        elif filled.appended:
            self._words = previous._words.extended(new_titles)
            self._by_title = dict(self._by_title)  # still its previous's (copy.copy)
            for i, title in enumerate(new_titles, filled.first_new):
                self._by_title[title] = [*self._by_title.get(title, ()), i]
        if previous is None or filled.extra or filled.appended:
            self._filled = [i for i, text in enumerate(self._extra) if text]
            texts = [self._extra[i] for i in self._filled]
            self._extra_words = Vocabulary(texts) if texts else None
        if previous is None or filled.upvotes or filled.appended:
            self._upvotes_array = np.asarray(self._upvotes, np.int64)
            self._upvotes_array.flags.writeable = False

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


@dataclass
class _Filled:
    """What filling rows changed, so that `_derive` rebuilds only what it must."""

    first_new: int = 0
    appended: bool = False
    retitled: bool = False
    extra: bool = False
    upvotes: bool = False
    other: bool = False

    def __bool__(self) -> bool:
        return self.appended or self.retitled or self.extra or self.upvotes or self.other


def _parsed(query: str | Query) -> Query:
    return parse(query) if isinstance(query, str) else query


def _row(record: Record) -> tuple[str, str, str, int, str]:
    """The search fields (`query.search_fields`, which the sidecar index stores too)
    and the abstract as search compares it."""
    title, extra, upvotes, added = search_fields(record)
    return title, extra, abstract_text(record), upvotes, added


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
