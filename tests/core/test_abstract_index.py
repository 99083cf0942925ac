"""The inverted index of abstract words answers search's substring rule exactly.

Unit level: `Postings.containing(w)` is `w in text` for every abstract, built from
scratch or merged into a previous build, and a phrase's candidates hold every paper the
phrase is in. Command level: the search ranking by the sidecar index is the ranking of
`search.rank` over the documents (the current SearchIndex), on the seeds and on
synthetic text, with papers changed, added and removed since the index was written."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import abstracts
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.model import Paper
from readlist.query import abstract_text
from readlist.search import rank
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS

SEED_TEXTS = [
    abstract_text(doc)
    for doc in (
        Paper(id="x", title="x", abstract=line).to_doc()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text().split("\n\n")
        if len(line) > 200
    )
]
SEED_WORDS = sorted({w for text in SEED_TEXTS for w in text.split()})
_LETTERS = "abcdeé"

words = st.one_of(
    st.sampled_from(SEED_WORDS),
    st.text(_LETTERS, min_size=1, max_size=4),
)
texts = st.one_of(
    st.sampled_from(SEED_TEXTS),
    st.lists(words, max_size=30).map(lambda ws: abstract_text({"abstract": " ".join(ws)})),
)


def probes(data: st.DataObject, corpus: list[str]) -> list[str]:
    """Query words: pieces of the corpus's words, and words from nowhere."""
    out = []
    for _ in range(8):
        source = data.draw(st.sampled_from(corpus)) if corpus else ""
        tokens = source.split()
        if data.draw(st.booleans()) and tokens:
            token = data.draw(st.sampled_from(tokens))
            lo = data.draw(st.integers(0, max(0, len(token) - 1)))
            hi = data.draw(st.integers(lo + 1, len(token)))
            out.append(token[lo:hi])
        else:
            out.append(data.draw(st.text(_LETTERS, min_size=1, max_size=5)))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_postings_answer_the_substring_rule(data: st.DataObject) -> None:
    corpus = data.draw(st.lists(texts, max_size=70))
    built = abstracts.build(len(corpus), dict(enumerate(corpus)))
    # A later build: some papers changed, some removed, some added, the rest merged in.
    n = len(corpus)
    changed = {i for i in range(n) if data.draw(st.integers(0, 4)) == 0}
    removed = {i for i in range(n) if i not in changed and data.draw(st.integers(0, 6)) == 0}
    kept = [i for i in range(n) if i not in removed]
    later = [data.draw(texts) if i in changed else corpus[i] for i in kept]
    later += data.draw(st.lists(texts, max_size=5))
    old_to_new = np.full(n, -1, np.int64)
    for new, old in enumerate(kept):
        if old not in changed:
            old_to_new[old] = new
    fresh = {i: t for i, t in enumerate(later) if i >= len(kept) or kept[i] in changed}
    merged = abstracts.build(len(later), fresh, built, old_to_new)
    for postings, texts_now in ((built, corpus), (merged, later)):
        for word in probes(data, texts_now):
            found = np.flatnonzero(postings.containing(word)).tolist()
            assert found == [i for i, t in enumerate(texts_now) if word in t], word
        for phrase in (" ".join(probes(data, texts_now)[:k]) for k in (2, 3)):
            pattern = re.compile(r"\s+".join(map(re.escape, phrase.split())))
            candidates = set(np.flatnonzero(postings.phrase_candidates(phrase)).tolist())
            assert {i for i, t in enumerate(texts_now) if pattern.search(t)} <= candidates


def test_a_merged_build_answers_as_a_build_from_scratch() -> None:
    """Bitmaps (words in more than 1/32 of the papers) and lists, moved and merged."""
    rng = random.Random(5)
    corpus = [rng.choice(SEED_TEXTS) for _ in range(300)]
    first = abstracts.build(len(corpus), dict(enumerate(corpus)))
    assert len(first.bits) > 20
    later = [rng.choice(SEED_TEXTS) for _ in range(40)] + corpus[::2] + ["the end"]
    old_to_new = np.full(len(corpus), -1, np.int64)
    old_to_new[::2] = np.arange(40, 40 + len(corpus[::2]))
    fresh = {i: later[i] for i in [*range(40), len(later) - 1]}
    merged = abstracts.build(len(later), fresh, first, old_to_new)
    scratch = abstracts.build(len(later), dict(enumerate(later)))
    for word in ["the", "of", "model", "diffusion", "e", "end", "ing", "zzz"]:
        expected = [i for i, t in enumerate(later) if word in t]
        assert np.flatnonzero(merged.containing(word)).tolist() == expected, word
        assert np.flatnonzero(scratch.containing(word)).tolist() == expected, word


