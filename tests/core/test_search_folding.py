"""Search folds accents on both sides, and an exact title match ranks first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.model import Paper
from readlist.search import SearchIndex, rank
from readlist.session import Session
from readlist.store import Store
from tests.conftest import CLOCK, NOW

ACCENTED = [
    Paper("cafe", "Café Culture in Vienna", added="2026-01-01T00:00"),
    Paper("uni", "Ünïcödé Everywhere", added="2026-01-02T00:00"),
    Paper("plain", "Cafe Society and Naive Physics", added="2026-01-03T00:00"),
    Paper("nfd", "Re\u0301sume\u0301 Parsing", added="2026-01-04T00:00"),  # decomposed
    Paper(
        "abs",
        "Unrelated Title",
        abstract="A naïve approach to façade detection.",
        authors=["José Müller", "Zoë Ørsted"],
        added="2026-01-05T00:00",
    ),
    Paper(
        "note",
        "Another Title",
        tags=["économie"],
        notes="see the Ångström note",
        added="2026-01-06T00:00",
    ),
    Paper(
        "latin",
        "Bridges over the Øresund",
        authors=["Đặng Văn Lâm", "Łucja Łódź"],
        added="2026-01-07T00:00",
    ),
]


@pytest.fixture
def accented(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "lib.json") as store:
        store.put(ACCENTED)
        yield store


def find(store: Store, query: str) -> list[str]:
    return rank(store.records(), query, now=NOW)


def test_plain_letters_find_accented_titles(accented: Store) -> None:
    assert find(accented, "cafe")[:2] == ["cafe", "plain"]
    assert find(accented, "unicode") == ["uni"]
    assert find(accented, "resume") == ["nfd"]  # NFD text, NFC-free query
    assert find(accented, '"cafe culture"') == ["cafe"]


def test_accented_queries_find_plain_and_accented_text(accented: Store) -> None:
    assert find(accented, "café")[:2] == ["cafe", "plain"]
    assert find(accented, "Ünïcödé") == ["uni"]
    assert find(accented, "résumé") == ["nfd"]
    assert find(accented, "naïve") == ["plain", "abs"]  # title, then abstract


def test_tags_notes_abstracts_and_authors_fold_too(accented: Store) -> None:
    assert find(accented, "economie") == ["note"]
    assert find(accented, "angstrom") == ["note"]
    assert find(accented, "facade") == ["abs"]
    assert find(accented, "author:muller") == ["abs"]
    assert find(accented, "author:jose") == ["abs"]
    assert find(accented, "author:zoe") == ["abs"]
    assert find(accented, "tag:economie") == ["note"]  # a tag filter folds accents too
    assert find(accented, "tag:ÉCONOMIE") == ["note"]
    assert find(accented, "author:dang") == ["latin"]  # Đ, Ł, Ø have no accent to drop
    assert find(accented, "author:lodz") == ["latin"]
    assert find(accented, "author:orsted") == ["abs"]
    assert find(accented, "oresund") == ["latin"]
    assert find(accented, "-cafe -unicode -resume -economie -facade -oresund") == []


def test_the_cli_search_folds(accented: Store, capsys: pytest.CaptureFixture[str]) -> None:
    accented.close()
    assert main(["--db", str(accented.path), "search", "cafe"]) == 0
    out = capsys.readouterr().out
    assert "Café Culture in Vienna" in out
    assert main(["--db", str(accented.path), "search", "unicode"]) == 0
    assert "Ünïcödé Everywhere" in capsys.readouterr().out


DEEP = [
    # Titles that all contain both words; more upvotes than the exact title, which
    # used to be ranked 7th for "deep learning".
    Paper("d1", "Deep Learning for Video Understanding", upvotes=90),
    Paper("d2", "Learning Deep Representations of Graphs", upvotes=80),
    Paper("d3", "A Survey of Deep Learning Optimisers", upvotes=70),
    Paper("d4", "Deep Reinforcement Learning at Scale", upvotes=60),
    Paper("d5", "Learning Deep Features for Audio", upvotes=50),
    Paper("d6", "Deep Learning: A Practical Guide", upvotes=40),
    Paper("exact", "Deep Learning", upvotes=1),
    Paper("other", "Shallow Networks", abstract="not deep learning at all", upvotes=99),
]


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "deep.json") as store:
        store.put(DEEP)
        yield store


@pytest.mark.parametrize(
    "query",
    ["deep learning", "Deep Learning", "DEEP   learning", "'deep learning'"],
)
def test_an_exact_title_ranks_first(deep: Store, query: str) -> None:
    found = find(deep, query)
    assert found[0] == "exact"
    assert set(found[1:7]) == {"d1", "d2", "d3", "d4", "d5", "d6"}  # the rest as before
    assert found[-1] == "other"  # abstract matches stay last


def test_a_word_of_parts_ranks_its_exact_title_first_and_is_a_phrase(deep: Store) -> None:
    found = find(deep, "deep-learning")
    assert found[0] == "exact"
    assert set(found[1:4]) == {"d1", "d3", "d6"}  # "deep learning" in this order only
    assert found[4:] == ["other"]


def test_an_exact_title_ranks_first_with_accents_folded(tmp_path: Path) -> None:
    with Store(tmp_path / "lib.json") as store:
        store.put(
            [
                Paper("long", "Café Culture and Society", upvotes=50),
                Paper("exact", "Café Culture", upvotes=1),
            ]
        )
        assert find(store, "cafe culture") == ["exact", "long"]


def test_exact_only_when_the_whole_title_matches(deep: Store) -> None:
    # "deep" alone is no title's whole text: ranking is by score and upvotes.
    assert find(deep, "deep")[0] == "d1"
    assert find(deep, "learning deep")[0] == "d1"  # the words, not the title as typed
    assert find(deep, '"deep learning"')[0] == "exact"
    assert find(deep, "deep learning -video")[0] == "exact"
    assert find(deep, "deep learning tag:x") == []
    hits = SearchIndex(deep.records()).search("deep learning", now=NOW)
    assert hits[0].id == "exact"


def test_the_cli_lists_the_exact_title_first(
    deep: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    deep.close()
    assert main(["--db", str(deep.path), "search", "deep", "learning"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines][:1] == ["exact"]
    assert lines[0].endswith("  Deep Learning")


def test_the_session_search_ranks_the_exact_title_first(deep: Store) -> None:
    """The TUI's `/` runs Session.apply_query: the same ranking."""
    session = Session(deep, clock=CLOCK)
    session.recompute()
    assert session.apply_query("deep learning")[0] == "exact"
    assert session.apply_query("deep learning", abstracts=False)[0] == "exact"
