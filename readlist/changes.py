"""One shape for what an action did: per paper, the fields it changed (old and new
stored values) and the papers it created. Actions, imports and undo steps all use it.

Undo and redo work field by field under the store's transaction, so they never
overwrite what another process (or thread) wrote since: a field is restored only if
it still holds the value the action set, and a created paper is removed only if it
is exactly as the action wrote it. Everything else is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from readlist.model import Paper
from readlist.store import Store

Doc = dict[str, Any]
FieldEdits = dict[str, tuple[Any, Any]]  # field -> (old, new) stored values


@dataclass
class Change:
    """What one action changed: `edits[id][field] = (old, new)`; `created[id]` = doc."""

    label: str
    edits: dict[str, FieldEdits] = field(default_factory=dict)
    created: dict[str, Doc] = field(default_factory=dict)

    @classmethod
    def between(
        cls,
        label: str,
        before: Iterable[Paper],
        after: Iterable[Paper],
        created: Iterable[Paper] = (),
    ) -> Change:
        """The field-level difference between papers before and after an action."""
        old = {p.id: p.to_doc() for p in before}
        edits: dict[str, FieldEdits] = {}
        for paper in after:
            was = old.get(paper.id)
            if was is None:
                continue
            now = paper.to_doc()
            # Optional fields are absent from a doc while empty: absent counts as None.
            diff = {k: (was.get(k), now.get(k)) for k in {**was, **now} if was.get(k) != now.get(k)}
            if diff:
                edits[paper.id] = diff
        return cls(label, edits, {p.id: p.to_doc() for p in created})

    @property
    def ids(self) -> list[str]:
        """Every paper this change touched."""
        return [*self.edits, *self.created]

    def __bool__(self) -> bool:
        return bool(self.edits or self.created)

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


def _swap(store: Store, change: Change, forward: bool) -> Applied:
    result = Applied(change)
    with store.transaction():  # the comparison sees the latest state on disk
        puts: list[Paper] = []
        for pid, fields in change.edits.items():
            if pid not in store:
                result.skipped.append((pid, "paper"))
                continue
            doc = store.get(pid).to_doc()
            new_doc = dict(doc)
            for name, (old, new) in fields.items():
                expect, target = (old, new) if forward else (new, old)
                if doc.get(name) == expect:
                    if target is None:
                        new_doc.pop(name, None)  # the field's default, as an absent key means
                    else:
                        new_doc[name] = target
                elif doc.get(name) != target:
                    result.skipped.append((pid, name))
            if new_doc != doc:
                puts.append(Paper.from_doc(pid, new_doc))
        store.put(puts)
        if forward:
            missing = [pid for pid in change.created if pid not in store]
            store.put(Paper.from_doc(pid, change.created[pid]) for pid in missing)
        else:
            untouched = [pid for pid, doc in change.created.items() if _same(store, pid, doc)]
            store.remove(untouched)
            result.skipped += [
                (pid, "paper") for pid in change.created if pid not in untouched and pid in store
            ]
    return result


def _same(store: Store, pid: str, doc: Mapping[str, Any]) -> bool:
    """The paper is as the action wrote it. A citation key given since (an export or
    auto-export stores one) is not a change by anyone: it does not block the undo."""
    if pid not in store:
        return False
    now = store.get(pid).to_doc()
    if not doc.get("bibkey"):
        now.pop("bibkey", None)
        doc = {k: v for k, v in doc.items() if k != "bibkey"}
    return now == doc
