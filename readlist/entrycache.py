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

import hashlib
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

import orjson

from readlist.citekeys import key_clashes, valid_key
from readlist.exporters import EntryWise, Options
from readlist.indexing import HASH
from readlist.model import Paper
from readlist.rendercache import Item, Shelf
from readlist.sidecar import Unusable
from readlist.store import Store

Texts = dict[bytes, bytes]  # entry digest -> its UTF-8 text and the separator after it
FEW = 32  # entries not in memory that are rendered again rather than read from disk


def doc_hash(doc: Mapping[str, Any]) -> bytes | None:
    """The document's hash, as the sidecar keeps it (indexing.Layout): of the bytes its
    line in the snapshot holds. None for a document that cannot be written as JSON."""
    try:
        return hashlib.blake2b(orjson.dumps(doc), digest_size=HASH).digest()
    except (orjson.JSONEncodeError, TypeError):
        return None


def entry_digest(doc: bytes, pid: str, key: str | None) -> bytes:
    """What finds an entry: the document's hash, the paper's id, and the key it is
    written under when that is not its stored key (None)."""
    return hashlib.blake2b(doc + orjson.dumps([pid, key]), digest_size=16).digest()


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
            digests.append(entry_digest(h, pid, None))
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
        for _ in range(2):
            keys = store.cite_keys()
            hashes = self._doc_hashes(store, ids)
            digests, hits = self._known(opts, shelf, ids, hashes)
            bad = _problems(store, ids, keys, hits)
            keyless = [
                pid for pid in ids if needs_keys and pid not in bad and not keys[pid].get("bibkey")
            ]
            if not keyless or give_keys is None:
                break
            give_keys(store, store.readable(keyless)[0])
        job = _Job(exporter, options, shelf, self._texts.setdefault(opts, {}))
        wanted, known = job.wanted(ids, cited or {}, keys, (hashes, digests, hits), bad)
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
        ids: Sequence[str],
        hashes: Sequence[bytes | None],
    ) -> tuple[list[bytes | None], dict[str, Item]]:
        """Each paper's entry digest under its stored key, and the entries found: the
        papers whose document was rendered before, so valid. A few entries not in
        memory are rendered again rather than read from disk (reading costs more)."""
        texts = self._texts.get(opts, {})
        digests: list[bytes | None] = []
        if self._keep:  # kept for the next export
            memo = self._digests
            for pid, h in zip(ids, hashes, strict=True):
                if h is None:
                    digests.append(None)
                    continue
                d = memo.get((h, pid))
                if d is None:
                    d = entry_digest(h, pid, None)
                    memo[h, pid] = d
                digests.append(d)
        else:  # a command that exits: each digest is made once
            digests = [
                None if h is None else entry_digest(h, pid, None)
                for pid, h in zip(ids, hashes, strict=True)
            ]
        hits: dict[str, Item] = {}
        misses = []
        if texts:
            for pid, d in zip(ids, digests, strict=True):
                if d is None:
                    continue
                text = texts.get(d)
                if text is None:
                    misses.append((pid, d))
                else:
                    hits[pid] = text
        else:  # nothing in memory (a command that exits): every entry is looked up on disk
            misses = [(pid, d) for pid, d in zip(ids, digests, strict=True) if d is not None]
        if shelf is not None and len(misses) > FEW:
            at = shelf.locate([d for _, d in misses])
            found = [(pid, a) for (pid, _), a in zip(misses, at, strict=True) if a is not None]
            hits.update(found)
            self.found += len(found)
        return digests, hits

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
        rendered = job.exporter.render_entries(todo, job.options) if todo else []
        for n, entry in zip(missing, rendered, strict=True):  # none: the renderer never loads
            found[n] = entry.encode("utf-8") + sep
        self.rendered += len(todo)
        return [t for t in found if t is not None], bad

    def _doc_hashes(self, store: Store, ids: Sequence[str]) -> list[bytes | None]:
        """Each paper's document hash: the sidecar's for the snapshot's papers where the
        store was opened by it, else hashed here (and kept with the record it is of)."""
        view = store.view()
        if view.base is not None:
            try:  # one copy of the column: slices of bytes are the hashes themselves
                raw: bytes | None = view.base.sidecar.raw("hash").tobytes()
            except Unusable:
                raw = None
            where = view.where()
            snap = view.snapshot_rows()  # row -> the snapshot's row, for the first rows
            derived = set(view.changed_rows())  # rows hashed from their documents
            out: list[bytes | None] = []
            add = out.append
            for pid in ids:
                r = where[pid]
                if raw is None or r in derived:
                    add(doc_hash(view.doc(r)))
                else:
                    i = snap[r] * HASH
                    add(raw[i : i + HASH])
            return out
        records = store.records()
        kept = self._hashes
        out = []
        for pid in ids:
            record = records[pid]
            had = kept.get(pid)
            if had is None or had[0] is not record:
                had = kept[pid] = (record, doc_hash(record))
            out.append(had[1])
        return out


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
        known: tuple[Sequence[bytes | None], Sequence[bytes | None], Mapping[str, Item]],
        bad: Mapping[str, str],
    ) -> tuple[list[tuple[str, str | None, bytes | None]], list[Item | None]]:
        """The entries (id, key when not its stored one, digest), as `exporting.prepare`
        makes them, and each one's text or place where it is known."""
        hashes, digests, hits = known
        needs_keys = self.needs_keys
        wanted: list[tuple[str, str | None, bytes | None]] = []
        found: list[Item | None] = []
        for pid, h, d in zip(ids, hashes, digests, strict=True):
            if pid in bad:
                continue
            if not needs_keys or pid not in cited:  # the stored key: valid (schema.Key)
                wanted.append((pid, None, d))  # the usual: once, under its own key
                found.append(hits.get(pid))
                continue
            stored = keys[pid].get("bibkey")
            cited_keys: Sequence[str | None] = cited.get(pid) or [stored]
            for k in cited_keys:
                if k is not None and not valid_key(k):
                    continue
                if k == stored:
                    wanted.append((pid, None, d))
                    found.append(hits.get(pid))
                    continue
                dk = None if h is None else entry_digest(h, pid, k)
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
    known: Container[str],
) -> dict[str, str]:
    """`store.problems(ids)`, reading the documents of the papers not `known` only.
    When every one is known (a warm cache) only keys can clash, which msgspec, the
    schema's checker, is not needed for (10 ms of an export's start)."""
    if all(pid in known for pid in ids):
        wanted = set(ids)
        return {pid: why for pid, why in key_clashes(keys.items()).items() if pid in wanted}
    from readlist import schema

    return schema.problems(store.records(), ids, keys=keys, valid=known)
