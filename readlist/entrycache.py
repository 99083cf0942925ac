"""Rendered entries kept between exports from one open library: after one change, an
auto-export renders one entry and joins the rest (rendering is most of an export).

An entry is kept with the stored record it was rendered from, and reused only while
the store holds an equal record (the store replaces a record on every change, never
edits it in place, so the first test is identity). The papers the store does not
hold, or holds invalid, are never kept: they go the full way every time. Only for
formats that are their entries joined (`exporters.EntryWise`); the text is the same
as rendering the papers afresh (tests/core/test_entry_cache.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from readlist.exporters import EntryWise, Options
from readlist.exporting import exportable
from readlist.store import Store

Kept = dict[str, tuple[Mapping[str, Any], str]]  # id -> (record, its entry)


class EntryCache:
    """Entries by format options, then by paper id. One per open store and thread."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, bool, str], Kept] = {}
        self.rendered = 0  # entries rendered, not taken from the cache (for tests)

    def render(
        self, store: Store, exporter: EntryWise, options: Options, ids: Sequence[str]
    ) -> tuple[str, int, dict[str, str]]:
        """The text `exporter.render(exportable(store, ids)[0])` would give, the number
        of entries in it, and the papers left out as invalid (as `exportable`)."""
        kept = self._kept.setdefault((options.format, options.unicode, options.versions), {})
        records = store.records()
        texts: dict[str, str] = {}
        missing: list[str] = []
        for pid in ids:
            had = kept.get(pid)
            record = records.get(pid)
            if had is not None and record is not None and (had[0] is record or had[0] == record):
                texts[pid] = had[1]
            else:
                missing.append(pid)
        papers, bad = exportable(store, missing)
        fresh = exporter.render_entries(papers, options)
        self.rendered += len(fresh)
        for paper, text in zip(papers, fresh, strict=True):
            kept[paper.id] = (records[paper.id], text)
            texts[paper.id] = text
        entries = [texts[pid] for pid in ids if pid in texts]
        if len(kept) > 2 * len(texts) + 1000:  # papers removed or out of every selection
            self._kept[(options.format, options.unicode, options.versions)] = {
                pid: kept[pid] for pid in texts
            }
        return exporter.join(entries), len(entries), bad
