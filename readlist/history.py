"""Undo and redo for a session: field-level steps over the store (no Textual)."""

from __future__ import annotations

from collections import deque

from readlist import changes
from readlist.changes import Applied, Change
from readlist.store import Store


class History:
    """Undo and redo over store changes, at least `limit` steps deep.

    Steps are field-level `Change`s: undo restores a field only where it still holds
    the value the step set, so it never overwrites another process's later write.
    """

    def __init__(self, limit: int = 200) -> None:
        self._undo: deque[Change] = deque(maxlen=limit)
        self._redo: list[Change] = []

    def record(self, change: Change) -> None:
        if not change:
            return
        self._undo.append(change)
        self._redo.clear()

    def undo(self, store: Store) -> Applied | None:
        if not self._undo:
            return None
        applied = changes.undo(store, self._undo[-1])  # if this raises, the step stays
        self._redo.append(self._undo.pop())
        return applied

    def redo(self, store: Store) -> Applied | None:
        if not self._redo:
            return None
        applied = changes.redo(store, self._redo[-1])
        self._undo.append(self._redo.pop())
        return applied

    def __len__(self) -> int:
        return len(self._undo)
