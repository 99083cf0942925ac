"""The rows a search index (readlist.search) reads, one per paper: its search fields
(normalized title, tags and notes; abstract; upvotes; when added), the title
vocabulary made of them, and how they are made (from the records, or from columns
computed before: the sidecar index's) and updated into a new index when papers change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np

from readlist.query import abstract_text, search_fields
from readlist.selection import Record, Records
from readlist.vocabulary import Scores, Vocabulary


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


# The fields a row is made of (see _row): a change to any other field needs no reindex.
INDEXED = frozenset({"title", "tags", "notes", "abstract", "upvotes", "added"})


class SearchRows:
    """The rows of a `SearchIndex`: row i is paper `ids[i]`."""

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
    def of_columns(cls, ids: list[str], columns: Columns, records: Records) -> Self:
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

    def updated(self, records: Records, ids: Iterable[str]) -> Self:
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

    def _listed(self) -> Self:
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

    def _derive(self, previous: SearchRows | None, filled: _Filled) -> None:
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


def _row(record: Record) -> tuple[str, str, str, int, str]:
    """The search fields (`query.search_fields`, which the sidecar index stores too)
    and the abstract as search compares it."""
    title, extra, upvotes, added = search_fields(record)
    return title, extra, abstract_text(record), upvotes, added
