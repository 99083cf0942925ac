"""Search that forgives typos, ranks by field, and applies the query grammar's filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist import actions
from readlist.model import Paper
from readlist.query import QueryError
from readlist.search import ABSTRACT, TAGS_NOTES, TITLE, SearchIndex, rank
from readlist.session import Session
from readlist.store import Store
from tests.conftest import CLOCK, NOW

PAPERS = [
    Paper("vid", "Long Video Generation with Diffusion", upvotes=5, added="2026-01-01T00:00"),
    Paper("agt", "An Agent for Web Tasks", added="2026-01-02T00:00"),
    Paper("ags", "LLM Agents Survey", upvotes=9, added="2026-01-03T00:00"),
    Paper("mod", "Modulation of Signals", added="2026-01-04T00:00"),
    Paper("mdl", "A Small Model", abstract="we study video models", added="2026-01-05T00:00"),
    Paper(
        "tag",
        "Scaling Laws",
        tags=["llm"],
        notes="reinforcement learning angle",
        added="2026-01-06T00:00",
    ),
    Paper("abs", "Unrelated Title", abstract="an llm that edits video", added="2026-01-07T00:00"),
    Paper("gen", "Generation Tricks", abstract="Video,  diffusion!", added="2026-01-08T00:00"),
]


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "lib.json") as store:
        store.put(PAPERS)
        yield store


def find(store: Store, query: str) -> list[str]:
    return rank(store.records(), query, now=NOW)


def test_typos_in_the_issue_are_forgiven(lib: Store) -> None:
    assert find(lib, "vidoe")[0] == "vid"
    assert find(lib, "genration")[:2] == ["vid", "gen"]
    assert find(lib, "vidoe genration") == ["vid"]
    assert find(lib, "agnet")[:2] == ["ags", "agt"]  # Agents too: a swap at a word's start


def test_a_four_letter_typo_does_not_match(lib: Store) -> None:
    assert find(lib, "vdeo") == []
    assert find(lib, "agnt") == []
    assert find(lib, "vide") != []  # short words still match inside words, as typed


def test_typo_rule_does_not_flood(lib: Store) -> None:
    assert find(lib, "model") == ["mdl"]  # not "Modulation": no substitution at a start
    assert find(lib, "tricks") == ["gen"]
    assert find(lib, "trikcs") == ["gen"]
    assert find(lib, "trucks") == ["gen"]  # one substitution in a whole word is a typo


def test_a_typo_ranks_below_the_word_as_typed(tmp_path: Path) -> None:
    with Store(tmp_path / "t.json") as store:
        store.put([Paper("typo", "Vidoe Games", upvotes=99), Paper("word", "Video Games")])
        hits = SearchIndex(store.records()).search("video", now=NOW)
    assert [h.id for h in hits] == ["word", "typo"]
    assert hits[0].score > hits[1].score


def test_ranking_title_then_tags_and_notes_then_abstract(lib: Store) -> None:
    hits = SearchIndex(lib.records()).search("llm", now=NOW)
    assert [(h.id, h.tier) for h in hits] == [
        ("ags", TITLE),
        ("tag", TAGS_NOTES),
        ("abs", ABSTRACT),
    ]


def test_typos_in_notes(lib: Store) -> None:
    assert find(lib, "reinforcment") == ["tag"]
    assert find(lib, "agnle") == ["tag"]  # partial_ratio alone misses this swap


def test_exclusion(lib: Store) -> None:
    assert find(lib, "video") == ["vid", "mdl", "abs", "gen"]
    assert find(lib, "video -diffusion") == ["mdl", "abs"]  # title and abstract both exclude
    assert find(lib, "video -generation") == ["mdl", "abs"]


def test_tag_filter_does_not_match_abstracts(lib: Store) -> None:
    assert find(lib, "tag:llm") == ["tag"]
    assert find(lib, "-tag:llm video") == ["vid", "mdl", "abs", "gen"]


def test_filters_narrow_a_ranked_search(lib: Store) -> None:
    actions.set_read(lib, ["vid"], True, now=NOW)
    assert find(lib, "video is:unread") == ["mdl", "abs", "gen"]
    # Filters read the records at query time: an index built earlier still sees the change.
    index = SearchIndex(lib.records())
    actions.set_starred(lib, ["gen"], True, now=NOW)
    assert index.search_ids("video is:starred", records=lib.records(), now=NOW) == ["gen"]


def test_filters_alone_list_newest_added_first(lib: Store) -> None:
    assert find(lib, "is:unread -tag:llm")[:3] == ["gen", "abs", "mdl"]


def test_quoted_phrase_must_occur_as_typed(lib: Store) -> None:
    assert find(lib, '"video generation"') == ["vid"]
    assert find(lib, '"generation video"') == []
    assert find(lib, '"video diffusion"') == ["gen"]  # in the abstract


def test_a_word_of_parts_finds_and_leaves_out_that_word_only(tmp_path: Path) -> None:
    with Store(tmp_path / "parts.json") as store:
        store.put(
            [
                Paper("four", "What GPT-4o Sees", added="2026-01-01T00:00"),
                Paper("apart", "GPT for 4o Tasks", added="2026-01-02T00:00"),
                Paper("gpt", "GPT Agents", added="2026-01-03T00:00"),
                Paper("abs", "Plain Title", abstract="we compare with gpt 4o", added="2026-01-04"),
            ]
        )
        assert find(store, "gpt-4o") == ["four", "abs"]
        assert sorted(find(store, "gpt -gpt-4o")) == ["apart", "gpt"]


def test_bad_query_raises_query_error(lib: Store) -> None:
    with pytest.raises(QueryError, match="year:twenty"):
        find(lib, "year:twenty")


def test_session_keeps_results_and_reports_a_bad_query(lib: Store) -> None:
    session = Session(lib, clock=CLOCK)
    assert session.apply_query("video") == ["vid", "mdl", "abs", "gen"]
    assert session.query_error is None
    assert session.apply_query("video year:20") == ["vid", "mdl", "abs", "gen"]
    assert session.query_error is not None
    assert session.query_error.startswith("year:20: expected a year")
    assert session.apply_query("video -diffusion") == ["mdl", "abs"]
    assert session.query_error is None


def test_session_filters_keep_the_view_order(lib: Store) -> None:
    session = Session(lib, clock=CLOCK)
    session.sort = "title"
    session.recompute()
    assert session.apply_query("is:unread -tag:llm")[:3] == ["mdl", "agt", "gen"]
    actions.set_read(lib, ["mdl"], True, now=NOW)
    assert session.apply_query("is:unread -tag:llm")[:2] == ["agt", "gen"]


def test_typo_candidates_agree_with_the_word_rule() -> None:
    """The fast candidate pass finds exactly the words the rule accepts."""
    from readlist.query import normalize, word_matches
    from readlist.vocabulary import Vocabulary
    from tests.conftest import SEEDS

    text = normalize(" ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt"))))
    vocab = Vocabulary([text])
    for query in ("vidoe", "genration", "agnet", "difusion", "lagnuage", "modle", "reasonign"):
        found = {vocab.words[i] for i in (vocab.typos(query) > 0).nonzero()[0].tolist()}
        expected = {w for w in vocab.words if word_matches(query, w)}
        assert found == expected, query
        assert found, query


def test_filters_never_return_a_removed_paper(lib: Store) -> None:
    index = SearchIndex(lib.records())
    with lib.transaction():
        lib.remove(["gen"])
    found = index.search_ids("is:unread", records=lib.records(), now=NOW)
    assert "gen" not in found
    assert "abs" in found
