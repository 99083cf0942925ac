"""The library as a one-shot command reads it: papers in order (rows), derived columns,
and the documents only where a command prints them (readlist.viewprint prints them).

Over a store opened by its index (`LazyDocs`), a column comes from the sidecar for
the snapshot's papers and is derived (readlist.derive) for the papers the journal
changed; over a store loaded in full (a plain dict) every value is derived. The same
functions make both, so a command answers the same either way; only the time differs.
"""

from __future__ import annotations

import datetime as dt
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from readlist import derive
from readlist.citekeys import CiteKeys
from readlist.indexing import TEXT_COLUMNS, Texts
from readlist.lazydocs import LazyDocs
from readlist.selection import SORTS, Selection, select
from readlist.sidecar import Unusable
from readlist.viewcolumns import AbstractMatcher, Lazy, TextColumn

if TYPE_CHECKING:
    from readlist.dedup import DedupIndex
    from readlist.indexing import Base
    from readlist.search import SearchIndex
    from readlist.vocabulary import Vocabulary

Doc = dict[str, Any]
_BYTES = ("flags", "state")  # columns of a byte per paper, read in place


class View:
    """Papers are rows: their places in `ids`."""

    def __init__(self, docs: Mapping[str, Doc]) -> None:
        self._docs = docs
        self._rows: dict[str, derive.Row] = {}
        self._columns: dict[str, list[Any]] = {}
        self._facts_of: dict[str, tuple[int, str | None]] | None = None
        self._where: Mapping[str, int] | None = None
        self._texts: dict[str, TextColumn] = {}
        self.base: Base | None = None
        if isinstance(docs, LazyDocs) and docs.order is None:
            self.base = base = docs.base
            self._gone, self._over, self._extra = docs.gone, docs.over, docs.extra
            if self._gone:
                kept = [i for i, pid in enumerate(base.ids) if pid not in self._gone]
                self._base_rows: list[int] | None = kept
                self.ids = [base.ids[i] for i in kept]
            else:
                self._base_rows = None  # row i is the snapshot's paper i
                self.ids = list(base.ids)
            self._snapshot_rows = len(self.ids)
            self.ids += self._extra
            self._derived: Mapping[str, Doc] = {**self._over, **self._extra}
            self._unchanged = not (self._gone or self._over or self._extra)
        else:
            self.ids = list(docs)
            self._derived = docs

    def __len__(self) -> int:
        return len(self.ids)

    # Per paper ------------------------------------------------------------------------
    def base_row(self, row: int) -> int:
        """The snapshot's place of the paper at `row`, or -1 for a paper the journal
        changed or added (its values are derived from its document)."""
        if self.base is None or row >= self._snapshot_rows or self.ids[row] in self._over:
            return -1
        return row if self._base_rows is None else self._base_rows[row]

    def doc(self, row: int) -> Doc:
        """The document at `row`, read without keeping it (a command streams many)."""
        i = self.base_row(row)
        if i < 0:
            return self._derived[self.ids[row]]
        assert self.base is not None
        return self.base.doc(i)

    def row(self, pid: str) -> derive.Row:
        """Every derived value of a changed paper (the index holds the others')."""
        row = self._rows.get(pid)
        if row is None:
            row = self._rows[pid] = derive.row(pid, self._derived[pid])
        return row

    def where(self) -> Mapping[str, int]:
        """Row by id (not to be changed: it may be the snapshot's own, `Base.pos`)."""
        if self._where is None:
            if self.base is not None and self._base_rows is None:
                pos = self.base.pos  # built once per snapshot: every view shares it
                if not self._extra:
                    self._where = pos
                else:
                    self._where = {**pos, **{p: i for i, p in enumerate(self._extra, len(pos))}}
            else:
                self._where = {pid: i for i, pid in enumerate(self.ids)}
        return self._where

    def column(self, name: str) -> list[Any]:
        """A derived value (a field of derive.Row) for every paper, in order."""
        out = self._columns.get(name)
        if out is not None:
            return out
        if self.base is None:
            if name in ("flags", "line"):  # one Paper per document for both
                facts = self._facts()
                out = [facts[pid][name == "line"] for pid in self.ids]
            else:
                docs = self._docs
                out = [derive.values(name, pid, docs[pid]) for pid in self.ids]
        else:
            sidecar = self.base.sidecar
            try:
                if name in TEXT_COLUMNS:
                    texts = self.texts(name)
                    return texts if isinstance(texts, list) else texts.materialized()
                stored = sidecar.raw(name) if name in _BYTES else sidecar.json(name)
            except Unusable:
                self._fall_back()
                return self.column(name)
            out = self.patched(list(stored), name)
        self._columns[name] = out
        return out

    def texts(self, name: str) -> TextColumn | list[Any]:
        """A text column (indexing.TEXT_COLUMNS) read a row at a time; in full, the column."""
        if self.base is None:
            return self.column(name)
        column = self._texts.get(name)
        if column is None:
            try:
                column = self._texts[name] = TextColumn(self, Texts(self.base.sidecar, name), name)
            except Unusable:
                self._fall_back()
                return self.column(name)
        return column

    def lazy(self, name: str) -> Sequence[Any]:
        """A column read only when first used (the `added` of a search that ranks)."""
        if self.base is None:
            return self.column(name)
        return Lazy(len(self.ids), lambda: self.column(name))

    def exact_titles(self, text: str) -> list[int]:
        """The rows whose normalized title is `text`, by the index's title hashes."""
        import numpy as np

        titles = self.texts("title")
        if self.base is None:
            return [r for r, title in enumerate(titles) if title == text]
        try:
            hashes = self.base.sidecar.array("thash")
        except Unusable:
            self._fall_back()
            return self.exact_titles(text)
        base = np.flatnonzero(hashes == zlib.crc32(text.encode())).tolist()
        rows = {self._final(i) for i in base}
        rows |= {self.where()[pid] for pid in self._derived}
        return sorted(r for r in rows if r >= 0 and titles[r] == text)

    def _final(self, base_row: int) -> int:
        """The row of the snapshot's paper `base_row`, or -1 (removed or changed)."""
        assert self.base is not None
        pid = self.base.ids[base_row]
        if pid in self._gone or pid in self._over:
            return -1
        return base_row if self._base_rows is None else bisect_left(self._base_rows, base_row)

    def _fall_back(self) -> None:
        """A section of the index is torn or corrupt (its CRC says so): derive
        everything from the documents instead, read by the index's ranges, each
        checked against its own CRC. The rows stay as they were."""
        docs = {pid: self.doc(r) for r, pid in enumerate(self.ids)}
        self.__init__(docs)  # type: ignore[misc]

    def patched(self, stored: list[Any], name: str) -> list[Any]:
        """A column of the snapshot's papers with the journal's changes in."""
        if self._unchanged:
            return stored
        out = stored if self._base_rows is None else [stored[i] for i in self._base_rows]
        where = self.where() if self._over else {}
        for pid in self._over:
            out[where[pid]] = self._value(pid, name)
        out += [self._value(pid, name) for pid in self._extra]
        return out

    def snapshot_rows(self) -> Sequence[int]:
        """The snapshot's place of each of the first rows (the snapshot's papers not
        removed since), in row order; the rows after them are the papers added since."""
        assert self.base is not None
        return range(len(self.base.ids)) if self._base_rows is None else self._base_rows

    def changed_rows(self) -> list[int]:
        """The rows whose values are derived from their documents: the snapshot's
        papers changed since, then the papers added since."""
        where = self.where() if self._over else {}
        return [*(where[pid] for pid in self._over), *range(self._snapshot_rows, len(self.ids))]

    def _value(self, pid: str, name: str) -> Any:
        """A changed paper's value: of its row if made already, else alone (a column
        the first screen reads needs neither a Paper nor rapidfuzz)."""
        row = self._rows.get(pid)
        return (
            getattr(row, name) if row is not None else derive.values(name, pid, self._derived[pid])
        )

    def _facts(self) -> dict[str, tuple[int, str | None]]:
        """Flags and list line of every paper (in full: one Paper per document for both)."""
        if self._facts_of is None:
            docs = self._docs
            self._facts_of = {pid: derive.paper_facts(pid, docs[pid]) for pid in self.ids}
        return self._facts_of

    def light(self) -> Mapping[str, Doc]:
        """Every paper's light record (derive.LIGHT_FIELDS), by id in order: what views,
        filters, statistics and an import's checks read, read as asked for
        (readlist.lightrecords). In full: the documents."""
        if self.base is None:
            return self._docs
        from readlist.lightrecords import LightRecords

        return LightRecords(self, self._docs)

    def keys(self) -> Mapping[str, Mapping[str, Any]]:
        """Every paper's citation key and aliases (derive.keys), by id in order: what an
        export reads of every paper. In full: the documents."""
        if self.base is None:
            return self._docs
        column = self.column("keys")
        if self.base is None:  # fell back
            return self._docs
        return CiteKeys(self.ids, column, self.where())

    # Views ----------------------------------------------------------------------------
    def select(self, selection: Selection, by: str = "added") -> list[int]:
        """`selection.select` over the papers: the rows a view shows, in order."""
        if selection == Selection() and by in SORTS and by != "title":
            keys = self.column(by)  # text_of / int_of of the field, as sort_ids reads it
            return sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
        where = self.where()
        return [where[pid] for pid in select(self.light(), selection, by)]

    def readable(self, rows: Iterable[int]) -> tuple[list[int], dict[str, str]]:
        """The rows `Paper.from_doc` reads, and the ids of the others (as
        `Store.readable` splits them)."""
        flags = self.column("flags")
        good, bad = [], {}
        for r in rows:
            if flags[r] & derive.READABLE:
                good.append(r)
            else:
                bad[self.ids[r]] = "invalid data"
        return good, bad

    # Search ---------------------------------------------------------------------------
    def rank(self, query: str, limit: int | None, now: dt.datetime) -> list[int]:
        """`search.rank` over the papers (rows), by the index where there is one."""
        from readlist.query import parse

        parsed = parse(query)
        index = self.search_index(self.light() if parsed.filters else {})
        return index.search_rows(parsed, limit, now=now)

    def search_index(self, records: Mapping[str, Doc], *, typing: bool = False) -> SearchIndex:
        """The papers' search index: of the sidecar's columns and abstract postings
        where there is one (filters read `records`), else of the documents. `typing`:
        for search as you type (the typo candidates of titles cut once, now)."""
        from readlist.search import Columns, SearchIndex

        if self.base is not None:
            try:
                columns = Columns(
                    self.texts("title"),
                    self.column("extra"),
                    self.column("upvotes"),
                    self.lazy("added"),
                    self._title_words(typing),
                    AbstractMatcher(self).contains,
                    self.exact_titles,
                )
                return SearchIndex.of_columns(self.ids, columns, records)
            except Unusable:
                self._fall_back()
        if self.base is None:
            return SearchIndex(self._docs)
        return self.search_index(records, typing=typing)  # a column fell back on its own

    def _title_words(self, heads: bool = False) -> Vocabulary:
        """The titles' vocabulary: the sidecar's, with the changed papers' titles in."""
        import numpy as np

        from readlist.vocabulary import Vocabulary

        if self.base is None:
            raise Unusable("the view fell back to the documents")
        sidecar = self.base.sidecar
        words: list[str] = sidecar.json("tvocab")
        tokens = sidecar.array("ttokens")
        starts = sidecar.array("tstarts")
        if self._unchanged:
            return Vocabulary.from_arrays(words, tokens, starts, heads=heads)
        n = len(self.ids)
        lengths = np.diff(np.append(starts, len(tokens)))
        source = np.fromiter((self.base_row(r) for r in range(n)), np.int64, count=n)
        word_id = {w: i for i, w in enumerate(words)}
        words = list(words)
        fresh: dict[int, list[int]] = {}
        for at in np.flatnonzero(source < 0).tolist():
            ids = []
            for w in self.row(self.ids[at]).title.split() or [""]:
                if w not in word_id:
                    word_id[w] = len(words)
                    words.append(w)
                ids.append(word_id[w])
            fresh[at] = ids
        based = source >= 0
        sizes = np.zeros(n, np.int64)
        sizes[based] = lengths[source[based]]
        for at, ids in fresh.items():
            sizes[at] = len(ids)
        new_starts = np.zeros(n, np.int64)
        new_starts[1:] = np.cumsum(sizes)[:-1]
        owner = np.repeat(np.arange(n), sizes)
        offset = np.arange(len(owner)) - new_starts[owner]
        new_tokens = np.zeros(len(owner), np.int32)
        take = based[owner]
        new_tokens[take] = tokens[starts[source[owner[take]]] + offset[take]]
        for at, ids in fresh.items():
            new_tokens[new_starts[at] : new_starts[at] + len(ids)] = ids
        return Vocabulary.from_arrays(words, new_tokens, new_starts, heads=heads)

    # Imports ---------------------------------------------------------------------------
    def dedup_index(self) -> DedupIndex:
        """The duplicate check of an import, as `DedupIndex(store.identities())`."""
        from readlist.dedup import DedupIndex

        if self.base is None:
            return DedupIndex((p, d["title"], d.get("arxiv_id")) for p, d in self._docs.items())
        if not self.base.sidecar.has("arxiv"):  # an index written by an older readlist
            light, keys = self.column("light"), self.column("tkey")
            titles: list[str] | None = [r["title"] for r in light]
            arxiv_ids = [r.get("arxiv_id") for r in light]
        else:
            titles, arxiv_ids, keys = None, self.column("arxiv"), self.column("tkey")
        if self.base is None:  # fell back
            return self.dedup_index()
        return DedupIndex.of_columns(self.ids, titles, arxiv_ids, keys, self._title)

    def _title(self, pid: str) -> str:
        """The stored title of a paper, read from its document (a fuzzy candidate)."""
        title: str = self.doc(self.where()[pid])["title"]
        return title

    def key_records(self) -> Mapping[str, Doc]:
        """The papers that have a key or DOI field (derive.KEY_FIELDS), cut to those
        fields, by id in order: what an import's key checks read (citekeys.Keys)."""
        if self.base is None:
            return self._docs
        if not self.base.sidecar.has("keyed"):  # an index written by an older readlist
            return self.light()
        keyed = self.column("keyed")
        if self.base is None:  # fell back
            return self._docs
        return {pid: doc for pid, doc in zip(self.ids, keyed, strict=True) if doc is not None}


__all__ = ["View"]
