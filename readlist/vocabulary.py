"""The distinct words of many texts, scored once per query word.

Titles share most of their words, so scoring the distinct words once and taking each
text's best word is several times cheaper than scoring every text. This is also where
a query word finds the words it matches with one typo (the rule itself is
readlist.query.word_matches; this finds the few candidates fast).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from readlist.query import TYPO_MIN, word_matches

TYPO_SCORE = 85  # a word found with one typo ranks below one found as typed
_HEAD_STEP = 4
_HEAD_CUTS = (8, 12, 16)  # for query words of 5-7, 8-11 and 12-15 letters
_CACHE_WORDS = 32
Scores = npt.NDArray[np.uint8]
WordScores = tuple[Scores, Scores, Scores]  # title, tags and notes, abstract (or NOT_YET)
NOT_YET: Scores = np.zeros(0, np.uint8)  # abstract scores not computed yet


class Vocabulary:
    """The distinct words of some texts, and each text's word ids (flat + starts).

    Immutable once built, so threads may share one: the typo candidates are cut here
    for query words up to 15 letters (`heads`), and `extended` makes a new vocabulary.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        vocab: dict[str, int] = {"": 0}  # so a text without words still has one
        tokens: list[int] = []
        starts: list[int] = []
        for text in texts:
            starts.append(len(tokens))
            tokens.extend(vocab.setdefault(w, len(vocab)) for w in (text.split() or [""]))
        self.words = list(vocab)
        self.lengths = _frozen(np.fromiter((len(w) for w in self.words), np.int64, len(self.words)))
        self.tokens = _frozen(np.asarray(tokens, np.int32))
        self.starts = _frozen(np.asarray(starts, np.int64))
        self._prefixes = {cut: self._cut(cut, 0) for cut in _HEAD_CUTS}

    def extended(self, texts: Iterable[str]) -> Vocabulary:
        """This vocabulary with `texts` appended (an import's new titles), at the cost of
        copying the word list, not of splitting every text again; this one stays as is."""
        ids = {w: i for i, w in enumerate(self.words)}
        words = list(self.words)
        tokens: list[int] = []
        starts: list[int] = []
        offset = len(self.tokens)
        for text in texts:
            starts.append(offset + len(tokens))
            for word in text.split() or [""]:
                token = ids.get(word)
                if token is None:
                    token = ids[word] = len(words)
                    words.append(word)
                tokens.append(token)
        new = copy.copy(self)
        first = len(self.words)
        new.words = words
        added = np.fromiter((len(w) for w in words[first:]), np.int64, len(words) - first)
        new.lengths = _frozen(np.concatenate((self.lengths, added)))
        new.tokens = _frozen(np.concatenate((self.tokens, np.asarray(tokens, np.int32))))
        new.starts = _frozen(np.concatenate((self.starts, np.asarray(starts, np.int64))))
        new._prefixes = {}
        for cut, (picked, heads) in self._prefixes.items():
            more, more_heads = new._cut(cut, first)
            new._prefixes[cut] = (_frozen(np.concatenate((picked, more))), heads + more_heads)
        return new

    def scores(self, word: str, limit: int) -> Scores:
        """Each text's best score for `word` over its words (readlist.search explains the
        rules): every distinct word is scored once."""
        scores = np.zeros(len(self.words), np.uint8)
        if limit >= 100:
            scores[:] = np.fromiter((word in v for v in self.words), bool, len(self.words)) * 100
        else:
            long_ = np.nonzero(self.lengths >= len(word))[0]
            short = np.nonzero(self.lengths < len(word))[0]
            for picked, scorer in ((long_, fuzz.partial_ratio), (short, fuzz.ratio)):
                if len(picked):
                    words = [self.words[i] for i in picked.tolist()]
                    scores[picked] = cdist(words, word, limit, scorer)
        np.maximum(scores, self.typos(word), out=scores)
        return self.best(scores)

    @classmethod
    def from_arrays(
        cls,
        words: list[str],
        tokens: npt.NDArray[np.int32],
        starts: npt.NDArray[np.int64],
        *,
        heads: bool = False,
    ) -> Vocabulary:
        """A vocabulary built before (the sidecar index holds the titles'); `heads`: cut
        the typo candidates now, as the constructor does (for an index searched as
        you type; a one-shot search cuts the one it needs)."""
        self = cls.__new__(cls)
        self.words = words
        self.lengths = np.fromiter((len(w) for w in words), np.int64, len(words))
        self.tokens = tokens
        self.starts = starts
        self._prefixes = {cut: self._cut(cut, 0) for cut in _HEAD_CUTS} if heads else {}
        return self

    def best(self, word_scores: Scores) -> Scores:
        """Each text's best score over its words."""
        if not len(self.starts):
            return np.zeros(0, np.uint8)
        return np.maximum.reduceat(word_scores[self.tokens], self.starts).astype(np.uint8)

    def typos(self, word: str) -> Scores:
        """TYPO_SCORE for the vocabulary words that `word` finds with one typo
        (the rule is readlist.query.word_matches)."""
        out = np.zeros(len(self.words), np.uint8)
        n = len(word)
        if n < TYPO_MIN:
            return out
        # One edit leaves at least n - 1 letters in common with the word, or with the
        # first n + 1 letters of a longer one (and so with any longer start of it): a
        # cheap test that leaves few words to check.
        picked, heads = self.heads(n)
        if heads:
            common = cdist(heads, word, n - 1, LCSseq.similarity)
            words = self.words
            for i in picked[common >= n - 1].tolist():
                if word_matches(word, words[i]):
                    out[i] = TYPO_SCORE
        return out

    def heads(self, n: int) -> tuple[npt.NDArray[np.intp], list[str]]:
        """The words that a query word of `n` letters may find with a typo, cut to a
        length of at least n + 1. Lengths come in steps of 4, so typing a word on
        reuses the same list (built with the vocabulary for words up to 15 letters)."""
        cut = _HEAD_STEP * ((n + _HEAD_STEP) // _HEAD_STEP)
        cached = self._prefixes.get(cut)
        return cached if cached is not None else self._cut(cut, 0)

    def _cut(self, cut: int, first: int) -> tuple[npt.NDArray[np.intp], list[str]]:
        """The words from `first` on that may carry a typo, and their first `cut` letters."""
        picked = np.nonzero(self.lengths[first:] >= TYPO_MIN - 1)[0] + first
        words = self.words
        return _frozen(picked), [words[i][:cut] for i in picked.tolist()]


def text_scores(texts: list[str], word: str, limit: int) -> Scores:
    """partial_ratio of `word` in every text, 0 below the cutoff; on both cores.

    At a cutoff of 100 that is plain substring search, which Python does faster.
    """
    if not texts:
        return np.zeros(0, np.uint8)
    if limit >= 100:
        found = np.fromiter((word in t for t in texts), bool, count=len(texts))
        return found.astype(np.uint8) * np.uint8(100)
    return cdist(texts, word, limit, fuzz.partial_ratio)


def containing(texts: list[str], word: str, cache: WordCache, shortest: int) -> Scores:
    """Which texts (abstracts) contain `word`, as typed; a phrase's spaces match any
    run of spaces. Only the texts holding a shorter cached word of it (of at least
    `shortest` letters) are scanned: typing one more letter narrows the last scan."""
    out = np.zeros(len(texts), np.uint8)
    narrower = [
        (w, found)
        for w, found in cache.abstract_words()
        if len(w) >= shortest and w in word and w != word
    ]
    if narrower:
        base = max(narrower, key=lambda pair: len(pair[0]))[1]
        candidates: Iterable[int] = np.nonzero(base)[0].tolist()
    else:
        candidates = range(len(texts))
    if " " in word:
        pattern = re.compile(r"\s+".join(map(re.escape, word.split())))
        hits = [i for i in candidates if pattern.search(texts[i])]
    else:
        hits = [i for i in candidates if word in texts[i]]
    out[hits] = 1
    return out


class WordCache:
    """What searching one index learned about each query word: typing one more letter
    then costs one word's work. A cache belongs to one thread (the session's to the UI
    thread); a worker's search gets a `copy` and hands it back to be merged. Scores are
    read-only arrays, so copies share them safely."""

    def __init__(self, index: object) -> None:
        self.index = index
        self._words: dict[str, WordScores] = {}

    def copy(self) -> WordCache:
        new = WordCache(self.index)
        new._words = dict(self._words)
        return new

    def merge(self, other: WordCache) -> None:
        """Keep the abstract scores `other` computed (a worker's full search)."""
        if other.index is not self.index:
            return
        for word, scores in other._words.items():
            mine = self._words.get(word)
            if scores[2] is not NOT_YET and (mine is None or mine[2] is NOT_YET):
                self.put(word, scores)

    def get(self, word: str) -> WordScores | None:
        return self._words.get(word)

    def put(self, word: str, scores: WordScores) -> None:
        for array in scores:
            array.flags.writeable = False
        if word not in self._words and len(self._words) >= _CACHE_WORDS:
            self._words.pop(next(iter(self._words)))
        self._words[word] = scores

    def abstract_words(self) -> list[tuple[str, Scores]]:
        """The words whose abstract scores are known, to narrow a longer word's scan."""
        return [(w, s[2]) for w, s in self._words.items() if s[2] is not NOT_YET]


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Read-only from now on: a shared array that nobody can write by mistake."""
    array.flags.writeable = False
    return array


def cdist(texts: list[str], word: str, limit: int, scorer: Any) -> Scores:
    """`scorer(word, text)` for every text, 0 below `limit`; on both cores."""
    matrix = process.cdist(
        texts, [word], scorer=scorer, score_cutoff=limit, dtype=np.uint8, workers=-1
    )
    return np.ascontiguousarray(matrix[:, 0])
