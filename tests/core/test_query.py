"""The query grammar: parsing, and each filter against real stored papers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist import actions
from readlist.model import Paper
from readlist.query import FIELDS, GRAMMAR_HELP, Filter, Query, QueryError, parse, word_matches
from readlist.store import Store

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
EARLY = "2026-11-01T09:00:00+00:00"
LATEST = "2026-11-20T09:00:00+00:00"


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "lib.json") as store:
        store.put(
            [
                Paper(
                    "a1",
                    "Tagged Paper",
                    tags=["LLM"],
                    authors=["Yann LeCun", "Ada Lovelace"],
                    primary_category="cs.CV",
                    published="2023-05-01",
                    date="2025-01-01",
                    added=EARLY,
                ),
                Paper(
                    "b2",
                    "Other Paper",
                    abstract="an llm does things",
                    categories=["cs.LG", "stat.ML"],
                    date="2024-02-02",
                    read=True,
                    notes="worth it",
                    added=LATEST,
                ),
                Paper("c3", "Starred Long Ago", starred=True, added=EARLY, date="2025-06-01"),
                Paper(
                    "d4",
                    "Starred Yesterday",
                    starred=True,
                    starred_at="2026-11-22T12:00:00+00:00",
                    added=LATEST,
                ),
                Paper("e5", "Starred and read", starred=True, read=True, added=EARLY),
            ]
        )
        yield store


def kept(store: Store, text: str) -> list[str]:
    records = store.records()
    return parse(text).select(records, records, now=NOW)


def test_parse_splits_words_phrases_exclusions_and_filters() -> None:
    q = parse('vidoe Genration "video  generation" -gan -"style transfer" tag:llm -is:read')
    assert q.words == ("vidoe", "genration")
    assert q.phrases == ("video generation",)
    assert q.excluded_words == ("gan",)
    assert q.excluded_phrases == ("style transfer",)
    assert q.filters == (Filter("tag", "llm"), Filter("is", "read", negated=True))
    assert q.ranks


def test_filters_alone_do_not_rank() -> None:
    q = parse("tag:llm is:unread")
    assert not q.ranks
    assert q.words == ()
    assert bool(q)


def test_unknown_field_is_text() -> None:
    assert parse("foo:bar").phrases == ("foo bar",)  # Re:Imagine is a title's word
    q = parse("DeepSeek-R1: reasoning")
    assert (q.phrases, q.words) == (("deepseek r1",), ("reasoning",))


def test_a_word_of_parts_is_a_phrase_to_find_and_to_leave_out() -> None:
    """gpt-4o is one thing: -gpt-4o used to leave out every paper with "gpt" or "4o"."""
    q = parse("gpt-4o -gpt-4o text-to-video c++")
    assert q.phrases == ("gpt 4o", "text to video")
    assert q.excluded_phrases == ("gpt 4o",)
    assert q.words == ("cpp",)  # C++ is a word, not the letter c


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year:20x", "year:20x: expected a year like 2024 or a range 2023..2025"),
        ("year:2025..2023", "year:2025..2023: the range ends before it starts"),
        ("is:later", "is:later: expected one of starred, unread, read, new, noted, due"),
        ("tag:", "tag: needs a value"),
    ],
)
def test_bad_filter_values_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_tag_filter_is_case_insensitive_and_never_reads_abstracts(lib: Store) -> None:
    assert kept(lib, "tag:llm") == ["a1"]
    assert kept(lib, "-tag:LLM") == ["b2", "c3", "d4", "e5"]


def test_author_filter_forgives_a_typo(lib: Store) -> None:
    assert kept(lib, "author:lecun") == ["a1"]
    assert kept(lib, "author:lecnu") == ["a1"]  # 5 letters: one swap is forgiven
    assert kept(lib, 'author:"ada lovelace"') == ["a1"]
    assert kept(lib, "author:lecxx") == []
    assert kept(lib, "author:yan") == ["a1"]  # short words: as typed, inside a name


def test_category_filter_reads_primary_and_cross_lists(lib: Store) -> None:
    assert kept(lib, "cat:cs.cv") == ["a1"]
    assert kept(lib, "cat:stat.ML") == ["b2"]
    assert kept(lib, "cat:cs") == ["a1", "b2"]
    assert kept(lib, "cat:c") == []


def test_year_filter_prefers_published_to_date(lib: Store) -> None:
    assert kept(lib, "year:2023") == ["a1"]  # published 2023, listed 2025
    assert kept(lib, "year:2025") == ["c3"]
    assert kept(lib, "year:2024..2025") == ["b2", "c3"]
    assert kept(lib, "year:2024..") == ["b2", "c3"]


@pytest.mark.parametrize(
    ("state", "ids"),
    [
        ("starred", ["c3", "d4", "e5"]),
        ("unread", ["a1", "c3", "d4"]),
        ("read", ["b2", "e5"]),
        ("noted", ["b2"]),
        ("new", ["b2", "d4"]),
        ("due", ["c3"]),
    ],
)
def test_is_filters(lib: Store, state: str, ids: list[str]) -> None:
    assert kept(lib, f"is:{state}") == ids


def test_due_counts_from_when_it_was_starred(lib: Store) -> None:
    actions.set_starred(lib, ["a1"], True, now=NOW)
    (paper,) = [lib.get("a1")]
    assert paper.starred_at is not None
    starred = dt.datetime.fromisoformat(paper.starred_at)
    records = lib.records()
    later = parse("is:due")
    assert "a1" not in later.select(records, records, now=starred + dt.timedelta(days=6))
    assert "a1" in later.select(records, records, now=starred + dt.timedelta(days=7))
    actions.set_read(lib, ["a1"], True, now=NOW)
    assert "a1" not in later.select(lib.records(), records, now=starred + dt.timedelta(days=8))


def test_starring_again_keeps_the_first_stamp(lib: Store) -> None:
    before = lib.get("d4").starred_at
    actions.set_starred(lib, ["d4"], True, now=NOW)
    assert lib.get("d4").starred_at == before
    actions.set_starred(lib, ["d4"], False, now=NOW)
    assert lib.get("d4").starred_at is None


def test_is_takes_a_unique_prefix(lib: Store) -> None:
    assert parse("is:st").filters == (Filter("is", "starred"),)
    assert parse("-is:UNREA").filters == (Filter("is", "unread", negated=True),)  # un: unsure too
    with pytest.raises(QueryError, match="is:n: ambiguous"):
        parse("is:n")  # new or noted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("is:un", "is:un: ambiguous, could be is:unread, is:unsure or is:unresolved"),
        ("is:u", "is:u: ambiguous, could be is:unread, is:unsure or is:unresolved"),
        ("video -is:UN", "is:UN: ambiguous, could be is:unread, is:unsure or is:unresolved"),
        ("is:unre", "is:unre: ambiguous, could be is:unread or is:unresolved"),
        ("is:n", "is:n: ambiguous, could be is:new or is:noted"),
    ],
)
def test_an_ambiguous_state_is_named_so_with_its_candidates(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert str(info.value) == message


def test_a_state_that_is_no_start_of_any_lists_them_all() -> None:
    with pytest.raises(QueryError) as info:
        parse("is:nope")
    assert str(info.value) == (
        "is:nope: expected one of starred, unread, read, new, noted, due, unsure, unresolved"
    )
    assert parse("is:uns").filters == (Filter("is", "unsure"),)  # unique: no error


def test_filters_combine(lib: Store) -> None:
    assert kept(lib, "is:starred -is:read") == ["c3", "d4"]
    assert kept(lib, "is:starred is:new") == ["d4"]


def test_word_rule() -> None:
    assert word_matches("vidoe", "video")
    assert word_matches("agnet", "agents")
    assert word_matches("genratio", "generation")
    assert word_matches("rl", "rlhf")
    assert not word_matches("vdeo", "video")  # 4 letters: as typed
    assert not word_matches("model", "modulation")  # no substitution at a long word's start


def test_grammar_help_covers_every_field() -> None:
    text = " ".join(syntax for syntax, _ in GRAMMAR_HELP)
    for name in FIELDS:
        assert f"{name}:" in text
    for state in ("starred", "unread", "read", "new", "noted", "due"):
        assert state in " ".join(f"{s} {m}" for s, m in GRAMMAR_HELP)
    assert Query() == parse("   ")
