"""Columns over a view (readlist.view) that read as they are asked for: a text
column of the index with the changed papers' texts in, a column loaded on first use,
and search's abstract rule by the index's postings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, overload

import orjson

from readlist.sidecar import Unusable

if TYPE_CHECKING:
    from readlist import derive
    from readlist.indexing import Base, Texts
    from readlist.vocabulary import Scores

Doc = dict[str, Any]


class Rows(Protocol):
    """What these columns read of a view (readlist.view.View)."""

    ids: list[str]
    base: Base | None

    def base_row(self, row: int) -> int: ...
    def row(self, pid: str) -> derive.Row: ...
    def doc(self, row: int) -> Doc: ...
    def where(self) -> Mapping[str, int]: ...
    def patched(self, stored: list[Any], name: str) -> list[Any]: ...
    def snapshot_rows(self) -> Sequence[int]: ...
    def changed_rows(self) -> list[int]: ...


class TextColumn(Sequence[str]):
    """A text column over a view: the index's texts, the changed papers' derived."""

    def __init__(self, view: Rows, texts: Texts, name: str) -> None:
        self._view, self._texts, self._name = view, texts, name
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return len(self._view.ids)

    @overload
    def __getitem__(self, row: int) -> str: ...
    @overload
    def __getitem__(self, row: slice) -> list[str]: ...
    def __getitem__(self, row: int | slice) -> str | list[str]:
        if isinstance(row, slice):
            return self.materialized()[row]
        if self._all is not None:
            return self._all[row]
        i = self._view.base_row(row)
        if i >= 0:
            return self._texts.get(i)
        value: str = getattr(self._view.row(self._view.ids[row]), self._name) or ""
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.materialized())

    def materialized(self) -> list[str]:
        if self._all is None:
            self._all = self._view.patched(list(self._texts.all()), self._name)
        return self._all


class Lazy(Sequence[Any]):
    """A column of known length, loaded on first use."""

    def __init__(self, n: int, load: Callable[[], list[Any]]) -> None:
        self._n, self._load = n, load
        self._values: list[Any] | None = None

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if self._values is None:
            self._values = self._load()
        return self._values[i]


class AbstractMatcher:
    """search's abstract rule over a view: the index's postings for the snapshot's
    papers, the rule itself for the papers changed since and for what the postings
    only narrow down (phrases)."""

    def __init__(self, view: Rows) -> None:
        import numpy as np

        from readlist.indexing import postings_of

        if view.base is None:
            raise Unusable("the view fell back to the documents")
        self.view = view
        self.postings = postings_of(view.base.sidecar)
        kept = np.asarray(view.snapshot_rows(), np.int64)
        self.final_of_base = np.full(len(view.base.ids), -1, np.int64)
        self.final_of_base[kept] = np.arange(len(kept))
        self._changed_rows = view.changed_rows()
        changed = np.asarray([r for r in self._changed_rows if r < len(kept)], np.int64)
        self.final_of_base[kept[changed]] = -1
        self._texts: dict[int, str] | None = None

    def _changed(self) -> dict[int, str]:
        """The abstracts of the papers the journal changed, by row."""
        if self._texts is None:
            from readlist.query import abstract_text

            view = self.view
            self._texts = {r: abstract_text(view.doc(r)) for r in self._changed_rows}
        return self._texts

    def contains(self, word: str) -> Scores:
        """Which papers' abstracts contain `word` (search._contains's rule)."""
        import numpy as np

        from readlist.query import abstract_text

        check: Callable[[str], object] | None = None  # the rule, where postings only narrow
        in_raw: Callable[[bytes], object] | None = None  # a quick no, on the stored bytes
        if " " in word:  # a phrase; abstracts keep runs of spaces
            check = re.compile(r"\s+".join(map(re.escape, word.split()))).search
            in_raw = _raw_phrase(word)
            mask = self.postings.phrase_candidates(word)
        elif any(c.isspace() for c in word):  # no word of the index holds it: check all
            check = _substring(word)
            mask = np.ones(self.postings.n, bool)
        else:
            mask = self.postings.containing(word)
        hits = np.flatnonzero(mask)
        if check is not None:
            base = self.view.base
            assert base is not None
            kept = []
            for i in hits.tolist():
                raw = base.raw(i)
                if in_raw is not None and raw.isascii() and not in_raw(raw.lower()):
                    continue
                if check(abstract_text(orjson.loads(raw))):
                    kept.append(i)
            hits = np.asarray(kept, np.int64)
        out = np.zeros(len(self.view.ids), np.uint8)
        final = self.final_of_base[hits]
        out[final[final >= 0]] = 1
        rule = check or _substring(word)
        for at, text in self._changed().items():
            if rule(text):
                out[at] = 1
        return out


# Between two words of a phrase, in a paper's stored JSON: what a run of spaces in its
# processed abstract was (non-alphanumeric characters), as JSON writes them: as they
# are, or escaped (\" \\ \n \u001f, whose letters are no word's).
_RAW_GAP = rb"(?:[^0-9a-z\\]|\\[^u]|\\u[0-9a-f]{4})+"  # over lower-cased bytes


def _raw_phrase(phrase: str) -> Callable[[bytes], object] | None:
    """A check of an ASCII paper's stored bytes, lower-cased, that says no only where
    its processed abstract cannot hold `phrase` (a yes may come from another field: the
    abstract is checked then). None for a phrase with a letter ASCII cannot hold, or
    that may run into a word the stored bytes spell otherwise ("cpp" is C++ there)."""
    if not phrase.isascii():
        return None
    from readlist.query import SYMBOL_WORDS

    parts = phrase.split()
    first, last, middle = parts[0], parts[-1], parts[1:-1]
    for word in SYMBOL_WORDS.values():
        if word.endswith(first) or word.startswith(last) or word in middle:
            return None
    words = [re.escape(w.encode()) for w in parts]
    return re.compile(_RAW_GAP.join(words)).search  # lower-cased: 2.5x quicker than re.I


def _substring(word: str) -> Callable[[str], bool]:
    return lambda text: word in text
