"""When two records are the same paper, and how they merge without losing anything.

Same paper means: equal title keys (see `model.title_key`), or the same arXiv id, or
a conservative fuzzy near-match of the titles that agrees on every number and part
marker, so "Part I" never merges with "Part II", nor "v2" with "v3". A title match is
overruled by evidence that the records differ (`differ`): other arXiv ids, other DOIs,
or author lists that share no name.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from rapidfuzz import fuzz

from readlist.model import PAPER_FIELDS, Paper, title_key, title_words

FUZZY_THRESHOLD = 95.0
FUZZY_MIN_LENGTH = 20
_ROMAN = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])
_DIGIT = re.compile(r"\d")
_BLOCK_CHARS = 12
_KEY_CUTOFF = 90.0


def markers(words: str) -> tuple[str, ...]:
    """The tokens that tell otherwise similar titles apart: numbers, versions, parts."""
    return tuple(t for t in words.split() if _DIGIT.search(t) or t in _ROMAN or len(t) == 1)


def near_match(a_words: str, b_words: str) -> bool:
    """True when two folded titles are the same paper despite small differences."""
    if min(len(a_words), len(b_words)) < FUZZY_MIN_LENGTH:
        return False
    if not fuzz.ratio(a_words, b_words, score_cutoff=FUZZY_THRESHOLD):
        return False
    return markers(a_words) == markers(b_words)


class DedupIndex:
    """Finds the library paper an incoming record belongs to.

    Exact keys and arXiv ids are dict lookups. Fuzzy candidates are blocked on the
    first and the last few characters of the title key: a near-duplicate differs by a
    few characters, which rarely touch both ends. So a lookup costs the same at 1k
    papers as at 100k, and only a handful of titles are ever compared.
    """

    def __init__(self, records: Iterable[tuple[str, str, str | None]] = ()) -> None:
        """`records` are (id, title, arXiv id) of the papers already in the library."""
        self._by_key: dict[str, str] = {}
        self._more: dict[str, list[str]] = {}  # papers after the first with a title key
        self._by_arxiv: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._blocks: defaultdict[str, list[str]] = defaultdict(list)
        self._shared = False  # the block lists belong to the index this was copied from
        for pid, title, arxiv_id in records:
            self.add(pid, title, arxiv_id)

    @classmethod
    def of_columns(
        cls,
        pids: list[str],
        titles: list[str] | None,
        arxiv_ids: list[str | None],
        keys: list[str],
        title_of: Callable[[str], str] | None = None,
    ) -> DedupIndex:
        """The index of these papers, given their title keys (the sidecar holds them):
        as `add` one by one would build it, in bulk. Without `titles`, a paper's title
        is read by `title_of` when a fuzzy match first compares it (few ever are)."""
        new = cls()
        new._by_key = dict(zip(reversed(keys), reversed(pids), strict=True))  # first wins
        if len(new._by_key) < len(keys):  # titles held twice (rare): keep them all
            for pid, key in zip(pids, keys, strict=True):
                if new._by_key[key] != pid:
                    new._more.setdefault(key, []).append(pid)
        pairs = [(a, p) for a, p in zip(arxiv_ids, pids, strict=True) if a]
        new._by_arxiv = dict(reversed(pairs))
        if titles is not None:
            new._titles = dict(zip(pids, titles, strict=True))
        else:
            assert title_of is not None
            new._titles = _Titles(title_of)
        new._keys = dict(zip(pids, keys, strict=True))
        blocks = new._blocks
        for pid, key in zip(pids, keys, strict=True):
            blocks["<" + key[:_BLOCK_CHARS]].append(pid)
            blocks[">" + key[-_BLOCK_CHARS:]].append(pid)
        return new

    def copy(self) -> DedupIndex:
        """An index that can take more papers while this one stays as it is (a dry run
        of an import adds to a copy): its maps are copied, its block lists on write."""
        new = DedupIndex()
        new._by_key = self._by_key.copy()
        new._more = {key: list(pids) for key, pids in self._more.items()}
        new._by_arxiv = self._by_arxiv.copy()
        new._titles = self._titles.copy()
        new._keys = self._keys.copy()
        new._blocks = self._blocks.copy()
        new._shared = True
        return new

    def add(self, pid: str, title: str, arxiv_id: str | None = None) -> None:
        key = title_key(title)
        if self._by_key.setdefault(key, pid) != pid:
            self._more.setdefault(key, []).append(pid)
        if arxiv_id:
            self._by_arxiv.setdefault(arxiv_id, pid)
        self._titles[pid] = title
        self._keys[pid] = key
        for block in _blocks(key):
            if self._shared:
                self._blocks[block] = [*self._blocks.get(block, ()), pid]
            else:
                self._blocks[block].append(pid)

    def find(
        self, title: str, arxiv_id: str | None = None, accept: Callable[[str], bool] | None = None
    ) -> str | None:
        """The id of the paper this record is, or None when it is new. `accept` may
        refuse a candidate (see `differ`): the next one is tried."""
        for pid in self._candidates(title, arxiv_id):
            if accept is None or accept(pid):
                return pid
        return None

    def _candidates(self, title: str, arxiv_id: str | None) -> Iterator[str]:
        """The arXiv id's paper (the surest evidence), the papers of the title key, then
        fuzzy near-matches of the title."""
        key = title_key(title)
        if arxiv_id and (found := self._by_arxiv.get(arxiv_id)) is not None:
            yield found
        if (found := self._by_key.get(key)) is not None:
            yield found
            yield from self._more.get(key, ())
        else:
            yield from self._fuzzy(key, title)

    def _fuzzy(self, key: str, title: str) -> Iterator[str]:
        if len(key) < FUZZY_MIN_LENGTH:
            return
        words = title_words(title)
        seen: set[str] = set()
        for block in _blocks(key):
            for pid in self._blocks.get(block, ()):
                if pid in seen:
                    continue
                seen.add(pid)
                # Compact keys first: cheap, and most blocked candidates fail here.
                if fuzz.ratio(key, self._keys[pid], score_cutoff=_KEY_CUTOFF) and near_match(
                    words, title_words(self._titles[pid])
                ):
                    yield pid


class _Titles(dict[str, str]):
    """Titles by id, each read on first use."""

    def __init__(self, title_of: Callable[[str], str]) -> None:
        super().__init__()
        self._title_of = title_of

    def __missing__(self, pid: str) -> str:
        title = self[pid] = self._title_of(pid)
        return title

    def copy(self) -> _Titles:
        new = _Titles(self._title_of)
        new.update(self)
        return new


def _blocks(key: str) -> tuple[str, str]:
    return "<" + key[:_BLOCK_CHARS], ">" + key[-_BLOCK_CHARS:]


ARXIV_DOI = "10.48550/arxiv."  # DataCite's DOI of an arXiv preprint: its arXiv id


def _arxiv_of(paper: Paper) -> str | None:
    if paper.arxiv_id:
        return paper.arxiv_id.casefold()
    doi = (paper.doi or "").casefold()
    return doi.removeprefix(ARXIV_DOI) if doi.startswith(ARXIV_DOI) else None


def _venue_doi(paper: Paper) -> str | None:
    doi = (paper.doi or "").casefold()
    return doi if doi and not doi.startswith("10.48550/") else None


def _name_words(authors: list[str]) -> set[str]:
    return {w for w in title_words(" ".join(authors)).split() if len(w) > 1}


def differ(a: Paper, b: Paper) -> bool:
    """True when two records whose titles match are still two papers: both name an
    arXiv id and they differ, both a venue's DOI and they differ, or both list authors
    and no name is shared (a preprint's arXiv DOI and its venue's DOI never conflict)."""
    arxiv = _arxiv_of(a), _arxiv_of(b)
    if None not in arxiv and arxiv[0] != arxiv[1]:
        return True
    dois = _venue_doi(a), _venue_doi(b)
    if None not in dois and dois[0] != dois[1]:
        return True
    names = _name_words(a.authors), _name_words(b.authors)
    return bool(names[0] and names[1] and not names[0] & names[1])


def merge(existing: Paper, incoming: Paper) -> Paper:
    """Fold a newly listed record into a library paper.

    Each field goes by the rule model.Paper declares for it. User state (read,
    starred, notes, tags, added, key) is kept as it is: empty notes are filled and tags
    only added to. Missing metadata is filled in (an imported record's authors replace
    a listing's bare count), upvotes keep the maximum, links, sources and kept BibTeX
    fields are unioned, and a date whose year was stated beats a guessed one.
    """
    # A date whose year was stated beats one whose year was guessed.
    dated = existing
    if not existing.date or (
        existing.date_inferred and incoming.date and not incoming.date_inferred
    ):
        dated = incoming
    merged = existing.replace(
        date=dated.date,
        date_raw=dated.date_raw or existing.date_raw,
        date_inferred=dated.date_inferred,
        upvotes=max(existing.upvotes, incoming.upvotes),
        links=existing.links + [u for u in incoming.links if u not in existing.links],
        sources=existing.sources
        + [
            s
            for s in incoming.sources
            if (s.file, s.listing_date) not in {(e.file, e.listing_date) for e in existing.sources}
        ],
    )
    filled = {
        name: getattr(incoming, name)
        for name in _FILLED
        if not getattr(merged, name) and getattr(incoming, name)
    }
    if incoming.title_protect and not merged.title_protect and merged.title == incoming.title:
        filled["title_protect"] = incoming.title_protect  # spans of this very title
    if incoming.bibfields.keys() - existing.bibfields.keys():
        filled["bibfields"] = {**incoming.bibfields, **existing.bibfields}
    new_tags = [t for t in incoming.tags if t.casefold() not in {x.casefold() for x in merged.tags}]
    if new_tags:
        filled["tags"] = merged.tags + new_tags
    return merged.replace(**filled) if filled else merged


# Filled from an incoming record while the library paper lacks them (model.FILL).
_FILLED = tuple(name for name, f in PAPER_FIELDS.items() if f.metadata.get("merge") == "fill")


_STATE = frozenset(
    ["id", "read", "read_at", "starred", "notes", "tags", "added", "links", "sources", "upvotes"]
)


def restore(existing: Paper, saved: Paper) -> Paper:
    """Fold a backed-up copy of a paper into the library's: nothing either holds is lost.

    Metadata merges as for a listing; read and starred hold if either copy has them,
    tags are unioned, a note missing from the library's is appended to it, the earlier
    added date wins, and every other empty field is filled from the backup.
    """
    merged = merge(existing, saved)
    fill = {
        f.name: getattr(saved, f.name)
        for f in dataclasses.fields(Paper)
        if f.name not in _STATE and not getattr(merged, f.name) and getattr(saved, f.name)
    }
    notes = existing.notes
    if saved.notes and saved.notes not in notes:
        notes = f"{notes}\n\n{saved.notes}" if notes else saved.notes
    return merged.replace(
        read=existing.read or saved.read,
        read_at=existing.read_at if existing.read else saved.read_at,
        starred=existing.starred or saved.starred,
        tags=existing.tags + [t for t in saved.tags if t not in existing.tags],
        notes=notes,
        added=min(filter(None, (existing.added, saved.added)), default=""),
        **fill,
    )
