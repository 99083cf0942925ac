"""Rendered entries kept between exports: an export renders only the papers that
changed since the last one and joins the rest (rendering is most of an export).

An entry is found by a digest of everything its text depends on: the paper's stored
document (BLAKE2b of its bytes, the hash the sidecar index keeps for every paper of
the snapshot, readlist/indexing.py), its id, and the key it is written under; the
format options and the build of readlist pick the shelf it is on
(readlist/rendercache.py). Entries are kept in memory for the life of an `EntryCache`
(the TUI keeps one) and on disk beside the library for every process.

Whether a paper may be exported at all (its document valid, its key its own) is
decided as `exporting.exportable` decides it: a document already rendered is valid
(validity is a function of the document alone), key clashes are found among every
paper's keys each time, and every other paper is checked in full. Only for formats
that are their entries joined (`exporters.EntryWise`); the bytes are those of
rendering the papers afresh (tests/core/test_entry_cache.py, test_render_cache.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from readlist import entrydigest
from readlist.citekeys import all_keyed, clashes, valid_key
from readlist.entrydigest import DIGEST, HASH, doc_hash
from readlist.exporters import EntryWise, Options
from readlist.model import Paper
from readlist.rendercache import Item, Shelf
from readlist.sidecar import Unusable
from readlist.spread import spread
from readlist.store import Store

if TYPE_CHECKING:
    from readlist.view import View

Texts = dict[bytes, bytes]  # entry digest -> its UTF-8 text and the separator after it
FEW = 32  # entries not in memory that are rendered again rather than read from disk


Parts = list[bytes | memoryview]  # an export's bytes, in pieces to write one by one


class EntryCache:
    """Entries by format options, then by digest. One per open store and thread.

    `keep`: hold every entry used in memory for the next export (a long-running
    process); else only what the disk holds is reused (a command that exits).
    `persist`: read and write the entries on disk (readlist.rendercache)."""

    def __init__(self, *, keep: bool = True, persist: bool = True) -> None:
        self._keep = keep
        self._persist = persist
        self._texts: dict[tuple[str, bool, str], Texts] = {}
        self._hashes: dict[str, tuple[Mapping[str, Any], bytes | None]] = {}
        self._digests: dict[tuple[bytes, str], bytes] = {}  # (hash, id) -> entry digest
        self.rendered = 0  # entries rendered, not found (for tests)
        self.found = 0  # entries found on disk (for tests)
        # What each auto-export last wrote (readlist.entrydelta.Last, by export), where
        # entries are kept: the next update follows the changes since.
        self.exports: dict[object, object] = {}

    @property
    def keeps(self) -> bool:
        """Whether it keeps entries in memory for the next export (a long-running process)."""
        return self._keep

    def entries(
        self, store: Store, exporter: EntryWise, options: Options, ids: Sequence[str]
    ) -> list[tuple[bytes, bytes | memoryview]] | None:
        """Each paper's entry digest and text (the separator excluded) under its stored
        key, rendered only where memory lacks it: a few papers, without the rest of an
        export; None when one cannot be read (the full export says why)."""
        opts = (options.format, options.unicode, options.versions)
        texts = self._texts.setdefault(opts, {})
        records = store.records()
        digests = []
        for pid in ids:
            h = doc_hash(records[pid])
            if h is None:
                return None
            digests.append(entrydigest.entry_digest(h, pid, None))
        missing = [n for n, d in enumerate(digests) if d not in texts]
        papers, bad = store.readable(ids[n] for n in missing)
        if bad:
            return None
        sep = exporter.separator.encode("utf-8")
        for n, entry in zip(missing, exporter.render_entries(papers, options), strict=True):
            texts[digests[n]] = entry.encode("utf-8") + sep
        self.rendered += len(missing)
        cut = len(sep)
        return [
            (d, memoryview(texts[d])[: len(texts[d]) - cut] if cut else texts[d]) for d in digests
        ]

    def render(
        self,
        store: Store,
        exporter: EntryWise,
        options: Options,
        ids: Sequence[str],
        cited: Mapping[str, Sequence[str]] | None = None,
        *,
        head: bytes = b"",
        give_keys: Callable[[Store, list[Paper]], object] | None = None,
        entries: list[tuple[bytes | None, bytes | memoryview]] | None = None,
    ) -> tuple[Parts, int, dict[str, str]]:
        """`head` and the UTF-8 bytes of `export_ids(store, ids, options, cited)`'s text
        (in pieces), the number of entries in it, and the papers left out as invalid
        (as `exportable`). Papers without a key get one first, when the format cites
        by key: `give_keys` (exporting.ensure_keys) gives and stores them. `entries`,
        when given, gets each entry's digest and text (without the separator), in
        order (readlist.exportfile rewrites only the changed ones)."""
        ids = list(dict.fromkeys(ids))
        needs_keys = bool(getattr(exporter, "needs_keys", True))
        opts = (options.format, options.unicode, options.versions)
        shelf = Shelf(store.render_dir, opts) if self._persist else None
        while True:  # once, but again where a pack found torn is dropped
            for _ in range(2):
                keys = store.cite_keys()
                digests, hash_of = self._keyed(store, ids)
                hits = self._known(opts, shelf, digests)
                bad = _problems(store, ids, keys, hits)
                keyless = (
                    []
                    if not needs_keys or all_keyed(keys)
                    else [pid for pid in ids if pid not in bad and not keys[pid].get("bibkey")]
                )
                if not keyless or give_keys is None:
                    break
                give_keys(store, store.readable(keyless)[0])
            job = _Job(exporter, options, shelf, self._texts.setdefault(opts, {}))
            wanted, known = job.wanted(ids, cited or {}, keys, (hash_of, digests, hits), bad)
            if shelf is None or shelf.verified():
                break
        found, bad = self._render_missing(store, job, wanted, known, bad)
        parts = job.parts(found, head)
        if entries is not None:
            cut = len(job.sep)
            for w, t in zip(wanted, found, strict=True):
                text = job.text(t)
                entries.append((w[2], memoryview(text)[: len(text) - cut] if cut else text))
        used = [(w[2], t) for w, t in zip(wanted, found, strict=True) if w[2] is not None]
        fresh = [(d, t) for d, t in used if isinstance(t, bytes) and d not in job.texts]
        if shelf is not None:
            shelf.save(used, fresh, keep=2 * len(store) + 1000)
        if self._keep:  # what memory lacks: the entries rendered or read from disk now
            job.texts.update(
                (d, t if isinstance(t, bytes) else bytes(job.text(t)))
                for d, t in used
                if d not in job.texts
            )
            if len(job.texts) > 2 * len(used) + 1000:  # papers removed, or out of every export
                self._texts[opts] = {d: bytes(job.text(t)) for d, t in used}
        if len(self._hashes) > 2 * len(store) + 1000:
            self._hashes.clear()
        if len(self._digests) > 2 * len(store) + 1000:
            self._digests.clear()
        return parts, len(wanted), bad

    def _known(
        self,
        opts: tuple[str, bool, str],
        shelf: Shelf | None,
        digests: Sequence[bytes | None],
    ) -> list[Item | None]:
        """Each entry found (in memory or on disk), or None, for these entry digests: a
        paper whose entry is found was rendered before, so is valid. A few entries not
        in memory are rendered again rather than read from disk (reading costs more)."""
        texts = self._texts.get(opts, {})
        found: list[Item | None] = [None if d is None else texts.get(d) for d in digests]
        misses = [n for n, (d, f) in enumerate(zip(digests, found, strict=True)) if f is None]
        if shelf is not None and len(misses) > FEW:
            if len(misses) == len(digests) and None not in digests:  # nothing in memory
                at = shelf.locate(cast("Sequence[bytes]", digests))
                self.found += len(at) - at.count(None)
                return list(at)
            sought = [n for n in misses if digests[n] is not None]
            at = shelf.locate([cast(bytes, digests[n]) for n in sought])
            for n, a in zip(sought, at, strict=True):
                if a is not None:
                    found[n] = a
                    self.found += 1
        return found

    def _render_missing(
        self,
        store: Store,
        job: _Job,
        wanted: list[tuple[str, str | None, bytes | None]],
        found: list[Item | None],
        bad: dict[str, str],
    ) -> tuple[list[Item], dict[str, str]]:
        """Render the entries not found (papers that cannot be read are left out, as
        `exportable` leaves them out)."""
        missing = [n for n, text in enumerate(found) if text is None]
        papers, unreadable = store.readable(dict.fromkeys(wanted[n][0] for n in missing))
        by_id = {p.id: p for p in papers}
        if unreadable:
            bad = bad | unreadable
            keep = [n for n in range(len(wanted)) if wanted[n][0] not in unreadable]
            wanted[:] = [wanted[n] for n in keep]
            found = [found[n] for n in keep]
            missing = [n for n, text in enumerate(found) if text is None]
        todo = []
        for n in missing:
            pid, key, _ = wanted[n]
            paper = by_id[pid]
            todo.append(paper if key is None else paper.replace(bibkey=key))
        sep = job.sep
        rendered = (  # none: the renderer never loads
            spread(lambda part: job.exporter.render_entries(part, job.options), todo)
            if todo
            else []
        )
        for n, entry in zip(missing, rendered, strict=True):  # none: the renderer never loads
            found[n] = entry.encode("utf-8") + sep
        self.rendered += len(todo)
        return [t for t in found if t is not None], bad

    def _keyed(
        self, store: Store, ids: Sequence[str]
    ) -> tuple[list[bytes | None], Callable[[int], bytes | None]]:
        """Each paper's entry digest under its stored key (None for a document that
        cannot be hashed), and the document hash of the n-th (for an entry under
        another key, a citation's): the sidecar's for the snapshot's papers where the
        store was opened by it, else made here (and kept with the record they are of)."""
        view = store.view()
        if view.base is not None:
            try:  # one copy of each column: slices of bytes are the digests themselves
                hashes = view.base.sidecar.raw("hash").tobytes()
                entries = view.base.sidecar.raw("entry").tobytes()
            except Unusable:
                pass
            else:
                return self._by_index(view, ids, hashes, entries)
        records = store.records()
        kept = self._hashes
        made: list[bytes | None] = []
        for pid in ids:
            record = records[pid]
            had = kept.get(pid)
            if had is None or had[0] is not record:
                had = kept[pid] = (record, doc_hash(record))
            made.append(had[1])
        digest = entrydigest.entry_digest
        out: list[bytes | None] = []
        if self._keep:  # kept for the next export
            memo = self._digests
            for pid, h in zip(ids, made, strict=True):
                d = None
                if h is not None:
                    d = memo.get((h, pid))
                    if d is None:
                        d = memo[h, pid] = digest(h, pid, None)
                out.append(d)
        else:  # a command that exits: each digest is made once
            out = [
                None if h is None else digest(h, pid, None)
                for pid, h in zip(ids, made, strict=True)
            ]
        return out, made.__getitem__

    @staticmethod
    def _by_index(
        view: View, ids: Sequence[str], hashes: bytes, entries: bytes
    ) -> tuple[list[bytes | None], Callable[[int], bytes | None]]:
        """`_keyed` from the sidecar's columns: only the papers changed since the
        snapshot are hashed here. An export of every paper in the library's order (no
        paper of the snapshot removed since) is one slice per paper."""
        snap = view.snapshot_rows()  # row -> the snapshot's row, for the first rows
        made: dict[int, bytes | None] = {}  # rows hashed from their documents
        for r in view.changed_rows():
            made[r] = doc_hash(view.doc(r))
        digest = entrydigest.entry_digest
        aligned = isinstance(snap, range) and ids == view.ids  # row n is ids[n]: the usual
        where = {} if aligned else view.where()
        if aligned:
            out: list[bytes | None] = [
                entries[i : i + DIGEST] for i in range(0, len(snap) * DIGEST, DIGEST)
            ]
            out += [None] * (len(ids) - len(out))  # the papers added since: all in `made`
            for r, h in made.items():
                out[r] = None if h is None else digest(h, ids[r], None)
        else:
            out = []
            add = out.append
            for pid in ids:
                r = where[pid]
                if r in made:
                    h = made[r]
                    add(None if h is None else digest(h, pid, None))
                else:
                    i = snap[r] * DIGEST
                    add(entries[i : i + DIGEST])

        def hash_of(n: int) -> bytes | None:
            r = n if aligned else where[ids[n]]
            if r in made:
                return made[r]
            i = snap[r] * HASH
            return hashes[i : i + HASH]

        return out, hash_of


class _Job:
    """One export's entries: which ones, where each is, and the pieces they make."""

    def __init__(
        self, exporter: EntryWise, options: Options, shelf: Shelf | None, texts: Texts
    ) -> None:
        self.exporter = exporter
        self.options = options
        self.shelf = shelf
        self.texts = texts
        self.sep = exporter.separator.encode("utf-8")
        self.needs_keys = bool(getattr(exporter, "needs_keys", True))

    def wanted(
        self,
        ids: Sequence[str],
        cited: Mapping[str, Sequence[str]],
        keys: Mapping[str, Mapping[str, Any]],
        known: tuple[Callable[[int], bytes | None], Sequence[bytes | None], Sequence[Item | None]],
        bad: Mapping[str, str],
    ) -> tuple[list[tuple[str, str | None, bytes | None]], list[Item | None]]:
        """The entries (id, key when not its stored one, digest), as `exporting.prepare`
        makes them, and each one's text or place where it is known."""
        hash_of, digests, hits = known
        needs_keys = self.needs_keys
        wanted: list[tuple[str, str | None, bytes | None]] = []
        found: list[Item | None] = []
        for n, (pid, d, hit) in enumerate(zip(ids, digests, hits, strict=True)):
            if pid in bad:
                continue
            if not needs_keys or pid not in cited:  # the stored key: valid (schema.Key)
                wanted.append((pid, None, d))  # the usual: once, under its own key
                found.append(hit)
                continue
            stored = keys[pid].get("bibkey")
            cited_keys: Sequence[str | None] = cited.get(pid) or [stored]
            for k in cited_keys:
                if k is not None and not valid_key(k):
                    continue
                if k == stored:
                    wanted.append((pid, None, d))
                    found.append(hit)
                    continue
                h = hash_of(n)
                dk = None if h is None else entrydigest.entry_digest(h, pid, k)
                wanted.append((pid, k, dk))
                found.append(self._lookup(dk))
        return wanted, found

    def _lookup(self, digest: bytes | None) -> Item | None:
        if digest is None:
            return None
        text: Item | None = self.texts.get(digest)
        if text is None and self.shelf is not None:
            text = self.shelf.locate([digest])[0]
        return text

    def text(self, item: Item) -> bytes | memoryview:
        if isinstance(item, tuple):
            assert self.shelf is not None
            return self.shelf.text(item)
        return item

    def parts(self, found: Sequence[Item], head: bytes) -> Parts:
        """`head`, then the entries, each followed by the separator but the last: a run
        of entries that lie one after another in a pack is one piece."""
        out: Parts = [head] if head else []
        run: tuple[int, int, int] | None = None  # pack, first entry, end
        shelf = self.shelf
        for item in found:
            if isinstance(item, tuple):
                n, i = item
                if run is not None and run[0] == n and run[2] == i:
                    run = (n, run[1], i + 1)
                    continue
                if run is not None:
                    assert shelf is not None
                    out.append(shelf.span(*run))
                run = (n, i, i + 1)
            else:
                if run is not None:
                    assert shelf is not None
                    out.append(shelf.span(*run))
                    run = None
                out.append(item)
        if run is not None:
            assert shelf is not None
            out.append(shelf.span(*run))
        if found and self.sep:
            out[-1] = memoryview(out[-1])[: -len(self.sep)]
        return out


def _problems(
    store: Store,
    ids: Sequence[str],
    keys: Mapping[str, Mapping[str, Any]],
    found: Sequence[Item | None],
) -> dict[str, str]:
    """`store.problems(ids)`, reading the documents only of the papers whose entry was
    not `found` (each aligned with `ids`). When every one is found (a warm cache) only
    keys can clash, which msgspec, the schema's checker, is not needed for (10 ms of
    an export's start)."""
    if None not in found:
        clashing = clashes(keys)
        if not clashing:
            return {}
        wanted = set(ids)
        return {pid: why for pid, why in clashing.items() if pid in wanted}
    from readlist import schema

    known = {pid for pid, f in zip(ids, found, strict=True) if f is not None}
    return schema.problems(store.records(), ids, keys=keys, valid=known)
