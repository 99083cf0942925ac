"""An inverted index of abstract words, answering search's substring rule exactly.

Search's rule for abstracts (readlist.search) is a substring rule: a query word of 3
or more characters must occur, as typed, in the abstract as `query.abstract_text`
makes it (lower case, accents off, every other character a space). A query word holds
no space, so it occurs there exactly when it occurs inside one of its words. So the
index keeps each abstract's distinct words: a query word finds the vocabulary words
that contain it (one C-level scan of the vocabulary, held as one newline-separated
blob) and takes the union of their papers. A phrase (`a b c`: `a` ending a word,
`b` a whole word, `c` starting the next) narrows to the papers that hold such words,
and the caller verifies those against their abstracts, which the index cannot.

Papers are row numbers. A word's papers are a sorted list of rows, or for a word in
more than 1/32 of the papers a bitmap (smaller then, and a fast union).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Rows = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]
BITMAP_SHARE = 32  # a word in more than 1/32 of the papers is kept as a bitmap


@dataclass(frozen=True)
class Postings:
    """Words (`blob` = "\\n" + words joined by "\\n" + "\\n", UTF-8; `starts[i]` is the
    byte where word i starts) and each word's papers: rows `rows[at[i]:at[i+1]]`,
    or, where `bitrow[i] >= 0`, the bitmap `bits[bitrow[i]]` (np.packbits of n rows)."""

    n: int
    blob: bytes
    starts: npt.NDArray[np.int64]
    at: npt.NDArray[np.int64]
    rows: Rows
    bitrow: npt.NDArray[np.int32]
    bits: npt.NDArray[np.uint8]  # shape (bitmaps, ceil(n / 8))

    @property
    def words(self) -> list[str]:
        return self.blob[1:-1].decode().split("\n") if len(self.blob) > 2 else []

    # Queries -------------------------------------------------------------------------
    def matching_words(self, pattern: bytes) -> list[int]:
        """The words in which the regex `pattern` (over the blob) matches."""
        if not len(self.starts):
            return []
        # A match's last byte lies in its word, or is the newline right after it.
        found = [m.end() - 1 for m in re.finditer(pattern, self.blob)]
        if not found:
            return []
        where = np.searchsorted(self.starts, np.asarray(found, np.int64), side="right") - 1
        # Matches come in order, so a word's are neighbours (and np.unique's first call
        # imports more of numpy: tens of milliseconds on a keystroke).
        first = np.ones(len(where), bool)
        first[1:] = where[1:] != where[:-1]
        out: list[int] = where[first].tolist()
        return out

    def union(self, words: Iterable[int]) -> Mask:
        """The papers holding any of `words`."""
        out = np.zeros(self.n, bool)
        acc: npt.NDArray[np.uint8] | None = None
        slices = []
        for w in words:
            b = int(self.bitrow[w])
            if b >= 0:
                acc = self.bits[b].copy() if acc is None else acc | self.bits[b]
            else:
                slices.append(self.rows[self.at[w] : self.at[w + 1]])
        if slices:
            out[np.concatenate(slices)] = True
        if acc is not None:
            out |= np.unpackbits(acc, count=self.n).astype(bool)
        return out

    def containing(self, word: str) -> Mask:
        """Papers with a word that contains `word` (which holds no whitespace)."""
        return self.union(self.matching_words(re.escape(word.encode())))

    def phrase_candidates(self, phrase: str) -> Mask:
        """Papers that may hold `phrase` (single-spaced words): one word ending with its
        first word, its middle words whole, one word starting with its last."""
        parts = [re.escape(p.encode()) for p in phrase.split()]
        patterns = [parts[0] + b"\n", *(b"\n" + p + b"\n" for p in parts[1:-1]), b"\n" + parts[-1]]
        out = np.ones(self.n, bool)
        for pattern in patterns:
            out &= self.union(self.matching_words(pattern))
            if not out.any():
                break
        return out

    # Building ----------------------------------------------------------------------
    def csr_pairs(self) -> tuple[Rows, Rows]:
        """(word, row) of every posting kept as a list, sorted by word."""
        words = np.repeat(np.arange(len(self.at) - 1, dtype=np.int32), np.diff(self.at))
        return words, self.rows


def tokens_of(texts: Mapping[int, str], vocab: dict[str, int]) -> tuple[Rows, Rows]:
    """(word, row) of each distinct word of each text, adding new words to `vocab`.

    Each text's words become ids at once, so only the distinct words of the whole
    library are ever held as strings (not one string per word of every abstract)."""
    ids = array("i")
    counts = array("q")
    get = vocab.__getitem__
    for text in texts.values():
        distinct = set(text.split())
        new = distinct.difference(vocab)  # iterates `distinct`, looking each up in vocab
        if new:
            for word in sorted(new):  # ids do not depend on string hashing: reproducible
                vocab[word] = len(vocab)
        ids.extend(map(get, distinct))
        counts.append(len(distinct))
    rows = np.repeat(np.fromiter(texts, np.int32, count=len(texts)), np.asarray(counts, np.int64))
    return np.asarray(ids, np.int32), rows


def build(
    n: int,
    texts: Mapping[int, str],
    old: Postings | None = None,
    old_to_new: npt.NDArray[np.int64] | None = None,
) -> Postings:
    """Postings for `n` papers: the words of `texts` (row -> abstract_text), plus the
    postings of `old` whose rows `old_to_new` maps to a row (-1: dropped).

    From scratch, every (word, paper) pair is sorted by word once. With `old`, its
    postings are kept in place and the few new pairs merged in (one linear pass); its
    bitmaps stay bitmaps. Words that no paper holds any more stay in the vocabulary
    until the next build from scratch (a compaction without a usable index)."""
    if old is None or old_to_new is None:
        vocab: dict[str, int] = {}
        words, rows = _by_word(*tokens_of(texts, vocab))
        return _assemble(n, list(vocab), words, rows)
    vocab = {w: i for i, w in enumerate(old.words)}
    new_words, new_rows = _by_word(*tokens_of(texts, vocab))
    in_bitmap = np.zeros(len(vocab), bool)
    in_bitmap[: len(old.bitrow)] = old.bitrow >= 0
    to_bits = in_bitmap[new_words]
    # Lists: the old pairs (sorted by word) that still have a row, with the new merged in.
    words, old_rows = old.csr_pairs()
    moved = old_to_new[old_rows]
    keep = moved >= 0
    words, rows = words[keep], moved[keep].astype(np.int32)
    add_w, add_r = new_words[~to_bits], new_rows[~to_bits]
    at = np.searchsorted(words, add_w, side="right") + np.arange(len(add_w))
    merged_w = np.empty(len(words) + len(add_w), np.int32)
    merged_r = np.empty(len(merged_w), np.int32)
    mask = np.ones(len(merged_w), bool)
    mask[at] = False
    merged_w[at], merged_r[at] = add_w, add_r
    merged_w[mask], merged_r[mask] = words, rows
    counts = np.bincount(merged_w, minlength=len(vocab))
    starts = np.zeros(len(vocab) + 1, np.int64)
    np.cumsum(counts, out=starts[1:])
    # Bitmaps: each old bitmap's rows moved to their new places, then the new rows set.
    bitrow = np.full(len(vocab), -1, np.int32)
    bitrow[: len(old.bitrow)] = old.bitrow
    bits = _moved_bits(old, n, old_to_new)
    for w, r in zip(new_words[to_bits].tolist(), new_rows[to_bits].tolist(), strict=True):
        b = int(bitrow[w])
        bits[b, r >> 3] |= np.uint8(0x80 >> (r & 7))
    blob, word_starts = _blob(list(vocab))
    return Postings(n, blob, word_starts, starts, merged_r, bitrow, bits)


def _by_word(words: Rows, rows: Rows) -> tuple[Rows, Rows]:
    """The (word, row) pairs sorted by word, then row. A pair is unique (a text's words
    are distinct), so one plain sort of word << 32 | row does it: several times faster
    than a stable argsort by word and two gathers (a second of a first index at 100k)."""
    pairs = (words.astype(np.int64) << 32) | rows.astype(np.int64)
    pairs.sort()
    return (pairs >> 32).astype(np.int32), pairs.astype(np.int32)


def _moved_bits(old: Postings, n: int, old_to_new: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
    """`old.bits` with each row moved to `old_to_new[row]` (-1: cleared), for n rows."""
    width = (n + 7) // 8
    out = np.zeros((len(old.bits), width), np.uint8)
    kept = np.flatnonzero(old_to_new >= 0)
    target = old_to_new[kept]
    for lo in range(0, len(old.bits), 64):  # 64 bitmaps at a time: a few MB unpacked
        chunk = np.unpackbits(old.bits[lo : lo + 64], axis=1, count=old.n).astype(bool)
        moved = np.zeros((len(chunk), n), bool)
        moved[:, target] = chunk[:, kept]
        out[lo : lo + 64] = np.packbits(moved, axis=1)
    return out


def _blob(words: list[str]) -> tuple[bytes, npt.NDArray[np.int64]]:
    """The words as one newline-separated UTF-8 blob, and where each starts in it."""
    blob = ("\n" + "\n".join(words) + "\n").encode() if words else b"\n"
    lengths = np.fromiter((len(w.encode()) + 1 for w in words), np.int64, count=len(words))
    starts = np.ones(len(words), np.int64)
    if len(words) > 1:
        starts[1:] += np.cumsum(lengths[:-1])
    return blob, starts


def _assemble(n: int, words: list[str], pair_words: Rows, pair_rows: Rows) -> Postings:
    """Postings from (word, row) pairs sorted by word; frequent words as bitmaps."""
    counts = np.bincount(pair_words, minlength=len(words))
    used = np.nonzero(counts)[0]  # words no paper holds any more are dropped
    kept = [words[i] for i in used.tolist()]
    counts = counts[used]
    at = np.zeros(len(kept) + 1, np.int64)
    np.cumsum(counts, out=at[1:])
    width = (n + 7) // 8
    big = np.nonzero(counts * BITMAP_SHARE > n)[0] if n >= BITMAP_SHARE else np.zeros(0, np.int64)
    bitrow = np.full(len(kept), -1, np.int32)
    bits = np.zeros((len(big), width), np.uint8)
    small = np.ones(len(pair_rows), bool)
    mask = np.zeros(n, bool)
    for b, w in enumerate(big.tolist()):
        bitrow[w] = b
        lo, hi = int(at[w]), int(at[w + 1])
        mask[:] = False
        mask[pair_rows[lo:hi]] = True
        bits[b] = np.packbits(mask)
        small[lo:hi] = False
    rows = pair_rows
    if len(big):
        counts[big] = 0
        np.cumsum(counts, out=at[1:])
        rows = pair_rows[small]
    blob, starts = _blob(kept)
    return Postings(n, blob, starts, at, rows.astype(np.int32), bitrow, bits)
