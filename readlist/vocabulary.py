"""The distinct words of many texts, scored once per query word.

Titles share most of their words, so scoring the distinct words once and taking each
text's best word is several times cheaper than scoring every text. This is also where
a query word finds the words it matches with one typo (the rule itself is
readlist.query.word_matches; this finds the few candidates fast).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from readlist.query import TYPO_MIN, word_matches

TYPO_SCORE = 85  # a word found with one typo ranks below one found as typed
_CACHE_HEADS = 4
_HEAD_STEP = 4
Scores = npt.NDArray[np.uint8]


class Vocabulary:
    """The distinct words of some texts, and each text's word ids (flat + starts)."""

    def __init__(self, texts: Iterable[str]) -> None:
        vocab: dict[str, int] = {"": 0}  # so a text without words still has one
        tokens: list[int] = []
        starts: list[int] = []
        for text in texts:
            starts.append(len(tokens))
            tokens.extend(vocab.setdefault(w, len(vocab)) for w in (text.split() or [""]))
        self.words = list(vocab)
        self.lengths = np.fromiter((len(w) for w in self.words), np.int64, len(self.words))
        self.tokens = np.asarray(tokens, np.int32)
        self.starts = np.asarray(starts, np.int64)
        self._prefixes: dict[int, tuple[npt.NDArray[np.intp], list[str]]] = {}

    @classmethod
    def from_arrays(
        cls, words: list[str], tokens: npt.NDArray[np.int32], starts: npt.NDArray[np.int64]
    ) -> Vocabulary:
        """A vocabulary built before (the sidecar index holds the titles')."""
        self = cls.__new__(cls)
        self.words = words
        self.lengths = np.fromiter((len(w) for w in words), np.int64, len(words))
        self.tokens = tokens
        self.starts = starts
        self._prefixes = {}
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
        reuses the same list (built once, in the index's warm-up for most words)."""
        cut = _HEAD_STEP * ((n + _HEAD_STEP) // _HEAD_STEP)
        cached = self._prefixes.get(cut)
        if cached is None:
            picked = np.nonzero(self.lengths >= TYPO_MIN - 1)[0]
            words = self.words
            cached = (picked, [words[i][:cut] for i in picked.tolist()])
            if len(self._prefixes) >= _CACHE_HEADS:
                self._prefixes.pop(next(iter(self._prefixes)))
            self._prefixes[cut] = cached
        return cached


def cdist(texts: list[str], word: str, limit: int, scorer: Any) -> Scores:
    """`scorer(word, text)` for every text, 0 below `limit`; on both cores."""
    matrix = process.cdist(
        texts, [word], scorer=scorer, score_cutoff=limit, dtype=np.uint8, workers=-1
    )
    return np.ascontiguousarray(matrix[:, 0])
