"""The distinct words of many texts, scored once per query word.

Titles share most of their words, so scoring the distinct words once and taking each
text's best word is several times cheaper than scoring every text. This is also where
a query word finds the words it matches with one typo (the rule itself is
readlist.query.word_matches; this finds the few candidates fast).
"""

from __future__ import annotations

import copy
import math
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
_ONE_CORE = 2000  # texts that one thread scores sooner than two
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
        self.masks = _frozen(letter_masks(self.words))
        self._prefixes = {cut: self._cut(cut, 0) for cut in _HEAD_CUTS}
        self._texts: TextsOf | None = None

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
        new.masks = _frozen(np.concatenate((self.masks, letter_masks(words[first:]))))
        new._prefixes = {}
        for cut, (picked, heads) in self._prefixes.items():
            more, more_heads = new._cut(cut, first)
            new._prefixes[cut] = (_frozen(np.concatenate((picked, more))), heads + more_heads)
        if self._texts is not None:
            new._texts = self._texts.extended(new.tokens[offset:], len(self.starts), new.starts)
        return new

    def scores(self, word: str, limit: int) -> Scores:
        """Each text's best score for `word` over its words (readlist.search explains the
        rules): every distinct word that may score is scored once. Which may is told by
        the letters it shares with `word` (`sharing`), so only a few are scored."""
        scores = np.zeros(len(self.words), np.uint8)
        words = self.words
        n = len(word)
        if limit >= 100:
            hits = [i for i in self.sharing(word, 0).tolist() if word in words[i]]
            scores[hits] = 100
        else:
            # A score of 200 * common / (n + m) >= limit, with at most m letters in
            # common (m: the length of what is compared), needs this many in common.
            common = math.ceil(limit * n / (200 - limit) - 1e-9)
            picked = self.sharing(word, n - common)
            longer = self.lengths[picked] >= n
            for part, scorer in ((longer, fuzz.partial_ratio), (~longer, fuzz.ratio)):
                ids = picked[part]
                if len(ids):
                    scores[ids] = cdist([words[i] for i in ids.tolist()], word, limit, scorer)
        np.maximum(scores, self.typos(word), out=scores)
        return self.best(scores)

    def sharing(self, word: str, missing: int) -> npt.NDArray[np.intp]:
        """The words that may have all but `missing` of the letters of `word` in common
        with it, in order (a subsequence, as LCS counts them): those that hold all
        but `missing` of its letters. Letters are told apart by `letter_masks`."""
        mask, slack = mask_of(word)
        need = int(np.bitwise_count(np.uint64(mask))) - missing * slack
        if need <= 0:
            return np.arange(len(self.words))
        shared = np.bitwise_count(self.masks & np.uint64(mask))
        return np.flatnonzero(shared >= need)

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
        self.masks = _frozen(letter_masks(words))
        self._prefixes = {cut: self._cut(cut, 0) for cut in _HEAD_CUTS} if heads else {}
        self._texts = TextsOf.build(len(words), tokens, starts) if heads else None
        return self

    def best(self, word_scores: Scores) -> Scores:
        """Each text's best score over its words: by the texts of the few words that
        score, where they are known (`heads`), else over every text's words."""
        if not len(self.starts):
            return np.zeros(0, np.uint8)
        scored = np.flatnonzero(word_scores)
        if self._texts is not None:
            return self._texts.best(scored, word_scores[scored], len(self.starts))
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
        # Only the words that hold all of its letters but one may be one edit away.
        mask, slack = mask_of(word)
        need = int(np.bitwise_count(np.uint64(mask))) - slack
        if need > 0:
            near = np.flatnonzero(np.bitwise_count(self.masks[picked] & np.uint64(mask)) >= need)
            picked = picked[near]
            heads = [heads[j] for j in near.tolist()]
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


