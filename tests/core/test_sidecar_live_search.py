"""The TUI's search index, built by its job from the sidecar's columns and abstract
postings (no copy of every abstract), finds what the core search finds: every query,
abstracts included, before and after edits, an import and a paper removed."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.model import Paper
from readlist.search import SearchIndex, rank
from readlist.session import Session
from readlist.store import Store
from tests.conftest import AS_OF, CLOCK, NOW, SEEDS

LISTING = (
    "Daily Papers\n\nA late arrival about reward shaping\n\n"
    "We study zygomorphic quokkas and video diffusion in the wild.\n"
)

# C++, C# and F# are words of their own (tests/core/test_search_symbols.py).
SYMBOLS = [
    Paper("sym0001", "Tensor kernels in C++", abstract="We write C++17 templates, and F# too."),
    Paper("sym0002", "Kernels for C compilers", abstract="A port of libc++ to C#."),
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    with Store(path) as store:
        import_listings(store, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
        store.put(SYMBOLS)
        store.compact()  # writes the sidecar
    return path


def abstract_words(store: Store) -> list[str]:
    """Words that occur in abstracts only (not in any title, tag or note)."""
    elsewhere = " ".join(
        f"{r['title']} {' '.join(r.get('tags') or [])} {r.get('notes') or ''}"
        for r in store.records().values()
    ).lower()
    words: list[str] = []
    for record in store.records().values():
        for word in (record.get("abstract") or "").lower().split():
            if word.isalpha() and len(word) > 6 and word not in elsewhere and word not in words:
                words.append(word)
    return words[:6]


def queries(store: Store) -> list[str]:
    only = abstract_words(store)
    assert len(only) >= 3  # the seeds have abstracts with words of their own
    return [
        *only,
        only[0][:4],  # a prefix: the substring rule
        f"{only[0]} {only[1]}",
        "diffusion",
        "video diff",
        "model -diffusion",
        '"in the"',
        "quokkas",
        "zygomorph",
        "reward quokkas",
        "tag:ml model",
        "zzzz",
        *typed(store),
    ]


def typed(store: Store) -> list[str]:
    """What people type: prefixes as the keys go in, typos (a swap, a letter dropped or
    doubled), several words, tags and states, punctuation, quotes."""
    titles = [r["title"] for r in store.records().values()]
    words = sorted({w.lower() for t in titles for w in t.split() if w.isalpha() and len(w) > 6})
    picked = words[:: max(1, len(words) // 12)][:12]
    assert len(picked) >= 8
    out: list[str] = []
    for w in picked:
        out += [w[:1], w[:3], w[:5], w]
        out += [w[:2] + w[3] + w[2] + w[4:], w[:3] + w[4:], w[:4] + w[3:], w.upper()]
    out += [f"{a} {b}" for a, b in zip(picked, picked[3:], strict=False)][:6]
    out += [f"{a[:4]} {b[:3]}" for a, b in itertools.pairwise(picked)][:4]
    return [
        *out,
        "gpt-4",
        "GPT-4o",
        "c++",
        "C#",
        "f#",
        "c++17",
        "cpp",
        "kernels -c++",
        "-c# kernels",
        '"c++17 templates"',
        '"in c++"',
        "vision-language",
        "llama.cpp",
        "dr.llm",
        "real-time video",
        '"video diffusion"',
        '"vision language" model',
        '"gpt-4"',
        '-"in the" model',
        "model -video -diffusion",
        "tag:ml",
        "-tag:ml diffusion",
        "is:unread video",
        "is:starred",
        "-is:read model",
        "year:2025 video",
        "year:2023..2024 -model",
        "ünïcödé café",
        "a of the",
        "x",
    ]


def compare(session: Session, store: Store) -> int:
    """Assert the session finds what `search.rank` finds; how many abstract-only hits."""
    records = dict(store.records())
    view = store.view()
    found = 0
    for query in queries(store):
        want = rank(records, query, now=NOW)
        assert session.apply_query(query) == want, query
        # What `readlist search` answers, by the same sidecar index.
        assert [view.ids[r] for r in view.rank(query, None, NOW)] == want, query
        found += len(want)
    session.apply_query("")
    return found


def built(session: Session) -> SearchIndex:
    live = session.live_index
    build = live.build()
    assert build.path is not None
    assert not build.records
    index = build.run()
    assert live.install(build, index)
    return index


def test_the_index_of_columns_answers_as_the_core_search_through_edits(library: Path) -> None:
    with Store(library, indexed=True) as store:
        assert store.by_index
        session = Session(store, CLOCK)
        index = built(session)
        # Built from the postings: no normalized copy of the abstracts is kept.
        assert index.abstracts_indexed
        assert index._abstracts == []
        assert compare(session, store) > 0

        ids = list(store.records())
        first, second, third = (store.get(i) for i in ids[:3])
        words = abstract_words(store)
        store.put(
            [
                first.replace(tags=["ml", "c#"], notes=f"see {words[0]} in C++"),
                second.replace(abstract=f"Now about quokkas only. {words[1]}"),
                third.replace(abstract="Nothing but F#.", title="Zygomorphic video diffusion"),
            ]
        )
        session.reindex(ids[:3])
        assert session.index is not index  # updated, not rebuilt
        compare(session, store)

        import_listings(store, [("late.txt", LISTING)], AS_OF, now=NOW)
        new = [i for i in store.records() if i not in ids]
        assert len(new) == 1
        session.reindex(new)
        assert session.apply_query("quokkas")[0] in (new[0], ids[1])
        compare(session, store)

        store.remove(ids[1:2])
        session.reindex(ids[1:2])
        session.recompute()
        compare(session, store)
