"""One shape for what an action did: per paper, the fields it changed (old and new
stored values), the papers it created and the papers it removed (a resolve that merges
two papers into one). Actions, imports, resolving, pulls and undo steps all use it.

Undo and redo work field by field under the store's transaction, so they never
overwrite what another process (or thread) wrote since: a field is restored only if
it still holds the value the action set, and a created paper is removed only if it
is exactly as the action wrote it. A removed paper comes back on undo only if its id
is still free (otherwise nothing of that change is undone, so the merged paper keeps
what it took from it), and redo removes it again only if it is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from readlist import deleted
from readlist.model import Paper
from readlist.places import Anchors
from readlist.store import Store

Doc = dict[str, Any]
FieldEdits = dict[str, tuple[Any, Any]]  # field -> (old, new) stored values


@dataclass
class Change:
    """What one action changed: `edits[id][field] = (old, new)`; `created[id]` = doc;
    `removed[id]` = the doc as it was before the action; `places[id]` = where a removed
    paper stood (readlist.places), so that undo puts it back there."""

    label: str
    edits: dict[str, FieldEdits] = field(default_factory=dict)
    created: dict[str, Doc] = field(default_factory=dict)
    removed: dict[str, Doc] = field(default_factory=dict)
    places: Anchors = field(default_factory=dict)

    @classmethod
    def between(
        cls,
        label: str,
        before: Iterable[Paper],
        after: Iterable[Paper],
        created: Iterable[Paper] = (),
        removed: Iterable[Paper] = (),
    ) -> Change:
        """The field-level difference between papers before and after an action;
        `removed` are the removed papers as they were before it."""
        old = {p.id: p.to_doc() for p in before}
        edits: dict[str, FieldEdits] = {}
        for paper in after:
            was = old.get(paper.id)
            if was is None:
                continue
            diff = _diff(was, paper.to_doc())
            if diff:
                edits[paper.id] = diff
        gone = {p.id: p.to_doc() for p in removed}
        return cls(label, edits, {p.id: p.to_doc() for p in created}, gone)

    def then(self, later: Change) -> Change:
        """This change followed by `later`, as one step (labelled like this one).

        A paper created and then edited is created as it ended up; created and then
        removed, it never happened; edited and then removed, it is removed as it was
        before both.
        """
        edits = {pid: dict(fields) for pid, fields in self.edits.items()}
        created = dict(self.created)
        removed = dict(self.removed)
        for pid, fields in later.edits.items():
            if pid in created:
                created[pid] = {**created[pid], **{k: new for k, (_, new) in fields.items()}}
                continue
            mine = edits.setdefault(pid, {})
            for name, (old, new) in fields.items():
                first = mine[name][0] if name in mine else old
                mine[name] = (first, new)
                if first == new:
                    del mine[name]
            if not mine:
                del edits[pid]
        for pid, doc in later.created.items():
            was = removed.pop(pid, None)
            if was is None:
                created[pid] = dict(doc)
            elif diff := _diff(was, doc):
                edits[pid] = diff
        for pid, doc in later.removed.items():
            if created.pop(pid, None) is not None:
                continue
            original = dict(doc)
            for name, (old, _) in edits.pop(pid, {}).items():
                original[name] = old
            removed[pid] = original
        places = {**self.places, **later.places}
        places = {pid: anchor for pid, anchor in places.items() if pid in removed}
        return Change(self.label, edits, created, removed, places)

    @property
    def ids(self) -> list[str]:
        """Every paper this change touched."""
        return [*self.edits, *self.created, *self.removed]

    def __bool__(self) -> bool:
        return bool(self.edits or self.created or self.removed)

    def flips(self, name: str) -> int:
        """Net count of papers whose boolean field `name` went from False to True."""
        n = 0
        for edits in self.edits.values():
            if name in edits:
                old, new = edits[name]
                n += int(bool(new)) - int(bool(old))
        return n + sum(int(bool(doc.get(name))) for doc in self.created.values())


@dataclass
class Applied:
    """The result of an undo or redo: the change, and what was left alone."""

    change: Change
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (paper id, field or "paper")

    def summary(self, verb: str) -> str:
        text = f"{verb} {self.change.label}."
        if self.skipped:
            papers = len({pid for pid, _ in self.skipped})
            text += (
                f" Not undone: changed elsewhere ({len(self.skipped)} "
                f"field{'s' * (len(self.skipped) != 1)} of {papers} "
                f"paper{'s' * (papers != 1)})."
            )
            if verb == "Redid":
                text = text.replace("Not undone", "Not redone")
        return text


def undo(store: Store, change: Change) -> Applied:
    """Put back the old values the change replaced, where nothing else changed them."""
    return _swap(store, change, forward=False)


def redo(store: Store, change: Change) -> Applied:
    """Apply the change again, where the fields still hold what undo put back."""
    return _swap(store, change, forward=True)


# Fields that only make sense together: `starred` without its `starred_at` (or the
# reverse) would be a state nobody set.
_TOGETHER = (frozenset({"starred", "starred_at"}), frozenset({"read", "read_at"}))


def _swap(store: Store, change: Change, forward: bool) -> Applied:
    result = Applied(change)
    with store.transaction():  # the comparison sees the latest state on disk
        if not forward and any(pid in store for pid in change.removed):
            # A removed paper's id is taken again: undoing the rest would take back
            # what a merge gave the kept paper, and the removed paper's data with it.
            result.skipped += [(pid, "paper") for pid in change.ids]
            return result
        puts: list[Paper] = []
        was: dict[str, Doc] = {}
        for pid, fields in change.edits.items():
            if pid not in store:
                result.skipped.append((pid, "paper"))
                continue
            doc = store.get(pid).to_doc()
            new_doc = dict(doc)
            # A field holding neither end of the change was changed by someone else.
            clashes = {n for n, (o, w) in fields.items() if doc.get(n) not in (o, w)}
            for group in _TOGETHER:  # a state and its timestamp are restored together
                if clashes & group:
                    clashes |= group & fields.keys()
            for name, (old, new) in fields.items():
                expect, target = (old, new) if forward else (new, old)
                if name in clashes:
                    result.skipped.append((pid, name))
                elif doc.get(name) == expect:
                    if target is None:
                        new_doc.pop(name, None)  # the field's default, as an absent key means
                    else:
                        new_doc[name] = target
            if new_doc != doc:
                puts.append(Paper.from_doc(pid, new_doc))
                was[pid] = doc
        store.put(puts)
        back = () if forward else change.removed.values()  # an undone merge's, theirs again
        deleted.keep_retired(store, was, {p.id: p.to_doc() for p in puts}, back)
        if forward:
            missing = [pid for pid in change.created if pid not in store]
            store.put(Paper.from_doc(pid, change.created[pid]) for pid in missing)
        else:
            untouched = [pid for pid, doc in change.created.items() if _same(store, pid, doc)]
            # A key given since (an export) may be cited by now: it stays retired.
            records = store.records()
            keyed = {pid: records[pid] for pid in untouched if records[pid].get("bibkey")}
            deleted.bury(store, keyed, "", trash=False)
            store.remove(untouched)
            result.skipped += [
                (pid, "paper") for pid in change.created if pid not in untouched and pid in store
            ]
        if forward:
            same = [
                pid for pid, doc in change.removed.items() if _same(store, pid, doc, strict=True)
            ]
            deleted.gone_again(store, store.anchors(same))  # where they stand now
            store.remove(same)
            result.skipped += [
                (pid, "paper") for pid in change.removed if pid not in same and pid in store
            ]
        else:
            store.put(
                (Paper.from_doc(pid, doc) for pid, doc in change.removed.items()),
                at=deleted.settle(store, deleted.where(store, change.places)),
            )
            deleted.returned(store, change.removed)
    return result


def _diff(was: Mapping[str, Any], now: Mapping[str, Any]) -> FieldEdits:
    """Fields whose stored value differs; a field left out (an empty optional one)
    counts as None, so emptying it is a change too."""
    keys = dict.fromkeys([*was, *now])
    return {k: (was.get(k), now.get(k)) for k in keys if was.get(k) != now.get(k)}


def _same(store: Store, pid: str, doc: Mapping[str, Any], *, strict: bool = False) -> bool:
    """The paper is as the action wrote it. A citation key given since (an export or
    auto-export stores one) is not a change by anyone: it does not block the undo.
    `strict` counts it (redo must not remove a paper whose key is in someone's .bib)."""
    if pid not in store:
        return False
    now = store.get(pid).to_doc()
    doc = Paper.from_doc(pid, dict(doc)).to_doc()  # a folded change may hold None fields
    if not strict and not doc.get("bibkey"):
        now.pop("bibkey", None)
        doc.pop("bibkey", None)
    return now == doc