class TextsOf:
    """Which texts hold each word (rows `rows[at[w]:at[w + 1]]`, ascending): a query
    word then costs the texts of the words it finds, not a pass over every word of
    every text. Immutable, like the vocabulary it belongs to."""

    def __init__(self, at: npt.NDArray[np.int64], rows: npt.NDArray[np.int32]) -> None:
        self.at = _frozen(at)
        self.rows = _frozen(rows)

    @classmethod
    def build(
        cls, words: int, tokens: npt.NDArray[np.int32], starts: npt.NDArray[np.int64]
    ) -> TextsOf:
        sizes = np.diff(np.append(starts, len(tokens)))
        owner = np.repeat(np.arange(len(starts), dtype=np.int32), sizes)
        order = np.argsort(tokens, kind="stable")
        return cls(_offsets(tokens, words), owner[order])

    def extended(
        self, tokens: npt.NDArray[np.int32], first: int, starts: npt.NDArray[np.int64]
    ) -> TextsOf:
        """With the texts from `first` on, whose words are `tokens` (`starts` are every
        text's): their rows come after every row there is, so each goes last in its
        word's list."""
        words = len(self.at) - 1
        size = max(words, int(tokens.max()) + 1 if len(tokens) else 0)
        sizes = np.diff(np.append(starts[first:], starts[first] + len(tokens)))
        owner = np.repeat(np.arange(first, len(starts), dtype=np.int32), sizes)
        order = np.argsort(tokens, kind="stable")
        at = np.concatenate((self.at, np.full(size - words, self.at[-1])))
        rows = np.insert(self.rows, at[tokens[order] + 1], owner[order])
        return TextsOf(at + _offsets(tokens, size), rows)

    def best(self, scored: npt.NDArray[np.intp], scores: Scores, n: int) -> Scores:
        """Each of `n` texts' best score over `scored` words (scoring `scores`)."""
        out = np.zeros(n, np.uint8)
        if not len(scored):
            return out
        first, sizes = self.at[scored], self.at[scored + 1] - self.at[scored]
        total = int(sizes.sum())
        # The positions of every listed row: each word's run, one after another.
        shift = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
        np.maximum.at(out, self.rows[shift + np.arange(total)], np.repeat(scores, sizes))
        return out


def _offsets(tokens: npt.NDArray[np.int32], words: int) -> npt.NDArray[np.int64]:
    """Where each word's run starts in the tokens sorted by word, and the end."""
    return np.concatenate(([0], np.cumsum(np.bincount(tokens, minlength=words)))).astype(np.int64)


# Letter masks: one bit per byte value of a word's UTF-8, a to z and 0 to 9 each a bit
# of their own, every other byte one of 28 bits shared by several.
def _bit_table() -> npt.NDArray[np.uint64]:
    bits = [
        b - 97 if 97 <= b <= 122 else b - 48 + 26 if 48 <= b <= 57 else 36 + b % 28
        for b in range(256)
    ]
    table = np.left_shift(np.uint64(1), np.asarray(bits, np.uint64))
    table[10] = 0  # the newline between words
    table.flags.writeable = False
    return table


_BITS = _bit_table()


def letter_masks(words: list[str]) -> npt.NDArray[np.uint64]:
    """Each word's letter mask: the bits of the bytes it holds (in one pass over the
    words joined by newlines, which no word holds)."""
    if not words:
        return np.zeros(0, np.uint64)
    data = np.frombuffer(("\n".join(words) + "\n").encode(), np.uint8)
    ends = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    masks: npt.NDArray[np.uint64] = np.bitwise_or.reduceat(_BITS[data], starts)
    return masks


def mask_of(word: str) -> tuple[int, int]:
    """The letter mask of `word`, and how many of its bits one letter of it may hold
    (its longest UTF-8 sequence): one letter missing costs at most that many."""
    data = word.encode()
    mask = 0
    for b in data:
        mask |= int(_BITS[b])
    return mask, 1 if len(data) == len(word) else max(len(c.encode()) for c in word)


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
    workers = -1 if len(texts) > _ONE_CORE else 1  # threads cost more than a few words
    matrix = process.cdist(
        texts, [word], scorer=scorer, score_cutoff=limit, dtype=np.uint8, workers=workers
    )
    return np.ascontiguousarray(matrix[:, 0])
