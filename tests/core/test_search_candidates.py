"""The title vocabulary scores only the words that may score (cut by their letters) and
takes each title's best by the titles of the words that scored: the scores must be
exactly those of scoring every word of every title, as search's rules say."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from readlist.query import TYPO_MIN, normalize, word_matches
from readlist.search import TYPO_SCORE, cutoff
from readlist.vocabulary import Vocabulary

POOL = (
    "video diffusion model models modeling llama cpp gpt 4o 4 vision language transformer "
    "transformers rlhf rl of a the streamdiffusionv2 agents agent cafe uber naive ober "
    "1x2747 1x27x47 x2747 27474 diffuse diffusing generation generative kernels c "
    "Ελληνικά 日本語 mañana zoë straße"
)


def reference(texts: list[str], word: str) -> npt.NDArray[np.uint8]:
    """Each text's best score for `word`, every word of it scored (search's rules)."""
    limit = cutoff(word)
    out = []
    for text in texts:
        best = 0
        for w in text.split() or [""]:
            if limit >= 100:
                score = 100 if word in w else 0
            else:
                scorer = fuzz.partial_ratio if len(w) >= len(word) else fuzz.ratio
                score = round(scorer(word, w, score_cutoff=limit))
            if len(word) >= TYPO_MIN and len(w) >= TYPO_MIN - 1 and word_matches(word, w):
                score = max(score, TYPO_SCORE)
            best = max(best, score)
        out.append(best)
    return np.asarray(out, np.uint8)


def typo(rnd: random.Random, word: str) -> str:
    """One edit: a letter dropped, added, changed, or two neighbours swapped."""
    i = rnd.randrange(len(word))
    edits = [
        word[:i] + word[i + 1 :],
        word[:i] + rnd.choice("aeioxz1") + word[i:],
        word[:i] + rnd.choice("aeioxz1") + word[i + 1 :],
        word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],
    ]
    return rnd.choice(edits)


def library(rnd: random.Random, n: int) -> list[str]:
    words = [normalize(w) for w in POOL.split()]
    return [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 7))) for _ in range(n)]


def queries(rnd: random.Random) -> list[str]:
    words = [normalize(w) for w in POOL.split()]
    out = [*words, "v", "vi", "vid", "vide", "diffu", "difusion", "vidoe", "agnet", "genratio"]
    out += [w[:k] for w in words for k in (1, 3, 5) if len(w) > k]
    out += [typo(rnd, w) for w in words if len(w) >= 4 for _ in range(3)]
    return list(dict.fromkeys(w for w in out if w))


def test_the_cut_vocabulary_scores_every_title_as_scoring_every_word_does() -> None:
    rnd = random.Random(16)
    texts = library(rnd, 400)
    plain = Vocabulary(texts)
    typing = Vocabulary.from_arrays(plain.words, plain.tokens, plain.starts, heads=True)
    checked = 0
    for word in queries(rnd):
        want = reference(texts, word)
        assert plain.scores(word, cutoff(word)).tolist() == want.tolist(), word
        assert typing.scores(word, cutoff(word)).tolist() == want.tolist(), word
        checked += int(want.any())
    assert checked > 100  # most queries find something: the comparison is not of zeros


def test_an_extended_vocabulary_scores_as_one_built_whole() -> None:
    rnd = random.Random(7)
    texts, more = library(rnd, 300), [*library(rnd, 60), "brandnew zqx", ""]
    plain = Vocabulary(texts)
    typing = Vocabulary.from_arrays(plain.words, plain.tokens, plain.starts, heads=True)
    whole = texts + more
    for word in [*queries(rnd)[::3], "brandnew", "brandnw", "zqx"]:
        want = reference(whole, word).tolist()
        assert plain.extended(more).scores(word, cutoff(word)).tolist() == want, word
        assert typing.extended(more).scores(word, cutoff(word)).tolist() == want, word
