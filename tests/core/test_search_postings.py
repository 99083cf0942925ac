"""The TUI's search index answers abstracts from an inverted index of their words
(`SearchIndex(..., abstract_index=True)`): every search answers exactly what the scan
answers, as typed letter by letter, for phrases and exclusions, and after the index is
`updated` with changed abstracts and new papers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readlist.cli import main
from readlist.query import QueryError
from readlist.search import SearchIndex
from readlist.store import Store
from tests.conftest import NOW, SEEDS

WORDS = [
    "diffusion",
    "video generation",
    '"language model"',
    '"of the"',
    "model -video",
    'agents -"reinforcement learning"',
    "café",
    "learn",
    "tion",
    "xqz",
    "the",
    "tag:t1 model",
    "neural  network",
]


def typed(query: str) -> list[str]:
    """What the box holds after each key."""
    return [query[:i] for i in range(1, len(query) + 1)]


def answer(index: SearchIndex, records: dict[str, dict[str, Any]], text: str) -> object:
    try:
        return index.search_ids(text, records=records, now=NOW)
    except QueryError as exc:  # half a filter or an open quote, as typed
        return str(exc)


def same_answers(records: dict[str, dict[str, Any]], fast: SearchIndex, plain: SearchIndex) -> None:
    found = 0
    for query in WORDS:
        for text in typed(query):
            got = answer(fast, records, text)
            assert got == answer(plain, records, text), text
            found += isinstance(got, list) and len(got) > 0
    assert found > 50


@pytest.fixture
def records(tmp_path: Path) -> dict[str, dict[str, Any]]:
    lib = tmp_path / "lib.json"
    for seed in ("002_3c55a4b56f8e4387.txt", "004_097c14f588d18b51.txt"):
        assert main(["--db", str(lib), "import", str(SEEDS / seed)]) == 0
    with Store(lib) as store:
        return {pid: dict(doc) for pid, doc in store.records().items()}


def test_the_abstract_index_answers_what_the_scan_answers(
    records: dict[str, dict[str, Any]],
) -> None:
    fast = SearchIndex(records, abstract_index=True)
    assert fast._postings is not None
    same_answers(records, fast, SearchIndex(records))


def test_after_updates_too(records: dict[str, dict[str, Any]]) -> None:
    fast = SearchIndex(records, abstract_index=True)
    plain = SearchIndex(records)
    ids = list(records)
    changed = {
        ids[0]: "A café of neural network diffusion, video generation.",
        ids[1]: "",  # an abstract emptied: it no longer holds its words
        ids[2]: "the language\tmodel of the agents; no reinforcement learning here",
    }
    for pid, abstract in changed.items():
        records[pid] = {**records[pid], "abstract": abstract}
    records[ids[3]] = {**records[ids[3]], "tags": ["t1"]}
    new = {
        "new0001": {"title": "Appended", "abstract": "xqz diffusion of the language model"},
        "new0002": {"title": "Another", "abstract": "video generation learning agents"},
    }
    records.update(new)
    touched = [*changed, ids[3], *new]
    fast, plain = fast.updated(records, touched), plain.updated(records, touched)
    assert fast._postings is not None
    same_answers(records, fast, plain)
    # A second update on top of the first: both changes stay known.
    records[ids[0]] = {**records[ids[0]], "abstract": "nothing left"}
    fast, plain = fast.updated(records, [ids[0]]), plain.updated(records, [ids[0]])
    same_answers(records, fast, plain)
