"""Citation keys: the one owner of key policy (make, suffix, compare, validate, and
what an import claims, keeps as an alias or gives back: `Keys`).

BibTeX compares keys without regard to case: `dup` and `DUP` are one key to it
("Repeated entry", or a "Case mismatch error" when both are cited). So keys and
aliases are unique library-wide as `fold` sees them, and every comparison uses it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from readlist.model import Paper

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "with",
        "from",
        "by",
        "at",
        "via",
        "is",
        "are",
        "do",
        "does",
    ]
)
_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]+")
_KEY_SPLIT = re.compile(r"[\s\-:/]+")
# Characters bibtex and biber both accept in a key, written back verbatim. `\Z`, not
# `$`: a key must not end in a newline either.
KEY_PATTERN = r"^[A-Za-z0-9_:./+\-]+\Z"
MAX_KEY = 200
_KEY = re.compile(KEY_PATTERN)


def fold(key: str) -> str:
    """The form in which two keys are compared: BibTeX (and biber) ignore case."""
    return key.casefold()


def valid_key(key: str) -> bool:
    """A key safe to write back verbatim for bibtex and biber."""
    return len(key) <= MAX_KEY and _KEY.match(key) is not None


class CiteKeys(Mapping[str, Mapping[str, Any]]):
    """Every paper's citation key and aliases (`derive.keys` of its document), by id in
    order, from the sidecar's short form (`derive.short_keys`): a paper's is made only
    when asked for, and the usual library (a text key each, no aliases) is answered
    from the keys alone."""

    def __init__(self, ids: Sequence[str], short: Sequence[Any], where: Mapping[str, int]):
        self._ids = ids
        self._short = short
        self._where = where

    def __getitem__(self, pid: str) -> Mapping[str, Any]:
        return _long(self._short[self._where[pid]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, pid: object) -> bool:
        return pid in self._where

    def items(self) -> Any:
        return zip(self._ids, map(_long, self._short), strict=True)

    def values(self) -> Any:
        return map(_long, self._short)

    def plain(self) -> list[str] | None:
        """Every key, where every paper has a text key or none and no aliases; else None."""
        short = self._short
        keys = [v for v in short if v is not None]
        if all(type(v) is str for v in keys):
            return keys
        return None

    def all_keyed(self) -> bool:
        """Whether every paper has a key (a non-empty text)."""
        short = self._short
        return None not in short and "" not in short and all(type(v) is str for v in short)


def _long(short: Any) -> Mapping[str, Any]:
    if short is None:
        return {}
    if type(short) is str:
        return {"bibkey": short}
    return short  # type: ignore[no-any-return]


def all_keyed(keys: Mapping[str, Mapping[str, Any]]) -> bool:
    """True when every paper is known to have a key without looking at each (CiteKeys);
    False means: look."""
    return isinstance(keys, CiteKeys) and keys.all_keyed()


def clashes(keys: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """`key_clashes` over every paper's keys; the usual library of text keys without
    aliases is one set of the folded keys (15 ms at 100,000 papers, not 50)."""
    plain = keys.plain() if isinstance(keys, CiteKeys) else None
    if plain is not None and len(set(map(str.casefold, plain))) == len(plain):
        return {}
    return key_clashes(keys.items())


def stored_keys(doc: Mapping[str, Any]) -> list[str]:
    """A stored document's key and aliases, those that are text: a hand edit may leave
    a number or a non-list there (`readlist check` names it), which names no paper."""
    aliases = doc.get("bibkey_aliases", ())
    keys = [doc.get("bibkey"), *(aliases if isinstance(aliases, list) else ())]
    return [k for k in keys if isinstance(k, str) and k]


def key_clashes(docs: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, str]:
    """Papers whose key or alias another paper already has, ignoring case (BibTeX treats
    `dup` and `DUP` as one key): every key names one paper, library-wide."""
    docs = docs if isinstance(docs, list) else list(docs)
    keys: list[str] = []
    add = keys.append
    for _, doc in docs:  # the usual library, no aliases and no clash: one quick pass
        if type(doc) is not dict:  # others have no keys
            continue
        if "bibkey_aliases" in doc:
            break
        if isinstance(key := doc.get("bibkey"), str):
            add(key)
    else:
        if len(set(map(str.casefold, keys))) == len(keys):
            return {}
    docs = [(pid, doc) for pid, doc in docs if type(doc) is dict]
    owner: dict[str, str] = {}
    out: dict[str, str] = {}
    for pid, doc in docs:
        for key in stored_keys(doc):
            other = owner.setdefault(key.casefold(), pid)
            if other != pid:
                out.setdefault(pid, f"bibkey: {key!r} is also the key of paper {other}")
    return out


def _ascii_word(text: str) -> str:
    """Lower-case ASCII of a word: accents dropped (Nguyễn -> nguyen), and letters with no
    accent to drop transliterated, never lost (Ørsted -> orsted, Đặng -> dang, Łoś ->
    los, Æsthetics -> aesthetics). Other scripts are left out, as before: a key is
    the first author's surname or the title's first word in Latin letters."""
    if not text.isascii():
        from anyascii import anyascii

        text = unicodedata.normalize("NFKD", text)
        text = "".join(
            anyascii(c) if _latin(c) else "" for c in text if not unicodedata.combining(c)
        )
    return _NOT_KEY_CHAR.sub("", text.lower())


def _latin(c: str) -> bool:
    """ASCII, or a letter of Unicode's Latin blocks (Latin-1 Supplement to Extended-B,
    Latin Extended Additional)."""
    return c < "\u0250" or "\u1e00" <= c <= "\u1eff"


def base_key(paper: Paper) -> str:
    """`firstauthorYEARfirstword` when an author is known, else `firstwordYEAR`."""
    year = (paper.published or paper.date or "")[:4]
    first = ""
    for raw in _KEY_SPLIT.split(paper.title):
        word = _ascii_word(raw)
        if word and not first:
            first = word  # a stop word, if nothing better follows
        if word and word not in STOPWORDS:
            first = word
            break
    first = first or "paper"
    if paper.authors:
        surname = _ascii_word(_surname(paper.authors[0]))
        if surname:
            return f"{surname}{year}{first}"
    return f"{first}{year}"


def _surname(name: str) -> str:
    if "," in name:
        return name.split(",", 1)[0]
    parts = name.split()
    return parts[-1] if parts else ""


def suffix(n: int) -> str:
    """a, b, …, z, aa, ab, …"""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def assign_keys(papers: Sequence[Paper], taken: Iterable[str]) -> dict[str, str]:
    """New keys for papers that have none, unique against `taken` and each other
    whatever their case."""
    used = {fold(k) for k in taken}
    fresh: dict[str, str] = {}
    next_suffix: dict[str, int] = {}  # so many clashes on one base stay linear
    for paper in papers:
        if paper.bibkey or paper.id in fresh:
            continue
        base = base_key(paper)
        key = base
        n = next_suffix.get(base, 0)
        while fold(key) in used:
            key = base + suffix(n)
            n += 1
        next_suffix[base] = n
        used.add(fold(key))
        fresh[paper.id] = key
    return fresh


class Keys:
    """Citation keys and DOIs already in use, so an imported key is never given twice
    (readlist.importing keeps one per import; a DOI, like a key, names one paper)."""

    def __init__(
        self, records: Mapping[str, Mapping[str, Any]], retired: Mapping[str, str] | None = None
    ) -> None:
        # Keyed by `fold(key)`: to BibTeX, `dup` and `DUP` are one key. A deleted paper's
        # keys (`retired`, folded -> its id) stay its own: a document may cite them.
        self._owner: dict[str, str] = {}
        for pid, doc in records.items():  # the keys first, then the aliases
            if (key := doc.get("bibkey")) and isinstance(key, str):
                self._owner[fold(key)] = pid
        for pid, doc in records.items():
            for alias in stored_keys(doc):
                self._owner.setdefault(fold(alias), pid)
        for folded, pid in (retired or {}).items():
            self._owner.setdefault(folded, pid)
        self._doi = {doc["doi"].lower(): pid for pid, doc in records.items() if doc.get("doi")}

    def copy(self) -> Keys:
        """Keys that can take more while these stay as they are (see DedupIndex.copy)."""
        new = Keys({})
        new._owner = self._owner.copy()
        new._doi = self._doi.copy()
        return new

    def by_doi(self, doi: str | None) -> str | None:
        return self._doi.get(doi.lower()) if doi else None

    def hold(self, paper: Paper, pid: str) -> None:
        """Note a paper's DOI and key as taken by it."""
        if paper.doi:
            self._doi.setdefault(paper.doi.lower(), pid)
        for key in [paper.bibkey or "", *paper.bibkey_aliases]:
            if key:
                self._owner.setdefault(fold(key), pid)

    def alias(self, paper: Paper, key: str, where: str, warnings: list[str]) -> Paper:
        """A merged duplicate's key, kept as another key of `paper` (so documents citing
        it still compile) unless it is unusable or another paper holds it."""
        if fold(key) in map(fold, [paper.bibkey or "", *paper.bibkey_aliases]):
            return paper  # one of its keys already, as BibTeX sees keys
        owner = self._owner.get(fold(key), paper.id)
        if owner != paper.id or not valid_key(key):
            why = "another paper holds it" if owner != paper.id else "BibTeX cannot use it"
            warnings.append(
                f"{where}key {key} not kept ({why}): the paper is cited as {paper.bibkey}"
            )
            return paper
        self._owner[fold(key)] = paper.id
        warnings.append(f"{where}key {key} kept as an alias of {paper.bibkey}")
        return paper.replace(bibkey_aliases=[*paper.bibkey_aliases, key])

    def reclaim(self, paper: Paper, keys: list[str]) -> Paper:
        """A deleted paper arriving again gets back the keys it had (each still its own):
        the first is its key unless it brought one, the others are aliases."""
        if not keys:
            return paper
        bibkey, aliases = paper.bibkey, list(paper.bibkey_aliases)
        have = {fold(k) for k in [bibkey or "", *aliases]}
        for key in keys:
            if fold(key) in have or self._owner.get(fold(key), paper.id) != paper.id:
                continue
            if bibkey is None:
                bibkey = key
            else:
                aliases.append(key)
            have.add(fold(key))
        return paper.replace(bibkey=bibkey, bibkey_aliases=aliases)

    def claim(self, key: str, pid: str, where: str, warnings: list[str]) -> str | None:
        """The entry's own key if free, else the key with a suffix; reported either way."""
        if not valid_key(key):
            warnings.append(
                f"{where}key {key!r} has characters BibTeX cannot use; a new one is made"
            )
            return None
        chosen, n = key, 0
        while self._owner.get(fold(chosen), pid) != pid:
            chosen = key + suffix(n)
            n += 1
        if chosen != key:
            warnings.append(f"{where}key {key} is taken by another paper; stored as {chosen}")
        self._owner[fold(chosen)] = pid
        return chosen
