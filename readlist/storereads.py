"""Reading the library: papers by id, ids from what a user types, and the views
(light records, keys, the duplicate index) that commands read without reading every
paper when the store was opened by its index. `Store` (readlist.store) adds opening,
writing and compaction; this part never writes.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, MutableMapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from readlist.errors import InvalidPaper, LibraryError, NotFoundError
from readlist.fileformat import gc_paused
from readlist.journalread import PAPERS
from readlist.model import Paper, paper_id_for

if TYPE_CHECKING:
    from readlist.dedup import DedupIndex
    from readlist.journal import JournalStorage
    from readlist.view import View


class StoreReads:
    """The reading half of `Store`: what it reads of the storage it opened."""

    _storage: JournalStorage
    _cache: dict[str, Paper]  # Paper by id, as read; a write replaces its papers
    _light: tuple[tuple[int, int], Mapping[str, Mapping[str, Any]]] | None
    catch_ups: int
    _commits: int

    @property
    def by_index(self) -> bool:
        """Whether the papers are read by the sidecar index, as asked for (LazyDocs)."""
        return self._storage.by_index

    # Reading -----------------------------------------------------------------------
    def _raw(self) -> MutableMapping[str, dict[str, Any]]:
        return self._storage.data[PAPERS]

    def view(self) -> View:
        """The papers as one-shot commands read them: by the index where the store was
        opened by it, else from memory (readlist.view)."""
        from readlist.view import View

        return View(self._raw())

    def __len__(self) -> int:
        return len(self._raw())

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._raw()

    def records(self) -> Mapping[str, Mapping[str, Any]]:
        """Read-only view of the stored records by id: cheap access for views and search."""
        return MappingProxyType(self._raw())

    def papers(self) -> list[Paper]:
        """Every paper, in insertion order."""
        cache = self._cache
        out = []
        with gc_paused():
            for pid, doc in self._raw().items():
                paper = cache.get(pid)
                if paper is None:
                    paper = cache[pid] = self._paper(pid, doc)
                out.append(paper)
        return out

    def light(self) -> Mapping[str, Mapping[str, Any]]:
        """Every paper's light record (readlist.derive.LIGHT_FIELDS), or more: what
        views, filters, counts and auto-exports read, without reading
        every paper by the index. Loaded in full: `records()` itself."""
        if not self.by_index:
            return self.records()
        key = (self.catch_ups, self._commits)
        if self._light is None or self._light[0] != key:
            self._light = (key, MappingProxyType(self.view().light()))
        return self._light[1]

    def key_records(self) -> Mapping[str, Mapping[str, Any]]:
        """Every paper that has a key or DOI field (readlist.derive.KEY_FIELDS), with at
        least those: what an import's key and DOI checks read, without reading every
        paper by the index."""
        return self.view().key_records()

    def cite_keys(self) -> Mapping[str, Mapping[str, Any]]:
        """Every paper's `bibkey` and `bibkey_aliases` as stored, or more (readlist.derive.keys):
        what an export reads of every paper, without reading every paper by the index."""
        return self.view().keys()

    def dedup_index(self) -> DedupIndex:
        """An import's duplicate check over every paper (from the index's title keys
        where the store was opened by it)."""
        return self.view().dedup_index()

    def snapshot_ident(self) -> tuple[int, int, int] | None:
        """`libfiles.ident` of the snapshot the papers in memory were read from: the
        papers as read then are that snapshot's with journal lines on top."""
        return self._storage.snapshot_ident

    def changed_since_snapshot(self) -> set[str] | None:
        """The ids the journal (or this store) changed, added or removed since the
        snapshot (`snapshot_ident`), where the store was opened by its index; None
        where it was loaded whole (not known without comparing every paper)."""
        from readlist.lazydocs import LazyDocs

        raw = self._raw()
        if not isinstance(raw, LazyDocs):
            return None
        return set(raw.over) | set(raw.extra) | raw.gone

    def identities(self) -> Iterator[tuple[str, str, str | None]]:
        """(id, title, arXiv id) of every paper, without building Paper objects."""
        for pid, doc in self._raw().items():
            yield pid, doc["title"], doc.get("arxiv_id")

    def get(self, paper_id: str) -> Paper:
        paper = self._cache.get(paper_id)
        if paper is None:
            doc = self._raw().get(paper_id)
            if doc is None:
                raise NotFoundError(f"no paper with id {paper_id}")
            paper = self._cache[paper_id] = self._paper(paper_id, doc)
        return paper

    def holds(self, paper: Paper) -> bool:
        """True when `paper` is what `get` returns for its id right now: the paper as
        stored (a render cache may key its entry on the stored record)."""
        return self._cache.get(paper.id) is paper

    def _paper(self, pid: str, doc: dict[str, Any]) -> Paper:
        try:
            return Paper.from_doc(pid, doc)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            from readlist import schema

            why = schema.problem(doc) or f"{type(exc).__name__}: {exc}"
            raise InvalidPaper(pid, why) from None

    def problems(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Papers (all, or of `ids`) whose stored data is not of the stored shape (a
        library edited by hand, or by an older readlist), with what is wrong: what
        `readlist check` lists, and what export leaves out."""
        from readlist import schema

        raw = self._raw()
        return schema.problems(raw, raw if ids is None else ids)

    def readable(self, ids: Iterable[str]) -> tuple[list[Paper], dict[str, str]]:
        """The papers of `ids` that can be read, and why the others cannot: listing
        commands show the rest and name these."""
        papers, bad = [], {}
        for pid in ids:
            try:
                papers.append(self.get(pid))
            except InvalidPaper as exc:
                bad[pid] = exc.problem
        return papers, bad

    def resolve(self, ref: str) -> str:
        """An id from a full id or a unique prefix of at least four characters."""
        ref = ref.strip().lower()
        if ref in self._raw():
            return ref
        if len(ref) >= 4:
            hits = [pid for pid in self._raw() if pid.startswith(ref)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise NotFoundError(f"id prefix {ref} is ambiguous ({len(hits)} papers)")
        if not ref:
            raise NotFoundError("no paper has an empty id")
        if len(ref) < 4:
            raise NotFoundError(
                f"no paper with id {ref} (an id prefix needs at least 4 characters)"
            )
        trashed = self._trashed(ref)
        if trashed is not None:
            raise NotFoundError(
                f"no paper with id {trashed}: it was deleted "
                f"(readlist restore {trashed} brings it back)"
            )
        raise NotFoundError(f"no paper with id {ref}")

    def _trashed(self, ref: str) -> str | None:
        """The one deleted paper (in the trash: readlist.deleted) that `ref` names, so
        that "no paper" says where it went; None for none or several."""
        table = self._storage.data.get("deleted")
        if not isinstance(table, dict):
            return None
        hits = [
            pid
            for pid, record in table.items()
            if pid.startswith(ref) and isinstance(record, dict) and "paper" in record
        ]
        return hits[0] if len(hits) == 1 and hits[0] not in self._raw() else None

    def new_id(self, key: str, taken: Container[str] = ()) -> str:
        """A short id for a new title key, lengthened only on a collision."""
        raw = self._raw()
        for length in range(7, 41):
            pid = paper_id_for(key, length)
            if pid not in raw and pid not in taken:
                return pid
        raise LibraryError("cannot allocate an id")  # pragma: no cover - sha1 is 40 chars
