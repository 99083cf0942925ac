"""The session's search index, and what crosses to a worker thread to search it or to
build a new one. The rule these follow is stated once, in readlist.session ("Threads").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.query import Query

if TYPE_CHECKING:
    from readlist.search import SearchIndex
    from readlist.vocabulary import WordCache

Records = Mapping[str, Mapping[str, Any]]
Rows = Any  # a numpy array of bools, one per row of an index (numpy: not at start-up)


class LiveIndex:
    """The owning thread's index and word cache. It is built on first use, or comes
    back from a worker (`build`, `install`), and is replaced whole, never changed."""

    def __init__(self, records: Callable[[], Records], path: Path | None = None) -> None:
        self._records = records  # the owner's store's records, read on its thread
        # A store opened by its index reads documents on demand: a build then reads
        # the library at `path` in the worker, never the owner's documents.
        self._path = path
        self._index: SearchIndex | None = None
        self._words: WordCache | None = None  # what this thread's searches learned
        self._stale = False  # the store holds changes the index has not seen
        self._generation = 0  # how often it went stale: an older build is dropped
        self._since_build: set[str] = set()  # reindexed since the last build's snapshot
        self._kept: tuple[SearchIndex, Records, Rows] | None = None  # see `kept`

    @property
    def index(self) -> SearchIndex:
        """The index; before the first build came back, one built here and now."""
        if self._index is None:
            if self._path is not None:
                self._set(IndexBuild({}, self._generation, self._path).run())
            else:
                from readlist.search import SearchIndex  # numpy and rapidfuzz: not at start-up

                self._set(SearchIndex(self._records()))
        assert self._index is not None
        return self._index

    @property
    def ready(self) -> bool:
        """Whether an index is in place (stale or not)."""
        return self._index is not None

    @property
    def stale(self) -> bool:
        """True until an index that has seen every paper is in place."""
        return self._index is None or self._stale

    def went_stale(self) -> None:
        """Other writers changed papers it cannot name: a new index must be built."""
        self._stale = True
        self._generation += 1

    def build(self) -> IndexBuild:
        """What a worker needs to build a fresh index: a snapshot of the records."""
        self._since_build = set()
        if self._path is not None:
            return IndexBuild({}, self._generation, self._path)
        return IndexBuild(dict(self._records()), self._generation)

    def install(self, build: IndexBuild, index: SearchIndex) -> bool:
        """Swap in an index built from `build`, with what was reindexed meanwhile;
        False (and dropped) if the library went stale again since the snapshot."""
        if build.generation != self._generation:
            return False
        if self._since_build:
            index = index.updated(self._records(), self._since_build)
        self._set(index)
        self._stale = False
        return True

    def reindex(self, ids: Iterable[str]) -> None:
        """Swap in an index that knows these papers' new text (tags, notes, imports)."""
        ids = list(ids)
        self._since_build.update(ids)
        if self._index is not None and ids:
            new = self._index.updated(self._records(), ids)
            if new is not self._index:
                self._set(new)

    def request(
        self,
        query: Query,
        version: int,
        base: Sequence[str],
        records: Records,
        *,
        everything: bool,
        now: dt.datetime,
        abstracts: bool,
        own: bool,
    ) -> SearchRequest:
        """A search of the current index: `own` for this thread (it shares the word
        cache), else for a worker (it gets a copy, which `learn` takes back)."""
        index = self.index
        assert self._words is not None
        words = self._words if own else self._words.copy()
        kept = self.kept(index, records) if everything else None
        return SearchRequest(
            version, query, index, words, base, records, everything, now, abstracts, kept
        )

    def kept(self, index: SearchIndex, records: Records) -> Rows:
        """Which of the index's papers `records` holds (it may know papers removed since
        it was built), as a mask of its rows: worked out once for the same records
        (the store's are one object until they change), so that a keystroke pays for
        a lookup per paper it finds, not per paper there is."""
        import numpy as np

        if self._kept is not None and self._kept[0] is index and self._kept[1] is records:
            return self._kept[2]
        ids = index.ids
        if len(ids) == len(records) and list(records) == ids:  # the usual case: cheaper
            kept = np.ones(len(ids), bool)
        else:
            kept = np.fromiter(map(records.__contains__, ids), bool, count=len(ids))
        kept.flags.writeable = False
        self._kept = (index, records, kept)
        return kept

    def learn(self, request: SearchRequest) -> None:
        """Keep what a worker's search learned about its words, if the index is the same."""
        if self._words is not None:
            self._words.merge(request.cache)

    def _set(self, index: SearchIndex) -> None:
        from readlist.vocabulary import WordCache

        self._index = index
        self._words = WordCache(index)
        self._kept = None


@dataclass(frozen=True)
class SearchRequest:
    """One search, frozen on the owning thread, so that a worker runs it without
    touching the session. `version` is the session's when it was asked."""

    version: int
    query: Query
    index: SearchIndex
    cache: WordCache  # a worker's own copy, handed back with the answer
    base: Sequence[str]  # the view's ids, in order
    records: Records  # what filters read (for a worker, a snapshot; {} if no filter)
    everything: bool  # the view is every paper of `records` (the owner's own search)
    now: dt.datetime
    abstracts: bool = True
    kept: Rows | None = None  # which of the index's rows `records` holds, if everything

    def run(self) -> list[str]:
        """The view's papers the query finds, best first; with filters only, in the
        view's order. The index may know papers removed since: they are left out."""
        rows = self.index.found(
            self.query,
            abstracts=self.abstracts,
            records=self.records,
            now=self.now,
            cache=self.cache,
        )
        ids = self.index.ids
        if self.kept is not None and self.query.ranks:
            return list(map(ids.__getitem__, rows[self.kept[rows]].tolist()))
        found = list(map(ids.__getitem__, rows.tolist()))
        if not self.query.ranks:
            hits = set(found)
            return [i for i in self.base if i in hits]
        shown: Container[str] = self.records if self.everything else set(self.base)
        return [i for i in found if i in shown]


@dataclass(frozen=True)
class IndexBuild:
    """A snapshot of the records to build an index from, off the owning thread."""

    records: Records
    generation: int
    path: Path | None = None  # read the library here instead (in the worker)

    def run(self) -> SearchIndex:
        from readlist.search import SearchIndex

        if self.path is None:
            return SearchIndex(self.records)
        from readlist.store import Store

        # By the sidecar where it is usable: its columns and abstract postings, no
        # document read and no copy of every abstract kept (readlist.view).
        with Store(self.path, create=False, indexed=True) as store:
            return store.view().search_index({}, typing=True)
