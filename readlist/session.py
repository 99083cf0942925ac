"""What the TUI shows and what it can undo, with no Textual in sight.

A `Session` holds the view (all/unread/starred/read/new, a tag, a sort, a query),
the ids it shows, and the bulk selection. `History` (readlist.history) keeps changes
for undo and redo.

Threads (the one statement of the rule; the TUI and the store follow it): one thread,
the TUI's UI thread, owns the `Store` the app was given, the `Session` over it and
the session's search index. No other thread reads or writes them. Work done on
another thread is handed what it needs, never these objects:
- a job that writes opens its own `Store` on the same file, as another process
  would; the file lock orders the writes, and the owner catches up with `refresh`;
- a search is handed a frozen `SearchRequest`: the query, the ids it may show, a
  snapshot of the records when filters read them (records are replaced whole on
  every write, never changed in place, so a shallow copy is a snapshot), the index
  and a copy of the word cache;
- an index is built from an `IndexBuild` snapshot and handed back.
A `SearchIndex` never changes once built: a new one is swapped in whole. Answers
come back as values, and the owner drops those that no longer apply (`version`,
`IndexBuild.generation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from readlist.changes import Change
from readlist.clock import Clock
from readlist.handoff import LiveIndex, SearchRequest
from readlist.history import History as History  # where it was before
from readlist.query import Query, QueryError, parse
from readlist.selection import SORTS, Selection, texts_of
from readlist.states import PaperStates, RecordStates, States, due_of
from readlist.store import Store

if TYPE_CHECKING:
    from readlist.search import SearchIndex

VIEWS = ("all", "unread", "starred", "read", "new")
_VIEW_FILTERS = {
    "all": Selection(),
    "new": Selection(),  # and `is:new`: see Session.recompute
    "unread": Selection(read=False),
    "starred": Selection(starred=True),
    "read": Selection(read=True),
}


class Session:
    """The current view over the store."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.view = "all"
        self.tag: str | None = None
        self.sort = "added"
        self.query = ""
        self.saved: tuple[str, str] | None = None  # a saved search shown as a view: name, query
        self.query_error: str | None = None  # why the query cannot be read, for the status
        self._ids: list[str] = []
        self._shown: set[str] | None = None
        self.selected: dict[str, None] = {}
        self.history = History()
        self.live_index = LiveIndex(store.records, store.path if store.by_index else None)
        self.version = 0  # what is shown changed: an answer to an older request is dropped
        self._base: list[str] = []
        self._counts: dict[str, int] | None = None
        self._due: set[str] | None = None
        self._new: set[str] | None = None
        self._states: tuple[object, PaperStates] | None = None
        self._catch_ups = store.catch_ups
        self.recompute()

    # The view ------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """The shown papers, in order."""
        return self._ids

    @ids.setter
    def ids(self, ids: list[str]) -> None:
        self._ids = ids
        self._shown = None
        self.version += 1

    def shows(self, pid: str) -> bool:
        return pid in self._shown_ids()

    def _shown_ids(self) -> set[str]:
        if self._shown is None:
            self._shown = set(self._ids)
        return self._shown

    @property
    def view_filter(self) -> Selection:
        base = _VIEW_FILTERS[self.view]
        return Selection(read=base.read, starred=base.starred, tag=self.tag)

    @property
    def view_name(self) -> str:
        """What the status line calls the view: a saved search by its name."""
        return self.saved[0] if self.saved else self.view

    def recompute(self) -> list[str]:
        """Re-derive the shown ids from the store, the view and the query."""
        self._base = self.states().select(self.view_filter, self.sort)
        if self.view == "new":
            new = self.new_ids()
            self._base = [i for i in self._base if i in new]
        if self.saved is not None:
            try:
                self._base = self._request(parse(self.saved[1]), True, own=True).run()
            except QueryError as exc:  # config.load checked it: a later grammar may not read it
                self._base = []
                self.query_error = f"[searches] {self.saved[0]}: {exc}"
                self.ids = []
                return self.ids
        return self.apply_query(self.query)

    def new_ids(self) -> set[str]:
        """Papers from the latest import: `is:new`, the one definition of "new"."""
        if self._new is None:
            self._new = self.states().new(self.clock.now())
        return self._new

    def states(self) -> PaperStates:
        """What the first screen reads of every paper (readlist.states): for a store
        opened by its index, compact columns, not every paper's record. They follow the
        store's light records (a new set after every change)."""
        light = self.store.light()
        if self._states is None or self._states[0] is not light:
            by_index = self.store.by_index
            self._states = (light, States(self.store.view()) if by_index else RecordStates(light))
        return self._states[1]

    def apply_query(self, query: str, abstracts: bool = True) -> list[str]:
        """Filter and rank the view by `query` (without re-reading the view)."""
        self.query = query
        self.query_error = None
        if not query.strip():
            self.ids = list(self._base)
            return self.ids
        try:
            self.ids = self.search(query, abstracts)
        except QueryError as exc:  # keep showing what the last good query found
            self.query_error = str(exc)
        return self.ids

    def search(self, query: str, abstracts: bool = True) -> list[str]:
        """The view's papers that `query` finds, best first; with filters only, in the
        view's order. Raises QueryError for a query the grammar cannot read."""
        return self._request(parse(query), abstracts, own=True).run()

    def search_request(self, query: str) -> SearchRequest:
        """A full search (abstracts too) for a worker: everything it reads, frozen now."""
        return self._request(parse(query), True, own=False)

    def _request(self, query: Query, abstracts: bool, own: bool) -> SearchRequest:
        records = self.store.light()
        if not own:  # a worker gets the records only if filters read them, as a copy
            records = dict(records) if query.filters else {}
        return self.live_index.request(
            query,
            self.version,
            self._base if own else tuple(self._base),
            records,
            everything=own
            and self.view_filter == Selection()
            and self.view != "new"
            and self.saved is None,
            now=self.clock.now(),
            abstracts=abstracts,
            own=own,
        )

    def answer(self, request: SearchRequest, ids: list[str]) -> bool:
        """Show a worker's answer to `request`, unless what is shown changed since (the
        query, the view, the papers): then it answers a question nobody asks now."""
        if request.version != self.version:
            return False
        self.live_index.learn(request)
        self.ids = ids
        return True

    @property
    def index(self) -> SearchIndex:
        """The search index (built on first use if no build has come back yet)."""
        return self.live_index.index

    def reindex(self, ids: Iterable[str]) -> None:
        """Swap in an index that knows these papers' new text (tags, notes, imports)."""
        self.live_index.reindex(ids)

    def recompute_after(self, ids: Iterable[str]) -> None:
        """Update the view after these papers changed, cheaply when possible.

        Read, star, tag and note changes never reorder the view; they can only make a
        paper leave it (or, on undo, come back, which needs a full recompute).
        """
        if self.saved is not None:  # any change may make a paper enter or leave it
            self.recompute()
            return
        records = self.store.records()
        view = self.view_filter
        everything = view == Selection() and not self.query
        gone: set[str] = set()
        for pid in ids:
            record = records.get(pid)
            visible = record is not None and view.matches(record)
            if visible and everything and self.shows(pid):
                continue  # the unfiltered view shows it (an undone delete: not yet)
            if visible == self.shows(pid):
                continue
            if not visible:
                gone.add(pid)
            else:  # it may enter the view (an undone delete, an import): place it anew
                self.recompute()
                return
        if gone:
            shown = self._shown
            self._base = [i for i in self._base if i not in gone]
            self.ids = [i for i in self.ids if i not in gone]
            if shown is not None:
                shown.difference_update(gone)
                self._shown = shown

    def first_shown(self, ids: Iterable[str]) -> str | None:
        """The first of `ids` in the shown order (where an import's new papers start)."""
        wanted = set(ids)
        return next((i for i in self.ids if i in wanted), None) if wanted else None

    def set_view(self, view: str) -> None:
        self.view = view
        self.saved = None
        self.recompute()

    def set_saved(self, name: str, query: str) -> None:
        """Show a saved search ([searches] in config.toml) as a view of all papers."""
        self.view = "all"
        self.saved = (name, query)
        self.recompute()

    def next_saved(self, searches: Mapping[str, str]) -> str | None:
        """Show the saved search after the one shown (the first after any other view);
        its name, or None when there are none."""
        names = list(searches)
        if not names:
            return None
        shown = self.saved[0] if self.saved else None
        name = names[(names.index(shown) + 1) % len(names)] if shown in names else names[0]
        self.set_saved(name, searches[name])
        return name

    def set_tag(self, tag: str | None) -> None:
        self.tag = tag or None
        self.recompute()

    def cycle_sort(self) -> str:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.recompute()
        return self.sort

    def refresh(self) -> bool:
        """Pick up other processes' changes; True when the store had any, including
        those a write of ours read in first (a write catches up before it commits)."""
        self.store.refresh()
        touched = self.store.catch_ups != self._catch_ups
        self._catch_ups = self.store.catch_ups
        if touched:
            self.live_index.went_stale()  # searches use it until a new one is built
            self.selected = {k: None for k in self.selected if k in self.store}
            self.forget_counts()
            self.recompute()
        return touched

    # Counts --------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Shown, total, unread, starred and selected; kept up to date incrementally."""
        if self._counts is None:
            states = self.states()
            self._counts = {"unread": states.unread(), "starred": states.starred()}
        if self._due is None:
            self._due = set(self.states().due(self.clock.now()))
        return {
            "shown": len(self.ids),
            "total": len(self.store),
            "unread": self._counts["unread"],
            "starred": self._counts["starred"],
            "selected": len(self.selected),
            "due": len(self._due),
        }

    def tags(self) -> list[str]:
        """Every tag in the library, most used first."""
        counts: dict[str, int] = {}
        for record in self.store.light().values():
            for tag in texts_of(record, "tags"):
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t.casefold()))

    # The selection (the bulk pick) ----------------------------------------------
    def toggle_selected(self, pid: str) -> None:
        if pid in self.selected:
            del self.selected[pid]
        else:
            self.selected[pid] = None

    def select_all_shown(self) -> None:
        """Select every shown paper, or clear the selection if all are selected."""
        if self.ids and all(i in self.selected for i in self.ids):
            self.selected.clear()
        else:
            self.selected.update(dict.fromkeys(self.ids))

    def targets(self, current: str | None) -> list[str]:
        """What an action applies to: the selection if any, else the current paper."""
        if self.selected:
            return list(self.selected)
        return [current] if current else []

    # Changes -------------------------------------------------------------------
    def apply(self, change: Change) -> Change:
        """Record a change for undo and keep the counts current without a recount."""
        self.history.record(change)
        self.count(change)
        return change

    def count(self, change: Change) -> None:
        """Follow a change made through this session's store in the counts: flips of
        read and starred, and the changed papers' due state; a change that added or
        removed papers is recounted."""
        if change.created or change.removed:
            self.forget_counts()
            return
        if self._counts is not None:
            self._counts["unread"] -= change.flips("read")
            self._counts["starred"] += change.flips("starred")
        if self._due is not None:  # only the changed papers can start or stop being due
            records = self.store.records()
            self._due.difference_update(change.ids)
            changed = {i: records[i] for i in change.ids if i in records}
            self._due.update(due_of(changed, self.clock.now()))

    def land(self, change: Change, *, record: bool, counted: bool) -> None:
        """Everything the session does once `change` is in the library: record it for
        undo, follow it in the counts (`counted`: it was written through this store, so
        the counts may follow it exactly; else they are recounted), catch up with what
        other writers did, update the view, and reindex the papers whose text changed."""
        if record:
            self.history.record(change)
        if self.selected and change:  # a selected paper deleted (or an import undone)
            self.selected = {k: None for k in self.selected if k in self.store}
        if counted:
            self.count(change)
        else:
            self.forget_counts()
        refreshed = self.refresh()  # another store's write (a job's) read in first
        # Then the index, so a paper that came back (an undo) is found below when a
        # search is shown.
        if not self.live_index.ready:  # no index yet: a build in flight gets them all
            self.reindex(change.ids)
        else:
            from readlist.search import INDEXED  # loaded with the index already

            fields = change.edits
            self.reindex(
                pid
                for pid in change.ids
                if pid in change.created or pid in change.removed or INDEXED & fields[pid].keys()
            )
        if not refreshed:  # else refresh recomputed, and the new index's build will
            self.recompute_after(change.ids)

    def warm(self) -> None:
        """While idle, what the next keystroke would otherwise compute first: the
        writers' lock, the set of shown ids (a write asks whether it shows the paper),
        the light records after a change, and which of the index's rows they hold (20
        ms each at 100k papers; a search asks for it)."""
        self.store.ready_to_write()
        self._shown_ids()
        if self.live_index.ready:
            self.live_index.kept(self.live_index.index, self.store.light())

    def forget_counts(self) -> None:
        """Recount on next use (after undo, imports, other processes' changes)."""
        self._counts = None
        self._due = None
        self._new = None

    def next_unread(self, after: str | None) -> str | None:
        """The next unread paper below `after` in the shown order (wrapping around):
        papers from the latest import first, then the older ones. `after` itself
        comes last, so None means nothing else is unread."""
        ids = self.ids
        start = ids.index(after) + 1 if after in ids else 0
        order = ids[start:] + ids[:start]
        new = self.new_ids()
        unread = self.states().unread_of
        for pid in order:
            if pid in new and pid != after and unread(pid):
                return pid
        return next((pid for pid in order if unread(pid)), None)