def synthetic(rng: random.Random, n: int) -> list[Paper]:
    vocab = [*SEED_WORDS, "café", "naïve", "x", "ab", "über-model", "v2", "GPT-4o"]
    vocab += ["C++", "C#", "(F#)", "C++17", "libc++", "c"]  # words of symbols
    papers = []
    for i in range(n):
        title = " ".join(rng.choices(vocab, k=rng.randint(3, 8)))
        abstract = " ".join(rng.choices(vocab, k=rng.randint(0, 60)))
        abstract = abstract.replace(" ", rng.choice([" ", ", ", "  ", " - "]), 3)
        papers.append(
            Paper(
                id=f"s{i:05d}",
                title=title,
                abstract=abstract,
                upvotes=rng.randint(0, 50),
                tags=rng.sample(["t1", "llm", "video"], rng.randint(0, 2)),
                notes=rng.choice(["", "", "about diffusion models"]),
                added=f"2026-11-{rng.randint(1, 20):02d}T00:00:00+00:00",
            )
        )
    return papers


@pytest.fixture(scope="module")
def indexed_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("abstracts") / "lib.json"
    rng = random.Random(16)
    with Store(path) as store:
        import_texts(store, read_inputs([str(SEEDS)]), AS_OF, NOW)
        store.compact()  # an index from scratch
        store.put(synthetic(rng, 400))
        store.compact()  # merged into it; then changes it has not seen:
        ids = list(store.records())
        store.put(store.get(i).replace(abstract="changed: video diffusion café") for i in ids[:5])
        store.put(store.get(i).replace(starred=True) for i in ids[5:9])
        store.remove(ids[9:12])
        store.put(synthetic(random.Random(17), 20))
    return path


QUERY_WORDS = st.one_of(
    st.sampled_from(SEED_WORDS),
    st.sampled_from(["video", "diffusion", "café", "cafe", "naive", "model", "the", "ab"]),
    st.sampled_from(["c++", "C#", "f#", "c++17", "cpp", "c", "sharp"]),
    st.text("abcdeilmnorstuv", min_size=1, max_size=7),
)


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.integers(0, 5))
        word = draw(QUERY_WORDS)
        if kind == 0:
            parts.append(f'"{word} {draw(QUERY_WORDS)}"')
        elif kind == 1:
            parts.append(f"-{word}")
        elif kind == 2:
            parts.append(draw(st.sampled_from(["tag:t1", "is:starred", "-is:read", "is:noted"])))
        else:
            parts.append(word[: draw(st.integers(1, len(word)))])
    return " ".join(parts)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_search_by_the_index_ranks_as_search_over_the_documents(
    indexed_library: Path, query: str
) -> None:
    with Store(indexed_library, indexed=True) as store:
        assert store._storage.by_index
        view = store.view()
        by_index = [view.ids[r] for r in view.rank(query, None, NOW)]
    with Store(indexed_library) as store:
        assert by_index == rank(store.records(), query, now=NOW)


# A phrase is first looked for in an ASCII paper's stored bytes (viewcolumns._raw_phrase):
# that may only ever say no where the processed abstract cannot hold the phrase, whatever
# JSON escapes (\n, \t, \", \\) or punctuation stand between its words.
GAPS = [" ", "  ", "\n", "\t", '"', "\\", "-", "_", "/", ", ", ".\n\n", " \\u ", "\\n"]
PHRASE_WORDS = ["text", "to", "video", "Nu", "U0001", "n", "state", "of", "the", "art", "x1"]
PHRASE_WORDS += ["C++", "c#", "cpp", "c", "p"]  # the stored bytes spell "cpp" as C++


def gapped(rng: random.Random, n: int) -> list[Paper]:
    out = []
    for i in range(n):
        parts = []
        for _ in range(rng.randint(3, 12)):
            parts += [rng.choice(PHRASE_WORDS), rng.choice(GAPS)]
        text = "".join(parts)
        out.append(Paper(f"g{i:03d}", f"Gapped {i}", abstract=text.upper() if i % 5 == 0 else text))
    return out


@pytest.fixture(scope="module")
def gapped_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gapped") / "lib.json"
    with Store(path) as store:
        store.put(gapped(random.Random(3), 300))
        store.compact()
    return path


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PHRASE_WORDS), min_size=2, max_size=3),
    st.sampled_from(['"{}"', "{}", "video -{}"]),
    st.sampled_from([" ", "-"]),
)
def test_a_phrase_in_abstracts_by_the_index_is_the_rule_over_the_documents(
    gapped_library: Path, words: list[str], form: str, joiner: str
) -> None:
    phrase = joiner.join(words) if form != '"{}"' else " ".join(words)
    query = form.format(phrase)
    with Store(gapped_library, indexed=True) as store:
        view = store.view()
        assert view.base is not None
        by_index = [view.ids[r] for r in view.rank(query, None, NOW)]
    with Store(gapped_library) as store:
        assert by_index == rank(store.records(), query, now=NOW)
